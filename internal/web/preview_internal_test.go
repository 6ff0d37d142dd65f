package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"
)

const testSecret = "secret de test, assez long"

func pathsOf(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "monde/article-" + strconv.Itoa(i) + ".md"
	}
	return out
}

func rawToken(t testing.TB, path string) []byte {
	raw, err := hex.DecodeString(PreviewToken([]byte(testSecret), path))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestTokenIndex(t *testing.T) {
	paths := pathsOf(100)
	ix := newTokenIndex([]byte(testSecret), paths)
	for _, i := range []int{0, 57, 99} {
		if got := ix.lookup(rawToken(t, paths[i])); got != paths[i] {
			t.Errorf("lookup(token of %s) = %q", paths[i], got)
		}
	}
	other := rawToken(t, paths[3])
	other[tokenBytes-1] ^= 1
	if got := ix.lookup(other); got != "" {
		t.Errorf("a token one bit off matched %q", got)
	}
	if got := ix.lookup(rawToken(t, paths[3])[:8]); got != "" {
		t.Errorf("a truncated token matched %q", got)
	}
	if got := ix.lookup(append(rawToken(t, paths[3]), 0)); got != "" {
		t.Errorf("a token with a byte more matched %q", got)
	}
	// Another index blinds under another key, and finds the same paths.
	again := newTokenIndex([]byte(testSecret), paths)
	if again.key == ix.key {
		t.Error("two indexes share their blinding key")
	}
	if got := again.lookup(rawToken(t, paths[57])); got != paths[57] {
		t.Errorf("second index: lookup = %q", got)
	}
	// Another secret makes other tokens.
	if got := newTokenIndex([]byte("un autre secret, assez long"), paths).lookup(rawToken(t, paths[0])); got != "" {
		t.Errorf("a token of another secret matched %q", got)
	}
	// The token is the HMAC's prefix, under the given secret only.
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write([]byte("preview\x00monde/article-0.md"))
	if want := hex.EncodeToString(mac.Sum(nil)[:tokenBytes]); PreviewToken([]byte(testSecret), "monde/article-0.md") != want {
		t.Error("PreviewToken is not the HMAC of the path")
	}
}

// BenchmarkTokenIndex is the cost of finding the article of one preview
// token, on a site of 100 articles and of 10,000: one map lookup, so the
// same for both (it was a comparison with every token).
func BenchmarkTokenIndex(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		paths := pathsOf(n)
		ix := newTokenIndex([]byte(testSecret), paths)
		probe := rawToken(b, paths[n/2])
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ix.lookup(probe)
			}
		})
	}
}
