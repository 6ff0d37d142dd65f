package web_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/importer"
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
	site := sitetest.Start(t, sitetest.Options{Content: dir, Now: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)})
	pages := crawl(t, site, []string{"/"})
	out := t.TempDir()
	var files []string
	paths := map[string]string{}
	seen := map[string]bool{}
	for p, r := range pages {
		// Articles carry the converted bodies; of the other kinds, whose
		// templates TestBundledPagesValid checks, one page each is enough.
		if k := kind(p, r.StatusCode); k != "article" {
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		name := filepath.Join(out, fmt.Sprintf("page-%03d.html", len(files)))
		if err := os.WriteFile(name, []byte(r.Body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
		paths[name] = p
	}
	if len(files) < 79 {
		t.Errorf("%d pages to check, fewer than the 79 imported articles", len(files))
	}
	t.Logf("%d of %d pages checked", len(files), len(pages))
	cmd := exec.Command(node, append([]string{script, "--config", config, "--formatter", "text"}, files...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		report := string(b)
		for name, p := range paths {
			report = strings.ReplaceAll(report, name, p)
		}
		t.Fatalf("html-validate found problems in the imported site: %v\n%s", err, report)
	}
}
