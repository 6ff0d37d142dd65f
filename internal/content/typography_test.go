package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// nb is the non-breaking space the site uses throughout.
const nb = "\u00a0"

func TestFrench(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"apostrophe", "l'été d'aujourd'hui", "l’été d’aujourd’hui"},
		{"quotes", `le programme "Vivre ailleurs" de RFI`, "le programme «" + nb + "Vivre ailleurs" + nb + "» de RFI"},
		{"quotes with spaces inside", `dit " bonjour " ici`, "dit «" + nb + "bonjour" + nb + "» ici"},
		{"quotation inside a quotation", `"il a dit "non" hier"`, "«" + nb + "il a dit “non” hier" + nb + "»"},
		{"English quotation", `le slogan "It's the economy" est connu`, "le slogan «" + nb + "It’s the economy" + nb + "» est connu"},
		{"typed guillemets, plain spaces", "« Vivre ailleurs »", "«" + nb + "Vivre ailleurs" + nb + "»"},
		{"typed guillemets, glued", "«Vivre ailleurs»", "«" + nb + "Vivre ailleurs" + nb + "»"},
		{"typed guillemets, narrow spaces", "«\u202fVivre ailleurs\u202f»", "«" + nb + "Vivre ailleurs" + nb + "»"},
		{"colon with a plain space", "Impôts : ce qu'il faut savoir", "Impôts" + nb + ": ce qu’il faut savoir"},
		{"colon glued", "Impôts: ce qu'il faut savoir", "Impôts" + nb + ": ce qu’il faut savoir"},
		{"colon already right", "Impôts" + nb + ": oui", "Impôts" + nb + ": oui"},
		{"narrow space before a mark", "Vraiment\u202f? Oui\u202f!", "Vraiment" + nb + "? Oui" + nb + "!"},
		{"question and exclamation", "Vraiment?! Oui !", "Vraiment" + nb + "?! Oui" + nb + "!"},
		{"semicolon", "eau ; vêtements;", "eau" + nb + "; vêtements" + nb + ";"},
		{"time and URL untouched", "à 10:30, sur https://www.cleiss.fr/?q=a&b=c!", "à 10:30, sur https://www.cleiss.fr/?q=a&b=c" + nb + "!"},
		{"ellipsis", "et ainsi de suite...", "et ainsi de suite…"},
		{"four dots untouched", "....", "...."},
		{"NUL, replaced as CommonMark does", "\"\x00 \"", "«" + nb + "\uFFFD" + nb + "»"},
		{"dashes", "2021 -- 2024 --- fin", "2021 – 2024 — fin"},
		{"hyphen untouched", "2021-2024, non-résidents", "2021-2024, non-résidents"},
		{"mark at the start", "? pourquoi", "? pourquoi"},
		{"already French", "«" + nb + "Non" + nb + "», dit-il" + nb + ": l’été…", "«" + nb + "Non" + nb + "», dit-il" + nb + ": l’été…"},
		{"plain text keeps backslashes and ampersands", `a\b & c;`, `a\b & c` + nb + ";"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := French(tt.in); got != tt.want {
				t.Errorf("French(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMarkdownTypography(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"paragraph", `L'AEFE dit : "oui"`, "<p>L’AEFE dit" + nb + ": «" + nb + "oui" + nb + "»</p>"},
		{"code span untouched", "Tapez `l'option \"x\" : y` puis validez !", "<p>Tapez <code>l'option &quot;x&quot; : y</code> puis validez" + nb + "!</p>"},
		{"mark after a code span", "la valeur `x`: voilà", "<p>la valeur <code>x</code>" + nb + ": voilà</p>"},
		{"code block untouched", "```\nl'été : \"x\"...\n```", "<pre><code>l'été : &quot;x&quot;...\n</code></pre>"},
		{"link text, not its address or title", `[l'article "Axe 1"](/a/b?x=1:2 "l'axe : 1")`,
			`<p><a href="/a/b?x=1:2" title="l'axe : 1">l’article «` + nb + `Axe 1` + nb + `»</a></p>`},
		{"autolink untouched, prose after it", "Voir https://www.cleiss.fr/docs/?q=1... !", `<p>Voir <a href="https://www.cleiss.fr/docs/?q=1">https://www.cleiss.fr/docs/?q=1</a>…` + nb + `!</p>`},
		{"quotation across emphasis", `"**Vivre** ailleurs"`, "<p>«" + nb + "<strong>Vivre</strong> ailleurs" + nb + "»</p>"},
		{"space before a mark after emphasis", "**Attention** : lisez", "<p><strong>Attention</strong>" + nb + ": lisez</p>"},
		{"plain space before an emphasised mark", "Lisez ceci **:** rien", "<p>Lisez ceci<strong>" + nb + ":</strong> rien</p>"},
		// A one-line paragraph followed by « : » is a definition list
		// (see definitionLists); after two lines, the text goes on.
		{"mark on the next line", "Au sujet de\nce mot\n: la suite", "<p>Au sujet de\nce mot" + nb + ": la suite</p>"},
		{"heading", "## Qui peut partir ?", `<h2 id="qui-peut-partir">Qui peut partir` + nb + `? <a class="heading-anchor"`},
		{"escaped quote kept", `un \"vrai\" guillemet`, `<p>un &quot;vrai&quot; guillemet</p>`},
		{"entity kept", `AT&amp;T ; fin`, "<p>AT&amp;T" + nb + "; fin</p>"},
		{"image description untouched", `![l'été : "x"](https://example.org/a.png)`, `<p><img src="https://example.org/a.png" alt="l'été : &quot;x&quot;"`},
		{"table cell", "| a | b |\n|---|---|\n| l'été : x | y |", "<td>l’été" + nb + ": x</td>"},
		{"list item", "- eau ;\n- vêtements.", "<li>eau" + nb + ";</li>"},
		{"hard line break", "Ligne  \n: suite", "<p>Ligne<br>\n: suite</p>"},
	}
	prs := NewParser()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, problems := prs.Article("monde/a.md", article(validFM, tt.in+"\n"), paris)
			if HasErrors(problems) {
				t.Fatalf("problems: %v", problems)
			}
			if got := strings.TrimSpace(a.BodyHTML); !strings.Contains(got, tt.want) {
				t.Errorf("Markdown %q\n got %q\nwant %q in it", tt.in, got, tt.want)
			}
		})
	}
}

func TestMarkdownTypographyPlainText(t *testing.T) {
	a, problems := NewParser().Article("monde/a.md", article(validFM, "L'été : \"oui\".\n\nSuite.\n"), paris)
	if HasErrors(problems) {
		t.Fatal(problems)
	}
	want := "L’été" + nb + ": «" + nb + "oui" + nb + "»."
	if a.FirstParagraph != want || !strings.HasPrefix(a.BodyText, want) {
		t.Errorf("FirstParagraph %q, BodyText %q; want %q", a.FirstParagraph, a.BodyText, want)
	}
}

// FuzzFrench checks that the pass never breaks its input: valid UTF-8 in,
// valid UTF-8 out; a second pass changes nothing; no plain space is left
// before a spaced mark; and the text grows by a bounded amount.
func FuzzFrench(f *testing.F) {
	for _, s := range []string{
		"l'été", `"a "b" c"`, "« x »", "x : y ; z ! w ?", "10:30 https://a.fr/?q=1", "...", "-- ---",
		"\u202f?", `\"`, "&amp;", "«", "»", `"`, "a\n: b", "?!?!", "« « » »",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		once := French(s)
		if !utf8.ValidString(once) {
			t.Fatalf("French(%q) = %q: invalid UTF-8", s, once)
		}
		if twice := French(once); twice != once {
			t.Fatalf("not idempotent: %q → %q → %q", s, once, twice)
		}
		if strings.Contains(once, " »") || strings.Contains(once, "« ") || strings.Contains(once, "'") || strings.Contains(once, `"`) {
			t.Fatalf("French(%q) = %q: plain space inside guillemets or straight quote left", s, once)
		}
		if n, m := utf8.RuneCountInString(once), utf8.RuneCountInString(s); n > 2*m+2 {
			t.Fatalf("French(%q) grew from %d to %d runes", s, m, n)
		}
	})
}
