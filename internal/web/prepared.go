package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// minGzip is the smallest body worth compressing: below it, gzip's own
// header and the extra header line cost more than they save.
const minGzip = 512

// prepared is a response ready to be written any number of times: its body,
// compressed once, and its validators. Cached entries are shared between
// requests and never change once cached.
type prepared struct {
	generation   uint64
	status       int
	private      bool // an editor's page: never stored, never indexed
	compressible bool
	contentType  []string
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
}

func (e *prepared) weight() int { return len(e.body) + len(e.gzipped) }

// Header values shared by every response: assigning them to a header map
// allocates nothing, and each has len == cap, so that an append by a later
// middleware copies instead of writing into the shared array.
var (
	hdrVary       = []string{"Accept-Encoding"}
	hdrGzip       = []string{"gzip"}
	hdrNoCache    = []string{"no-cache"}
	hdrNoStore    = []string{"no-store"}
	hdrNoIndex    = []string{"noindex, nofollow"}
	maxAgeHeaders = func() [][]string {
		out := make([][]string, int(maxAge/time.Second)+1)
		for i := range out {
			out[i] = []string{"public, max-age=" + strconv.Itoa(i)}
		}
		return out
	}()
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

// serve writes e as the answer to r at the instant now.
func (e *prepared) serve(w http.ResponseWriter, r *http.Request, now time.Time) {
	h := w.Header()
	gz := e.compressible && acceptsGzip(r)
	if e.compressible {
		h["Vary"] = hdrVary
	}
	if e.private {
		h["Cache-Control"] = hdrNoStore
		h["X-Robots-Tag"] = hdrNoIndex
	}
	if e.status == http.StatusOK {
		if !e.private {
			age := min(e.validUntil.Sub(now), maxAge)
			h["Cache-Control"] = maxAgeHeaders[max(0, int(age/time.Second))]
		}
		h["Last-Modified"] = e.lastModText
		if gz {
			h["Etag"] = e.etagGzip
		} else {
			h["Etag"] = e.etag
		}
		if notModified(r, e) {
			w.WriteHeader(http.StatusNotModified)
			return
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
		w.Write(body)
	}
}

// compressible reports whether a body of contentType shrinks under gzip:
// text does, images (but SVG) and archives are compressed already.
func compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "xml") || strings.HasSuffix(mt, "json") ||
		mt == "application/javascript" || mt == "image/svg+xml"
}

// notModified reports whether r's validators match e: If-None-Match when
// present (any variant of the same body matches), else If-Modified-Since.
func notModified(r *http.Request, e *prepared) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for tag := range strings.SplitSeq(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || strings.TrimSuffix(strings.Trim(tag, `"`), "-gz") == e.hash {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !e.lastModified.After(t)
	}
	return false
}
