// Command bench measures the site binary on a generated corpus against
// nginx and a minimal Go handler. `make bench` builds and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/horizons-expat/site/internal/bench"
)

func main() {
	o := bench.Options{Out: os.Stdout}
	flag.StringVar(&o.Binary, "bin", "bin/site", "site binary to measure")
	flag.IntVar(&o.Articles, "n", 10000, "articles in the generated corpus")
	flag.DurationVar(&o.Duration, "d", 10*time.Second, "duration of one load run")
	flag.IntVar(&o.Rounds, "rounds", 3, "alternating rounds of site, nginx and minimal Go handler")
	flag.IntVar(&o.Conns, "c", 64, "keep-alive connections")
	flag.IntVar(&o.Threads, "t", 2, "wrk threads")
	flag.StringVar(&o.Profiles, "profiles", "", "with -scale: write a CPU profile of each cold start to this folder (coldstart-N.prof)")
	flag.BoolVar(&o.Keep, "keep", false, "keep the temporary folder (corpus, database, logs)")
	reference := flag.String("serve-reference", "", "serve the minimal Go handler from this folder (bench runs itself so)")
	addr := flag.String("addr", "127.0.0.1:0", "with -serve-reference: listen address")
	scale := flag.String("scale", "", "comma-separated corpus sizes: print the growth table instead (make bench-scale)")
	flag.Parse()
	if *reference != "" {
		if err := bench.ServeReference(*reference, *addr); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *scale != "" {
		var sizes []int
		for f := range strings.SplitSeq(*scale, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				fmt.Fprintf(os.Stderr, "bench: -scale: %q is not a corpus size\n", f)
				os.Exit(2)
			}
			sizes = append(sizes, n)
		}
		if err := bench.Scale(ctx, o, sizes); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := bench.Run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
