package content

import (
	"errors"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"

	"github.com/horizons-expat/site/internal/images"
)

// MediaPrefix is where site-local images live: content/media/photo.jpg is
// served at /media/photo.jpg. Articles name them by that URL, in their
// body and in their image front matter; an article of a page bundle
// (<rubrique>/<slug>/index.md) may also name the images beside it by their
// bare file name.
const MediaPrefix = "/media/"

// IsMedia reports whether p names a file that the site serves as an image:
// JPEG, PNG, GIF, WebP, or SVG (served with a policy that forbids scripts).
func IsMedia(p string) bool { return images.Supported(p) }

// ImageSize returns the displayed pixel size of the site-local image at URL
// path u, read from the content folder fsys.
func ImageSize(fsys fs.FS, u string) (width, height int, err error) {
	src, err := images.ReadSource(fsys, strings.TrimPrefix(u, "/"))
	if err != nil {
		return 0, 0, err
	}
	return src.Info.Width, src.Info.Height, nil
}

// ImageFile is the path in the content folder of the image that the
// article at articlePath names dest, false when dest is not a site-local
// image: /media/… anywhere, and bare names beside a bundle's index.md.
func ImageFile(articlePath, dest string) (string, bool) {
	if strings.HasPrefix(dest, MediaPrefix) {
		p := strings.TrimPrefix(dest, "/")
		return p, fs.ValidPath(p)
	}
	if !IsBundle(articlePath) || strings.Contains(dest, ":") || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "#") {
		return "", false
	}
	p := path.Join(path.Dir(articlePath), dest)
	// A bundle names only what lies beside it (or below).
	return p, fs.ValidPath(p) && strings.HasPrefix(p, path.Dir(articlePath)+"/")
}

// imageProblem words the problem of an image for the editor.
func imageProblem(dest string, err error) string {
	var ie *images.Error
	if errors.As(err, &ie) {
		return "image « " + dest + " » : " + ie.Msg
	}
	return "image « " + dest + " » illisible (" + err.Error() + ")"
}

// image prepares a body image for the page: the URL of the file, width and
// height (so that the page does not jump while it loads), lazy loading
// (body images are below the article's header) and asynchronous decoding.
// It returns what the editor should fix, the image's path in the content
// folder when it is a site-local one that stays, and whether the image
// must be left out of the page: a file that is missing or that the site
// refuses.
func (p *Parser) image(filePath string, n *ast.Image, src []byte) ([]Problem, string, bool) {
	n.SetAttributeString("loading", []byte("lazy"))
	n.SetAttributeString("decoding", []byte("async"))
	var problems []Problem
	line := lineOf(n, src)
	dest := string(n.Destination)
	if plainText(n, src) == "" {
		problems = append(problems, warningf(filePath, line, "image « %s » sans texte alternatif : décrivez-la entre les crochets, ![description](%s)", dest, dest))
	}
	file, local := ImageFile(filePath, dest)
	switch {
	case !local && !strings.HasPrefix(dest, "http://") && !strings.HasPrefix(dest, "https://") && !strings.HasPrefix(dest, "/"):
		problems = append(problems, warningf(filePath, line, "image « %s » : écrivez /media/nom.jpg pour un fichier de content/media/ (ou, dans un dossier d'article, le seul nom du fichier placé à côté de index.md)", dest))
		return problems, "", true
	case !local:
		problems = append(problems, warningf(filePath, line, "image « %s » hors du site : ses dimensions sont inconnues ; placez le fichier dans content/media/ et écrivez ![description](/media/nom.jpg)", dest))
		return problems, "", false
	case p.images == nil:
		// `site new` and unit tests parse without a content folder.
		n.Destination = []byte("/" + file)
		return problems, file, false
	}
	n.Destination = []byte("/" + file)
	s, err := images.ReadSource(p.images, file)
	if err != nil {
		pr := warningf(filePath, line, "%s ; elle est retirée de la page", imageProblem(dest, err))
		pr.Image = file
		return append(problems, pr), "", true
	}
	for _, w := range s.Info.Warnings {
		problems = append(problems, warningf(filePath, line, "image « %s » : %s", dest, w))
	}
	n.SetAttributeString("width", []byte(strconv.Itoa(s.Info.Width)))
	n.SetAttributeString("height", []byte(strconv.Itoa(s.Info.Height)))
	return problems, file, false
}

// cover checks the image front matter: a site-local image that the site
// can use, or an absolute http(s) URL. It returns the cover's URL and
// displayed size, "" when the article must go without it.
func (p *Parser) cover(filePath string, line int, img string) (string, int, int, []Problem) {
	if strings.HasPrefix(img, "http://") || strings.HasPrefix(img, "https://") {
		return img, 0, 0, nil
	}
	file, local := ImageFile(filePath, img)
	if !local || !IsMedia(file) {
		return "", 0, 0, []Problem{warningf(filePath, line, "image « %s » : écrivez /media/nom.jpg pour un fichier de content/media/ (JPEG, PNG, GIF, WebP ou SVG), le seul nom d'un fichier placé à côté de index.md, ou une adresse https://", img)}
	}
	if p.images == nil {
		return "/" + file, 0, 0, nil
	}
	s, err := images.ReadSource(p.images, file)
	if err != nil {
		pr := warningf(filePath, line, "%s ; l'article paraît sans elle", imageProblem(img, err))
		pr.Image = file
		return "", 0, 0, []Problem{pr}
	}
	var problems []Problem
	for _, w := range s.Info.Warnings {
		problems = append(problems, warningf(filePath, line, "image « %s » : %s", img, w))
	}
	return "/" + file, s.Info.Width, s.Info.Height, problems
}

// NamedImages is the set of site-local image files that the articles of s
// name, in their text or as their cover, by path in the content folder:
// those the site refused too, which their articles' problems report.
func (s *Set) NamedImages() map[string]bool {
	named := RefusedImages(s.Problems)
	for _, a := range s.Articles {
		for _, p := range a.Images {
			named[p] = true
		}
		if strings.HasPrefix(a.Image, "/") {
			named[strings.TrimPrefix(a.Image, "/")] = true
		}
	}
	return named
}

// RefusedImages is the set of image files that problems report as
// refused where an article names them.
func RefusedImages(problems []Problem) map[string]bool {
	refused := map[string]bool{}
	for _, p := range problems {
		if p.Image != "" {
			refused[p.Image] = true
		}
	}
	return refused
}

// UnnamedImages lists the image files among media that named leaves out:
// an editor's drop that no article uses yet. Nothing reads them at ingest,
// so a file the site would refuse (a decompression bomb, an SVG with a
// script) is found only by checking these.
func UnnamedImages(media []string, named map[string]bool) []string {
	var out []string
	for _, p := range media {
		if !named[p] {
			out = append(out, p)
		}
	}
	return out
}

// UnnamedImageProblem is the problem of an image file that no article
// names, err being why the site refuses it. A warning: no page shows it.
func UnnamedImageProblem(p string, err error) Problem {
	msg := err.Error()
	var ie *images.Error
	if errors.As(err, &ie) {
		msg = ie.Msg
	}
	return warningf(p, 0, "image refusée (aucun article ne l'utilise encore) : %s", msg)
}

// UnnamedImageProblems reads and checks the image files of fsys (s.Media)
// that no article of s names, as `site check` does.
func (s *Set) UnnamedImageProblems(fsys fs.FS) []Problem {
	paths := UnnamedImages(s.Media, s.NamedImages())
	var problems []Problem
	for _, p := range paths {
		if _, err := images.ReadSource(fsys, p); err != nil {
			problems = append(problems, UnnamedImageProblem(p, err))
		}
	}
	return problems
}
