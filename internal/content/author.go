package content

import (
	"path"
	"strings"
)

// Author is what content/auteurs/<slug>.md says of an author: a page of
// its own beside the list of their articles. Authors without a file still
// have their page, with their name only.
type Author struct {
	Slug         string // the file name, also the slug of the name articles give
	Name         string
	Role         string   // « Journaliste », « Correspondante à Madrid »
	BioHTML      string   // the file's body: a short biography
	Photo        string   // a site-local image path (/media/…) or an http(s) URL
	Organization bool     // a newsroom or an institution rather than a person
	Aliases      []string // former addresses of the page (WordPress's /author/login)
	Path         string
	Hash         string
}

var authorKeys = map[string]bool{"name": true, "role": true, "photo": true, "organization": true, "aliases": true}

// Author parses an author file, content/auteurs/<slug>.md.
func (p *Parser) Author(filePath string, src []byte) (Author, []Problem) {
	slug := strings.TrimSuffix(path.Base(filePath), ".md")
	au := Author{Slug: slug, Path: filePath, Hash: Hash(src), Organization: slug == EditorialTeam}
	if !IsSlug(slug) {
		return au, []Problem{problemf(filePath, 0, "nom de fichier « %s » invalide pour un auteur : écrivez le nom en minuscules sans accents, mots séparés par des tirets (par exemple « %s.md »)", path.Base(filePath), Slugify(slug))}
	}
	if pr := checkSource(filePath, src); pr != nil {
		return au, []Problem{*pr}
	}
	doc, pr := p.parse(filePath, src)
	if pr != nil {
		return au, []Problem{*pr}
	}
	fm, problems := decodeBlock(filePath, doc.frontMatter, authorKeys, nil)
	problems = append(problems, doc.problems...)
	if HasErrors(problems) {
		return au, problems
	}
	var line int
	au.Name, line = fm.scalar("name", &problems)
	switch {
	case au.Name == "":
		_, line := fm.empty("name")
		problems = append(problems, problemf(filePath, line, "le nom (name) est obligatoire, par exemple name: Camille Martin"))
	case AuthorSlug(au.Name) != slug:
		problems = append(problems, problemf(filePath, line, "le nom « %s » ne correspond pas au fichier : les articles de cet auteur le nomment par ce nom, dont l'adresse est %s ; renommez le fichier %s.md", au.Name, AuthorPath(AuthorSlug(au.Name)), AuthorSlug(au.Name)))
	}
	au.Role, _ = fm.scalar("role", &problems)
	au.Photo, line = fm.scalar("photo", &problems)
	if au.Photo != "" {
		var more []Problem
		au.Photo, _, _, more = p.cover(filePath, line, au.Photo)
		problems = append(problems, more...)
	}
	if _, ok := fm.fields["organization"]; ok {
		au.Organization = fm.boolean("organization", &problems)
	}
	// Read from the site's root, as a rubrique's: the file's folder is no
	// part of the page's address.
	items, line := fm.list("aliases", &problems)
	for _, a := range items {
		alias, ok := Alias(".", a)
		if !ok || p.isSiteRoute(alias, nil) || alias == AuthorPath(slug) {
			problems = append(problems, warningf(filePath, line, "alias « %s » invalide : écrivez un chemin du site commençant par / et qui ne soit pas déjà une page du site, par exemple /author/ancien-identifiant", a))
			continue
		}
		au.Aliases = append(au.Aliases, alias)
	}
	au.BioHTML = doc.html
	return au, problems
}
