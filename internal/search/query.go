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
	Text string // the reader's text, cleaned, as the page shows it back
	// Terms must all match, but for alternatives: a term with Or set may
	// match instead of the one before it (and so on along a chain).
	Terms []Term
	// Excluded are the terms that no result may hold.
	Excluded []Term
	// plain are the terms that are one plain word as typed: what a typo
	// correction may replace.
	plain []plainWord
}

// plainWord is a term of one word, neither quoted nor a prefix: where the
// reader typed it in Text, and its folded form.
type plainWord struct {
	term       int // its index in Terms
	start, end int // bytes of Text
	folded     string
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
	// Or makes the term an alternative to the one before: "retraite OR
	// pension" finds the articles with either word.
	Or bool
	// InTitle looks for the term in the titles only (see TitlePrefix).
	InTitle bool
}

// TitlePrefix returns q with its last term, when it is a prefix, looked
// for in the titles only: what a reader is typing is most often the start
// of a title's word, and far fewer articles hold a prefix in their title
// than in their text, so a prefix never searched before is cheap to score.
func (q Query) TitlePrefix() Query {
	n := len(q.Terms)
	if n == 0 || !q.Terms[n-1].Prefix {
		return q
	}
	q.Terms = slices.Clone(q.Terms)
	q.Terms[n-1].InTitle = true
	return q
}

// Empty reports whether q has nothing to search for: exclusions alone
// find nothing.
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// Clauses returns q's terms grouped by alternatives: an article matches q
// when it matches a term of each clause and none of Excluded.
func (q Query) Clauses() [][]Term {
	var out [][]Term
	for _, t := range q.Terms {
		if t.Or && len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], t)
			continue
		}
		out = append(out, []Term{t})
	}
	return out
}

// ClauseOf returns, for each term of q, the index of its clause.
func (q Query) ClauseOf() []int {
	out := make([]int, len(q.Terms))
	c := -1
	for i, t := range q.Terms {
		if !t.Or || c < 0 {
			c++
		}
		out[i] = c
	}
	return out
}

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
// text between double quotes is a phrase, a word or phrase ending in * is
// a prefix, OR (or OU) between two words lets either match, and a word or
// phrase after a minus sign excludes the articles that hold it.
// Everything else, FTS5's own operators included, is plain text.
func Parse(raw string) Query {
	q := Query{Text: Clean(raw)}
	text := q.Text
	or := false // the next term is an alternative to the one before
	for len(text) > 0 {
		start := len(q.Text) - len(text)
		exclude := false
		if len(text) > 1 && text[0] == '-' && text[1] != ' ' && text[1] != '-' {
			exclude, text = true, text[1:]
			start++
		}
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
		if !phrase && !exclude && (chunk == "OR" || chunk == "OU") && len(q.Terms) > 0 {
			// An operator only between two terms: alone or first, it is
			// the word.
			if rest := strings.TrimLeft(text, " *"); rest != "" {
				or = true
				text = rest
				continue
			}
		}
		prefix := false
		if phrase {
			prefix = strings.HasPrefix(text, "*")
		} else {
			prefix = strings.HasSuffix(chunk, "*")
		}
		if t, ok := term(chunk, prefix); ok {
			switch {
			case exclude:
				q.Excluded = append(q.Excluded, t)
			default:
				t.Or = or
				if !phrase && !t.Prefix && len(t.Words) == 1 {
					// One plain word: the one kind a typo may be corrected in.
					ws := words(chunk)
					w := ws[len(ws)-1]
					q.plain = append(q.plain, plainWord{term: len(q.Terms), start: start + w.start, end: start + w.end, folded: w.folded})
				}
				q.Terms = append(q.Terms, t)
			}
		}
		or = false
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

// Match returns q as an FTS5 MATCH expression: its clauses joined by AND
// (FTS5's implicit AND does not join parenthesised groups), the
// alternatives of a clause by OR, the exclusions after NOT. It returns ""
// for an empty query.
func (q Query) Match() string {
	var parts []string
	for _, c := range q.Clauses() {
		alts := make([]string, len(c))
		for i, t := range c {
			alts[i] = t.Match()
		}
		if len(alts) == 1 {
			parts = append(parts, alts[0])
		} else {
			parts = append(parts, "("+strings.Join(alts, " OR ")+")")
		}
	}
	m := strings.Join(parts, " AND ")
	if m == "" || len(q.Excluded) == 0 {
		return m
	}
	not := make([]string, len(q.Excluded))
	for i, t := range q.Excluded {
		not[i] = t.Match()
	}
	return "(" + m + ") NOT (" + strings.Join(not, " OR ") + ")"
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
		return []string{t.column(phrase(t.Words, false))}
	}
	ps := []string{t.column(phrase(t.Words, true))}
	head := t.Words[:len(t.Words)-1]
	for _, s := range t.Stems {
		ps = append(ps, t.column(phrase(append(slices.Clip(head), s), false)))
	}
	return ps
}

// column applies t's column filter, if any, to one of its phrases.
func (t Term) column(phrase string) string {
	if t.InTitle {
		return "title : " + phrase
	}
	return phrase
}

// Correct returns q with each plain word of the terms that needs (by
// index in Terms) picks replaced by what fix returns for its folded form,
// parsed anew, and reports whether any was. Quoted words and prefixes are
// kept as typed: the reader asked for them exactly.
func (q Query) Correct(needs func(term int) bool, fix func(folded string) (string, bool)) (Query, bool) {
	text, changed := q.Text, false
	for i := len(q.plain) - 1; i >= 0; i-- { // from the end: the earlier offsets stay right
		p := q.plain[i]
		if !needs(p.term) {
			continue
		}
		if word, ok := fix(p.folded); ok {
			text = text[:p.start] + word + text[p.end:]
			changed = true
		}
	}
	if !changed {
		return q, false
	}
	fixed := Parse(text)
	if n := len(q.Terms); n > 0 && q.Terms[n-1].InTitle {
		fixed = fixed.TitlePrefix()
	}
	return fixed, true
}
