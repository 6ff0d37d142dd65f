package images

import (
	"bytes"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkProcess12MP processes a 12-megapixel photo (4000×3000, drawn
// here) into every variant of a cover (the 16:9 ladder in WebP and JPEG,
// the four 1200-wide crops) and, separately, of a body image (its own
// ladder), and as a cover again with a Display P3 profile, converted to
// sRGB. It reports the wall time of one photo and the peak of the Go heap
// while it is processed (sampled every 5 ms, the photo's own bytes
// included).
func BenchmarkProcess12MP(b *testing.B) {
	src := encodeJPEG(b, photo(4000, 3000))
	info, err := Probe("photo.jpg", src)
	if err != nil {
		b.Fatal(err)
	}
	s := Source{Path: "photo.jpg", Hash: "bench", Info: info}
	for _, c := range []struct {
		name string
		use  Use
	}{{"cover", UseCover}, {"body", UseBody}} {
		b.Run(c.name, func(b *testing.B) { benchRender(b, src, NewPlan(s, c.use, Center)) })
	}
	p3 := withICC(src, matrixProfile("Display P3", displayP3, srgbPara()), 60000)
	p3info, err := Probe("photo.jpg", p3)
	if err != nil || !p3info.ToSRGB {
		b.Fatalf("P3 photo: %v %+v", err, p3info)
	}
	b.Run("cover-p3", func(b *testing.B) {
		benchRender(b, p3, NewPlan(Source{Path: "photo.jpg", Hash: "bench-p3", Info: p3info}, UseCover, Center))
	})
}

func benchRender(b *testing.B, src []byte, plan Plan) {
	plans := []Plan{plan}
	// The WebP encoder's WebAssembly module compiles on first use, once
	// per process: not part of a photo's cost.
	if _, err := Render(NewPlan(Source{Hash: "warm", Info: Info{Format: "jpeg", Width: 64, Height: 48}}, UseBody, Center), encodeJPEG(b, photo(64, 48)), func(Variant, []byte) error { return nil }); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var out, files int64
	b.ResetTimer()
	for range b.N {
		for _, p := range plans {
			if _, err := Render(p, src, func(_ Variant, enc []byte) error {
				out += int64(len(enc))
				files++
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	close(stop)
	<-done
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N), "s/photo")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(files)/float64(b.N), "variants/photo")
	b.ReportMetric(float64(out)/float64(b.N)/(1<<10), "KB-written/photo")
}

// BenchmarkEncode1280 compares the encoders on one 1280×960 variant.
func BenchmarkEncode1280(b *testing.B) {
	img := resize(photo(2560, 1920), 1280, 960)
	for _, f := range []string{"webp", "jpeg"} {
		b.Run(f, func(b *testing.B) {
			var n int
			for range b.N {
				var buf bytesBuffer
				if err := encode(&buf.Buffer, img, f); err != nil {
					b.Fatal(err)
				}
				n = buf.Len()
			}
			b.ReportMetric(float64(n)/1024, "KB")
		})
	}
}

type bytesBuffer struct{ bytes.Buffer }

// BenchmarkToSRGB12MP converts the pixels of a 12-megapixel Display P3
// photo to sRGB: the cost the conversion adds to processing such a photo.
func BenchmarkToSRGB12MP(b *testing.B) {
	prof, err := parseProfile(matrixProfile("Display P3", displayP3, srgbPara()))
	if err != nil {
		b.Fatal(err)
	}
	conv := newConverter(prof)
	img := photo(4000, 3000)
	b.SetBytes(int64(len(img.Pix)))
	b.ResetTimer()
	for range b.N {
		conv.apply(img.Pix)
	}
}
