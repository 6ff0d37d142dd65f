package cluster_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/cluster"
	"github.com/horizons-expat/site/internal/sitetest"
)

// The article whose page the tests watch, and its publication instant
// (2024-11-20 09:00 in Paris).
const (
	articlePath = "/vie-pratique/retraite-partir-travailler-a-l-etranger"
	articleFile = "vie-pratique/retraite-partir-travailler-a-l-etranger.md"
)

var published = time.Date(2024, 11, 20, 8, 0, 0, 0, time.UTC)

// TestCluster runs three replicas behind Varnish (deploy/varnish) and checks
// what a shared cache in front of the site must get right.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("the cluster test starts Varnish and three servers")
	}
	work := t.TempDir()
	bin := filepath.Join(work, "site")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/site")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build site: %v\n%s", err, out)
	}
	contentDir := filepath.Join(work, "content")
	sitetest.CopyDir(t, sitetest.Bundled(), contentDir)
	logFile, err := os.Create(filepath.Join(work, "cluster.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()

	// The clock starts 3 s before the article turns "il y a 3 jours".
	boundary := published.Add(3 * 24 * time.Hour)
	ctx := context.Background()
	// Plain HTTP and TLS as deploy/varnish/hitch.conf sets them up.
	httpAddr, tlsAddr := "127.0.0.1:"+strconv.Itoa(freePort(t)), "127.0.0.1:"+strconv.Itoa(freePort(t))
	c, err := cluster.Start(ctx, cluster.Options{
		Binary: bin, ContentDir: contentDir, VCLDir: "../../deploy/varnish",
		WorkDir: filepath.Join(work, "cluster"), Log: logFile,
		ExtraArgs: []string{"-now", boundary.Add(-3 * time.Second).Format(time.RFC3339), "-status-token", statusToken},
		Listen:    []string{"http=" + httpAddr, "tls=" + tlsAddr + ",PROXY"},
		Params:    []string{"feature=+http2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Stop()
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("cluster log (tail):\n%s", tail(string(b), 3000))
		}
	})
	client := &http.Client{Timeout: 5 * time.Second}

	t.Run("second request is a cache hit", func(t *testing.T) {
		first := get(t, client, c.URL+"/etudier-et-travailler")
		second := get(t, client, c.URL+"/etudier-et-travailler")
		if first.header.Get("X-Cache") != "MISS" || second.header.Get("X-Cache") != "HIT" {
			t.Errorf("X-Cache = %q then %q, want MISS then HIT", first.header.Get("X-Cache"), second.header.Get("X-Cache"))
		}
		if second.header.Get("Age") == "" {
			t.Error("a cached answer must carry Age")
		}
		if second.header.Get("Surrogate-Key") != "" {
			t.Error("surrogate keys must not leave the cache")
		}
	})

	t.Run("a browser's Accept-Encoding gets gzip", func(t *testing.T) {
		// What the site serves (gzip or nothing) must survive the proxy's
		// normalisation of Accept-Encoding, whatever else the client lists.
		tests := []struct{ accept, want string }{
			{"gzip, deflate, br, zstd", "gzip"}, // Chrome, Firefox
			{"br, gzip", "gzip"},
			{"GZIP", "gzip"},
			{"br", ""},
			{"br, gzip;q=0", ""},
			{"", ""},
		}
		for _, tt := range tests {
			req, err := http.NewRequest(http.MethodGet, c.URL+"/etudier-et-travailler", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", tt.accept)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			got := resp.Header.Get("Content-Encoding")
			if resp.StatusCode != http.StatusOK || got != tt.want {
				t.Errorf("Accept-Encoding %q: %s with Content-Encoding %q, want 200 with %q", tt.accept, resp.Status, got, tt.want)
				continue
			}
			if got == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err == nil {
					body, err = io.ReadAll(zr)
				}
				if err != nil {
					t.Errorf("Accept-Encoding %q: the gzipped body does not decode: %v", tt.accept, err)
					continue
				}
			}
			if !strings.Contains(string(body), "</html>") {
				t.Errorf("Accept-Encoding %q: not a whole page (%d bytes)", tt.accept, len(body))
			}
		}
	})

	t.Run("TLS through hitch", func(t *testing.T) {
		testTLSFront(t, work, tlsAddr)
	})

	t.Run("plain HTTP moves to HTTPS", func(t *testing.T) {
		plain := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for _, tt := range []struct {
			path     string
			status   int
			location string
		}{
			{"/monde?page=2", http.StatusMovedPermanently, "https://" + deployHost + "/monde?page=2"},
			{"/", http.StatusMovedPermanently, "https://" + deployHost + "/"},
			// Certbot is not running here: Varnish's own 503 shows that
			// the challenge went to its backend rather than to HTTPS.
			{"/.well-known/acme-challenge/jeton", http.StatusServiceUnavailable, ""},
		} {
			req, _ := http.NewRequest(http.MethodGet, "http://"+httpAddr+tt.path, nil)
			req.Host = deployHost + ":80"
			resp, err := plain.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location {
				t.Errorf("GET %s = %d → %q, want %d → %q", tt.path, resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.location)
			}
		}
		// The replicas' purges come to another listener, never redirected.
		req, _ := http.NewRequest("BAN", c.URL+"/", nil)
		req.Header.Set("Surrogate-Key", "aucune-page")
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("BAN on the purge listener = %d, want 200", resp.StatusCode)
		}
	})

	t.Run("relative date right across a boundary", func(t *testing.T) {
		before := get(t, client, c.URL+articlePath)
		if !strings.Contains(before.body, "il y a 2 jours") {
			t.Fatalf("before the boundary the page should say « il y a 2 jours »")
		}
		maxAge := sharedMaxAge(t, before.header.Get("Cache-Control"))
		if maxAge > 3 {
			t.Fatalf("Cache-Control %q outlives the boundary 3 s away", before.header.Get("Cache-Control"))
		}
		// Let the cached copy run out, then move the replicas' clocks past
		// the boundary, as time would.
		time.Sleep(time.Duration(maxAge+1) * time.Second)
		if err := c.RestartReplicas(ctx, "-now", boundary.Add(time.Second).Format(time.RFC3339), "-status-token", statusToken); err != nil {
			t.Fatal(err)
		}
		after := get(t, client, c.URL+articlePath)
		if !strings.Contains(after.body, "il y a 3 jours") {
			t.Errorf("after the boundary the proxy served %s with the old relative date", after.header.Get("X-Cache"))
		}
	})

	// How fast the edit shows is cmd/bench's "edit visible" figure; here,
	// that it shows at all and purges only what it changes (the bound is
	// far above the second editors are promised: the machine is shared).
	t.Run("edit visible through the proxy", func(t *testing.T) {
		// Each replica purges the pages of an article whose picture's
		// variants become ready: let that background work end first, so
		// that only the edit purges what follows.
		waitImagesIdle(t, client, c)
		other := "/actualites-politiques"
		get(t, client, c.URL+articlePath)
		get(t, client, c.URL+other)
		if h := get(t, client, c.URL+articlePath).header.Get("X-Cache"); h != "HIT" {
			t.Fatalf("article not cached before the edit: X-Cache %q", h)
		}
		file := filepath.Join(contentDir, articleFile)
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		edited := regexp.MustCompile(`(?m)^title: .*$`).ReplaceAllString(string(src), "title: \"Retraite : le titre corrigé\"")
		start := time.Now()
		if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		for !strings.Contains(get(t, client, c.URL+articlePath).body, "le titre corrigé") {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("edit not visible through the proxy after %v", time.Since(start))
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("edit visible through Varnish %v after the write (reload + purge)", time.Since(start).Round(time.Millisecond))
		if h := get(t, client, c.URL+other).header.Get("X-Cache"); h != "HIT" {
			t.Errorf("a page that does not show the article was purged too (X-Cache %q)", h)
		}
	})

	// The keys a move purges are checked one by one in ingest's
	// TestMoveAcrossCategoriesPurgesBoth; here, that both rubriques show
	// the move through the proxy.
	t.Run("a move to another rubrique shows in both", func(t *testing.T) {
		const from, to = "/vie-pratique", "/etudier-et-travailler"
		const link = `href="/vie-pratique/carte-europeenne-d-assurance-maladie"`
		// The listing must be in the cache first, so that seeing the move
		// proves a purge. The other replicas' purges of the edit above may
		// still be arriving: wait for a copy that stays.
		for wait := time.Now(); ; time.Sleep(50 * time.Millisecond) {
			p := get(t, client, c.URL+from)
			if !strings.Contains(p.body, link) {
				t.Fatalf("%s does not list the article before the move", from)
			}
			if p.header.Get("X-Cache") == "HIT" {
				break
			}
			if time.Since(wait) > 10*time.Second {
				t.Fatalf("%s never cached before the move (X-Cache %q)", from, p.header.Get("X-Cache"))
			}
		}
		start := time.Now()
		if err := os.Rename(filepath.Join(contentDir, "vie-pratique", "carte-europeenne-d-assurance-maladie.md"),
			filepath.Join(contentDir, "etudier-et-travailler", "carte-europeenne-d-assurance-maladie.md")); err != nil {
			t.Fatal(err)
		}
		for strings.Contains(get(t, client, c.URL+from).body, link) {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("%s still lists the moved article through the proxy after %v", from, time.Since(start))
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("old rubrique purged %v after the move", time.Since(start).Round(time.Millisecond))
		if p := get(t, client, c.URL+to); !strings.Contains(p.body, `href="/etudier-et-travailler/carte-europeenne-d-assurance-maladie"`) {
			t.Errorf("%s does not list the moved article (X-Cache %q)", to, p.header.Get("X-Cache"))
		}
	})

	t.Run("replica killed mid-load", func(t *testing.T) {
		// Distinct query strings miss the cache, so every request reaches a
		// replica: the proxy must retry another when one dies.
		var served, failed atomic.Int64
		var firstErr atomic.Value
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					r, err := client.Get(fmt.Sprintf("%s/?w=%d&i=%d", c.URL, w, i))
					if err == nil {
						io.Copy(io.Discard, r.Body)
						r.Body.Close()
						if r.StatusCode >= 500 {
							err = fmt.Errorf("status %d", r.StatusCode)
						}
					}
					if err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					} else {
						served.Add(1)
					}
				}
			}()
		}
		time.Sleep(time.Second)
		if err := c.KillReplica(1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		close(stop)
		wg.Wait()
		t.Logf("replica 2 killed mid-load: %d requests served, %d failed", served.Load(), failed.Load())
		if failed.Load() > 0 {
			t.Errorf("%d requests failed (first: %v)", failed.Load(), firstErr.Load())
		}
	})

	t.Run("throughput through Varnish and from one replica", func(t *testing.T) {
		proxied := load(client, c.URL+articlePath, 2*time.Second)
		direct := load(client, "http://"+c.Replicas[0].Addr+articlePath, 2*time.Second)
		t.Logf("article page, 16 connections, 2 s: Varnish %.0f req/s, one replica %.0f req/s (× %.1f)", proxied, direct, proxied/direct)
		if proxied == 0 || direct == 0 {
			t.Error("a load run served nothing")
		}
	})
}

type page struct {
	header http.Header
	body   string
}

func get(t *testing.T, client *http.Client, url string) page {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return page{header: resp.Header, body: string(b)}
}

// sharedMaxAge is the lifetime a shared cache gives an answer.
func sharedMaxAge(t *testing.T, cc string) int {
	t.Helper()
	for _, name := range []string{"s-maxage", "max-age"} {
		if m := regexp.MustCompile(`\b` + name + `=(\d+)`).FindStringSubmatch(cc); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	t.Fatalf("no lifetime in Cache-Control %q", cc)
	return 0
}

// load sends requests from 16 connections for d and returns the rate of
// successful answers.
func load(client *http.Client, url string, d time.Duration) float64 {
	var ok atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: client.Timeout}
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				r, err := c.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
				if r.StatusCode == http.StatusOK {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(ok.Load()) / d.Seconds()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// testTLSFront runs hitch with deploy/varnish/hitch.conf (a self-signed
// certificate and loopback ports in place of the placeholders) in front of
// the cluster's PROXY listener at tlsAddr, and reads a page through it:
// HTTP/2, TLS 1.2 or later, compressed.
func testTLSFront(t *testing.T, dir, tlsAddr string) {
	hitch := lookPath(t, "hitch", "/usr/sbin")
	_, _, both, pool := testCert(t, dir)
	shipped, err := os.ReadFile("../../deploy/varnish/hitch.conf")
	if err != nil {
		t.Fatal(err)
	}
	front := freePort(t)
	pairs := []sub{
		{`pem-file = "` + hitchPEM + `"`, `pem-file = "` + both + `"`, 1},
		{`port = "443"`, `port = "` + strconv.Itoa(front) + `"`, 1},
		{`backend = "[127.0.0.1]:8443"`, `backend = "[` + strings.Replace(tlsAddr, ":", "]:", 1) + `"`, 1},
	}
	if os.Geteuid() != 0 {
		// Only root may change to hitch's own user.
		pairs = append(pairs, sub{`user = "_hitch"`, "", 1}, sub{`group = "_hitch"`, "", 1})
	}
	conf := substitute(t, "hitch.conf", string(shipped), pairs...)
	confFile := filepath.Join(dir, "hitch.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	done := start(t, exec.Command(hitch, "--config="+confFile))
	frontAddr := "127.0.0.1:" + strconv.Itoa(front)
	waitPort(t, frontAddr, done)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, frontAddr)
		},
		ForceAttemptHTTP2: true, DisableCompression: true,
		TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: deployHost},
	}}
	defer client.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, "https://"+deployHost+"/etudier-et-travailler", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Cache") == "" {
		t.Fatalf("= %d (X-Cache %q), want 200 from Varnish", resp.StatusCode, resp.Header.Get("X-Cache"))
	}
	if resp.ProtoMajor != 2 {
		t.Errorf("protocol %s, want HTTP/2", resp.Proto)
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("TLS state %+v, want 1.2 or later", resp.TLS)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("the site's CSP did not come through: %q", resp.Header.Get("Content-Security-Policy"))
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || len(body) == 0 {
		t.Errorf("Content-Encoding %q with %d bytes, want gzip", resp.Header.Get("Content-Encoding"), len(body))
	}
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		conn, err := tls.Dial("tcp", frontAddr, &tls.Config{RootCAs: pool, ServerName: deployHost, MinVersion: v, MaxVersion: v})
		if err == nil {
			conn.Close()
			t.Errorf("TLS version %x accepted", v)
		}
	}
}

// statusToken opens the replicas' /metrics to the test.
const statusToken = "jeton-du-test-de-la-grappe"

// waitImagesIdle waits until no replica has image work queued or under
// way, as their /metrics say (loopback may read it), twice in a row.
func waitImagesIdle(t *testing.T, client *http.Client, c *cluster.Cluster) {
	t.Helper()
	busy := regexp.MustCompile(`(?m)^horizons_images_(queued|working) ([0-9.e+]+)$`)
	idleOnce := false
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		idle := true
		for _, r := range c.Replicas {
			// Loopback is the trusted proxy here: the token opens /metrics.
			req, err := http.NewRequest(http.MethodGet, "http://"+r.Addr+"/metrics", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Status-Token", statusToken)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			found := busy.FindAllStringSubmatch(string(body), -1)
			if resp.StatusCode != http.StatusOK || len(found) != 2 {
				t.Fatalf("replica %s: /metrics %s, without the image gauges:\n%s", r.Addr, resp.Status, body)
			}
			for _, f := range found {
				idle = idle && f[2] == "0"
			}
		}
		if idle && idleOnce {
			return
		}
		idleOnce = idle
		if time.Since(start) > time.Minute {
			t.Fatal("the replicas' image work never ended")
		}
	}
}
