package importer

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/horizons-expat/site/internal/content"
)

// HugoOptions says where a Hugo site goes.
type HugoOptions struct {
	Content string // our content folder
	// Reserved are the first path segments of the site's own pages
	// (web.ReservedSegments): no rubrique is named after one.
	Reserved content.Reserved
}

// hugoPage is a page of the Hugo site on its way to becoming an article.
type hugoPage struct {
	src      string // slash path in Hugo's content/
	bundle   string // the bundle folder, for a page bundle (x/index.md)
	rubrique string
	slug     string
	oldURL   string
}

// Hugo imports the content folder of the Hugo site at dir (the site's
// root, or its content/ folder itself). Sections become rubriques: a
// nested section goes into the rubrique of its top section, and the
// report says so. Headers keep Hugo's keys, which the site reads; the body's
// shortcodes become Markdown or links; each page's Hugo address becomes an
// alias.
func Hugo(dir string, opts HugoOptions) (*Report, error) {
	root := dir
	if st, err := os.Stat(filepath.Join(dir, "content")); err == nil && st.IsDir() {
		root = filepath.Join(dir, "content")
	}
	report := newReport()
	w, err := openWriter(diskFolder(opts.Content), report)
	if err != nil {
		return nil, err
	}
	fsys := os.DirFS(root)
	var pages []*hugoPage
	sections := map[string]bool{}
	flattened := map[string]string{}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || content.IgnoredName(d.Name()) || path.Ext(p) != ".md" {
			return nil
		}
		dir, name := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		if dir == "" {
			if name != "_index.md" {
				report.Issue(p, "", "page hors de toute section : laissée de côté (placez-la dans une rubrique)")
			}
			return nil
		}
		top, _, nested := strings.Cut(dir, "/")
		section := rubriqueSlug(top, opts.Reserved)
		sections[section] = true
		if name == "_index.md" {
			if nested {
				flattened[dir] = section
			}
			return nil
		}
		pg := &hugoPage{src: p, rubrique: section}
		base := strings.TrimSuffix(name, ".md")
		if name == "index.md" {
			// A leaf bundle: the folder is the page, its files its resources.
			pg.bundle = dir
			base = path.Base(dir)
			dir = path.Dir(dir)
			if dir == "." {
				report.Issue(p, "", "bundle hors de toute section : laissé de côté")
				return nil
			}
		}
		if strings.Contains(dir, "/") {
			flattened[dir] = section
		}
		pg.slug = content.Slugify(base)
		pg.oldURL = "/" + dir + "/" + base
		pages = append(pages, pg)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read Hugo content %s: %w", root, err)
	}
	// Two pages of one rubrique may now share a slug: the later gets a number.
	taken := map[string]int{}
	for _, pg := range pages {
		key := pg.rubrique + "/" + pg.slug
		if taken[key]++; taken[key] > 1 {
			pg.slug = fmt.Sprintf("%s-%d", pg.slug, taken[key])
		}
	}
	bySource := map[string]*hugoPage{}
	for _, pg := range pages {
		bySource[pg.src] = pg
		bySource[strings.TrimSuffix(pg.src, ".md")] = pg
		if pg.bundle != "" {
			bySource[pg.bundle] = pg
		}
	}
	dirs := make([]string, 0, len(flattened))
	for d := range flattened {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		report.Issue(d, "", "section imbriquée réunie dans la rubrique « %s »", flattened[d])
	}
	h := &hugo{root: root, fsys: fsys, w: w, report: report, bySource: bySource}
	for _, pg := range pages {
		if err := h.page(pg); err != nil {
			return nil, err
		}
	}
	secs := make([]string, 0, len(sections))
	for s := range sections {
		secs = append(secs, s)
	}
	sort.Strings(secs)
	nestedOf := map[string][]string{} // rubrique → Hugo addresses of its nested sections
	for _, d := range dirs {
		nestedOf[flattened[d]] = append(nestedOf[flattened[d]], "/"+d)
	}
	for _, s := range secs {
		if err := h.section(s, nestedOf[s]); err != nil {
			return nil, err
		}
	}
	if err := w.save(); err != nil {
		return nil, err
	}
	return report, nil
}

type hugo struct {
	root     string
	fsys     fs.FS
	w        *writer
	report   *Report
	bySource map[string]*hugoPage
}

// section writes the _index.md of a rubrique from the section's own; the
// addresses of the sections it took in redirect to it.
func (h *hugo) section(slug string, nested []string) error {
	rel := slug + "/" + content.CategoryFile
	title := strings.ToUpper(slug[:1]) + strings.ReplaceAll(slug[1:], "-", " ")
	fm := &yaml.Node{Kind: yaml.MappingNode}
	var body []byte
	if src, err := fs.ReadFile(h.fsys, slug+"/_index.md"); err == nil {
		node, b, err := content.FrontMatter(slug+"/_index.md", src)
		if err != nil {
			h.report.Issue(slug+"/_index.md", "", "en-tête illisible (%v) : rubrique créée sans", err)
		} else {
			body = b
			for i := 0; i+1 < len(node.Content); i += 2 {
				switch k := strings.ToLower(node.Content[i].Value); k {
				case "title", "description", "weight", "aliases":
					fm.Content = append(fm.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, node.Content[i+1])
				}
			}
		}
	}
	if get(fm, "title") == nil {
		setKey(fm, "title", &yaml.Node{Kind: yaml.ScalarNode, Value: title})
	}
	if len(nested) > 0 {
		list := get(fm, "aliases")
		if list == nil || list.Kind != yaml.SequenceNode {
			list = &yaml.Node{Kind: yaml.SequenceNode}
			setKey(fm, "aliases", list)
		}
		for _, n := range nested {
			list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: n})
		}
	}
	var out bytes.Buffer
	out.WriteString("---\n")
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return fmt.Errorf("rubrique %s: %w", slug, err)
	}
	out.WriteString("---\n")
	if b := bytes.TrimSpace(body); len(b) > 0 {
		out.WriteString("\n")
		out.Write(b)
		out.WriteString("\n")
	}
	res, err := h.w.write(rel, out.Bytes())
	if msg := keptMessage(res, rel); msg != "" {
		h.report.Issue(slug, "", "%s", msg)
	}
	h.report.Count("rubriques", 1)
	return err
}

func get(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if strings.EqualFold(m.Content[i].Value, key) {
			return m.Content[i+1]
		}
	}
	return nil
}

func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if strings.EqualFold(m.Content[i].Value, key) {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

// page writes one article, with its bundle's files under media/hugo/.
func (h *hugo) page(pg *hugoPage) error {
	src, err := fs.ReadFile(h.fsys, pg.src)
	if err != nil {
		return fmt.Errorf("read %s: %w", pg.src, err)
	}
	fm, body, err := content.FrontMatter(pg.src, src)
	if err != nil {
		h.report.Issue(pg.src, "", "en-tête illisible, page laissée de côté : %v", err)
		return nil
	}
	if get(fm, "date") == nil && get(fm, "publishdate") == nil && get(fm, "pubdate") == nil {
		// Hugo dates a page without date by nothing: ours needs one.
		when := time.Now()
		if st, err := fs.Stat(h.fsys, pg.src); err == nil {
			when = st.ModTime()
		}
		setKey(fm, "date", &yaml.Node{Kind: yaml.ScalarNode, Value: when.Format(time.RFC3339)})
		h.report.Issue(pg.src, "", "sans date : la date du fichier est mise à sa place")
	}
	// Hugo's url names the whole address: the site reads it as the slug or
	// as an alias by itself. Hugo's own address of the page comes next.
	target := content.ArticlePath(pg.rubrique, pg.slug)
	if old := strings.ToLower(pg.oldURL); old != target {
		var list *yaml.Node
		if list = get(fm, "aliases"); list == nil || list.Kind != yaml.SequenceNode {
			old := list
			list = &yaml.Node{Kind: yaml.SequenceNode}
			if old != nil && old.Kind == yaml.ScalarNode && old.Value != "" {
				list.Content = append(list.Content, old)
			}
			setKey(fm, "aliases", list)
		}
		list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: pg.oldURL})
	}
	// Relative aliases are Hugo's relative to the page's folder, which
	// may not be the rubrique's any more: write them whole.
	if list := get(fm, "aliases"); list != nil && list.Kind == yaml.SequenceNode {
		for _, a := range list.Content {
			if a.Kind == yaml.ScalarNode && !strings.HasPrefix(a.Value, "/") && !strings.Contains(a.Value, "://") {
				a.Value = "/" + path.Join(path.Dir(strings.TrimPrefix(pg.oldURL, "/")), a.Value)
			}
		}
	}
	md := h.shortcodes(pg, string(body))
	if pg.bundle != "" {
		md = h.bundle(pg, md, fm)
	}
	md = h.static(pg, md, fm)
	var out bytes.Buffer
	out.WriteString("---\n")
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return fmt.Errorf("front matter of %s: %w", pg.src, err)
	}
	out.WriteString("---\n\n")
	out.WriteString(strings.TrimSpace(md))
	out.WriteString("\n")
	rel := pg.rubrique + "/" + pg.slug + ".md"
	res, err := h.w.write(rel, out.Bytes())
	if err != nil {
		return err
	}
	if msg := keptMessage(res, rel); msg != "" {
		h.report.Issue(pg.src, "", "%s", msg)
	}
	h.report.Count("articles", 1)
	h.report.Imported++
	return nil
}

// bundle copies the files of a page bundle and points the body and the
// cover (images, image) to them.
func (h *hugo) bundle(pg *hugoPage, md string, fm *yaml.Node) string {
	entries, err := fs.ReadDir(h.fsys, pg.bundle)
	if err != nil {
		return md
	}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "index.md" || content.IgnoredName(e.Name()) {
			continue
		}
		data, err := fs.ReadFile(h.fsys, pg.bundle+"/"+e.Name())
		if err != nil {
			h.report.Issue(pg.src, "", "fichier %s illisible : %v", e.Name(), err)
			continue
		}
		local := "media/hugo/" + pg.rubrique + "/" + pg.slug + "/" + mediaName(e.Name())
		if _, err := h.w.write(local, data); err != nil {
			h.report.Issue(pg.src, "", "copie de %s impossible : %v", e.Name(), err)
			continue
		}
		h.report.Count("médias copiés", 1)
		// Resources are named relative to the bundle: (photo.jpg) or (./photo.jpg).
		for _, ref := range []string{"(" + e.Name(), "(./" + e.Name(), `"` + e.Name() + `"`} {
			md = strings.ReplaceAll(md, ref, ref[:1]+"/"+local)
		}
		eachCover(fm, func(n *yaml.Node) {
			if strings.TrimPrefix(n.Value, "./") == e.Name() {
				n.Value = "/" + local
			}
		})
	}
	return md
}

// hugoShortcode matches {{< name args >}} and {{% name args %}}.
var hugoShortcode = regexp.MustCompile(`\{\{([<%])\s*(/?)\s*([\w.-]+)((?:[^>%}]|[>%][^}]|\}[^}])*?)\s*([>%])\}\}`)

// shortcodes turns the shortcodes that matter for news into Markdown.
func (h *hugo) shortcodes(pg *hugoPage, md string) string {
	reported := map[string]bool{}
	return hugoShortcode.ReplaceAllStringFunc(md, func(m string) string {
		sub := hugoShortcode.FindStringSubmatch(m)
		closing, name, attrs := sub[2] == "/", strings.ToLower(sub[3]), parseAttrs(sub[4])
		arg := func(keys ...string) string {
			for _, k := range keys {
				if v := attrs[k]; v != "" {
					return v
				}
			}
			return ""
		}
		if closing {
			return ""
		}
		// A shortcode stands on its own line: its replacement does too.
		link := func(u string) string { return fmt.Sprintf("[%s](%s)", u, u) }
		switch name {
		case "figure":
			src, alt, caption := arg("src"), arg("alt"), arg("caption", "title")
			if alt == "" {
				alt = caption
			}
			s := fmt.Sprintf("![%s](%s)", alt, src)
			if caption != "" {
				s += "\n\n*" + caption + "*"
			}
			return s
		case "youtube":
			if id := arg("id", "0"); id != "" {
				return link("https://www.youtube.com/watch?v=" + id)
			}
		case "vimeo":
			if id := arg("id", "0"); id != "" {
				return link("https://vimeo.com/" + id)
			}
		case "x", "tweet", "twitter":
			user, id := arg("user", "0"), arg("id", "1")
			if name == "tweet" && attrs["user"] == "" && attrs["1"] == "" {
				user, id = "i/web", arg("id", "0")
			}
			if id != "" && user != "" {
				return link("https://x.com/" + user + "/status/" + id)
			}
		case "instagram":
			if id := arg("id", "0"); id != "" {
				return link("https://www.instagram.com/p/" + id + "/")
			}
		case "ref", "relref":
			ref := arg("path", "0")
			target, anchor, _ := strings.Cut(ref, "#")
			if p := h.resolve(pg, target); p != "" {
				if anchor != "" {
					p += "#" + anchor
				}
				return p
			}
			h.report.Issue(pg.src, "", "{{< %s \"%s\" >}} : page introuvable dans le site Hugo", name, ref)
			return ref
		}
		if !reported[name] {
			reported[name] = true
			h.report.Issue(pg.src, "", "shortcode {{< %s >}} non converti : retiré (son contenu éventuel est gardé)", name)
		}
		return ""
	})
}

// resolve is the new path of the Hugo page that ref names: a path in
// content/ (with or without .md, /posts/x or posts/x.md), or a name
// relative to the page's folder.
func (h *hugo) resolve(pg *hugoPage, ref string) string {
	ref = strings.TrimSuffix(strings.TrimSuffix(ref, "/"), ".md")
	candidates := []string{strings.TrimPrefix(ref, "/")}
	if !strings.HasPrefix(ref, "/") {
		candidates = append(candidates, path.Join(path.Dir(pg.src), ref))
	}
	for _, c := range candidates {
		for _, k := range []string{c, c + "/index"} {
			if p, ok := h.bySource[k]; ok {
				return content.ArticlePath(p.rubrique, p.slug)
			}
		}
	}
	// A bare name: the first page of that name anywhere.
	srcs := make([]string, 0, len(h.bySource))
	for src := range h.bySource {
		srcs = append(srcs, src)
	}
	sort.Strings(srcs)
	for _, src := range srcs {
		if path.Base(strings.TrimSuffix(src, "/index")) == path.Base(ref) {
			p := h.bySource[src]
			return content.ArticlePath(p.rubrique, p.slug)
		}
	}
	return ""
}

// eachCover calls fn on every scalar of the image and images keys.
func eachCover(fm *yaml.Node, fn func(*yaml.Node)) {
	for _, key := range []string{"image", "images"} {
		n := get(fm, key)
		if n == nil {
			continue
		}
		if n.Kind == yaml.ScalarNode {
			fn(n)
		}
		for _, c := range n.Content {
			if c.Kind == yaml.ScalarNode {
				fn(c)
			}
		}
	}
}

// staticRef is a site path in Markdown: an image or a link target.
var staticRef = regexp.MustCompile(`\]\((/[^)\s]+)`)

// static copies the files of Hugo's static/ folder that the page names by
// their site path (/images/carte.png) into media/hugo/, and points the
// page to the copies. Pages are not in static/: their paths stay.
func (h *hugo) static(pg *hugoPage, md string, fm *yaml.Node) string {
	staticDir := filepath.Join(filepath.Dir(h.root), "static")
	copyOne := func(p string) (string, bool) {
		if strings.HasPrefix(p, "/media/") || strings.Contains(p, "..") {
			return "", false
		}
		data, err := os.ReadFile(filepath.Join(staticDir, filepath.FromSlash(strings.TrimPrefix(p, "/"))))
		if err != nil {
			return "", false
		}
		local := "media/hugo/" + mediaName(strings.TrimPrefix(p, "/"))
		if _, err := h.w.write(local, data); err != nil {
			h.report.Issue(pg.src, "", "copie de %s impossible : %v", p, err)
			return "", false
		}
		return "/" + local, true
	}
	md = staticRef.ReplaceAllStringFunc(md, func(m string) string {
		if local, ok := copyOne(m[2:]); ok {
			return "](" + local
		}
		return m
	})
	eachCover(fm, func(n *yaml.Node) {
		if local, ok := copyOne(n.Value); ok {
			n.Value = local
		}
	})
	return md
}
