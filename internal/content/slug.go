package content

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ligatures are letters that Unicode decomposition does not split.
var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss")

// Slugify derives the ASCII slug of a French title or file name: accents are
// folded, letters lowered, and every run of anything else (spaces,
// apostrophes of elisions, punctuation) becomes one hyphen.
// "Études à l'étranger : mode d'emploi" → "etudes-a-l-etranger-mode-d-emploi".
func Slugify(s string) string {
	s = ligatures.Replace(s)
	var b strings.Builder
	pendingHyphen := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining accent left by the decomposition: drop it
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if pendingHyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingHyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			pendingHyphen = true
		}
	}
	return b.String()
}

// IsSlug reports whether s is already in the form Slugify gives.
func IsSlug(s string) bool { return s != "" && Slugify(s) == s }

// Reserved is the set of first path segments that the site's own pages
// take (/tags, /recherche, /static…): no rubrique may take one, and an
// alias there would never be reached. The web package owns the URL scheme
// and derives the set from its route table (web.ReservedSegments); it
// reaches content as data, through WithReserved.
type Reserved map[string]bool

// Has reports whether segment is reserved.
func (r Reserved) Has(segment string) bool { return r[segment] }
