package web

import (
	"crypto/subtle"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5/middleware"
)

// Limits protect the server from overload and hostile requests.
const (
	// DefaultMaxInFlight bounds the requests handled at once; more wait
	// briefly, then are shed with 503.
	DefaultMaxInFlight = 256
	// inFlightWait is how long a request may wait for a free slot: long
	// enough to absorb a burst, short enough that a queue cannot build up.
	inFlightWait = 250 * time.Millisecond
	// maxURILength bounds the request target: no page of the site has an
	// address anywhere near it, and long ones cost database lookups.
	maxURILength = 2048
)

// contentSecurityPolicy allows exactly what the pages use: the site's own
// style sheet, images and one script (the search suggestions, which ask
// the site itself for them), forms that post to the site. No inline
// script may run (JSON-LD data blocks are not scripts that run), and no
// other site may frame the pages.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'self'; frame-ancestors 'none'"

// permissionsPolicy turns off the powerful browser features the site never
// needs, so that nothing injected could use them either. Only features that
// browsers recognise are listed: unknown ones are reported as console errors.
const permissionsPolicy = "accelerometer=(), autoplay=(), camera=(), display-capture=(), " +
	"encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), " +
	"microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), " +
	"screen-wake-lock=(), sync-xhr=(), usb=(), xr-spatial-tracking=()"

// securityHeaders sets the browser security headers on every response,
// error pages and static files included.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.setSecurityHeaders(w.Header(), r)
		next.ServeHTTP(w, r)
	})
}

// baseScheme remembers whether the site's public URL is https. It comes
// from -base-url or, failing that, from site.yaml, which editors may change
// while the site runs: it is read again at most every baseSchemeTTL.
type baseScheme struct {
	mu      sync.Mutex
	https   atomic.Bool
	checked atomic.Int64 // UnixNano of the last read
}

const baseSchemeTTL = 5 * time.Second

// https reports whether responses should carry HSTS.
func (s *Server) https(r *http.Request) bool {
	if s.cfg.BaseURL != "" {
		return isHTTPS(s.cfg.BaseURL)
	}
	b := &s.scheme
	if time.Since(time.Unix(0, b.checked.Load())) < baseSchemeTTL {
		return b.https.Load()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if time.Since(time.Unix(0, b.checked.Load())) >= baseSchemeTTL {
		// On error keep the last answer: the page itself will report it.
		if site, err := s.store.Site(r.Context()); err == nil {
			b.https.Store(isHTTPS(site.BaseURL))
			b.checked.Store(time.Now().UnixNano())
		}
	}
	return b.https.Load()
}

func isHTTPS(base string) bool {
	u, err := url.Parse(base)
	return err == nil && strings.EqualFold(u.Scheme, "https")
}

// clientAddresses records the client's IP for logs and rate limits: from
// X-Forwarded-For only when the request comes through one of the trusted
// proxies, else the socket's peer. X-Real-IP and friends are never trusted
// on their own: anyone can send them.
func clientAddresses(trustedProxies []string) func(http.Handler) http.Handler {
	if len(trustedProxies) == 0 {
		return middleware.ClientIPFromRemoteAddr
	}
	return middleware.ClientIPFromXFF(trustedProxies...)
}

// refuseBodies answers 413 to a request that carries a body: no route of
// the site takes one, so reading it would only waste memory and time. The
// connection is closed after the answer rather than drained.
func (s *Server) refuseBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength != 0 {
			w.Header().Set("Connection", "close")
			s.staticError(w, r, http.StatusRequestEntityTooLarge, "Requête refusée",
				"Cette adresse n’accepte pas de données envoyées avec la requête.")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 0)
		next.ServeHTTP(w, r)
	})
}

// refuseLongURIs answers 414 to request targets longer than any address of
// the site, before they reach routing or the database.
func (s *Server) refuseLongURIs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A search may be long, as its suggestions: its query is cut, not
		// refused, and the server's header limit still bounds it.
		if len(r.RequestURI) > maxURILength && r.URL.Path != searchPath && r.URL.Path != suggestionsPath {
			s.staticError(w, r, http.StatusRequestURITooLong, "Adresse trop longue",
				"L’adresse demandée est trop longue pour correspondre à une page du site.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitInFlight bounds the requests served at once to max. A request that
// finds no free slot within inFlightWait is shed with 503 and Retry-After,
// so that overload costs a quick refusal instead of memory.
func (s *Server) limitInFlight(max int) func(http.Handler) http.Handler {
	return s.limitInFlightWith(make(chan struct{}, max))
}

// limitInFlightWith is limitInFlight with the slots given, so that the
// fast path of cached pages can share them.
func (s *Server) limitInFlightWith(slots chan struct{}) func(http.Handler) http.Handler {
	max := cap(slots)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case slots <- struct{}{}:
			default:
				t := time.NewTimer(inFlightWait)
				select {
				case slots <- struct{}{}:
					t.Stop()
				case <-t.C:
					s.log.Warn("overloaded: request shed", "path", r.URL.Path, "max_in_flight", max)
					w.Header().Set("Retry-After", "1")
					s.staticError(w, r, http.StatusServiceUnavailable, "Service momentanément surchargé",
						"Le site reçoit trop de demandes en ce moment. Réessayez dans quelques secondes.")
					return
				case <-r.Context().Done():
					t.Stop()
					return // the client went away while waiting
				}
			}
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		})
	}
}

// snapshot makes every database read of a request see one version of the
// content, so that a page built from several queries while a reload
// commits never mixes the old and the new.
func (s *Server) snapshot(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, release, err := s.store.Snapshot(r.Context())
		if err != nil {
			s.broken(w, r, err) // a database that cannot begin has nothing to find
			return
		}
		defer release()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// privateTokenHeader carries the token that opens the operators' pages
// (-status-token). Only a header: a token in the address would be written
// to every proxy's and server's access log.
const privateTokenHeader = "X-Status-Token"

// privateGuard decides who may see the pages meant for the site's
// operators (/_status; any other such page should ask it too). They are
// open to requests that carry the token, and to those that come straight
// from this machine.
type privateGuard struct {
	token   []byte
	proxies []netip.Prefix
}

// newPrivateGuard makes the guard of token and the trusted proxies' CIDR
// prefixes (entries that do not parse, which the command line refuses, are
// left out).
func newPrivateGuard(token string, trustedProxies []string) privateGuard {
	g := privateGuard{token: []byte(token)}
	for _, p := range trustedProxies {
		if prefix, err := netip.ParsePrefix(p); err == nil {
			g.proxies = append(g.proxies, prefix)
		}
	}
	return g
}

// allows reports whether r may see a private page. Coming from this machine
// is decided by the connection alone: a loopback peer that is not one of
// the trusted proxies. A trusted proxy relays other people's requests, so
// whatever it adds or leaves out (X-Forwarded-For) never opens the page;
// and a loopback peer that says it forwards for someone is a proxy too,
// configured or not. Headers can only close the page, never open it, but
// the token's.
func (g privateGuard) allows(r *http.Request) bool {
	if len(g.token) > 0 && subtle.ConstantTimeCompare([]byte(r.Header.Get(privateTokenHeader)), g.token) == 1 {
		return true
	}
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := peer.Addr().Unmap()
	if !ip.IsLoopback() {
		return false
	}
	for _, p := range g.proxies {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// privateOnly serves next to those the guard allows, and the ordinary 404
// page to anyone else: readers must not even learn that the page exists.
func (s *Server) privateOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.private.allows(r) {
			s.notFound(w, r)
			return
		}
		next(w, r)
	}
}
