package images

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gen2brain/webp"
	"golang.org/x/image/draw"
)

// version names the processing: changing the ladder, a quality or the
// resampling changes it, and with it every variant's name.
const version = "1"

// Ladder is the widths made of every image, the ones no wider than the
// source (a source narrower than the first is made at its own width).
var Ladder = []int{320, 480, 640, 960, 1280, 1600, 1920}

// Encoder settings. WebP's method 2 rather than the default 4: the
// encoder's WebAssembly memory, which grows by copies, allocates about
// 170 MB for a 1920-pixel variant instead of 305 MB, and takes less time,
// for files a few per cent larger.
const (
	jpegQuality = 80
	webpQuality = 72
	webpMethod  = 2
)

// Use says what an image is used for, which decides the shapes made of it.
type Use int

const (
	// UseBody is an image of an article's text: its own proportions.
	UseBody Use = iota
	// UseCover is an article's cover: a 16:9 crop around the focus point,
	// plus the crops that search engines and social networks ask for.
	UseCover
)

// Ratio is an aspect ratio; the zero Ratio keeps the source's own.
type Ratio struct{ W, H int }

// Cover ratios: the one pages show, those of Google's article guidelines
// (1200 pixels wide at least) and Open Graph's share image.
var (
	CoverRatio = Ratio{16, 9}
	Ratio4x3   = Ratio{4, 3}
	Ratio1x1   = Ratio{1, 1}
	ShareRatio = Ratio{1200, 630}
)

// Variant is one derived file.
type Variant struct {
	Name          string // file name, also the last segment of its URL
	Width, Height int
	Format        string // "webp", "jpeg" or "png"
	Ratio         Ratio
}

// Source is a source image as the site knows it: its bytes' hash and info.
type Source struct {
	Path string // slash-separated, in the content folder
	Hash string // of the bytes, hex
	Size int64
	// ModTime is the file's time when it was read, to tell whether the
	// file on disk is still these bytes.
	ModTime time.Time
	Info    Info
}

// Plan is everything made of one source for one use. Names are known from
// the plan alone, before any pixel is processed: pages can name variants
// that workers have not written yet.
type Plan struct {
	Key    string // identifies source, use, focus and processing
	Source Source
	Use    Use
	Focus  Focus
	// Ladder is the srcset: every width in WebP and in the fallback format.
	Ladder []Variant
	// Extra are the cover's single JPEGs: 1200 wide in 16:9, 4:3 and 1:1,
	// and the 1200×630 share image.
	Extra []Variant
}

// NewPlan returns the plan of src for use, cropped around focus where a
// crop is needed.
func NewPlan(src Source, use Use, focus Focus) Plan {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d|%.4f,%.4f", version, src.Hash, use, focus.X, focus.Y)
	if src.Info.ToSRGB {
		// Converted colours: other pixels than before conversion existed.
		fmt.Fprint(h, "|srgb")
	}
	key := hex.EncodeToString(h.Sum(nil))[:20]
	p := Plan{Key: key, Source: src, Use: use, Focus: focus}
	if !src.Info.Raster() || src.Info.Width <= 0 || src.Info.Height <= 0 {
		return p
	}
	fallback := "jpeg"
	if src.Info.Alpha {
		fallback = "png"
	}
	ratio := Ratio{}
	if use == UseCover {
		ratio = CoverRatio
	}
	cw, ch := cropSize(src.Info.Width, src.Info.Height, ratio)
	for _, w := range widths(cw) {
		hh := max(1, (w*ch+cw/2)/cw)
		for _, f := range []string{"webp", fallback} {
			p.Ladder = append(p.Ladder, p.variant(w, hh, f, ratio))
		}
	}
	if use == UseCover {
		for _, r := range []Ratio{CoverRatio, Ratio4x3, Ratio1x1, ShareRatio} {
			cw, ch := cropSize(src.Info.Width, src.Info.Height, r)
			w := min(1200, cw)
			hh := max(1, (w*ch+cw/2)/cw)
			if r == ShareRatio {
				// Social networks show it at this size: a smaller cover
				// is enlarged rather than shown in a corner.
				w, hh = 1200, 630
			}
			p.Extra = append(p.Extra, p.variant(w, hh, "jpeg", r))
		}
	}
	return p
}

func (p Plan) variant(w, h int, format string, r Ratio) Variant {
	tag := ""
	if r != (Ratio{}) {
		tag = fmt.Sprintf("-%dx%d", r.W, r.H)
	}
	return Variant{
		Name:  fmt.Sprintf("%s%s-%dx%d.%s", p.Key, tag, w, h, extOf(format)),
		Width: w, Height: h, Format: format, Ratio: r,
	}
}

// Variants returns every file of the plan.
func (p Plan) Variants() []Variant { return append(slices.Clip(p.Ladder), p.Extra...) }

// Largest returns the widest ladder variant of format, false when none.
func (p Plan) Largest(format string) (Variant, bool) {
	var best Variant
	for _, v := range p.Ladder {
		if v.Format == format && v.Width > best.Width {
			best = v
		}
	}
	return best, best.Width > 0
}

// Extra returns the cover's variant of ratio r, false when none.
func (p Plan) ExtraOf(r Ratio) (Variant, bool) {
	for _, v := range p.Extra {
		if v.Ratio == r {
			return v, true
		}
	}
	return Variant{}, false
}

// widths are the ladder's widths for a source w pixels wide.
func widths(w int) []int {
	var out []int
	for _, l := range Ladder {
		if l <= w {
			out = append(out, l)
		}
	}
	// A source between two steps is also made at its own width, the
	// sharpest the layout can show.
	if len(out) == 0 || (out[len(out)-1] < w && w < Ladder[len(Ladder)-1]) {
		out = append(out, w)
	}
	return out
}

// cropSize is the largest w×h of ratio r inside a width×height image.
func cropSize(width, height int, r Ratio) (int, int) {
	if r == (Ratio{}) {
		return width, height
	}
	if width*r.H > height*r.W { // wider than r: keep the height
		return max(1, height*r.W/r.H), height
	}
	return width, max(1, width*r.H/r.W)
}

// cropRect places the crop of ratio r in a width×height image so that the
// focus point is as near its centre as the edges allow.
func cropRect(width, height int, r Ratio, f Focus) image.Rectangle {
	cw, ch := cropSize(width, height, r)
	x := int(f.X*float64(width)) - cw/2
	y := int(f.Y*float64(height)) - ch/2
	x = max(0, min(x, width-cw))
	y = max(0, min(y, height-ch))
	return image.Rect(x, y, x+cw, y+ch)
}

// Focus is the point of an image to keep in a crop, each coordinate from
// 0 (left, top) to 1 (right, bottom).
type Focus struct{ X, Y float64 }

// Center is the default focus.
var Center = Focus{0.5, 0.5}

// ParseFocus reads image_focus: « center », « top », « bottom left »… or
// « 30% 40% » (horizontal, then vertical). The error is in French.
func ParseFocus(s string) (Focus, error) {
	f := Center
	words := strings.Fields(strings.ToLower(s))
	if len(words) == 0 || len(words) > 2 {
		return Center, fmt.Errorf("point de cadrage « %s » illisible : écrivez center, top, bottom, left, right (ou deux d'entre eux, « top left »), ou deux pourcentages « 30%% 40%% »", s)
	}
	if strings.HasSuffix(words[0], "%") {
		if len(words) != 2 {
			return Center, fmt.Errorf("point de cadrage « %s » : donnez deux pourcentages, horizontal puis vertical, par exemple « 30%% 40%% »", s)
		}
		for i, w := range words {
			v, err := strconv.ParseFloat(strings.TrimSuffix(w, "%"), 64)
			if err != nil || !strings.HasSuffix(w, "%") || v < 0 || v > 100 {
				return Center, fmt.Errorf("point de cadrage « %s » : chaque valeur est un pourcentage de 0%% à 100%%", s)
			}
			if i == 0 {
				f.X = v / 100
			} else {
				f.Y = v / 100
			}
		}
		return f, nil
	}
	for _, w := range words {
		switch w {
		case "center", "centre":
		case "top", "haut":
			f.Y = 0
		case "bottom", "bas":
			f.Y = 1
		case "left", "gauche":
			f.X = 0
		case "right", "droite":
			f.X = 1
		default:
			return Center, fmt.Errorf("point de cadrage « %s » illisible : écrivez center, top, bottom, left, right (ou deux d'entre eux, « top left »), ou deux pourcentages « 30%% 40%% »", s)
		}
	}
	return f, nil
}

// Result is what processing learnt beyond the plan.
type Result struct {
	Color color.RGBA // the average colour, the placeholder behind the image
}

// Render decodes src, the bytes of p.Source, once, and calls write with
// every variant of the plan, encoded. Re-encoding drops every metadata
// segment of the source: no EXIF (GPS position, camera serial) reaches
// readers.
func Render(p Plan, src []byte, write func(Variant, []byte) error) (Result, error) {
	img, err := decode(src, p.Source.Info)
	if err != nil {
		return Result{}, err
	}
	res := Result{Color: average(img)}
	// Variants of one ratio are made from the largest down, each from the
	// one before: resampling a 12-megapixel photo once, not seven times.
	groups := map[Ratio][]Variant{}
	for _, v := range p.Variants() {
		groups[v.Ratio] = append(groups[v.Ratio], v)
	}
	ratios := make([]Ratio, 0, len(groups))
	for r := range groups {
		ratios = append(ratios, r)
	}
	slices.SortFunc(ratios, func(a, b Ratio) int { return a.W*1000/max(1, a.H) - b.W*1000/max(1, b.H) })
	var buf bytes.Buffer
	for _, r := range ratios {
		vs := groups[r]
		slices.SortStableFunc(vs, func(a, b Variant) int { return b.Width - a.Width })
		var prev *image.RGBA = nil
		var crop image.Image = img
		if r != (Ratio{}) {
			cr := cropRect(img.Bounds().Dx(), img.Bounds().Dy(), r, p.Focus)
			crop = img.SubImage(cr)
		}
		for _, v := range vs {
			var scaled *image.RGBA
			switch {
			case prev != nil && prev.Bounds().Dx() == v.Width && prev.Bounds().Dy() == v.Height:
				scaled = prev
			case prev != nil && prev.Bounds().Dx() >= v.Width:
				scaled = resize(prev, v.Width, v.Height)
			default:
				scaled = resize(crop, v.Width, v.Height)
			}
			prev = scaled
			buf.Reset()
			if err := encode(&buf, scaled, v.Format); err != nil {
				return res, fmt.Errorf("encode %s: %w", v.Name, err)
			}
			if err := write(v, buf.Bytes()); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// decode decodes src into premultiplied RGBA with the EXIF orientation
// applied; CMYK, 16-bit and palette images are converted to 8-bit RGB(A),
// and colours of another RGB space than sRGB to sRGB.
func decode(src []byte, info Info) (*image.RGBA, error) {
	if info.Width*info.Height > MaxPixels {
		return nil, errorf(KindTooBig, "image trop grande")
	}
	m, err := decodeImage(src)
	if err != nil {
		return nil, errorf(KindUnreadable, "image illisible (fichier tronqué ou endommagé ?) : exportez-la de nouveau")
	}
	img := toRGBA(m)
	if info.ToSRGB {
		if _, conv, _ := profileOf(info.Format, src); conv != nil {
			conv.apply(img.Pix)
		}
	}
	return orient(img, info.Orientation), nil
}

// toRGBA converts any decoded image (YCbCr, CMYK, 16-bit, paletted) to
// 8-bit premultiplied RGBA, through the colour models of the image package.
func toRGBA(m image.Image) *image.RGBA {
	if rgba, ok := m.(*image.RGBA); ok && rgba.Bounds().Min == (image.Point{}) {
		return rgba
	}
	rgba := image.NewRGBA(image.Rect(0, 0, m.Bounds().Dx(), m.Bounds().Dy()))
	draw.Draw(rgba, rgba.Bounds(), m, m.Bounds().Min, draw.Src)
	return rgba
}

// resize scales src to w×h. BiLinear, which x/image/draw widens to the
// scale factor when shrinking, averages every source pixel at a quarter of
// Catmull-Rom's cost; the sharpness lost is not visible at these ratios.
//
// The kernel scaler keeps a float64 buffer of dst width × src height × 4
// channels: 138 MB for a 12-megapixel photo scaled straight to 1920 px.
// Halving first (each pixel the mean of four) quarters the source it sees
// and is itself an exact box filter.
func resize(src image.Image, w, h int) *image.RGBA {
	for src.Bounds().Dx() >= 2*w && src.Bounds().Dy() >= 2*h {
		src = halve(src)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst
}

// halve returns src at half its size, each pixel the mean of four.
func halve(m image.Image) *image.RGBA {
	src, ok := m.(*image.RGBA)
	if !ok {
		src = toRGBA(m)
	}
	b := src.Bounds()
	dw, dh := b.Dx()/2, b.Dy()/2
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		r0 := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+2*y):]
		r1 := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+2*y+1):]
		out := dst.Pix[y*dst.Stride:]
		for x := 0; x < dw; x++ {
			i := 8 * x
			for c := 0; c < 4; c++ {
				out[4*x+c] = uint8((int(r0[i+c]) + int(r0[i+4+c]) + int(r1[i+c]) + int(r1[i+4+c]) + 2) / 4)
			}
		}
	}
	return dst
}

func encode(buf *bytes.Buffer, img *image.RGBA, format string) error {
	switch format {
	case "jpeg":
		return jpeg.Encode(buf, img, &jpeg.Options{Quality: jpegQuality})
	case "png":
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		return enc.Encode(buf, img)
	case "webp":
		// The encoder takes straight (non-premultiplied) alpha.
		var m image.Image = img
		if !opaque(img) {
			n := image.NewNRGBA(img.Bounds())
			draw.Draw(n, n.Bounds(), img, image.Point{}, draw.Src)
			m = n
		}
		return webp.Encode(buf, m, webp.Options{Quality: webpQuality, Method: webpMethod})
	}
	return fmt.Errorf("unknown format %q", format)
}

func opaque(img *image.RGBA) bool {
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 0xff {
			return false
		}
	}
	return true
}

// average is the mean colour of img, sampled on a grid of at most 64×64.
func average(img *image.RGBA) color.RGBA {
	b := img.Bounds()
	sx, sy := max(1, b.Dx()/64), max(1, b.Dy()/64)
	var r, g, bl, n uint64
	for y := b.Min.Y; y < b.Max.Y; y += sy {
		for x := b.Min.X; x < b.Max.X; x += sx {
			i := img.PixOffset(x, y)
			a := uint64(img.Pix[i+3])
			// Transparent pixels show the page's background: count them as white.
			r += uint64(img.Pix[i]) + 255 - a
			g += uint64(img.Pix[i+1]) + 255 - a
			bl += uint64(img.Pix[i+2]) + 255 - a
			n++
		}
	}
	return color.RGBA{uint8(r / n), uint8(g / n), uint8(bl / n), 255}
}

// orient applies EXIF orientation o (1 to 8) to img.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return img
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // rotated 180°
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored vertically
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // rotated 90° clockwise to display
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // rotated 90° anticlockwise to display
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dy*dst.Stride+dx*4:dy*dst.Stride+dx*4+4], row[x*4:x*4+4])
		}
	}
	return dst
}
