package importer

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// noLinks is a body with no old address and no upload.
type noLinks struct{}

func (noLinks) page(string) (string, bool)        { return "", false }
func (noLinks) media(string) (string, bool, bool) { return "", false, false }

func testConverter() *converter {
	return newConverter(func(string, []string) []galleryImage { return nil })
}

// hostileBodies are bodies whose conversion used to cost the square of
// their size (found while finding why FuzzReadWXR stalled): autop put each
// <pre> back with one copy of the whole body, the shortcode scan read to
// the end of the body from every '[', and html-to-markdown reads from each
// '[' to the next ']' on its line.
var hostileBodies = []struct {
	name, unit string
	keep       string // what the Markdown must hold once per unit
}{
	{"many preformatted blocks", "<pre>x</pre>\n\n", "x"},
	{"brackets never closed", "[a ", `\[a`},
	{"shortcodes never closed", "[b]c ", `\[b\]c`},
	{"links in brackets", "[<a href=\"/x\">l</a> ", `\[l`},
}

// TestConvertHostileBodiesBounded converts bodies built to be slow, of
// 50 and 200 kB, and checks the text survives and the memory used grows
// with the body, not with its square: four times the body may take at most
// eight times the memory (the <pre> one took sixteen, and 4.5 GB at 200
// kB, before). A ratio holds under the race detector too, whose
// instrumentation allocates more.
func TestConvertHostileBodiesBounded(t *testing.T) {
	c := testConverter()
	for _, tc := range hostileBodies {
		t.Run(tc.name, func(t *testing.T) {
			var used [2]uint64
			for i, size := range []int{50_000, 200_000} {
				n := size / len(tc.unit)
				src := strings.Repeat(tc.unit, n)
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				b := c.convert("1", src, noLinks{})
				runtime.ReadMemStats(&after)
				used[i] = after.TotalAlloc - before.TotalAlloc
				if got := strings.Count(b.markdown, tc.keep); got < n {
					t.Errorf("%d kB: %q kept %d times, want %d; start of the Markdown: %.200q", size/1000, tc.keep, got, n, b.markdown)
				}
			}
			if used[1] > 8*used[0] {
				t.Errorf("allocated %d MB for 50 kB, %d MB for 200 kB: more than linear", used[0]>>20, used[1]>>20)
			}
		})
	}
}

func TestShortcodesNestedDeep(t *testing.T) {
	// Ten thousand levels: beyond maxShortcodeDepth the rest stays text,
	// read once more rather than once per level.
	const depth = 10_000
	var open, closing strings.Builder
	for i := range depth {
		open.WriteString("[s" + strconv.Itoa(i) + "]")
		closing.WriteString("[/s" + strconv.Itoa(depth-1-i) + "]")
	}
	src := open.String() + "fin" + closing.String()
	var b body
	got := testConverter().shortcodes("1", src, &b)
	if !strings.Contains(got, "fin") || strings.Contains(got, "[s0]") || !strings.Contains(got, "[s9999]") {
		t.Errorf("want the outer levels converted, the inner ones kept as text: %.100q … %q", got, got[max(0, len(got)-40):])
	}
}

func TestPlainMarkdownEscapes(t *testing.T) {
	c := testConverter()
	src := strings.Repeat("[", maxBrackets+1) + "\n\n<p>1. *pas* une liste &lt;b&gt; # ni un titre</p><ul><li>- non plus</li></ul>"
	b := c.convert("1", src, noLinks{})
	if len(b.issues) != 1 || !strings.Contains(b.issues[0], "texte gardé sans mise en forme") {
		t.Errorf("issues = %q", b.issues)
	}
	want := `1\. \*pas\* une liste \<b\> \# ni un titre` + "\n\n" + `\- non plus`
	if !strings.HasSuffix(b.markdown, want) {
		t.Errorf("Markdown ends %q, want %q", b.markdown[max(0, len(b.markdown)-80):], want)
	}
	// Rendered back, the text is the text: no list, no heading, no tag.
	var out strings.Builder
	if err := c.markdown.Convert([]byte(b.markdown), &out); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<ol", "<ul", "<h1", "<em>", "<b>"} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("the plain text renders %s: %s", bad, out.String())
		}
	}
}

// BenchmarkConvertHostile shows how conversion time grows with the size
// of a hostile body: linear now (compare the two sizes).
func BenchmarkConvertHostile(b *testing.B) {
	c := testConverter()
	for _, tc := range hostileBodies {
		for _, size := range []int{50_000, 200_000} {
			src := strings.Repeat(tc.unit, size/len(tc.unit))
			b.Run(tc.name+"/"+strconv.Itoa(size/1000)+"kB", func(b *testing.B) {
				for b.Loop() {
					c.convert("1", src, noLinks{})
				}
			})
		}
	}
}
