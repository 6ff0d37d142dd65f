package images

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"strings"
	"testing"
)

// The test profiles are built here from the colour spaces' published
// chromaticities, the way a profile maker does: primaries and white point
// give RGB → XYZ, Bradford adapts it to D50 (the ICC connection space).

type xy struct{ x, y float64 }

var (
	whiteD65 = xy{0.3127, 0.3290}
	whiteD50 = xy{0.3457, 0.3585}
)

func xyz(c xy) [3]float64 { return [3]float64{c.x / c.y, 1, (1 - c.x - c.y) / c.y} }

func mul(a, b [3][3]float64) [3][3]float64 {
	var m [3][3]float64
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				m[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return m
}

func apply3(m [3][3]float64, v [3]float64) [3]float64 {
	var o [3]float64
	for i := range 3 {
		o[i] = m[i][0]*v[0] + m[i][1]*v[1] + m[i][2]*v[2]
	}
	return o
}

func inverse(m [3][3]float64) [3][3]float64 {
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	var inv [3][3]float64
	for i := range 3 {
		for j := range 3 {
			a, b := (j+1)%3, (j+2)%3
			c, d := (i+1)%3, (i+2)%3
			inv[i][j] = (m[a][c]*m[b][d] - m[a][d]*m[b][c]) / det
		}
	}
	return inv
}

// toD50 is RGB → XYZ(D50) of a space with primaries r, g, b and white w.
func toD50(r, g, b, w xy) [3][3]float64 {
	var p [3][3]float64
	for j, c := range []xy{r, g, b} {
		v := xyz(c)
		for i := range 3 {
			p[i][j] = v[i]
		}
	}
	s := apply3(inverse(p), xyz(w))
	for i := range 3 {
		for j := range 3 {
			p[i][j] *= s[j]
		}
	}
	bradford := [3][3]float64{{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}}
	src, dst := apply3(bradford, xyz(w)), apply3(bradford, xyz(whiteD50))
	scale := [3][3]float64{{dst[0] / src[0], 0, 0}, {0, dst[1] / src[1], 0}, {0, 0, dst[2] / src[2]}}
	return mul(mul(mul(inverse(bradford), scale), bradford), p)
}

var (
	displayP3 = toD50(xy{0.680, 0.320}, xy{0.265, 0.690}, xy{0.150, 0.060}, whiteD65)
	adobeRGB  = toD50(xy{0.640, 0.330}, xy{0.210, 0.710}, xy{0.150, 0.060}, whiteD65)
	sRGBD50   = toD50(xy{0.640, 0.330}, xy{0.300, 0.600}, xy{0.150, 0.060}, whiteD65)
)

func s15(v float64) []byte {
	return binary.BigEndian.AppendUint32(nil, uint32(int32(math.Round(v*65536))))
}

// sRGB's tone curve as ICC parametric function type 3, as Display P3 has it.
func srgbPara() []byte {
	b := []byte("para\x00\x00\x00\x00\x00\x03\x00\x00")
	for _, v := range []float64{2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045} {
		b = append(b, s15(v)...)
	}
	return b
}

// gammaCurv is a pure gamma curve; Adobe RGB's is 563/256.
func gammaCurv(g256 uint16) []byte {
	return binary.BigEndian.AppendUint16([]byte("curv\x00\x00\x00\x00\x00\x00\x00\x01"), g256)
}

// buildProfile writes an ICC v4 display profile with the given tags.
func buildProfile(space string, tags map[string][]byte) []byte {
	names := []string{"desc", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC", "A2B0"}
	var sigs []string
	for _, n := range names {
		if tags[n] != nil {
			sigs = append(sigs, n)
		}
	}
	off := 132 + 12*len(sigs)
	var table, data bytes.Buffer
	for _, s := range sigs {
		d := tags[s]
		table.WriteString(s)
		binary.Write(&table, binary.BigEndian, []uint32{uint32(off + data.Len()), uint32(len(d))})
		data.Write(d)
		for data.Len()%4 != 0 {
			data.WriteByte(0)
		}
	}
	h := make([]byte, 128)
	binary.BigEndian.PutUint32(h, uint32(132+table.Len()+data.Len()))
	binary.BigEndian.PutUint32(h[8:], 0x04300000)
	copy(h[12:], "mntr")
	copy(h[16:], space)
	copy(h[20:], "XYZ ")
	copy(h[36:], "acsp")
	out := append(h, binary.BigEndian.AppendUint32(nil, uint32(len(sigs)))...)
	out = append(out, table.Bytes()...)
	return append(out, data.Bytes()...)
}

func descTag(s string) []byte {
	b := []byte("desc\x00\x00\x00\x00")
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)+1))
	// Then the Unicode and ScriptCode parts of the v2 type, empty.
	return append(append(append(b, s...), 0), make([]byte, 78)...)
}

func matrixProfile(desc string, m [3][3]float64, trc []byte) []byte {
	tags := map[string][]byte{"desc": descTag(desc), "rTRC": trc, "gTRC": trc, "bTRC": trc}
	for j, s := range []string{"rXYZ", "gXYZ", "bXYZ"} {
		d := []byte("XYZ \x00\x00\x00\x00")
		for i := range 3 {
			d = append(d, s15(m[i][j])...)
		}
		tags[s] = d
	}
	return buildProfile("RGB ", tags)
}

// withICC inserts profile into a JPEG as APP2 chunks of at most chunk bytes.
func withICC(jpg, profile []byte, chunk int) []byte {
	var out bytes.Buffer
	out.Write(jpg[:2])
	n := (len(profile) + chunk - 1) / chunk
	for k := range n {
		part := profile[k*chunk : min(len(profile), (k+1)*chunk)]
		seg := append([]byte("ICC_PROFILE\x00"), byte(k+1), byte(n))
		seg = append(seg, part...)
		out.Write([]byte{0xff, 0xe2})
		binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
		out.Write(seg)
	}
	out.Write(jpg[2:])
	return out.Bytes()
}

// pngWithICC inserts an iCCP chunk after the IHDR of a PNG.
func pngWithICC(pngb, profile []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(profile)
	w.Close()
	chunk := pngChunk("iCCP", append([]byte("test\x00\x00"), z.Bytes()...))
	end := 8 + 25 // signature + IHDR
	return append(append(bytes.Clone(pngb[:end]), chunk...), pngb[end:]...)
}

func flat(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// expectSRGB converts an encoded colour of a space to 8-bit sRGB through
// that space's published linear conversion matrix to linear sRGB, another
// path than the code's (profile colorants, then XYZ under D50).
func expectSRGB(c color.RGBA, decode func(float64) float64, toSRGB [3][3]float64) [3]float64 {
	lin := [3]float64{decode(float64(c.R) / 255), decode(float64(c.G) / 255), decode(float64(c.B) / 255)}
	o := apply3(toSRGB, lin)
	for i := range o {
		o[i] = 255 * srgbEncode(math.Max(0, math.Min(1, o[i])))
	}
	return o
}

var (
	p3ToSRGB    = [3][3]float64{{1.2249401, -0.2249404, 0}, {-0.0420569, 1.0420571, 0}, {-0.0196376, -0.0786361, 1.0982735}}
	adobeToSRGB = [3][3]float64{{1.3982832, -0.3982831, 0}, {0, 1, 0}, {0, -0.0429383, 1.0429383}}
)

func TestConvertToSRGB(t *testing.T) {
	adobeGamma := func(v float64) float64 { return math.Pow(v, 563.0/256) }
	colours := []color.RGBA{{200, 100, 50, 255}, {30, 160, 220, 255}, {128, 128, 128, 255}, {10, 5, 2, 255}}
	cases := []struct {
		name    string
		profile []byte
		decode  func(float64) float64
		matrix  [3][3]float64
	}{
		{"Display P3", matrixProfile("Display P3", displayP3, srgbPara()), srgbLinear, p3ToSRGB},
		{"Adobe RGB (1998)", matrixProfile("Adobe RGB (1998)", adobeRGB, gammaCurv(563)), adobeGamma, adobeToSRGB},
	}
	for _, tc := range cases {
		t.Run(tc.name+" PNG, exact pixels", func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, len(colours), 1))
			for x, c := range colours {
				img.SetRGBA(x, 0, c)
			}
			src := pngWithICC(encodePNG(t, img), tc.profile)
			info, err := Probe("a.png", src)
			if err != nil {
				t.Fatal(err)
			}
			if !info.ToSRGB || info.Profile != tc.name || len(info.Warnings) != 0 {
				t.Fatalf("info %+v, want a %s profile to convert, no warning", info, tc.name)
			}
			got, err := decode(src, info)
			if err != nil {
				t.Fatal(err)
			}
			for x, c := range colours {
				want := expectSRGB(c, tc.decode, tc.matrix)
				g := got.RGBAAt(x, 0)
				for i, v := range []uint8{g.R, g.G, g.B} {
					if math.Abs(float64(v)-want[i]) > 1.5 {
						t.Errorf("%v became %v, want about %.1f", c, g, want)
						break
					}
				}
			}
			// Grey stays grey: both spaces have D65 as white.
			if g := got.RGBAAt(2, 0); g.R != g.G || g.G != g.B {
				t.Errorf("grey became %v", g)
			}
		})
		t.Run(tc.name+" JPEG in two APP2 chunks, through Render", func(t *testing.T) {
			c := colours[0]
			src := withICC(encodeJPEG(t, flat(400, 300, c)), tc.profile, 300)
			p, out, _ := render(t, "a.jpg", src, UseBody, Center)
			if !p.Source.Info.ToSRGB {
				t.Fatal("profile not seen")
			}
			want := expectSRGB(c, tc.decode, tc.matrix)
			for _, v := range p.Ladder {
				if v.Format != "jpeg" {
					continue
				}
				m, err := jpeg.Decode(bytes.NewReader(out[v.Name]))
				if err != nil {
					t.Fatal(err)
				}
				r, g, b, _ := m.At(v.Width/2, v.Height/2).RGBA()
				for i, got := range []uint32{r >> 8, g >> 8, b >> 8} {
					if math.Abs(float64(got)-want[i]) > 4 {
						t.Errorf("%s: %v became (%d %d %d), want about %.1f", v.Name, c, r>>8, g>>8, b>>8, want)
						break
					}
				}
			}
		})
	}
}

func TestProfilesLeftAlone(t *testing.T) {
	jpg := encodeJPEG(t, flat(40, 30, color.RGBA{200, 100, 50, 255}))
	plain, _ := Probe("a.jpg", jpg)
	t.Run("an sRGB profile converts nothing and keeps the names", func(t *testing.T) {
		info, err := Probe("a.jpg", withICC(jpg, matrixProfile("sRGB IEC61966-2.1", sRGBD50, srgbPara()), 1000))
		if err != nil || info.ToSRGB || len(info.Warnings) != 0 {
			t.Fatalf("info %+v, err %v", info, err)
		}
		a := NewPlan(Source{Hash: "h", Info: info}, UseBody, Center)
		b := NewPlan(Source{Hash: "h", Info: plain}, UseBody, Center)
		if a.Key != b.Key {
			t.Error("an sRGB profile changed the variants' names")
		}
	})
	t.Run("a lookup-table profile is reported in French", func(t *testing.T) {
		lut := buildProfile("RGB ", map[string][]byte{"desc": descTag("Camera LUT"), "A2B0": []byte("mft2\x00\x00\x00\x00")})
		info, err := Probe("a.jpg", withICC(jpg, lut, 1000))
		if err != nil || info.ToSRGB || len(info.Warnings) != 1 || !strings.Contains(info.Warnings[0], "« Camera LUT » non pris en charge") {
			t.Fatalf("info %+v, err %v", info, err)
		}
	})
	t.Run("a missing chunk is no profile", func(t *testing.T) {
		prof := matrixProfile("Display P3", displayP3, srgbPara())
		src := withICC(jpg, prof, 300)
		// Drop the second APP2 segment.
		first := 2 + 2 + int(binary.BigEndian.Uint16(src[4:]))
		second := first + 2 + int(binary.BigEndian.Uint16(src[first+2:]))
		cut := append(bytes.Clone(src[:first]), src[second:]...)
		info, err := Probe("a.jpg", cut)
		if err != nil || info.ToSRGB || info.Profile != "" {
			t.Fatalf("info %+v, err %v", info, err)
		}
	})
	t.Run("a converted image gets other names", func(t *testing.T) {
		info, _ := Probe("a.jpg", withICC(jpg, matrixProfile("Display P3", displayP3, srgbPara()), 1000))
		if NewPlan(Source{Hash: "h", Info: info}, UseBody, Center).Key == NewPlan(Source{Hash: "h", Info: plain}, UseBody, Center).Key {
			t.Error("same key with and without conversion")
		}
	})
}

func TestConvertAlpha(t *testing.T) {
	prof, err := parseProfile(matrixProfile("Display P3", displayP3, srgbPara()))
	if err != nil {
		t.Fatal(err)
	}
	conv := newConverter(prof)
	opaque := []uint8{200, 100, 50, 255}
	half := []uint8{100, 50, 25, 128} // the same colour, premultiplied at 50 %
	conv.apply(opaque)
	conv.apply(half)
	for i := range 3 {
		if d := math.Abs(float64(half[i]) - float64(opaque[i])*128/255); d > 1.5 {
			t.Errorf("channel %d: half-transparent %d, opaque %d", i, half[i], opaque[i])
		}
	}
	if half[3] != 128 {
		t.Errorf("alpha changed to %d", half[3])
	}
}
