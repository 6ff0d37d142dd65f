package content

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/horizons-expat/site/internal/images"
)

var articleKeys = map[string]bool{
	"title": true, "date": true, "summary": true, "updated": true, "slug": true,
	"tags": true, "draft": true, "aliases": true, "image": true, "image_alt": true,
	"image_caption": true, "image_credit": true, "image_focus": true, "author": true, "authors": true, "expires": true, "sources": true,
	// Hugo's keys, read as Hugo reads them.
	"description": true, "publishdate": true, "categories": true, "keywords": true,
	"images": true, "weight": true, "url": true,
}

// articleAliases are Hugo's other names of our keys (Hugo reads keys in any
// case: they are lower-cased first).
var articleAliases = map[string]string{
	"lastmod": "updated", "modified": "updated",
	"pubdate": "publishdate", "published": "publishdate",
	"expirydate": "expires", "unpublishdate": "expires",
}

// Hash identifies a file's bytes; reloads skip files whose hash is unchanged.
func Hash(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:16])
}

// Article parses the article file at path (slash-separated, relative to
// content/). Dates without a zone are read in loc. It returns the article and
// every problem found; the article is usable only when no problem is an error.
func (p *Parser) Article(filePath string, src []byte, loc *time.Location) (Article, []Problem) {
	a := Article{Path: filePath, Hash: Hash(src), Category: ArticleCategory(filePath)}
	if pr := checkSource(filePath, src); pr != nil {
		return a, []Problem{*pr}
	}
	doc, pr := p.parse(filePath, src)
	if pr != nil {
		return a, []Problem{*pr}
	}
	fm, problems := decodeBlock(filePath, doc.frontMatter, articleKeys, articleAliases)
	problems = append(problems, doc.problems...)
	if HasErrors(problems) {
		return a, problems
	}

	a.Title, _ = fm.scalar("title", &problems)
	a.Title = French(a.Title)
	if empty, line := fm.empty("title"); empty {
		problems = append(problems, problemf(filePath, line, "le titre (title) est obligatoire"))
	}
	if empty, line := fm.empty("date"); empty && fm.blank("publishdate") {
		problems = append(problems, problemf(filePath, line, "la date (date) est obligatoire, par exemple date: 2024-11-13 09:30"))
	}
	a.Date = fm.date("date", loc, &problems)
	a.Date = publicationFor(filePath, fm, a.Date, loc, &problems)
	a.Updated = fm.date("updated", loc, &problems)
	a.Expires = fm.date("expires", loc, &problems)
	if !a.Updated.IsZero() && !a.Date.IsZero() && a.Updated.Before(a.Date) {
		problems = append(problems, warningf(filePath, fm.fields["updated"].line, "la mise à jour (updated) précède la date de publication"))
	}
	if !a.Expires.IsZero() && !a.Date.IsZero() && !a.Expires.After(a.Date) {
		problems = append(problems, problemf(filePath, fm.fields["expires"].line, "l'expiration (expires) doit suivre la date de publication"))
	}
	a.Summary, _ = fm.scalar("summary", &problems)
	if a.Summary == "" {
		a.Summary = doc.beforeMore
	}
	a.Summary = French(a.Summary)
	a.MetaDescription, _ = fm.scalar("description", &problems)
	a.MetaDescription = French(a.MetaDescription)
	_ = fm.integer("weight", &problems) // Hugo's order of lists: ours is by date
	a.Authors = authorsFor(filePath, fm, &problems)
	a.Image, _ = fm.scalar("image", &problems)
	a.ImageAlt, _ = fm.scalar("image_alt", &problems)
	if images, line := fm.list("images", &problems); len(images) > 0 && a.Image == "" {
		// Hugo's images: the first is the page's cover.
		a.Image = images[0]
		fm.fields["image"] = field{key: "images", line: line, node: fm.fields["images"].node}
	}
	a.ImageCaption, _ = fm.scalar("image_caption", &problems)
	a.ImageCaption = French(a.ImageCaption)
	a.ImageCredit, _ = fm.scalar("image_credit", &problems)
	a.Sources = sourcesFor(filePath, fm, &problems)
	if a.Image != "" && a.ImageAlt == "" {
		problems = append(problems, warningf(filePath, fm.fields["image"].line, "image sans texte alternatif : ajoutez image_alt"))
	}
	if a.Image != "" {
		var more []Problem
		a.Image, a.ImageWidth, a.ImageHeight, more = p.cover(filePath, fm.fields["image"].line, a.Image)
		problems = append(problems, more...)
	}
	if focus, line := fm.scalar("image_focus", &problems); focus != "" {
		if _, err := images.ParseFocus(focus); err != nil {
			problems = append(problems, warningf(filePath, line, "%s", err.Error()))
		} else {
			a.ImageFocus = focus
		}
	}
	a.Draft = fm.boolean("draft", &problems)

	a.Slug = slugFor(filePath, fm, &problems)
	a.Tags = tagsFor(filePath, fm, &problems)
	a.Aliases = aliasesFor(filePath, fm, &problems)
	a.Aliases = append(a.Aliases, urlAlias(filePath, fm, &a, &problems)...)

	a.BodyHTML = doc.html
	a.BodyText = doc.text
	a.FirstParagraph = doc.firstPara
	a.Words = countWords(doc.text)
	a.Links = doc.links
	a.Headings = doc.headings
	a.Images = doc.images
	return a, problems
}

// slugFor is the front matter slug, or else the slug of the file name.
func slugFor(filePath string, fm frontMatter, problems *[]Problem) string {
	if s, line := fm.scalar("slug", problems); s != "" {
		if !IsSlug(s) {
			*problems = append(*problems, problemf(filePath, line, "slug « %s » invalide : lettres minuscules sans accents, chiffres et tirets seulement (par exemple « %s »)", s, Slugify(s)))
		}
		return s
	}
	name := strings.TrimSuffix(path.Base(filePath), ".md")
	if IsBundle(filePath) {
		name = path.Base(path.Dir(filePath))
	}
	slug := Slugify(name)
	if slug == "" {
		*problems = append(*problems, problemf(filePath, 0, "nom de fichier sans lettre ni chiffre : impossible d'en tirer une adresse"))
	} else if slug != name {
		*problems = append(*problems, warningf(filePath, 0, "le nom de fichier n'est pas une adresse propre : l'article sera publié sous « %s » (renommez le fichier %s.md)", slug, slug))
	}
	return slug
}

// tagsFor reads tags, then Hugo's categories and keywords: the rubrique is
// the folder, so a Hugo category can only be a keyword here.
func tagsFor(filePath string, fm frontMatter, problems *[]Problem) []Tag {
	var tags []Tag
	seen := map[string]bool{}
	for _, key := range []string{"tags", "categories", "keywords"} {
		items, line := fm.list(key, problems)
		for _, label := range items {
			slug := Slugify(label)
			if slug == "" {
				*problems = append(*problems, warningf(filePath, line, "mot-clé « %s » ignoré : il ne contient ni lettre ni chiffre", label))
				continue
			}
			if !seen[slug] {
				seen[slug] = true
				tags = append(tags, Tag{Slug: slug, Label: label})
			}
		}
	}
	return tags
}

// authorsFor reads author (one name or a list, as this site and Hugo
// themes write it) and authors (a list, as Hugo writes it); each name once.
func authorsFor(filePath string, fm frontMatter, problems *[]Problem) []string {
	one, oneLine := fm.list("author", problems)
	many, manyLine := fm.list("authors", problems)
	if len(one) > 0 && len(many) > 0 {
		*problems = append(*problems, warningf(filePath, manyLine, "« author » et « authors » sont donnés tous les deux : les noms des deux sont retenus ; gardez-en un seul"))
	}
	var out []string
	seen := map[string]bool{}
	add := func(names []string, line int) {
		for _, name := range names {
			slug := AuthorSlug(name)
			switch {
			case slug == "":
				*problems = append(*problems, warningf(filePath, line, "auteur « %s » ignoré : son nom ne contient ni lettre ni chiffre", name))
			case !seen[slug]:
				seen[slug] = true
				out = append(out, name)
			}
		}
	}
	add(one, oneLine)
	add(many, manyLine)
	return out
}

// publicationFor is the instant the article goes online: its date, or
// Hugo's publishDate when that is later (an embargo: the article stays
// hidden until then). Alone, publishDate is the date, as in Hugo.
func publicationFor(filePath string, fm frontMatter, date time.Time, loc *time.Location, problems *[]Problem) time.Time {
	publish := fm.date("publishdate", loc, problems)
	switch {
	case publish.IsZero():
		return date
	case date.IsZero() || publish.After(date):
		return publish
	case publish.Before(date):
		*problems = append(*problems, warningf(filePath, fm.fields["publishdate"].line, "« %s » précède la date (date) : l'article paraît à la date, pas avant", fm.fields["publishdate"].key))
	}
	return date
}

// urlAlias reads Hugo's url, the whole path of the page. Ours is always
// /rubrique/slug: a url of that shape names the slug, any other becomes an
// alias, so that the address it gave keeps answering.
func urlAlias(filePath string, fm frontMatter, a *Article, problems *[]Problem) []string {
	u, line := fm.scalar("url", problems)
	if u == "" {
		return nil
	}
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.ContainsAny(u, "?# \t") {
		*problems = append(*problems, problemf(filePath, line, "url « %s » invalide : écrivez un chemin du site commençant par /", u))
		return nil
	}
	p := strings.ToLower(strings.TrimSuffix(u, "/"))
	if dir, slug := path.Split(p); dir == "/"+a.Category+"/" && IsSlug(slug) && !fm.has("slug") {
		a.Slug = slug
		return nil
	}
	if p == a.URLPath() {
		return nil
	}
	return []string{p}
}

func aliasesFor(filePath string, fm frontMatter, problems *[]Problem) []string {
	items, line := fm.list("aliases", problems)
	var out []string
	for _, a := range items {
		alias, ok := Alias(path.Dir(filePath), a)
		if !ok {
			*problems = append(*problems, problemf(filePath, line, "alias « %s » invalide : écrivez un chemin du site commençant par /, par exemple /ancienne-rubrique/ancien-article (une adresse sans / se lit depuis le dossier de l'article)", a))
			continue
		}
		out = append(out, alias)
	}
	return out
}

// Alias is the site path an alias written in a file of folder dir stands
// for, as Hugo reads it: a path without a leading slash is relative to the
// folder. The site answers lower-case paths only (others redirect there),
// so an alias is matched in lower case too, without its trailing slash. A
// query is kept (WordPress's /?p=123), its parameters sorted so that any
// order matches; a fragment never reaches the server, so it is refused.
func Alias(dir, a string) (string, bool) {
	a = strings.TrimSpace(a)
	if a == "" || strings.HasPrefix(a, "//") || strings.ContainsAny(a, "# \t\\") || strings.Contains(a, "://") {
		return "", false
	}
	p, query, hasQuery := strings.Cut(a, "?")
	if !strings.HasPrefix(p, "/") {
		if p == "" || dir == "." {
			p = "/" + p
		} else {
			p = "/" + dir + "/" + p
		}
	}
	clean := path.Clean(p)
	if clean == "/" && !hasQuery {
		return "", false // the home page is nobody's alias
	}
	clean = strings.ToLower(clean)
	if !hasQuery {
		return clean, true
	}
	q := CanonicalQuery(query)
	if q == "" {
		return "", false
	}
	return clean + "?" + q, true
}

// CanonicalQuery is a query string with its parameters sorted, so that an
// alias and a request match whatever order they write them in.
func CanonicalQuery(q string) string {
	parts := strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' })
	sort.Strings(parts)
	return strings.Join(parts, "&")
}

// countWords counts the words of s, for the reading time: the runs between
// spaces and apostrophes ("l’école" is two words). It counts as it goes
// rather than cut the fields out: a first start counts every article.
func countWords(s string) int {
	n, inWord := 0, false
	for _, r := range s {
		apart := unicode.IsSpace(r) || r == '\'' || r == '’'
		if !apart && !inWord {
			n++
		}
		inWord = !apart
	}
	return n
}
