package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"
)

func tokensOf(n int) [][tokenBytes]byte {
	out := make([][tokenBytes]byte, n)
	for i := range out {
		raw, _ := hex.DecodeString(PreviewToken([]byte("secret de test, assez long"), "monde/article-"+strconv.Itoa(i)+".md"))
		copy(out[i][:], raw)
	}
	return out
}

func TestMatchToken(t *testing.T) {
	tokens := tokensOf(100)
	for _, i := range []int{0, 57, 99} {
		if got := matchToken(tokens, tokens[i][:]); got != i {
			t.Errorf("matchToken(token %d) = %d", i, got)
		}
	}
	other := tokens[3]
	other[tokenBytes-1] ^= 1
	if got := matchToken(tokens, other[:]); got != -1 {
		t.Errorf("a token one bit off matched %d", got)
	}
	if got := matchToken(tokens, tokens[3][:8]); got != -1 {
		t.Errorf("a truncated token matched %d", got)
	}
	// The token is the HMAC's prefix, under the given secret only.
	mac := hmac.New(sha256.New, []byte("secret de test, assez long"))
	mac.Write([]byte("preview\x00monde/article-0.md"))
	if want := hex.EncodeToString(mac.Sum(nil)[:tokenBytes]); PreviewToken([]byte("secret de test, assez long"), "monde/article-0.md") != want {
		t.Error("PreviewToken is not the HMAC of the path")
	}
}

// BenchmarkMatchToken is the cost of checking one preview token against
// every article of a site: the whole list is compared at each request.
func BenchmarkMatchToken(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		tokens := tokensOf(n)
		probe := tokens[n/2]
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				matchToken(tokens, probe[:])
			}
		})
	}
}
