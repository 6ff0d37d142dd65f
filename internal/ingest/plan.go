package ingest

import (
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// state is what the store holds, as far as a pass needs to know it. The
// planning step reads it and commit keeps it in step with each change the
// store applied; neither touches the disk or the database, so that the
// decisions of a pass are a pure function of this state and the files read.
type state struct {
	files      map[string]store.FileRecord
	entries    map[string]content.Entry // stored articles by path
	categories map[string]bool          // stored categories
	site       content.Site             // last good settings
	hasSite    bool
	// outlines are the stored articles without their bodies, by path,
	// and authors the slugs of the stored author files: what the checks
	// that span articles read at every pass (see content.Whole).
	outlines map[string]content.Article
	authors  map[string]bool
	// whole keeps the problems of content.Whole between passes: a pass
	// that changed nothing (most of them) only looks again at the files
	// of media/ that links name.
	whole wholeCache
}

// wholeCache is what the last computation of the problems spanning
// articles found, and what it depended on besides the state.
type wholeCache struct {
	valid    bool // false once commit changed the state
	moves    []store.Move
	media    map[string]bool // file of media/ named by a link → it existed
	problems []content.Problem
}

// newState is the state of an empty store.
func newState() state {
	st := state{files: map[string]store.FileRecord{}, entries: map[string]content.Entry{}, categories: map[string]bool{},
		outlines: map[string]content.Article{}, authors: map[string]bool{}}
	st.site, _ = content.ParseSite(content.SiteFile, []byte("title: Site"))
	return st
}

// parsed is what the file walk and the parser made of one pass's files:
// the input of the planning step.
type parsed struct {
	kinds    map[string]content.Kind      // every file the walk found
	records  map[string]store.FileRecord  // files whose record is saved
	problems map[string][]content.Problem // of each file read (or refused) this pass
	deleted  []string                     // known files the walk no longer found, in order
	// moved pairs new article files with the vanished files they are
	// (new path → former path), see renamedFiles.
	moved map[string]string

	site        content.Site // the settings to keep (see state.nextSite)
	siteChanged bool
	categories  []content.Category         // valid ones read this pass
	articles    map[string]content.Article // valid ones read this pass, by path
	authors     []content.Author           // valid ones read this pass

	// parser judges the rules spanning files with the site's URL scheme.
	parser *content.Parser
}

// nextSite decides which settings a pass keeps, given site.yaml as read
// this pass (nil when unchanged): a bad file keeps the last good settings,
// and without any, the defaults stand until a valid file comes.
func (st *state) nextSite(read *content.Site, problems []content.Problem) (content.Site, bool) {
	switch {
	case read != nil && (!content.HasErrors(problems) || !st.hasSite):
		return *read, true
	case read == nil && !st.hasSite:
		return st.site, true
	}
	return st.site, false
}

// plan decides what one pass changes in the store, and the problems that
// span files: URLs disputed, categories missing, files deleted while others
// need them. It does not change st (commit does, once the store applied the
// change). ch.Now is left for the caller to set.
func (st *state) plan(in parsed) (ch store.Changes, cross []content.Problem) {
	if in.siteChanged {
		site := in.site
		ch.Site = &site
	}
	categories := map[string]bool{}
	for slug := range st.categories {
		categories[slug] = true
	}
	for _, c := range in.categories {
		ch.Categories = append(ch.Categories, c)
		categories[c.Slug] = true
	}
	sort.Slice(ch.Categories, func(i, j int) bool { return ch.Categories[i].Path < ch.Categories[j].Path })
	ch.Authors = append(ch.Authors, in.authors...)
	sort.Slice(ch.Authors, func(i, j int) bool { return ch.Authors[i].Path < ch.Authors[j].Path })

	moved := map[string]string{}
	for to, from := range in.moved {
		moved[to] = from
	}
	entries := st.judgedEntries(in, moved)
	rejected, cross := in.parser.Validate(categories, entries)
	renamed := map[string]bool{}
	for _, e := range entries {
		from, isMoved := moved[e.Path]
		if isMoved && !rejected[e.Path] {
			renamed[from] = true
		}
		a, ok := in.articles[e.Path]
		switch {
		case rejected[e.Path]:
			// A rejected change leaves the stored version online; a
			// rejected move, the file's former name has none.
		case ok:
			a.Aliases = e.Aliases
			ch.Articles = append(ch.Articles, a)
			if isMoved {
				ch.Renames = append(ch.Renames, store.Rename{From: from, To: e.Path})
			}
		case isMoved:
			// Renamed and broken in one pass: the last good version
			// moves to the new name as it was.
			ch.Renames = append(ch.Renames, keptRename(from, e))
		}
	}
	sort.Slice(ch.Articles, func(i, j int) bool { return ch.Articles[i].Path < ch.Articles[j].Path })
	ch.Renames = append(ch.Renames, st.copiedBack(in, ch.Articles, moved, renamed)...)
	cross = append(cross, st.deletions(in, &ch, renamed)...)

	for name, rec := range in.records {
		if problems, ok := in.problems[name]; ok {
			rec.Problems = problems
		}
		ch.Files = append(ch.Files, rec)
	}
	sort.Slice(ch.Files, func(i, j int) bool { return ch.Files[i].Path < ch.Files[j].Path })
	return ch, cross
}

// judgedEntries are the articles that cross-file validation judges this
// pass, the stored ones first: articles already online keep their URL
// against newcomers. A move whose former entry makes no URL at the new
// name is dropped from moved.
func (st *state) judgedEntries(in parsed, moved map[string]string) []content.Entry {
	var live, newcomers []content.Entry
	for name, kind := range in.kinds {
		if kind != content.KindArticle {
			continue
		}
		e, stored := st.entries[name]
		if from, ok := moved[name]; ok && !stored {
			if e, stored = movedEntry(st.entries[from], from, name); !stored {
				delete(moved, name) // no URL can be made of its name
			}
		}
		if a, ok := in.articles[name]; ok {
			e = a.Entry()
		} else if !stored {
			continue
		}
		if stored {
			live = append(live, e)
		} else {
			newcomers = append(newcomers, e)
		}
	}
	byPath := func(es []content.Entry) {
		sort.Slice(es, func(i, j int) bool { return es[i].Path < es[j].Path })
	}
	byPath(live)
	byPath(newcomers)
	return append(live, newcomers...)
}

// copiedBack pairs the deleted articles whose bytes reappear under a new
// name with that name: the file was renamed (mv, git mv) and stays the same
// article, so its former URL redirects to the new one instead of answering
// 410. It marks the former paths in renamed.
func (st *state) copiedBack(in parsed, articles []content.Article, moved map[string]string, renamed map[string]bool) []store.Rename {
	deletedByHash := map[string]string{}
	for _, name := range in.deleted {
		if _, stored := st.entries[name]; stored && !renamed[name] && content.Classify(name) == content.KindArticle {
			deletedByHash[st.files[name].Hash] = name
		}
	}
	var out []store.Rename
	for _, a := range articles {
		if _, stored := st.entries[a.Path]; stored {
			continue
		}
		if _, isMoved := moved[a.Path]; isMoved {
			continue
		}
		if from, ok := deletedByHash[a.Hash]; ok {
			delete(deletedByHash, a.Hash)
			out = append(out, store.Rename{From: from, To: a.Path})
			renamed[from] = true
		}
	}
	return out
}

// deletions adds to ch what the deleted files remove, and returns the
// problems of deletions that the site refuses: a category file whose
// folder still holds articles, the site settings.
func (st *state) deletions(in parsed, ch *store.Changes, renamed map[string]bool) []content.Problem {
	folderHasArticles := map[string]bool{}
	for name, kind := range in.kinds {
		if kind == content.KindArticle {
			folderHasArticles[content.ArticleCategory(name)] = true
		}
	}
	var problems []content.Problem
	for _, name := range in.deleted {
		ch.DeletedFiles = append(ch.DeletedFiles, name)
		switch content.Classify(name) {
		case content.KindArticle:
			if _, stored := st.entries[name]; stored && !renamed[name] {
				ch.DeletedArticles = append(ch.DeletedArticles, name)
			}
		case content.KindCategory:
			slug := path.Dir(name)
			// The last good category stays while articles remain in it
			// (state.problems says so); else it goes.
			if !folderHasArticles[slug] && st.categories[slug] {
				ch.DeletedCategories = append(ch.DeletedCategories, slug)
			}
		case content.KindAuthor:
			ch.DeletedAuthors = append(ch.DeletedAuthors, strings.TrimSuffix(path.Base(name), ".md"))
		}
	}
	return problems
}

// commit makes st match what the store holds once ch is applied.
func (st *state) commit(ch store.Changes) {
	if !ch.Empty() {
		st.whole.valid = false
	}
	if ch.Site != nil {
		st.site, st.hasSite = *ch.Site, true
	}
	for _, c := range ch.Categories {
		st.categories[c.Slug] = true
	}
	for _, slug := range ch.DeletedCategories {
		delete(st.categories, slug)
	}
	for _, r := range ch.Renames {
		if r.Slug != "" {
			st.entries[r.To] = content.Entry{Path: r.To, Category: r.Category, Slug: r.Slug, Aliases: st.entries[r.From].Aliases}
			o := st.outlines[r.From]
			o.Path, o.Category, o.Slug = r.To, r.Category, r.Slug
			st.outlines[r.To] = o
		}
		delete(st.entries, r.From)
		delete(st.outlines, r.From)
	}
	for _, a := range ch.Articles {
		st.entries[a.Path] = a.Entry()
		st.outlines[a.Path] = outline(a)
	}
	for _, name := range ch.DeletedArticles {
		delete(st.entries, name)
		delete(st.outlines, name)
	}
	for _, au := range ch.Authors {
		st.authors[au.Slug] = true
	}
	for _, slug := range ch.DeletedAuthors {
		delete(st.authors, slug)
	}
	for _, rec := range ch.Files {
		st.files[rec.Path] = rec
	}
	for _, name := range ch.DeletedFiles {
		delete(st.files, name)
	}
}

// outline is a without what no check spanning articles reads: the memory
// a pass keeps of each stored article stays small.
func outline(a content.Article) content.Article {
	return content.Article{Path: a.Path, Category: a.Category, Slug: a.Slug, Date: a.Date, Updated: a.Updated,
		Aliases: a.Aliases, Tags: a.Tags, Authors: a.Authors, Sources: a.Sources, Links: a.Links}
}

// problems are every current problem once a change is committed, in path
// order: those of each file as last read, those spanning files (cross, from
// plan, and the checks of content.Whole on the stored articles), and the
// moves that only the database remembers (moves). media tells whether a
// file of the content folder exists, for links to media/. The server's
// Status and `site check` are both made here.
func (st *state) problems(cross []content.Problem, moves []store.Move, media func(name string) bool) []content.Problem {
	var problems []content.Problem
	for _, rec := range st.files {
		problems = append(problems, rec.Problems...)
	}
	problems = append(problems, cross...)
	if _, ok := st.files[content.SiteFile]; !ok {
		problems = append(problems, content.Problem{Path: content.SiteFile, Message: "fichier manquant : le site a besoin de son site.yaml (title, base_url, timezone…) ; en attendant, il garde ses derniers réglages"})
	}
	problems = append(problems, st.orphanCategories()...)
	for _, m := range moves {
		if _, live := st.entries[m.Path]; live {
			problems = append(problems, content.MovedProblem(m.Path, m.From, m.To))
		}
	}
	problems = append(problems, st.wholeProblems(moves, media)...)
	content.SortProblems(problems)
	return problems
}

// orphanCategories are the stored rubriques whose _index.md is gone while
// articles remain in them: the rubrique stays online as it was, for as long
// as the file is missing.
func (st *state) orphanCategories() []content.Problem {
	var problems []content.Problem
	for slug := range st.categories {
		name := slug + "/" + content.CategoryFile
		if _, ok := st.files[name]; ok {
			continue
		}
		for _, e := range st.entries {
			if e.Category == slug {
				problems = append(problems, content.Problem{Path: name, Message: "fichier supprimé alors que la rubrique contient encore des articles : la rubrique reste en ligne avec ses derniers réglages ; remettez le fichier ou déplacez les articles"})
				break
			}
		}
	}
	return problems
}

// wholeProblems are the problems of content.Whole on the stored articles,
// computed again only when the state, the moves or the presence of a file
// of media/ that a link names changed since the last time.
func (st *state) wholeProblems(moves []store.Move, media func(name string) bool) []content.Problem {
	c := &st.whole
	fresh := c.valid && slices.Equal(c.moves, moves)
	for name, existed := range c.media {
		if !fresh {
			break
		}
		fresh = media(name) == existed
	}
	if fresh {
		return c.problems
	}
	whole := content.Whole{Location: st.site.Location, Moved: map[string]string{}}
	for _, m := range moves {
		if _, live := st.entries[m.Path]; live {
			whole.Moved[m.From] = m.To
		}
	}
	c.media = map[string]bool{}
	if media != nil {
		whole.MediaExists = func(name string) bool {
			ok := media(name)
			c.media[name] = ok
			return ok
		}
	}
	whole.Categories = slices.Sorted(maps.Keys(st.categories))
	whole.Authors = slices.Sorted(maps.Keys(st.authors))
	for _, p := range slices.Sorted(maps.Keys(st.outlines)) {
		whole.Articles = append(whole.Articles, st.outlines[p])
	}
	c.problems, c.moves, c.valid = whole.Problems(), slices.Clone(moves), true
	return c.problems
}
