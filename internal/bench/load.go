package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// references are the two servers the site is measured against, serving
// the article page's bytes with its headers.
type references struct {
	nginx, goURL    string
	nginxCmd, goCmd *exec.Cmd
}

// notCopied are the site's headers that the references do not copy: the
// servers set them themselves.
var notCopied = map[string]bool{"Date": true, "Content-Length": true, "Connection": true, "Keep-Alive": true}

func (b *bench) startReferences(ctx context.Context, body []byte, header http.Header) (*references, error) {
	refs := &references{}
	// The minimal Go handler: the bytes from memory, the same headers, in
	// a process of its own (this program, run again) with the site's
	// GOMAXPROCS and on the site's core, so that both do the same work
	// with the same means.
	h := http.Header{}
	for k, v := range header {
		if !notCopied[k] {
			h[k] = v
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	refDir := filepath.Join(b.dir, "reference")
	if err := os.MkdirAll(refDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(refDir, "body"), body, 0o644); err != nil {
		return nil, err
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(refDir, "header.json"), hdr, 0o644); err != nil {
		return nil, err
	}
	goAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	refs.goCmd = pinned(ctx, siteCPU, self, "-serve-reference", refDir, "-addr", goAddr)
	refs.goCmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	refs.goCmd.Stderr = os.Stderr
	if err := refs.goCmd.Start(); err != nil {
		return nil, err
	}
	refs.goURL = "http://" + goAddr + "/article"
	if err := waitFor(refs.goURL, body); err != nil {
		refs.stop()
		return nil, fmt.Errorf("minimal Go handler: %w", err)
	}

	// nginx: the bytes as a file, the same headers.
	// nginx's workers run as an unprivileged user: they must be able to
	// reach the file (os.MkdirTemp makes the folder private).
	if err := os.Chmod(b.dir, 0o755); err != nil {
		return nil, err
	}
	www := filepath.Join(b.dir, "www")
	if err := os.MkdirAll(www, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(www, "article"), body, 0o644); err != nil {
		return nil, err
	}
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	var adds strings.Builder
	// nginx makes its own Content-Type (default_type), ETag and
	// Last-Modified for a file; every other header of the site is added.
	for k, vs := range header {
		if notCopied[k] || k == "Content-Type" || k == "Etag" || k == "Last-Modified" {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(&adds, "      add_header %s %q always;\n", k, v)
		}
	}
	conf := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %[1]s/tmp;
  proxy_temp_path %[1]s/tmp;
  fastcgi_temp_path %[1]s/tmp;
  uwsgi_temp_path %[1]s/tmp;
  scgi_temp_path %[1]s/tmp;
  keepalive_requests 1000000;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=16;
  server {
    listen %[2]s;
    root %[3]s;
    location = /article {
      default_type %[4]q;
%[5]s    }
  }
}
`, b.dir, addr, www, header.Get("Content-Type"), adds.String())
	confPath := filepath.Join(b.dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	os.MkdirAll(filepath.Join(b.dir, "tmp"), 0o755)
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/nginx"); statErr != nil {
			return nil, fmt.Errorf("nginx not found (make bench installs nginx-light): %w", err)
		}
		nginx = "/usr/sbin/nginx"
	}
	refs.nginxCmd = pinned(ctx, siteCPU, nginx, "-c", confPath, "-p", b.dir, "-e", filepath.Join(b.dir, "nginx-error.log"))
	refs.nginxCmd.Stderr = os.Stderr
	if err := refs.nginxCmd.Start(); err != nil {
		return nil, err
	}
	refs.nginx = "http://" + addr + "/article"
	if err := waitFor(refs.nginx, body); err != nil {
		refs.stop()
		return nil, fmt.Errorf("nginx (see %s/nginx-error.log): %w", b.dir, err)
	}
	return refs, nil
}

// waitFor waits until url serves body.
func waitFor(url string, body []byte) error {
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if got, _, err := fetch(url, true); err == nil {
			if string(got) != string(body) {
				return errors.New("serves other bytes than the site")
			}
			return nil
		}
		if time.Since(start) > 10*time.Second {
			return errors.New("not serving after 10 s")
		}
	}
}

// The servers measured run on one core and wrk on the other, so that wrk
// does not take the servers' CPU: the ratios compare the servers alone.
const (
	siteCPU = "0"
	wrkCPU  = "1"
)

// pinned is a command to run on cpu, through taskset when the machine has
// it (util-linux) and more than one core; else as it is.
func pinned(ctx context.Context, cpu, name string, args ...string) *exec.Cmd {
	if taskset, err := exec.LookPath("taskset"); err == nil && runtime.NumCPU() > 1 {
		return exec.CommandContext(ctx, taskset, append([]string{"-c", cpu, name}, args...)...)
	}
	return exec.CommandContext(ctx, name, args...)
}

// ServeReference is the minimal Go handler that the site is measured
// against: it serves the body and headers that startReferences wrote in
// dir at addr, whatever the path, until the process is stopped.
func ServeReference(dir, addr string) error {
	body, err := os.ReadFile(filepath.Join(dir, "body"))
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(dir, "header.json"))
	if err != nil {
		return err
	}
	var h http.Header
	if err := json.Unmarshal(raw, &h); err != nil {
		return err
	}
	return http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Write(body)
	}))
}

func (r *references) stop() {
	if r.goCmd != nil && r.goCmd.Process != nil {
		r.goCmd.Process.Kill()
		r.goCmd.Wait()
	}
	if r.nginxCmd != nil && r.nginxCmd.Process != nil {
		r.nginxCmd.Process.Signal(syscall.SIGQUIT)
		r.nginxCmd.Wait()
	}
}

type wrkResult struct {
	rps, p50, p99 float64 // requests per second, milliseconds
	requests      uint64
}

var (
	wrkRPS      = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkRequests = regexp.MustCompile(`(\d+) requests in`)
	wrkLatency  = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$`)
	wrkErrors   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// wrk runs one load run against url.
func (b *bench) wrk(ctx context.Context, url string) (wrkResult, error) {
	return b.wrkScript(ctx, url, "")
}

// wrkScript is wrk with a Lua script (none when empty).
func (b *bench) wrkScript(ctx context.Context, url, script string) (wrkResult, error) {
	args := []string{"-t", strconv.Itoa(b.o.Threads), "-c", strconv.Itoa(b.o.Conns),
		"-d", b.o.Duration.String(), "--latency", "-H", "Accept-Encoding: gzip"}
	if script != "" {
		args = append(args, "-s", script)
	}
	out, err := pinned(ctx, wrkCPU, "wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w\n%s", url, err, out)
	}
	if m := wrkErrors.FindSubmatch(out); m != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %s error responses\n%s", url, m[1], out)
	}
	var r wrkResult
	if m := wrkRPS.FindSubmatch(out); m != nil {
		r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := wrkRequests.FindSubmatch(out); m != nil {
		r.requests, _ = strconv.ParseUint(string(m[1]), 10, 64)
	}
	for _, m := range wrkLatency.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		switch string(m[3]) {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if string(m[1]) == "50" {
			r.p50 = v
		} else {
			r.p99 = v
		}
	}
	if r.rps == 0 {
		return r, fmt.Errorf("wrk %s: no throughput in its output\n%s", url, out)
	}
	return r, nil
}

// median returns the run of median throughput, with its own latencies.
func median(runs []wrkResult) wrkResult {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b wrkResult) int {
		switch {
		case a.rps < b.rps:
			return -1
		case a.rps > b.rps:
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}
