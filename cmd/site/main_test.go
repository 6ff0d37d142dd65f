package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
)

func runSite(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestNew(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string
		stderr   string
		contains []string
	}{
		{
			name: "French title", args: []string{"pratique", "Études à l'étranger : mode d'emploi"},
			stdout:   filepath.Join(dir, "pratique", "etudes-a-l-etranger-mode-d-emploi.md"),
			contains: []string{"title: \"Études à l'étranger : mode d'emploi\"\n", "draft: true\n", "date: 20"},
		},
		{name: "existing file", args: []string{"pratique", "Études à l’étranger — mode d’emploi"}, code: 1, stderr: "existe déjà"},
		{name: "unknown category", args: []string{"sport", "Un match"}, code: 1, stderr: "rubrique « sport » inconnue ; rubriques existantes : monde, pratique\n"},
		{name: "title without a letter", args: []string{"monde", "!!!"}, code: 1, stderr: "au moins une lettre"},
		{name: "missing title", args: []string{"monde"}, code: 2, stderr: "usage:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runSite(t, append([]string{"new", "-content", dir}, tt.args...)...)
			if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("site new %q = %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
			if len(tt.contains) == 0 {
				return
			}
			b, err := os.ReadFile(strings.TrimSpace(stdout))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.contains {
				if !strings.Contains(string(b), c) {
					t.Errorf("new file lacks %q:\n%s", c, b)
				}
			}
		})
	}
	// What site new writes passes site check.
	if code, stdout, _ := runSite(t, "check", "-content", dir); code != 0 {
		t.Errorf("site check after site new = %d:\n%s", code, stdout)
	}
}

func TestCheckGatesCI(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		code  int
		want  []string
	}{
		{name: "clean fixture", code: 0},
		{
			name:  "broken internal link, with its line",
			files: map[string]string{"monde/liens.md": "---\ntitle: Liens\ndate: 2024-11-20\n---\n\nUn paragraphe.\n\nVoir [cet article](/monde/n-existe-pas) et [la rubrique](/monde).\n"},
			code:  1,
			want:  []string{"monde/liens.md:8: lien interne cassé vers /monde/n-existe-pas"},
		},
		{
			name: "alias colliding with a live URL, and a redirect loop",
			files: map[string]string{
				"monde/a.md": "---\ntitle: A\ndate: 2024-11-20\naliases: [/monde/b]\n---\n\nA.\n",
				"monde/b.md": "---\ntitle: B\ndate: 2024-11-20\naliases: [/monde/a, /pratique/retraite]\n---\n\nB.\n",
			},
			code: 1,
			want: []string{"monde/a.md: boucle de redirection", "monde/b.md: l'alias /pratique/retraite est déjà l'adresse ou un alias de pratique/retraite.md"},
		},
		{
			name:  "a warning passes, unless -strict",
			files: map[string]string{"monde/Avec Espaces.md": "---\ntitle: Espaces\ndate: 2024-11-20\n---\n\nTexte.\n"},
			code:  0,
			want:  []string{"monde/Avec Espaces.md: avertissement : le nom de fichier n'est pas une adresse propre"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "content")
			sitetest.CopyDir(t, sitetest.Fixture(), dir)
			for name, text := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := runSite(t, "check", "-content", dir)
			if code != tt.code {
				t.Fatalf("site check = %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("site check does not say %q:\n%s", w, stdout)
				}
			}
			// The fixture's articles name no source, so the summary counts
			// their warnings too: it must count warnings, never errors.
			if tt.code == 0 && len(tt.want) > 0 && (!strings.HasSuffix(stderr, " avertissements\n") || strings.Contains(stderr, "erreur")) {
				t.Errorf("summary of warnings only: %q", stderr)
			}
			if len(tt.want) > 0 && tt.code == 0 {
				if code, _, _ := runSite(t, "check", "-strict", "-content", dir); code != 1 {
					t.Errorf("site check -strict = %d, want 1", code)
				}
			}
		})
	}
}
