package images

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"testing"
)

// FuzzProbe feeds Probe what editors may drop: it must never panic, and
// what it accepts must be measured within the limits, with an orientation
// in range. Probe's own parsers (JPEG segments, EXIF, ICC profiles,
// GIF blocks, PNG chunks, SVG) read every byte of outside input.
func FuzzProbe(f *testing.F) {
	jpg := encodeJPEG(f, photo(16, 12))
	f.Add("a.jpg", jpg)
	f.Add("a.jpg", withExif(jpg, 6))
	f.Add("a.jpg", withExif(jpg, 9))
	f.Add("a.png", encodePNG(f, image.NewNRGBA(image.Rect(0, 0, 3, 2))))
	f.Add("a.png", bombPNG(50000, 50000))
	var g bytes.Buffer
	pal := color.Palette{color.Black, color.Transparent}
	gif.EncodeAll(&g, &gif.GIF{Image: []*image.Paletted{image.NewPaletted(image.Rect(0, 0, 4, 4), pal), image.NewPaletted(image.Rect(0, 0, 4, 4), pal)}, Delay: []int{1, 1}})
	f.Add("a.gif", g.Bytes())
	f.Add("a.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 4" width="8px"><g onclick="x()"/></svg>`))
	f.Add("a.jpg", []byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"))
	f.Add("a.jpg", []byte("\xff\xd8\xff\xe2\x00\x20ICC_PROFILE\x00\x01\x01"))
	p3 := matrixProfile("Display P3", displayP3, srgbPara())
	f.Add("a.jpg", withICC(jpg, p3, 200))
	f.Add("a.png", pngWithICC(encodePNG(f, photo(4, 3)), matrixProfile("Adobe RGB (1998)", adobeRGB, gammaCurv(563))))
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		info, err := Probe(name, src)
		if err != nil {
			if KindOf(err) == 0 {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		if info.Width <= 0 || info.Height <= 0 || (info.Raster() && int64(info.Width)*int64(info.Height) > MaxPixels) {
			t.Fatalf("accepted %dx%d", info.Width, info.Height)
		}
		if info.Orientation < 1 || info.Orientation > 8 {
			t.Fatalf("orientation %d", info.Orientation)
		}
	})
}
