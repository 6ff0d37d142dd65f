package web_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
)

// testPhoto is a w×h JPEG drawn here: gradients and a little noise.
func testPhoto(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(7)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			seed = seed*1664525 + 1013904223
			n := uint8(seed >> 28)
			img.SetRGBA(x, y, color.RGBA{uint8(x*180/w) + n, 90 + n, uint8(y*180/h) + n, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
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

// pictureContent is the fixture plus a page bundle with a photo, an
// article whose cover is a decompression bomb, and two SVG files.
func pictureContent(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
	write := func(rel string, b []byte) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("monde/collecte/index.md", []byte(`---
title: La collecte des élèves
date: 2024-11-02 09:00
summary: Une collecte en photo.
image: une.jpg
image_alt: Des cartons de dons alignés
image_caption: Les dons rassemblés au lycée
image_credit: Horizons
image_focus: top
---

Le récit de la collecte.

![Le gymnase](salle.jpg)
`))
	write("monde/collecte/une.jpg", testPhoto(t, 1600, 1200))
	write("monde/collecte/salle.jpg", testPhoto(t, 800, 600))
	write("monde/bombe.md", []byte(`---
title: Une image piégée
date: 2024-11-03 09:00
summary: Sa couverture est une bombe de décompression.
image: /media/bombe.png
image_alt: Rien
---

Le texte reste en ligne.
`))
	write("media/bombe.png", bombPNG(50000, 50000))
	// Dropped into media/ and named by no article: only a check finds it.
	write("media/orpheline.png", bombPNG(60000, 60000))
	write("monde/anime.md", []byte(`---
title: Une image animée
date: 2024-11-04 09:00
summary: Sa couverture est un GIF animé.
image: /media/anime.gif
image_alt: Deux couleurs en alternance
---

![L'animation](/media/anime.gif)
`))
	write("media/anime.gif", animatedGIF(t))
	write("media/schema.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450"><rect width="800" height="450" fill="#12355b"/></svg>`))
	write("media/piege.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><script>alert(1)</script></svg>`))
	return dir
}

// animatedGIF is a 640×360 GIF of two frames, red then blue.
func animatedGIF(t *testing.T) []byte {
	pal := color.Palette{color.RGBA{220, 20, 20, 255}, color.RGBA{20, 20, 220, 255}}
	red := image.NewPaletted(image.Rect(0, 0, 640, 360), pal)
	blue := image.NewPaletted(image.Rect(0, 0, 640, 360), pal)
	for i := range blue.Pix {
		blue.Pix[i] = 1
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{red, blue}, Delay: []int{50, 50}}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPictures(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Content: pictureContent(t)})

	t.Run("bundle with a cover", func(t *testing.T) {
		r := site.Get(t, "/monde/collecte")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET = %d", r.StatusCode)
		}
		for _, want := range []string{
			`<figure class="article-cover">`,
			`<figcaption>Les dons rassemblés au lycée <span class="credit">Horizons</span></figcaption>`,
			`<source type="image/webp" srcset="/img/`,
			`-16x9-1600x900.webp 1600w"`,
			`fetchpriority="high"`,
			`alt="Le gymnase"`,
			`-800x600.jpg 800w"`, // the body image's own ladder
		} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("page lacks %s", want)
				if i := strings.Index(r.Body, "<figcaption"); i >= 0 && strings.Contains(want, "figcaption") {
					t.Logf("has %s", r.Body[i:min(len(r.Body), i+200)])
				}
			}
		}
		if strings.Count(r.Body, `fetchpriority="high"`) != 1 {
			t.Errorf("%d priority images, want 1", strings.Count(r.Body, `fetchpriority="high"`))
		}
		orig := site.Get(t, "/monde/collecte/une.jpg")
		if orig.StatusCode != http.StatusOK || orig.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("original: %d %s", orig.StatusCode, orig.Header.Get("Content-Type"))
		}
		if r := site.Get(t, "/monde/collecte/absente.jpg"); r.StatusCode != http.StatusNotFound {
			t.Errorf("missing bundle file: %d", r.StatusCode)
		}
		if r := site.Get(t, "/monde/nouvelle-01/une.jpg"); r.StatusCode != http.StatusNotFound {
			t.Errorf("file of an article that is no bundle: %d", r.StatusCode)
		}
	})

	t.Run("variants are immutable", func(t *testing.T) {
		page := site.Get(t, "/monde/collecte").Body
		name := regexp.MustCompile(`/img/[0-9a-f]{20}-16x9-320x180\.webp`).FindString(page)
		if name == "" {
			t.Fatal("no variant named")
		}
		r := site.Get(t, name)
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/webp" ||
			r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || r.Header.Get("ETag") == "" {
			t.Fatalf("GET %s = %d %v", name, r.StatusCode, r.Header)
		}
		if bytes.Contains([]byte(r.Body), []byte("Exif")) {
			t.Error("a variant carries EXIF")
		}
		again := site.Do(t, http.MethodGet, name, http.Header{"If-None-Match": {r.Header.Get("ETag")}})
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", again.StatusCode)
		}
		for _, p := range []string{"/img/0000000000000000000000-320x180.webp", "/img/..%2F..%2Fsite.db", "/img/.tmp-1"} {
			if r := site.Get(t, p); r.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", p, r.StatusCode)
			}
		}
	})

	t.Run("a hostile cover is left out and reported", func(t *testing.T) {
		r := site.Get(t, "/monde/bombe")
		if r.StatusCode != http.StatusOK || strings.Contains(r.Body, "article-cover") || strings.Contains(r.Body, "bombe.png") {
			t.Errorf("GET = %d; cover shown: %v", r.StatusCode, strings.Contains(r.Body, "bombe.png"))
		}
		status := site.Get(t, "/_status").Body
		for _, want := range []string{"monde/bombe.md:5", "image trop grande (50000 × 50000 pixels"} {
			if !strings.Contains(status, want) {
				t.Errorf("status page lacks %q", want)
			}
		}
	})

	t.Run("an image file no article names is reported", func(t *testing.T) {
		status := site.Get(t, "/_status").Body
		want := "media/orpheline.png: avertissement : image refusée (aucun article ne l&#39;utilise encore) : image trop grande (60000 × 60000 pixels"
		if !strings.Contains(status, want) {
			i := strings.Index(status, "orpheline")
			t.Errorf("status page lacks %q; has %q", want, status[max(0, i-40):min(len(status), i+200)])
		}
		// A refused file that an article names is reported there only.
		if strings.Contains(status, "media/bombe.png: ") {
			t.Error("the named bomb is reported twice")
		}
	})

	t.Run("animated gif: a poster for the cover, the animation in the text", func(t *testing.T) {
		r := site.Get(t, "/monde/anime")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET = %d", r.StatusCode)
		}
		if !regexp.MustCompile(`<figure class="article-cover"><picture><source type="image/webp" srcset="/img/[0-9a-f]{20}-16x9-320x180\.webp 320w`).MatchString(r.Body) {
			i := strings.Index(r.Body, "article-cover")
			t.Errorf("cover is not the poster's variants: %s", r.Body[max(0, i):min(len(r.Body), i+300)])
		}
		if !strings.Contains(r.Body, `<img src="/media/anime.gif" alt="L&#39;animation"`) && !strings.Contains(r.Body, `<img src="/media/anime.gif" alt="L'animation"`) {
			t.Error("the text lost its animation")
		}
		orig := site.Get(t, "/media/anime.gif")
		if orig.StatusCode != http.StatusOK || orig.Header.Get("Content-Type") != "image/gif" || !bytes.Equal([]byte(orig.Body), animatedGIF(t)) {
			t.Errorf("original: %d %s, %d bytes", orig.StatusCode, orig.Header.Get("Content-Type"), len(orig.Body))
		}
	})

	t.Run("share card without a cover", func(t *testing.T) {
		p := site.Get(t, "/monde/nouvelle-01").Body
		m := regexp.MustCompile(`<meta property="og:image" content="https://fixture\.example(/img/[0-9a-f]{20}-1200x630-1200x630\.png)">`).FindStringSubmatch(p)
		if m == nil {
			t.Fatal("og:image is not the drawn card")
		}
		if !strings.Contains(p, `<meta property="og:image:width" content="1200">`) || !strings.Contains(p, `<meta property="og:image:alt" content="Nouvelle numéro 01">`) {
			t.Error("card's size or alt missing")
		}
		r := site.Get(t, m[1])
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/png" {
			t.Errorf("GET card = %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
	})

	t.Run("svg", func(t *testing.T) {
		r := site.Get(t, "/media/schema.svg")
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("GET = %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "sandbox") || strings.Contains(csp, "script-src") {
			t.Errorf("CSP %q", csp)
		}
		if r := site.Get(t, "/media/piege.svg"); r.StatusCode != http.StatusNotFound {
			t.Errorf("SVG with a script: %d, want 404", r.StatusCode)
		}
	})
}

// TestMediaRanges: originals are served with http.ServeContent semantics
// (issue 15, item 5).
func TestMediaRanges(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	full := site.Get(t, "/media/retraite.png")
	if full.StatusCode != http.StatusOK || full.Header.Get("Accept-Ranges") != "bytes" || full.Header.Get("Last-Modified") == "" {
		t.Fatalf("GET = %d %v", full.StatusCode, full.Header)
	}
	part := site.Do(t, http.MethodGet, "/media/retraite.png", http.Header{"Range": {"bytes=0-9"}})
	if part.StatusCode != http.StatusPartialContent || part.Body != full.Body[:10] || !strings.HasPrefix(part.Header.Get("Content-Range"), "bytes 0-9/") {
		t.Errorf("Range: %d %q %q", part.StatusCode, part.Body, part.Header.Get("Content-Range"))
	}
	tail := site.Do(t, http.MethodGet, "/media/retraite.png", http.Header{"Range": {"bytes=-4"}})
	if tail.StatusCode != http.StatusPartialContent || tail.Body != full.Body[len(full.Body)-4:] {
		t.Errorf("suffix Range: %d", tail.StatusCode)
	}
	// If-Range with a validator that no longer matches: the whole file.
	stale := site.Do(t, http.MethodGet, "/media/retraite.png", http.Header{"Range": {"bytes=0-9"}, "If-Range": {`"autre"`}})
	if stale.StatusCode != http.StatusOK || len(stale.Body) != len(full.Body) {
		t.Errorf("stale If-Range: %d, %d bytes", stale.StatusCode, len(stale.Body))
	}
	fresh := site.Do(t, http.MethodGet, "/media/retraite.png", http.Header{"Range": {"bytes=0-9"}, "If-Range": {full.Header.Get("ETag")}})
	if fresh.StatusCode != http.StatusPartialContent {
		t.Errorf("matching If-Range: %d", fresh.StatusCode)
	}
	bad := site.Do(t, http.MethodGet, "/media/retraite.png", http.Header{"Range": {"bytes=999999-"}})
	if bad.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("unsatisfiable Range: %d", bad.StatusCode)
	}
	if r := site.Do(t, http.MethodGet, "/media/retraite.png", http.Header{"If-Modified-Since": {full.Header.Get("Last-Modified")}}); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %d", r.StatusCode)
	}
}
