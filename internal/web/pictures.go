package web

import (
	"fmt"
	"image/color"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/horizons-expat/site/internal/images"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// variantPrefix is where image variants are served, under immutable URLs.
const variantPrefix = "/img/"

// sizes say how wide each kind of picture is displayed, for the browser to
// choose a variant before any CSS is applied: they follow static/style.css
// (.wrap is 74rem wide at most with 1 to 1.5rem of padding, .article-wrap
// 42rem, the home page's lead two thirds of the width from 60rem on, cards
// at least 15.5rem in a grid).
//
// On a phone of 2.5 device pixels per CSS pixel or more, the slot is told
// two thirds of its width: the browser then takes about two device pixels
// per CSS pixel instead of three. A photo looks the same at arm's length,
// and the cover of an article at 390 px costs 60 kB instead of 110 kB
// (BenchmarkPageWeight). Only the choice of file changes, not the layout.
const (
	sizesArticle = "(min-width: 45rem) 42rem, " + sizesPhone
	sizesLead    = "(min-width: 74rem) 43rem, (min-width: 60rem) 58vw, " + sizesPhone
	sizesCard    = "(min-width: 74rem) 23rem, (min-width: 34rem) 50vw, " + sizesPhone
	sizesPhone   = "(min-resolution: 2.5dppx) calc((100vw - 2rem) * 2 / 3), calc(100vw - 2rem)"
)

// pendingValidity bounds how long a page that shows an original, its
// variants not being made yet, may be kept by browsers and shared caches:
// it is rendered again with them soon after (the page cache itself follows
// the library's generation).
const pendingValidity = 15 * time.Second

// coverPicture is the cover of a as pages show it, cropped to 16:9 around
// its focus point; nil when a has no site-local cover the site can show
// (a refused file was reported to the editor at ingest).
func (rq *request) coverPicture(a store.Article, sizes string, priority bool) *templates.Picture {
	if !strings.HasPrefix(a.Image, "/") || a.ImageWidth == 0 {
		return nil
	}
	pic := &templates.Picture{Src: a.Image, Alt: a.ImageAlt, Sizes: sizes, Priority: priority,
		Caption: a.ImageCaption, Credit: a.ImageCredit, Cover: true}
	file, _ := url.PathUnescape(strings.TrimPrefix(a.Image, "/"))
	w, h := a.ImageWidth, a.ImageHeight
	if rq.images != nil {
		src, err, known := rq.images.Source(file)
		if known && err != nil {
			return nil // the file turned bad since the article was read
		}
		if known {
			w, h = src.Info.Width, src.Info.Height // replaced since: the library knows
		}
		plan, st, ok := rq.images.Lookup(file, images.UseCover, focusOf(a.ImageFocus))
		// An animated GIF's cover is the poster made of its first frame:
		// listings and cards must not carry megabytes of animation.
		if known && src.Info.Raster() && !st.Ready && st.Err == nil {
			rq.until(rq.now.Add(pendingValidity))
		}
		if ok {
			fillPicture(pic, plan, st)
			return pic
		}
	}
	// The original, cropped by CSS: the page's layout is the same.
	pic.Width, pic.Height = w, h
	return pic
}

// fillPicture names the variants of plan in pic once they are all written;
// until then pic keeps the original (workers are at it, and the library's
// generation moving on makes cached pages render again).
func fillPicture(pic *templates.Picture, plan images.Plan, st images.State) {
	largest, ok := plan.Largest(fallbackFormat(plan))
	if !ok {
		return
	}
	pic.Width, pic.Height = largest.Width, largest.Height
	if !st.Ready {
		return
	}
	var webp, fallback []string
	for _, v := range plan.Ladder {
		c := variantPrefix + v.Name + " " + strconv.Itoa(v.Width) + "w"
		if v.Format == "webp" {
			webp = append(webp, c)
		} else {
			fallback = append(fallback, c)
		}
	}
	pic.Src = variantPrefix + largest.Name
	pic.SrcSet = strings.Join(fallback, ", ")
	pic.WebPSrcSet = strings.Join(webp, ", ")
	pic.Placeholder = placeholderClass(st.Color)
}

func fallbackFormat(p images.Plan) string {
	if p.Source.Info.Alpha {
		return "png"
	}
	return "jpeg"
}

func focusOf(s string) images.Focus {
	if f, err := images.ParseFocus(s); err == nil && s != "" {
		return f
	}
	return images.Center
}

// placeholderClass names the background class, from static/style.css, of
// the colour nearest to c: four levels a channel. The site's policy
// forbids inline styles, so the placeholders are a fixed palette.
func placeholderClass(c color.RGBA) string {
	q := func(v uint8) int { return (int(v) + 42) / 85 } // 0, 85, 170, 255 → 0..3
	return fmt.Sprintf("ph-%d%d%d", q(c.R), q(c.G), q(c.B))
}

// shareImage is the article's picture for social networks and search
// engines: the 1200×630 crop for Open Graph and the 16:9, 4:3 and 1:1 ones
// for structured data, once made; the original until then. ok is false
// when the article has no cover the site can show.
func (rq *request) shareImages(a store.Article) (og images.Variant, ld []string, ok bool) {
	if rq.images == nil {
		return images.Variant{}, nil, false
	}
	if !strings.HasPrefix(a.Image, "/") || a.ImageWidth == 0 {
		// Without a cover: the card drawn from the title and rubrique.
		plan, st, found := rq.images.Lookup(images.CardPath(a.Title, a.CategoryTitle, rq.site.Title), images.UseShareCard, images.Center)
		if !found || !st.Ready || len(plan.Extra) == 0 {
			return images.Variant{}, nil, false
		}
		return plan.Extra[0], nil, true
	}
	file, _ := url.PathUnescape(strings.TrimPrefix(a.Image, "/"))
	plan, st, found := rq.images.Lookup(file, images.UseCover, focusOf(a.ImageFocus))
	if !found || !st.Ready {
		return images.Variant{}, nil, false
	}
	og, _ = plan.ExtraOf(images.ShareRatio)
	for _, r := range []images.Ratio{images.CoverRatio, images.Ratio4x3, images.Ratio1x1} {
		if v, ok := plan.ExtraOf(r); ok {
			ld = append(ld, rq.abs(variantPrefix+v.Name))
		}
	}
	return og, ld, true
}

// bodyImage matches an image of an article's text as the Markdown renderer
// writes it: src and alt first, then the attributes content set.
var bodyImage = regexp.MustCompile(`<img src="(/[^"]*)" alt="([^"]*)"([^>]*?) width="(\d+)" height="(\d+)">`)

// bodyPictures gives the site-local images of an article's text their
// variants: a <picture> with a WebP srcset and the fallback's, sized for
// the article column. Images without ready variants stay as they are.
func (rq *request) bodyPictures(html string) string {
	if rq.images == nil || !strings.Contains(html, "<img ") {
		return html
	}
	return bodyImage.ReplaceAllStringFunc(html, func(tag string) string {
		m := bodyImage.FindStringSubmatch(tag)
		file, err := url.PathUnescape(strings.TrimPrefix(m[1], "/"))
		if err != nil {
			return tag
		}
		src, srcErr, known := rq.images.Source(file)
		if known && srcErr == nil && src.Info.Animated {
			return tag // in the text, the animation is the content: the original
		}
		plan, st, ok := rq.images.Lookup(file, images.UseBody, images.Center)
		if !ok || !st.Ready {
			if known && srcErr == nil && src.Info.Raster() && st.Err == nil {
				rq.until(rq.now.Add(pendingValidity))
			}
			return tag
		}
		pic := &templates.Picture{}
		fillPicture(pic, plan, st)
		var b strings.Builder
		b.WriteString(`<picture><source type="image/webp" srcset="`)
		b.WriteString(pic.WebPSrcSet)
		b.WriteString(`" sizes="` + sizesArticle + `"><img src="`)
		b.WriteString(pic.Src)
		b.WriteString(`" srcset="` + pic.SrcSet + `" sizes="` + sizesArticle + `" alt="`)
		b.WriteString(m[2])
		b.WriteString(`"` + m[3])
		fmt.Fprintf(&b, ` width="%d" height="%d" class="%s"></picture>`, pic.Width, pic.Height, pic.Placeholder)
		return b.String()
	})
}
