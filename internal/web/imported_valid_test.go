package web_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/importer"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
)

// TestImportedWordPressPagesValid imports WordPress's theme unit test data
// (every HTML element WordPress produces) and runs html-validate on every
// page of the imported site. Its text is English: the French typography
// check does not apply.
func TestImportedWordPressPagesValid(t *testing.T) {
	f, err := os.Open(sitetest.Shared(t, "wordpress/themeunittestdata.wordpress.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exp, err := importer.ReadWXR(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := importer.WordPress(exp, importer.WordPressOptions{Content: dir}); err != nil {
		t.Fatal(err)
	}
	node, script, config := htmlValidate(t)
	set, err := ingest.CheckDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	site := sitetest.Start(t, sitetest.Options{Content: dir, Now: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)})
	// The articles carry the converted bodies; the other kinds of page
	// share the templates that TestBundledPagesValid checks, so one
	// listing of each is enough.
	paths := []string{"/", "/pages", "/tags"}
	for _, a := range set.Articles {
		if !a.Draft {
			paths = append(paths, a.URLPath())
		}
	}
	if len(paths) < 3+77 {
		t.Fatalf("%d pages to check, want the 77 published articles and 3 listings", len(paths))
	}
	out := t.TempDir()
	var files []string
	names := map[string]string{}
	for i, p := range paths {
		r := site.Get(t, p)
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", p, r.StatusCode)
			continue
		}
		name := filepath.Join(out, fmt.Sprintf("page-%03d.html", i))
		if err := os.WriteFile(name, []byte(r.Body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
		names[name] = p
	}
	t.Logf("%d pages checked", len(files))
	cmd := exec.Command(node, append([]string{script, "--config", config, "--formatter", "text"}, files...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		report := string(b)
		for name, p := range names {
			report = strings.ReplaceAll(report, name, p)
		}
		t.Fatalf("html-validate found problems in the imported site: %v\n%s", err, report)
	}
}
