package images

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strings"
)

// Browsers show an image without a profile, and every variant the site
// makes, as sRGB. A photo exported in Display P3 (every recent iPhone),
// Adobe RGB or ProPhoto whose pixels were copied unchanged would look dull
// and shifted, so its pixels are converted to sRGB when variants are made.
//
// Only matrix/TRC profiles are read: three colorants (rXYZ, gXYZ, bXYZ)
// and three tone curves (rTRC, gTRC, bTRC), which is what those RGB
// working spaces ship as. Profiles built on lookup tables (A2B0, mostly
// printer and CMYK profiles) are reported instead of guessed at. No pure-Go
// colour management library could be had here, and this subset is small.

// maxProfileBytes bounds an embedded ICC profile: the RGB working spaces
// are under 4 KB; a camera's may reach some hundred KB.
const maxProfileBytes = 1 << 20

// maxCurvePoints bounds a sampled tone curve (the format allows 2^32).
const maxCurvePoints = 1 << 16

// colorProfile is a matrix/TRC RGB profile.
type colorProfile struct {
	desc string
	// toXYZ maps linear RGB to the profile connection space, XYZ under
	// D50: its columns are the red, green and blue colorants.
	toXYZ  [3][3]float64
	curves [3]toneCurve
}

// toneCurve turns an encoded value (0 to 1) into a linear one.
type toneCurve struct {
	kind   int       // -1: sampled table; 0 to 4: ICC parametric function type
	params []float64 // g, a, b, c, d, e, f as the type has them
	table  []float64
}

func (c toneCurve) linear(x float64) float64 {
	if c.kind < 0 {
		n := len(c.table) - 1
		pos := x * float64(n)
		i := int(pos)
		if i >= n {
			return c.table[n]
		}
		f := pos - float64(i)
		return c.table[i]*(1-f) + c.table[i+1]*f
	}
	p := c.params
	pow := func(v float64) float64 {
		if v <= 0 {
			return 0
		}
		return math.Pow(v, p[0])
	}
	switch c.kind {
	case 0:
		return pow(x)
	case 1:
		if x >= -p[2]/p[1] {
			return pow(p[1]*x + p[2])
		}
		return 0
	case 2:
		if x >= -p[2]/p[1] {
			return pow(p[1]*x+p[2]) + p[3]
		}
		return p[3]
	case 3:
		if x >= p[4] {
			return pow(p[1]*x + p[2])
		}
		return p[3] * x
	default: // 4
		if x >= p[4] {
			return pow(p[1]*x+p[2]) + p[5]
		}
		return p[3]*x + p[6]
	}
}

var errProfileUnsupported = errors.New("unsupported ICC profile")

// parseProfile reads a matrix/TRC RGB profile from the bytes p.
func parseProfile(p []byte) (*colorProfile, error) {
	if len(p) < 132 || len(p) > maxProfileBytes || string(p[36:40]) != "acsp" {
		return nil, errProfileUnsupported
	}
	if string(p[16:20]) != "RGB " || string(p[20:24]) != "XYZ " {
		return nil, errProfileUnsupported
	}
	prof := &colorProfile{desc: iccDescription(p)}
	n := int(binary.BigEndian.Uint32(p[128:]))
	n = min(n, (len(p)-132)/12)
	var found [6]bool
	for k := range n {
		e := p[132+12*k:]
		off, size := int(binary.BigEndian.Uint32(e[4:])), int(binary.BigEndian.Uint32(e[8:]))
		if off < 0 || size < 8 || off > len(p) || size > len(p)-off {
			continue
		}
		d := p[off : off+size]
		switch sig := string(e[:4]); sig {
		case "rXYZ", "gXYZ", "bXYZ":
			col := strings.Index("rgb", sig[:1])
			if string(d[:4]) != "XYZ " || len(d) < 20 {
				return nil, errProfileUnsupported
			}
			for row := range 3 {
				prof.toXYZ[row][col] = s15Fixed16(d[8+4*row:])
			}
			found[col] = true
		case "rTRC", "gTRC", "bTRC":
			ch := strings.Index("rgb", sig[:1])
			c, err := parseCurve(d)
			if err != nil {
				return nil, err
			}
			prof.curves[ch] = c
			found[3+ch] = true
		}
	}
	for _, f := range found {
		if !f {
			return nil, errProfileUnsupported
		}
	}
	return prof, nil
}

func s15Fixed16(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) / 65536 }

// parseCurve reads a curv or para tag.
func parseCurve(d []byte) (toneCurve, error) {
	if len(d) < 12 {
		return toneCurve{}, errProfileUnsupported
	}
	switch string(d[:4]) {
	case "curv":
		count := int(binary.BigEndian.Uint32(d[8:]))
		switch {
		case count == 0:
			return toneCurve{kind: 0, params: []float64{1}}, nil
		case count == 1 && len(d) >= 14:
			return toneCurve{kind: 0, params: []float64{float64(binary.BigEndian.Uint16(d[12:])) / 256}}, nil
		case count >= 2 && count <= maxCurvePoints && 12+2*count <= len(d):
			t := make([]float64, count)
			for i := range t {
				t[i] = float64(binary.BigEndian.Uint16(d[12+2*i:])) / 65535
			}
			return toneCurve{kind: -1, table: t}, nil
		}
	case "para":
		kind := int(binary.BigEndian.Uint16(d[8:]))
		counts := []int{1, 3, 4, 5, 7}
		if kind >= len(counts) || 12+4*counts[kind] > len(d) {
			return toneCurve{}, errProfileUnsupported
		}
		ps := make([]float64, counts[kind])
		for i := range ps {
			ps[i] = s15Fixed16(d[12+4*i:])
		}
		if kind >= 1 && ps[1] == 0 {
			return toneCurve{}, errProfileUnsupported
		}
		return toneCurve{kind: kind, params: ps}, nil
	}
	return toneCurve{}, errProfileUnsupported
}

// srgbFromD50 maps XYZ under D50 (the ICC connection space) to linear
// sRGB: the inverse of sRGB's primaries, Bradford-adapted from D65.
var srgbFromD50 = [3][3]float64{
	{3.1338561, -1.6168667, -0.4906146},
	{-0.9787684, 1.9161415, 0.0334540},
	{0.0719453, -0.2289914, 1.4052427},
}

// converter turns 8-bit pixels of a profile into 8-bit sRGB.
type converter struct {
	in  [3][256]float32 // encoded value → linear, per channel
	m   [3][3]float32   // linear profile RGB → linear sRGB
	out [outSteps + 1]uint8
}

// outSteps is the resolution of the linear → sRGB table: one step is at
// most about one 8-bit level, in the darks where sRGB is steepest.
const outSteps = 4095

// newConverter returns the conversion from prof to sRGB, nil when prof is
// sRGB already (to within what 8 bits show).
func newConverter(prof *colorProfile) *converter {
	c := &converter{}
	var m [3][3]float64
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				m[i][j] += srgbFromD50[i][k] * prof.toXYZ[k][j]
			}
			c.m[i][j] = float32(m[i][j])
		}
	}
	same := true
	for i := range 3 {
		for j := range 3 {
			want := 0.0
			if i == j {
				want = 1
			}
			same = same && math.Abs(m[i][j]-want) < 0.01
		}
	}
	for ch := range 3 {
		for v := range 256 {
			lin := prof.curves[ch].linear(float64(v) / 255)
			c.in[ch][v] = float32(lin)
			same = same && math.Abs(lin-srgbLinear(float64(v)/255)) < 0.5/255
		}
	}
	if same {
		return nil
	}
	for i := range c.out {
		c.out[i] = uint8(math.Round(srgbEncode(float64(i)/outSteps) * 255))
	}
	return c
}

func srgbLinear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func srgbEncode(l float64) float64 {
	if l <= 0.0031308 {
		return 12.92 * l
	}
	return 1.055*math.Pow(l, 1/2.4) - 0.055
}

// apply converts img's pixels in place. Colours outside sRGB's gamut
// (P3's purest reds and greens) are clipped per channel.
func (c *converter) apply(pix []uint8) {
	enc := func(l float32) uint8 {
		if l <= 0 {
			return c.out[0]
		}
		if l >= 1 {
			return c.out[outSteps]
		}
		return c.out[int(l*outSteps+0.5)]
	}
	for i := 0; i+3 < len(pix); i += 4 {
		a := pix[i+3]
		if a == 0 {
			continue
		}
		r, g, b := pix[i], pix[i+1], pix[i+2]
		if a != 0xff { // premultiplied: the curves apply to straight values
			r, g, b = unpremul(r, a), unpremul(g, a), unpremul(b, a)
		}
		lr, lg, lb := c.in[0][r], c.in[1][g], c.in[2][b]
		or := enc(c.m[0][0]*lr + c.m[0][1]*lg + c.m[0][2]*lb)
		og := enc(c.m[1][0]*lr + c.m[1][1]*lg + c.m[1][2]*lb)
		ob := enc(c.m[2][0]*lr + c.m[2][1]*lg + c.m[2][2]*lb)
		if a != 0xff {
			or, og, ob = premul(or, a), premul(og, a), premul(ob, a)
		}
		pix[i], pix[i+1], pix[i+2] = or, og, ob
	}
}

func unpremul(v, a uint8) uint8 { return uint8(min(255, (int(v)*255+int(a)/2)/int(a))) }
func premul(v, a uint8) uint8   { return uint8((int(v)*int(a) + 127) / 255) }

// embeddedProfile returns the ICC profile that src carries, nil if none:
// a JPEG's APP2 chunks put back in order, a PNG's iCCP chunk, a WebP's
// ICCP chunk. It never fails: a damaged profile is treated as none.
func embeddedProfile(format string, src []byte) []byte {
	switch format {
	case "jpeg":
		return jpegProfile(src)
	case "png":
		return pngProfile(src)
	case "webp":
		return webpProfile(src)
	}
	return nil
}

func jpegProfile(src []byte) []byte {
	var chunks [256][]byte
	total := 0
	size := 0
	for i := 2; i+4 <= len(src) && src[i] == 0xff; {
		marker := src[i+1]
		if marker == 0xff {
			i++
			continue
		}
		if marker == 0xda || marker == 0xd9 {
			break
		}
		n := int(binary.BigEndian.Uint16(src[i+2:]))
		if n < 2 || i+2+n > len(src) {
			break
		}
		seg := src[i+4 : i+2+n]
		if marker == 0xe2 && bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00")) && len(seg) > 14 {
			seq, count := int(seg[12]), int(seg[13])
			if seq >= 1 && chunks[seq] == nil {
				chunks[seq] = seg[14:]
				total = max(total, count)
				size += len(seg) - 14
			}
		}
		i += 2 + n
	}
	if total == 0 || size > maxProfileBytes {
		return nil
	}
	out := make([]byte, 0, size)
	for seq := 1; seq <= total; seq++ {
		if chunks[seq] == nil {
			return nil // a chunk is missing: no profile rather than a wrong one
		}
		out = append(out, chunks[seq]...)
	}
	return out
}

func pngProfile(src []byte) []byte {
	for i := 8; i+12 <= len(src); {
		n := int(binary.BigEndian.Uint32(src[i:]))
		typ := string(src[i+4 : i+8])
		if n < 0 || n > len(src)-i-12 || typ == "IDAT" {
			return nil
		}
		if typ == "iCCP" {
			data := src[i+8 : i+8+n]
			z := bytes.IndexByte(data, 0)
			if z < 0 || z+2 > len(data) || data[z+1] != 0 { // 0: zlib
				return nil
			}
			r, err := zlib.NewReader(bytes.NewReader(data[z+2:]))
			if err != nil {
				return nil
			}
			p, err := io.ReadAll(io.LimitReader(r, maxProfileBytes+1))
			if err != nil || len(p) > maxProfileBytes {
				return nil
			}
			return p
		}
		i += 12 + n
	}
	return nil
}

func webpProfile(src []byte) []byte {
	for i := 12; i+8 <= len(src); {
		n := int(binary.LittleEndian.Uint32(src[i+4:]))
		if n < 0 || n > len(src)-i-8 {
			return nil
		}
		if string(src[i:i+4]) == "ICCP" {
			return src[i+8 : i+8+n]
		}
		i += 8 + n + n&1
	}
	return nil
}

// profileOf reads the profile of src: its description ("" without one),
// the converter to sRGB (nil when none is needed or possible) and whether
// the profile could not be used.
func profileOf(format string, src []byte) (desc string, conv *converter, unsupported bool) {
	p := embeddedProfile(format, src)
	if p == nil {
		return "", nil, false
	}
	prof, err := parseProfile(p)
	if err != nil {
		return iccDescription(p), nil, true
	}
	return prof.desc, newConverter(prof), false
}
