package images

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// UseShareCard is the share picture of an article without a cover: drawn
// from its title and rubrique, not from a file.
const UseShareCard Use = 100

// The site's colours (static/logo.svg).
var (
	cardNavy  = color.RGBA{0x12, 0x35, 0x5b, 0xff}
	cardCream = color.RGBA{0xf4, 0xf1, 0xea, 0xff}
	cardSun   = color.RGBA{0xe8, 0xa3, 0x3d, 0xff}
)

// CardPath is the name under which the library knows the share card of
// an article titled title in rubrique section of site: never a file's
// path (no file name holds a NUL byte).
func CardPath(title, section, site string) string {
	return "\x00card\x00" + site + "\x00" + section + "\x00" + title
}

// NewCardPlan is the plan of a share card: one 1200×630 PNG, whose flat
// colours PNG keeps sharp and small.
func NewCardPlan(title, section, site string) Plan {
	path := CardPath(title, section, site)
	src := Source{Path: path, Hash: Hash([]byte(path)), Info: Info{Format: "png", Width: 1200, Height: 630}}
	p := Plan{Source: src, Use: UseShareCard, Focus: Center}
	p.Key = Hash([]byte(fmt.Sprintf("%s|card|%s", version, src.Hash)))[:20]
	p.Extra = []Variant{p.variant(1200, 630, "png", ShareRatio)}
	return p
}

// Hash is the hex SHA-256 prefix that names sources.
func Hash(b []byte) string {
	return hashHex(b)
}

// ShareCard draws a 1200×630 picture: the rubrique in small capitals above
// the title, set in the Go fonts (embedded in the binary), on the site's
// navy with its sun-coloured rule.
func ShareCard(title, section, site string) (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 630))
	draw.Draw(img, img.Bounds(), image.NewUniform(cardNavy), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(80, 96, 200, 104), image.NewUniform(cardSun), image.Point{}, draw.Src)
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	face := func(f *opentype.Font, size float64) (font.Face, error) {
		return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	}
	small, err := face(regular, 30)
	if err != nil {
		return nil, err
	}
	defer small.Close()
	d := &font.Drawer{Dst: img, Src: image.NewUniform(cardSun), Face: small}
	d.Dot = fixed.P(80, 150)
	d.DrawString(strings.ToUpper(section))
	// The largest size at which the title fits in four lines.
	const maxWidth = 1040
	var lines []string
	var big font.Face
	for _, size := range []float64{72, 64, 56, 48, 42} {
		if big != nil {
			big.Close()
		}
		if big, err = face(bold, size); err != nil {
			return nil, err
		}
		lines = wrap(big, title, maxWidth)
		if len(lines) <= 4 {
			break
		}
	}
	defer big.Close()
	if len(lines) > 4 {
		lines = append(lines[:3], strings.TrimSpace(lines[3])+"…")
	}
	d = &font.Drawer{Dst: img, Src: image.NewUniform(cardCream), Face: big}
	lh := big.Metrics().Height.Ceil() + 6
	for i, l := range lines {
		d.Dot = fixed.P(80, 230+big.Metrics().Ascent.Ceil()+i*lh)
		d.DrawString(l)
	}
	d = &font.Drawer{Dst: img, Src: image.NewUniform(cardCream), Face: small}
	d.Dot = fixed.P(80, 570)
	d.DrawString(site)
	return img, nil
}

// wrap breaks s into lines no wider than max in face, at spaces (never at
// a no-break space: « : » stays with its word).
func wrap(face font.Face, s string, max int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Split(s, " ") {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && font.MeasureString(face, try).Ceil() > max {
			lines = append(lines, line)
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
