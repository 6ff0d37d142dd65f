package content

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"testing/fstest"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBodyImages(t *testing.T) {
	fsys := fstest.MapFS{
		"media/carte.png":     {Data: pngOf(t, 800, 450)},
		"media/pas-image.jpg": {Data: []byte("ceci n'est pas une image")},
	}
	tests := []struct {
		name    string
		body    string
		html    []string // fragments the rendered body must hold
		problem string   // the warning expected, "" for none
	}{
		{"site image", "![Carte du réseau](/media/carte.png)",
			[]string{`<img src="/media/carte.png" alt="Carte du réseau" loading="lazy" decoding="async" width="800" height="450">`}, ""},
		{"no text alternative", "![](/media/carte.png)",
			[]string{`alt=""`, `width="800"`}, "monde/a.md:6: avertissement : image « /media/carte.png » sans texte alternatif"},
		{"missing file", "Texte.\n\n![Photo](/media/absente.jpg)",
			[]string{`loading="lazy"`}, "monde/a.md:8: avertissement : image « /media/absente.jpg » introuvable"},
		{"not an image", "![Photo](/media/pas-image.jpg)",
			[]string{`loading="lazy"`}, "image « /media/pas-image.jpg » introuvable ou illisible"},
		{"other host", "![Photo](https://exemple.fr/photo.jpg)",
			[]string{`src="https://exemple.fr/photo.jpg"`, `loading="lazy"`}, "image « https://exemple.fr/photo.jpg » hors du site"},
	}
	p := NewParser(WithImages(fsys))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, problems := p.Article("monde/a.md", article(validFM, tt.body), paris)
			for _, frag := range tt.html {
				if !strings.Contains(a.BodyHTML, frag) {
					t.Errorf("body %s lacks %s", a.BodyHTML, frag)
				}
			}
			var got []string
			for _, pr := range problems {
				got = append(got, pr.String())
			}
			all := strings.Join(got, "\n")
			switch {
			case tt.problem == "" && len(got) > 0:
				t.Errorf("unexpected problems: %s", all)
			case tt.problem != "" && !strings.Contains(all, tt.problem):
				t.Errorf("problems %q lack %q", all, tt.problem)
			}
			if HasErrors(problems) {
				t.Errorf("an image problem must not keep the article offline: %s", all)
			}
		})
	}
}

func TestCoverImage(t *testing.T) {
	fsys := fstest.MapFS{"media/une.png": {Data: pngOf(t, 1200, 630)}}
	tests := []struct{ name, image, problem string }{
		{"site image", "/media/une.png", ""},
		{"https image", "https://exemple.fr/une.jpg", ""},
		{"missing", "/media/autre.png", "monde/a.md:4: avertissement : image « /media/autre.png » introuvable"},
		{"not under media", "/static/une.png", "écrivez /media/nom.jpg"},
		{"svg", "/media/logo.svg", "écrivez /media/nom.jpg"},
	}
	p := NewParser(WithImages(fsys))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := p.Article("monde/a.md", article(validFM+"image: "+tt.image+"\nimage_alt: Une image\n", "Texte."), paris)
			var all []string
			for _, pr := range problems {
				all = append(all, pr.String())
			}
			got := strings.Join(all, "\n")
			if (tt.problem == "") != (got == "") || !strings.Contains(got, tt.problem) {
				t.Errorf("problems %q, want %q", got, tt.problem)
			}
		})
	}
}
