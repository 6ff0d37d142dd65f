// Package browsertest checks the site in a real browser: Debian's Chromium,
// driven headless by chromedp against the real server on a loopback port.
// Every page kind is loaded at a phone and a desktop size, in both colour
// schemes, screenshotted, checked for console errors and CSP violations,
// and audited with axe-core for WCAG 2 A/AA rules.
//
// The tests never skip: without Chromium or axe-core they fail and say
// what to install (`make test` installs both when missing).
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Where the tests find their tools, and where they leave screenshots.
var (
	chromiumPath   string          // set by TestMain
	axeSource      string          // axe.min.js, set by TestMain
	browserCtx     context.Context // the browser every test opens tabs in, set by TestMain
	screenshotsDir = filepath.Join(repoRoot(), "testdata", "screenshots")
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func TestMain(m *testing.M) {
	var err error
	if chromiumPath, err = findChromium(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL browser tests:", err)
		os.Exit(1)
	}
	if axeSource, err = loadAxe(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL browser tests:", err)
		os.Exit(1)
	}
	// Screenshots are redone from scratch on every run.
	if err := os.RemoveAll(screenshotsDir); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL browser tests:", err)
		os.Exit(1)
	}
	profile, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL browser tests:", err)
		os.Exit(1)
	}
	ctx, stop, err := startBrowser(profile)
	if err != nil {
		os.RemoveAll(profile)
		fmt.Fprintln(os.Stderr, "FAIL browser tests:", err)
		os.Exit(1)
	}
	browserCtx = ctx
	code := m.Run()
	stop()
	os.RemoveAll(profile)
	os.Exit(code)
}

// findChromium returns the browser to drive: $CHROMIUM when set, else
// Debian's chromium.
func findChromium() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("$CHROMIUM is %s, which cannot run: %v", p, err)
		}
		return p, nil
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("Chromium is not installed. Install it with `sudo apt-get install -y chromium` " +
		"(or run `make test`, which installs it), or point $CHROMIUM at a Chromium binary")
}

// loadAxe reads axe-core from this package's node_modules, installing the
// version pinned in package-lock.json with npm when it is missing, so that
// `go test ./...` works on its own too.
func loadAxe() (string, error) {
	dir := filepath.Join(repoRoot(), "internal", "browsertest")
	file := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(file); err != nil {
		npm, lookErr := exec.LookPath("npm")
		if lookErr != nil {
			return "", fmt.Errorf("axe-core is missing (%s) and npm is not installed: install npm with "+
				"`sudo apt-get install -y npm`, then run `npm ci --prefix internal/browsertest` (or `make test`)", file)
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--prefix", dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("installing axe-core with `npm ci --prefix internal/browsertest` failed: %v\n%s", err, out)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read axe-core: %w", err)
	}
	return string(b), nil
}

// startBrowser starts one headless Chromium with a fresh profile for the
// whole package; tests open their own tabs in it.
func startBrowser(profile string) (context.Context, context.CancelFunc, error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profile),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	stop := func() { cancel(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("start Chromium (%s): %w", chromiumPath, err)
	}
	return ctx, stop, nil
}

// browser opens a tab in a new browser context (its own cache and
// cookies) for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

// tab is a browser tab that records what the page reports: console
// errors, uncaught exceptions and CSP violations.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string
	// expectedURL is a URL whose failed load is expected (the 404 page).
	expectedURL string
}

// cspRecorder runs in every page before its own scripts, outside the
// page's CSP: it keeps the CSP violations for the test to read.
const cspRecorder = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`

func newTab(t *testing.T, ctx context.Context) *tab {
	t.Helper()
	tb := &tab{t: t, ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *cdpruntime.EventConsoleAPICalled:
			if ev.Type == cdpruntime.ConsoleAPICalledTypeError || ev.Type == cdpruntime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				msg = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
			}
		case *cdpruntime.EventExceptionThrown:
			msg = "uncaught exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				tb.mu.Lock()
				expected := ev.Entry.URL != "" && ev.Entry.URL == tb.expectedURL && ev.Entry.Source == log.EntrySourceNetwork
				tb.mu.Unlock()
				if !expected {
					msg = "console error (" + string(ev.Entry.Source) + "): " + ev.Entry.Text + " " + ev.Entry.URL
				}
			}
		}
		if msg != "" {
			tb.mu.Lock()
			tb.problems = append(tb.problems, msg)
			tb.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder}); err != nil {
		t.Fatalf("install the CSP recorder: %v", err)
	}
	return tb
}

// viewport is a window size.
type viewport struct {
	name          string
	width, height int64
}

var (
	phone   = viewport{"390x844", 390, 844}
	desktop = viewport{"1280x800", 1280, 800}
)

// emulate sets the window size and the colour scheme (and any other media
// features) for the next loads.
func (tb *tab) emulate(v viewport, features ...*emulation.MediaFeature) {
	tb.t.Helper()
	opts := []chromedp.EmulateViewportOption{}
	if v.width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(v.width, v.height, opts...)); err != nil {
		tb.t.Fatalf("emulate %s: %v", v.name, err)
	}
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features}); err != nil {
		tb.t.Fatalf("emulate media %v: %v", features, err)
	}
}

func scheme(s string) *emulation.MediaFeature {
	return &emulation.MediaFeature{Name: "prefers-color-scheme", Value: s}
}

// open loads url and checks its HTTP status.
func (tb *tab) open(url string, status int64) {
	tb.t.Helper()
	tb.mu.Lock()
	tb.problems = nil
	tb.expectedURL = ""
	if status >= 400 {
		tb.expectedURL = url
	}
	tb.mu.Unlock()
	resp, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		tb.t.Fatalf("open %s: %v", url, err)
	}
	if resp.Status != status {
		tb.t.Fatalf("open %s: status %d, want %d", url, resp.Status, status)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluate %.80q: %v", expr, err)
	}
	return v
}

// checkClean fails the test on any console error, uncaught exception or
// CSP violation seen since the page was opened.
func (tb *tab) checkClean(label string) {
	tb.t.Helper()
	// Give late reports (a blocked resource, a deferred script) a moment.
	time.Sleep(50 * time.Millisecond)
	csp := eval[[]string](tb, `window.__cspViolations || []`)
	tb.mu.Lock()
	problems := append(append([]string(nil), tb.problems...), csp...)
	tb.mu.Unlock()
	for _, p := range problems {
		tb.t.Errorf("%s: %s", label, p)
	}
}

// axeViolation is one failed axe-core rule.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct {
		Target         []any
		FailureSummary string
	}
}

// axeRules are the axe-core tags of WCAG 2.0, 2.1 and 2.2 levels A and AA.
const axeRun = `(async () => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']},
    resultTypes: ['violations'],
  });
  return r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help,
    nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary})),
  }));
})()`

// axe injects axe-core into the page (through the protocol, so the page's
// CSP does not apply) and returns the WCAG A/AA violations.
func (tb *tab) axe() []axeViolation {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		tb.t.Fatalf("inject axe-core: %v", err)
	}
	raw := eval[[]byte](tb, axeRun)
	var out []axeViolation
	if err := json.Unmarshal(raw, &out); err != nil {
		tb.t.Fatalf("decode axe-core results: %v", err)
	}
	return out
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for i, n := range v.Nodes {
		if i == 3 {
			fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-3)
			break
		}
		fmt.Fprintf(&b, "\n    %v: %s", n.Target, strings.ReplaceAll(n.FailureSummary, "\n", " "))
	}
	return b.String()
}

// screenshot saves a full-page JPEG under testdata/screenshots (JPEG is
// several times faster to encode than PNG for these tall pages).
func (tb *tab) screenshot(name string) string {
	tb.t.Helper()
	buf, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(88))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotsDir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join(screenshotsDir, name+".jpg")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	return path
}

// press sends one key to the page.
func (tb *tab) press(key string) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(key)); err != nil {
		tb.t.Fatalf("press %q: %v", key, err)
	}
}
