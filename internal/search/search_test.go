package search

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"accents and case", "Sécurité SOCIALE", "securit social"},
		{"elided article", "l'école", "ecol"},
		{"typographic apostrophe", "d’étranger", "etrang"},
		{"elided conjunction", "jusqu'à lorsqu'il", "a il"},
		{"plural", "retraites", "retrait"},
		{"irregular plural", "internationaux", "international"},
		{"ligature", "Cœur", "coeur"},
		{"apostrophe inside a word", "aujourd'hui", "aujourd hui"},
		{"letter without word after", "l' 2024", "l 2024"},
		{"punctuation splits", "2021-2024, COG!", "2021 2024 cog"},
		{"decomposed accents", "e\u0301tudier", "etudi"},
		{"empty", "  ,;  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewAnalyzer().Terms(tt.text); got != tt.want {
				t.Errorf("Terms(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// The same word, however the reader spells it, gives the term indexed.
func TestSpellingsMeetInTheIndex(t *testing.T) {
	tests := []struct{ query, text string }{
		{"securite", "Sécurité"},
		{"ETUDIER", "Étudier"},
		{"école", "l'école"},
		{"etranger", "d'étranger"},
		{"retraites", "retraite"},
		{"internationaux", "international"},
		{"lycee", "lycée"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q := Parse(tt.query)
			if len(q.Terms) != 1 || len(q.Terms[0].Words) != 1 {
				t.Fatalf("Parse(%q) = %+v, want one word", tt.query, q)
			}
			if got, want := q.Terms[0].Words[0], NewAnalyzer().Terms(tt.text); got != want {
				t.Errorf("query %q gives %q, text %q is indexed as %q", tt.query, got, tt.text, want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"trimmed and collapsed", "  sécurité \t\n sociale  ", "sécurité sociale"},
		{"control characters", "a\x00b\x1bc", "a b c"},
		{"Windows-1252 bytes repaired", "s\xe9curit\xe9 \x80", "sécurité €"},
		{"truncated UTF-8", "caf\xc3", "cafÃ"},
		{"replacement character dropped", "a\uFFFDb", "a b"},
		{"cut at 200 characters", strings.Repeat("é", 250), strings.Repeat("é", 200)},
		{"cut leaves no trailing space", strings.Repeat("a", 199) + " b", strings.Repeat("a", 199)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.raw)
			if got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("Clean(%q) is not UTF-8", tt.raw)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, raw string
		terms     []Term
		match     string
	}{
		{"words are ANDed", "lycée Valence", []Term{{Words: []string{"lyce"}}, {Words: []string{"valenc"}}}, `"lyce" AND "valenc"`},
		{"phrase", `"sécurité sociale" retraite`, []Term{{Words: []string{"securit", "social"}}, {Words: []string{"retrait"}}}, `"securit social" AND "retrait"`},
		{"unclosed quote", `"sécurité sociale`, []Term{{Words: []string{"securit", "social"}}}, `"securit social"`},
		{"prefix", "volontar*", []Term{{Words: []string{"volontar"}, Prefix: true}}, `("volontar"*)`},
		{"prefix that is a whole word", "étranger*", []Term{{Words: []string{"etranger"}, Prefix: true, Stems: []string{"etrang"}}}, `("etranger"* OR "etrang")`},
		{"prefix of an irregular plural", "internationau*", []Term{{Words: []string{"internationau"}, Prefix: true, Stems: []string{"international"}}}, `("internationau"* OR "international")`},
		{"prefix phrase", `"sécurité soc"*`, []Term{{Words: []string{"securit", "soc"}, Prefix: true}}, `("securit soc"*)`},
		{"star alone", "*", nil, ``},
		{"star inside a word", "a*b", []Term{{Words: []string{"a", "b"}}}, `"a b"`},
		{"hyphenated word is a phrase", "Sécurité-sociale", []Term{{Words: []string{"securit", "social"}}}, `"securit social"`},
		{"FTS5 operators are words", "retraite NOT NEAR AND", []Term{{Words: []string{"retrait"}}, {Words: []string{"not"}}, {Words: []string{"near"}}, {Words: []string{"and"}}}, `"retrait" AND "not" AND "near" AND "and"`},
		{"OR between words", "retraite OR trump", []Term{{Words: []string{"retrait"}}, {Words: []string{"trump"}, Or: true}}, `("retrait" OR "trump")`},
		{"OU between words, chained", "assurance maladie OU santé OU soins", []Term{{Words: []string{"assur"}}, {Words: []string{"malad"}}, {Words: []string{"sant"}, Or: true}, {Words: []string{"soin"}, Or: true}}, `"assur" AND ("malad" OR "sant" OR "soin")`},
		{"OR first or last is a word", "OR retraite OR", []Term{{Words: []string{"or"}}, {Words: []string{"retrait"}}, {Words: []string{"or"}}}, `"or" AND "retrait" AND "or"`},
		{"lower-case or is a word", "retraite ou pension", []Term{{Words: []string{"retrait"}}, {Words: []string{"ou"}}, {Words: []string{"pension"}}}, `"retrait" AND "ou" AND "pension"`},
		{"minus excludes", "retraite -espagne", []Term{{Words: []string{"retrait"}}}, `("retrait") NOT ("espagn")`},
		{"minus excludes a phrase", `visa -"sécurité sociale"`, []Term{{Words: []string{"vis"}}}, `("vis") NOT ("securit social")`},
		{"exclusion alone finds nothing", "-retraite", nil, ``},
		{"minus inside a word joins", "franco-allemand", []Term{{Words: []string{"franco", "allemand"}}}, `"franco allemand"`},
		{"column filter is text", "title:retraite", []Term{{Words: []string{"titl", "retrait"}}}, `"titl retrait"`},
		{"syntax characters are separators", `^ ( ) - + : { } ,`, nil, ``},
		{"NEAR group is text", "NEAR(a b, 2)", []Term{{Words: []string{"near", "a"}}, {Words: []string{"b"}}, {Words: []string{"2"}}}, `"near a" AND "b" AND "2"`},
		{"elided word alone", "l'", []Term{{Words: []string{"l"}}}, `"l"`},
		{"empty", "   ", nil, ``},
		{"every word must match, small ones too", "droits à la retraite", []Term{{Words: []string{"droit"}}, {Words: []string{"a"}}, {Words: []string{"la"}}, {Words: []string{"retrait"}}}, `"droit" AND "a" AND "la" AND "retrait"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Parse(tt.raw)
			if !reflect.DeepEqual(q.Terms, tt.terms) {
				t.Errorf("Parse(%q).Terms = %+v, want %+v", tt.raw, q.Terms, tt.terms)
			}
			if got := q.Match(); got != tt.match {
				t.Errorf("Parse(%q).Match() = %s, want %s", tt.raw, got, tt.match)
			}
			if q.Empty() != (len(tt.terms) == 0) {
				t.Errorf("Parse(%q).Empty() = %v", tt.raw, q.Empty())
			}
		})
	}
}

// render shows segments as HTML would, marks in brackets.
func render(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Mark {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		name, query, text, want string
	}{
		{"inflected forms", "retraite", "Les retraités et la Retraite.", "Les [retraités] et la [Retraite]."},
		{"elided word", "école", "Devant l'école", "Devant l'[école]"},
		{"accent-free query", "securite sociale", "La sécurité sociale française", "La [sécurité] [sociale] française"},
		{"phrase only where whole", `"sécurité sociale"`, "sécurité routière, sécurité sociale", "sécurité routière, [sécurité] [sociale]"},
		{"prefix", "franco*", "La Francophonie, le français", "La [Francophonie], le français"},
		{"no match", "mercosur", "Rien ici", "Rien ici"},
		{"quote before the first word kept", "vivre", "« Vivre ailleurs »", "« [Vivre] ailleurs »"},
		// A title breaks where its editor allowed it, never before « : ».
		{"non-breaking spaces kept", "expatriation", "Détachement ou expatriation\u00a0: quelles différences\u00a0?", "Détachement ou [expatriation]\u00a0: quelles différences\u00a0?"},
		{"a run with a non-breaking space stays non-breaking", "vivre", "«\u00a0 Vivre \n\u202f»", "«\u00a0[Vivre]\u202f»"},
		{"non-breaking spaces inside guillemets kept", "vivre", "«\u00a0Vivre ailleurs\u00a0»\u00a0: ici\n  et\u202f!", "«\u00a0[Vivre] ailleurs\u00a0»\u00a0: ici et\u202f!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(Parse(tt.query).Highlighter().Highlight(tt.text)); got != tt.want {
				t.Errorf("Highlight(%q, %q) = %q, want %q", tt.query, tt.text, got, tt.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	filler := strings.Repeat("mot ", 100)
	text := "Début du texte. " + filler + "Ici parle-t-on de la retraite\net de la sécurité sociale, ensemble. " + filler + "Fin sur la retraite."
	segs, distinct := Parse("sécurité retraite").Highlighter().Snippet(text, 20)
	got := render(segs)
	if distinct != 2 {
		t.Errorf("distinct = %d, want 2", distinct)
	}
	if !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") {
		t.Errorf("snippet %q lacks its ellipses", got)
	}
	if !strings.Contains(got, "de la [retraite] et de la [sécurité] sociale, ensemble.") {
		t.Errorf("snippet %q is not the passage with both words, on one line", got)
	}
	if n := len(strings.Fields(got)); n > 24 {
		t.Errorf("snippet has %d words, want about 20", n)
	}

	segs, distinct = Parse("absent").Highlighter().Snippet(text, 5)
	if got := render(segs); got != "Début du texte. mot mot …" || distinct != 0 {
		t.Errorf("no match: snippet %q (%d terms), want the start of the text", got, distinct)
	}
	if segs, _ := Parse("x").Highlighter().Snippet("", 5); segs != nil {
		t.Errorf("empty text: snippet %v", segs)
	}
}

// fold's fast paths give what Unicode decomposition gives.
func TestFoldFastPaths(t *testing.T) {
	for _, s := range []string{"", "abc", "ABC", "École", "ÉTUDIER", "Œuvre", "çà et là", "ÿ", "naïve", "Ångström", "Łódź", "ǅ", "Ἀθῆναι", "e\u0301", "x×÷"} {
		if got, want := fold(s), foldSlow(s); got != want {
			t.Errorf("fold(%q) = %q, foldSlow gives %q", s, got, want)
		}
	}
	for r := rune(0); r < 0x250; r++ {
		if got, want := fold(string(r)), foldSlow(string(r)); got != want {
			t.Errorf("fold(%q) = %q, foldSlow gives %q", r, got, want)
		}
	}
}

func TestParseExclusions(t *testing.T) {
	q := Parse(`-retraite espagne -"sécurité sociale" - -- x-y`)
	var got []string
	for _, t := range q.Excluded {
		got = append(got, strings.Join(t.Words, " "))
	}
	if want := []string{"retrait", "securit social"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Excluded = %q, want %q", got, want)
	}
	if m := q.Match(); m != `("espagn" AND "x y") NOT ("retrait" OR "securit social")` {
		t.Errorf("Match = %s", m)
	}
}
