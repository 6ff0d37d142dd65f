package web_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
)

// hostileSite starts the site with small timeouts, so that the slow
// attacks end quickly.
func hostileSite(t *testing.T) *sitetest.Site {
	return sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) {
		c.ReadHeaderTimeout = time.Second
		c.ReadTimeout = 2 * time.Second
		c.IdleTimeout = 2 * time.Second
	}})
}

// stillServes checks that the site answers a normal request.
func stillServes(t *testing.T, site *sitetest.Site) {
	t.Helper()
	if resp := site.Get(t, "/pratique/retraite"); resp.StatusCode != 200 || !strings.Contains(resp.Body, "retraite") {
		t.Fatalf("site no longer serves: %d", resp.StatusCode)
	}
}

func TestHostileRequests(t *testing.T) {
	site := hostileSite(t)
	long := strings.Repeat("/a", 5000)
	tests := []struct {
		name    string
		request string
		want    []int // acceptable statuses; a closed connection is always acceptable
	}{
		{"100 KB header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 100<<10) + "\r\n\r\n", []int{431}},
		{"10,000 headers", "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-Aaaaa: bbbbbbbb\r\n", 10000) + "\r\n", []int{431}},
		{"5,000-segment path", get(long), []int{414}},
		{"5,000-segment path with query", get(long + "?q=1"), []int{414}},
		{"invalid UTF-8 in path, encoded", get("/%ff%fe%fd"), []int{404}},
		{"invalid UTF-8 in path, raw", get("/\xff\xfe/\xc3"), []int{400, 404}},
		{"invalid UTF-8 in query", get("/?q=%ff%fe"), []int{200}},
		{"invalid UTF-8 in query, raw", get("/?q=\xff\xfe"), []int{200, 400}},
		{"NUL in path, encoded", get("/monde%00/x"), []int{400, 404}},
		{"NUL in path, raw", get("/monde\x00"), []int{400}},
		{"NUL in query, encoded", get("/?q=%00"), []int{200}},
		{"NUL in query, raw", get("/?q=\x00"), []int{400}},
		{"NUL in category", get("/%00"), []int{400, 404}},
		{"NUL in page number", get("/monde/page/2%00"), []int{404}},
		{"huge page number", get("/monde/page/99999999999999999999999"), []int{404}},
		{"negative page number", get("/monde/page/-2"), []int{404}},
		{"control characters", get("/%01%02%1b[31m"), []int{404}},
		{"encoded slash", get("/monde%2fnouvelle-01"), []int{404}},
		{"absolute URL target", "GET http://evil.example/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", []int{200}},
		{"asterisk target", "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", []int{400, 404}},
		{"no Host header", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", []int{400}},
		{"HTTP/0.9", "GET /\r\n\r\n", []int{400, 505}},
		{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", []int{400, 413, 505}},
		{"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", []int{400}},
		{"conflicting lengths", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", []int{400}},
		{"smuggling: length and chunked", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", []int{400, 413}},
		{"chunked body on GET", "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n", []int{413}},
		{"small body on GET", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", []int{413}},
		{"unknown transfer encoding", "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", []int{400, 501}},
		{"Range with many parts", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nRange: bytes=" + strings.Repeat("0-1,", 2000) + "0-1\r\n\r\n", []int{200, 206, 416}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := raw(t, site, tt.request)
			if resp.closed {
				return
			}
			for _, s := range tt.want {
				if resp.status == s {
					return
				}
			}
			t.Errorf("status %d, want one of %v (or closed)", resp.status, tt.want)
		})
	}
	stillServes(t, site)
}

func TestEveryMethod(t *testing.T) {
	site := hostileSite(t)
	for _, path := range []string{"/", "/monde", "/monde/page/2", "/pratique/retraite", "/tags", "/tags/retraite", "/healthz"} {
		for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO"} {
			t.Run(method+" "+path, func(t *testing.T) {
				resp := raw(t, site, method+" "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
				if resp.closed {
					t.Fatal("connection closed without an answer")
				}
				switch method {
				case "GET", "HEAD":
					if resp.status != 200 {
						t.Errorf("status %d, want 200", resp.status)
					}
				default:
					if resp.status != 405 {
						t.Errorf("status %d, want 405", resp.status)
					}
					if allow := resp.header.Get("Allow"); allow != "GET, HEAD" {
						t.Errorf("Allow = %q, want \"GET, HEAD\"", allow)
					}
				}
				if method == "HEAD" && resp.body != "" {
					t.Errorf("HEAD answered with a body of %d bytes", len(resp.body))
				}
			})
		}
	}
}

// TestLargeBodyRefused sends 10 MB to routes that take no body: the server
// must answer 413 or hang up, not read it all.
func TestLargeBodyRefused(t *testing.T) {
	site := hostileSite(t)
	for _, method := range []string{"POST", "GET", "PUT"} {
		t.Run(method, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(site.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(15 * time.Second))
			const size = 10 << 20
			go func() {
				io.WriteString(conn, method+" / HTTP/1.1\r\nHost: x\r\nContent-Length: "+strconv.Itoa(size)+"\r\n\r\n")
				chunk := make([]byte, 64<<10)
				for sent := 0; sent < size; sent += len(chunk) {
					if _, err := conn.Write(chunk); err != nil {
						return // the server hung up: fine
					}
				}
			}()
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				return // closed without an answer: acceptable
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413", resp.StatusCode)
			}
		})
	}
	stillServes(t, site)
}

// TestSlowloris sends a request's headers one byte per second: the server
// must hang up once ReadHeaderTimeout (1 s here) has passed, and keep
// serving others meanwhile.
func TestSlowloris(t *testing.T) {
	site := hostileSite(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(site.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	request := "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 30) + "\r\n\r\n"
	start := time.Now()
	closed := make(chan time.Duration, 1)
	go func() {
		// The server's hanging up shows as the end of the stream (or an
		// answer, which must not be a page: it never got whole headers).
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		b, err := io.ReadAll(conn)
		if err == nil || !errors.Is(err, io.EOF) {
			if len(b) > 0 && !strings.HasPrefix(string(b), "HTTP/1.1 408") && !strings.HasPrefix(string(b), "HTTP/1.1 400") {
				t.Errorf("server answered %q to an unfinished request", b)
			}
		}
		closed <- time.Since(start)
	}()
	sent := 0
	for i := range len(request) {
		if _, err := conn.Write([]byte{request[i]}); err != nil {
			break // hung up
		}
		sent++
		select {
		case d := <-closed:
			if d > 5*time.Second {
				t.Errorf("closed after %v, want about the 1 s ReadHeaderTimeout", d)
			}
			if sent >= len(request) {
				t.Errorf("the whole request got through")
			}
			stillServes(t, site)
			return
		case <-time.After(time.Second):
		}
		if i == 1 {
			stillServes(t, site) // others are served while the slow one drips
		}
	}
	select {
	case d := <-closed:
		if d > 5*time.Second {
			t.Errorf("closed after %v, want about the 1 s ReadHeaderTimeout", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("slow connection still open long after ReadHeaderTimeout")
	}
}

// TestManyIdleConnections opens 2,000 connections that send nothing: the
// server keeps serving others, then closes them all on ReadHeaderTimeout.
func TestManyIdleConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 2,000 connections")
	}
	site := hostileSite(t)
	addr := strings.TrimPrefix(site.URL, "http://")
	const n = 2000
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("after %d connections: %v", len(conns), err)
		}
		conns = append(conns, c)
	}
	for range 20 {
		stillServes(t, site)
	}
	// Each idle connection is closed by the server: reading gets EOF.
	var wg sync.WaitGroup
	var mu sync.Mutex
	open := 0
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(15 * time.Second))
			_, err := c.Read(make([]byte, 1))
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				mu.Lock()
				open++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if open > 0 {
		t.Errorf("%d of %d idle connections still open after 15 s", open, n)
	}
	stillServes(t, site)
}
