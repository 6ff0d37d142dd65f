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
	first map[byte]bool // first bytes of the query's words
	stems map[string]string
}

// Highlighter returns a Highlighter of q's terms.
func (q Query) Highlighter() *Highlighter {
	m := &Highlighter{q: q, first: map[byte]bool{}, stems: map[string]string{}}
	for _, t := range q.Terms {
		for _, w := range append(slices.Clip(t.Words), t.Stems...) {
			m.first[w[0]] = true
		}
	}
	return m
}

// stem stems only the words that may match: a stem starts like its word,
// so a word whose first byte starts no query word cannot match, and most
// words of a long text are skipped without the cost of stemming.
func (m *Highlighter) stem(folded string) string {
	if folded == "" || !m.first[folded[0]] {
		return ""
	}
	s, ok := m.stems[folded]
	if !ok {
		s = stem(folded)
		m.stems[folded] = s
	}
	return s
}

// match analyses text and returns its indexed words, and for each the
// index of the query term it belongs to, or -1.
func (m *Highlighter) match(text string) ([]word, []int) {
	var ws []word
	for _, w := range words(text) {
		if !w.elided {
			ws = append(ws, w)
		}
	}
	stems := make([]string, len(ws))
	for i, w := range ws {
		stems[i] = m.stem(w.folded)
	}
	hit := make([]int, len(ws))
	for i := range hit {
		hit[i] = -1
	}
	for ti, t := range m.q.Terms {
		for i := 0; i+len(t.Words) <= len(ws); i++ {
			if matchesAt(ws, stems, i, t) {
				for j := range t.Words {
					hit[i+j] = ti
				}
			}
		}
	}
	return ws, hit
}

// matchesAt reports whether term t occurs at the i-th word. A prefix
// matches a word that starts with it, as the reader meant, or whose stem
// is one of the prefix's whole-word stems, as the index sees it.
func matchesAt(ws []word, stems []string, i int, t Term) bool {
	for j, w := range t.Words {
		s := stems[i+j]
		if t.Prefix && j == len(t.Words)-1 {
			if !strings.HasPrefix(ws[i+j].folded, w) && !strings.HasPrefix(s, w) && !slices.Contains(t.Stems, s) {
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
func segments(text string, ws []word, hit []int, start, end int) []Segment {
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
