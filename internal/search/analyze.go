// Package search turns French text into the terms of the full-text index,
// and a reader's words into a query that SQLite FTS5 accepts as such: the
// same analysis (case and accent folding, elision, stemming) runs at index
// time and at query time, so "ETUDIER" finds "Étudier" and "retraites"
// finds "retraite". It also cuts the snippets that show the matched words.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/french"
	"golang.org/x/text/unicode/norm"
)

// Version names the analysis. Stored beside the index, it tells the store
// to rebuild the index when the analysis changes (2: the index has a
// vocabulary).
const Version = "fr-snowball-2"

// word is one word of a text: where it sits and its folded form (lower
// case, without accents).
type word struct {
	start, end int // byte offsets in the text
	folded     string
	elided     bool // an elided article or pronoun, "l" of "l'école": not indexed
}

// elisions are the French words that lose their vowel before another word
// ("l'école", "qu'il", "jusqu'à"). They carry no meaning for search, and
// keeping them would make "école" a worse match for "l'école" than for
// "école".
var elisions = map[string]bool{
	"l": true, "d": true, "j": true, "m": true, "n": true, "s": true, "t": true, "c": true,
	"qu": true, "jusqu": true, "lorsqu": true, "puisqu": true, "quoiqu": true, "presqu": true, "quelqu": true,
}

// isWordRune tells the runes words are made of: letters, digits, and the
// combining accents of decomposed letters.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.M, r)
}

func isLetterOrNumber(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '‘'
}

// words splits text into its words, in order.
func words(text string) []word {
	var out []word
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			i += size
		}
		w := word{start: start, end: i, folded: fold(text[start:i])}
		if !strings.ContainsFunc(w.folded, isLetterOrNumber) {
			continue // accents alone, which the index drops too
		}
		if i < len(text) {
			if r, size := utf8.DecodeRuneInString(text[i:]); isApostrophe(r) {
				next, _ := utf8.DecodeRuneInString(text[i+size:])
				w.elided = elisions[w.folded] && unicode.IsLetter(next)
			}
		}
		out = append(out, w)
	}
	return out
}

// latinFolds holds the folded form of the Latin-1 and Latin Extended-A
// letters, which are nearly all the non-ASCII letters of French text:
// folding them needs no Unicode decomposition, the costly part of
// indexing a large corpus.
var latinFolds = func() (t [0x180 - 0xC0]string) {
	for r := rune(0xC0); r < 0x180; r++ {
		t[r-0xC0] = foldSlow(string(r))
	}
	return t
}()

// fold lowers the case of s and removes its accents: "Œuvre" → "oeuvre".
func fold(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if b.Cap() > 0 {
				b.WriteByte(byte(r))
			} else if r != rune(s[i]) {
				b.Grow(len(s))
				b.WriteString(s[:i])
				b.WriteByte(byte(r))
			}
		case 0xC0 <= r && r < 0x180:
			if b.Cap() == 0 {
				b.Grow(len(s))
				b.WriteString(s[:i])
			}
			b.WriteString(latinFolds[r-0xC0])
		default:
			return foldSlow(s)
		}
	}
	if b.Cap() == 0 {
		return s // already folded
	}
	return b.String()
}

// foldSlow folds any text, by Unicode decomposition.
func foldSlow(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// an accent, separated from its letter by NFD
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// stem reduces a folded word to its stem: "retraites" and "retraite" both
// give "retrait", "internationaux" gives "international".
func stem(folded string) string {
	return french.Stem(folded, false)
}

// Analyzer computes the index terms of texts. It remembers the stems it
// computed: a language has far fewer words than a corpus has, and
// stemming is the costly part of indexing. An Analyzer is not safe for
// concurrent use.
type Analyzer struct {
	stems map[string]string
}

// maxStems bounds the memory of an Analyzer's cache.
const maxStems = 1 << 18

// NewAnalyzer returns an Analyzer with an empty cache.
func NewAnalyzer() *Analyzer {
	return &Analyzer{stems: map[string]string{}}
}

func (a *Analyzer) stem(folded string) string {
	if s, ok := a.stems[folded]; ok {
		return s
	}
	if len(a.stems) >= maxStems {
		clear(a.stems)
	}
	s := stem(folded)
	a.stems[folded] = s
	return s
}

// Terms returns the text as the index stores it: the stems of its words,
// separated by spaces, elided articles left out.
func (a *Analyzer) Terms(text string) string {
	return a.TermsAndWords(text, nil)
}

// TermsAndWords returns Terms(text) and, when into is not nil, adds to it
// what Words would, in the same pass over the text.
func (a *Analyzer) TermsAndWords(text string, into map[string]bool) string {
	var b strings.Builder
	for _, w := range words(text) {
		if w.elided {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a.stem(w.folded))
		if into != nil {
			addForm(text, w, into)
		}
	}
	return b.String()
}
