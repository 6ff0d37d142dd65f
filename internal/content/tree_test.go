package content

import (
	"io/fs"
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

// unreadableDir is fsys, but for the folder bad, which cannot be read.
type unreadableDir struct {
	fstest.MapFS
	bad string
}

func (u unreadableDir) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == u.bad {
		return nil, &fs.PathError{Op: "readdirent", Path: name, Err: fs.ErrPermission}
	}
	return u.MapFS.ReadDir(name)
}

// TestWalk: the rubriques are read at once, but the callback sees every
// file that is not ignored in lexical order, on one goroutine, and the
// folders that cannot be read with their error.
func TestWalk(t *testing.T) {
	fsys := unreadableDir{bad: "monde/casse", MapFS: fstest.MapFS{
		"site.yaml":              file(siteYAML),
		"hors-rubrique.md":       file("x"),
		".git/config":            file("x"),
		"auteurs/claire.md":      file("x"),
		"media/carte.png":        file("x"),
		"media/.cache/v.png":     file("x"),
		"monde/_index.md":        file("x"),
		"monde/a.md":             file("x"),
		"monde/a.md~":            file("x"),
		"monde/b/index.md":       file("x"),
		"monde/b/photo.jpg":      file("x"),
		"monde/casse/x.md":       file("x"),
		"monde/c/d/trop-loin.md": file("x"),
		"pratique/_index.md":     file("x"),
		"pratique/z.md":          file("x"),
		"zz.txt":                 file("x"),
	}}
	want := []string{
		"auteurs/claire.md author",
		"hors-rubrique.md misplaced",
		"media/carte.png media",
		"monde/_index.md category",
		"monde/a.md article",
		"monde/b/index.md article",
		"monde/b/photo.jpg media",
		"monde/c/d/trop-loin.md misplaced",
		"monde/casse misplaced: readdirent monde/casse: permission denied",
		"pratique/_index.md category",
		"pratique/z.md article",
		"site.yaml site",
	}
	kinds := map[Kind]string{KindSite: "site", KindCategory: "category", KindArticle: "article",
		KindMisplaced: "misplaced", KindAuthor: "author", KindMedia: "media"}
	for range 20 { // the order must not depend on which reader ends first
		var got []string
		if err := Walk(fsys, func(p string, kind Kind, _ fs.DirEntry, err error) {
			line := p + " " + kinds[kind]
			if err != nil {
				line += ": " + err.Error()
			}
			got = append(got, line)
		}); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("walked\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	if err := Walk(unreadableDir{MapFS: fstest.MapFS{}, bad: "."}, func(string, Kind, fs.DirEntry, error) {}); err == nil {
		t.Error("Walk of an unreadable root: no error")
	}
}
