package cluster_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The host name the shipped configurations serve, and their certificate
// placeholders.
const (
	deployHost = "horizons.example"
	nginxCert  = "/etc/letsencrypt/live/horizons.example/fullchain.pem"
	nginxKey   = "/etc/letsencrypt/live/horizons.example/privkey.pem"
	hitchPEM   = "/etc/hitch/horizons.example.pem"
)

// testCert writes a self-signed certificate for deployHost and 127.0.0.1
// into dir: cert.pem, key.pem and both in one file (hitch's form). It
// returns a pool that trusts it.
func testCert(t *testing.T, dir string) (certFile, keyFile, bothFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: deployHost},
		DNSNames:     []string{deployHost},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	certFile, keyFile, bothFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "both.pem")
	for name, b := range map[string][]byte{certFile: certPEM, keyFile: keyPEM, bothFile: append(keyPEM, certPEM...)} {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, bothFile, pool
}

// substitute replaces each old string of a shipped file by its new one,
// failing when one is not found exactly as often as expected: a changed
// file must be looked at, not tested by chance.
func substitute(t *testing.T, name, s string, pairs ...struct {
	old, new string
	n        int
}) string {
	t.Helper()
	for _, p := range pairs {
		if got := strings.Count(s, p.old); got != p.n {
			t.Fatalf("%s: %q found %d times, want %d: update the test with the file", name, p.old, got, p.n)
		}
		s = strings.ReplaceAll(s, p.old, p.new)
	}
	return s
}

type sub = struct {
	old, new string
	n        int
}

func lookPath(t *testing.T, name string, dirs ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range dirs {
		if p := filepath.Join(d, name); fileExists(p) {
			return p
		}
	}
	t.Fatalf("%s not found: make cluster-deps installs it (apt-get install varnish hitch nginx-light)", name)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitPort waits until something listens on addr.
func waitPort(t *testing.T, addr string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("exited before listening on %s: %v", addr, err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s after 10 s", addr)
}

// start runs cmd until the test ends, its output in the test log on
// failure.
func start(t *testing.T, cmd *exec.Cmd) <-chan error {
	t.Helper()
	// One writer for both: exec then calls it from one goroutine at a time.
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(cmd.Path), tail(out.String(), 3000))
		}
	})
	return done
}

// TestNginxConfig runs the shipped deploy/nginx/horizons.conf, with a
// self-signed certificate in place of the placeholders and loopback ports
// in place of 80 and 443, in front of a stand-in replica that echoes what
// it receives: `nginx -t` accepts it, port 80 answers 301 to HTTPS but for
// ACME challenges, HTTPS speaks HTTP/2 with TLS 1.2 or later only, and the
// replica gets the Accept-Encoding it serves.
func TestNginxConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("starts nginx")
	}
	nginx := lookPath(t, "nginx", "/usr/sbin")
	dir := t.TempDir()
	certFile, keyFile, _, pool := testCert(t, dir)

	replica := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Surrogate-Key", "a1 home")
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		w.Header().Set("X-Got-Accept-Encoding", r.Header.Get("Accept-Encoding"))
		w.Header().Set("X-Got-Forwarded-Proto", r.Header.Get("X-Forwarded-Proto"))
		io.WriteString(w, "replica "+r.URL.RequestURI())
	}))
	defer replica.Close()

	httpPort, httpsPort := freePort(t), freePort(t)
	acme := filepath.Join(dir, "acme")
	if err := os.MkdirAll(filepath.Join(acme, ".well-known", "acme-challenge"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(acme, ".well-known", "acme-challenge", "jeton"), []byte("preuve"), 0o644); err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile("../../deploy/nginx/horizons.conf")
	if err != nil {
		t.Fatal(err)
	}
	upstream := strings.TrimPrefix(replica.URL, "http://")
	conf := substitute(t, "horizons.conf", string(shipped),
		sub{nginxCert, certFile, 1},
		sub{nginxKey, keyFile, 1},
		sub{"/var/cache/nginx/horizons", filepath.Join(dir, "cache"), 1},
		sub{"root /var/www/acme;", "root " + acme + ";", 1},
		sub{"listen 80;", "listen 127.0.0.1:" + strconv.Itoa(httpPort) + ";", 1},
		sub{"listen [::]:80;", "", 1},
		sub{"listen 443 ssl http2;", "listen 127.0.0.1:" + strconv.Itoa(httpsPort) + " ssl http2;", 1},
		sub{"listen [::]:443 ssl http2;", "", 1},
		sub{"server 127.0.0.1:8081 ", "server " + upstream + " ", 1},
		sub{"server 127.0.0.1:8082 ", "server " + upstream + " ", 1},
		sub{"server 127.0.0.1:8083 ", "server " + upstream + " ", 1},
	)
	if err := os.WriteFile(filepath.Join(dir, "horizons.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	// The main file an operator already has, reduced to what nginx needs.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n" // the workers write the cache in the test's folder
	}
	main := user + "worker_processes 1;\npid " + filepath.Join(dir, "nginx.pid") + ";\nerror_log stderr warn;\n" +
		"events {}\nhttp {\n    access_log off;\n    include " + filepath.Join(dir, "horizons.conf") + ";\n}\n"
	mainFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(mainFile, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(nginx, "-t", "-p", dir, "-c", mainFile).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	done := start(t, exec.Command(nginx, "-p", dir, "-c", mainFile, "-g", "daemon off;"))
	waitPort(t, "127.0.0.1:"+strconv.Itoa(httpsPort), done)

	plain := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Run("port 80 moves to HTTPS", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(httpPort)+"/monde?page=2", nil)
		req.Host = deployHost
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "https://"+deployHost+"/monde?page=2" {
			t.Errorf("= %d → %q, want 301 → https://%s/monde?page=2", resp.StatusCode, resp.Header.Get("Location"), deployHost)
		}
	})
	t.Run("ACME challenges answered on port 80", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(httpPort)+"/.well-known/acme-challenge/jeton", nil)
		req.Host = deployHost
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != "preuve" {
			t.Errorf("= %d %q, want 200 with the token's file", resp.StatusCode, body)
		}
	})

	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+strconv.Itoa(httpsPort))
	}
	h2 := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: dial, ForceAttemptHTTP2: true, DisableCompression: true,
		TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: deployHost},
	}}
	t.Run("HTTPS with HTTP/2", func(t *testing.T) {
		resp, err := h2.Get("https://" + deployHost + "/monde")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != "replica /monde" {
			t.Fatalf("= %d %q, want the replica's answer", resp.StatusCode, body)
		}
		if resp.ProtoMajor != 2 {
			t.Errorf("protocol %s, want HTTP/2", resp.Proto)
		}
		if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
			t.Errorf("TLS state %+v, want 1.2 or later", resp.TLS)
		}
		if resp.Header.Get("X-Got-Forwarded-Proto") != "https" {
			t.Errorf("the replica was told X-Forwarded-Proto %q", resp.Header.Get("X-Got-Forwarded-Proto"))
		}
		// The site's own security headers pass as they are.
		if resp.Header.Get("Content-Security-Policy") != "default-src 'none'" || resp.Header.Get("Strict-Transport-Security") != "max-age=63072000; includeSubDomains" {
			t.Errorf("security headers lost: CSP %q, HSTS %q", resp.Header.Get("Content-Security-Policy"), resp.Header.Get("Strict-Transport-Security"))
		}
		if resp.Header.Get("Surrogate-Key") != "" || strings.Contains(resp.Header.Get("Server"), "/") {
			t.Errorf("headers leak: Surrogate-Key %q, Server %q", resp.Header.Get("Surrogate-Key"), resp.Header.Get("Server"))
		}
	})
	t.Run("old TLS refused", func(t *testing.T) {
		for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
			conn, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(httpsPort), &tls.Config{
				RootCAs: pool, ServerName: deployHost, MinVersion: v, MaxVersion: v,
			})
			if err == nil {
				conn.Close()
				t.Errorf("TLS version %x accepted", v)
			}
		}
	})
	t.Run("Accept-Encoding normalised to what the site serves", func(t *testing.T) {
		tests := []struct{ accept, want string }{
			{"gzip, deflate, br, zstd", "gzip"},
			{"br, gzip", "gzip"},
			{"GZIP", "gzip"},
			{"gzip;q=0.5", "gzip"},
			{"br", ""},
			{"br, gzip;q=0", ""},
			{"", ""},
		}
		for i, tt := range tests {
			// Distinct addresses: the answers are not cached anyway
			// (no-store), but a failure must not hide behind another.
			req, _ := http.NewRequest(http.MethodGet, "https://"+deployHost+"/tags?i="+strconv.Itoa(i), nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			resp, err := h2.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("X-Got-Accept-Encoding"); got != tt.want {
				t.Errorf("Accept-Encoding %q reached the replica as %q, want %q", tt.accept, got, tt.want)
			}
		}
	})
}

// TestVarnishConfig compiles the shipped VCL with the example backends
// (`varnishd -C`) and checks the shipped hitch configuration that
// terminates TLS in front of it (`hitch --test`), with a self-signed
// certificate in place of the placeholder.
func TestVarnishConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("runs varnishd and hitch")
	}
	varnishd := lookPath(t, "varnishd", "/usr/sbin", "/usr/local/sbin")
	dir := t.TempDir()
	example, err := os.ReadFile("../../deploy/varnish/backends.vcl.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "backends.vcl"), example, 0o644); err != nil {
		t.Fatal(err)
	}
	vclDir, err := filepath.Abs("../../deploy/varnish")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(varnishd, "-C", "-j", "none", "-n", filepath.Join(dir, "varnish"),
		"-p", "vcl_path="+dir+":"+vclDir, "-f", filepath.Join(vclDir, "default.vcl")).CombinedOutput()
	if err != nil {
		t.Fatalf("varnishd -C: %v\n%s", err, tail(string(out), 3000))
	}

	hitch := lookPath(t, "hitch", "/usr/sbin")
	_, _, both, _ := testCert(t, dir)
	shipped, err := os.ReadFile("../../deploy/varnish/hitch.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := substitute(t, "hitch.conf", string(shipped),
		sub{`pem-file = "` + hitchPEM + `"`, `pem-file = "` + both + `"`, 1},
		sub{`port = "443"`, `port = "` + strconv.Itoa(freePort(t)) + `"`, 1},
	)
	confFile := filepath.Join(dir, "hitch.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(hitch, "--test", "--config="+confFile).CombinedOutput(); err != nil {
		t.Fatalf("hitch --test: %v\n%s", err, out)
	}
}
