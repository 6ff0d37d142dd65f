package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/horizons-expat/site/internal/content"
)

// WatchOptions tune how a Watcher notices changes.
type WatchOptions struct {
	// Dir is the content folder on disk, the one the Syncer reads.
	Dir string
	// Poll is the interval between passes when the folder cannot be
	// watched (a network file system, inotify limits). Default 2s.
	Poll time.Duration
	// ForcePoll polls even where the folder could be watched.
	ForcePoll bool
	// Quiet is how long the folder must stay still after a change before a
	// pass starts, so that a burst of writes (a git pull) makes one pass.
	// Default 100ms.
	Quiet time.Duration
	// MaxDelay bounds the wait after the first change of a burst that never
	// goes quiet. Default 500ms.
	MaxDelay time.Duration
}

// Watcher runs a Syncer pass whenever the content folder changes: on file
// system events when it can, else by polling.
type Watcher struct {
	syncer *Syncer
	log    *slog.Logger
	opts   WatchOptions
	fsw    *fsnotify.Watcher // nil when polling
	// mode is written by the watch loop when it falls back to polling and
	// read by the status page's requests, on other goroutines.
	mode atomic.Pointer[string]
	// problems are those of the last pass, so that each is logged once
	// when it appears and once when it is fixed.
	problems map[string]bool
}

// retryDelay is the wait before a failed pass is tried again.
const retryDelay = time.Second

// NewWatcher starts watching opts.Dir. It never fails: when the folder cannot
// be watched it says why in the log and polls instead. Create it before the
// first Sync so that no change falls between that pass and the watch.
func NewWatcher(syncer *Syncer, log *slog.Logger, opts WatchOptions) *Watcher {
	if opts.Poll <= 0 {
		opts.Poll = 2 * time.Second
	}
	if opts.Quiet <= 0 {
		opts.Quiet = 100 * time.Millisecond
	}
	if opts.MaxDelay < opts.Quiet {
		opts.MaxDelay = max(opts.Quiet, 500*time.Millisecond)
	}
	w := &Watcher{syncer: syncer, log: log, opts: opts, problems: map[string]bool{}}
	switch fsType, remote := remoteFS(opts.Dir); {
	case opts.ForcePoll:
		w.poll("polling was asked for (-force-poll)")
	case remote:
		w.poll(fmt.Sprintf("the content folder is on a network file system (%s), whose changes made elsewhere raise no event", fsType))
	default:
		fsw, err := fsnotify.NewWatcher()
		if err != nil {
			w.poll(fmt.Sprintf("cannot use file system events: %v", err))
			break
		}
		w.fsw = fsw
		if err := w.addTree(opts.Dir); err != nil {
			fsw.Close()
			w.fsw = nil
			w.poll(watchFailure(err))
			break
		}
		w.setMode(modeWatching)
		log.Info("watching content folder for changes", "dir", opts.Dir, "watches", len(fsw.WatchList()))
	}
	return w
}

// modeWatching is the mode of a watched folder.
const modeWatching = "immédiat (le système de fichiers signale chaque modification : inotify)"

// pollingMode is the mode of a folder looked at every interval.
func pollingMode(interval time.Duration) string {
	return "le dossier est relu toutes les " + frenchInterval(interval) + " (le système de fichiers ne signale pas les modifications)"
}

// frenchInterval writes d for editors: "500 ms", "2 s", "1,5 s",
// "2 min".
func frenchInterval(d time.Duration) string {
	const nbsp = "\u00a0"
	switch {
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + nbsp + "ms"
	case d >= time.Minute && d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + nbsp + "min"
	}
	n := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	return strings.Replace(n, ".", ",", 1) + nbsp + "s"
}

// Mode says in French how changes are noticed, for the editors' status
// page.
func (w *Watcher) Mode() string {
	if m := w.mode.Load(); m != nil {
		return *m
	}
	return ""
}

func (w *Watcher) setMode(m string) { w.mode.Store(&m) }

// poll switches to polling and says so loudly: an operator must know that
// changes will show up later than usual.
func (w *Watcher) poll(reason string) {
	w.setMode(pollingMode(w.opts.Poll))
	w.log.Warn("content changes are noticed by polling, not by file system events",
		"reason", reason, "interval", w.opts.Poll.String(), "dir", w.opts.Dir,
		"hint", "set the interval with -poll or SITE_POLL")
}

// watchFailure explains why a folder cannot be watched.
func watchFailure(err error) string {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) {
		return fmt.Sprintf("too many folders for inotify (%v): raise fs.inotify.max_user_watches / max_user_instances", err)
	}
	return fmt.Sprintf("cannot watch the content folder: %v", err)
}

// addTree watches dir and every folder below it that is not hidden.
func (w *Watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errors.Is(err, fs.ErrNotExist) {
				return nil // gone while we walked: nothing to watch
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && content.IgnoredName(d.Name()) {
			return filepath.SkipDir
		}
		if err := w.fsw.Add(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("watch %s: %w", p, err)
		}
		return nil
	})
}

// Run passes until ctx is done, then stops watching.
func (w *Watcher) Run(ctx context.Context) {
	if w.fsw != nil {
		if w.watch(ctx) {
			return
		}
		// Watching broke down: polling keeps the site in step.
	}
	w.pollLoop(ctx)
}

// Close stops watching; Run does it by itself when its context ends.
func (w *Watcher) Close() error {
	if w.fsw == nil {
		return nil
	}
	return w.fsw.Close()
}

// watch runs passes on file system events. It returns true when ctx is
// done, false when watching failed and polling must take over.
func (w *Watcher) watch(ctx context.Context) bool {
	defer w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var first time.Time // of the pending burst; zero when none
	schedule := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		timer.Reset(min(w.opts.Quiet, first.Add(w.opts.MaxDelay).Sub(now)))
	}
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return true
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return true
			}
			if !w.relevant(ev) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				info, err := os.Lstat(ev.Name)
				switch {
				case err != nil:
				case info.IsDir():
					// A new folder, perhaps moved in whole: watch it
					// and what it holds; the pass reads its files.
					if err := w.addTree(ev.Name); err != nil {
						w.poll(watchFailure(err))
						return false
					}
				default:
					// Perhaps a file renamed here, which the next
					// save may replace before the pass comes.
					w.syncer.Noticed(w.rel(ev.Name), info)
				}
			}
			if ev.Has(fsnotify.Rename) {
				w.syncer.MovedAway(w.rel(ev.Name))
			}
			schedule()
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return true
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.log.Warn("too many changes at once for inotify: rescanning the whole content folder", "err", err)
			} else {
				w.log.Error("content watcher", "err", err)
			}
			schedule() // a pass reads the whole tree anyway
		case <-timer.C:
			burst := time.Since(first)
			first = time.Time{}
			if !w.pass(ctx, "change", burst) {
				first = time.Now()
				timer.Reset(retryDelay)
			}
		}
	}
}

// relevant reports whether ev may change the site. Editors' swap, backup
// and hidden files are not content, and neither is a mere change of
// permissions or times.
func (w *Watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	rel, err := filepath.Rel(w.opts.Dir, ev.Name)
	if err != nil || rel == "." {
		return err == nil
	}
	for _, seg := range strings.Split(filepath.ToSlash(rel), "/") {
		if content.IgnoredName(seg) {
			return false
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A folder that leaves must not be watched under its old name.
		_ = w.fsw.Remove(ev.Name)
	}
	return true
}

// rel is the content-relative, slash-separated name of the file at p.
func (w *Watcher) rel(p string) string {
	rel, err := filepath.Rel(w.opts.Dir, p)
	if err != nil {
		return ""
	}
	return filepath.ToSlash(rel)
}

// pollLoop runs a pass every opts.Poll until ctx is done. Unchanged files
// cost one stat each, so a pass over an idle folder is cheap.
func (w *Watcher) pollLoop(ctx context.Context) {
	ticker := time.NewTicker(w.opts.Poll)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			w.pass(ctx, "poll", 0)
		}
	}
}

// pass runs one Syncer pass and logs it. It returns false when the pass
// failed and should be tried again.
func (w *Watcher) pass(ctx context.Context, trigger string, waited time.Duration) bool {
	rep, err := w.syncer.Sync(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Error("content reload failed: the site keeps serving its last content", "err", err)
		}
		return false
	}
	level := slog.LevelInfo
	if trigger == "poll" && !rep.Changed {
		level = slog.LevelDebug // an idle folder says nothing every few seconds
	}
	st := w.syncer.Status()
	w.log.Log(ctx, level, "content reloaded", "trigger", trigger, "changed", rep.Changed,
		"read", rep.Read, "parsed", rep.Parsed, "saved", rep.Saved, "deleted", rep.Deleted,
		"articles", st.Articles, "problems", len(st.Problems),
		"burst", waited.Round(time.Millisecond), "duration", rep.Duration.Round(time.Microsecond))
	w.LogProblems(ctx, st.Problems)
	return true
}

// LogProblems logs the problems that appeared since the last call, as
// "path:line: message", and those that were fixed. Passes call it; the
// first Sync's caller should too.
func (w *Watcher) LogProblems(ctx context.Context, problems []content.Problem) {
	now := make(map[string]bool, len(problems))
	for _, p := range problems {
		text := p.String()
		now[text] = true
		if !w.problems[text] {
			w.log.WarnContext(ctx, "content problem", "problem", text)
		}
	}
	for text := range w.problems {
		if !now[text] {
			w.log.InfoContext(ctx, "content problem fixed", "problem", text)
		}
	}
	w.problems = now
}
