package search

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxVocabulary bounds how many words a Vocabulary holds: the most
// frequent are kept. French news text has far fewer distinct words (about
// 70,000 for 10,000 articles, 230,000 for 100,000 by Heaps' law), and a
// word cut off this way is one that almost no article holds.
const MaxVocabulary = 250_000

// maxVocabularyWord is the longest word kept, in bytes: longer ones are
// codes and compounds that nobody types, let alone misspells.
const maxVocabularyWord = 32

// entryBytes is what a word costs a Vocabulary beside its bytes: two
// string headers and the count.
const entryBytes = 40

// VocabularyWord is a word of the indexed texts: its folded form, how it
// is written (lower case, accents kept: what a correction shows), and how
// many articles hold it.
type VocabularyWord struct {
	Word    string
	Display string // "" when it is Word itself
	Docs    int
}

// Shown returns the word as a page shows it.
func (w VocabularyWord) Shown() string { return cmp.Or(w.Display, w.Word) }

// Vocabulary is the set of words of the index, sorted, read by typo
// correction. A Vocabulary is never modified once built (With returns a
// new one), so any number of searches read it at once.
type Vocabulary struct {
	words []VocabularyWord // by Word
	bytes int
}

// NewVocabulary returns the vocabulary of words, keeping those held by at
// least one article, at most MaxVocabulary, the most frequent.
func NewVocabulary(words []VocabularyWord) *Vocabulary {
	return newVocabulary(words, MaxVocabulary)
}

func newVocabulary(words []VocabularyWord, limit int) *Vocabulary {
	list := slices.DeleteFunc(slices.Clone(words), func(w VocabularyWord) bool { return w.Docs <= 0 || w.Word == "" })
	if len(list) > limit {
		slices.SortFunc(list, func(a, b VocabularyWord) int {
			return cmp.Or(cmp.Compare(b.Docs, a.Docs), strings.Compare(a.Word, b.Word))
		})
		list = list[:limit]
	}
	slices.SortFunc(list, func(a, b VocabularyWord) int { return strings.Compare(a.Word, b.Word) })
	list = slices.CompactFunc(list, func(a, b VocabularyWord) bool { return a.Word == b.Word })
	v := &Vocabulary{words: slices.Clip(list)}
	for _, w := range v.words {
		v.bytes += entryBytes + len(w.Word) + len(w.Display)
	}
	return v
}

// Len returns how many words v holds.
func (v *Vocabulary) Len() int { return len(v.words) }

// Bytes estimates the memory v holds.
func (v *Vocabulary) Bytes() int { return v.bytes + 24 }

// Docs returns how many articles hold word (folded).
func (v *Vocabulary) Docs(word string) int {
	i, ok := slices.BinarySearchFunc(v.words, word, func(w VocabularyWord, t string) int { return strings.Compare(w.Word, t) })
	if !ok {
		return 0
	}
	return v.words[i].Docs
}

// VocabularyChange is how a change of content changes a word's count.
type VocabularyChange struct {
	Docs    int    // articles that hold it now minus before
	Display string // how one of the articles that now hold it writes it
}

// With returns v changed by changes, by folded word: a word whose count
// falls to nothing leaves, a new one comes in.
func (v *Vocabulary) With(changes map[string]VocabularyChange) *Vocabulary {
	if len(changes) == 0 {
		return v
	}
	list := make([]VocabularyWord, 0, len(v.words)+len(changes))
	seen := make(map[string]bool, len(changes))
	for _, w := range v.words {
		if c, ok := changes[w.Word]; ok {
			seen[w.Word] = true
			w.Docs += c.Docs
			if w.Display == "" && c.Display != "" && c.Docs > 0 {
				w.Display = c.Display
			}
		}
		list = append(list, w)
	}
	for word, c := range changes {
		if !seen[word] && c.Docs > 0 {
			list = append(list, VocabularyWord{Word: word, Display: c.Display, Docs: c.Docs})
		}
	}
	return NewVocabulary(list)
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
// binary search. Distances count bytes, which for folded French text are
// letters.
func (v *Vocabulary) Correct(folded string) (VocabularyWord, bool) {
	k := MaxEdits(folded)
	if k == 0 || len(folded) > maxVocabularyWord || v.Docs(folded) > 0 {
		return VocabularyWord{}, false
	}
	n := len(folded)
	// rows[j] is the table's row for the first j bytes of the word.
	rows := make([][]int, maxVocabularyWord+1)
	for j := range rows {
		rows[j] = make([]int, n+1)
	}
	for x := range rows[0] {
		rows[0][x] = x
	}
	best, bestDist, found := VocabularyWord{}, k+1, false
	prev, valid := "", 0 // rows 1..valid hold prev's first bytes
	for i := 0; i < len(v.words); {
		w := v.words[i].Word
		if len(w) > maxVocabularyWord {
			i++
			continue
		}
		j := commonPrefix(prev, w, valid)
		pruned := false
		for j < len(w) {
			j++
			row, up := rows[j], rows[j-1]
			row[0] = j
			low := row[0]
			c := w[j-1]
			for x := 1; x <= n; x++ {
				cost := 1
				if folded[x-1] == c {
					cost = 0
				}
				d := min(up[x]+1, row[x-1]+1, up[x-1]+cost)
				if j > 1 && x > 1 && c == folded[x-2] && w[j-2] == folded[x-1] {
					d = min(d, rows[j-2][x-2]+1)
				}
				row[x] = d
				low = min(low, d)
			}
			if low > k {
				// No word that starts with w[:j] comes within k: skip them.
				p := w[:j]
				i += sort.Search(len(v.words)-i, func(y int) bool { return !strings.HasPrefix(v.words[i+y].Word, p) && v.words[i+y].Word > p })
				prev, valid = w, j-1
				pruned = true
				break
			}
		}
		if pruned {
			continue
		}
		prev, valid = w, len(w)
		if d := rows[len(w)][n]; d < bestDist || d == bestDist && found && v.words[i].Docs > best.Docs {
			best, bestDist, found = v.words[i], d, true
		}
		i++
	}
	return best, found
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

// Words adds to into the distinct words of text that a vocabulary keeps,
// folded, each with how text writes it ("" when that is the folded form:
// an accented spelling, once seen, is kept): letters only, elided
// articles left out, at most maxVocabularyWord bytes.
func Words(text string, into map[string]string) {
	for _, w := range words(text) {
		if w.elided || len(w.folded) > maxVocabularyWord || !isVocabularyWord(w.folded) {
			continue
		}
		shown := strings.ToLower(text[w.start:w.end])
		if shown == w.folded || !utf8.ValidString(shown) {
			shown = ""
		}
		if cur, ok := into[w.folded]; !ok || cur == "" && shown != "" {
			into[w.folded] = shown
		}
	}
}

func isVocabularyWord(folded string) bool {
	for _, r := range folded {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// All returns every word of v, sorted.
func (v *Vocabulary) All() []VocabularyWord { return slices.Clone(v.words) }
