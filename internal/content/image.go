package content

import (
	"image"
	_ "image/gif" // image.DecodeConfig reads the formats registered here
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	_ "golang.org/x/image/webp"
)

// MediaPrefix is where site-local images live: content/media/photo.jpg is
// served at /media/photo.jpg. Articles name them by that URL, in their
// body and in their image front matter.
const MediaPrefix = "/media/"

// IsMedia reports whether p names a file that the site serves as an image
// (a raster format that browsers show and Go can measure; SVG is left
// out, since an SVG file opened on its own may run scripts).
func IsMedia(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp":
		return true
	}
	return false
}

// ImageSize returns the pixel size of the site-local image at URL path u,
// read from the content folder fsys.
func ImageSize(fsys fs.FS, u string) (width, height int, err error) {
	f, err := fsys.Open(strings.TrimPrefix(u, "/"))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0, err
	}
	return cfg.Width, cfg.Height, nil
}

// image prepares a body image for the page: width and height (so that the
// page does not jump while it loads), lazy loading (body images are below
// the article's header) and asynchronous decoding. It returns what the
// editor should fix: a missing text alternative, a missing file, an image
// of unknown size.
func (p *Parser) image(filePath string, n *ast.Image, src []byte) []Problem {
	n.SetAttributeString("loading", []byte("lazy"))
	n.SetAttributeString("decoding", []byte("async"))
	var problems []Problem
	line := lineOf(n, src)
	dest := string(n.Destination)
	if plainText(n, src) == "" {
		problems = append(problems, warningf(filePath, line, "image « %s » sans texte alternatif : décrivez-la entre les crochets, ![description](%s)", dest, dest))
	}
	switch {
	case !strings.HasPrefix(dest, MediaPrefix):
		problems = append(problems, warningf(filePath, line, "image « %s » hors du site : ses dimensions sont inconnues ; placez le fichier dans content/media/ et écrivez ![description](/media/nom.jpg)", dest))
	case p.images == nil:
		// `site new` and unit tests parse without a content folder.
	default:
		w, h, err := ImageSize(p.images, dest)
		if err != nil {
			problems = append(problems, warningf(filePath, line, "image « %s » introuvable ou illisible dans content/media/ (%v)", dest, err))
			break
		}
		n.SetAttributeString("width", []byte(strconv.Itoa(w)))
		n.SetAttributeString("height", []byte(strconv.Itoa(h)))
	}
	return problems
}

// coverProblems checks the image front matter: a site-local image that
// exists, or an absolute http(s) URL.
func (p *Parser) coverProblems(filePath string, line int, img string) []Problem {
	switch {
	case strings.HasPrefix(img, "http://") || strings.HasPrefix(img, "https://"):
		return nil
	case !strings.HasPrefix(img, MediaPrefix) || !IsMedia(img):
		return []Problem{warningf(filePath, line, "image « %s » : écrivez /media/nom.jpg pour un fichier de content/media/ (JPEG, PNG, GIF ou WebP), ou une adresse https://", img)}
	case p.images == nil:
		return nil
	}
	if _, _, err := ImageSize(p.images, img); err != nil {
		return []Problem{warningf(filePath, line, "image « %s » introuvable ou illisible dans content/media/ (%v)", img, err)}
	}
	return nil
}
