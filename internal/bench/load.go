package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// references are the two servers the site is measured against, serving
// the article page's bytes with its headers.
type references struct {
	nginx, goURL string
	nginxCmd     *exec.Cmd
	goServer     *http.Server
}

// notCopied are the site's headers that the references do not copy: the
// servers set them themselves.
var notCopied = map[string]bool{"Date": true, "Content-Length": true, "Connection": true, "Keep-Alive": true}

func (b *bench) startReferences(ctx context.Context, body []byte, header http.Header) (*references, error) {
	refs := &references{}
	// The minimal Go handler: the bytes from memory, the same headers.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	for k, v := range header {
		if !notCopied[k] {
			h[k] = v
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	refs.goServer = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Write(body)
	})}
	go refs.goServer.Serve(l)
	refs.goURL = "http://" + l.Addr().String() + "/article"

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
worker_processes auto;
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
	refs.nginxCmd = exec.CommandContext(ctx, nginx, "-c", confPath, "-p", b.dir, "-e", filepath.Join(b.dir, "nginx-error.log"))
	refs.nginxCmd.Stderr = os.Stderr
	if err := refs.nginxCmd.Start(); err != nil {
		return nil, err
	}
	refs.nginx = "http://" + addr + "/article"
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if got, _, err := fetch(refs.nginx, true); err == nil {
			if string(got) != string(body) {
				refs.stop()
				return nil, fmt.Errorf("nginx serves other bytes than the site")
			}
			break
		}
		if time.Since(start) > 10*time.Second {
			refs.stop()
			return nil, fmt.Errorf("nginx did not start: see %s/nginx-error.log", b.dir)
		}
	}
	return refs, nil
}

func (r *references) stop() {
	if r.goServer != nil {
		r.goServer.Close()
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
	out, err := exec.CommandContext(ctx, "wrk", "-t", strconv.Itoa(b.o.Threads), "-c", strconv.Itoa(b.o.Conns),
		"-d", b.o.Duration.String(), "--latency", "-H", "Accept-Encoding: gzip", url).CombinedOutput()
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
