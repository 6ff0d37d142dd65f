package browsertest

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/horizons-expat/site/internal/sitetest"
)

// coverPhoto is a 4000×3000 JPEG drawn here (a phone's 12 megapixels):
// gradients with noise, which compress like a photo.
func coverPhoto(t *testing.T) []byte {
	t.Helper()
	const w, h = 4000, 3000
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			seed = seed*1664525 + 1013904223
			img.Y[y*img.YStride+x] = uint8(60+x*120/w+y*40/h) + uint8(seed>>28)
		}
	}
	for y := 0; y < h/2; y++ {
		for x := 0; x < w/2; x++ {
			img.Cb[y*img.CStride+x] = uint8(100 + x*60/(w/2))
			img.Cr[y*img.CStride+x] = uint8(150 - y*50/(h/2))
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// phone3x is phone at 3 device pixels per CSS pixel, as most recent phones.
var phone3x = viewport{"390x844@3x", 390, 844}

// TestPictures: on an article whose cover is a 4000×3000 photo, at a
// phone's and a desktop's width, the browser picks a WebP variant no wider
// than twice the displayed width (on a phone at 3 device pixels per CSS
// pixel, about 2 per CSS pixel), nothing shifts while the page loads, and
// no console or CSP error is raised. At 390 px the page weighs less than
// 150 KB (HTML, CSS, pictures, as transferred), the cover less than 80 KB.
func TestPictures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
	if err := os.MkdirAll(filepath.Join(dir, "monde", "photo"), 0o755); err != nil {
		t.Fatal(err)
	}
	md := "---\ntitle: Une grande photo\ndate: 2024-11-05 09:00\nsummary: Une photo de 12 mégapixels en couverture.\n" +
		"image: une.jpg\nimage_alt: Un dégradé bleu et vert\nimage_caption: Un dégradé dessiné pour le test\nimage_credit: Horizons\n---\n\n" +
		strings.Repeat("Un paragraphe du texte de l’article, assez long pour remplir la page. ", 40) + "\n"
	for name, b := range map[string][]byte{"index.md": []byte(md), "une.jpg": coverPhoto(t)} {
		if err := os.WriteFile(filepath.Join(dir, "monde", "photo", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	site := sitetest.Start(t, sitetest.Options{Content: dir})
	width := regexp.MustCompile(`-(\d+)x\d+\.(webp|jpg)$`)

	for _, v := range []viewport{phone, desktop, phone3x} {
		t.Run(v.name, func(t *testing.T) {
			ctx := browser(t)
			tb := newTab(t, ctx)
			if v == phone3x {
				// A phone of 3 device pixels per CSS pixel: sizes tells it a
				// smaller slot, so that it takes about 2 (see web.sizesPhone).
				if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(v.width, v.height, chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)); err != nil {
					t.Fatal(err)
				}
			} else {
				tb.emulate(v)
			}
			var (
				mu    sync.Mutex
				urls  = map[network.RequestID]string{}
				sizes = map[string]float64{}
			)
			if err := chromedp.Listen(ctx, func(ev any) {
				mu.Lock()
				defer mu.Unlock()
				switch ev := ev.(type) {
				case *network.EventRequestWillBeSent:
					urls[ev.RequestID] = ev.Request.URL
				case *network.EventLoadingFinished:
					sizes[urls[ev.RequestID]] += ev.EncodedDataLength
				}
			}); err != nil {
				t.Fatal(err)
			}
			tb.open(site.URL+"/monde/photo", 200)
			// The layout shifts of the whole load, once the cover is in.
			// Each shift comes with what moved, so that a failure says
			// which element to look at.
			shifts := eval[[]string](tb, `new Promise(done => {
			  const img = document.querySelector('.article-cover img');
			  const settle = () => {
			    const shifts = [];
			    const rect = r => Math.round(r.x) + ',' + Math.round(r.y) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height);
			    new PerformanceObserver(list => {
			      for (const e of list.getEntries()) {
			        if (e.hadRecentInput) continue;
			        const moved = (e.sources || []).map(s => (s.node ? s.node.nodeName + (s.node.className ? '.' + s.node.className : '') : '?') +
			          ' ' + rect(s.previousRect) + ' → ' + rect(s.currentRect));
			        shifts.push(e.value.toFixed(4) + ' at ' + Math.round(e.startTime) + ' ms: ' + (moved.join('; ') || 'no source'));
			      }
			    }).observe({type: 'layout-shift', buffered: true});
			    setTimeout(() => done(shifts), 300);
			  };
			  img.complete ? settle() : img.addEventListener('load', settle);
			})`)
			if len(shifts) != 0 {
				t.Errorf("layout shifts, want none:\n%s", strings.Join(shifts, "\n"))
			}
			src := eval[string](tb, `document.querySelector('.article-cover img').currentSrc`)
			shown := eval[float64](tb, `document.querySelector('.article-cover img').getBoundingClientRect().width * devicePixelRatio`)
			m := width.FindStringSubmatch(src)
			if m == nil || m[2] != "webp" {
				t.Fatalf("cover shows %s, want a WebP variant", src)
			}
			chosen, _ := strconv.Atoi(m[1])
			if v == phone3x {
				css := shown / 3
				if float64(chosen) < 1.9*css || float64(chosen) >= 3*css {
					t.Errorf("cover %d px wide for %.0f CSS pixels at DPR 3, want about 2 device pixels per CSS pixel", chosen, css)
				}
			} else if float64(chosen) > 2*shown || float64(chosen) < shown {
				t.Errorf("cover %d px wide for %.0f device pixels, want between 1× and 2×", chosen, shown)
			}
			t.Logf("%s: cover shown at %.0f px, variant %d px (%s)", v.name, shown, chosen, strings.TrimPrefix(src, site.URL))
			tb.checkClean(v.name)
			time.Sleep(200 * time.Millisecond) // the favicon loads after the page
			mu.Lock()
			total, cover := 0.0, 0.0
			for u, n := range sizes {
				total += n
				if strings.Contains(u, "/img/") {
					cover += n
				}
			}
			mu.Unlock()
			t.Logf("%s: %.1f KB transferred, cover %.1f KB", v.name, total/1024, cover/1024)
			if v != desktop && (total >= 150*1024 || cover >= 80*1024) {
				t.Errorf("at 390 px: %.1f KB in all, cover %.1f KB; want under 150 KB and 80 KB", total/1024, cover/1024)
			}
		})
	}
}
