package search

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// editDistance is the plain dynamic programme that Correct's walk must
// agree with: optimal string alignment over bytes.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func vocabulary(words ...string) *Vocabulary {
	var list []VocabularyWord
	for i, w := range words {
		word, display, _ := strings.Cut(w, "/")
		list = append(list, VocabularyWord{Word: word, Display: display, Docs: 10 + i})
	}
	return NewVocabulary(list)
}

func TestCorrect(t *testing.T) {
	v := vocabulary("retraite", "retraites", "retrait", "assurance/", "maladie", "mercosur", "international", "internationaux",
		"resident/résident", "vigilance", "cleiss", "impots/impôts", "securite/sécurité", "sociale", "valence", "lycee/lycée",
		"volontariat", "elections/élections", "voter", "vote", "espagne", "trump")
	tests := []struct {
		word, want string // want "" for no correction
	}{
		{"retrate", "retraite"},
		{"asurance", "assurance"},
		{"mercossur", "mercosur"},
		{"internationnal", "international"},
		{"residant", "résident"},
		{"vigilence", "vigilance"},
		{"cleis", "cleiss"},
		{"secuirte", "sécurité"},       // two letters swapped, then one
		{"volontarait", "volontariat"}, // a swap
		{"lyce", "lycée"},
		{"impot", "impôts"},
		{"retraite", ""}, // a word that exists is never corrected
		{"vot", ""},      // under 4 letters
		{"espogne", "espagne"},
		{"xyzw", ""}, // nothing close
		{"maladiexx", "maladie"},
		{"maladiexxx", ""}, // three edits
		{"2024", ""},
		{"", ""},
		{strings.Repeat("a", 40), ""},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			got, ok := v.Correct(tt.word)
			if tt.want == "" {
				if ok {
					t.Errorf("Correct(%q) = %q, want no correction", tt.word, got.Shown())
				}
				return
			}
			if !ok || got.Shown() != tt.want {
				t.Errorf("Correct(%q) = %q, %v, want %q", tt.word, got.Shown(), ok, tt.want)
			}
		})
	}
}

// The most frequent of equally close words wins.
func TestCorrectPrefersFrequentWords(t *testing.T) {
	v := NewVocabulary([]VocabularyWord{{Word: "vote", Docs: 3}, {Word: "vite", Docs: 50}, {Word: "vota", Docs: 7}})
	if got, _ := v.Correct("vute"); got.Word != "vite" {
		t.Errorf("Correct(vute) = %q, want the most frequent, vite", got.Word)
	}
	if got, _ := v.Correct("votre"); got.Word != "vote" {
		t.Errorf("Correct(votre) = %q, want vote (one edit)", got.Word)
	}
}

// Correct's pruned walk finds what a scan of every word with the plain
// edit distance finds.
func TestCorrectAgreesWithScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	letters := "aeioursnt"
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		return string(b)
	}
	var list []VocabularyWord
	for range 2000 {
		list = append(list, VocabularyWord{Word: word(3 + r.IntN(8)), Docs: 1 + r.IntN(100)})
	}
	v := NewVocabulary(list)
	for range 200 {
		q := word(4 + r.IntN(7))
		got, ok := v.Correct(q)
		k := MaxEdits(q)
		var want VocabularyWord
		wantOK := false
		if v.Docs(q) == 0 {
			best := k + 1
			for _, w := range v.words {
				d := editDistance(q, w.Word)
				if d < best || d == best && wantOK && w.Docs > want.Docs {
					want, best, wantOK = w, d, true
				}
			}
		}
		if ok != wantOK || got.Word != want.Word && editDistance(q, got.Word) != editDistance(q, want.Word) || got.Docs != want.Docs {
			t.Fatalf("Correct(%q) = %+v, %v; a scan finds %+v, %v", q, got, ok, want, wantOK)
		}
	}
}

func TestVocabularyWith(t *testing.T) {
	v := vocabulary("ecole/école", "retraite")
	w := v.With(map[string]VocabularyChange{
		"retraite": {Docs: -10}, // was in 11 articles
		"ecole":    {Docs: -10},
		"espagne":  {Docs: 2, Display: ""},
		"elu":      {Docs: 1, Display: "élu"},
		"absent":   {Docs: -1},
	})
	var got []string
	for _, e := range w.words {
		got = append(got, fmt.Sprintf("%s:%s:%d", e.Word, e.Shown(), e.Docs))
	}
	want := []string{"ecole:école:0", "elu:élu:1", "espagne:espagne:2", "retraite:retraite:1"}
	want = slices.DeleteFunc(want, func(s string) bool { return strings.HasSuffix(s, ":0") })
	if !slices.Equal(got, want) {
		t.Errorf("With = %v, want %v", got, want)
	}
	if v.Docs("retraite") != 11 {
		t.Errorf("With changed the vocabulary it was called on")
	}
}

func TestVocabularyBound(t *testing.T) {
	list := make([]VocabularyWord, 2000)
	for i := range list {
		list[i] = VocabularyWord{Word: fmt.Sprintf("w%07d", i), Docs: 1 + i%1000}
	}
	v := newVocabulary(list, 1000)
	if v.Len() != 1000 {
		t.Fatalf("Len = %d, want 1000", v.Len())
	}
	if v.Docs("w0000999") != 1000 || v.Docs("w0000000") != 0 {
		t.Errorf("a frequent word was dropped")
	}
}

func TestWords(t *testing.T) {
	got := map[string]string{}
	Words("L'École et l'ecole, Sécurité 2024 œuvre x", got)
	Words("securite", got)
	want := map[string]string{"ecole": "école", "et": "", "securite": "sécurité", "oeuvre": "œuvre", "x": ""}
	if !maps.Equal(got, want) {
		t.Errorf("Words = %v, want %v", got, want)
	}
}

func TestCorrectQuery(t *testing.T) {
	v := vocabulary("retraite", "espagne", "assurance", "maladie")
	fix := func(w string) (string, bool) {
		c, ok := v.Correct(w)
		return c.Shown(), ok
	}
	all := func(int) bool { return true }
	tests := []struct{ raw, want string }{
		{"retrate", "retraite"},
		{"l'asurance maladie", "l'assurance maladie"},
		{`"retrate" espagne`, ""},             // quoted: exact
		{"retrat* espgne", "retrat* espagne"}, // prefix kept, plain word fixed
		{"retrate -espgne", ""},               // exclusions are not corrected... but the plain word is
		{"retraite", ""},
	}
	tests[4].want = "retraite -espgne"
	for _, tt := range tests {
		got, ok := Parse(tt.raw).Correct(all, fix)
		if tt.want == "" {
			if ok {
				t.Errorf("Correct(%q) = %q, want none", tt.raw, got.Text)
			}
			continue
		}
		if !ok || got.Text != tt.want {
			t.Errorf("Correct(%q) = %q, %v, want %q", tt.raw, got.Text, ok, tt.want)
		}
	}
}

func BenchmarkCorrect(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	var list []VocabularyWord
	for range 100_000 {
		n := 3 + r.IntN(10)
		w := make([]byte, n)
		for i := range w {
			w[i] = byte('a' + r.IntN(26))
		}
		list = append(list, VocabularyWord{Word: string(w), Docs: 1 + r.IntN(1000)})
	}
	v := NewVocabulary(list)
	b.ReportMetric(float64(v.Bytes())/(1<<20), "MB")
	for b.Loop() {
		v.Correct("internationnal")
		v.Correct("retrate")
	}
}
