// Command corpus writes a generated content folder for tests and
// benchmarks: go run ./cmd/corpus -n 10000 -out /tmp/corpus
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o corpus.Options
	out := fs.String("out", "", "folder to write the content into (required, created when missing)")
	fs.IntVar(&o.Articles, "n", 1000, "number of articles")
	fs.Int64Var(&o.Seed, "seed", 1, "random seed: the same seed gives the same files")
	now := fs.String("now", corpus.Reference.Format(time.RFC3339), `instant the dates are relative to (RFC 3339, or "now")`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if *now == "now" {
		o.Now = time.Now()
	} else {
		t, err := time.Parse(time.RFC3339, *now)
		if err != nil {
			fmt.Fprintf(stderr, "corpus: invalid -now %q: want RFC 3339 or \"now\"\n", *now)
			return 2
		}
		o.Now = t
	}
	if err := corpus.Write(*out, o); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stderr, "%d articles written to %s\n", o.Articles, *out)
	return 0
}
