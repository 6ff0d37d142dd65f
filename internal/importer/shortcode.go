package importer

import (
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Shortcodes are WordPress's bracketed macros, [name attrs]…[/name]. A
// bracket that is no shortcode WordPress knows is left as text: articles
// write [sic] and [1] too.

// knownShortcodes are those of WordPress and WordPress.com that we do not
// convert but recognise, to report them rather than leave them as text.
var knownShortcodes = map[string]bool{
	"playlist": true, "contact-form": true, "contact-field": true, "googlemaps": true, "slideshow": true,
	"archives": true, "sitemap": true, "code": true, "sourcecode": true, "wpvideo": true, "polldaddy": true,
	"crowdsignal": true, "recipe": true, "scribd": true, "gist": true, "bandcamp": true, "audio": true,
	"video": true, "latex": true, "wufoo": true, "flickr": true, "facebook": true, "pinterest": true,
}

// linkShortcodes show a player or a post of another site: each becomes a
// link to it.
var linkShortcodes = map[string]string{
	"youtube": "https://www.youtube.com/watch?v=%s", "vimeo": "https://vimeo.com/%s",
	"dailymotion": "https://www.dailymotion.com/video/%s", "ted": "", "soundcloud": "", "spotify": "",
	"instagram": "", "tweet": "", "twitter": "", "embed": "", "audio": "", "video": "",
}

var shortcodeName = regexp.MustCompile(`^\[([A-Za-z_][A-Za-z0-9_-]*)`)

var closingTag = regexp.MustCompile(`\[/([A-Za-z_][A-Za-z0-9_-]*)\]`)

// maxShortcodeDepth bounds shortcodes inside shortcodes: each level reads
// its content again, so an export nesting thousands would cost the square
// of its size. WordPress articles nest two or three at most.
const maxShortcodeDepth = 8

// shortcodes replaces the shortcodes of src by HTML.
func (c *converter) shortcodes(itemID, src string, b *body) string {
	return c.shortcodesAt(itemID, src, b, 0)
}

// shortcodesAt reads src once: where each closing tag is comes from one
// pass before, and an opening tag ends at the first ']' before any other
// '[', so no byte is read again for each bracket (a body of a million
// brackets would otherwise take hours).
func (c *converter) shortcodesAt(itemID, src string, b *body, depth int) string {
	if depth > maxShortcodeDepth || strings.IndexByte(src, '[') < 0 {
		return src
	}
	closings := map[string][]int{} // closing tag → its offsets in src, in order
	for _, m := range closingTag.FindAllStringIndex(src, -1) {
		tag := src[m[0]:m[1]]
		closings[tag] = append(closings[tag], m[0])
	}
	// closeAfter is the offset of the first tag at or after from, or -1.
	closeAfter := func(tag string, from int) int {
		offsets := closings[tag]
		i := sort.SearchInts(offsets, from)
		if i == len(offsets) {
			return -1
		}
		return offsets[i]
	}
	var out strings.Builder
	pos := 0
	for {
		i := strings.IndexByte(src[pos:], '[')
		if i < 0 {
			out.WriteString(src[pos:])
			return out.String()
		}
		out.WriteString(src[pos : pos+i])
		pos += i
		m := shortcodeName.FindStringSubmatch(src[pos:])
		// The opening tag ends at its first ']'; another '[' first means it is no tag.
		end := strings.IndexAny(src[pos+1:], "[]")
		if end >= 0 {
			end++
			if src[pos+end] != ']' {
				end = -1
			}
		}
		if m == nil || end < 0 || strings.Contains(src[pos:pos+end], "\n\n") {
			out.WriteByte('[')
			pos++
			continue
		}
		name := strings.ToLower(m[1])
		closing := "[/" + m[1] + "]"
		closeAt := closeAfter(closing, pos+end)
		_, links := linkShortcodes[name]
		handled := name == "caption" || name == "wp_caption" || name == "gallery" || links
		if !handled && !knownShortcodes[name] && closeAt < 0 {
			out.WriteByte('[')
			pos++
			continue
		}
		attrs := parseAttrs(strings.TrimSuffix(src[pos+len(m[0]):pos+end], "/"))
		inner, next := "", pos+end+1
		if closeAt >= 0 && !strings.HasSuffix(src[pos:pos+end], "/") {
			inner = src[pos+end+1 : closeAt]
			next = closeAt + len(closing)
		}
		inner = c.shortcodesAt(itemID, inner, b, depth+1)
		out.WriteString(c.shortcode(itemID, name, attrs, inner, b))
		pos = next
	}
}

// shortcode is the HTML of one shortcode.
func (c *converter) shortcode(itemID, name string, attrs map[string]string, inner string, b *body) string {
	switch name {
	case "caption", "wp_caption":
		// [caption]<img> Légende[/caption]: the caption is the text after
		// the image (or its link); old exports put it in caption="".
		caption := attrs["caption"]
		media := inner
		if i := strings.LastIndex(inner, ">"); i >= 0 && caption == "" {
			media, caption = inner[:i+1], inner[i+1:]
		}
		caption = strings.TrimSpace(caption)
		if caption == "" {
			return "\n\n<p>" + media + "</p>\n\n"
		}
		return "\n\n<p>" + media + "</p>\n\n<p><em>" + caption + "</em></p>\n\n"
	case "gallery":
		var ids []string
		for _, id := range strings.Split(attrs["ids"]+","+attrs["include"], ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		images := c.gallery(itemID, ids)
		if len(images) == 0 {
			b.issues = append(b.issues, "galerie [gallery] sans image trouvée dans l'export : retirée")
			return ""
		}
		var s strings.Builder
		s.WriteString("\n\n")
		for _, img := range images {
			fmt.Fprintf(&s, "<p><img src=\"%s\" alt=\"%s\"></p>\n\n", html.EscapeString(img.url), html.EscapeString(img.alt))
		}
		return s.String()
	}
	if pattern, ok := linkShortcodes[name]; ok {
		u := strings.TrimSpace(inner)
		for _, k := range []string{"url", "src", "mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv", "0", "id"} {
			if u == "" || !strings.HasPrefix(u, "http") {
				if v := attrs[k]; v != "" {
					u = v
				}
			}
		}
		if u != "" && !strings.HasPrefix(u, "http") && pattern != "" {
			u = fmt.Sprintf(pattern, u)
		}
		if strings.HasPrefix(u, "http") {
			u = html.EscapeString(html.UnescapeString(u))
			return fmt.Sprintf("\n\n<p><a href=\"%s\">%s</a></p>\n\n", u, u)
		}
	}
	b.issues = append(b.issues, fmt.Sprintf("shortcode [%s] non converti : son texte est gardé, sa fonction perdue", name))
	return inner
}

var attrRE = regexp.MustCompile(`([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|(\S+)`)

// parseAttrs reads shortcode attributes; values without a name are keyed
// by their position ("0", "1", …), as WordPress numbers them.
func parseAttrs(s string) map[string]string {
	out := map[string]string{}
	n := 0
	for _, m := range attrRE.FindAllStringSubmatch(s, -1) {
		switch {
		case m[1] != "":
			out[strings.ToLower(m[1])] = m[2]
		case m[3] != "":
			out[strings.ToLower(m[3])] = m[4]
		case m[5] != "":
			out[strings.ToLower(m[5])] = m[6]
		default:
			v := m[7]
			if v == "" {
				v = m[8]
			}
			out[fmt.Sprint(n)] = strings.TrimPrefix(v, "=")
			n++
		}
	}
	return out
}

// blockTag opens a block that wpautop leaves alone.
var blockTag = regexp.MustCompile(`(?i)^<(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|video|audio|object|embed|script)\b`)

var blankLines = regexp.MustCompile(`\n\s*\n`)

var preBlock = regexp.MustCompile(`(?is)<pre\b.*?</pre>`)

// autop makes paragraphs of blank-line-separated text, as WordPress's
// wpautop does when it shows a post: the editor wrote no <p>, and single
// line breaks are <br>. Preformatted blocks keep their lines.
func autop(src string) string {
	var pres []string
	src = preBlock.ReplaceAllStringFunc(src, func(m string) string {
		pres = append(pres, m)
		return fmt.Sprintf("\n\n<pre data-autop=\"%d\"></pre>\n\n", len(pres)-1)
	})
	var out strings.Builder
	for _, chunk := range blankLines.Split(src, -1) {
		chunk = strings.TrimSpace(chunk)
		if chunk == "" {
			continue
		}
		if blockTag.MatchString(chunk) {
			out.WriteString(chunk)
		} else {
			out.WriteString("<p>" + strings.ReplaceAll(chunk, "\n", "<br>\n") + "</p>")
		}
		out.WriteString("\n\n")
	}
	if len(pres) == 0 {
		return out.String()
	}
	// One pass puts every block back: a Replace per block would copy the
	// whole body once per <pre>.
	return prePlaceholder.ReplaceAllStringFunc(out.String(), func(m string) string {
		i, err := strconv.Atoi(prePlaceholder.FindStringSubmatch(m)[1])
		if err != nil || i >= len(pres) {
			return m
		}
		return pres[i]
	})
}

var prePlaceholder = regexp.MustCompile(`<pre data-autop="(\d+)"></pre>`)
