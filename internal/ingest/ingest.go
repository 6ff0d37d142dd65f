// Package ingest keeps the database in step with the content folder: it
// reads only the files that changed since the last pass, validates them
// against the rest of the site, and applies the result in one transaction.
// A file that turns bad never replaces its last good version.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// Status is what editors see of the last pass.
type Status struct {
	Problems []content.Problem
	LastSync time.Time
	Duration time.Duration
	Articles int // stored articles, drafts and scheduled ones included
	Passes   int // passes since the server started
}

// Report says what one pass did.
type Report struct {
	Read, Parsed, Saved, Deleted int
	Duration                     time.Duration
	// Changed is true when readers may see something different: site
	// settings, a category or an article was saved or removed.
	Changed bool
}

// racyWindow covers the coarsest file time granularity that matters here
// (ext4 ticks, network file systems); files modified within it of a pass
// are compared by hash, not by size and time.
const racyWindow = 2 * time.Second

// Syncer syncs one content folder into one store.
type Syncer struct {
	fsys   fs.FS
	store  *store.Store
	parser *content.Parser
	log    *slog.Logger
	now    func() time.Time

	mu    sync.Mutex // one pass at a time
	state            // what the store holds, guarded by mu
	// loading, until the first pass, is the stored outlines being read
	// beside the first pass's walk and parse (see New).
	loading *loadingOutlines

	// lastScan is when the walk of the previous pass began, by the clock
	// of file times (fileClock: they are real, whatever the site's clock).
	lastScan time.Time
	// ids are the identities of the files the last pass saw, so that the
	// next one knows a renamed file as the same file (see renamedFiles).
	ids map[string]fileID

	hintsMu sync.Mutex
	hints   hints // from the watcher, for the next pass

	statusMu sync.RWMutex
	status   Status

	onChange []func(Change)
	onPass   []func(ctx context.Context, media []string)
}

// Option configures a Syncer, or Check.
type Option func(*options)

type options struct {
	reserved content.Reserved
}

// WithReserved gives the first path segments that the site's own pages
// take (web.ReservedSegments): no rubrique nor alias may take one.
func WithReserved(r content.Reserved) Option {
	return func(o *options) { o.reserved = r }
}

// parserFor is the parser of the content folder fsys under opts.
func parserFor(fsys fs.FS, opts []Option) *content.Parser {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return content.NewParser(content.WithImages(fsys), content.WithReserved(o.reserved))
}

// New returns a Syncer that starts from what st already holds.
func New(ctx context.Context, fsys fs.FS, st *store.Store, log *slog.Logger, now func() time.Time, opts ...Option) (*Syncer, error) {
	s := &Syncer{fsys: fsys, store: st, parser: parserFor(fsys, opts), log: log, now: now, state: newState()}
	// The outlines (every article's address, links, tags, sources…, of
	// which the entries are a part) are the longest read of a restart:
	// they load while the rest is read and the first pass walks the folder.
	s.loading = loadOutlines(ctx, st)
	var err error
	if s.files, err = st.Files(ctx); err != nil {
		return nil, err
	}
	authors, err := st.Authors(ctx)
	if err != nil {
		return nil, err
	}
	for _, au := range authors {
		s.authors[au.Slug] = true
	}
	cats, err := st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	s.categories = map[string]bool{}
	for _, c := range cats {
		s.categories[c.Slug] = true
	}
	site, err := st.Site(ctx)
	switch {
	case err == nil:
		s.site, s.hasSite = site, true
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return s, nil
}

// OnPass registers fn to be called at the end of every pass, changed or
// not, on the pass's goroutine: the images of the content folder are kept
// in step there, since a replaced image changes no article file. media are
// the image files the pass found, in path order. fn must not call Sync.
// Register before the first Sync.
func (s *Syncer) OnPass(fn func(ctx context.Context, media []string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onPass = append(s.onPass, fn)
}

// Status returns the state after the last pass.
func (s *Syncer) Status() Status {
	s.statusMu.RLock()
	defer s.statusMu.RUnlock()
	return s.status
}

// seenFile is a file found by a pass.
type seenFile struct {
	kind content.Kind
	info fs.FileInfo
}

// Sync brings the store in step with the content folder. It fails only when
// the folder itself cannot be read or the database cannot be written; bad
// files are problems in the Status, not errors.
//
// A pass is three steps: read (the walk and the parser: what the files say),
// plan (pure: what the store must change, what is wrong) and write (the one
// transaction, then the callbacks).
func (s *Syncer) Sync(ctx context.Context) (Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	h := s.takeHints()
	var rep Report
	in, seen, err := s.read(ctx, h, &rep)
	if err != nil {
		s.restoreHints(h)
		return rep, err
	}
	ch, cross := s.plan(in)
	ch.Now = s.now()
	if committed, err := s.write(ctx, ch, cross, seen, start, &rep); err != nil {
		if !committed {
			s.restoreHints(h)
		}
		return rep, err
	}
	return rep, nil
}

// loadingOutlines are the stored outlines being read in the background.
type loadingOutlines struct {
	done     chan struct{}
	outlines map[string]content.Article
	err      error
}

func loadOutlines(ctx context.Context, st *store.Store) *loadingOutlines {
	l := &loadingOutlines{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.outlines, l.err = st.Outlines(ctx)
	}()
	return l
}

// awaitOutlines waits for the outlines that New began to read, and makes
// the entries from them. The first pass needs them once it has walked the
// folder, and they were read before it writes anything: read after, they
// would already hold what the pass's change applies (a rename would find
// its article gone). A failed read is tried again here, once per pass.
func (s *Syncer) awaitOutlines(ctx context.Context) error {
	if s.loading == nil {
		return nil
	}
	select {
	case <-s.loading.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	outlines, err := s.loading.outlines, s.loading.err
	if err != nil {
		if outlines, err = s.store.Outlines(ctx); err != nil {
			return err
		}
	}
	s.outlines, s.loading = outlines, nil
	for p, o := range outlines {
		s.entries[p] = o.Entry()
	}
	return nil
}

// walked is what a pass remembers of the walk for the next pass, once its
// change is committed.
type walked struct {
	// scan is when the walk the pass went by began (fileClock).
	scan time.Time
	ids  map[string]fileID // see Syncer.ids
	// media are the image files found, in path order, for the checks of
	// the images that no article names (see OnPass).
	media []string
}

// read walks the content folder and reads and parses the files whose bytes
// may have changed since the last pass. It records what it did in rep.
func (s *Syncer) read(ctx context.Context, h hints, rep *Report) (parsed, walked, error) {
	p := pass{Syncer: s, records: map[string]store.FileRecord{}, fileProblems: map[string][]content.Problem{}}
	w, err := s.settledWalk()
	if err != nil {
		return parsed{}, walked{}, err
	}
	seen := w.seen
	for name, err := range w.failed {
		p.unreadable(name, err)
	}
	if err := s.awaitOutlines(ctx); err != nil {
		return parsed{}, walked{}, err
	}
	changed := s.readChanged(seen, w.ids, &p, rep)
	in := parsed{kinds: map[string]content.Kind{}, records: p.records, problems: p.fileProblems, articles: map[string]content.Article{}, parser: s.parser}
	for name, f := range seen {
		in.kinds[name] = f.kind
	}
	for name := range s.files {
		if _, ok := seen[name]; !ok {
			in.deleted = append(in.deleted, name)
		}
	}
	sort.Strings(in.deleted)
	// A stored article renamed (and perhaps broken on the way) stays the
	// same article: its last good version follows it to its new name.
	in.moved = s.renamedFiles(seen, in.deleted, h)

	// The site settings come first: article dates depend on its time zone.
	var read *content.Site
	if src, ok := changed[content.SiteFile]; ok {
		site, problems := content.ParseSite(content.SiteFile, src)
		p.fileProblems[content.SiteFile] = problems
		read = &site
	}
	in.site, in.siteChanged = s.nextSite(read, p.fileProblems[content.SiteFile])
	if in.siteChanged && s.hasSite && in.site.TimeZone != s.site.TimeZone {
		// Every wall-clock date must be read again in the new zone.
		for name, f := range seen {
			if _, ok := changed[name]; !ok && f.kind == content.KindArticle {
				if src, err := fs.ReadFile(s.fsys, name); err == nil {
					changed[name] = src
				}
			}
		}
	}
	for name, src := range changed {
		switch seen[name].kind {
		case content.KindCategory:
			c, problems := s.parser.CategoryFile(name, src)
			rep.Parsed++
			p.fileProblems[name] = problems
			if !content.HasErrors(problems) {
				in.categories = append(in.categories, c)
			}
		case content.KindMisplaced:
			p.fileProblems[name] = []content.Problem{content.MisplacedProblem(name)}
		case content.KindAuthor:
			au, problems := s.parser.Author(name, src)
			rep.Parsed++
			p.fileProblems[name] = problems
			if !content.HasErrors(problems) {
				in.authors = append(in.authors, au)
			}
		}
	}
	// Articles are most of a first pass's work: they are parsed on every
	// core at once.
	var toParse []content.File
	for name, src := range changed {
		if seen[name].kind == content.KindArticle {
			toParse = append(toParse, content.File{Path: name, Src: src})
		}
	}
	for i, parsed := range s.parser.Articles(toParse, in.site.Location) {
		name := toParse[i].Path
		rep.Parsed++
		p.fileProblems[name] = parsed.Problems
		if !content.HasErrors(parsed.Problems) {
			in.articles[name] = parsed.Article
		}
	}
	return in, walked{scan: w.began, ids: w.ids, media: w.media}, nil
}

// readChanged reads the files of seen whose bytes may differ from the last
// pass's and returns those whose bytes do; ids are the identities the walk
// found. Files touched but unchanged get their new record in p, keeping
// their problems.
func (s *Syncer) readChanged(seen map[string]seenFile, ids map[string]fileID, p *pass, rep *Report) map[string][]byte {
	changed := map[string][]byte{}
	for name, f := range seen {
		if _, bad := p.records[name]; bad {
			continue
		}
		rec, known := s.files[name]
		// A valid article that another file kept offline (its category
		// was missing, its URL taken) is judged again at every pass: it
		// goes online as soon as the other file is fixed.
		retry := known && f.kind == content.KindArticle && !content.HasErrors(rec.Problems)
		if retry {
			_, online := s.entries[name]
			retry = !online
		}
		// A file modified around the previous pass may have changed again
		// within the file system's timestamp granularity, keeping its size
		// and time: only its bytes can tell.
		racy := !s.lastScan.IsZero() && !f.info.ModTime().Before(s.lastScan.Add(-racyWindow))
		// Another file moved over the name may have the same size and
		// time. (The identities are those of the last pass: none yet on
		// the first pass after a restart.)
		id, ok := ids[name]
		last, seenLast := s.ids[name]
		replaced := ok && seenLast && last != id
		if known && !retry && !racy && !replaced && rec.Size == f.info.Size() && rec.ModTime == f.info.ModTime().UnixNano() {
			continue
		}
		if f.info.Size() > content.MaxFileSize {
			// Not worth reading: it cannot be content. Its last good
			// version, if any, stays online.
			rec.Path, rec.Size, rec.ModTime = name, f.info.Size(), f.info.ModTime().UnixNano()
			rec.Hash = "" // unknown: whatever comes next must be parsed
			p.records[name] = rec
			p.fileProblems[name] = []content.Problem{content.SizeProblem(name, f.info.Size())}
			continue
		}
		src, err := fs.ReadFile(s.fsys, name)
		rep.Read++
		if err != nil {
			p.unreadable(name, err)
			continue
		}
		newRec := store.FileRecord{Path: name, Hash: content.Hash(src), Size: f.info.Size(), ModTime: f.info.ModTime().UnixNano()}
		if known && !retry && rec.Hash == newRec.Hash {
			newRec.Problems = rec.Problems
			p.records[name] = newRec // touched, not changed
			continue
		}
		p.records[name] = newRec
		changed[name] = src
	}
	return changed
}

// write applies ch in one transaction, brings the in-memory state and the
// Status in step, then tells the callbacks. committed says whether the
// store has the change, even when a later step failed.
func (s *Syncer) write(ctx context.Context, ch store.Changes, cross []content.Problem, seen walked, start time.Time, rep *Report) (committed bool, err error) {
	var facts *changeFacts
	if len(s.onChange) > 0 {
		if facts, err = s.factsBefore(ctx, ch); err != nil {
			return false, err
		}
	}
	applied := !ch.Empty()
	var generation uint64
	if applied {
		if err := s.store.Apply(ctx, ch); err != nil {
			return false, fmt.Errorf("save content: %w", err)
		}
		// This pass is the store's only writer while it holds s.mu: the
		// generation is the one its change made.
		generation = s.store.Generation()
	}
	s.commit(ch)
	s.ids = seen.ids
	s.lastScan = seen.scan
	rep.Saved, rep.Deleted = len(ch.Articles), len(ch.DeletedArticles)
	rep.Changed = ch.Site != nil || len(ch.Categories)+len(ch.DeletedCategories)+len(ch.Articles)+len(ch.DeletedArticles)+len(ch.Renames)+
		len(ch.Authors)+len(ch.DeletedAuthors) > 0

	// Readers see the change once the callbacks drop the pages it makes
	// stale: they come before the problems, which only editors read and
	// which take a tenth of a second to gather on a large site.
	if applied && facts != nil {
		c, err := s.change(ctx, ch, generation, facts)
		if err != nil {
			return true, err
		}
		for _, fn := range s.onChange {
			fn(c)
		}
	}
	moves, err := s.store.Moves(ctx)
	if err != nil {
		return true, err
	}
	problems := s.problems(cross, moves, s.mediaExists)
	rep.Duration = time.Since(start)
	s.statusMu.Lock()
	s.status = Status{Problems: problems, LastSync: ch.Now, Duration: rep.Duration, Articles: len(s.entries), Passes: s.status.Passes + 1}
	s.statusMu.Unlock()
	for _, fn := range s.onPass {
		fn(ctx, seen.media)
	}
	return true, nil
}

// pass holds what one Sync learns about files.
type pass struct {
	*Syncer
	records      map[string]store.FileRecord // files to save
	fileProblems map[string][]content.Problem
}

// unreadable records a file that exists but cannot be read. Its last good
// content, if any, stays online.
func (p *pass) unreadable(name string, err error) {
	rec := p.files[name]
	rec.Path = name
	rec.Size, rec.ModTime = -1, -1 // read it again next time
	rec.Hash = ""                  // and parse it, even if its bytes are the last good ones
	p.records[name] = rec
	p.fileProblems[name] = []content.Problem{content.ReadProblem(name, err)}
}
