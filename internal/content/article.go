package content

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/horizons-expat/site/internal/images"
)

var articleKeys = map[string]bool{
	"title": true, "date": true, "summary": true, "updated": true, "slug": true,
	"tags": true, "draft": true, "aliases": true, "image": true, "image_alt": true,
	"image_caption": true, "image_credit": true, "image_focus": true,
	"author": true, "authors": true, "expires": true, "sources": true,
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
	fm, problems := decodeFrontMatter(filePath, doc.rawFrontMatter, 2, articleKeys)
	problems = append(problems, doc.problems...)
	if HasErrors(problems) {
		return a, problems
	}

	a.Title, _ = fm.scalar("title", &problems)
	a.Title = French(a.Title)
	if empty, line := fm.empty("title"); empty {
		problems = append(problems, problemf(filePath, line, "le titre (title) est obligatoire"))
	}
	if empty, line := fm.empty("date"); empty {
		problems = append(problems, problemf(filePath, line, "la date (date) est obligatoire, par exemple date: 2024-11-13 09:30"))
	}
	a.Date = fm.date("date", loc, &problems)
	a.Updated = fm.date("updated", loc, &problems)
	a.Expires = fm.date("expires", loc, &problems)
	if !a.Updated.IsZero() && !a.Date.IsZero() && a.Updated.Before(a.Date) {
		problems = append(problems, warningf(filePath, fm.fields["updated"].line, "la mise à jour (updated) précède la date de publication"))
	}
	if !a.Expires.IsZero() && !a.Date.IsZero() && !a.Expires.After(a.Date) {
		problems = append(problems, problemf(filePath, fm.fields["expires"].line, "l'expiration (expires) doit suivre la date de publication"))
	}
	a.Summary, _ = fm.scalar("summary", &problems)
	a.Summary = French(a.Summary)
	a.Authors = authorsFor(filePath, fm, &problems)
	a.Image, _ = fm.scalar("image", &problems)
	a.ImageAlt, _ = fm.scalar("image_alt", &problems)
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

func tagsFor(filePath string, fm frontMatter, problems *[]Problem) []Tag {
	items, line := fm.list("tags", problems)
	var tags []Tag
	seen := map[string]bool{}
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

func aliasesFor(filePath string, fm frontMatter, problems *[]Problem) []string {
	items, line := fm.list("aliases", problems)
	var out []string
	for _, a := range items {
		if !strings.HasPrefix(a, "/") || strings.HasPrefix(a, "//") || strings.ContainsAny(a, "?# \t") {
			*problems = append(*problems, problemf(filePath, line, "alias « %s » invalide : écrivez un chemin du site commençant par /, par exemple /ancienne-rubrique/ancien-article", a))
			continue
		}
		// The site answers lower-case paths only (others redirect there),
		// so an alias is matched in lower case too.
		out = append(out, strings.ToLower(strings.TrimSuffix(a, "/")))
	}
	return out
}

func countWords(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\'' || r == '’'
	}))
}
