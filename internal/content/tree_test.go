package content

import (
	"strings"
	"testing"
	"testing/fstest"
)

const siteYAML = "title: Horizons\nbase_url: https://horizons.example\ntimezone: Europe/Paris\n"

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func categoryFile(title string) *fstest.MapFile {
	return file("---\ntitle: " + title + "\nweight: 10\n---\n")
}

func articleFile(title, date, extra string) *fstest.MapFile {
	return file("---\ntitle: " + title + "\ndate: " + date + "\n" + extra + "---\n\nTexte de l'article.\n")
}

func problemStrings(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func articlePaths(as []Article) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Path)
	}
	return strings.Join(out, " ")
}

func TestClassify(t *testing.T) {
	tests := []struct {
		path string
		want Kind
	}{
		{"site.yaml", KindSite},
		{"monde/_index.md", KindCategory},
		{"monde/a.md", KindArticle},
		{"monde/_brouillon.md", KindIgnored},
		{"monde/.a.md", KindIgnored},
		{"monde/a.md~", KindIgnored},
		{"monde/#a.md#", KindIgnored},
		{"monde/.a.md.swp", KindIgnored},
		{"monde/a.md.tmp", KindIgnored},
		{"monde/photo.jpg", KindMedia},
		{"media/carte.svg", KindMedia},
		{".cache/media/carte.png", KindIgnored},
		{"monde/notes.txt", KindIgnored},
		{".cache/monde/a.md", KindIgnored},
		{"a.md", KindMisplaced},
		{"_index.md", KindMisplaced},
		{"monde/archives/a.md", KindMisplaced},
	}
	for _, tt := range tests {
		if got := Classify(tt.path); got != tt.want {
			t.Errorf("Classify(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
}
