// Package corpus writes a realistic, deterministic content folder of any
// size, for crawl tests and benchmarks: site.yaml, five rubriques, articles
// of generated French text (2 to 8 KB), 200 tags, dates spread over several
// years, a few drafts, scheduled and expiring articles, and some aliases.
// The same options always give the same bytes.
package corpus

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/horizons-expat/site/internal/content"
)

// Reference is the default "now" of a corpus: scheduled articles are dated
// after it, everything else before. The test harness uses it as its frozen
// clock (sitetest.FixtureNow), so a generated corpus it serves has its
// scheduled articles still unpublished.
var Reference = time.Date(2024, 11, 25, 12, 0, 0, 0, time.UTC)

// Years is how far back article dates go from Now.
const Years = 6

// TagCount is the number of distinct tags of a corpus.
const TagCount = 200

// Options shape a corpus.
type Options struct {
	Articles int       // number of article files
	Seed     int64     // same seed, same bytes
	Now      time.Time // zero means Reference
}

// Generate writes a corpus of n articles into dir (created when missing; it
// must not already hold a site.yaml) with the default Reference date.
func Generate(dir string, n int, seed int64) error {
	return Write(dir, Options{Articles: n, Seed: seed})
}

// Write writes a corpus into dir according to o.
func Write(dir string, o Options) error {
	if o.Articles < 0 {
		return fmt.Errorf("corpus: negative article count %d", o.Articles)
	}
	if o.Now.IsZero() {
		o.Now = Reference
	}
	if _, err := os.Stat(filepath.Join(dir, content.SiteFile)); err == nil {
		return fmt.Errorf("corpus: %s already holds a content folder", dir)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("corpus: %w", err)
	}
	g := newGenerator(o)
	files := map[string][]byte{content.SiteFile: g.site()}
	for _, c := range categories {
		files[c.slug+"/"+content.CategoryFile] = g.category(c)
	}
	for i := range o.Articles {
		p, src := g.article(i)
		files[p] = src
	}
	for _, c := range categories {
		if err := os.MkdirAll(filepath.Join(dir, c.slug), 0o755); err != nil {
			return fmt.Errorf("corpus: %w", err)
		}
	}
	for p, src := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), src, 0o644); err != nil {
			return fmt.Errorf("corpus: %w", err)
		}
	}
	return nil
}

type published struct {
	path, title string
	date        time.Time
}

// sourcePages are the official pages a generated article rests on: every
// article names one, as the bundled content does (site check asks for it).
var sourcePages = []string{
	"[Cleiss](https://www.cleiss.fr/)",
	"[Service-Public.fr](https://www.service-public.fr/)",
	"[France Diplomatie](https://www.diplomatie.gouv.fr/)",
	"[impots.gouv.fr](https://www.impots.gouv.fr/)",
	"[AEFE](https://www.aefe.fr/)",
}

type generator struct {
	o    Options
	rnd  *rand.Rand
	tags []string
	loc  *time.Location
	// live holds earlier articles that are published for good, the only
	// safe targets of internal links.
	live  []published
	slugs map[string]bool
}

func newGenerator(o Options) *generator {
	loc, err := time.LoadLocation(content.DefaultTimeZone)
	if err != nil {
		loc = time.UTC
	}
	return &generator{
		o:     o,
		rnd:   rand.New(rand.NewPCG(uint64(o.Seed), 0x9e3779b97f4a7c15)),
		tags:  tagLabels(),
		loc:   loc,
		slugs: map[string]bool{},
	}
}

// tagLabels returns exactly TagCount labels with distinct slugs.
func tagLabels() []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]string{themes, countries, cities} {
		for _, l := range list {
			if s := content.Slugify(l); !seen[s] && len(out) < TagCount {
				seen[s] = true
				out = append(out, l)
			}
		}
	}
	return out
}

func (g *generator) site() []byte {
	return []byte(`title: Horizons
tagline: L'actualité des Français de l'étranger
description: "Horizons informe les Français de l'étranger sur l'actualité, la protection sociale en mobilité internationale et les démarches de la vie hors de France."
base_url: http://127.0.0.1:8080
language: fr
timezone: Europe/Paris
`)
}

func (g *generator) category(c category) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\ndescription: %s\nweight: %d\n---\n\n", quote(c.title), quote(c.description), c.weight)
	b.WriteString(g.paragraph(2, 3))
	b.WriteString("\n")
	return []byte(b.String())
}

// article returns the path and bytes of the i-th article.
func (g *generator) article(i int) (string, []byte) {
	r := g.rnd
	c := categories[r.IntN(len(categories))]
	title := g.title()
	slug := content.Slugify(title)
	if len(slug) > 80 {
		slug = slug[:strings.LastIndexByte(slug[:80], '-')]
	}
	for g.slugs[c.slug+"/"+slug] {
		slug = fmt.Sprintf("%s-%d", strings.TrimRight(slug, "-"), i)
	}
	g.slugs[c.slug+"/"+slug] = true
	p := c.slug + "/" + slug + ".md"

	// Dates are spread uniformly over the last Years years, at office hours.
	span := time.Duration(Years) * 365 * 24 * time.Hour
	date := g.o.Now.Add(-time.Duration(r.Int64N(int64(span)))).In(g.loc)
	date = time.Date(date.Year(), date.Month(), date.Day(), 7+r.IntN(13), r.IntN(60), 0, 0, g.loc)
	var draft, scheduled, expires, updated, alias bool
	switch x := r.IntN(1000); {
	case x < 5:
		draft = true
	case x < 10:
		scheduled = true
		date = g.o.Now.Add(time.Duration(1+r.IntN(30*24)) * time.Hour).In(g.loc).Truncate(time.Minute)
	case x < 15:
		expires = true
	}
	updated = r.IntN(10) == 0 && !scheduled
	alias = r.IntN(50) == 0

	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", quote(title))
	fmt.Fprintf(&b, "date: %s\n", date.Format("2006-01-02 15:04"))
	if updated {
		u := date.Add(time.Duration(1+r.IntN(60*24)) * time.Hour)
		if u.After(g.o.Now) {
			u = g.o.Now.Add(-time.Hour)
		}
		if u.After(date) {
			fmt.Fprintf(&b, "updated: %s\n", u.In(g.loc).Format("2006-01-02 15:04"))
		}
	}
	if expires {
		// Half already expired, half expiring within the next weeks.
		e := g.o.Now.Add(time.Duration(r.IntN(60*24)-30*24) * time.Hour)
		if !e.After(date) {
			e = date.Add(24 * time.Hour)
		}
		fmt.Fprintf(&b, "expires: %s\n", e.In(g.loc).Format("2006-01-02 15:04"))
	}
	fmt.Fprintf(&b, "summary: %s\n", quote(capitalize(g.clause())+"."))
	fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(g.pickTags(), ", "))
	fmt.Fprintf(&b, "author: %s\n", quote(authors[r.IntN(len(authors))]))
	fmt.Fprintf(&b, "sources: [%s]\n", quote(sourcePages[r.IntN(len(sourcePages))]))
	if draft {
		b.WriteString("draft: true\n")
	}
	if alias {
		// The addresses of the site this one replaced; /archives is
		// the site's own.
		fmt.Fprintf(&b, "aliases: [/ancien-site/%d/%s]\n", date.Year(), slug)
	}
	b.WriteString("---\n\n")
	g.body(&b, 1800+r.IntN(5000), date)

	if !draft && !scheduled && !expires {
		g.live = append(g.live, published{path: content.ArticlePath(c.slug, slug), title: title, date: date})
	}
	return p, []byte(b.String())
}

// pickTags draws 2 to 5 distinct tags, favouring the first ones so that a
// few tags are large (many listing pages) and most are small.
func (g *generator) pickTags() []string {
	n := 2 + g.rnd.IntN(4)
	seen := map[int]bool{}
	var out []string
	for len(out) < n {
		// The square of a uniform draw skews towards small indexes.
		f := g.rnd.Float64()
		i := int(f * f * float64(len(g.tags)))
		if !seen[i] {
			seen[i] = true
			out = append(out, quote(g.tags[i]))
		}
	}
	return out
}

// body writes Markdown paragraphs, headings, lists, quotes and links until
// the body is at least size bytes long. Its links lead only to articles
// already published at date, as site check asks.
func (g *generator) body(b *strings.Builder, size int, date time.Time) {
	r := g.rnd
	start := b.Len()
	b.WriteString(g.paragraph(3, 5))
	order := r.Perm(len(headings))
	for i := 0; b.Len()-start < size; i++ {
		fmt.Fprintf(b, "## %s\n\n", headings[order[i%len(order)]])
		switch r.IntN(6) {
		case 0:
			n := 3 + r.IntN(3)
			for j := range n {
				end := " ;"
				if j == n-1 {
					end = "."
				}
				fmt.Fprintf(b, "- %s%s\n", g.clause(), end)
			}
			b.WriteString("\n")
		case 1:
			fmt.Fprintf(b, "« %s », explique %s.\n\n", capitalize(quotes[r.IntN(len(quotes))]), speakers[r.IntN(len(speakers))])
		case 2:
			// A few draws find an earlier article without scanning them all.
			for try := 0; try < 4 && len(g.live) > 0; try++ {
				if l := g.live[r.IntN(len(g.live))]; !l.date.After(date) {
					fmt.Fprintf(b, "Nous en parlions déjà dans notre article [%s](%s).\n\n", strings.ReplaceAll(l.title, "]", ""), l.path)
					break
				}
			}
		}
		b.WriteString(g.paragraph(3, 6))
	}
}

// paragraph returns min to max sentences ended by a blank line.
func (g *generator) paragraph(min, max int) string {
	var sb strings.Builder
	n := min + g.rnd.IntN(max-min+1)
	for i := range n {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(g.sentence())
	}
	sb.WriteString("\n\n")
	return sb.String()
}

func (g *generator) sentence() string {
	r := g.rnd
	switch r.IntN(5) {
	case 0:
		return openers[r.IntN(len(openers))] + g.clause() + "."
	case 1:
		return capitalize(g.clause()) + ", " + g.fill("{complement}") + "."
	case 2:
		return fmt.Sprintf("Selon %s, %s.", g.fill("{sujet}"), g.clause())
	case 3:
		return capitalize(g.clause()) + " : " + g.fill("{objet}") + " " + g.fill("{complement}") + "."
	}
	return capitalize(g.clause()) + "."
}

func (g *generator) clause() string { return g.fill("{sujet} {verbe} {objet} {complement}") }

func (g *generator) title() string {
	return capitalize(g.fill(titleTemplates[g.rnd.IntN(len(titleTemplates))]))
}

// fill replaces the slots of template t by random words.
func (g *generator) fill(t string) string {
	r := g.rnd
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String()
		}
		j := strings.IndexByte(t[i:], '}') + i
		b.WriteString(t[:i])
		slot := t[i+1 : j]
		t = t[j+1:]
		var w string
		switch strings.ToLower(slot) {
		case "sujet":
			w = g.fill(subjects[r.IntN(len(subjects))])
		case "verbe":
			w = verbs[r.IntN(len(verbs))]
		case "objet":
			w = objects[r.IntN(len(objects))]
		case "complement":
			w = g.fill(complements[r.IntN(len(complements))])
		case "pays":
			w = countries[r.IntN(len(countries))]
		case "ville":
			w = cities[r.IntN(len(cities))]
		case "theme":
			w = themes[r.IntN(len(themes))]
		case "mois":
			w = months[r.IntN(len(months))]
		case "n":
			w = fmt.Sprint(2 + r.IntN(10))
		case "age":
			w = fmt.Sprint(18 + r.IntN(13))
		case "mille":
			w = fmt.Sprintf("%d\u00a0000", 2+r.IntN(90))
		}
		if slot[0] >= 'A' && slot[0] <= 'Z' {
			w = capitalize(w)
		}
		if startsWithVowel(w) && strings.HasSuffix(b.String(), " de ") {
			// French elision: "de Abidjan" is written "d'Abidjan".
			s := b.String()
			b.Reset()
			b.WriteString(s[:len(s)-2] + "'")
		}
		b.WriteString(w)
	}
}

func startsWithVowel(s string) bool {
	for _, r := range s {
		return strings.ContainsRune("AEIOUYÉÈÊaeiouéèê", r)
	}
	return false
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// quote makes s a double-quoted YAML scalar.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
