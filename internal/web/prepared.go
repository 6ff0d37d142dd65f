package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/horizons-expat/site/internal/metrics"
)

// minGzip is the smallest body worth compressing: below it, gzip's own
// header and the extra header line cost more than they save.
const minGzip = 512

// prepared is a response ready to be written any number of times: its body,
// compressed once, and its validators. Cached entries are shared between
// requests and never change once cached.
type prepared struct {
	generation uint64
	// imageGeneration is the image library's when the page was rendered.
	imageGeneration uint64
	status          int
	private         bool // an editor's page: never stored, never indexed
	compressible    bool
	contentType     []string
	// body is the identity body. Cached entries drop it and keep only
	// gzipped, which nearly every client takes; the rare others get it
	// decompressed on the fly.
	body    []byte
	gzipped []byte
	length  []string // of body
	gzipLen []string // of gzipped
	// etag is the quoted hash of the identity body; the gzipped variant
	// has its own tag, as two different byte sequences must.
	etag, etagGzip []string
	hash           string
	lastModified   time.Time
	lastModText    []string
	validUntil     time.Time
	// surrogate and cacheTag list the page's surrogate keys, for Varnish
	// and Fastly (space-separated) and for Cloudflare and Bunny (commas).
	surrogate, cacheTag []string
	keys                []string // the same keys, sorted
	// route counts the answers of a cached page (metrics), under the
	// route pattern that rendered it.
	route *metrics.Route
	// cc is the last Cache-Control value sent, which depends on the
	// second: answers within the same second share it.
	cc atomic.Pointer[cacheControlAt]
}

type cacheControlAt struct {
	unix  int64
	value []string
}

// cacheControl returns the Cache-Control header of e at now.
func (e *prepared) cacheControl(now time.Time) []string {
	sec := now.Unix()
	if c := e.cc.Load(); c != nil && c.unix == sec {
		return c.value
	}
	// Lifetimes are whole seconds: computed from the end of the second,
	// the value is exact or short by under a second for all of it, and
	// never reaches past validUntil.
	c := &cacheControlAt{unix: sec, value: []string{cacheControl(e.validUntil.Sub(time.Unix(sec+1, 0)))}}
	e.cc.Store(c)
	return c.value
}

// shows reports whether e carries one of the surrogate keys in touched.
func (e *prepared) shows(touched map[string]bool) bool {
	for _, k := range e.keys {
		if touched[k] {
			return true
		}
	}
	return false
}

func (e *prepared) weight() int { return len(e.body) + len(e.gzipped) }

// Header values shared by every response: assigning them to a header map
// allocates nothing, and each has len == cap, so that an append by a later
// middleware copies instead of writing into the shared array.
var (
	hdrVary    = []string{"Accept-Encoding"}
	hdrGzip    = []string{"gzip"}
	hdrNoCache = []string{"no-cache"}
	hdrNoStore = []string{"no-store"}
	hdrPrivate = []string{"private, no-store"}
	hdrNoIndex = []string{"noindex, nofollow"}
)

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestCompression)
	return w
}}

var gzipReaders sync.Pool

func compress(body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/3 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(body)
	zw.Close()
	gzipWriters.Put(zw)
	return buf.Bytes()
}

func decompress(gz []byte) ([]byte, error) {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(gz))
	} else {
		err = zr.Reset(bytes.NewReader(gz))
	}
	if err != nil {
		return nil, err
	}
	defer gzipReaders.Put(zr)
	return io.ReadAll(zr)
}

// newPrepared prepares resp for sending. A cached one is compressed now,
// once, and keeps only its compressed body.
func newPrepared(resp *response, cached bool) *prepared {
	e := &prepared{
		status:       resp.status,
		private:      resp.private,
		compressible: compressible(resp.contentType) && len(resp.body) >= minGzip,
		contentType:  []string{resp.contentType},
		body:         resp.body,
		validUntil:   resp.validUntil,
	}
	if len(resp.keys) > 0 {
		keys := slices.Clone(resp.keys)
		slices.Sort(keys)
		keys = slices.Compact(keys)
		e.keys = keys
		e.surrogate = []string{strings.Join(keys, " ")}
		e.cacheTag = []string{strings.Join(keys, ",")}
	}
	if resp.status == http.StatusOK {
		sum := sha256.Sum256(resp.body)
		e.hash = base64.RawURLEncoding.EncodeToString(sum[:12])
		e.etag = []string{`"` + e.hash + `"`}
		e.etagGzip = []string{`"` + e.hash + `-gz"`}
		e.setLastModified(resp.now)
	}
	e.length = []string{strconv.Itoa(len(resp.body))}
	if cached && e.compressible {
		e.setGzipped(compress(resp.body))
		e.body = nil
	}
	return e
}

func (e *prepared) setGzipped(gz []byte) {
	e.gzipped = gz
	e.gzipLen = []string{strconv.Itoa(len(gz))}
}

func (e *prepared) setLastModified(t time.Time) {
	e.lastModified = t.Truncate(time.Second)
	e.lastModText = []string{e.lastModified.UTC().Format(http.TimeFormat)}
}

// serve writes e as the answer to r at the instant now, and returns the
// status and the number of body bytes written.
func (e *prepared) serve(w http.ResponseWriter, r *http.Request, now time.Time) (status, written int) {
	h := w.Header()
	gz := e.compressible && acceptsGzip(r)
	if e.compressible {
		h["Vary"] = hdrVary
	}
	if e.private {
		h["Cache-Control"] = hdrPrivate
		h["X-Robots-Tag"] = hdrNoIndex
	}
	if e.status == http.StatusOK {
		if !e.private {
			h["Cache-Control"] = e.cacheControl(now)
			if e.surrogate != nil {
				h["Surrogate-Key"] = e.surrogate
				h["Cache-Tag"] = e.cacheTag
			}
		}
		h["Last-Modified"] = e.lastModText
		// Each encoding is its own representation with its own tag: a
		// condition is judged against the one this answer would send.
		etag := e.etag
		if gz {
			etag = e.etagGzip
		}
		h["Etag"] = etag
		if status := preconditions(r, etag[0], e.lastModified); status != 0 {
			w.WriteHeader(status)
			return status, 0
		}
	} else if !e.private {
		h["Cache-Control"] = hdrNoCache
	}
	h["Content-Type"] = e.contentType
	body, length := e.body, e.length
	switch {
	case gz:
		if e.gzipped == nil {
			// Not a cached page: compress for this answer only. e is
			// not shared, so it may change.
			e.setGzipped(compress(e.body))
		}
		h["Content-Encoding"] = hdrGzip
		body, length = e.gzipped, e.gzipLen
	case body == nil && e.gzipped != nil:
		var err error
		if body, err = decompress(e.gzipped); err != nil {
			panic(err) // we compressed it ourselves: cannot happen
		}
	}
	h["Content-Length"] = length
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		written, _ = w.Write(body)
	}
	return e.status, written
}

// compressible reports whether a body of contentType shrinks under gzip:
// text does, images (but SVG) and archives are compressed already.
func compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "xml") || strings.HasSuffix(mt, "json") ||
		mt == "application/javascript" || mt == "image/svg+xml"
}
