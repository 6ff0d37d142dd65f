package app_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/images"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/internal/web"
)

// banRecorder is a proxy that records the surrogate keys it is told to ban.
type banRecorder struct {
	mu   sync.Mutex
	bans [][]string
}

func (b *banRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != "BAN" {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	b.mu.Lock()
	b.bans = append(b.bans, strings.Fields(r.Header.Get("Surrogate-Key")))
	b.mu.Unlock()
}

func (b *banRecorder) since(n int) [][]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.bans[min(n, len(b.bans)):])
}

func (b *banRecorder) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.bans)
}

// TestPurgeWhenVariantsAreReady: replacing an image changes no article
// file, so ingest purges nothing; when the new variants are written, the
// pages of the article that shows it (its key, which every card of it
// carries too) and the feeds are purged, and nothing else.
func TestPurgeWhenVariantsAreReady(t *testing.T) {
	proxy := &banRecorder{}
	srv := httptest.NewServer(proxy)
	defer srv.Close()
	site := sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) {
		c.PurgeURLs = []string{srv.URL}
		c.ImageDir = filepath.Join(t.TempDir(), "images")
	}})
	st, err := store.Open(context.Background(), site.DBPath, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.Article(context.Background(), store.View{Now: sitetest.FixtureNow}, "pratique", "retraite")
	if err != nil {
		t.Fatal(err)
	}
	// The first start's ban (every page) comes first: it names the key too.
	deadline := time.Now().Add(2 * time.Minute) // a bound for failing, not a measure
	for proxy.count() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no ban after the first start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	before := proxy.count()

	// Another picture under the same name: new bytes, new variants.
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	for y := range 360 {
		for x := range 640 {
			img.SetRGBA(x, y, color.RGBA{uint8(x / 3), uint8(y / 2), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(site.ContentDir, "media", "retraite.png"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want := web.ImagesReadyKeys([]int64{a.ID})
	// The article's own key is the one that another article's would not
	// share (web names keys; this test names none).
	other := web.ImagesReadyKeys([]int64{a.ID + 1})
	own := slices.DeleteFunc(slices.Clone(want), func(k string) bool { return slices.Contains(other, k) })
	if len(own) != 1 {
		t.Fatalf("keys %v and %v: want one key of the article's own", want, other)
	}
	deadline = time.Now().Add(2 * time.Minute)
	for {
		for _, keys := range proxy.since(before) {
			if slices.Equal(keys, want) {
				return
			}
			if slices.Contains(keys, own[0]) {
				t.Fatalf("ban %v, want exactly %v", keys, want)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ban of %v after the image was replaced; bans since: %v\nlog:\n%s", want, proxy.since(before), lastLines(site.Logs(), 20))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestImageMetrics: /metrics tells what the image workers did.
func TestImageMetrics(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) {
		c.ImageDir = filepath.Join(t.TempDir(), "images") // nothing made yet
	}})
	body := site.Get(t, "/metrics").Body
	value := func(name string) float64 {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("/metrics lacks %s", name)
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The fixture's picture as a cover and in the text, and the drawn
	// share cards of the recent articles without one.
	done := value("horizons_images_done_total")
	if done < 2 {
		t.Errorf("done %v, want at least the cover and the body image", done)
	}
	if f := value("horizons_images_failed_total"); f != 0 {
		t.Errorf("failed %v", f)
	}
	if q := value("horizons_images_queued"); q != 0 {
		t.Errorf("queued %v after the site waited for its images", q)
	}
	if n := value("horizons_images_processing_seconds_count"); n != done {
		t.Errorf("durations observed %v, want one per image done (%v)", n, done)
	}
	value("horizons_images_working")
}

// TestRestartReadsNoImage: a restart over unchanged content reads no image
// file: the cache folder's index knows their hashes and measures, the
// variants' manifests that they are made.
func TestRestartReadsNoImage(t *testing.T) {
	dir := t.TempDir()
	contentDir := filepath.Join(dir, "content")
	sitetest.CopyDir(t, sitetest.Fixture(), contentDir)
	// A file no article names is checked after each pass: through the
	// index too.
	if err := os.WriteFile(filepath.Join(contentDir, "media", "inutile.png"), []byte("pas une image"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := app.Config{Addr: "127.0.0.1:0", ContentDir: contentDir, DBPath: filepath.Join(dir, "site.db"),
		ImageDir: filepath.Join(dir, "images"), Now: sitetest.FixtureNow}
	start := func() images.Stats {
		a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := a.WaitImages(ctx); err != nil {
			t.Fatal(err)
		}
		return a.ImageStats()
	}
	first := start()
	if first.Reads < 2 || first.Done == 0 {
		t.Fatalf("first start: %+v, want the fixture's picture and the unnamed file read, variants made", first)
	}
	if second := start(); second.Reads != 0 || second.Done != 0 {
		t.Errorf("restart: %+v, want no file read and nothing made again", second)
	}
}
