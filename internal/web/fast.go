package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/horizons-expat/site/internal/applog"
)

// The cached hot path. Nearly every request of a news site asks for a page
// that the page cache holds; fastPath answers those before the router and
// its middleware stack, doing only what such an answer needs: the security
// headers (assigned from shared values, no allocation), the in-flight limit
// (a slot taken without waiting, or the request goes the long way, which
// waits and sheds), panic recovery, the request log line and the request
// metrics. Anything else, or any doubt, goes through the full stack, which
// does the same for every other request.

// Security header values, shared by every response (see hdrVary).
var (
	hdrCSP         = []string{contentSecurityPolicy}
	hdrNosniff     = []string{"nosniff"}
	hdrDeny        = []string{"DENY"}
	hdrReferrer    = []string{"strict-origin-when-cross-origin"}
	hdrPermissions = []string{permissionsPolicy}
	hdrCOOP        = []string{"same-origin"}
	// Two years, the value HSTS preload lists ask for.
	hdrHSTS = []string{"max-age=63072000; includeSubDomains"}
)

// setSecurityHeaders sets the browser security headers on h.
func (s *Server) setSecurityHeaders(h http.Header, r *http.Request) {
	h["Content-Security-Policy"] = hdrCSP
	h["X-Content-Type-Options"] = hdrNosniff
	h["X-Frame-Options"] = hdrDeny
	h["Referrer-Policy"] = hdrReferrer
	h["Permissions-Policy"] = hdrPermissions
	h["Cross-Origin-Opener-Policy"] = hdrCOOP
	if s.https(r) {
		h["Strict-Transport-Security"] = hdrHSTS
	}
}

// requestIDs names requests for the log: "host/random-000042", the random
// part telling processes apart, the counter requests. The name is made
// only when a log line needs it. A request that comes with X-Request-Id
// (from a proxy that names requests) keeps its name.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return &requestIDs{prefix: host + "/" + rand.Text()[:10]}
}

func (ids *requestIDs) next(r *http.Request) string {
	if id := r.Header.Get(middleware.RequestIDHeader); id != "" {
		return id
	}
	var digits [20]byte
	n := strconv.AppendUint(digits[:0], ids.n.Add(1), 10)
	var b [96]byte
	out := append(b[:0], ids.prefix...)
	out = append(out, '-')
	for range 6 - len(n) { // at least six digits, as in "-000042"
		out = append(out, '0')
	}
	return string(append(out, n...))
}

// logRequest writes the request's log line. Its fields are the same for
// every request, whichever path served it; slog.Attr values are passed as
// such, so that building the line allocates nothing per field.
func (s *Server) logRequest(r *http.Request, client netip.Addr, status, bytes int, d time.Duration) {
	ctx := r.Context()
	h := s.log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	// The record goes to the handler as slog.Logger would send it, but
	// without the caller's program counter, which no handler of ours
	// writes and which cost a stack walk per request.
	rec := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
	rec.AddAttrs(
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Int("bytes", bytes),
		applog.Milliseconds("duration", d),
		slog.String("client", addrString(client)),
		slog.String("request_id", s.ids.next(r)),
	)
	_ = h.Handle(ctx, rec) // as slog.Logger does: a log line that fails has nowhere to go
}

// addrString is a.String(), and "" for no address, as chi's GetClientIP.
func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// recovered answers a request whose handler panicked with rec: the French
// 500 page, the stack in the log.
func (s *Server) recovered(w http.ResponseWriter, r *http.Request, rec any) {
	if rec == http.ErrAbortHandler {
		panic(rec) // the server's own way to abort a response
	}
	s.log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
	s.serverError(w, r)
}

// fastCandidate reports whether r may be a cached page that the fast path
// can answer: a GET or HEAD without a body, of a canonical path, with no
// query or one that leads nowhere else (see queryLeadsNowhere). Search
// results, which have their own rate limit, take the long way.
func (s *Server) fastCandidate(r *http.Request) bool {
	p := r.URL.Path
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.ContentLength == 0 &&
		(r.URL.RawQuery == "" || s.queryLeadsNowhere(p)) && len(r.RequestURI) <= maxURILength &&
		s.traits.cachedPage(p)
}

// queryAliases are the paths, in the store's generation, where a query may
// lead elsewhere than the page the path names: an imported site's old
// address with a query (/?p=123, /page.php?id=4) that oldAddresses must
// look up first.
type queryAliases struct {
	generation uint64
	paths      map[string]bool
}

// queryLeadsNowhere reports whether a query on path p is known to change
// nothing (a tracking parameter), so that the page is the one its path
// names. The home page's queries are WordPress's own (/?s=mot,
// /?feed=rss2) and always take the long way; so does any query while the
// aliases of the current generation are not known yet.
func (s *Server) queryLeadsNowhere(p string) bool {
	q := s.queryAliases.Load()
	return p != "/" && q != nil && q.generation == s.cache.generation() && !q.paths[p]
}

// loadQueryAliases reads the query aliases of the store's generation.
// Without them, queries take the long way: slower, never wrong.
func (s *Server) loadQueryAliases(ctx context.Context) {
	gen := s.store.Generation() // read first: a change meanwhile leaves the set older than the store
	paths, err := s.store.QueryAliasPaths(ctx)
	if err != nil {
		s.log.Error("fast path", "err", err)
		s.queryAliases.Store(nil)
		return
	}
	q := &queryAliases{generation: gen, paths: make(map[string]bool, len(paths))}
	for _, p := range paths {
		q.paths[p] = true
	}
	s.queryAliases.Store(q)
}

// clientAddr is the client's address as clientAddresses finds it (the
// ClientIPFrom* middlewares of chi), without storing it in a new context:
// the socket's peer, or, when the peer is a trusted proxy, the rightmost
// address of X-Forwarded-For that is not one (none if one does not parse).
// TestFastPathLogsTheSameClient holds the two to the same answers.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		peer = netip.Addr{}
	}
	peer = peer.Unmap()
	if len(trusted) == 0 || !peer.IsValid() || !inAny(peer.WithZone(""), trusted) {
		return peer
	}
	headers := r.Header["X-Forwarded-For"]
	for i := len(headers) - 1; i >= 0; i-- {
		h := headers[i]
		for h != "" {
			var v string
			if j := strings.LastIndexByte(h, ','); j >= 0 {
				v, h = h[j+1:], h[:j]
			} else {
				v, h = h, ""
			}
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			ip, err := netip.ParseAddr(v)
			if err != nil {
				return netip.Addr{}
			}
			if ip = ip.Unmap().WithZone(""); !inAny(ip, trusted) {
				return ip
			}
		}
	}
	return netip.Addr{}
}

func inAny(ip netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// fastPath answers cached pages ahead of slow, the full stack, which it
// shares the in-flight slots with.
func (s *Server) fastPath(slow http.Handler, slots chan struct{}) http.Handler {
	trusted := make([]netip.Prefix, 0, len(s.cfg.TrustedProxies))
	for _, p := range s.cfg.TrustedProxies {
		trusted = append(trusted, netip.MustParsePrefix(p)) // as clientAddresses does
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.fastCandidate(r) {
			slow.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		now := s.now()
		e := s.cache.peek(r.URL.Path, now)
		if e == nil { // not cached, or stale: the long way
			slow.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
		default: // the limit is reached: the long way waits or sheds
			slow.ServeHTTP(w, r)
			return
		}
		defer func() { <-slots }()
		s.cache.hits.Add(1)
		status, n := http.StatusInternalServerError, 0
		defer func() {
			if rec := recover(); rec != nil {
				s.recovered(w, r, rec)
			}
			d := time.Since(start)
			e.route.Observe(status, d)
			s.logRequest(r, clientAddr(r, trusted), status, n, d)
		}()
		s.setSecurityHeaders(w.Header(), r)
		status, n = e.serve(w, r, now)
	})
}
