package search

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxVocabulary bounds how many words a Vocabulary holds: the most
// frequent are kept. French news text has far fewer distinct words (about
// 70,000 for 10,000 articles, 230,000 for 100,000 by Heaps' law), and a
// word cut off this way is one that almost no article holds.
const MaxVocabulary = 250_000

// maxVocabularyWord is the longest word kept, in bytes: longer ones are
// codes and compounds that nobody types, let alone misspells.
const maxVocabularyWord = 32

// entryBytes is what a word costs a Vocabulary beside its letters: its
// VocabularyWord (two string headers, the count, the forms' slice header,
// the hash of its sound: 72 bytes) and its place in the index of sounds
// (16 bytes).
const entryBytes = 88

// VocabularyForm is a word as the indexed texts write it (case and accents
// kept: "retraité", "Canada") and how many articles hold it.
type VocabularyForm struct {
	Form string
	Docs int
}

// VocabularyWord is a word of the indexed texts as typo correction sees
// it: its folded form, how it is written most often (what a correction
// shows: "retraite" when more articles write it so than "retraité"), and
// how many articles hold it.
type VocabularyWord struct {
	Word    string
	Display string // "" when the folded form itself is written most
	Docs    int    // articles holding any form: one holding two counts twice
	// forms are every form with its count when there are more than one
	// (Form "" for Word itself); nil for a word written one way, most.
	forms []VocabularyForm
	sound uint64 // the hash of its phonetic key, 0 for none
}

// Shown returns the word as a page shows it.
func (w VocabularyWord) Shown() string { return cmp.Or(w.Display, w.Word) }

// add counts docs more articles (fewer, when negative) holding form. It
// never changes a forms slice that another Vocabulary may share.
func (w *VocabularyWord) add(form string, docs int) {
	shown := form
	if shown == w.Word {
		shown = ""
	}
	if w.forms == nil && (w.Docs == 0 || w.Display == shown) {
		w.Display, w.Docs = shown, w.Docs+docs
		return
	}
	if w.forms == nil {
		w.forms = []VocabularyForm{{Form: w.Display, Docs: w.Docs}}
	} else {
		w.forms = slices.Clone(w.forms)
	}
	if i := slices.IndexFunc(w.forms, func(f VocabularyForm) bool { return f.Form == shown }); i >= 0 {
		w.forms[i].Docs += docs
	} else {
		w.forms = append(w.forms, VocabularyForm{Form: shown, Docs: docs})
	}
	w.forms = slices.DeleteFunc(w.forms, func(f VocabularyForm) bool { return f.Docs <= 0 })
	w.Display, w.Docs = "", 0
	best := 0
	for _, f := range w.forms {
		w.Docs += f.Docs
		if f.Docs > best || f.Docs == best && formBefore(f.Form, w.Display) {
			w.Display, best = f.Form, f.Docs
		}
	}
	if len(w.forms) <= 1 {
		w.forms = nil
	}
}

// formBefore tells which of two forms written as often a page shows: the
// one in lower case (a capital is as often the start of a sentence as a
// name), then the first in byte order.
func formBefore(a, b string) bool {
	la, lb := a == strings.ToLower(a), b == strings.ToLower(b)
	if la != lb {
		return la
	}
	return a < b
}

// Vocabulary is the set of words of the index, sorted, read by typo
// correction. A Vocabulary is never modified once built (With returns a
// new one), so any number of searches read it at once.
type Vocabulary struct {
	words []VocabularyWord // by Word
	bytes int
	// sounds are the words by the hash of their phonetic key, sorted the
	// first time a correction asks (see soundsLike).
	soundsOnce sync.Once
	sounds     []soundEntry
}

// NewVocabulary returns the vocabulary of forms, keeping the words held by
// at least one article, at most MaxVocabulary, the most frequent.
func NewVocabulary(forms []VocabularyForm) *Vocabulary {
	return newVocabulary(forms, MaxVocabulary)
}

func newVocabulary(forms []VocabularyForm, limit int) *Vocabulary {
	byWord := map[string]*VocabularyWord{}
	for _, f := range forms {
		word := fold(f.Form)
		w, ok := byWord[word]
		if !ok {
			w = &VocabularyWord{Word: word, sound: soundOf(f.Form)}
			byWord[word] = w
		}
		w.add(f.Form, f.Docs)
	}
	list := make([]VocabularyWord, 0, len(byWord))
	for _, w := range byWord {
		list = append(list, *w)
	}
	return finish(list, limit)
}

// finish sorts list into a Vocabulary, keeping at most limit words, the
// most frequent, of those that any article holds.
func finish(list []VocabularyWord, limit int) *Vocabulary {
	list = slices.DeleteFunc(list, func(w VocabularyWord) bool { return w.Docs <= 0 || w.Word == "" })
	if len(list) > limit {
		slices.SortFunc(list, func(a, b VocabularyWord) int {
			return cmp.Or(cmp.Compare(b.Docs, a.Docs), strings.Compare(a.Word, b.Word))
		})
		list = list[:limit]
	}
	slices.SortFunc(list, func(a, b VocabularyWord) int { return strings.Compare(a.Word, b.Word) })
	v := &Vocabulary{words: slices.Clip(list)}
	for _, w := range v.words {
		v.bytes += entryBytes + len(w.Word) + len(w.Display)
		for _, f := range w.forms {
			v.bytes += 24 + len(f.Form)
		}
	}
	return v
}

// Len returns how many words v holds.
func (v *Vocabulary) Len() int { return len(v.words) }

// Bytes estimates the memory v holds.
func (v *Vocabulary) Bytes() int { return v.bytes + 24 }

// find returns the index of word (folded) in v.words.
func (v *Vocabulary) find(word string) (int, bool) {
	return slices.BinarySearchFunc(v.words, word, func(w VocabularyWord, t string) int { return strings.Compare(w.Word, t) })
}

// Docs returns how many articles hold word (folded).
func (v *Vocabulary) Docs(word string) int {
	i, ok := v.find(word)
	if !ok {
		return 0
	}
	return v.words[i].Docs
}

// With returns v changed by changes: how many more (or fewer) articles
// hold each form than before. A word no article holds any more leaves, a
// new one comes in.
func (v *Vocabulary) With(changes map[string]int) *Vocabulary {
	if len(changes) == 0 {
		return v
	}
	list := slices.Clone(v.words)
	added := map[string]*VocabularyWord{}
	for form, docs := range changes {
		word := fold(form)
		if i, ok := v.find(word); ok {
			list[i].add(form, docs)
			continue
		}
		w, ok := added[word]
		if !ok {
			w = &VocabularyWord{Word: word, sound: soundOf(form)}
			added[word] = w
		}
		w.add(form, docs)
	}
	for _, w := range added {
		list = append(list, *w)
	}
	return finish(list, MaxVocabulary)
}

// Forms returns every form of v with its count, by form.
func (v *Vocabulary) Forms() map[string]int {
	out := map[string]int{}
	for _, w := range v.words {
		if w.forms == nil {
			out[w.Shown()] = w.Docs
		}
		for _, f := range w.forms {
			out[cmp.Or(f.Form, w.Word)] = f.Docs
		}
	}
	return out
}

// MaxEdits is how many typos a word may be corrected of: none under 4
// letters (too many words lie one letter apart), 1 from 4 to 7 letters, 2
// from 8. A word with a digit is never corrected: "2024" is no typo of
// "2023".
func MaxEdits(folded string) int {
	if strings.ContainsFunc(folded, unicode.IsDigit) {
		return 0
	}
	switch n := utf8.RuneCountInString(folded); {
	case n < 4:
		return 0
	case n < 8:
		return 1
	default:
		return 2
	}
}

// Correct returns the word of v closest to folded, within MaxEdits of it
// (an edit inserts, deletes or replaces a letter, or swaps two neighbours),
// the fewest edits first, then the most frequent. It reports false when no
// word is close enough, or when folded is itself a word of v: a word that
// exists is never corrected.
//
// It walks the sorted words as a trie: the rows of the edit-distance table
// of a prefix serve every word that shares it, and once every cell of a
// row exceeds the bound, the words that share that prefix are skipped by a
// binary search; only words within k letters of its length are compared,
// and only the cells within k of the table's diagonal. Distances count
// bytes, which for folded French text are letters.
//
// A word that sounds like folded (see phoneticKey) comes first, within
// soundEdits: « conte » is corrected to « compte », not to « côte », one
// letter closer.
func (v *Vocabulary) Correct(folded string) (VocabularyWord, bool) {
	if v.Docs(folded) > 0 {
		return VocabularyWord{}, false
	}
	return v.nearest(folded, 1)
}

// nearest returns the word that sounds like folded, else the closest by
// spelling, that at least minDocs articles hold.
func (v *Vocabulary) nearest(folded string, minDocs int) (VocabularyWord, bool) {
	if w, ok := v.soundsLike(folded, minDocs); ok {
		return w, true
	}
	return v.closest(folded, minDocs)
}

// rareFactor is how many times more articles must hold a word for it to
// be offered instead of a rare one the reader typed.
const rareFactor = 3

// Suggest returns, for a word of v that few articles hold and of at least
// rareMinLetters letters, the closest word that rareFactor times as many
// hold, as Correct chooses; for a word not in v, what Correct returns.
func (v *Vocabulary) Suggest(folded string) (VocabularyWord, bool) {
	docs := v.Docs(folded)
	if docs > 0 && utf8.RuneCountInString(folded) < rareMinLetters {
		return VocabularyWord{}, false
	}
	return v.nearest(folded, max(1, rareFactor*docs))
}

// rareMinLetters is the shortest rare word Suggest offers another for:
// short words have frequent neighbours one letter away (« élus », « plus »).
const rareMinLetters = 6

// closest returns the word closest to folded that at least minDocs
// articles hold, as Correct chooses.
func (v *Vocabulary) closest(folded string, minDocs int) (VocabularyWord, bool) {
	k := MaxEdits(folded)
	if k == 0 || len(folded) > maxVocabularyWord {
		return VocabularyWord{}, false
	}
	n := len(folded)
	// rows[j] is the table's row for the first j bytes of the word.
	// Only the band of cells within k of the diagonal can hold k or less;
	// the others are capped at k+1, and each row costs 2k+1 cells.
	limit := k + 1
	rows := make([][]int, maxVocabularyWord+1)
	for j := range rows {
		rows[j] = make([]int, n+2)
	}
	for x := range rows[0] {
		rows[0][x] = min(x, limit)
	}
	best, bestDist, found := VocabularyWord{}, k+1, false
	prev, valid := "", 0 // rows 1..valid hold prev's first bytes
	for i := 0; i < len(v.words); {
		w := v.words[i].Word
		if len(w) > maxVocabularyWord || len(w) < n-k || len(w) > n+k {
			i++ // too short or too long to come within k: no rows needed
			continue
		}
		j := commonPrefix(prev, w, valid)
		pruned := false
		for j < len(w) {
			j++
			row, up := rows[j], rows[j-1]
			lo, hi := max(1, j-k), min(n, j+k)
			low := limit
			if lo == 1 {
				row[0] = min(j, limit)
				low = row[0]
			} else {
				row[lo-1] = limit
			}
			c := w[j-1]
			for x := lo; x <= hi; x++ {
				cost := 1
				if folded[x-1] == c {
					cost = 0
				}
				d := min(up[x]+1, row[x-1]+1, up[x-1]+cost, limit)
				if j > 1 && x > 1 && c == folded[x-2] && w[j-2] == folded[x-1] {
					d = min(d, rows[j-2][x-2]+1)
				}
				row[x] = d
				low = min(low, d)
			}
			if hi < n {
				row[hi+1] = limit
			}
			if low > k {
				// No word that starts with w[:j] comes within k: skip them.
				i = v.skip(i, w[:j])
				prev, valid = w, j-1
				pruned = true
				break
			}
		}
		if pruned {
			continue
		}
		prev, valid = w, len(w)
		if d := rows[len(w)][n]; v.words[i].Docs >= minDocs && w != folded &&
			(d < bestDist || d == bestDist && found && v.words[i].Docs > best.Docs) {
			best, bestDist, found = v.words[i], d, true
		}
		i++
	}
	return best, found
}

// skip returns the index of the first word after i that does not start
// with p, where word i does. It gallops: most prefixes start a few words.
func (v *Vocabulary) skip(i int, p string) int {
	has := func(y int) bool { return y < len(v.words) && strings.HasPrefix(v.words[y].Word, p) }
	step := 1
	for has(i + step) {
		step *= 2
	}
	lo, hi := i+step/2+1, min(i+step, len(v.words)) // has(lo-1), !has(hi)
	return lo + sort.Search(hi-lo, func(y int) bool { return !has(lo + y) })
}

// commonPrefix returns how many leading bytes a and b share, at most
// limit.
func commonPrefix(a, b string, limit int) int {
	n := min(len(a), len(b), limit)
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// Words adds to into the distinct forms of the words of text that a
// vocabulary keeps, as written (case and accents kept: « Canada » stays
// so, and « Retraite » at the start of a sentence is a form that fewer
// articles write than « retraite »): letters only, elided articles left
// out, at most maxVocabularyWord bytes folded.
func Words(text string, into map[string]bool) {
	for _, w := range words(text) {
		if !w.elided {
			addForm(text, w, into)
		}
	}
}

// addForm adds w's form to into, if a vocabulary keeps it.
func addForm(text string, w word, into map[string]bool) {
	if len(w.folded) > maxVocabularyWord || !isVocabularyWord(w.folded) {
		return
	}
	form := text[w.start:w.end]
	if !isASCII(form) {
		form = norm.NFC.String(form)
	}
	into[form] = true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isVocabularyWord(folded string) bool {
	for i := 0; i < len(folded); i++ {
		if c := folded[i]; c < utf8.RuneSelf && (c < 'a' || c > 'z') {
			return false // a digit: folded ASCII letters are lower case
		}
	}
	if isASCII(folded) {
		return true
	}
	for _, r := range folded {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
