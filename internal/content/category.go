package content

import "path"

var categoryKeys = map[string]bool{"title": true, "description": true, "weight": true, "aliases": true}

// Category parses the _index.md of a category folder.
func (p *Parser) Category(filePath string, src []byte) (Category, []Problem) {
	c := Category{Slug: path.Dir(filePath), Path: filePath, Hash: Hash(src)}
	if pr := checkSource(filePath, src); pr != nil {
		return c, []Problem{*pr}
	}
	doc, pr := p.parse(filePath, src)
	if pr != nil {
		return c, []Problem{*pr}
	}
	fm, problems := decodeBlock(filePath, doc.frontMatter, categoryKeys, nil)
	if HasErrors(problems) {
		return c, problems
	}
	c.Title, _ = fm.scalar("title", &problems)
	if c.Title == "" {
		problems = append(problems, problemf(filePath, 2, "le titre de la rubrique (title) est obligatoire"))
	}
	c.Description, _ = fm.scalar("description", &problems)
	c.Title, c.Description = French(c.Title), French(c.Description)
	c.Weight = fm.integer("weight", &problems)
	c.IntroHTML = doc.html
	// A rubrique's aliases are read from the site's root: its folder is
	// its whole address.
	items, line := fm.list("aliases", &problems)
	for _, a := range items {
		alias, ok := Alias(".", a)
		if !ok || p.isSiteRoute(alias, nil) || alias == CategoryPath(c.Slug) {
			// A warning: a bad alias must not take the rubrique's articles offline.
			problems = append(problems, warningf(filePath, line, "alias « %s » invalide : écrivez un chemin du site commençant par / et qui ne soit pas déjà une rubrique ni une page du site, par exemple /category/ancienne-rubrique", a))
			continue
		}
		c.Aliases = append(c.Aliases, alias)
	}
	return c, problems
}
