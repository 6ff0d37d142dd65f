package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestPreconditionsAsServeContent checks that pages judge conditional
// requests as http.ServeContent does for /static and /media: the same
// status for every combination of the four headers, for each method.
func TestPreconditionsAsServeContent(t *testing.T) {
	const etag = `"abc-gz"`
	modified := time.Date(2024, 11, 20, 10, 30, 0, 0, time.UTC)
	at := func(d time.Duration) string { return modified.Add(d).Format(http.TimeFormat) }
	values := map[string][]string{
		"If-Match":            {"", etag, `W/` + etag, `"abc"`, "*", `"x", ` + etag, `"x"`, `garbage`},
		"If-None-Match":       {"", etag, `W/` + etag, `"abc"`, "*", `"x", W/` + etag, `"x"`, `"unterminated`},
		"If-Modified-Since":   {"", at(0), at(-time.Hour), at(time.Hour), "hier"},
		"If-Unmodified-Since": {"", at(0), at(-time.Hour), at(time.Hour), "hier"},
	}
	cases := 0
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
		for _, im := range values["If-Match"] {
			for _, inm := range values["If-None-Match"] {
				for _, ims := range values["If-Modified-Since"] {
					for _, ius := range values["If-Unmodified-Since"] {
						r := httptest.NewRequest(method, "/x", nil)
						for k, v := range map[string]string{"If-Match": im, "If-None-Match": inm, "If-Modified-Since": ims, "If-Unmodified-Since": ius} {
							if v != "" {
								r.Header.Set(k, v)
							}
						}
						w := httptest.NewRecorder()
						w.Header().Set("ETag", etag)
						http.ServeContent(w, r, "", modified, bytes.NewReader([]byte("corps")))
						want := w.Code
						if want == http.StatusOK {
							want = 0
						}
						if got := preconditions(r, etag, modified); got != want {
							t.Errorf("%s If-Match %q If-None-Match %q If-Modified-Since %q If-Unmodified-Since %q: %d, ServeContent %d",
								method, im, inm, ims, ius, got, want)
						}
						cases++
					}
				}
			}
		}
	}
	t.Logf("%d combinations", cases)
}

func TestPreconditionsListOverLines(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	r.Header.Add("If-None-Match", `"a"`)
	r.Header.Add("If-None-Match", `"b"`)
	if got := preconditions(r, `"b"`, time.Time{}); got != http.StatusNotModified {
		t.Errorf("a tag on the second line of If-None-Match: %d, want 304", got)
	}
}
