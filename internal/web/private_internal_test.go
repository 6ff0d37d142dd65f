package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestPrivateGuard checks who may see the operators' pages: decided from
// the connection and the configured trusted proxies, never from the
// absence of a forwarding header, and the token only in a header.
func TestPrivateGuard(t *testing.T) {
	const token = "s3cret-token"
	local := []string{"127.0.0.1/32", "::1/128"}
	tests := []struct {
		name    string
		remote  string
		proxies []string
		token   string // configured
		header  http.Header
		query   string
		allowed bool
	}{
		{"loopback, no proxy configured", "127.0.0.1:40000", nil, "", nil, "", true},
		{"IPv6 loopback", "[::1]:40000", nil, "", nil, "", true},
		{"IPv4-mapped loopback", "[::ffff:127.0.0.1]:40000", nil, "", nil, "", true},
		{"another machine", "203.0.113.7:40000", nil, "", nil, "", false},
		{"another machine of the local network", "10.0.0.2:40000", nil, "", nil, "", false},
		{"a local proxy that adds no X-Forwarded-For", "127.0.0.1:40000", local, "", nil, "", false},
		{"a local proxy, IPv6, no header", "[::1]:40000", local, "", nil, "", false},
		{"a trusted proxy elsewhere, direct loopback", "127.0.0.1:40000", []string{"10.0.0.0/8"}, "", nil, "", true},
		{"a trusted proxy saying the client is local", "127.0.0.1:40000", local, "", http.Header{"X-Forwarded-For": {"127.0.0.1"}}, "", false},
		{"an untrusted local proxy that says it relays", "127.0.0.1:40000", nil, "", http.Header{"X-Forwarded-For": {"203.0.113.7"}}, "", false},
		{"Forwarded header", "127.0.0.1:40000", nil, "", http.Header{"Forwarded": {"for=203.0.113.7"}}, "", false},
		{"X-Real-IP header", "127.0.0.1:40000", nil, "", http.Header{"X-Real-Ip": {"203.0.113.7"}}, "", false},
		{"token in the header, through a proxy", "127.0.0.1:40000", local, token, http.Header{"X-Status-Token": {token}, "X-Forwarded-For": {"203.0.113.7"}}, "", true},
		{"token in the header, another machine", "203.0.113.7:40000", nil, token, http.Header{"X-Status-Token": {token}}, "", true},
		{"token in the query", "203.0.113.7:40000", nil, token, nil, "?token=" + token, false},
		{"token in the query, through a local proxy", "127.0.0.1:40000", local, token, nil, "?token=" + token, false},
		{"wrong token", "203.0.113.7:40000", nil, token, http.Header{"X-Status-Token": {"guess"}}, "", false},
		{"token longer", "203.0.113.7:40000", nil, token, http.Header{"X-Status-Token": {token + "x"}}, "", false},
		{"empty token given, none configured", "203.0.113.7:40000", nil, "", http.Header{"X-Status-Token": {""}}, "", false},
		{"a remote address that is no address", "garbage", nil, "", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newPrivateGuard(tt.token, tt.proxies)
			r := httptest.NewRequest(http.MethodGet, "/_status"+tt.query, nil)
			r.RemoteAddr = tt.remote
			for k, v := range tt.header {
				r.Header[k] = v
			}
			if got := g.allows(r); got != tt.allowed {
				t.Errorf("allows = %v, want %v", got, tt.allowed)
			}
		})
	}
}
