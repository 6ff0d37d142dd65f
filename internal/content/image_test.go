package content

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"io/fs"
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
		"media/bombe.png":     {Data: bombPNG(50000, 50000)},
		"media/faux.jpg":      {Data: pngOf(t, 10, 10)},
		"media/piege.svg":     {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><script>alert(1)</script></svg>`)},
		"media/schema.svg":    {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450"/>`)},
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
			[]string{`<p>Texte.</p>`}, "monde/a.md:8: avertissement : image « /media/absente.jpg » : image introuvable ; elle est retirée de la page"},
		{"not an image", "![Photo](/media/pas-image.jpg)",
			nil, "image « /media/pas-image.jpg » : image illisible (fichier tronqué ou endommagé ?)"},
		{"decompression bomb", "![Photo](/media/bombe.png)",
			nil, "image « /media/bombe.png » : image trop grande (50000 × 50000 pixels"},
		{"extension lies", "![Photo](/media/faux.jpg)",
			nil, "image « /media/faux.jpg » : le fichier est en réalité au format PNG et non JPEG : renommez-le avec l'extension .png"},
		{"svg with a script", "![Schéma](/media/piege.svg)",
			nil, "image « /media/piege.svg » : SVG refusé : il contient un élément <script>"},
		{"svg", "![Schéma](/media/schema.svg)",
			[]string{`<img src="/media/schema.svg" alt="Schéma" loading="lazy" decoding="async" width="800" height="450">`}, ""},
		{"relative name outside a bundle", "![Photo](photo.jpg)",
			nil, "image « photo.jpg » : écrivez /media/nom.jpg"},
		{"other host", "![Photo](https://exemple.fr/photo.jpg)",
			[]string{`src="https://exemple.fr/photo.jpg"`, `loading="lazy"`}, "image « https://exemple.fr/photo.jpg » hors du site"},
	}
	p := NewParser(WithImages(fsys))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, problems := p.Article("monde/a.md", article(validFM, tt.body), paris)
			if tt.html == nil && strings.Contains(a.BodyHTML, "<img") {
				t.Errorf("refused image still in the page: %s", a.BodyHTML)
			}
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
	fsys := fstest.MapFS{
		"media/une.png":   {Data: pngOf(t, 1200, 630)},
		"media/bombe.png": {Data: bombPNG(50000, 50000)},
		"media/logo.svg":  {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"/>`)},
	}
	tests := []struct {
		name, image, problem string
		url                  string // the cover kept, "" when the article goes without
		w, h                 int
	}{
		{"site image", "/media/une.png", "", "/media/une.png", 1200, 630},
		{"https image", "https://exemple.fr/une.jpg", "", "https://exemple.fr/une.jpg", 0, 0},
		{"missing", "/media/autre.png", "monde/a.md:4: avertissement : image « /media/autre.png » : image introuvable ; l'article paraît sans elle", "", 0, 0},
		{"decompression bomb", "/media/bombe.png", "monde/a.md:4: avertissement : image « /media/bombe.png » : image trop grande", "", 0, 0},
		{"not under media", "/static/une.png", "écrivez /media/nom.jpg", "", 0, 0},
		{"svg", "/media/logo.svg", "", "/media/logo.svg", 64, 64},
	}
	p := NewParser(WithImages(fsys))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, problems := p.Article("monde/a.md", article(validFM+"image: "+tt.image+"\nimage_alt: Une image\n", "Texte."), paris)
			if a.Image != tt.url || a.ImageWidth != tt.w || a.ImageHeight != tt.h {
				t.Errorf("cover %q %dx%d, want %q %dx%d", a.Image, a.ImageWidth, a.ImageHeight, tt.url, tt.w, tt.h)
			}
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

// bombPNG is a PNG of a few dozen bytes whose header claims w×h pixels.
func bombPNG(w, h int) []byte {
	chunk := func(typ string, data []byte) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
		return b.Bytes()
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	b.Write(chunk("IHDR", ihdr))
	b.Write(chunk("IEND", nil))
	return b.Bytes()
}

func TestCoverCaptionCreditFocus(t *testing.T) {
	fsys := fstest.MapFS{"media/une.png": {Data: pngOf(t, 1200, 630)}}
	p := NewParser(WithImages(fsys))
	fm := validFM + "image: /media/une.png\nimage_alt: Une carte\nimage_caption: La carte du réseau\nimage_credit: Horizons\nimage_focus: top left\n"
	a, problems := p.Article("monde/a.md", article(fm, "Texte."), paris)
	if len(problems) != 0 {
		t.Fatalf("problems %v", problems)
	}
	if a.ImageCaption != "La carte du réseau" || a.ImageCredit != "Horizons" || a.ImageFocus != "top left" {
		t.Errorf("got caption %q credit %q focus %q", a.ImageCaption, a.ImageCredit, a.ImageFocus)
	}
	_, problems = p.Article("monde/a.md", article(validFM+"image: /media/une.png\nimage_alt: x\nimage_focus: milieu\n", "Texte."), paris)
	if len(problems) != 1 || problems[0].Line != 6 || !strings.Contains(problems[0].Message, "point de cadrage « milieu » illisible") {
		t.Errorf("bad focus: %v", problems)
	}
	_, problems = p.Article("monde/a.md", article(validFM+"image: /media/une.png\n", "Texte."), paris)
	if len(problems) != 1 || problems[0].Line != 4 || !strings.Contains(problems[0].Message, "ajoutez image_alt") {
		t.Errorf("missing alt: %v", problems)
	}
}

func TestBundle(t *testing.T) {
	fsys := fstest.MapFS{
		"monde/collecte/index.md":          {Data: article(validFM+"image: une.png\nimage_alt: Une\n", "![Les élèves](photos/eleves.png)\n\n![Ailleurs](../autre/x.png)")},
		"monde/collecte/une.png":           {Data: pngOf(t, 640, 360)},
		"monde/collecte/photos/eleves.png": {Data: pngOf(t, 300, 200)},
		"monde/autre/x.png":                {Data: pngOf(t, 10, 10)},
	}
	p := NewParser(WithImages(fsys))
	a, problems := p.Article("monde/collecte/index.md", fsys["monde/collecte/index.md"].Data, paris)
	if a.Category != "monde" || a.Slug != "collecte" || a.URLPath() != "/monde/collecte" {
		t.Errorf("bundle article at %s (category %q, slug %q)", a.URLPath(), a.Category, a.Slug)
	}
	if a.Image != "/monde/collecte/une.png" || a.ImageWidth != 640 {
		t.Errorf("cover %q %d", a.Image, a.ImageWidth)
	}
	if !strings.Contains(a.BodyHTML, `src="/monde/collecte/photos/eleves.png"`) || !strings.Contains(a.BodyHTML, `width="300"`) {
		t.Errorf("body %s", a.BodyHTML)
	}
	if len(a.Images) != 1 || a.Images[0] != "monde/collecte/photos/eleves.png" {
		t.Errorf("body images %q: the refused one must not be listed", a.Images)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "« ../autre/x.png » : écrivez /media/nom.jpg") {
		t.Errorf("a bundle reaching outside itself: %v", problems)
	}
	for p, want := range map[string]Kind{"monde/collecte/index.md": KindArticle, "monde/collecte/notes.md": KindMisplaced, "monde/a/b/index.md": KindMisplaced} {
		if got := Classify(p); got != want {
			t.Errorf("Classify(%s) = %v, want %v", p, got, want)
		}
	}
}

func TestBundleConflict(t *testing.T) {
	_, problems := NewParser().Validate(map[string]bool{"monde": true}, []Entry{
		{Path: "monde/collecte.md", Category: "monde", Slug: "collecte"},
		{Path: "monde/collecte/index.md", Category: "monde", Slug: "collecte"},
	})
	if len(problems) != 1 || problems[0].Path != "monde/collecte/index.md" || !strings.Contains(problems[0].Message, "soit un fichier nom.md, soit un dossier nom/index.md") {
		t.Errorf("problems %v", problems)
	}
}

// TestUnnamedImages: files that no article names are checked too; a bad
// one is reported at its own path, once, and a refused file that an
// article names is reported there (path:line), not a second time.
func TestUnnamedImages(t *testing.T) {
	fsys := fstest.MapFS{
		"monde/a.md":             {Data: article(validFM+"image: /media/bombe-nommee.png\nimage_alt: Une\n", "![Carte](/media/carte.png)\n\n![Piège](/media/piege-nomme.svg)")},
		"media/carte.png":        {Data: pngOf(t, 80, 45)},
		"media/bombe-nommee.png": {Data: bombPNG(50000, 50000)},
		"media/piege-nomme.svg":  {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><script>alert(1)</script></svg>`)},
		"media/bombe.png":        {Data: bombPNG(50000, 50000)},
		"media/inutile.png":      {Data: pngOf(t, 10, 10)},
		"media/sous/piege.svg":   {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8" onload="x()"/>`)},
		"media/.cache/bombe.png": {Data: bombPNG(50000, 50000)},
		"monde/dossier/faux.jpg": {Data: pngOf(t, 10, 10)},
		"monde/notes.txt":        {Data: []byte("pas une image")},
	}
	a, problems := NewParser(WithImages(fsys)).Article("monde/a.md", fsys["monde/a.md"].Data, paris)
	var media []string
	if err := Walk(fsys, func(p string, kind Kind, _ fs.DirEntry, err error) {
		if err == nil && kind == KindMedia {
			media = append(media, p)
		}
	}); err != nil {
		t.Fatal(err)
	}
	set := &Set{Articles: []Article{a}, Problems: problems, Media: media}
	if refused := RefusedImages(problems); !refused["media/bombe-nommee.png"] || !refused["media/piege-nomme.svg"] || len(refused) != 2 {
		t.Errorf("refused %v", refused)
	}
	paths := UnnamedImages(media, set.NamedImages())
	if want := "media/bombe.png media/inutile.png media/sous/piege.svg monde/dossier/faux.jpg"; strings.Join(paths, " ") != want {
		t.Errorf("unnamed %q, want %q", paths, want)
	}
	var got []string
	for _, p := range set.UnnamedImageProblems(fsys) {
		got = append(got, p.String())
	}
	want := []string{
		"media/bombe.png: avertissement : image refusée (aucun article ne l'utilise encore) : image trop grande (50000 × 50000 pixels, soit 2500,0 Mpx ; maximum 50 Mpx) : réduisez-la avant de la déposer",
		"media/sous/piege.svg: avertissement : image refusée (aucun article ne l'utilise encore) : SVG refusé : l'attribut onload de <svg> exécuterait du code ; retirez-le",
		"monde/dossier/faux.jpg: avertissement : image refusée (aucun article ne l'utilise encore) : le fichier est en réalité au format PNG et non JPEG : renommez-le avec l'extension .png",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
