package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// Options tune a Library; zero values take the defaults.
type Options struct {
	// Workers is how many images are processed at once: at most
	// GOMAXPROCS, and by default the smaller of GOMAXPROCS and 2, since
	// each WebP encode holds up to about 170 MB while it runs.
	Workers int
	// PixelBudget bounds the source pixels decoded at once across all
	// workers (default MaxPixels). Processing holds about 8 bytes per
	// source pixel (the decoded image and its RGBA copy), plus what each
	// WebP encode allocates (about 170 MB at 1920 px), so the pool's
	// memory is bounded however many photos arrive at once.
	PixelBudget int64
	// Grace is how long a variant no longer named by any page stays on
	// disk, for pages that caches still hold (default 24 hours).
	Grace time.Duration
	// Now is the clock of garbage collection (default time.Now).
	Now func() time.Time
}

// Ref is one use of a source image that the site wants variants of.
type Ref struct {
	Path  string // slash-separated, in the content folder
	Use   Use
	Focus Focus
	// Title, Section and Site are the text of a UseShareCard, which has no
	// Path.
	Title, Section, Site string
}

// State is what a page may know of a plan.
type State struct {
	Ready bool       // every variant is written
	Color color.RGBA // average colour, once Ready
	Err   error      // processing failed: pages use the original
}

// Library keeps the variants of a content folder's images in a cache
// folder and answers, from memory, what pages need to name them. Sync
// tells it which images are in use; background workers do the rest.
type Library struct {
	dir  string
	log  *slog.Logger
	opts Options
	sem  *semaphore.Weighted

	mu       sync.Mutex
	fsys     fs.FS
	sources  map[string]*source    // by path
	plans    map[planID]*planState // by what was asked
	byName   map[string]*planState // variant name → its plan
	queue    []*planState
	wake     chan struct{}
	orphaned map[string]time.Time // cache files no plan names, since when
	closed   bool
	// known is the source index (index.go), checked the files of the last
	// Check; knownDirty says that the index on disk is behind.
	known      map[string]indexEntry
	checked    map[string]bool
	knownDirty bool
	reads      atomic.Int64
	onReady    []func(paths []string)
	onDone     []func(d time.Duration, err error)
	// working, done and failed count the plans being processed and
	// processed since Open, for Stats.
	working      atomic.Int64
	done, failed atomic.Uint64

	gen atomic.Uint64
	wg  sync.WaitGroup
	// inFlight and peak count the source pixels being processed, so that
	// tests can check the budget by their own measure.
	inFlight, peak atomic.Int64
	cancel         context.CancelFunc
}

type planID struct {
	path  string
	use   Use
	focus Focus
}

type source struct {
	src     Source
	modTime time.Time
	err     error
}

type planState struct {
	plan  Plan
	state State
}

// Open returns a Library whose cache folder is dir (created if needed) and
// starts its workers; Close stops them.
func Open(dir string, opts Options, log *slog.Logger) (*Library, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("image cache folder: %w", err)
	}
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	opts.Workers = min(opts.Workers, runtime.GOMAXPROCS(0))
	if opts.PixelBudget <= 0 {
		opts.PixelBudget = MaxPixels
	}
	if opts.Grace <= 0 {
		opts.Grace = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Library{
		dir: dir, log: log, opts: opts, sem: semaphore.NewWeighted(opts.PixelBudget),
		sources: map[string]*source{}, plans: map[planID]*planState{}, byName: map[string]*planState{},
		wake: make(chan struct{}, 1), orphaned: map[string]time.Time{}, cancel: cancel,
		known: loadIndex(dir), checked: map[string]bool{},
	}
	// Until the first Check says which files it covers, every entry of
	// the index is kept: the first Sync must not drop those of files that
	// no article names.
	for p := range l.known {
		l.checked[p] = true
	}
	for range opts.Workers {
		l.wg.Add(1)
		go l.work(ctx)
	}
	return l, nil
}

// OnReady registers fn, called when the variants of a plan are all
// written, with the paths that name its source (for a share card, its
// CardPath): pages that showed the original can now show the variants,
// and caches that keep them are told to drop them. Register before the
// first Sync; fn runs on a worker and must not block.
func (l *Library) OnReady(fn func(paths []string)) {
	l.mu.Lock()
	l.onReady = append(l.onReady, fn)
	l.mu.Unlock()
}

// OnProcessed registers fn, called after each plan is processed with the
// time it took and its error (nil when its variants were written). Register
// before the first Sync; fn runs on a worker and must not block.
func (l *Library) OnProcessed(fn func(d time.Duration, err error)) {
	l.mu.Lock()
	l.onDone = append(l.onDone, fn)
	l.mu.Unlock()
}

// Stats are the workers' figures, for /metrics.
type Stats struct {
	Queued  int // plans waiting for a worker
	Working int // plans being processed
	// Done and Failed count the plans processed since Open.
	Done, Failed uint64
	// Reads counts the source files opened to be read and hashed since
	// Open (see Reads).
	Reads int64
}

// Stats returns the workers' figures now.
func (l *Library) Stats() Stats {
	l.mu.Lock()
	queued := len(l.queue)
	l.mu.Unlock()
	return Stats{Queued: queued, Working: int(l.working.Load()), Done: l.done.Load(), Failed: l.failed.Load(), Reads: l.reads.Load()}
}

// Close stops the workers, letting the images in progress finish.
func (l *Library) Close() error {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.cancel()
	l.wg.Wait()
	return nil
}

// Generation moves on whenever what pages show of an image may change:
// a source changed, or its variants became ready.
func (l *Library) Generation() uint64 { return l.gen.Load() }

// Sync makes refs, and only them, the images in use in fsys: new and
// changed sources are read and measured, their variants queued, and
// variants of images no longer in use are collected once Grace has passed.
// It returns the sources' problems by path.
func (l *Library) Sync(fsys fs.FS, refs []Ref) map[string]error {
	problems := map[string]error{}
	seenSources := map[string]bool{}
	wanted := map[planID]bool{}
	changed := false
	l.mu.Lock()
	l.fsys = fsys // before any plan is queued: workers read through it
	l.mu.Unlock()
	for _, r := range refs {
		if r.Use == UseShareCard {
			id := planID{CardPath(r.Title, r.Section, r.Site), r.Use, Center}
			wanted[id] = true
			p := NewCardPlan(r.Title, r.Section, r.Site)
			l.mu.Lock()
			if old, ok := l.plans[id]; !ok || old.plan.Key != p.Key {
				changed = true
				l.addPlan(id, p)
			}
			l.mu.Unlock()
			continue
		}
		if !seenSources[r.Path] {
			seenSources[r.Path] = true
			if l.refresh(fsys, r.Path) {
				changed = true
			}
		}
		l.mu.Lock()
		s := l.sources[r.Path]
		l.mu.Unlock()
		if s.err != nil {
			problems[r.Path] = s.err
			continue
		}
		if !s.src.Info.Raster() {
			continue
		}
		// An animated GIF gets variants of its first frame: a poster for
		// covers and cards. Its original is still served as it is.
		id := planID{r.Path, r.Use, r.Focus}
		wanted[id] = true
		p := NewPlan(s.src, r.Use, r.Focus)
		l.mu.Lock()
		if old, ok := l.plans[id]; !ok || old.plan.Key != p.Key {
			changed = true
			l.addPlan(id, p)
		}
		l.mu.Unlock()
	}
	l.mu.Lock()
	for id, ps := range l.plans {
		if !wanted[id] {
			changed = true
			l.dropPlan(id, ps)
		}
	}
	for p := range l.sources {
		if !seenSources[p] {
			delete(l.sources, p)
		}
	}
	l.saveIndex()
	l.mu.Unlock()
	if changed {
		l.gen.Add(1)
	}
	l.collect()
	return problems
}

// refresh reads the source at p again when its size or time changed, and
// reports whether what the site knows of it changed.
func (l *Library) refresh(fsys fs.FS, p string) bool {
	st, statErr := fs.Stat(fsys, p)
	l.mu.Lock()
	old := l.sources[p]
	l.mu.Unlock()
	if statErr == nil && old != nil && !old.modTime.IsZero() && old.src.Size == st.Size() && old.modTime.Equal(st.ModTime()) {
		return false
	}
	s := &source{}
	s.src, s.err = l.stat(fsys, p)
	if statErr == nil {
		s.modTime = st.ModTime()
		s.src.Size = st.Size()
	}
	l.mu.Lock()
	l.sources[p] = s
	l.mu.Unlock()
	return old == nil || old.src.Hash != s.src.Hash || (old.err == nil) != (s.err == nil)
}

// ReadSource reads, hashes and probes the image at p in fsys, reading at
// most MaxBytes.
func ReadSource(fsys fs.FS, p string) (Source, error) {
	src, err := readBounded(fsys, p)
	if err != nil {
		return Source{Path: p}, err
	}
	info, err := Probe(p, src)
	sum := sha256.Sum256(src)
	return Source{Path: p, Hash: hex.EncodeToString(sum[:16]), Size: int64(len(src)), Info: info}, err
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func readBounded(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errorf(KindUnreadable, "image introuvable")
		}
		return nil, errorf(KindUnreadable, "image illisible (%v)", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxBytes {
		return nil, errorf(KindTooLarge, "image trop lourde (%s, maximum %s) : exportez-la en JPEG de qualité 85 environ, 3 000 pixels de large au plus", megabytes(st.Size()), megabytes(MaxBytes))
	}
	src, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, errorf(KindUnreadable, "image illisible (%v)", err)
	}
	if len(src) > MaxBytes {
		return nil, errorf(KindTooLarge, "image trop lourde (plus de %s) : exportez-la en JPEG de qualité 85 environ, 3 000 pixels de large au plus", megabytes(MaxBytes))
	}
	return src, nil
}

// addPlan registers p under id; l.mu is held. A plan whose variants a
// previous run wrote is ready at once, without any decoding.
func (l *Library) addPlan(id planID, p Plan) {
	if old, ok := l.plans[id]; ok {
		l.dropPlan(id, old)
	}
	if vs := p.Variants(); len(vs) > 0 {
		if other, ok := l.byName[vs[0].Name]; ok {
			// Same bytes, use and focus under another path: one plan.
			l.plans[id] = other
			return
		}
	}
	ps := &planState{plan: p}
	l.plans[id] = ps
	for _, v := range p.Variants() {
		l.byName[v.Name] = ps
		delete(l.orphaned, v.Name)
	}
	if ps.state.Ready || ps.state.Err != nil {
		return
	}
	if c, ok := l.readManifest(p); ok {
		ps.state = State{Ready: true, Color: c}
		return
	}
	l.queue = append(l.queue, ps)
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// dropPlan forgets the plan under id; l.mu is held. Its files stay until
// collected, and unless another id shares it.
func (l *Library) dropPlan(id planID, ps *planState) {
	delete(l.plans, id)
	for _, other := range l.plans {
		if other == ps {
			return
		}
	}
	for _, v := range ps.plan.Variants() {
		if l.byName[v.Name] == ps {
			delete(l.byName, v.Name)
		}
	}
}

// Lookup returns the plan of path for use and focus, and its state; false
// when the image is unknown, not raster, or failed to be read.
func (l *Library) Lookup(p string, use Use, focus Focus) (Plan, State, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ps, ok := l.plans[planID{p, use, focus}]
	if !ok {
		return Plan{}, State{}, false
	}
	return ps.plan, ps.state, true
}

// Source returns what the library knows of the source at path.
func (l *Library) Source(p string) (Source, error, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.sources[p]
	if !ok {
		return Source{}, nil, false
	}
	return s.src, s.err, true
}

// Variant is where a variant's file is: its path on disk when written,
// else, when it is still to be made, the path of its source in the content
// folder, which pages may use meanwhile.
func (l *Library) Variant(name string) (file, pending string, ok bool) {
	if name != path.Base(name) || strings.HasPrefix(name, ".") || len(name) < 3 {
		return "", "", false
	}
	l.mu.Lock()
	ps, known := l.byName[name]
	l.mu.Unlock()
	f := l.file(name)
	if _, err := os.Stat(f); err == nil {
		return f, "", true
	}
	if known && ps.state.Err == nil {
		return "", ps.plan.Source.Path, true
	}
	return "", "", false
}

func (l *Library) file(name string) string { return filepath.Join(l.dir, name[:2], name) }

func (l *Library) manifest(p Plan) string { return filepath.Join(l.dir, p.Key[:2], p.Key+".done") }

// readManifest reads the record that every variant of p was written.
func (l *Library) readManifest(p Plan) (color.RGBA, bool) {
	b, err := os.ReadFile(l.manifest(p))
	if err != nil {
		return color.RGBA{}, false
	}
	var r, g, bl uint8
	if _, err := fmt.Sscanf(strings.TrimSpace(string(b)), "%02x%02x%02x", &r, &g, &bl); err != nil {
		return color.RGBA{}, false
	}
	for _, v := range p.Variants() {
		if _, err := os.Stat(l.file(v.Name)); err != nil {
			return color.RGBA{}, false // the cache folder was cleaned by hand
		}
	}
	return color.RGBA{r, g, bl, 255}, true
}

// work processes queued plans until ctx is done.
func (l *Library) work(ctx context.Context) {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		var ps *planState
		if len(l.queue) > 0 {
			ps = l.queue[0]
			l.queue = l.queue[1:]
		}
		fsys := l.fsys
		l.mu.Unlock()
		if ps == nil {
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
				continue
			}
		}
		if ctx.Err() != nil {
			return
		}
		l.process(ctx, fsys, ps)
		// Another worker may be asleep while the queue still holds work.
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

// process makes every variant of ps, within the pixel budget.
func (l *Library) process(ctx context.Context, fsys fs.FS, ps *planState) {
	l.mu.Lock()
	p := ps.plan
	live := false
	for _, other := range l.plans {
		live = live || other == ps
	}
	hooks, observers := l.onReady, l.onDone
	l.mu.Unlock()
	if !live || fsys == nil {
		return
	}
	weight := min(int64(p.Source.Info.Width)*int64(p.Source.Info.Height), l.opts.PixelBudget)
	l.working.Add(1)
	defer l.working.Add(-1)
	if err := l.sem.Acquire(ctx, weight); err != nil {
		return
	}
	start := time.Now() // once within the budget: the work, not the wait
	now := l.inFlight.Add(weight)
	for peak := l.peak.Load(); now > peak && !l.peak.CompareAndSwap(peak, now); peak = l.peak.Load() {
	}
	res, err := l.render(fsys, p)
	l.inFlight.Add(-weight)
	l.sem.Release(weight)
	// Counted before the state shows: whoever sees the plan done (Wait)
	// sees it counted too.
	d := time.Since(start)
	for _, fn := range observers {
		fn(d, err)
	}
	if err != nil {
		l.failed.Add(1)
	} else {
		l.done.Add(1)
	}
	l.mu.Lock()
	if err != nil {
		ps.state = State{Err: err}
	} else {
		ps.state = State{Ready: true, Color: res.Color}
	}
	var paths []string
	for id, other := range l.plans {
		if other == ps {
			paths = append(paths, id.path)
		}
	}
	l.mu.Unlock()
	if err != nil {
		l.log.Warn("image processing failed", "path", p.Source.Path, "err", err)
		return
	}
	l.gen.Add(1)
	if len(paths) > 0 {
		slices.Sort(paths)
		paths = slices.Compact(paths)
		for _, fn := range hooks {
			fn(paths)
		}
	}
	l.log.Debug("image processed", "path", p.Source.Path, "variants", len(p.Variants()), "duration", d)
}

func (l *Library) render(fsys fs.FS, p Plan) (Result, error) {
	if p.Use == UseShareCard {
		return l.renderCard(p)
	}
	src, err := readBounded(fsys, p.Source.Path)
	if err != nil {
		return Result{}, err
	}
	if sum := sha256.Sum256(src); hex.EncodeToString(sum[:16]) != p.Source.Hash {
		// Changed since it was planned: the next Sync plans it anew.
		return Result{}, errorf(KindUnreadable, "image modifiée pendant son traitement")
	}
	if err := os.MkdirAll(filepath.Join(l.dir, p.Key[:2]), 0o755); err != nil {
		return Result{}, err
	}
	res, err := Render(p, src, func(v Variant, b []byte) error { return writeFile(l.file(v.Name), b) })
	if err != nil {
		return res, err
	}
	c := res.Color
	return res, writeFile(l.manifest(p), fmt.Appendf(nil, "%02x%02x%02x\n", c.R, c.G, c.B))
}

// writeFile writes b to name atomically: readers never see half a file.
func writeFile(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// Wait blocks until no plan is queued or in progress, or ctx is done.
// Tests and benchmarks use it; the site never waits.
func (l *Library) Wait(ctx context.Context) error {
	for {
		l.mu.Lock()
		busy := len(l.queue) > 0
		for _, ps := range l.plans {
			busy = busy || (!ps.state.Ready && ps.state.Err == nil)
		}
		l.mu.Unlock()
		if !busy {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// collect removes cache files that no plan has named for Grace.
func (l *Library) collect() {
	now := l.opts.Now()
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := map[string]bool{}
	for _, ps := range l.byName {
		keys[ps.plan.Key+".done"] = true
	}
	for _, d := range entries {
		if !d.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(l.dir, d.Name()))
		if err != nil {
			continue
		}
		for _, f := range files {
			name := f.Name()
			if _, live := l.byName[name]; live || keys[name] {
				continue
			}
			since, seen := l.orphaned[name]
			if !seen {
				l.orphaned[name] = now
				continue
			}
			if now.Sub(since) >= l.opts.Grace {
				if err := os.Remove(filepath.Join(l.dir, d.Name(), name)); err == nil || errors.Is(err, fs.ErrNotExist) {
					delete(l.orphaned, name)
				}
			}
		}
	}
}

// renderCard draws and writes a share card.
func (l *Library) renderCard(p Plan) (Result, error) {
	site, section, title := splitCardPath(p.Source.Path)
	img, err := ShareCard(title, section, site)
	if err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(filepath.Join(l.dir, p.Key[:2]), 0o755); err != nil {
		return Result{}, err
	}
	// Flat colours: the default compression is as small, and much faster.
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Result{}, err
	}
	if err := writeFile(l.file(p.Extra[0].Name), buf.Bytes()); err != nil {
		return Result{}, err
	}
	c := cardNavy
	return Result{Color: c}, writeFile(l.manifest(p), fmt.Appendf(nil, "%02x%02x%02x\n", c.R, c.G, c.B))
}

// splitCardPath returns the site, section and title of a CardPath.
func splitCardPath(p string) (string, string, string) {
	parts := strings.SplitN(p, "\x00", 5)
	if len(parts) != 5 {
		return "", "", ""
	}
	return parts[2], parts[3], parts[4]
}
