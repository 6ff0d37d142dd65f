// Package cluster runs a local reference deployment: N replicas of the site
// sharing one content folder, each with its own database, behind Varnish
// with the configuration of deploy/varnish. `make cluster` and the cluster
// tests use it; it touches no system service (Varnish runs in its own
// working folder, on loopback ports).
package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Options describe the cluster to start.
type Options struct {
	Binary     string   // the site binary
	ContentDir string   // shared by every replica
	VCLDir     string   // deploy/varnish
	WorkDir    string   // databases, Varnish's folder and logs go here
	Replicas   int      // default 3
	ExtraArgs  []string // appended to every replica's `serve` command line
	// Listen are more varnishd listeners (-a), such as "http=127.0.0.1:8080"
	// for the plain HTTP port that default.vcl moves to HTTPS, or
	// "tls=127.0.0.1:8443,PROXY" for a TLS front; Params more -p settings.
	Listen, Params []string
	Log            io.Writer
}

// Replica is one running site process.
type Replica struct {
	Addr string
	DB   string
	cmd  *exec.Cmd
	done chan error
}

// Cluster is the running deployment.
type Cluster struct {
	URL      string // the proxy
	Replicas []*Replica
	opts     Options
	varnish  *exec.Cmd
	vdone    chan error
}

// Start builds the cluster and waits until the proxy answers.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Replicas == 0 {
		opts.Replicas = 3
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	varnishd, err := exec.LookPath("varnishd")
	if err != nil {
		for _, p := range []string{"/usr/sbin/varnishd", "/usr/local/sbin/varnishd"} {
			if _, statErr := os.Stat(p); statErr == nil {
				varnishd, err = p, nil
			}
		}
		if err != nil {
			return nil, errors.New("varnishd not found: install Varnish with `apt-get install varnish` (make cluster-deps does it)")
		}
	}
	ports, err := freePorts(opts.Replicas + 1)
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, URL: "http://127.0.0.1:" + strconv.Itoa(ports[0])}
	for i := range opts.Replicas {
		c.Replicas = append(c.Replicas, &Replica{
			Addr: "127.0.0.1:" + strconv.Itoa(ports[i+1]),
			DB:   filepath.Join(opts.WorkDir, fmt.Sprintf("replica%d", i+1), "site.db"),
		})
	}
	if err := c.writeBackends(); err != nil {
		return nil, err
	}
	for i := range c.Replicas {
		if err := c.startReplica(ctx, i); err != nil {
			c.Stop()
			return nil, err
		}
	}
	vcl, err := filepath.Abs(filepath.Join(opts.VCLDir, "default.vcl"))
	if err != nil {
		return nil, err
	}
	vclDir, _ := filepath.Abs(opts.VCLDir)
	args := []string{"-F", "-j", "none",
		"-n", filepath.Join(opts.WorkDir, "varnish"),
		"-a", strings.TrimPrefix(c.URL, "http://"),
		"-T", "none",
		"-f", vcl,
		"-p", "vcl_path=" + opts.WorkDir + ":" + vclDir,
		"-p", "http_gzip_support=off",
		"-s", "malloc,128m"}
	for _, l := range opts.Listen {
		args = append(args, "-a", l)
	}
	for _, p := range opts.Params {
		args = append(args, "-p", p)
	}
	c.varnish = exec.Command(varnishd, args...)
	c.varnish.Stdout, c.varnish.Stderr = opts.Log, opts.Log
	if err := c.varnish.Start(); err != nil {
		c.Stop()
		return nil, fmt.Errorf("start varnishd: %w", err)
	}
	c.vdone = make(chan error, 1)
	go func() { c.vdone <- c.varnish.Wait() }()
	if err := waitHealthy(ctx, c.URL+"/healthz", c.vdone); err != nil {
		c.Stop()
		return nil, fmt.Errorf("varnish: %w", err)
	}
	return c, nil
}

// writeBackends writes the backends.vcl that deploy/varnish/default.vcl
// includes: one backend per replica, all probed on /healthz.
func (c *Cluster) writeBackends() error {
	var b strings.Builder
	for i, r := range c.Replicas {
		host, port, _ := net.SplitHostPort(r.Addr)
		fmt.Fprintf(&b, "backend replica%d { .host = %q; .port = %q; .probe = healthz; }\n", i+1, host, port)
	}
	b.WriteString("\nacl purgers {\n    \"127.0.0.1\";\n    \"::1\";\n}\n\nsub vcl_init {\n    new replicas = directors.shard();\n")
	for i := range c.Replicas {
		fmt.Fprintf(&b, "    replicas.add_backend(replica%d);\n", i+1)
	}
	b.WriteString("    replicas.reconfigure();\n}\n")
	if err := os.MkdirAll(c.opts.WorkDir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.opts.WorkDir, "backends.vcl"), []byte(b.String()), 0o644)
}

func (c *Cluster) startReplica(ctx context.Context, i int) error {
	r := c.Replicas[i]
	args := append([]string{"serve", "-addr", r.Addr, "-content", c.opts.ContentDir, "-db", r.DB,
		"-purge-url", c.URL + "/", "-trusted-proxies", "127.0.0.1/32"}, c.opts.ExtraArgs...)
	r.cmd = exec.Command(c.opts.Binary, args...)
	r.cmd.Stdout, r.cmd.Stderr = c.opts.Log, c.opts.Log
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("start replica %d: %w", i+1, err)
	}
	r.done = make(chan error, 1)
	go func() { r.done <- r.cmd.Wait() }()
	if err := waitHealthy(ctx, "http://"+r.Addr+"/healthz", r.done); err != nil {
		return fmt.Errorf("replica %d: %w", i+1, err)
	}
	return nil
}

// KillReplica kills replica i at once, as a crash would.
func (c *Cluster) KillReplica(i int) error {
	r := c.Replicas[i]
	if err := r.cmd.Process.Kill(); err != nil {
		return err
	}
	<-r.done
	return nil
}

// RestartReplicas stops every replica gracefully and starts them again with
// extra arguments, as a rolling deploy would (one at a time).
func (c *Cluster) RestartReplicas(ctx context.Context, extra ...string) error {
	c.opts.ExtraArgs = extra
	for i, r := range c.Replicas {
		stop(r.cmd, r.done)
		if err := c.startReplica(ctx, i); err != nil {
			return err
		}
	}
	return nil
}

// Stop ends Varnish and the replicas.
func (c *Cluster) Stop() {
	if c.varnish != nil && c.varnish.Process != nil {
		stop(c.varnish, c.vdone)
	}
	for _, r := range c.Replicas {
		if r.cmd != nil && r.cmd.Process != nil {
			stop(r.cmd, r.done)
		}
	}
}

// stop sends SIGTERM and waits a little, then kills.
func stop(cmd *exec.Cmd, done chan error) {
	if cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// waitHealthy polls url until it answers 200, the process ends, or 20 s pass.
func waitHealthy(ctx context.Context, url string, exited <-chan error) error {
	deadline := time.Now().Add(20 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("exited before serving: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s not healthy after 20 s", url)
}

// freePorts returns n loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
