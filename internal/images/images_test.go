package images

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// photo draws a w×h opaque test picture: gradients plus a little noise,
// like a photo compresses, and a red mark in its top left corner so that
// orientation tests can find where that corner went.
func photo(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			seed = seed*1664525 + 1013904223
			n := uint8(seed >> 28)
			img.SetRGBA(x, y, color.RGBA{uint8(x*200/w) + n, uint8(y*200/h) + n, 120 + n, 255})
		}
	}
	for y := 0; y < h/4; y++ {
		for x := 0; x < w/4; x++ {
			img.SetRGBA(x, y, color.RGBA{250, 0, 0, 255})
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withExif inserts an APP1 segment after SOI carrying EXIF orientation o
// and a GPS tag, as a phone writes it.
func withExif(jpg []byte, o int) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(2)) // two entries
	// Orientation, SHORT, count 1
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{uint16(o), 0})
	// GPSInfo pointer: an IFD offset whose bytes follow, marked for the test.
	binary.Write(&tiff, binary.BigEndian, []uint16{0x8825, 4})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, uint32(38))
	binary.Write(&tiff, binary.BigEndian, uint32(0)) // next IFD
	tiff.WriteString("GPS 48.8566N 2.3522E secret-serial-123")
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xff, 0xe1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(jpg[2:])
	return out.Bytes()
}

// pngChunk builds one PNG chunk.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// bombPNG is a PNG of a few bytes whose header claims w×h pixels.
func bombPNG(w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	b.Write(pngChunk("IHDR", ihdr))
	b.Write(pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}))
	b.Write(pngChunk("IEND", nil))
	return b.Bytes()
}

func TestProbe(t *testing.T) {
	jpg := encodeJPEG(t, photo(400, 300))
	rgba64 := image.NewRGBA64(image.Rect(0, 0, 40, 30))
	for i := range rgba64.Pix {
		rgba64.Pix[i] = 0xff
	}
	var animated bytes.Buffer
	pal := color.Palette{color.Black, color.White}
	gif.EncodeAll(&animated, &gif.GIF{Image: []*image.Paletted{image.NewPaletted(image.Rect(0, 0, 8, 8), pal), image.NewPaletted(image.Rect(0, 0, 8, 8), pal)}, Delay: []int{10, 10}})
	alpha := image.NewNRGBA(image.Rect(0, 0, 20, 10))
	tests := []struct {
		name, file string
		src        []byte
		kind       Kind
		msg        string // part of the error or of a warning
		w, h       int
		animated   bool
		alpha      bool
	}{
		{name: "jpeg", file: "a.jpg", src: jpg, w: 400, h: 300},
		{name: "rotated by EXIF", file: "a.jpg", src: withExif(jpg, 6), w: 300, h: 400},
		{name: "png with alpha", file: "a.png", src: encodePNG(t, alpha), w: 20, h: 10, alpha: true},
		{name: "16-bit png", file: "a.png", src: encodePNG(t, rgba64), w: 40, h: 30, msg: "16 bits"},
		{name: "animated gif", file: "a.gif", src: animated.Bytes(), w: 8, h: 8, animated: true, alpha: false},
		{name: "truncated", file: "a.jpg", src: jpg[:20], kind: KindUnreadable, msg: "tronqué"},
		{name: "not an image", file: "a.png", src: []byte("bonjour"), kind: KindUnreadable},
		{name: "extension lies", file: "a.png", src: jpg, kind: KindWrongExtension, msg: "au format JPEG et non PNG"},
		{name: "heic named jpg", file: "a.jpg", src: []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), kind: KindWrongExtension, msg: "HEIC"},
		{name: "decompression bomb", file: "bomb.png", src: bombPNG(50000, 50000), kind: KindTooBig, msg: "50000 × 50000"},
		{name: "over the byte limit", file: "a.jpg", src: make([]byte, MaxBytes+1), kind: KindTooLarge, msg: "25,0\u00a0Mo"},
		{name: "unsupported", file: "a.tiff", src: jpg, kind: KindUnsupported},
		{name: "svg", file: "a.svg", src: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450"><rect width="10" height="10"/></svg>`), w: 800, h: 450},
		{name: "svg with script", file: "a.svg", src: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><script>alert(1)</script></svg>`), kind: KindSVGScript, msg: "<script>"},
		{name: "svg with handler", file: "a.svg", src: []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8" onload="alert(1)"/>`), kind: KindSVGScript, msg: "onload"},
		{name: "svg with javascript link", file: "a.svg", src: []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 8 8"><a xlink:href="javascript:alert(1)"><rect width="8" height="8"/></a></svg>`), kind: KindSVGScript, msg: "javascript:"},
		{name: "svg without size", file: "a.svg", src: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), kind: KindUnreadable, msg: "viewBox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Probe(tt.file, tt.src)
			if got := KindOf(err); got != tt.kind {
				t.Fatalf("kind %d, want %d (err %v)", got, tt.kind, err)
			}
			text := strings.Join(info.Warnings, "\n")
			if err != nil {
				text = err.Error()
			}
			if tt.msg != "" && !strings.Contains(text, tt.msg) {
				t.Errorf("message %q does not say %q", text, tt.msg)
			}
			if tt.msg == "" && tt.kind == 0 && text != "" {
				t.Errorf("unexpected message %q", text)
			}
			if err != nil {
				return
			}
			if info.Width != tt.w || info.Height != tt.h || info.Animated != tt.animated || info.Alpha != tt.alpha {
				t.Errorf("got %dx%d animated=%v alpha=%v, want %dx%d animated=%v alpha=%v", info.Width, info.Height, info.Animated, info.Alpha, tt.w, tt.h, tt.animated, tt.alpha)
			}
		})
	}
}

// TestBombMemory: refusing a 50,000 × 50,000 PNG costs no pixel buffer
// (10 GB in RGBA); the bound is this test's own allocation count.
func TestBombMemory(t *testing.T) {
	src := bombPNG(50000, 50000)
	fsys := fstest.MapFS{"media/bomb.png": {Data: src}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 10 {
		if _, err := ReadSource(fsys, "media/bomb.png"); KindOf(err) != KindTooBig {
			t.Fatalf("err %v", err)
		}
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("10 refusals allocated %d bytes, want under 1 MB", got)
	}
}

func TestPlan(t *testing.T) {
	src := Source{Hash: "abc", Info: Info{Format: "jpeg", Width: 1000, Height: 800}}
	p := NewPlan(src, UseBody, Center)
	var got []int
	for _, v := range p.Ladder {
		if v.Format == "webp" {
			got = append(got, v.Width)
		}
		if v.Width > 1000 {
			t.Errorf("variant wider than the source: %+v", v)
		}
	}
	if want := []int{320, 480, 640, 960, 1000}; !equal(got, want) {
		t.Errorf("ladder %v, want %v", got, want)
	}
	if v, _ := p.Largest("jpeg"); v.Width != 1000 || v.Height != 800 {
		t.Errorf("largest jpeg %+v, want 1000x800", v)
	}
	if len(p.Extra) != 0 {
		t.Errorf("body image has cover extras %+v", p.Extra)
	}
	small := NewPlan(Source{Hash: "abc", Info: Info{Format: "png", Width: 200, Height: 100, Alpha: true}}, UseBody, Center)
	if len(small.Ladder) != 2 || small.Ladder[0].Width != 200 || small.Ladder[1].Format != "png" {
		t.Errorf("small alpha image ladder %+v, want 200 px in webp and png", small.Ladder)
	}
	cover := NewPlan(Source{Hash: "abc", Info: Info{Format: "jpeg", Width: 4000, Height: 3000}}, UseCover, Center)
	if v, _ := cover.Largest("webp"); v.Width != 1920 || v.Height != 1080 {
		t.Errorf("cover largest %+v, want 1920x1080", v)
	}
	for r, want := range map[Ratio][2]int{CoverRatio: {1200, 675}, Ratio4x3: {1200, 900}, Ratio1x1: {1200, 1200}, ShareRatio: {1200, 630}} {
		if v, ok := cover.ExtraOf(r); !ok || v.Width != want[0] || v.Height != want[1] {
			t.Errorf("extra %v: %+v, want %v", r, v, want)
		}
	}
	// Names change with the bytes, the use and the focus.
	names := map[string]bool{}
	for _, q := range []Plan{p, NewPlan(Source{Hash: "abd", Info: src.Info}, UseBody, Center), NewPlan(src, UseCover, Center), NewPlan(src, UseCover, Focus{0.2, 0.5})} {
		if names[q.Ladder[0].Name] {
			t.Errorf("name %s given twice", q.Ladder[0].Name)
		}
		names[q.Ladder[0].Name] = true
	}
	if again := NewPlan(src, UseBody, Center); again.Ladder[0].Name != p.Ladder[0].Name {
		t.Errorf("the same source gets another name: %s, %s", again.Ladder[0].Name, p.Ladder[0].Name)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseFocus(t *testing.T) {
	tests := []struct {
		in   string
		want Focus
		bad  bool
	}{
		{in: "center", want: Center},
		{in: "top", want: Focus{0.5, 0}},
		{in: "bottom left", want: Focus{0, 1}},
		{in: "30% 40%", want: Focus{0.3, 0.4}},
		{in: "30%", bad: true},
		{in: "120% 10%", bad: true},
		{in: "milieu", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseFocus(tt.in)
		if (err != nil) != tt.bad || (!tt.bad && got != tt.want) {
			t.Errorf("ParseFocus(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestCropRectFollowsFocus(t *testing.T) {
	// A tall 1000×2000 picture cropped to 16:9: the focus chooses the band.
	if r := cropRect(1000, 2000, CoverRatio, Focus{0.5, 0}); r.Min.Y != 0 || r.Dx() != 1000 || r.Dy() != 562 {
		t.Errorf("top: %v", r)
	}
	if r := cropRect(1000, 2000, CoverRatio, Focus{0.5, 1}); r.Max.Y != 2000 {
		t.Errorf("bottom: %v", r)
	}
	if r := cropRect(1000, 2000, CoverRatio, Center); r.Min.Y != 719 {
		t.Errorf("center: %v", r)
	}
}

// render processes src as file name for use and returns the variants.
func render(t *testing.T, name string, src []byte, use Use, focus Focus) (Plan, map[string][]byte, Result) {
	t.Helper()
	info, err := Probe(name, src)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPlan(Source{Path: name, Hash: "h", Info: info}, use, focus)
	out := map[string][]byte{}
	res, err := Render(p, src, func(v Variant, b []byte) error {
		out[v.Name] = bytes.Clone(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, out, res
}

func TestRenderOrientationAndMetadata(t *testing.T) {
	src := withExif(encodeJPEG(t, photo(640, 480)), 6)
	p, out, res := render(t, "a.jpg", src, UseBody, Center)
	if len(out) != len(p.Variants()) {
		t.Fatalf("%d files for %d variants", len(out), len(p.Variants()))
	}
	for _, v := range p.Variants() {
		b := out[v.Name]
		for _, secret := range []string{"Exif", "GPS", "secret-serial"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s still holds %q", v.Name, secret)
			}
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || format != v.Format || cfg.Width != v.Width || cfg.Height != v.Height {
			t.Errorf("%s: %s %dx%d (%v), want %s %dx%d", v.Name, format, cfg.Width, cfg.Height, err, v.Format, v.Width, v.Height)
		}
	}
	// Orientation 6: the stored top left corner (red) shows at the top right.
	v, _ := p.Largest("jpeg")
	if v.Width != 480 || v.Height != 640 {
		t.Fatalf("largest %dx%d, want 480x640 (portrait)", v.Width, v.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(out[v.Name]))
	if err != nil {
		t.Fatal(err)
	}
	red := func(x, y int) bool {
		r, g, _, _ := img.At(x, y).RGBA()
		return r>>8 > 200 && g>>8 < 60
	}
	if !red(v.Width-10, 10) || red(10, 10) {
		t.Errorf("orientation not applied: red at top right %v, top left %v", red(v.Width-10, 10), red(10, 10))
	}
	if res.Color.A != 255 || res.Color.B < 100 {
		t.Errorf("average colour %v", res.Color)
	}
}

func TestRenderAlpha(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 400, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 400; x++ {
			img.SetNRGBA(x, y, color.NRGBA{20, 90, 200, uint8(x * 255 / 399)})
		}
	}
	p, out, _ := render(t, "a.png", encodePNG(t, img), UseBody, Center)
	formats := map[string]bool{}
	for _, v := range p.Ladder {
		formats[v.Format] = true
		m, _, err := image.Decode(bytes.NewReader(out[v.Name]))
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if _, _, _, a := m.At(0, 0).RGBA(); a > 0x1000 {
			t.Errorf("%s: left edge alpha %d, want transparent", v.Name, a)
		}
		if _, _, _, a := m.At(v.Width-1, 0).RGBA(); a < 0xf000 {
			t.Errorf("%s: right edge alpha %d, want opaque", v.Name, a)
		}
	}
	if !formats["png"] || !formats["webp"] || formats["jpeg"] {
		t.Errorf("formats %v, want webp and png", formats)
	}
}

// Go's JPEG encoder writes no CMYK file, so the CMYK case is checked at
// its two steps: the warning for a CMYK colour model, and the conversion
// of a decoded CMYK image.
func TestCMYK(t *testing.T) {
	if w := colorWarnings("jpeg", color.CMYKModel, "", false); len(w) != 1 || !strings.Contains(w[0], "CMJN") {
		t.Errorf("warnings %q", w)
	}
	cmyk := image.NewCMYK(image.Rect(0, 0, 40, 30))
	for i := 0; i < len(cmyk.Pix); i += 4 {
		cmyk.Pix[i], cmyk.Pix[i+1], cmyk.Pix[i+2], cmyk.Pix[i+3] = 0, 255, 255, 0 // red
	}
	if c := average(toRGBA(cmyk)); c.R < 250 || c.G > 5 || c.B > 5 {
		t.Errorf("CMYK red became %v", c)
	}
	if w := colorWarnings("jpeg", color.YCbCrModel, "Camera LUT", true); len(w) != 1 || !strings.Contains(w[0], "Camera LUT") {
		t.Errorf("profile warnings %q", w)
	}
	if w := colorWarnings("jpeg", color.YCbCrModel, "Display P3", false); len(w) != 0 {
		t.Errorf("a profile converted to sRGB warned: %q", w)
	}
}

// TestCMYKFile reads a real CMYK JPEG (testdata/cmyk.jpg, a flat red
// made with ImageMagick: convert -size 64x48 xc:'rgb(220,30,30)'
// -colorspace CMYK -quality 90), as a print workflow exports it: warned
// about, and its variants still red.
func TestCMYKFile(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "cmyk.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := Probe("a.jpg", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Warnings) != 1 || !strings.Contains(info.Warnings[0], "CMJN") {
		t.Errorf("warnings %q", info.Warnings)
	}
	_, _, res := render(t, "a.jpg", src, UseBody, Center)
	if c := res.Color; c.R < 180 || c.G > 80 || c.B > 80 {
		t.Errorf("CMYK red became %v", c)
	}
}

func TestRender16Bit(t *testing.T) {
	deep := image.NewNRGBA64(image.Rect(0, 0, 400, 300))
	for i := 0; i < len(deep.Pix); i += 8 {
		deep.Pix[i], deep.Pix[i+6], deep.Pix[i+7] = 0xff, 0xff, 0xff
	}
	_, out, res := render(t, "a.png", encodePNG(t, deep), UseBody, Center)
	if len(out) == 0 || res.Color.R < 200 {
		t.Errorf("16-bit red became %v", res.Color)
	}
}

func TestLibrary(t *testing.T) {
	dir := t.TempDir()
	jpg := encodeJPEG(t, photo(700, 400))
	fsys := fstest.MapFS{
		"media/a.jpg":    {Data: jpg, ModTime: time.Unix(1, 0)},
		"media/bomb.png": {Data: bombPNG(50000, 50000)},
		"media/logo.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"/>`)},
	}
	now := time.Unix(1000, 0)
	lib, err := Open(dir, Options{Workers: 2, Grace: time.Hour, Now: func() time.Time { return now }}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	var readyMu sync.Mutex
	var ready []string
	lib.OnReady(func(paths []string) {
		readyMu.Lock()
		ready = append(ready, paths...)
		readyMu.Unlock()
	})
	refs := []Ref{{Path: "media/a.jpg", Use: UseBody}, {Path: "media/a.jpg", Use: UseCover, Focus: Center}, {Path: "media/bomb.png"}, {Path: "media/logo.svg"}, {Path: "media/absent.jpg"}}
	problems := lib.Sync(fsys, refs)
	if KindOf(problems["media/bomb.png"]) != KindTooBig || problems["media/absent.jpg"] == nil || len(problems) != 2 {
		t.Errorf("problems %v", problems)
	}
	p, st, ok := lib.Lookup("media/a.jpg", UseCover, Center)
	if !ok {
		t.Fatal("cover plan unknown")
	}
	name := p.Ladder[0].Name
	if file, pending, ok := lib.Variant(name); !ok || (file == "" && pending != "media/a.jpg") {
		t.Errorf("before processing: %q %q %v", file, pending, ok)
	}
	gen := lib.Generation()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := lib.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if _, st, _ = lib.Lookup("media/a.jpg", UseCover, Center); !st.Ready || st.Err != nil {
		t.Fatalf("not ready: %+v", st)
	}
	if lib.Generation() == gen {
		t.Error("generation did not move when the variants became ready")
	}
	// Two plans of a.jpg (body and cover), each told once when ready.
	readyMu.Lock()
	if strings.Join(ready, " ") != "media/a.jpg media/a.jpg" {
		t.Errorf("ready hooks got %q", ready)
	}
	readyMu.Unlock()
	if st := lib.Stats(); st.Done != 2 || st.Failed != 0 || st.Queued != 0 {
		t.Errorf("stats %+v, want 2 done", st)
	}
	for _, v := range p.Variants() {
		if file, _, ok := lib.Variant(v.Name); !ok || file == "" {
			t.Errorf("%s not on disk", v.Name)
		}
	}
	if _, _, ok := lib.Lookup("media/logo.svg", UseBody, Center); ok {
		t.Error("an SVG got variants")
	}

	// A restart finds the variants on disk: ready without processing.
	lib2, err := Open(dir, Options{Workers: 1}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	lib2.Sync(fsys, refs[:2])
	if _, st, _ := lib2.Lookup("media/a.jpg", UseCover, Center); !st.Ready {
		t.Error("a restart does not find the variants already made")
	}
	lib2.Close()

	// A changed source gets new names; the old files go after Grace.
	fsys["media/a.jpg"] = &fstest.MapFile{Data: encodeJPEG(t, photo(600, 400)), ModTime: time.Unix(2, 0)}
	lib.Sync(fsys, refs[:2])
	p2, _, _ := lib.Lookup("media/a.jpg", UseCover, Center)
	if p2.Ladder[0].Name == name {
		t.Fatal("a changed source kept its names")
	}
	if err := lib.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, name[:2], name)
	if _, err := os.Stat(old); err != nil {
		t.Errorf("old variant removed before its grace: %v", err)
	}
	now = now.Add(2 * time.Hour)
	lib.Sync(fsys, refs[:2])
	if _, err := os.Stat(old); err == nil {
		t.Error("old variant still there after its grace")
	}
	if file, _, ok := lib.Variant(p2.Ladder[0].Name); !ok || file == "" {
		t.Error("new variant collected")
	}
	if _, _, ok := lib.Variant("../../etc/passwd"); ok {
		t.Error("a path outside the cache is served")
	}
}

// TestPixelBudget: however many images arrive at once, the pixels being
// processed never exceed the budget (here one image's worth: two workers
// take turns), and every image is made.
func TestPixelBudget(t *testing.T) {
	fsys := fstest.MapFS{}
	var refs []Ref
	for i := range 4 {
		name := "media/p" + string(rune('a'+i)) + ".jpg"
		fsys[name] = &fstest.MapFile{Data: encodeJPEG(t, photo(400+i, 300))}
		refs = append(refs, Ref{Path: name, Use: UseBody, Focus: Center})
	}
	budget := int64(403 * 300)
	lib, err := Open(t.TempDir(), Options{Workers: 2, PixelBudget: budget}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	lib.Sync(fsys, refs)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := lib.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range refs {
		if _, st, _ := lib.Lookup(r.Path, UseBody, Center); !st.Ready {
			t.Errorf("%s not made", r.Path)
		}
	}
	if peak := lib.peak.Load(); peak > budget || peak == 0 {
		t.Errorf("peak %d pixels in flight, budget %d", peak, budget)
	}
}

func TestShareCard(t *testing.T) {
	img, err := ShareCard("Voter depuis l’étranger : le mode d’emploi complet, du registre à l’urne, pour les élections de 2027 et au-delà", "Actualités politiques", "Horizons")
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 630 {
		t.Fatalf("size %v", b)
	}
	// Text was drawn: cream pixels in the title's area, sun ones in the
	// rubrique's, and the background elsewhere.
	count := func(r image.Rectangle, c color.RGBA) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if img.RGBAAt(x, y) == c {
					n++
				}
			}
		}
		return n
	}
	if n := count(image.Rect(80, 230, 1120, 520), cardCream); n < 5000 {
		t.Errorf("%d title pixels", n)
	}
	if n := count(image.Rect(80, 120, 700, 160), cardSun); n < 500 {
		t.Errorf("%d rubrique pixels", n)
	}
	if img.RGBAAt(1190, 10) != cardNavy {
		t.Errorf("background %v", img.RGBAAt(1190, 10))
	}
	p := NewCardPlan("Titre", "Rubrique", "Horizons")
	if len(p.Extra) != 1 || p.Extra[0].Width != 1200 || p.Extra[0].Height != 630 || p.Extra[0].Format != "png" {
		t.Errorf("plan %+v", p.Extra)
	}
	if q := NewCardPlan("Titre modifié", "Rubrique", "Horizons"); q.Extra[0].Name == p.Extra[0].Name {
		t.Error("a new title keeps the card's name")
	}
}

// An animated GIF gets variants of its first frame, a still poster; the
// second frame, of another colour, must not show in them.
func TestAnimatedGIFPoster(t *testing.T) {
	pal := color.Palette{color.RGBA{220, 20, 20, 255}, color.RGBA{20, 20, 220, 255}}
	red := image.NewPaletted(image.Rect(0, 0, 480, 270), pal)
	blue := image.NewPaletted(image.Rect(0, 0, 480, 270), pal)
	for i := range blue.Pix {
		blue.Pix[i] = 1
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{red, blue}, Delay: []int{50, 50}}); err != nil {
		t.Fatal(err)
	}
	p, out, res := render(t, "a.gif", b.Bytes(), UseCover, Center)
	if !p.Source.Info.Animated {
		t.Fatal("not seen as animated")
	}
	names := map[string]bool{}
	for _, v := range p.Variants() {
		names[v.Name] = true // the 16:9 1200 crop of a narrow source is its largest ladder step
	}
	if len(p.Ladder) == 0 || len(p.Extra) != 4 || len(out) != len(names) {
		t.Fatalf("%d ladder, %d extra, %d written", len(p.Ladder), len(p.Extra), len(out))
	}
	if res.Color.R < 180 || res.Color.B > 60 {
		t.Errorf("poster colour %v, want the first frame's red", res.Color)
	}
	for _, v := range p.Variants() {
		if v.Format != "jpeg" {
			continue
		}
		m, err := jpeg.Decode(bytes.NewReader(out[v.Name]))
		if err != nil {
			t.Fatal(err)
		}
		if r, _, bl, _ := m.At(v.Width/2, v.Height/2).RGBA(); r>>8 < 180 || bl>>8 > 60 {
			t.Errorf("%s: centre (%d, %d) red/blue, want the first frame", v.Name, r>>8, bl>>8)
		}
	}

	// The library plans it like any other image.
	lib, err := Open(t.TempDir(), Options{Workers: 1}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	fsys := fstest.MapFS{"media/a.gif": {Data: b.Bytes()}}
	if probs := lib.Sync(fsys, []Ref{{Path: "media/a.gif", Use: UseCover, Focus: Center}}); len(probs) != 0 {
		t.Fatal(probs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := lib.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if _, st, ok := lib.Lookup("media/a.gif", UseCover, Center); !ok || !st.Ready {
		t.Errorf("poster plan: found %v, state %+v", ok, st)
	}
}

// TestRestartReadsNothing: a restart over unchanged files takes what it
// knows of each source from the index in the cache folder, and the
// variants from their manifests: it opens no source file. A changed file,
// and only it, is read again.
func TestRestartReadsNothing(t *testing.T) {
	dir := t.TempDir()
	fsys := fstest.MapFS{
		"media/a.jpg":       {Data: encodeJPEG(t, photo(500, 300)), ModTime: time.Unix(10, 0)},
		"media/b.png":       {Data: encodePNG(t, photo(300, 200)), ModTime: time.Unix(11, 0)},
		"media/bomb.png":    {Data: bombPNG(50000, 50000), ModTime: time.Unix(12, 0)},
		"media/unused.webp": {Data: []byte("RIFF\x10\x00\x00\x00WEBPVP8 junk"), ModTime: time.Unix(13, 0)},
	}
	refs := []Ref{{Path: "media/a.jpg", Use: UseCover, Focus: Center}, {Path: "media/b.png", Use: UseBody, Focus: Center}, {Path: "media/bomb.png", Use: UseBody, Focus: Center}}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := func() (*Library, map[string]error, map[string]error) {
		lib, err := Open(dir, Options{Workers: 1}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		problems := lib.Sync(fsys, refs)
		unnamed := lib.Check(fsys, []string{"media/unused.webp"})
		if err := lib.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		return lib, problems, unnamed
	}
	first, problems, unnamed := start()
	if got := first.Reads(); got != 4 {
		t.Errorf("first start read %d files, want 4", got)
	}
	first.Close()

	second, problems2, unnamed2 := start()
	if got := second.Reads(); got != 0 {
		t.Errorf("restart read %d files, want 0", got)
	}
	if _, st, ok := second.Lookup("media/a.jpg", UseCover, Center); !ok || !st.Ready {
		t.Errorf("after the restart the cover is not ready: %v %+v", ok, st)
	}
	for name, pair := range map[string][2]map[string]error{"problems": {problems, problems2}, "unnamed": {unnamed, unnamed2}} {
		a, b := pair[0], pair[1]
		if len(a) != 1 || len(b) != 1 {
			t.Fatalf("%s: %v then %v, want one each", name, a, b)
		}
		for p, err := range a {
			if b[p] == nil || b[p].Error() != err.Error() || KindOf(b[p]) != KindOf(err) {
				t.Errorf("%s of %s: %v then %v", name, p, err, b[p])
			}
		}
	}
	second.Close()

	fsys["media/b.png"] = &fstest.MapFile{Data: encodePNG(t, photo(320, 200)), ModTime: time.Unix(20, 0)}
	third, _, _ := start()
	defer third.Close()
	if got := third.Reads(); got != 1 {
		t.Errorf("after one change the restart read %d files, want 1", got)
	}
	if p, _, _ := third.Lookup("media/b.png", UseBody, Center); p.Source.Info.Width != 320 {
		t.Errorf("changed file measured %d wide", p.Source.Info.Width)
	}

	// A damaged index is only work lost.
	if err := os.WriteFile(filepath.Join(dir, indexFile), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	fourth, _, _ := start()
	defer fourth.Close()
	if got := fourth.Reads(); got != 4 {
		t.Errorf("with a damaged index, read %d files, want 4", got)
	}
}
