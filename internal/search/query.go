package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// MaxQueryLength is the longest query kept, in characters: longer ones are
// cut, not refused.
const MaxQueryLength = 200

// Query is what a reader asked for.
type Query struct {
	Text  string // the reader's text, cleaned, as the page shows it back
	Terms []Term // every term must match
}

// Term is a word or a phrase of a query.
type Term struct {
	// Words are stems in order; more than one make a phrase. When Prefix
	// is set, the last is the folded prefix the reader typed.
	Words  []string
	Prefix bool
	// Stems are, for a prefix, the stems of the words it may be whole:
	// the index holds "etrang" for "étranger", which "etranger*" must find.
	Stems []string
}

// Empty reports whether q has nothing to search for.
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// Clean makes any string a presentable query: bytes that are not UTF-8
// are read as Windows-1252 (what old forms send), control characters
// become spaces, runs of spaces one space, and the text is cut to
// MaxQueryLength characters.
func Clean(raw string) string {
	var b strings.Builder
	n := 0
	space := true // drop leading spaces
	for i := 0; i < len(raw) && n < MaxQueryLength; {
		r, size := utf8.DecodeRuneInString(raw[i:])
		if r == utf8.RuneError && size <= 1 {
			r = charmap.Windows1252.DecodeByte(raw[i])
		}
		i += size
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			if !space {
				b.WriteByte(' ')
				n++
				space = true
			}
			continue
		}
		b.WriteRune(r)
		n++
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// Parse reads a reader's query: words separated by spaces must all match,
// text between double quotes is a phrase, and a word or phrase ending in *
// is a prefix. Everything else, FTS5 operators included, is plain text.
func Parse(raw string) Query {
	q := Query{Text: Clean(raw)}
	text := q.Text
	for len(text) > 0 {
		var chunk string
		phrase := false
		if text[0] == '"' {
			end := strings.IndexByte(text[1:], '"')
			if end < 0 {
				chunk, text = text[1:], "" // an unclosed quote runs to the end
			} else {
				chunk, text = text[1:1+end], text[2+end:]
			}
			phrase = true
		} else {
			end := strings.IndexAny(text, " \"")
			if end < 0 {
				end = len(text)
			}
			chunk, text = text[:end], text[end:]
		}
		prefix := false
		if phrase {
			prefix = strings.HasPrefix(text, "*")
		} else {
			prefix = strings.HasSuffix(chunk, "*")
		}
		if t, ok := term(chunk, prefix); ok {
			q.Terms = append(q.Terms, t)
		}
		text = strings.TrimLeft(text, " *")
	}
	return q
}

// term analyses one chunk of a query. A chunk of several words ("sécurité
// sociale" in quotes, or "aujourd'hui") is a phrase.
func term(chunk string, prefix bool) (Term, bool) {
	ws := words(chunk)
	var t Term
	for i, w := range ws {
		if w.elided {
			continue
		}
		last := i == len(ws)-1
		if last && prefix && w.end == len(strings.TrimRight(chunk, "*")) {
			t.Words = append(t.Words, w.folded)
			t.Prefix = true
			t.Stems = prefixStems(w.folded)
			continue
		}
		t.Words = append(t.Words, stem(w.folded))
	}
	return t, len(t.Words) > 0
}

// prefixStems returns the stems, other than those starting with p, of the
// words that start with p and whose stem may be cut inside p: p itself
// ("etranger" → "etrang") and p with a plural or feminine ending
// ("internationau" + "x" → "international"). Every other word that starts
// with p has a stem that starts with p too.
func prefixStems(p string) []string {
	var out []string
	for _, ending := range []string{"", "e", "s", "x"} {
		s := stem(p + ending)
		if !strings.HasPrefix(s, p) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Match returns q as an FTS5 MATCH expression: its terms' expressions
// joined by AND (FTS5's implicit AND does not join parenthesised groups).
// It returns "" for an empty query.
func (q Query) Match() string {
	parts := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		parts[i] = t.Match()
	}
	return strings.Join(parts, " AND ")
}

// Match returns t as an FTS5 MATCH expression: its phrase, or the OR of
// its phrases.
func (t Term) Match() string {
	ps := t.Phrases()
	if !t.Prefix {
		return ps[0]
	}
	return "(" + strings.Join(ps, " OR ") + ")"
}

// Phrases returns the FTS5 phrases of t. Every word is quoted, so nothing
// the reader typed reaches FTS5 as syntax. A prefix has the prefix phrase
// and one phrase for each of its whole-word stems.
func (t Term) Phrases() []string {
	phrase := func(words []string, star bool) string {
		var b strings.Builder
		b.WriteByte('"')
		for i, w := range words {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strings.ReplaceAll(w, `"`, `""`))
		}
		b.WriteByte('"')
		if star {
			b.WriteByte('*')
		}
		return b.String()
	}
	if !t.Prefix {
		return []string{phrase(t.Words, false)}
	}
	ps := []string{phrase(t.Words, true)}
	head := t.Words[:len(t.Words)-1]
	for _, s := range t.Stems {
		ps = append(ps, phrase(append(slices.Clip(head), s), false))
	}
	return ps
}
