package content

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkProblems holds for the problems of any file: they name the file, a
// line inside it (or none), and say something.
func checkProblems(t *testing.T, file string, src []byte, problems []Problem) {
	t.Helper()
	// A lone CR ends a line too, as in old Mac files: YAML counts it.
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	lines := strings.Count(text, "\n") + strings.Count(text, "\r") + 1
	for _, p := range problems {
		if p.Path != file {
			t.Errorf("problem names %q, want %q: %v", p.Path, file, p)
		}
		if p.Line < 0 || p.Line > lines+1 {
			t.Errorf("problem at line %d of a %d-line file: %v", p.Line, lines, p)
		}
		if strings.TrimSpace(p.Message) == "" || !utf8.ValidString(p.Message) {
			t.Errorf("problem without a readable message: %#v", p)
		}
	}
}

func FuzzSite(f *testing.F) {
	for _, seed := range []string{
		"title: Horizons\nbase_url: https://horizons.example\ntimezone: Europe/Paris\n",
		"title: Horizons\ntagline: L'actualité\ndescription: \"Un site\"\nlanguage: fr\n",
		"",
		"title: [a, b]\n",
		"title: x\ntimezone: Mars/Olympus\n",
		"title: x\nbase_url: javascript:alert(1)\n",
		"titre: faute de frappe\n",
		"a: &a [*a, *a]\nb: *a\n",
		"title: x\n\xff\xfe\n",
		"title: x\ntitle: y\n",
		"\ufefftitle: BOM\n",
		"title: |\n  multi\n  ligne\n",
		"- liste\n- au lieu\n",
		"title: x\ntimezone: ../../../../etc/passwd\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		site, problems := ParseSite(SiteFile, src)
		checkProblems(t, SiteFile, src, problems)
		// Even a broken site.yaml gives settings a server can run with.
		if site.Location == nil || site.Title == "" || site.TimeZone == "" {
			t.Fatalf("unusable settings: %+v", site)
		}
		if !HasErrors(problems) && !validBaseURL(site.BaseURL) {
			t.Errorf("accepted base_url %q", site.BaseURL)
		}
	})
}

// activeHTML matches what would run in a page: raw HTML must not get
// through Markdown, nor script links. Text that merely reads "javascript:"
// is harmless.
var activeHTML = regexp.MustCompile(`(?i)<(?:script|iframe|object|embed|style)|\son[a-z]+\s*=|(?:href|src)\s*=\s*"\s*(?:javascript|vbscript|data):`)

func FuzzCategory(f *testing.F) {
	for _, seed := range []string{
		"---\ntitle: Monde\ndescription: L'actualité internationale\nweight: 2\n---\n\nIntroduction *en Markdown*.\n",
		"---\ntitle: Monde\n---\n",
		"---\ntitle: \n---\n",
		"---\nweight: deux\n---\n",
		"pas de front matter\n",
		"---\ntitle: x\n",
		"---\ntitle: x\n---\n<script>alert(1)</script>\n[lien](javascript:alert(1))\n",
		"---\ntitle: x\n---\n" + strings.Repeat("> ", 200) + "profond\n",
		"---\ntitle: x\nweight: 99999999999999999999\n---\n",
		"+++\ntitle = 'Monde'\naliases = ['/category/monde/', '/?cat=3', 'relatif', '//x']\n+++\n",
		"{\"title\": \"Monde\", \"aliases\": [\"/monde\", \"/tags/x\"]}\n",
	} {
		f.Add([]byte(seed))
	}
	p := NewParser()
	f.Fuzz(func(t *testing.T, src []byte) {
		const file = "monde/_index.md"
		c, problems := p.CategoryFile(file, src)
		checkProblems(t, file, src, problems)
		if HasErrors(problems) {
			return
		}
		if c.Slug != "monde" || c.Title == "" {
			t.Errorf("accepted category without slug or title: %+v", c)
		}
		if m := activeHTML.FindString(c.IntroHTML); m != "" {
			t.Errorf("intro renders active HTML %q: %q", m, c.IntroHTML)
		}
	})
}

func FuzzSlugify(f *testing.F) {
	for _, seed := range []string{
		"Études à l'étranger : mode d'emploi", "Œuvre & cœur", "  --  ", "", "ÀÉÎÕÜ ß æ",
		"COG 2021-2024", "\x00\xff", "İstanbul", "ﬁnance", "١٢٣", "Ⅻ", "a\u0301",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		slug := Slugify(s)
		for i := 0; i < len(slug); i++ {
			c := slug[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				t.Fatalf("Slugify(%q) = %q: byte %q is not [a-z0-9-]", s, slug, c)
			}
		}
		if strings.HasPrefix(slug, "-") || strings.HasSuffix(slug, "-") || strings.Contains(slug, "--") {
			t.Errorf("Slugify(%q) = %q: stray hyphen", s, slug)
		}
		if again := Slugify(slug); again != slug {
			t.Errorf("Slugify not idempotent: %q → %q → %q", s, slug, again)
		}
		if slug != "" && !IsSlug(slug) {
			t.Errorf("IsSlug(Slugify(%q)) is false", s)
		}
	})
}
