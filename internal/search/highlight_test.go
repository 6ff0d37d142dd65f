package search

import (
	"reflect"
	"strings"
	"testing"
)

// benchText is an article body as the corpus writes them: about 5,000
// bytes of French prose in which a few words of the benchmark's queries
// come back here and there.
var benchText = func() string {
	sentences := []string{
		"Les Français installés à l’étranger s’interrogent souvent sur leurs droits.",
		"Selon le consulat, la démarche prend désormais moins de trois semaines.",
		"Pour la retraite, chaque trimestre cotisé hors de France compte à sa manière.",
		"L’Assurance maladie rappelle que la Caisse des Français de l’étranger reste facultative.",
		"Un expatrié sur deux déclare ses revenus en ligne : la procédure a changé en 2024.",
		"« Nous avons dû tout recommencer », explique une lectrice installée à Valence.",
		"Les bourses scolaires de l’AEFE aident les familles des lycées français du réseau.",
		"Le passeport biométrique se demande au consulat, sur rendez-vous, avec une photo récente.",
	}
	var b strings.Builder
	for i := 0; b.Len() < 5000; i++ {
		b.WriteString(sentences[(i*5)%len(sentences)])
		if i%4 == 3 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}()

// BenchmarkSnippet measures what a results page costs per article: the
// passage of its body and of its summary, as the page cuts them.
func BenchmarkSnippet(b *testing.B) {
	for _, query := range []string{"retraite", "sécurité sociale", "consulat Madrid", "lycée français Valence", "expat*", "introuvable"} {
		b.Run(query, func(b *testing.B) {
			h := Parse(query).Highlighter()
			b.ReportAllocs()
			for b.Loop() {
				h.Snippet(benchText, 30)
				h.Snippet(benchText[:300], 60)
			}
		})
	}
}

// referenceMatch is what match returns, computed the plain way: every
// word of the text analysed as the index analyses it.
func referenceMatch(q Query, text string) ([]word, []int) {
	var ws []word
	for _, w := range words(text) {
		if !w.elided {
			ws = append(ws, w)
		}
	}
	folded, stems := make([]string, len(ws)), make([]string, len(ws))
	for i, w := range ws {
		folded[i], stems[i] = w.folded, stem(w.folded)
	}
	hit := make([]int, len(ws))
	for i := range hit {
		hit[i] = -1
	}
	for ti, t := range q.Terms {
		for i := 0; i+len(t.Words) <= len(ws); i++ {
			if matchesAt(folded, stems, i, t) {
				for j := range t.Words {
					hit[i+j] = ti
				}
			}
		}
	}
	return ws, hit
}

// checkMatch fails when the Highlighter's match differs from
// referenceMatch: same words, same places, same terms.
func checkMatch(t *testing.T, query, text string) {
	t.Helper()
	q := Parse(query)
	wantWords, wantHits := referenceMatch(q, text)
	gotSpans, gotHits := q.Highlighter().match(text)
	if len(gotSpans) != len(wantWords) {
		t.Fatalf("match(%q, %q): %d words, want %d", query, text, len(gotSpans), len(wantWords))
	}
	for i, w := range wantWords {
		if gotSpans[i].start != w.start || gotSpans[i].end != w.end {
			t.Fatalf("match(%q, %q): word %d at %d-%d, want %d-%d", query, text, i, gotSpans[i].start, gotSpans[i].end, w.start, w.end)
		}
	}
	if len(wantHits) == 0 {
		wantHits = nil
	}
	if len(gotHits) == 0 {
		gotHits = nil
	}
	if !reflect.DeepEqual(gotHits, wantHits) {
		t.Fatalf("match(%q, %q): hits %v, want %v", query, text, gotHits, wantHits)
	}
}

func TestMatchAgreesWithReference(t *testing.T) {
	tests := []struct{ query, text string }{
		{"retraite", benchText},
		{"sécurité sociale", benchText},
		{`"caisse des français"`, benchText},
		{"expat*", benchText},
		{"etranger*", "d’étranger, l'Étranger, ÉTRANGÈRES"},
		{"école", "L'école, l’École, qu'école, jusqu'à l'école"},
		{"oeuvre", "Œuvre, cœur, œuvres"},
		{"etudier", "e\u0301tudier, \u0301\u0301 seul, Étudier"},
		{"ǆemal", "ǅemal ǄEMAL"},
		{"athenes", "Ἀθῆναι Athènes ATHÈNES"},
		{"l", "l' l'a l’ l 2024"},
		{"retraite OR pension -visa", "retraite, pensions, visa"},
		{"x", ""},
	}
	for _, tt := range tests {
		checkMatch(t, tt.query, tt.text)
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("retraite", "Les retraités et la Retraite.")
	f.Add("etranger*", "d’étranger, l'Étranger")
	f.Add("école", "qu'école jusqu'à")
	f.Add("e\u0301", "\u0301e\u0301 É")
	f.Add(`"sécurité sociale" OR x`, "sécurité\u00a0sociale")
	f.Fuzz(func(t *testing.T, query, text string) {
		checkMatch(t, query, text)
	})
}
