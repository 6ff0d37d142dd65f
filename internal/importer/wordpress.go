package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
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

// WordPressOptions says where an export goes.
type WordPressOptions struct {
	Content string // the content folder
	Uploads string // WordPress's wp-content/uploads folder; "" when not at hand
	// Categories maps WordPress category slugs to existing rubriques.
	Categories map[string]string
	// Pages is the rubrique of WordPress's pages; "-" leaves pages out.
	Pages string
	// Reserved are the first path segments of the site's own pages
	// (web.ReservedSegments): no rubrique is named after one.
	Reserved content.Reserved
}

// DefaultPagesRubrique holds WordPress's pages unless told otherwise.
const DefaultPagesRubrique = "pages"

// fallbackRubrique holds posts that have no category at all.
const fallbackRubrique = "non-classe"

// mediaFolder is where uploads are copied, under content/media/.
const mediaFolder = "wp"

// wordpress is one import in progress.
type wordpress struct {
	exp    *Export
	opts   WordPressOptions
	loc    *time.Location
	w      *writer
	report *Report
	conv   *converter

	blogHost    string
	authors     map[string]string   // login → display name
	categories  map[string]Term     // slug → category
	attachments map[string]Item     // ID → attachment
	byUpload    map[string]Item     // attachment URL (normalised) → attachment
	children    map[string][]Item   // post ID → its attachments
	newPath     map[string]string   // old address (normalised) → new path
	copied      map[string]string   // upload relative path → site path, "" when missing
	copies      map[string]string   // file copied from uploads → its site path, "" when missing
	credited    map[string][]string // author slug → the logins WordPress showed them under
	names       map[string]string   // author slug → display name
	authorIDs   map[string]string   // login → WordPress's user ID (/?author=ID)
	rubriques   map[string]*rubrique
}

type rubrique struct {
	slug, title, description string
	aliases                  []string
	posts                    int
	existing                 bool // mapped to a rubrique the site already has
}

// post is an item on its way to becoming an article file.
type post struct {
	item     Item
	rubrique string
	slug     string
	title    string
	aliases  []string // its old addresses
}

// WordPress imports exp into opts.Content and reports what it did.
func WordPress(exp *Export, opts WordPressOptions) (*Report, error) {
	return importWordPress(exp, opts, diskFolder(opts.Content))
}

func importWordPress(exp *Export, opts WordPressOptions, dir folder) (*Report, error) {
	if opts.Pages == "" {
		opts.Pages = DefaultPagesRubrique
	}
	report := newReport()
	w, err := openWriter(dir, report)
	if err != nil {
		return nil, err
	}
	wp := &wordpress{exp: exp, opts: opts, w: w, report: report,
		authors: map[string]string{}, categories: map[string]Term{}, attachments: map[string]Item{},
		byUpload: map[string]Item{}, children: map[string][]Item{}, newPath: map[string]string{},
		copied: map[string]string{}, copies: map[string]string{}, rubriques: map[string]*rubrique{},
		credited: map[string][]string{}, names: map[string]string{}, authorIDs: map[string]string{}}
	wp.conv = newConverter(wp.gallery)
	if wp.loc, err = siteLocation(dir); err != nil {
		return nil, err
	}
	if u, err := url.Parse(firstNonEmpty(exp.BaseBlogURL, exp.Link)); err == nil {
		wp.blogHost = strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	}
	for _, a := range exp.Authors {
		wp.authors[a.Login] = firstNonEmpty(a.DisplayName, a.Login)
		if a.ID != "" {
			wp.authorIDs[a.Login] = a.ID
		}
	}
	for _, c := range exp.Categories {
		wp.categories[c.Slug] = c
	}
	for _, it := range exp.Items {
		if it.Type == "attachment" {
			wp.attachments[it.ID] = it
			wp.byUpload[normaliseUpload(it.AttachmentURL)] = it
			wp.children[it.Parent] = append(wp.children[it.Parent], it)
		}
	}
	if err := wp.siteFile(); err != nil {
		return nil, err
	}
	posts := wp.plan()
	wp.reportOrphanAttachments(posts)
	for _, p := range posts {
		if err := wp.article(p); err != nil {
			return nil, err
		}
	}
	if err := wp.rubriqueFiles(); err != nil {
		return nil, err
	}
	if err := wp.authorFiles(); err != nil {
		return nil, err
	}
	if err := w.save(); err != nil {
		return nil, err
	}
	return report, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// siteLocation is the time zone of the site's settings, Paris by default.
func siteLocation(dir folder) (*time.Location, error) {
	src, err := dir.readFile("site.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		return time.LoadLocation(content.DefaultTimeZone)
	}
	if err != nil {
		return nil, fmt.Errorf("read site settings: %w", err)
	}
	s, _ := content.ParseSite("site.yaml", src)
	return s.Location, nil
}

// siteFile writes site.yaml for a new site, from the export's settings.
func (wp *wordpress) siteFile() error {
	if wp.w.exists("site.yaml") {
		return nil
	}
	settings := yaml.Node{Kind: yaml.MappingNode}
	add := func(k, v string) {
		if v != "" {
			settings.Content = append(settings.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k},
				&yaml.Node{Kind: yaml.ScalarNode, Value: v})
		}
	}
	add("title", firstNonEmpty(wp.exp.Title, "Site"))
	add("description", wp.exp.Description)
	add("language", "fr")
	add("timezone", wp.loc.String())
	b, err := yaml.Marshal(&settings)
	if err != nil {
		return fmt.Errorf("site settings: %w", err)
	}
	_, err = wp.w.write("site.yaml", b)
	return err
}

// plan decides where every post and page goes, before any is written, so
// that bodies can link to items that come later in the export.
func (wp *wordpress) plan() []post {
	var posts []post
	taken := map[string]bool{}   // rubrique/slug
	claimed := map[string]post{} // old address → the post it leads to
	others := map[string]int{}
	for _, it := range wp.exp.Items {
		switch it.Type {
		case "post", "page":
		case "attachment":
			wp.report.Count("pièces jointes", 1)
			continue
		default:
			others[it.Type]++
			continue
		}
		switch it.Status {
		case "trash":
			wp.report.Count("à la corbeille (ignorés)", 1)
			continue
		case "auto-draft", "inherit":
			wp.report.Count("brouillons automatiques (ignorés)", 1)
			continue
		}
		p := post{item: it, title: it.Title}
		if strings.Contains(p.title, "<") {
			p.title = plainText(p.title) // a title is text: its markup would show as tags
		}
		if p.title == "" {
			p.title = "Sans titre"
			wp.report.Issue(p.title, it.ID, "titre vide : « Sans titre » mis à sa place")
		}
		if it.Type == "page" {
			if wp.opts.Pages == "-" {
				wp.report.Count("pages laissées de côté (-pages -)", 1)
				continue
			}
			p.rubrique = wp.rubriqueFor(wp.opts.Pages, "Pages", "", nil).slug
		} else {
			p.rubrique = wp.postRubrique(it)
		}
		p.slug = slugFor(it)
		if taken[p.rubrique+"/"+p.slug] {
			p.slug += "-" + it.ID
		}
		taken[p.rubrique+"/"+p.slug] = true
		target := content.ArticlePath(p.rubrique, p.slug)
		for _, old := range append(wp.oldAddresses(it), wp.attachmentAddresses(it)...) {
			if old == target || old == "/" {
				continue
			}
			if other, dup := claimed[old]; dup {
				// WordPress copies a guid into a duplicated post: the
				// address stays with the post that had it first.
				wp.report.Issue(p.title, it.ID, "ancienne adresse %s déjà celle de « %s » (%s) : elle reste à celui-ci", old, other.title, other.item.ID)
				continue
			}
			claimed[old] = p
			p.aliases = append(p.aliases, old)
			wp.newPath[old] = target
		}
		posts = append(posts, p)
	}
	kinds := make([]string, 0, len(others))
	for k := range others {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		wp.report.Count("autres éléments ignorés ("+k+")", others[k])
	}
	wp.categoryAddresses()
	return posts
}

func slugFor(it Item) string {
	name, err := url.PathUnescape(it.Name)
	if err != nil {
		name = it.Name
	}
	if s := content.Slugify(name); s != "" {
		return s
	}
	if s := content.Slugify(it.Title); s != "" {
		return s
	}
	return "article-" + content.Slugify(it.ID)
}

// postRubrique is the rubrique of a post's first category.
func (wp *wordpress) postRubrique(it Item) string {
	for _, c := range it.Categories {
		if c.Domain != "category" {
			continue
		}
		cat, ok := wp.categories[c.Slug]
		if !ok {
			cat = Term{Slug: c.Slug, Name: c.Name}
		}
		slug := rubriqueSlug(c.Slug, wp.opts.Reserved)
		to, mapped := wp.opts.Categories[c.Slug]
		if mapped {
			slug = to
		}
		r := wp.rubriqueFor(slug, firstNonEmpty(cat.Name, c.Name, c.Slug), cat.Description, nil)
		r.existing = r.existing || mapped
		return slug
	}
	return wp.rubriqueFor(fallbackRubrique, "Non classé", "", nil).slug
}

// rubriqueSlug is a folder name for a WordPress category slug (or a Hugo
// section), never one of the site's reserved segments.
func rubriqueSlug(wpSlug string, reserved content.Reserved) string {
	name, err := url.PathUnescape(wpSlug)
	if err != nil {
		name = wpSlug
	}
	s := content.Slugify(name)
	if s == "" || reserved.Has(s) {
		s = "rubrique-" + s
	}
	return strings.TrimSuffix(s, "-")
}

func (wp *wordpress) rubriqueFor(slug, title, description string, aliases []string) *rubrique {
	r, ok := wp.rubriques[slug]
	if !ok {
		r = &rubrique{slug: slug, title: title, description: description}
		wp.rubriques[slug] = r
	}
	r.posts++
	r.aliases = append(r.aliases, aliases...)
	return r
}

// categoryPath is the address WordPress gives a category: its ancestors'
// slugs, then its own.
func (wp *wordpress) categoryPath(slug string) string {
	parts := []string{slug}
	seen := map[string]bool{slug: true}
	for c := wp.categories[slug]; c.Parent != "" && !seen[c.Parent]; c = wp.categories[c.Parent] {
		seen[c.Parent] = true
		parts = append([]string{c.Parent}, parts...)
	}
	return "/category/" + strings.Join(parts, "/")
}

// categoryAddresses makes every category's old addresses answer: those of
// rubriques lead to them; a category that is no post's first leads to the
// rubrique most of its posts went to.
func (wp *wordpress) categoryAddresses() {
	votes := map[string]map[string]int{} // category → rubrique → posts
	for _, it := range wp.exp.Items {
		if it.Type != "post" || it.Status == "trash" {
			continue
		}
		r := wp.postRubriqueSlug(it)
		for _, c := range it.Categories {
			if c.Domain == "category" {
				if votes[c.Slug] == nil {
					votes[c.Slug] = map[string]int{}
				}
				votes[c.Slug][r]++
			}
		}
	}
	slugs := make([]string, 0, len(wp.categories))
	for s := range wp.categories {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, s := range slugs {
		c := wp.categories[s]
		best, n := "", 0
		for r, v := range votes[s] {
			if v > n || (v == n && r < best) {
				best, n = r, v
			}
		}
		if _, own := wp.rubriques[rubriqueSlug(s, wp.opts.Reserved)]; own && wp.opts.Categories[s] == "" {
			best = rubriqueSlug(s, wp.opts.Reserved)
		} else if to := wp.opts.Categories[s]; to != "" {
			best = to
		}
		if best == "" {
			wp.report.Count("catégories sans article (ignorées)", 1)
			continue
		}
		r := wp.rubriques[best]
		olds := []string{wp.categoryPath(s), "/category/" + s}
		if c.ID != "" {
			olds = append(olds, "/?cat="+c.ID)
		}
		for _, a := range olds {
			if alias, ok := content.Alias(".", a); ok && !contains(r.aliases, alias) {
				r.aliases = append(r.aliases, alias)
				wp.newPath[alias] = content.CategoryPath(best)
			}
		}
	}
	for _, t := range wp.exp.Tags {
		if slug := content.Slugify(t.Name); slug != "" {
			wp.newPath["/tag/"+strings.ToLower(t.Slug)] = content.TagPath(slug)
		}
	}
}

func (wp *wordpress) postRubriqueSlug(it Item) string {
	for _, c := range it.Categories {
		if c.Domain == "category" {
			if to := wp.opts.Categories[c.Slug]; to != "" {
				return to
			}
			return rubriqueSlug(c.Slug, wp.opts.Reserved)
		}
	}
	return fallbackRubrique
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// oldAddresses are the paths (with query) at which WordPress answered for
// the item: its permalink, its guid, and ?p= or ?page_id=.
func (wp *wordpress) oldAddresses(it Item) []string {
	var out []string
	add := func(raw string) {
		if p, ok := wp.sitePath(raw); ok && !contains(out, p) {
			out = append(out, p)
		}
	}
	add(it.Link)
	add(it.GUID)
	if it.ID != "" {
		add("/?p=" + it.ID)
		if it.Type == "page" {
			add("/?page_id=" + it.ID)
		}
	}
	return out
}

// reportOrphanAttachments names the attachments whose page leads nowhere
// now: attached to no post that was imported, their page had nothing but
// the file, and an alias leads to an article only.
func (wp *wordpress) reportOrphanAttachments(posts []post) {
	imported := map[string]bool{}
	for _, p := range posts {
		imported[p.item.ID] = true
	}
	for _, it := range wp.exp.Items {
		if it.Type != "attachment" || imported[it.Parent] {
			continue
		}
		if p, ok := wp.sitePath(it.Link); ok {
			wp.report.Issue(firstNonEmpty(it.Title, "Sans titre"), it.ID, "pièce jointe d'aucun article importé : son ancienne page %s ne mène plus nulle part (fichier %s)", p, it.AttachmentURL)
		}
	}
}

// attachmentAddresses are the pages WordPress showed for the files
// attached to it (/2024/11/13/slug/photo/, /?attachment_id=12): each
// showed the file within the post, so each leads to the post.
func (wp *wordpress) attachmentAddresses(it Item) []string {
	if it.ID == "" {
		return nil
	}
	var out []string
	for _, a := range wp.children[it.ID] {
		for _, raw := range []string{a.Link, "/?attachment_id=" + a.ID} {
			if a.ID == "" && strings.Contains(raw, "attachment_id") {
				continue
			}
			if p, ok := wp.sitePath(raw); ok && !contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// sitePath is the alias of raw when it is an address of the old site.
func (wp *wordpress) sitePath(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Path == "" && u.RawQuery == "" {
		return "", false
	}
	if u.Host != "" && strings.TrimPrefix(strings.ToLower(u.Host), "www.") != wp.blogHost {
		return "", false
	}
	if u.Host == "" && !strings.HasPrefix(raw, "/") {
		return "", false
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if unescaped, err := url.PathUnescape(p); err == nil && !strings.ContainsAny(unescaped, " \t#\\") {
		p = unescaped
	}
	// Doubled slashes reach the same page (the site merges them).
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	alias := p
	if u.RawQuery != "" {
		alias += "?" + u.RawQuery
	}
	return content.Alias(".", alias)
}

// page is the new path of an old address of an imported item, rubrique or tag.
func (wp *wordpress) page(raw string) (string, bool) {
	alias, ok := wp.sitePath(raw)
	if !ok {
		return "", false
	}
	p, ok := wp.newPath[alias]
	return p, ok
}

var sizeSuffix = regexp.MustCompile(`-\d+x\d+(\.[A-Za-z0-9]+)$`)

// uploadPath is the path of raw inside wp-content/uploads, when raw is an
// upload of the old site.
func (wp *wordpress) uploadPath(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", false
	}
	host := strings.ToLower(u.Host)
	p, err := url.PathUnescape(u.Path)
	if err != nil {
		return "", false
	}
	if i := strings.Index(p, "/wp-content/uploads/"); i >= 0 && (host == "" || strings.TrimPrefix(host, "www.") == wp.blogHost) {
		return p[i+len("/wp-content/uploads/"):], true
	}
	// WordPress.com keeps uploads on its own host, by year and month.
	if strings.HasSuffix(host, ".files.wordpress.com") || strings.HasSuffix(host, ".wp.com") {
		return strings.TrimPrefix(p, "/"), p != "" && p != "/"
	}
	if _, isAttachment := wp.byUpload[normaliseUpload(raw)]; isAttachment {
		return strings.TrimPrefix(p, "/"), true
	}
	return "", false
}

func normaliseUpload(raw string) string {
	raw = strings.TrimSpace(raw)
	raw, _, _ = strings.Cut(raw, "?")
	raw = strings.TrimPrefix(strings.TrimPrefix(raw, "https:"), "http:")
	return strings.ToLower(raw)
}

// media copies the upload raw points to into content/media/wp/ and returns
// its site path.
func (wp *wordpress) media(raw string) (string, bool, bool) {
	rel, ok := wp.uploadPath(raw)
	if !ok {
		// An attachment's page shows its file: link to the file.
		for _, a := range wp.attachments {
			if a.Link != "" && normaliseUpload(a.Link) == normaliseUpload(raw) {
				return wp.media(a.AttachmentURL)
			}
		}
		return "", false, false
	}
	if local, done := wp.copied[rel]; done {
		return local, true, local != ""
	}
	local := wp.copy(rel)
	if local == "" {
		// A size WordPress made (photo-300x200.jpg) may be missing when
		// the original is there.
		if orig := sizeSuffix.ReplaceAllString(rel, "$1"); orig != rel {
			local = wp.copy(orig)
		}
	}
	wp.copied[rel] = local
	return local, true, local != ""
}

// copy copies uploads/rel into the media folder, "" when it is not there.
func (wp *wordpress) copy(rel string) string {
	if wp.opts.Uploads == "" || strings.Contains(rel, "..") {
		return ""
	}
	if local, done := wp.copies[rel]; done {
		return local
	}
	local := wp.copyFile(rel)
	wp.copies[rel] = local
	return local
}

// copyFile is copy without its memory.
func (wp *wordpress) copyFile(rel string) string {
	data, err := os.ReadFile(filepath.Join(wp.opts.Uploads, filepath.FromSlash(rel)))
	if err != nil {
		return ""
	}
	clean := mediaName(rel)
	target := "media/" + mediaFolder + "/" + clean
	out, err := wp.w.write(target, data)
	if err != nil {
		wp.report.Issue(rel, "", "copie impossible : %v", err)
		return ""
	}
	if out == written || out == updated {
		wp.report.Count("médias copiés", 1)
	}
	return "/" + target
}

// mediaName is a file name the site serves as is: lower case, no spaces.
func mediaName(rel string) string {
	dir, file := path.Split(rel)
	ext := strings.ToLower(path.Ext(file))
	base := content.Slugify(strings.TrimSuffix(file, path.Ext(file)))
	if base == "" {
		base = "fichier"
	}
	var parts []string
	for _, d := range strings.Split(strings.Trim(dir, "/"), "/") {
		if s := content.Slugify(d); s != "" {
			parts = append(parts, s)
		}
	}
	return path.Join(append(parts, base+ext)...)
}

// gallery lists the images of a [gallery]: the ids it names, or else the
// attachments of the post.
func (wp *wordpress) gallery(itemID string, ids []string) []galleryImage {
	var items []Item
	if len(ids) > 0 {
		for _, id := range ids {
			if a, ok := wp.attachments[id]; ok {
				items = append(items, a)
			}
		}
	} else {
		items = wp.children[itemID]
	}
	var out []galleryImage
	for _, a := range items {
		if isImage(a.AttachmentURL) {
			out = append(out, galleryImage{url: a.AttachmentURL, alt: firstNonEmpty(a.Meta["_wp_attachment_image_alt"], a.Title)})
		}
	}
	return out
}

func isImage(u string) bool {
	u, _, _ = strings.Cut(u, "?")
	switch strings.ToLower(path.Ext(u)) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp":
		return true
	}
	return false
}

// frontMatter is an article's header, in the order editors read it.
type frontMatter struct {
	Title    string   `yaml:"title"`
	Date     string   `yaml:"date"`
	Summary  string   `yaml:"summary,omitempty"`
	Author   string   `yaml:"author,omitempty"`
	Tags     []string `yaml:"tags,omitempty,flow"`
	Image    string   `yaml:"image,omitempty"`
	ImageAlt string   `yaml:"image_alt,omitempty"`
	Aliases  []string `yaml:"aliases,omitempty"`
	Draft    bool     `yaml:"draft,omitempty"`
}

// article writes the file of one post or page.
func (wp *wordpress) article(p post) error {
	it := p.item
	fm := frontMatter{Title: p.title, Author: wp.authors[it.Creator]}
	if fm.Author == "" && it.Creator != "" {
		fm.Author = it.Creator
	}
	if slug := content.AuthorSlug(fm.Author); slug != "" {
		wp.names[slug] = fm.Author
		if !contains(wp.credited[slug], it.Creator) {
			wp.credited[slug] = append(wp.credited[slug], it.Creator)
		}
	}
	date, ok := wp.date(it)
	if !ok {
		wp.report.Issue(p.title, it.ID, "date « %s » illisible : date de l'export mise à sa place", it.Date)
	}
	fm.Date = date.Format(time.RFC3339)
	switch it.Status {
	case "publish":
	case "future":
		wp.report.Count("programmés", 1)
	case "draft", "pending", "private":
		fm.Draft = true
		wp.report.Count("brouillons", 1)
	default:
		fm.Draft = true
		wp.report.Issue(p.title, it.ID, "statut « %s » inconnu : importé en brouillon", it.Status)
	}
	if it.Password != "" && !fm.Draft {
		// Its readers had to know the password: the site has none to ask.
		fm.Draft = true
		wp.report.Count("brouillons", 1)
		wp.report.Issue(p.title, it.ID, "protégé par un mot de passe : importé en brouillon, à publier ou non")
	}
	tags := map[string]bool{}
	first := true
	for _, c := range it.Categories {
		switch c.Domain {
		case "post_tag":
		case "category":
			if first && it.Type == "post" {
				first = false
				continue // the rubrique
			}
		default:
			continue
		}
		name := firstNonEmpty(c.Name, c.Slug)
		if slug := content.Slugify(name); slug != "" && !tags[slug] {
			tags[slug] = true
			fm.Tags = append(fm.Tags, name)
		}
	}
	b := wp.conv.convert(it.ID, it.Content, wp)
	for _, is := range groupIssues(b.issues) {
		wp.report.Issue(p.title, it.ID, "%s", is)
	}
	if b.noAlt > 0 {
		wp.report.Issue(p.title, it.ID, "%d image(s) sans texte alternatif : à décrire", b.noAlt)
	}
	fm.Summary = firstNonEmpty(plainText(it.Excerpt), b.beforeMore)
	if id := it.Meta["_thumbnail_id"]; id != "" {
		wp.featured(&fm, p, id)
	}
	fm.Aliases = p.aliases
	var out bytes.Buffer
	out.WriteString("---\n")
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return fmt.Errorf("front matter of %s: %w", it.ID, err)
	}
	out.WriteString("---\n\n")
	if b.markdown != "" {
		out.WriteString(b.markdown)
		out.WriteString("\n")
	}
	if out.Len() > content.MaxFileSize {
		wp.report.Issue(p.title, it.ID, "article de plus de %d Mo : laissé de côté", content.MaxFileSize>>20)
		return nil
	}
	rel := p.rubrique + "/" + p.slug + ".md"
	res, err := wp.w.write(rel, out.Bytes())
	if err != nil {
		return err
	}
	if msg := keptMessage(res, rel); msg != "" {
		wp.report.Issue(p.title, it.ID, "%s", msg)
	}
	if it.Type == "page" {
		wp.report.Count("pages", 1)
	} else {
		wp.report.Count("articles", 1)
	}
	wp.report.Imported++
	return nil
}

// date is the item's instant in the site's zone: WordPress's GMT date,
// or, for drafts that have none, its wall-clock date.
func (wp *wordpress) date(it Item) (time.Time, bool) {
	const layout = "2006-01-02 15:04:05"
	if it.DateGMT != "" && !strings.HasPrefix(it.DateGMT, "0000") {
		if t, err := time.ParseInLocation(layout, it.DateGMT, time.UTC); err == nil {
			return t.In(wp.loc), true
		}
	}
	if t, err := time.ParseInLocation(layout, it.Date, wp.loc); err == nil {
		return t, true
	}
	return time.Date(2000, 1, 1, 0, 0, 0, 0, wp.loc), false
}

// featured sets the article's cover from its WordPress featured image.
func (wp *wordpress) featured(fm *frontMatter, p post, id string) {
	a, ok := wp.attachments[id]
	if !ok {
		wp.report.Issue(p.title, p.item.ID, "image à la une (pièce jointe %s) absente de l'export", id)
		return
	}
	local, _, found := wp.media(a.AttachmentURL)
	if !found {
		wp.report.Issue(p.title, p.item.ID, "image à la une %s absente du dossier -uploads : article sans image", a.AttachmentURL)
		return
	}
	fm.Image = local
	fm.ImageAlt = firstNonEmpty(a.Meta["_wp_attachment_image_alt"], a.Title)
}

// rubriqueFiles writes the _index.md of every rubrique, unless it exists
// and is not ours (an editor's, or one the mapping points to).
func (wp *wordpress) rubriqueFiles() error {
	slugs := make([]string, 0, len(wp.rubriques))
	for s := range wp.rubriques {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, s := range slugs {
		r := wp.rubriques[s]
		rel := s + "/" + content.CategoryFile
		if r.existing && wp.w.exists(rel) {
			if len(r.aliases) > 0 {
				quoted := make([]string, len(r.aliases))
				for i, a := range r.aliases {
					quoted[i] = fmt.Sprintf("%q", a) // "/?cat=3" unquoted is no YAML list item
				}
				wp.report.Issue(rel, "", "rubrique existante, laissée telle quelle : ajoutez « aliases: [%s] » à son en-tête pour que ses anciennes adresses redirigent", strings.Join(quoted, ", "))
			}
			continue
		}
		node := struct {
			Title       string   `yaml:"title"`
			Description string   `yaml:"description,omitempty"`
			Aliases     []string `yaml:"aliases,omitempty"`
		}{r.title, plainText(r.description), r.aliases}
		var out bytes.Buffer
		out.WriteString("---\n")
		enc := yaml.NewEncoder(&out)
		enc.SetIndent(2)
		if err := enc.Encode(node); err != nil {
			return fmt.Errorf("rubrique %s: %w", s, err)
		}
		out.WriteString("---\n")
		res, err := wp.w.write(rel, out.Bytes())
		if err != nil {
			return err
		}
		if msg := keptMessage(res, rel); msg != "" {
			wp.report.Issue(r.title, s, "%s", msg)
		}
		wp.report.Count("rubriques", 1)
	}
	return nil
}

// authorFiles writes the file of each author an imported article names,
// with the address of their WordPress page (/author/login) as an alias, so
// that it leads to their page here. An author file already there is the
// site's own: it stays, and the report says what to add.
func (wp *wordpress) authorFiles() error {
	slugs := make([]string, 0, len(wp.credited))
	for s := range wp.credited {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, s := range slugs {
		var aliases []string
		for _, login := range wp.credited[s] {
			// WordPress's author address holds the login as a slug (its user_nicename).
			olds := []string{"/author/" + content.Slugify(login)}
			if id := wp.authorIDs[login]; id != "" {
				olds = append(olds, "/?author="+id)
			}
			for _, old := range olds {
				if alias, ok := content.Alias(".", old); ok && login != "" && !contains(aliases, alias) {
					aliases = append(aliases, alias)
				}
			}
		}
		if len(aliases) == 0 {
			continue
		}
		rel := content.AuthorsDir + "/" + s + ".md"
		node := struct {
			Name    string   `yaml:"name"`
			Aliases []string `yaml:"aliases"`
		}{wp.names[s], aliases}
		var out bytes.Buffer
		out.WriteString("---\n")
		enc := yaml.NewEncoder(&out)
		enc.SetIndent(2)
		if err := enc.Encode(node); err != nil {
			return fmt.Errorf("author %s: %w", s, err)
		}
		out.WriteString("---\n")
		res, err := wp.w.write(rel, out.Bytes())
		if err != nil {
			return err
		}
		if res == foreign || res == kept {
			wp.report.Issue(wp.names[s], "", "fiche d'auteur %s déjà là, laissée telle quelle : ajoutez « aliases: [%s] » à son en-tête pour que son ancienne page redirige", rel, strings.Join(aliases, ", "))
			continue
		}
		wp.report.Count("auteurs", 1)
	}
	return nil
}

// groupIssues says each issue of an item once, and the files missing from
// the uploads folder in one line.
func groupIssues(issues []string) []string {
	var out, missing []string
	seen := map[string]bool{}
	for _, is := range issues {
		if seen[is] {
			continue
		}
		seen[is] = true
		if u, ok := missingUpload(is); ok {
			// photo.jpg?w=604 is photo.jpg at another width.
			u, _, _ = strings.Cut(u, "?")
			if !seen[u] {
				seen[u] = true
				missing = append(missing, u)
			}
			continue
		}
		out = append(out, is)
	}
	if len(missing) > 0 {
		out = append(out, fmt.Sprintf("%d fichier(s) absent(s) du dossier -uploads, gardés en liens vers leur adresse d'origine : %s",
			len(missing), strings.Join(missing, ", ")))
	}
	return out
}
