// Command shareimage draws the site's raster images from the shapes of
// static/logo.svg: logo.png (the publisher logo of structured data, which
// search engines want in a raster format), logo-flux.png (the feeds'
// channel image, which RSS 2.0 bounds to 144×400) and partage.png (the
// 1200×630 picture that social networks show for pages without an image of
// their own). Run by `go generate ./static`.
package main

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

var (
	navy  = color.NRGBA{0x12, 0x35, 0x5b, 0xff}
	cream = color.NRGBA{0xf4, 0xf1, 0xea, 0xff}
	sun   = color.NRGBA{0xe8, 0xa3, 0x3d, 0xff}
	paper = color.NRGBA{0xf6, 0xf4, 0xef, 0xff}
)

// logoAt returns the logo's colour at (x, y) in its 64×64 design space, and
// whether the point is on the logo at all.
func logoAt(x, y float64) (color.NRGBA, bool) {
	dx, dy := x-32, y-32
	if dx*dx+dy*dy > 30*30 {
		return color.NRGBA{}, false
	}
	line := func(y0, x0, x1 float64) bool {
		// stroke-width 3 with round caps
		cx := math.Max(x0, math.Min(x1, x))
		return (x-cx)*(x-cx)+(y-y0)*(y-y0) <= 1.5*1.5
	}
	switch {
	case line(42, 8, 56) || line(50, 14, 50):
		return cream, true
	case math.Abs(y-34) <= 1.5:
		return cream, true
	case y < 34 && (x-32)*(x-32)+(y-34)*(y-34) <= 18*18:
		return sun, true
	}
	return navy, true
}

// draw paints the logo, size pixels wide, at (ox, oy) on img, averaging
// 4×4 samples per pixel for smooth edges.
func draw(img *image.NRGBA, ox, oy, size int, bg color.NRGBA) {
	const n = 4
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/n) * 64 / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/n) * 64 / float64(size)
					c, on := logoAt(x, y)
					if !on {
						c = bg
					}
					r += float64(c.R) * float64(c.A)
					g += float64(c.G) * float64(c.A)
					b += float64(c.B) * float64(c.A)
					a += float64(c.A)
				}
			}
			out := color.NRGBA{}
			if a > 0 {
				out = color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(a / (n * n))}
			}
			img.SetNRGBA(ox+px, oy+py, out)
		}
	}
}

func save(name string, img image.Image) {
	f, err := os.Create(name)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	dir := flag.String("dir", ".", "folder to write the images into")
	flag.Parse()
	logo := image.NewNRGBA(image.Rect(0, 0, 512, 512))
	draw(logo, 0, 0, 512, color.NRGBA{})
	save(*dir+"/logo.png", logo)

	feed := image.NewNRGBA(image.Rect(0, 0, 144, 144))
	draw(feed, 0, 0, 144, color.NRGBA{})
	save(*dir+"/logo-flux.png", feed)

	share := image.NewNRGBA(image.Rect(0, 0, 1200, 630))
	for y := 0; y < 630; y++ {
		for x := 0; x < 1200; x++ {
			share.SetNRGBA(x, y, paper)
		}
	}
	draw(share, (1200-440)/2, (630-440)/2, 440, paper)
	save(*dir+"/partage.png", share)
}
