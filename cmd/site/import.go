package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/horizons-expat/site/internal/importer"
	"github.com/horizons-expat/site/internal/web"
)

// importCmd runs `site import wordpress EXPORT.xml` and `site import hugo DIR`:
// it prints the import's report and exits 1 when nothing could be imported.
func importCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if len(args) == 0 || (args[0] != "wordpress" && args[0] != "hugo") {
		fmt.Fprint(stderr, usage)
		return 2
	}
	kind := args[0]
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("content", env("SITE_CONTENT", "content"), "content folder to import into (SITE_CONTENT)")
	uploads := fs.String("uploads", "", "WordPress's wp-content/uploads folder, to copy images and attachments from")
	pages := fs.String("pages", importer.DefaultPagesRubrique, "rubrique of WordPress's pages (- to leave them out)")
	categories := map[string]string{}
	fs.Func("category", "map a WordPress category to an existing rubrique: -category wp-slug=rubrique (repeatable)", func(s string) error {
		from, to, ok := strings.Cut(s, "=")
		if !ok || from == "" || to == "" {
			return fmt.Errorf("écrivez -category catégorie-wordpress=rubrique, pas %q", s)
		}
		categories[from] = to
		return nil
	})
	// Flags may come before or after the export: parse around it.
	var positional []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(positional) != 1 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var report *importer.Report
	var err error
	switch kind {
	case "wordpress":
		report, err = importWordPress(positional[0], importer.WordPressOptions{Content: *dir, Uploads: *uploads, Pages: *pages, Categories: categories, Reserved: web.ReservedSegments()})
	case "hugo":
		report, err = importer.Hugo(positional[0], importer.HugoOptions{Content: *dir, Reserved: web.ReservedSegments()})
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if _, err := report.WriteTo(stdout); err != nil {
		return 1
	}
	if report.Imported == 0 {
		fmt.Fprintln(stderr, "aucun article importé")
		return 1
	}
	fmt.Fprintf(stderr, "%s dans %s ; vérifiez avec : site check -content %s\n", count(report.Imported, "article importé", "articles importés"), *dir, *dir)
	return 0
}

func importWordPress(export string, opts importer.WordPressOptions) (*importer.Report, error) {
	f, err := os.Open(export)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	exp, err := importer.ReadWXR(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", export, err)
	}
	return importer.WordPress(exp, opts)
}
