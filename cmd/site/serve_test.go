package main

import (
	"bufio"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/horizons-expat/site/internal/sitetest"
)

// binary is the site built with -tags testhooks, once for all the tests.
var binary struct {
	once sync.Once
	path string
	err  error
}

// build returns the path of the test binary, in a folder every user may
// read: some tests run it as another user.
func build(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "site-bin-")
		if err != nil {
			binary.err = err
			return
		}
		os.Chmod(dir, 0o755)
		binary.path = filepath.Join(dir, "site")
		out, err := exec.Command("go", "build", "-tags", "testhooks", "-o", binary.path, ".").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.path != "" {
		os.RemoveAll(filepath.Dir(binary.path))
	}
	os.Exit(code)
}

// sharedDir is a temporary folder that other users may enter, for the
// tests that run the binary as nobody.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "site-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// process is a running `site serve`.
type process struct {
	cmd  *exec.Cmd
	url  string
	mu   sync.Mutex
	logs []map[string]any
	raw  strings.Builder
	done chan struct{} // closed when stderr is drained
	line chan map[string]any
}

// start runs `site serve` with args and waits until it serves or exits.
// asUser, when not zero, runs it as that user (tests run as root here).
func start(t *testing.T, asUser uint32, args ...string) *process {
	t.Helper()
	cmd := exec.Command(build(t), append([]string{"serve", "-addr", "127.0.0.1:0", "-now", "2024-11-25T12:00:00Z"}, args...)...)
	cmd.Env = append(os.Environ(), "SITE_CONTENT=", "SITE_DB=")
	if asUser != 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: asUser, Gid: asUser}}
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, done: make(chan struct{}), line: make(chan map[string]any, 1024)}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var entry map[string]any
			json.Unmarshal(sc.Bytes(), &entry)
			p.mu.Lock()
			p.raw.WriteString(sc.Text() + "\n")
			p.logs = append(p.logs, entry)
			p.mu.Unlock()
			select {
			case p.line <- entry:
			default:
			}
		}
	}()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case entry := <-p.line:
			if entry["msg"] == "serving" {
				p.url, _ = entry["url"].(string)
				return p
			}
		case <-p.done:
			return p // exited before serving
		case <-deadline:
			t.Fatalf("site did not start:\n%s", p.stderr())
		}
	}
}

func (p *process) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.raw.String()
}

// waitLog waits for a log line with message msg.
func (p *process) waitLog(t *testing.T, msg string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		p.mu.Lock()
		for _, e := range p.logs {
			if e["msg"] == msg {
				p.mu.Unlock()
				return
			}
		}
		p.mu.Unlock()
		select {
		case <-deadline:
			t.Fatalf("no %q in the log:\n%s", msg, p.stderr())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// wait waits for the process to exit and returns its exit code.
func (p *process) wait(t *testing.T) int {
	t.Helper()
	<-p.done
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

func copyFixture(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(dir, "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dst)
	return dst
}

func TestGracefulShutdownFinishesRequestsInFlight(t *testing.T) {
	dir := t.TempDir()
	contentDir := copyFixture(t, dir)
	db := filepath.Join(dir, "data", "site.db")
	p := start(t, 0, "-content", contentDir, "-db", db)
	if p.url == "" {
		t.Fatalf("site did not start:\n%s", p.stderr())
	}

	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("GET", p.url+"/pratique/retraite", nil)
		req.Header.Set("X-Test-Delay", "2s")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		res <- result{status: resp.StatusCode, body: string(b), err: err}
	}()
	p.waitLog(t, "test hook: delaying request") // the request is in the handler
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, "shutting down")
	// No new connection is accepted once shutdown has begun.
	if resp, err := http.Get(p.url + "/healthz"); err == nil {
		resp.Body.Close()
		t.Errorf("a new request was served during shutdown: %d", resp.StatusCode)
	}

	r := <-res
	if r.err != nil {
		t.Fatalf("request in flight failed: %v\n%s", r.err, p.stderr())
	}
	if r.status != 200 || !strings.Contains(r.body, "</html>") || !strings.Contains(r.body, "retraite") {
		t.Errorf("request in flight: status %d, %d bytes, want the whole page", r.status, len(r.body))
	}
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code %d, want 0\n%s", code, p.stderr())
	}
	if !strings.Contains(p.stderr(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", p.stderr())
	}
	// Closed cleanly: the WAL was checkpointed into the file and removed,
	// and the file is sound.
	if st, err := os.Stat(db + "-wal"); err == nil && st.Size() > 0 {
		t.Errorf("WAL left behind with %d bytes", st.Size())
	}
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var check string
	var articles int
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	if err := conn.QueryRow(`SELECT count(*) FROM articles`).Scan(&articles); err != nil || articles == 0 {
		t.Errorf("articles in the closed database: %d, %v", articles, err)
	}
}

func TestSIGINTStopsCleanly(t *testing.T) {
	dir := t.TempDir()
	p := start(t, 0, "-content", copyFixture(t, dir), "-db", filepath.Join(dir, "site.db"))
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code %d, want 0\n%s", code, p.stderr())
	}
}

// TestContentFolderUnreadable: the site refuses to start, with a clear
// message and exit code 1, rather than serving an empty site.
//
// Tests run as root here, and permissions do not stop root: a folder made
// unreadable with chmod is tested by running the binary as the unprivileged
// user nobody. A missing folder and a file in place of the folder are
// unreadable for everyone.
func TestContentFolderUnreadable(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string
		user  uint32
	}{
		{"missing", func(t *testing.T, dir string) string { return filepath.Join(dir, "nulle-part") }, 0},
		{"a file, not a folder", func(t *testing.T, dir string) string {
			f := filepath.Join(dir, "content")
			os.WriteFile(f, []byte("title: x\n"), 0o644)
			return f
		}, 0},
		{"no permission", func(t *testing.T, dir string) string {
			c := copyFixture(t, dir)
			if err := os.Chmod(c, 0o000); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(c, 0o755) })
			return c
		}, nobody(t)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := sharedDir(t)
			contentDir := tt.setup(t, dir)
			data := filepath.Join(dir, "data")
			os.MkdirAll(data, 0o777)
			os.Chmod(data, 0o777)
			p := start(t, tt.user, "-content", contentDir, "-db", filepath.Join(data, "site.db"))
			if p.url != "" {
				t.Fatalf("site started on unreadable content:\n%s", p.stderr())
			}
			if code := p.wait(t); code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if logs := p.stderr(); !strings.Contains(logs, "cannot start") || !strings.Contains(logs, "open content folder") || !strings.Contains(logs, contentDir) {
				t.Errorf("no clear error naming the folder:\n%s", logs)
			}
		})
	}
}

// nobody returns the uid to run unprivileged tests as: nobody when the
// tests run as root, else the current user, whom permissions stop anyway.
func nobody(t *testing.T) uint32 {
	if os.Geteuid() == 0 {
		return 65534
	}
	return 0
}

// TestReadOnlyDatabase: a database the site may not write is left as it is,
// and the site serves from a copy rebuilt from content in a temporary
// folder, removed at exit. The binary runs as nobody: permissions do not
// stop root.
func TestReadOnlyDatabase(t *testing.T) {
	dir := sharedDir(t)
	contentDir := copyFixture(t, dir)
	filepath.WalkDir(contentDir, func(p string, d os.DirEntry, err error) error {
		return os.Chmod(p, map[bool]os.FileMode{true: 0o755, false: 0o644}[d.IsDir()])
	})
	data := filepath.Join(dir, "data")
	db := filepath.Join(data, "site.db")
	p := start(t, 0, "-content", contentDir, "-db", db)
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(t); code != 0 {
		t.Fatalf("priming run: exit %d\n%s", code, p.stderr())
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(data, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(data, 0o755) })
	before := fileHash(t, db)

	tmp := sharedDir(t)
	os.Chmod(tmp, 0o777)
	p = startEnv(t, nobody(t), []string{"TMPDIR=" + tmp}, "-content", contentDir, "-db", db)
	if p.url == "" {
		t.Fatalf("site did not start on a read-only database:\n%s", p.stderr())
	}
	p.waitLog(t, "database cannot be used where it is: serving from a temporary copy rebuilt from content")
	resp, err := http.Get(p.url + "/pratique/retraite")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "retraite") {
		t.Errorf("article: %d, want the page", resp.StatusCode)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 1 {
		t.Errorf("want one temporary database folder in TMPDIR, found %d", len(entries))
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code %d, want 0\n%s", code, p.stderr())
	}
	if after := fileHash(t, db); after != before {
		t.Error("the read-only database file was changed")
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("temporary database left behind: %v", entries)
	}
}

// startEnv is start with extra environment variables.
func startEnv(t *testing.T, asUser uint32, env []string, args ...string) *process {
	t.Helper()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return start(t, asUser, args...)
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestInvalidLimitFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-read-header-timeout", "soon"},
		{"-write-timeout", "-1s"},
		{"-max-in-flight", "0"},
		{"-trusted-proxies", "10.0.0.0/99"},
		{"-trusted-proxies", "proxy.example"},
		{"-log-format", "xml"},
		{"-log-level", "bavard"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stderr strings.Builder
			if code := run(append([]string{"serve"}, args...), io.Discard, &stderr); code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "invalid") {
				t.Errorf("no clear message: %s", stderr.String())
			}
		})
	}
}

// TestLogFlags: -log-format text gives people lines they can read, and
// -log-level debug shows what info hides (a poll that found nothing).
func TestLogFlags(t *testing.T) {
	var stderr strings.Builder
	if code := run([]string{"serve", "-log-format", "text", "-poll", "1ms"}, io.Discard, &stderr); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if got := stderr.String(); !strings.HasPrefix(got, "time=") || !strings.Contains(got, `level=ERROR msg="invalid -poll`) {
		t.Errorf("-log-format text: %q", got)
	}

	dir := t.TempDir()
	p := start(t, 0, "-content", copyFixture(t, dir), "-db", filepath.Join(dir, "site.db"),
		"-force-poll", "-poll", "20ms", "-log-level", "debug")
	p.waitLog(t, "content reloaded")
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(t); code != 0 {
		t.Errorf("exit %d", code)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.logs {
		if e["msg"] == "content reloaded" && e["level"] == "DEBUG" {
			if _, ok := e["duration_ms"].(float64); !ok {
				t.Errorf("reload line without duration_ms: %v", e)
			}
			return
		}
	}
	t.Errorf("no debug line with -log-level debug:\n%s", p.raw.String())
}

func TestParsePrefixes(t *testing.T) {
	got, err := parsePrefixes(" 10.1.2.3/8, 192.0.2.1 ,::1,, 2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.1/32", "::1/128", "2001:db8::/32"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parsePrefixes = %v, want %v", got, want)
	}
}
