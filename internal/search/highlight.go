package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Segment is a piece of text to show, marked when it is a word that
// matched the query.
type Segment struct {
	Text string
	Mark bool
}

// Highlighter finds where a query's terms occur in texts, with the index's
// own analysis, so that the words marked are those that made the match:
// "retraités" is marked for the query "retraite". It remembers the stems
// it computed: the texts of one page of results share most of their
// words. A Highlighter is not safe for concurrent use.
type Highlighter struct {
	q     Query
	first [256]bool // first bytes of the query's words
	stems map[string]string
	// Reused from one text to the next: a results page cuts a dozen
	// passages from texts of thousands of words.
	spans  []span
	hits   []int
	folded []string // of the words that may match, "" for the others
	stemOf []string
	maybe  []int // the words that may match, by index
}

// span is where a word sits in a text, in bytes.
type span struct{ start, end int }

// Highlighter returns a Highlighter of q's terms.
func (q Query) Highlighter() *Highlighter {
	m := &Highlighter{q: q, stems: map[string]string{}}
	for _, t := range q.Terms {
		for _, w := range append(slices.Clip(t.Words), t.Stems...) {
			m.first[w[0]] = true
		}
	}
	return m
}

// stem returns the stem of a folded word, computed once.
func (m *Highlighter) stem(folded string) string {
	s, ok := m.stems[folded]
	if !ok {
		s = stem(folded)
		m.stems[folded] = s
	}
	return s
}

// match returns the indexed words of text, and for each the index of the
// query term it belongs to, or -1. It folds and stems only the words that
// may match: a stem starts like its folded word, so a word whose folded
// first byte starts no query word cannot match, and most words of a long
// text are only located. The slices are reused by the next call.
func (m *Highlighter) match(text string) ([]span, []int) {
	m.spans, m.folded, m.stemOf, m.maybe = m.spans[:0], m.folded[:0], m.stemOf[:0], m.maybe[:0]
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start, first := i, r
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			i += size
		}
		// The folded first byte, without folding the whole word when
		// its first letter is one of French text's.
		var folded string
		var head byte
		switch {
		case first < utf8.RuneSelf && isLetterOrNumber(first):
			head = byte(unicode.ToLower(first))
		case 0xC0 <= first && first < 0x180 && isLetterOrNumber(first):
			head = latinFolds[first-0xC0][0]
		default:
			folded = fold(text[start:i])
			if !strings.ContainsFunc(folded, isLetterOrNumber) {
				continue // accents alone, which the index drops too
			}
			head = folded[0]
		}
		if i < len(text) {
			if r, size := utf8.DecodeRuneInString(text[i:]); isApostrophe(r) {
				next, _ := utf8.DecodeRuneInString(text[i+size:])
				if unicode.IsLetter(next) && elisions[fold(text[start:i])] {
					continue // not indexed
				}
			}
		}
		m.spans = append(m.spans, span{start, i})
		if !m.first[head] {
			m.folded, m.stemOf = append(m.folded, ""), append(m.stemOf, "")
			continue
		}
		if folded == "" {
			folded = fold(text[start:i])
		}
		m.maybe = append(m.maybe, len(m.spans)-1)
		m.folded, m.stemOf = append(m.folded, folded), append(m.stemOf, m.stem(folded))
	}
	m.hits = slices.Grow(m.hits[:0], len(m.spans))[:len(m.spans)]
	for i := range m.hits {
		m.hits[i] = -1
	}
	for ti, t := range m.q.Terms {
		for _, i := range m.maybe {
			if i+len(t.Words) <= len(m.spans) && matchesAt(m.folded, m.stemOf, i, t) {
				for j := range t.Words {
					m.hits[i+j] = ti
				}
			}
		}
	}
	return m.spans, m.hits
}

// matchesAt reports whether term t occurs at the i-th word, given the
// words' folded forms and stems. A prefix matches a word that starts with
// it, as the reader meant, or whose stem is one of the prefix's
// whole-word stems, as the index sees it.
func matchesAt(folded, stems []string, i int, t Term) bool {
	for j, w := range t.Words {
		s := stems[i+j]
		if t.Prefix && j == len(t.Words)-1 {
			if !strings.HasPrefix(folded[i+j], w) && !strings.HasPrefix(s, w) && !slices.Contains(t.Stems, s) {
				return false
			}
		} else if s != w {
			return false
		}
	}
	return true
}

// Highlight returns the whole text with the query's words marked.
func (m *Highlighter) Highlight(text string) []Segment {
	ws, hit := m.match(text)
	return segments(text, ws, hit, 0, len(ws))
}

// Snippet returns the passage of about size words of text that holds the
// most of the query's terms, with them marked, and how many different
// terms it holds. It returns the start of the text when nothing matches.
func (m *Highlighter) Snippet(text string, size int) ([]Segment, int) {
	ws, hit := m.match(text)
	if len(ws) == 0 {
		return nil, 0
	}
	// Slide a window of size words over the text, keeping the one with
	// the most different terms, then the most matched words.
	best, bestDistinct, bestCount := 0, 0, 0
	counts := make([]int, len(m.q.Terms))
	distinct, count := 0, 0
	add := func(i, d int) {
		if hit[i] < 0 {
			return
		}
		if d > 0 && counts[hit[i]] == 0 {
			distinct++
		}
		counts[hit[i]] += d
		if d < 0 && counts[hit[i]] == 0 {
			distinct--
		}
		count += d
	}
	for i := 0; i < len(ws); i++ {
		add(i, 1)
		if i >= size {
			add(i-size, -1)
		}
		if distinct > bestDistinct || (distinct == bestDistinct && count > bestCount) {
			best, bestDistinct, bestCount = max(0, i-size+1), distinct, count
		}
	}
	// Start a few words before the first match, so that it reads in its
	// context rather than at the very edge.
	start := best
	if bestDistinct > 0 {
		for start < len(ws) && hit[start] < 0 {
			start++
		}
		start = max(0, start-size/4)
	}
	end := min(len(ws), start+size)
	start = max(0, end-size) // a full passage, even at the end of the text
	return segments(text, ws, hit, start, end), bestDistinct
}

// segments cuts text from word start to word end (excluded) into marked
// and unmarked pieces, with an ellipsis where the text goes on.
func segments(text string, ws []span, hit []int, start, end int) []Segment {
	if start >= end {
		return nil
	}
	var out []Segment
	pos := ws[start].start
	// A passage that starts after the text's start begins at its word;
	// the whole text keeps what precedes its first word (a quote mark).
	if start == 0 {
		pos = 0
	}
	plain := func(s string) {
		if s == "" {
			return
		}
		s = collapseSpaces(s)
		if n := len(out); n > 0 && !out[n-1].Mark {
			out[n-1].Text += s
			return
		}
		out = append(out, Segment{Text: s})
	}
	if start > 0 {
		plain("… ")
	}
	for i := start; i < end; i++ {
		if hit[i] < 0 {
			continue
		}
		plain(text[pos:ws[i].start])
		out = append(out, Segment{Text: text[ws[i].start:ws[i].end], Mark: true})
		pos = ws[i].end
	}
	if end < len(ws) {
		plain(text[pos:ws[end-1].end] + " …")
	} else {
		plain(text[pos:])
	}
	return out
}

// collapseSpaces turns every run of white space, line breaks included,
// into one space: a snippet is one paragraph. A run that holds a
// non-breaking space becomes that space, so that a title still never
// breaks before its « : » or inside its guillemets.
func collapseSpaces(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' && !nonBreaking(r) }) && !strings.Contains(s, "  ") &&
		!strings.Contains(s, " \u00a0") && !strings.Contains(s, "\u00a0 ") {
		return s
	}
	var b strings.Builder
	var run rune // the space the current run of white space becomes, 0 outside one
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if unicode.IsSpace(r) || nonBreaking(r) {
			if run == 0 || (nonBreaking(r) && !nonBreaking(run)) {
				run = ' '
				if nonBreaking(r) {
					run = r
				}
			}
			continue
		}
		if run != 0 {
			b.WriteRune(run)
			run = 0
		}
		b.WriteRune(r)
	}
	if run != 0 {
		b.WriteRune(run)
	}
	return b.String()
}

// nonBreaking reports the spaces French typography puts where a line must
// not break: no-break space, narrow no-break space, figure space.
func nonBreaking(r rune) bool { return r == '\u00a0' || r == '\u202f' || r == '\u2007' }
