package content

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// French typography is the site's job, not that of the editors' keyboards: the
// Markdown renderer and the front matter texts (title, summary, caption…)
// go through one pass that
//
//   - turns ' into the apostrophe ’;
//   - turns "…" into « … » (and a quotation inside a quotation into “ … ”),
//     whatever the language quoted: the house style is French;
//   - puts a non-breaking space (U+00A0, the one the site's own strings
//     use, never U+202F) before : ; ! ? » and after «, replacing a plain
//     or narrow space the editor typed, or adding one where none was;
//   - turns ... into … and -- into – (--- into —).
//
// A colon is only spaced when a space or the end of the text follows it,
// and ; ! ? when no letter or digit does, so that 10:30, https://…,
// ?q=… and the like are left as typed. Code spans, code blocks, autolinks,
// raw HTML, image descriptions, link destinations and titles (attributes)
// are never touched; a backslash-escaped mark (\" \' \:) and an HTML
// entity (&amp;) are kept as typed. The pass is idempotent.

const nbsp = '\u00a0'

// French returns s, a plain text such as a title, with French typography.
func French(s string) string {
	var f frenchState
	return string(f.apply([]byte(s)))
}

// frenchState carries what the pass knows of the text before the current
// piece: the pieces of one Markdown block are the text nodes between its
// emphasis, links and code spans, and a quotation or a colon may span them.
type frenchState struct {
	markdown bool // backslash escapes and entities are Markdown's, kept as typed
	depth    int  // open quotations
	// tail is the output of the previous piece of the block, where the
	// space before a mark that opens this piece is fixed; soft is its text
	// node when it ends with a soft line break, a space too.
	tail *[]byte
	soft *ast.Text
	last rune // the last rune of the block so far; 0 at its start
}

func isSpace(r rune) bool { return r == ' ' || r == nbsp || r == '\u202f' || r == '\t' }

// isMark reports the signs that take a non-breaking space before them.
func isMark(r rune) bool { return r == ':' || r == ';' || r == '!' || r == '?' }

// opensQuote reports whether a straight double quote after r opens a quotation.
func opensQuote(r rune) bool {
	return r == 0 || unicode.IsSpace(r) || r == '\u202f' || r == nbsp ||
		r == '(' || r == '[' || r == '{' || r == '«' || r == '“' || r == '—' || r == '–' || r == '-' || r == '/'
}

// triggers are the runes apply may change or that change what it does.
// NUL is one: the pass uses 0 for "nothing before", so a NUL of the text
// becomes U+FFFD, as CommonMark makes it in Markdown.
const triggers = "'\"«»:;!?.-&\\\u202f\x00"

func (f *frenchState) apply(in []byte) []byte {
	// Most pieces of prose hold none of them: copy those as they are.
	if !bytes.ContainsAny(in, triggers) {
		if r, _ := utf8.DecodeLastRune(in); len(in) > 0 {
			f.last = r
		}
		return bytes.Clone(in)
	}
	// The pass reads and writes UTF-8 as it goes: a first start runs it
	// over every article, and converting each piece to runes and back cost
	// as much as the pass itself.
	out := make([]byte, 0, len(in)+16)
	// runeAt is the rune at byte i of in, 0 past its end. A byte that is
	// not UTF-8 reads as U+FFFD and is written as one.
	runeAt := func(i int) (rune, int) {
		if i >= len(in) {
			return 0, 0
		}
		if c := in[i]; c < utf8.RuneSelf {
			return rune(c), 1
		}
		return utf8.DecodeRune(in[i:])
	}
	lastOut := func() rune {
		r, _ := utf8.DecodeLastRune(out)
		return r
	}
	// trimBack removes the spaces before a mark, in this piece or at the
	// end of the previous one, and returns the rune they followed.
	trimBack := func() rune {
		for len(out) > 0 {
			r, size := utf8.DecodeLastRune(out)
			if !isSpace(r) {
				break
			}
			out = out[:len(out)-size]
		}
		if len(out) > 0 {
			return lastOut()
		}
		if f.soft != nil {
			f.soft.SetSoftLineBreak(false)
			f.soft = nil
		}
		if f.tail == nil {
			if isSpace(f.last) || f.last == '\n' {
				return ' '
			}
			return f.last
		}
		t := *f.tail
		for len(t) > 0 {
			r, size := utf8.DecodeLastRune(t)
			if !isSpace(r) && r != '\n' {
				break
			}
			t = t[:len(t)-size]
		}
		*f.tail = t
		if len(t) == 0 {
			return 0
		}
		r, _ := utf8.DecodeLastRune(t)
		return r
	}
	// before is the rune before the current position.
	before := func() rune {
		if len(out) > 0 {
			return lastOut()
		}
		if f.soft != nil {
			return ' '
		}
		return f.last
	}
	// skipSpaces returns the first byte from i that is not a space.
	skipSpaces := func(i int) int {
		for {
			r, size := runeAt(i)
			if size == 0 || !isSpace(r) {
				return i
			}
			i += size
		}
	}
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf && !asciiTriggers[c] {
			// Runs of ASCII prose are copied at once.
			j := i + 1
			for j < len(in) && in[j] < utf8.RuneSelf && !asciiTriggers[in[j]] {
				j++
			}
			out = append(out, in[i:j]...)
			i = j
			continue
		}
		r, size := runeAt(i)
		next, nextSize := runeAt(i + size)
		switch {
		case f.markdown && r == '\\' && nextSize == 1 && next < utf8.RuneSelf && unicode.IsPunct(next):
			out = append(out, '\\', byte(next))
			size++
		case f.markdown && r == '&':
			n := entityLen(in[i:])
			if n == 0 {
				n = 1
			}
			out = append(out, in[i:i+n]...)
			size = n
		case r == '\'':
			out = utf8.AppendRune(out, '’')
		case r == '"':
			// After a space, a quote closes an open quotation when no word
			// follows it: "dit " bonjour " ici".
			closes := f.depth > 0 && (nextSize == 0 || !unicode.IsLetter(next) && !unicode.IsDigit(next))
			if opensQuote(before()) && !(isSpace(before()) && closes) {
				if f.depth%2 == 0 {
					out = utf8.AppendRune(utf8.AppendRune(out, '«'), nbsp)
				} else {
					out = utf8.AppendRune(out, '“')
				}
				f.depth++
				i = skipSpaces(i + size)
				continue
			}
			if f.depth > 0 {
				f.depth--
			}
			if f.depth%2 == 1 {
				out = utf8.AppendRune(out, '”')
				break
			}
			trimBack()
			out = utf8.AppendRune(utf8.AppendRune(out, nbsp), '»')
		case r == '«':
			f.depth++
			out = utf8.AppendRune(utf8.AppendRune(out, '«'), nbsp)
			i = skipSpaces(i + size)
			continue
		case r == '»':
			if f.depth > 0 {
				f.depth--
			}
			if b := trimBack(); b != 0 {
				out = utf8.AppendRune(out, nbsp)
			}
			out = utf8.AppendRune(out, '»')
		case isMark(r) && spacedMark(r, next, nextSize == 0):
			b := trimBack()
			if b != 0 && !isMark(b) && b != '(' && b != '[' {
				out = utf8.AppendRune(out, nbsp)
			}
			out = append(out, byte(r))
		case r == '.':
			n := 1
			for i+n < len(in) && in[i+n] == '.' {
				n++
			}
			if n == 3 {
				out = utf8.AppendRune(out, '…')
			} else {
				out = append(out, in[i:i+n]...)
			}
			size = n
		case r == '-' && next == '-':
			if i+2 < len(in) && in[i+2] == '-' {
				out = utf8.AppendRune(out, '—')
				size = 3
			} else {
				out = utf8.AppendRune(out, '–')
				size = 2
			}
		case r == 0:
			out = utf8.AppendRune(out, utf8.RuneError)
		case r == '\u202f' && (isMark(next) || next == '»'):
			// The mark's own case writes the one space it takes.
		default:
			out = utf8.AppendRune(out, r)
		}
		i += size
	}
	if len(out) > 0 {
		f.last = lastOut()
	}
	return out
}

// asciiTriggers are the ASCII bytes of triggers.
var asciiTriggers = func() (t [utf8.RuneSelf]bool) {
	for _, r := range triggers {
		if r < utf8.RuneSelf {
			t[r] = true
		}
	}
	return t
}()

// spacedMark reports whether the mark r, followed by next (or by nothing
// when atEnd), is punctuation of prose rather than part of a time, an
// address or a query.
func spacedMark(r, next rune, atEnd bool) bool {
	if atEnd {
		return true
	}
	if r == ':' {
		return unicode.IsSpace(next) || isSpace(next) || next == '»' || next == ')' || next == '"'
	}
	return !unicode.IsLetter(next) && !unicode.IsDigit(next) && next != '=' && next != '&' && next != '/'
}

// entityLen is the length of the HTML character reference at the start of
// b (&amp; &#39; &#x2019;), 0 when there is none.
func entityLen(b []byte) int {
	for i := 1; i < len(b) && i < 32; i++ {
		switch c := b[i]; {
		case c == ';':
			if i > 1 {
				return i + 1
			}
			return 0
		case c < utf8.RuneSelf && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || (c == '#' && i == 1)):
		default:
			return 0
		}
	}
	return 0
}

// frenchTypography is the goldmark pass that applies French to the prose of
// a Markdown document, block by block.
type frenchTypography struct{}

// Transform replaces each prose text node by a string node holding its
// French text, followed by the text node emptied, which keeps its line
// breaks and its position in the file (lineOf).
func (frenchTypography) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	type piece struct {
		text  *ast.Text // nil for an opaque inline: code, autolink, HTML
		block ast.Node
	}
	var pieces []piece
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan, *ast.AutoLink, *ast.RawHTML, *ast.Image:
			pieces = append(pieces, piece{block: blockOf(n)})
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if !n.IsRaw() {
				pieces = append(pieces, piece{text: n, block: blockOf(n)})
			}
		}
		return ast.WalkContinue, nil
	})
	var f frenchState
	var block ast.Node
	for _, p := range pieces {
		if p.block != block {
			f, block = frenchState{markdown: true}, p.block
		}
		if p.text == nil {
			// Code or a link stands for a word: a mark after it is spaced.
			f.tail, f.soft, f.last = nil, nil, 'x'
			continue
		}
		t := p.text
		seg := t.Segment
		s := ast.NewString(f.apply(seg.Value(src)))
		t.Parent().InsertBefore(t.Parent(), t, s)
		t.Segment = text.NewSegment(seg.Start, seg.Start)
		f.tail, f.soft = &s.Value, nil
		if t.SoftLineBreak() {
			f.soft = t
		}
		if t.SoftLineBreak() {
			f.last = ' '
		}
		if t.HardLineBreak() {
			// A mark at the start of the next line is not spaced across the <br>.
			f.tail, f.last = nil, 0
		}
	}
}

// blockOf is the nearest block that holds the inline n.
func blockOf(n ast.Node) ast.Node {
	for n != nil && n.Type() != ast.TypeBlock {
		n = n.Parent()
	}
	return n
}
