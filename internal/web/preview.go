package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/frdate"
	"github.com/horizons-expat/site/internal/store"
)

// previewPrefix is where preview links live: /apercu/<token>.
const previewPrefix = "/apercu/"

// tokenBytes is the length of a preview token before encoding: 128 bits
// cannot be guessed.
const tokenBytes = 16

// PreviewToken is the token of the preview link of the article file path:
// an HMAC of the path under the server's secret, so that only the server
// can make one, and one link serves the article through all its edits.
func PreviewToken(secret []byte, path string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("preview\x00" + path))
	// Hex, in lower case: the site answers lower-case paths only.
	return hex.EncodeToString(mac.Sum(nil)[:tokenBytes])
}

// PreviewPath is the preview URL path of the article file path.
func PreviewPath(secret []byte, path string) string {
	return previewPrefix + PreviewToken(secret, path)
}

// previewTokens are the tokens of every stored article, computed once per
// content generation.
type previewTokens struct {
	mu         sync.Mutex
	generation uint64
	ready      bool
	index      tokenIndex
}

// tokenIndex finds the article of a preview token in one map lookup,
// whatever the number of articles. The map is keyed by the tokens
// blinded under a random key of its own (an HMAC of each token), not by
// the tokens: a map's lookup time depends on the bytes of the keys it
// compares, and a guess blinded this way shares nothing an attacker can
// steer with any real token's blinded form, so the timing says nothing of
// how close a guess came.
type tokenIndex struct {
	key   [32]byte
	paths map[[tokenBytes]byte]string
}

func newTokenIndex(secret []byte, paths []string) tokenIndex {
	ix := tokenIndex{paths: make(map[[tokenBytes]byte]string, len(paths))}
	rand.Read(ix.key[:]) // never fails (crypto/rand)
	for _, path := range paths {
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte("preview\x00" + path))
		ix.paths[ix.blind(mac.Sum(nil)[:tokenBytes])] = path
	}
	return ix
}

func (ix tokenIndex) blind(raw []byte) [tokenBytes]byte {
	mac := hmac.New(sha256.New, ix.key[:])
	mac.Write(raw)
	var out [tokenBytes]byte
	copy(out[:], mac.Sum(nil))
	return out
}

// lookup returns the article path whose token is raw, "" when none.
func (ix tokenIndex) lookup(raw []byte) string {
	if len(raw) != tokenBytes {
		return ""
	}
	return ix.paths[ix.blind(raw)]
}

// lookup returns the article path whose token is tok, "" when none.
func (s *Server) previewLookup(ctx context.Context, tok string) (string, error) {
	raw, err := hex.DecodeString(tok)
	if err != nil || len(raw) != tokenBytes {
		return "", nil
	}
	p := &s.previews
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen := s.store.Generation(); !p.ready || p.generation != gen {
		paths, err := s.store.ArticlePaths(ctx)
		if err != nil {
			return "", err
		}
		p.index = newTokenIndex(s.cfg.PreviewSecret, paths)
		p.generation, p.ready = gen, true
	}
	return p.index.lookup(raw), nil
}

// preview shows an unpublished article to whoever holds its link, and
// sends them to the article once it is published. A wrong token gets the
// site's ordinary 404, as a page that does not exist.
func (s *Server) preview(w http.ResponseWriter, r *http.Request, rq *request) error {
	if len(s.cfg.PreviewSecret) == 0 {
		return errNoPreview
	}
	ctx := r.Context()
	path, err := s.previewLookup(ctx, chi.URLParam(r, "token"))
	if err != nil {
		return err
	}
	if path == "" {
		return errNoPreview
	}
	a, err := s.store.ArticleByPath(ctx, path)
	if err != nil {
		return err
	}
	if rq.unpublished(a) == "" {
		// Published: the link now leads to the article itself. Not
		// cached by anyone, since the article may be unpublished again.
		w.Header().Set("Cache-Control", "private, no-store")
		http.Redirect(w, r, a.URLPath(), http.StatusMovedPermanently)
		return nil
	}
	return s.showArticle(w, r, rq, a, true)
}

// errNoPreview answers a wrong token, or any token on a server without
// preview links, with the site's ordinary 404.
var errNoPreview = fmt.Errorf("no such preview: %w", store.ErrNotFound)

// previewMessage says why the previewed article is not on the site.
func previewMessage(rq *request, a store.Article) string {
	switch rq.unpublished(a) {
	case "Programmé":
		return "cet article paraîtra le " + frdate.AbsoluteTime(a.Date, rq.site.Location) + " ; ce lien y mènera alors. Ne le diffusez qu’aux personnes qui doivent le relire."
	case "Expiré":
		return "cet article est retiré du site depuis le " + frdate.AbsoluteTime(a.Expires, rq.site.Location) + "."
	}
	return "ce brouillon n’est visible que par les personnes qui ont ce lien. Ne le diffusez qu’à celles qui doivent le relire."
}
