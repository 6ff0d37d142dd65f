package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// SiteFile is the path of the site settings inside content/.
const SiteFile = "site.yaml"

// CategoryFile is the name of a category's settings file in its folder.
const CategoryFile = "_index.md"

// Kind says what a path of the content tree holds.
type Kind int

const (
	KindIgnored   Kind = iota // not content: editor swap files, hidden files, images…
	KindSite                  // site.yaml
	KindCategory              // <category>/_index.md
	KindArticle               // <category>/<slug>.md, or a bundle's <category>/<slug>/index.md
	KindMisplaced             // a Markdown file where no article can be
	KindAuthor                // auteurs/<slug>.md
	KindMedia                 // an image file (see IsMedia), anywhere outside ignored folders
)

// Classify tells what the slash-separated path p, relative to content/, is.
func Classify(p string) Kind {
	if p == SiteFile {
		return KindSite
	}
	for _, seg := range strings.Split(p, "/") {
		if IgnoredName(seg) {
			return KindIgnored
		}
	}
	if IsMedia(p) {
		return KindMedia
	}
	if path.Ext(p) != ".md" {
		return KindIgnored
	}
	dir, name := path.Split(p)
	switch {
	case dir == AuthorsDir+"/" && !strings.HasPrefix(name, "_"):
		return KindAuthor
	case IsBundle(p):
		return KindArticle
	case dir == "" || strings.Count(dir, "/") > 1:
		return KindMisplaced
	case name == CategoryFile:
		return KindCategory
	case strings.HasPrefix(name, "_"):
		return KindIgnored
	}
	return KindArticle
}

// BundleFile is the name of a page bundle's article: an article may be a
// folder <category>/<slug>/ holding index.md and the images it names.
const BundleFile = "index.md"

// IsBundle reports whether p is the article file of a page bundle.
func IsBundle(p string) bool {
	return strings.Count(p, "/") == 2 && path.Base(p) == BundleFile
}

// ArticleCategory is the category slug of the article file at p.
func ArticleCategory(p string) string {
	c, _, _ := strings.Cut(p, "/")
	return c
}

// IgnoredName reports whether a file or folder name is one that editors'
// tools leave behind (swap, backup and lock files) or hides on purpose.
func IgnoredName(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") ||
		strings.HasPrefix(name, "#") || strings.HasSuffix(name, ".swp") ||
		strings.HasSuffix(name, ".swx") || strings.HasSuffix(name, ".tmp")
}

// MisplacedProblem explains why a Markdown file at p cannot be an article.
func MisplacedProblem(p string) Problem {
	if !strings.Contains(p, "/") {
		return problemf(p, 0, "article hors rubrique : placez-le dans un dossier de rubrique, par exemple vie-pratique/%s", p)
	}
	return problemf(p, 0, "sous-dossier non pris en charge : un article se place directement dans le dossier de sa rubrique (rubrique/nom.md), ou dans son propre dossier sous le nom index.md (rubrique/nom/index.md)")
}

// categoryProblems are the problems of a category folder's name.
func (prs *Parser) categoryProblems(slug string) []Problem {
	p := slug + "/" + CategoryFile
	switch {
	case !IsSlug(slug):
		return []Problem{problemf(p, 0, "nom de dossier « %s » invalide pour une rubrique : minuscules sans accents, chiffres et tirets (par exemple « %s »)", slug, Slugify(slug))}
	case prs.reserved.Has(slug):
		return []Problem{problemf(p, 0, "« %s » est une adresse réservée du site : renommez ce dossier", slug)}
	}
	return nil
}

// Entry is what cross-file validation needs to know of one article.
type Entry struct {
	Path     string
	Category string
	Slug     string
	Aliases  []string
}

// Validate checks rules that span files: every article needs its category,
// no two articles share a URL, and aliases neither collide with a live URL
// nor with each other. Entries are judged in the order given, so an earlier
// entry keeps a disputed URL. It returns the paths of the entries to leave
// out and the problems found, and drops the faulty aliases from entries.
func (prs *Parser) Validate(categories map[string]bool, entries []Entry) (rejected map[string]bool, problems []Problem) {
	rejected = map[string]bool{}
	owner := map[string]string{} // URL → path of the article it belongs to
	missing := map[string]bool{}
	for _, e := range entries {
		if !categories[e.Category] {
			rejected[e.Path] = true
			if !missing[e.Category] {
				missing[e.Category] = true
				problems = append(problems, problemf(e.Category+"/"+CategoryFile, 0, "fichier manquant ou invalide : la rubrique « %s » doit avoir un _index.md valide (avec au moins title) pour que ses articles soient publiés", e.Category))
			}
			continue
		}
		url := ArticlePath(e.Category, e.Slug)
		if other, taken := owner[url]; taken {
			rejected[e.Path] = true
			if IsBundle(e.Path) != IsBundle(other) {
				problems = append(problems, problemf(e.Path, 0, "même adresse %s que %s : un article est soit un fichier nom.md, soit un dossier nom/index.md, pas les deux ; supprimez l'un des deux", url, other))
				continue
			}
			problems = append(problems, problemf(e.Path, 0, "même adresse %s que %s : changez le nom du fichier ou ajoutez un slug", url, other))
			continue
		}
		owner[url] = e.Path
	}
	// path → its aliases, to tell loops apart; most articles have none,
	// and this runs at every pass over every article.
	aliasesOf := map[string]map[string]bool{}
	for _, e := range entries {
		if len(e.Aliases) == 0 {
			continue
		}
		aliasesOf[e.Path] = map[string]bool{}
		for _, a := range e.Aliases {
			aliasesOf[e.Path][a] = true
		}
	}
	for i, e := range entries {
		if rejected[e.Path] || len(e.Aliases) == 0 {
			continue
		}
		target := ArticlePath(e.Category, e.Slug)
		var kept []string
		for _, alias := range e.Aliases {
			switch other, taken := owner[alias]; {
			case alias == target:
				problems = append(problems, problemf(e.Path, 0, "l'alias %s est l'adresse même de l'article : il redirigerait vers lui-même", alias))
			case taken && other == e.Path:
				problems = append(problems, problemf(e.Path, 0, "l'alias %s est donné deux fois", alias))
			case taken && aliasesOf[other][target]:
				problems = append(problems, problemf(e.Path, 0, "boucle de redirection : l'alias %s est l'adresse de %s, dont un alias renvoie ici (%s) ; retirez l'un des deux", alias, other, target))
			case taken:
				problems = append(problems, problemf(e.Path, 0, "l'alias %s est déjà l'adresse ou un alias de %s", alias, other))
			case prs.isSiteRoute(alias, categories):
				problems = append(problems, problemf(e.Path, 0, "l'alias %s est une adresse du site (rubrique, mot-clé ou page) : choisissez-en une autre", alias))
			default:
				owner[alias] = e.Path
				kept = append(kept, alias)
			}
		}
		entries[i].Aliases = kept
	}
	return rejected, problems
}

// isSiteRoute reports whether p is a path that the site serves by itself,
// other than articles: an alias there would never be reached or would hide
// it. A one-segment path that is no rubrique (WordPress's pages, /about)
// reaches the redirects; one with a dot may be a file of the site
// (/robots.txt). An alias with a query is looked up before any route.
func (prs *Parser) isSiteRoute(p string, categories map[string]bool) bool {
	if strings.Contains(p, "?") {
		return false
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	return p == "/" || prs.reserved.Has(segs[0]) || strings.HasPrefix(segs[0], "_") ||
		(len(segs) == 1 && (categories[segs[0]] || strings.Contains(segs[0], "."))) ||
		(len(segs) >= 2 && segs[1] == "page")
}

// Set is a whole content tree, parsed and validated.
type Set struct {
	Site       Site
	Categories []Category // by weight, then title
	Articles   []Article  // valid ones only, in path order
	Authors    []Author   // valid author files, in path order
	Problems   []Problem  // every problem, errors and warnings, in path order
	Media      []string   // the image files of the folder, in path order
}

// CategoryFile parses a category's _index.md, checking its folder name too.
func (p *Parser) CategoryFile(filePath string, src []byte) (Category, []Problem) {
	if problems := p.categoryProblems(path.Dir(filePath)); problems != nil {
		return Category{}, problems
	}
	return p.Category(filePath, src)
}

// Entry is what Validate needs of a.
func (a *Article) Entry() Entry {
	return Entry{Path: a.Path, Category: a.Category, Slug: a.Slug, Aliases: a.Aliases}
}

// SortCategories orders categories as the menu shows them.
func SortCategories(cs []Category) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Weight != cs[j].Weight {
			return cs[i].Weight < cs[j].Weight
		}
		return cs[i].Title < cs[j].Title
	})
}

// SortProblems orders problems by file and line.
func SortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Path != ps[j].Path {
			return ps[i].Path < ps[j].Path
		}
		return ps[i].Line < ps[j].Line
	})
}

// Walk calls fn for every file of the content tree that is not ignored, in
// lexical order, skipping hidden folders. A file or folder that cannot be
// read is passed with its error. Walk fails only when the root cannot be read.
//
// The folders at the top of the tree (the rubriques) are read on every core
// at once: every pass walks the whole tree, and the stat of each of its
// files made half of an edit's pass on a 10,000-article site. fn is called
// on the caller's goroutine once the tree is read.
func Walk(fsys fs.FS, fn func(p string, kind Kind, d fs.DirEntry, err error)) error {
	top, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("read content folder: %w", err)
	}
	found := make([][]walkedFile, len(top))
	var wg sync.WaitGroup
	readers := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, d := range top {
		visit := collect(&found[i])
		if !d.IsDir() {
			_ = visit(d.Name(), d, nil) // never fails
			continue
		}
		readers <- struct{}{}
		wg.Go(func() {
			defer func() { <-readers }()
			_ = fs.WalkDir(fsys, d.Name(), visit) // visit passes errors on
		})
	}
	wg.Wait()
	for _, files := range found {
		for _, f := range files {
			fn(f.path, f.kind, f.d, f.err)
		}
	}
	return nil
}

// walkedFile is what Walk passes to its callback for one file.
type walkedFile struct {
	path string
	kind Kind
	d    fs.DirEntry
	err  error
}

// collect returns the fs.WalkDirFunc that appends to files what Walk
// passes on, in the order the walk finds it.
func collect(files *[]walkedFile) fs.WalkDirFunc {
	return func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			*files = append(*files, walkedFile{path: p, kind: KindMisplaced, d: d, err: err})
			return nil
		case d.IsDir():
			if IgnoredName(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if kind := Classify(p); kind != KindIgnored {
			*files = append(*files, walkedFile{path: p, kind: kind, d: d})
		}
		return nil
	}
}

// ReadProblem reports a file that could not be read.
func ReadProblem(p string, err error) Problem {
	if errors.Is(err, fs.ErrPermission) {
		return problemf(p, 0, "illisible : permission refusée")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if strings.Contains(err.Error(), "escapes") {
		return problemf(p, 0, "lien symbolique vers l'extérieur du dossier content : copiez le fichier au lieu de le lier")
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return problemf(p, 0, "illisible : le fichier a disparu pendant la lecture (il est relu au prochain passage)")
	case errors.Is(err, syscall.EIO):
		return problemf(p, 0, "illisible : erreur de lecture du disque ; prévenez l'exploitant du site")
	case errors.Is(err, syscall.ELOOP):
		return problemf(p, 0, "illisible : lien symbolique qui boucle sur lui-même ; copiez le fichier au lieu de le lier")
	case errors.Is(err, syscall.EISDIR):
		return problemf(p, 0, "illisible : c'est un dossier dont le nom finit par .md ; renommez-le")
	}
	// Rare enough not to be worth a sentence of its own; the system's
	// words are for the operator.
	return problemf(p, 0, "illisible (erreur du système : %v)", err)
}

// Whole is the site as the checks that span articles see it: every valid
// article stored (drafts and scheduled ones included) and what their links
// may lead to.
type Whole struct {
	Location   *time.Location
	Categories []string  // slugs of the rubriques
	Authors    []string  // slugs of the author files
	Articles   []Article // in path order: the first spelling of a tag wins
	// Moved maps the former URLs that the server still redirects to the
	// current ones: a link there works, for now.
	Moved map[string]string
	// MediaExists tells whether the file at name (media/x.pdf) exists; nil
	// leaves links to media/ unchecked.
	MediaExists func(name string) bool
}

// Problems are the problems of articles that only the whole site shows:
// links that lead nowhere or ahead in time, articles without a source, one
// tag spelled two ways. The server and `site check` both report them.
func (w Whole) Problems() []Problem {
	problems := w.brokenLinks()
	problems = append(problems, w.unsourced()...)
	problems = append(problems, w.linksAhead()...)
	return append(problems, tagSpellings(w.Articles)...)
}

// unsourced reports the articles that name no source: a public-information
// site states only what it can show where it comes from.
func (w Whole) unsourced() []Problem {
	var problems []Problem
	for _, a := range w.Articles {
		if len(a.Sources) == 0 {
			problems = append(problems, warningf(a.Path, 1, "article sans source : ajoutez à l'en-tête les pages officielles sur lesquelles il repose, par exemple « sources: [\"[Cleiss](https://www.cleiss.fr/)\"] »"))
		}
	}
	return problems
}

// linksAhead reports links to articles published after the linking one: a
// reader of the day could not follow them, and the text pretends to know the
// future. A link added by a later revision says so in its paragraph (« Mis à
// jour le … ») and needs the article's updated: date at or after the target's.
func (w Whole) linksAhead() []Problem {
	byURL := map[string]*Article{}
	for i := range w.Articles {
		a := &w.Articles[i]
		byURL[a.URLPath()] = a
		for _, al := range a.Aliases {
			byURL[al] = a
		}
	}
	day := func(t time.Time) string { return t.In(w.Location).Format("2006-01-02 15:04") }
	var problems []Problem
	for _, a := range w.Articles {
		for _, l := range a.Links {
			target, _, _ := strings.Cut(l.Target, "#")
			target, _, _ = strings.Cut(target, "?")
			t := byURL[strings.ToLower(strings.TrimSuffix(target, "/"))]
			if t == nil || t.Path == a.Path || !t.Date.After(a.Date) {
				continue
			}
			switch {
			case !l.Later:
				problems = append(problems, warningf(a.Path, l.Line, "lien vers %s, publié le %s, après cet article (%s) : retirez-le, ou signalez l'ajout dans le paragraphe (« Mis à jour le … : ») et donnez à l'article sa date de mise à jour (updated)", l.Target, day(t.Date), day(a.Date)))
			case a.Updated.IsZero() || t.Date.After(a.Updated):
				problems = append(problems, warningf(a.Path, l.Line, "lien ajouté par une mise à jour vers %s, publié le %s : la date de mise à jour (updated) de l'article doit être postérieure", l.Target, day(t.Date)))
			}
		}
	}
	return problems
}

// tagSpellings reports tags written differently in different articles
// (« securite » here, « Sécurité » there): they share one page, whose
// heading can show only one of them.
func tagSpellings(articles []Article) []Problem {
	first := map[string]Tag{}
	where := map[string]string{}
	var problems []Problem
	for _, a := range articles {
		for _, t := range a.Tags {
			f, ok := first[t.Slug]
			switch {
			case !ok:
				first[t.Slug], where[t.Slug] = t, a.Path
			case f.Label != t.Label:
				problems = append(problems, warningf(a.Path, 0, "mot-clé « %s » écrit « %s » dans %s : les deux mènent à %s ; écrivez-le partout de la même façon", t.Label, f.Label, where[t.Slug], TagPath(t.Slug)))
			}
		}
	}
	return problems
}

// brokenLinks reports links of article bodies to paths of the site that no
// article, category or tag answers, and links to files of media/ (a PDF, a
// sound) that find no file.
func (w Whole) brokenLinks() []Problem {
	known := map[string]bool{"/": true, "/tags": true, ArchivesPath: true}
	redirects := map[string]string{} // alias → the article's URL
	for _, slug := range w.Categories {
		known[CategoryPath(slug)] = true
	}
	for _, slug := range w.Authors {
		known[AuthorPath(slug)] = true
	}
	for _, a := range w.Articles {
		known[a.URLPath()] = true
		for _, al := range a.Aliases {
			redirects[al] = a.URLPath()
		}
		for _, t := range a.Tags {
			known[TagPath(t.Slug)] = true
		}
		for _, name := range a.Authors {
			known[AuthorPath(AuthorSlug(name))] = true
		}
		y, m, _ := a.Date.Date()
		known[MonthPath(y, m)] = true
	}
	var problems []Problem
	for _, a := range w.Articles {
		for _, l := range a.Links {
			target, _, _ := strings.Cut(l.Target, "#")
			target, _, _ = strings.Cut(target, "?")
			if strings.HasPrefix(target, "/static/") {
				continue
			}
			if w.MediaExists != nil && strings.HasPrefix(target, MediaPrefix) {
				if !w.MediaExists(strings.TrimPrefix(target, "/")) {
					problems = append(problems, problemf(a.Path, l.Line, "lien vers le fichier %s introuvable dans content/media/", l.Target))
				}
				continue
			}
			// The site answers one spelling of each path, lower case
			// without a trailing slash, and redirects the others there.
			canonical := strings.ToLower(target)
			if len(canonical) > 1 {
				canonical = strings.TrimSuffix(canonical, "/")
			}
			switch to, isMove := w.Moved[canonical]; {
			case known[canonical] && canonical == target:
			case known[canonical]:
				problems = append(problems, warningf(a.Path, l.Line, "lien vers %s, qui redirige vers %s : écrivez directement %s", l.Target, canonical, canonical))
			case redirects[canonical] != "":
				problems = append(problems, warningf(a.Path, l.Line, "lien vers %s, un alias qui redirige vers %s : écrivez directement %s", l.Target, redirects[canonical], redirects[canonical]))
			case isMove:
				problems = append(problems, warningf(a.Path, l.Line, "lien vers l'ancienne adresse %s, qui ne redirige vers %s que tant que la base s'en souvient : mettez le lien à jour", l.Target, to))
			default:
				problems = append(problems, problemf(a.Path, l.Line, "lien interne cassé vers %s : aucun article, rubrique ni mot-clé à cette adresse", l.Target))
			}
		}
	}
	return problems
}

// MovedProblem tells the editor that the article of file p, now at to, was
// at from: the server redirects from there only while its database
// remembers, and an alias makes that durable.
func MovedProblem(p, from, to string) Problem {
	return warningf(p, 0, "l'article a changé d'adresse : %s redirige vers %s tant que la base s'en souvient ; ajoutez « aliases: [%s] » à son en-tête pour garder cette redirection pour de bon", from, to, from)
}
