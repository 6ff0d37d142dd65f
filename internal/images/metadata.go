package images

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// jpegMeta is what the site reads of a JPEG's metadata segments.
type jpegMeta struct {
	orientation int // EXIF orientation, 1 when absent or unreadable
}

// scanJPEG walks the marker segments before the image data. It never
// fails: a damaged segment is ignored, and the decoder reports what matters.
func scanJPEG(src []byte) jpegMeta {
	meta := jpegMeta{orientation: 1}
	if len(src) < 4 || src[0] != 0xff || src[1] != 0xd8 {
		return meta
	}
	for i := 2; i+4 <= len(src); {
		if src[i] != 0xff {
			return meta
		}
		marker := src[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image
			return meta
		}
		n := int(binary.BigEndian.Uint16(src[i+2:]))
		if n < 2 || i+2+n > len(src) {
			return meta
		}
		seg := src[i+4 : i+2+n]
		switch {
		case marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			if o := exifOrientation(seg[6:]); o >= 1 && o <= 8 {
				meta.orientation = o
			}
		}
		i += 2 + n
	}
	return meta
}

// exifOrientation reads tag 0x0112 of IFD0 of a TIFF structure.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int(bo.Uint32(tiff[4:]))
	if off < 8 || off+2 > len(tiff) {
		return 0
	}
	count := int(bo.Uint16(tiff[off:]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(tiff) {
			return 0
		}
		if bo.Uint16(tiff[e:]) == 0x0112 && bo.Uint16(tiff[e+2:]) == 3 { // SHORT
			return int(bo.Uint16(tiff[e+8:]))
		}
	}
	return 0
}

// iccDescription returns the description of an ICC profile ("sRGB
// IEC61966-2.1", "Display P3"), "" when it cannot be read.
func iccDescription(p []byte) string {
	if len(p) < 132 {
		return ""
	}
	n := int(binary.BigEndian.Uint32(p[128:]))
	for k := 0; k < n && 132+12*k+12 <= len(p); k++ {
		e := p[132+12*k:]
		if string(e[:4]) != "desc" {
			continue
		}
		off, size := int(binary.BigEndian.Uint32(e[4:])), int(binary.BigEndian.Uint32(e[8:]))
		if off < 0 || size < 12 || off+size > len(p) {
			return ""
		}
		d := p[off : off+size]
		switch string(d[:4]) {
		case "desc": // ICC v2: ASCII count then text
			l := int(binary.BigEndian.Uint32(d[8:]))
			if l <= 0 || 12+l > len(d) {
				return ""
			}
			return strings.TrimRight(string(d[12:12+l]), "\x00")
		case "mluc": // ICC v4: the first record, UTF-16BE
			if len(d) < 28 {
				return ""
			}
			l, o := int(binary.BigEndian.Uint32(d[20:])), int(binary.BigEndian.Uint32(d[24:]))
			if o+l > len(d) {
				return ""
			}
			var b strings.Builder
			for j := o; j+1 < o+l; j += 2 {
				b.WriteRune(rune(binary.BigEndian.Uint16(d[j:])))
			}
			return b.String()
		}
	}
	return ""
}

// gifFrames counts the frames of a GIF by walking its blocks, without
// decoding any: a GIF of 500 frames must not cost 500 decodes to measure.
func gifFrames(src []byte) int {
	if len(src) < 13 {
		return 0
	}
	i := 13
	if src[10]&0x80 != 0 {
		i += 3 << (src[10]&7 + 1)
	}
	skipSubBlocks := func() bool {
		for i < len(src) {
			n := int(src[i])
			i++
			if n == 0 {
				return true
			}
			i += n
		}
		return false
	}
	frames := 0
	for i < len(src) {
		switch src[i] {
		case 0x21: // extension
			i += 2
			if !skipSubBlocks() {
				return frames
			}
		case 0x2c: // image descriptor
			frames++
			if i+10 > len(src) {
				return frames
			}
			flags := src[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i++ // LZW minimum code size
			if !skipSubBlocks() {
				return frames
			}
		default: // trailer or garbage
			return frames
		}
	}
	return frames
}

// probeSVG checks that an SVG cannot run code when opened on its own (the
// response CSP forbids scripts too, but the editor should know) and reads
// its size from width and height, or else its viewBox.
func probeSVG(src []byte) (Info, error) {
	d := xml.NewDecoder(bytes.NewReader(src))
	d.Strict = false
	info := Info{Format: "svg", Orientation: 1}
	root := true
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Info{}, errorf(KindUnreadable, "SVG illisible (XML invalide) : exportez-le de nouveau")
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		name := strings.ToLower(el.Name.Local)
		if name == "script" || name == "foreignobject" {
			return Info{}, errorf(KindSVGScript, "SVG refusé : il contient un élément <%s> qui pourrait exécuter du code ; retirez-le", el.Name.Local)
		}
		for _, a := range el.Attr {
			an := strings.ToLower(a.Name.Local)
			if strings.HasPrefix(an, "on") {
				return Info{}, errorf(KindSVGScript, "SVG refusé : l'attribut %s de <%s> exécuterait du code ; retirez-le", a.Name.Local, el.Name.Local)
			}
			if (an == "href" || an == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Value)), "javascript:") {
				return Info{}, errorf(KindSVGScript, "SVG refusé : un lien javascript: de <%s> exécuterait du code ; retirez-le", el.Name.Local)
			}
		}
		if root {
			root = false
			if name != "svg" {
				return Info{}, errorf(KindUnreadable, "ce fichier .svg n'est pas une image SVG")
			}
			var vb []string
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "width":
					info.Width = svgLength(a.Value)
				case "height":
					info.Height = svgLength(a.Value)
				case "viewBox":
					vb = strings.Fields(strings.ReplaceAll(a.Value, ",", " "))
				}
			}
			if (info.Width == 0 || info.Height == 0) && len(vb) == 4 {
				w, _ := strconv.ParseFloat(vb[2], 64)
				h, _ := strconv.ParseFloat(vb[3], 64)
				info.Width, info.Height = int(w+0.5), int(h+0.5)
			}
		}
	}
	if root {
		return Info{}, errorf(KindUnreadable, "ce fichier .svg n'est pas une image SVG")
	}
	if info.Width <= 0 || info.Height <= 0 {
		return Info{}, errorf(KindUnreadable, "SVG sans dimensions : donnez à l'élément <svg> un attribut viewBox (par exemple viewBox=\"0 0 800 450\")")
	}
	return info, nil
}

// svgLength reads a length in user units or px; 0 for anything relative.
func svgLength(v string) int {
	v = strings.TrimSuffix(strings.TrimSpace(v), "px")
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return 0
	}
	return int(f + 0.5)
}
