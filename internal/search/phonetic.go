package search

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
)

// Readers who misspell French often write a word as it sounds: « conte
// bancaire » for « compte », « bato » for « bateau », « vigilence » for
// « vigilance ». Those slips can be two or three edits from the word, and
// another word is often one edit away (« côte » for « conte »). So typo
// correction first looks for a word of the vocabulary that sounds the
// same, by a key that spells words by their sound, with a small set of
// French rules of our own (no maintained Go library does French
// phonetics; Soundex-like keys are made for English names):
//
//   - « eau », « au » and « o » are one vowel, « ai » and « ei » are « e »,
//     « ou » is one vowel, « y » is « i »;
//   - a vowel before n or m and a consonant (or the end) is nasal, and
//     « an », « am », « en », « em » sound alike, as do « in », « ain »,
//     « ein », « un »; the p of « mpt » is silent (« compte », « conte »);
//   - « ph » is « f », « qu », « k », a hard « c » and « ck » are « k »; s, ss,
//     z and a soft « c » (before e, i, y) are one sound, as readers who
//     drop or double an s write them; a soft g is « j », « gu » before e or
//     i is a hard g, « ch » and « sh » are one sound, « tion » after a
//     letter is « sion », h is silent, w is v;
//   - a doubled consonant is one; a final s, t, d, x or p is silent, then
//     a final written e (« comptes » sounds as « conte », « français » not
//     as « France »), and a final « er » or « ez » is « e ».
//
// The key only proposes candidates: the word chosen must also be within
// soundEdits of what the reader typed, so that two words that merely
// share their sounds (« vin », « vingt ») are not confused when one has
// nothing else in common with the typed word.

// soundEdits is how many edits a word that sounds like the typed one may
// be from it: two more than spelling alone allows (« bato » is three
// from « bateau »).
func soundEdits(folded string) int { return MaxEdits(folded) + 2 }

// phoneticKey returns how a folded word sounds, by the rules above, or ""
// for a word of other letters than a to z.
func phoneticKey(w string) string {
	if w == "" {
		return ""
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return ""
		}
	}
	vowel := func(i int) bool { return i < len(w) && strings.IndexByte("aeiouy", w[i]) >= 0 }
	at := func(i int) byte {
		if i < len(w) {
			return w[i]
		}
		return 0
	}
	soft := func(i int) bool { c := at(i); return c == 'e' || c == 'i' || c == 'y' }
	// nasal reports whether the n or m at i closes a nasal vowel: a
	// consonant other than n or m follows, or nothing.
	nasal := func(i int) bool {
		if c := at(i); c != 'n' && c != 'm' {
			return false
		}
		next := at(i + 1)
		return next == 0 || !vowel(i+1) && next != 'n' && next != 'm' && next != 'h'
	}
	var b strings.Builder
	emit := func(s string) {
		// Codes never repeat: « rr », « ll » and « ss » are one sound.
		if b.Len() > 0 && len(s) == 1 && b.String()[b.Len()-1] == s[0] {
			return
		}
		b.WriteString(s)
	}
	for i := 0; i < len(w); {
		c := w[i]
		rest := w[i:]
		switch {
		case strings.HasPrefix(rest, "eau"):
			emit("o")
			i += 3
		case (strings.HasPrefix(rest, "ain") || strings.HasPrefix(rest, "ein") || strings.HasPrefix(rest, "aim")) && nasal(i+2):
			emit("I")
			i += 3
		case (c == 'a' || c == 'e') && nasal(i+1):
			emit("A")
			i += 2
		case c == 'o' && nasal(i+1):
			emit("O")
			i += 2
		case (c == 'i' || c == 'y' || c == 'u') && nasal(i+1):
			emit("I")
			i += 2
		case strings.HasPrefix(rest, "au"):
			emit("o")
			i += 2
		case strings.HasPrefix(rest, "ou"):
			emit("U")
			i += 2
		case strings.HasPrefix(rest, "oi"):
			emit("wa")
			i += 2
		case strings.HasPrefix(rest, "ai") || strings.HasPrefix(rest, "ei"):
			emit("e")
			i += 2
		case c == 'y':
			emit("i")
			i++
		case strings.HasPrefix(rest, "ph"):
			emit("f")
			i += 2
		case strings.HasPrefix(rest, "ch") || strings.HasPrefix(rest, "sh"):
			emit("x")
			i += 2
		case strings.HasPrefix(rest, "qu"):
			emit("k")
			i += 2
		case strings.HasPrefix(rest, "gu") && soft(i+2):
			emit("g")
			i += 2
		case c == 'g' && soft(i+1):
			emit("j")
			i++
		case strings.HasPrefix(rest, "ck"):
			emit("k")
			i += 2
		case strings.HasPrefix(rest, "sc") && soft(i+2):
			emit("s")
			i += 2
		case c == 'c' && soft(i+1):
			emit("s")
			i++
		case c == 'c' || c == 'q':
			emit("k")
			i++
		case strings.HasPrefix(rest, "ss"):
			emit("s")
			i += 2
		case c == 'z':
			emit("s")
			i++
		case strings.HasPrefix(rest, "tion") && i > 0:
			emit("s")
			i++
		case c == 'p' && at(i+1) == 't' && b.Len() > 0 && strings.IndexByte("AIO", b.String()[b.Len()-1]) >= 0:
			i++ // the silent p of « compte », « prompt »
		case c == 'x' && i == len(w)-1:
			i++ // silent: « prix », « deux »
		case c == 'x':
			emit("ks")
			i++
		case c == 'h':
			i++
		case c == 'w':
			emit("v")
			i++
		default:
			emit(string(c))
			i++
		}
	}
	key := b.String()
	// Silent endings: « -er » and « -ez » sound « e », a final s, t, d or
	// p is not heard (nor x, left out above), then neither is a final e.
	er := strings.HasSuffix(w, "er") || strings.HasSuffix(w, "ez")
	if last := w[len(w)-1]; len(key) > 2 && (er || strings.IndexByte("stdp", last) >= 0) {
		if last == 'z' {
			last = 's' // as coded
		}
		if k := strings.TrimSuffix(key, string(last)); k != key {
			key, w = k, w[:len(w)-1]
		}
	}
	if len(key) > 2 && !er && strings.HasSuffix(w, "e") {
		key = strings.TrimSuffix(key, "e") // a written e, not the « e » of « ai », « -er »
	}
	return key
}

// soundSeed hashes phonetic keys: a Vocabulary keeps 8 bytes a word, not
// the key (two keys of one hash, one chance in 2⁶⁴ a pair, would only
// propose a word that must still be within soundEdits).
var soundSeed = maphash.MakeSeed()

// soundOf returns the hash of the phonetic key of a word as written, 0
// when it has none. The written form tells « ç » (an s) from « c », which
// folding loses: « français » sounds like « fransais ».
func soundOf(form string) uint64 {
	key := phoneticKey(fold(cedilla.Replace(form)))
	if key == "" {
		return 0
	}
	return maphash.String(soundSeed, key) | 1
}

var cedilla = strings.NewReplacer("ç", "s", "Ç", "s")

// soundEntry places a word of a Vocabulary by its sound.
type soundEntry struct {
	sound uint64
	word  int32 // its index in words
}

// soundIndex returns v's words that have a sound, by sound, sorted once
// for each Vocabulary, the first time a correction asks.
func (v *Vocabulary) soundIndex() []soundEntry {
	v.soundsOnce.Do(func() {
		list := make([]soundEntry, 0, len(v.words))
		for i, w := range v.words {
			if w.sound != 0 {
				list = append(list, soundEntry{w.sound, int32(i)})
			}
		}
		slices.SortFunc(list, func(a, b soundEntry) int { return cmp.Compare(a.sound, b.sound) })
		v.sounds = list
	})
	return v.sounds
}

// soundsLike returns the word of v that sounds like folded and that at
// least minDocs articles hold, within soundEdits of it: the most
// frequent, then the fewest edits. Among words that sound alike the
// common one is what a reader who wrote by ear meant most often
// (« compte » rather than « comté » for « conte »).
func (v *Vocabulary) soundsLike(folded string, minDocs int) (VocabularyWord, bool) {
	if MaxEdits(folded) == 0 || len(folded) > maxVocabularyWord {
		return VocabularyWord{}, false
	}
	sound := soundOf(folded)
	if sound == 0 {
		return VocabularyWord{}, false
	}
	index := v.soundIndex()
	i, _ := slices.BinarySearchFunc(index, sound, func(e soundEntry, s uint64) int { return cmp.Compare(e.sound, s) })
	best, bestDist, found := VocabularyWord{}, 0, false
	for ; i < len(index) && index[i].sound == sound; i++ {
		w := v.words[index[i].word]
		if w.Word == folded || w.Docs < minDocs {
			continue
		}
		d := editDistance(folded, w.Word)
		if d > soundEdits(folded) {
			continue
		}
		if !found || w.Docs > best.Docs || w.Docs == best.Docs && d < bestDist {
			best, bestDist, found = w, d, true
		}
	}
	return best, found
}

// editDistance is the optimal string alignment distance between a and b,
// over bytes (letters, for folded French words): insertions, deletions,
// substitutions and swaps of neighbours.
func editDistance(a, b string) int {
	prev2, prev, row := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(prev[j]+1, row[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				row[j] = min(row[j], prev2[j-2]+1)
			}
		}
		prev2, prev, row = prev, row, prev2
	}
	return prev[len(b)]
}
