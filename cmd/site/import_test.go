package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportCommand(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "vide.xml")
	if err := os.WriteFile(empty, []byte("<rss><channel><title>Vide</title></channel></rss>"), 0o644); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join("..", "..", "internal", "importer", "testdata", "basic.xml")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"an export, flags after it", []string{"import", "wordpress", export, "-content", "%s", "-pages", "a-propos"}, 0,
			[]string{"Bilan de l'importation", "articles", "Secret (17) : protégé par un mot de passe"}, "8 articles importés dans"},
		{"nothing to import", []string{"import", "wordpress", "-content", "%s", empty}, 1, []string{"Bilan de l'importation"}, "aucun article importé"},
		{"no such export", []string{"import", "wordpress", "-content", "%s", "absent.xml"}, 1, nil, "absent.xml"},
		{"unknown source", []string{"import", "joomla", "x"}, 2, nil, "usage:"},
		{"bad category mapping", []string{"import", "wordpress", "-category", "monde", export}, 2, nil, "écrivez -category catégorie-wordpress=rubrique"},
		{"a Hugo site that is not there", []string{"import", "hugo", "-content", "%s", "absent"}, 1, nil, "absent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "content")
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "%s", dir)
			}
			code, stdout, stderr := runSite(t, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}
