package web

import (
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/horizons-expat/site/internal/content"
)

// mediaMaxAge is how long a browser may keep a site-local image without
// asking again: an editor may replace the file under the same name.
const mediaMaxAge = time.Hour

// maxMediaBytes bounds the size of an image the site will serve.
const maxMediaBytes = 20 << 20

// media serves the images of content/media/ at /media/…, read from the
// content folder at each request so that an image dropped there is live at
// once.
func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if s.cfg.Media == nil || !fs.ValidPath(name) || !content.IsMedia(name) || hidden(name) {
		s.notFound(w, r)
		return
	}
	f, err := s.cfg.Media.Open(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("media", "path", name, "err", err)
		}
		s.notFound(w, r)
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.IsDir() || st.Size() > maxMediaBytes {
		s.notFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(f, maxMediaBytes))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	s.send(w, r, &response{
		status:      http.StatusOK,
		contentType: mime.TypeByExtension(strings.ToLower(path.Ext(name))),
		body:        body,
		validUntil:  now.Add(mediaMaxAge),
		now:         now,
	})
}

// hidden reports whether a path goes through a name that editors' tools
// leave behind or that is hidden on purpose.
func hidden(name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if content.IgnoredName(seg) {
			return true
		}
	}
	return false
}
