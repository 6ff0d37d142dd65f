// Package images owns the site's pictures: it measures and checks the files
// that editors drop (format, size, pixel count, EXIF orientation), turns each
// raster image into a ladder of resized, metadata-free variants (WebP plus a
// JPEG or PNG fallback) and keeps them in a content-addressed cache folder
// that can be deleted at any time and is rebuilt by a bounded pool of
// background workers. It knows nothing of HTTP, SQL or Markdown.
package images

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // DecodeConfig and Decode read the formats registered here
	_ "image/jpeg"
	_ "image/png"
	"path"
	"strings"

	xwebp "golang.org/x/image/webp"
)

// Limits on a source image. A photo from a current phone is 12 to 50
// megapixels and 3 to 15 MB; anything past these is a mistake or an attack.
const (
	// MaxBytes bounds the size of a source file that is read at all.
	MaxBytes = 25 << 20
	// MaxPixels bounds the pixels of a source image that is decoded:
	// 50 MP is about 200 MB once decoded to RGBA, the most one image may
	// take. The header is read first, so a decompression bomb (a tiny file
	// that claims 50,000 × 50,000 pixels) is refused before any pixel is.
	MaxPixels = 50_000_000
	// MaxAnimatedBytes bounds an animated GIF, which is served as it is.
	MaxAnimatedBytes = 5 << 20
)

// Info is what a page needs to know of a source image.
type Info struct {
	Format string // "jpeg", "png", "gif", "webp" or "svg"
	// Width and Height are the displayed size: after the EXIF rotation.
	Width, Height int
	Orientation   int  // EXIF orientation, 1 (as stored) to 8
	Alpha         bool // has transparency: the fallback is PNG, not JPEG
	Animated      bool // a GIF of several frames: served as it is
	// Profile is the description of the embedded ICC profile, "" if none.
	Profile string
	// ToSRGB says that the profile is another colour space than sRGB
	// (Display P3, Adobe RGB…) that variants are converted from.
	ToSRGB bool
	// Warnings are things the editor should know but that do not stop the
	// image (a CMYK JPEG, a 16-bit PNG, a colour profile other than sRGB).
	Warnings []string
}

// Raster reports whether variants are made of the image.
func (i Info) Raster() bool { return i.Format != "svg" }

// Kind says what went wrong with an image.
type Kind int

const (
	KindUnreadable Kind = iota + 1 // truncated, corrupt, not an image
	KindWrongExtension
	KindTooLarge  // bytes
	KindTooBig    // pixels
	KindSVGScript // an SVG that could run code
	KindUnsupported
)

// Error is a problem of one image, worded for editors (in French).
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// KindOf returns the Kind of err, 0 when it is not an image problem.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// extFormats maps file extensions to the format their bytes must have.
var extFormats = map[string]string{
	".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".gif": "gif", ".webp": "webp", ".svg": "svg",
}

// Supported reports whether name has the extension of an image format the
// site takes.
func Supported(name string) bool {
	_, ok := extFormats[strings.ToLower(path.Ext(name))]
	return ok
}

// ContentType is the media type of a format's files.
func ContentType(format string) string {
	switch format {
	case "svg":
		return "image/svg+xml"
	case "":
		return "application/octet-stream"
	}
	return "image/" + format
}

// FormatOf returns the format that name's extension announces, "" if none.
func FormatOf(name string) string { return extFormats[strings.ToLower(path.Ext(name))] }

// Probe checks the bytes src of the image file name and measures it
// without decoding its pixels. The error, an *Error, says in French what
// the editor should fix.
func Probe(name string, src []byte) (Info, error) {
	want, ok := extFormats[strings.ToLower(path.Ext(name))]
	if !ok {
		return Info{}, errorf(KindUnsupported, "format non pris en charge : utilisez JPEG, PNG, GIF, WebP ou SVG")
	}
	if len(src) > MaxBytes {
		return Info{}, errorf(KindTooLarge, "image trop lourde (%s, maximum %s) : exportez-la en JPEG de qualité 85 environ, 3 000 pixels de large au plus", megabytes(int64(len(src))), megabytes(MaxBytes))
	}
	if want == "svg" {
		return probeSVG(src)
	}
	cfg, got, err := decodeConfig(src)
	if err != nil {
		if sniffed := sniff(src); sniffed != "" && sniffed != want {
			return Info{}, errorf(KindWrongExtension, "le fichier est en réalité au format %s et non %s : renommez-le avec l'extension .%s", strings.ToUpper(sniffed), strings.ToUpper(want), extOf(sniffed))
		}
		return Info{}, errorf(KindUnreadable, "image illisible (fichier tronqué ou endommagé ?) : exportez-la de nouveau")
	}
	if got != want {
		return Info{}, errorf(KindWrongExtension, "le fichier est en réalité au format %s et non %s : renommez-le avec l'extension .%s", strings.ToUpper(got), strings.ToUpper(want), extOf(got))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, errorf(KindUnreadable, "image sans pixel (%d × %d)", cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxPixels {
		return Info{}, errorf(KindTooBig, "image trop grande (%d × %d pixels, soit %s Mpx ; maximum %d Mpx) : réduisez-la avant de la déposer", cfg.Width, cfg.Height, decimal(float64(px)/1e6), MaxPixels/1_000_000)
	}
	info := Info{Format: got, Width: cfg.Width, Height: cfg.Height, Orientation: 1, Alpha: hasAlpha(cfg.ColorModel)}
	switch got {
	case "jpeg":
		info.Orientation = scanJPEG(src).orientation
	case "png":
		info.Alpha = pngAlpha(src)
	}
	desc, conv, unsupported := profileOf(got, src)
	info.Profile, info.ToSRGB = desc, conv != nil
	info.Warnings = colorWarnings(got, cfg.ColorModel, desc, unsupported)
	switch got {
	case "gif":
		if gifFrames(src) > 1 {
			info.Animated = true
			if len(src) > MaxAnimatedBytes {
				return Info{}, errorf(KindTooLarge, "GIF animé trop lourd (%s, maximum %s) : il est servi tel quel ; raccourcissez-le ou préférez une vidéo", megabytes(int64(len(src))), megabytes(MaxAnimatedBytes))
			}
		}
	}
	if info.Orientation >= 5 {
		info.Width, info.Height = info.Height, info.Width
	}
	return info, nil
}

// hasAlpha reports whether images of color model m may be transparent.
func hasAlpha(m color.Model) bool {
	switch m {
	case color.NRGBAModel, color.NRGBA64Model, color.RGBAModel, color.RGBA64Model, color.AlphaModel, color.Alpha16Model, color.NYCbCrAModel:
		return true
	}
	if p, ok := m.(color.Palette); ok {
		for _, c := range p {
			if _, _, _, a := c.RGBA(); a != 0xffff {
				return true
			}
		}
	}
	return false
}

// sniff names the format of src from its first bytes, "" when unknown.
func sniff(src []byte) string {
	switch {
	case bytes.HasPrefix(src, []byte("\xff\xd8")):
		return "jpeg"
	case bytes.HasPrefix(src, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(src, []byte("GIF8")):
		return "gif"
	case len(src) >= 12 && string(src[:4]) == "RIFF" && string(src[8:12]) == "WEBP":
		return "webp"
	case len(src) >= 12 && string(src[4:8]) == "ftyp" && (string(src[8:12]) == "avif" || string(src[8:12]) == "heic"):
		return string(src[8:12])
	}
	return ""
}

func extOf(format string) string {
	if format == "jpeg" {
		return "jpg"
	}
	return format
}

// megabytes writes n bytes the French way: « 5,0 Mo ».
func megabytes(n int64) string { return decimal(float64(n)/(1<<20)) + "\u00a0Mo" }

func decimal(f float64) string { return strings.Replace(fmt.Sprintf("%.1f", f), ".", ",", 1) }

// decodeConfig reads an image's header. WebP goes to x/image/webp, the
// pure-Go decoder: the WebP encoder's package registers a decoder too,
// whose WebAssembly module would take a second or more to compile.
func decodeConfig(src []byte) (image.Config, string, error) {
	if sniff(src) == "webp" {
		cfg, err := xwebp.DecodeConfig(bytes.NewReader(src))
		return cfg, "webp", err
	}
	return image.DecodeConfig(bytes.NewReader(src))
}

// decodeImage decodes an image, WebP through x/image/webp (see decodeConfig).
func decodeImage(src []byte) (image.Image, error) {
	if sniff(src) == "webp" {
		return xwebp.Decode(bytes.NewReader(src))
	}
	m, _, err := image.Decode(bytes.NewReader(src))
	return m, err
}

// colorWarnings are what the editor should know of an image's colours:
// Go converts CMYK and 16-bit images to 8-bit RGB, and the site converts
// matrix RGB profiles (Display P3, Adobe RGB, ProPhoto) to sRGB, but a
// profile of another kind (lookup tables) cannot be read: unsupported.
func colorWarnings(format string, m color.Model, profile string, unsupported bool) []string {
	var w []string
	if format == "jpeg" && m == color.CMYKModel {
		w = append(w, "JPEG en CMJN (pour l'imprimerie) : ses couleurs sont converties sans profil et peuvent changer ; exportez-la en RVB (sRGB)")
	}
	if format == "png" && (m == color.RGBA64Model || m == color.NRGBA64Model || m == color.Gray16Model) {
		w = append(w, "PNG en 16 bits par couleur : réduit à 8 bits pour le web (le fichier d'origine est inutilement lourd)")
	}
	if unsupported && m != color.CMYKModel && !strings.Contains(strings.ToLower(profile), "srgb") {
		if profile == "" {
			profile = "sans nom"
		}
		w = append(w, fmt.Sprintf("profil de couleurs « %s » non pris en charge (ni sRGB, ni un profil RVB à matrice comme Display P3 ou Adobe RGB) : les couleurs peuvent changer ; exportez-la en sRGB", profile))
	}
	return w
}

// pngAlpha reports whether a PNG may be transparent: an alpha channel in
// its colour type, or a tRNS chunk before the image data.
func pngAlpha(src []byte) bool {
	if len(src) < 33 {
		return false
	}
	if ct := src[25]; ct == 4 || ct == 6 {
		return true
	}
	for i := 8; i+8 <= len(src); {
		n := int(uint32(src[i])<<24 | uint32(src[i+1])<<16 | uint32(src[i+2])<<8 | uint32(src[i+3]))
		switch string(src[i+4 : i+8]) {
		case "tRNS":
			return true
		case "IDAT", "IEND":
			return false
		}
		if n < 0 || i+12+n > len(src) {
			return false
		}
		i += 12 + n
	}
	return false
}
