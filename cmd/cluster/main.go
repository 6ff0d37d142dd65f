// Command cluster runs the reference deployment on this machine: three
// replicas of the site sharing one content folder, behind Varnish, all on
// loopback. `make cluster` starts it; Ctrl-C stops it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/horizons-expat/site/internal/cluster"
)

func main() {
	var opts cluster.Options
	flag.StringVar(&opts.Binary, "bin", "bin/site", "site binary")
	flag.StringVar(&opts.ContentDir, "content", "content", "content folder shared by the replicas")
	flag.StringVar(&opts.VCLDir, "vcl", "deploy/varnish", "folder of default.vcl")
	flag.StringVar(&opts.WorkDir, "work", "data/cluster", "databases, Varnish's folder and logs")
	flag.IntVar(&opts.Replicas, "replicas", 3, "number of replicas")
	flag.Parse()
	if err := os.MkdirAll(opts.WorkDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	logFile, err := os.Create(opts.WorkDir + "/cluster.log")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer logFile.Close()
	opts.Log = logFile

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := cluster.Start(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
	defer c.Stop()
	fmt.Printf("Varnish: %s\n", c.URL)
	for i, r := range c.Replicas {
		fmt.Printf("replica %d: http://%s (database %s)\n", i+1, r.Addr, r.DB)
	}
	fmt.Printf("logs: %s/cluster.log — Ctrl-C to stop\n", opts.WorkDir)
	<-ctx.Done()
}
