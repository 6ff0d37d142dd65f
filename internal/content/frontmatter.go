package content

import (
	"bytes"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxFileSize bounds a content file: anything larger is a mistake (a pasted
// binary, a runaway export), not an article.
const MaxFileSize = 2 << 20

// field is one front matter key with the line it sits on.
type field struct {
	key  string
	line int // in the file
	node *yaml.Node
}

// frontMatter is a decoded front matter block.
type frontMatter struct {
	path   string
	offset int // from YAML lines to file lines
	fields map[string]field
}

// SizeProblem reports a file of size bytes, more than MaxFileSize.
func SizeProblem(path string, size int64) Problem {
	mb := strings.Replace(fmt.Sprintf("%.1f", float64(size)/(1<<20)), ".", ",", 1) // French decimal comma
	return problemf(path, 0, "fichier trop volumineux (%s Mo, maximum %d Mo) : un article ne pèse que quelques kilo-octets ; vérifiez qu'il s'agit bien du bon fichier", mb, MaxFileSize>>20)
}

// checkSource reports problems that make a file unreadable as text.
func checkSource(path string, src []byte) *Problem {
	if len(src) > MaxFileSize {
		p := SizeProblem(path, int64(len(src)))
		return &p
	}
	if len(bytes.TrimSpace(src)) == 0 {
		p := problemf(path, 0, "fichier vide")
		return &p
	}
	if !utf8.Valid(src) {
		line := 1
		for len(src) > 0 {
			r, size := utf8.DecodeRune(src)
			if r == utf8.RuneError && size <= 1 {
				break
			}
			if r == '\n' {
				line++
			}
			src = src[size:]
		}
		p := problemf(path, line, "caractères invalides : le fichier doit être enregistré en UTF-8")
		return &p
	}
	return nil
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlHints explain yaml.v3's most common messages to editors.
var yamlHints = []struct{ prefix, hint string }{
	{"found unexpected end of stream", "fin inattendue : un guillemet ouvert n'est pas refermé ?"},
	{"mapping values are not allowed", "deux-points inattendu : une valeur qui contient « : » doit être entre guillemets, par exemple title: \"Études : mode d'emploi\""},
	{"found a tab character", "tabulation interdite : indentez avec des espaces"},
	{"found character that cannot start any token", "caractère inattendu en début de valeur : mettez la valeur entre guillemets"},
	{"did not find expected ',' or ']'", "liste entre crochets non refermée : il manque « ] » ou une virgule"},
	{"did not find expected ',' or '}'", "accolade non refermée : il manque « } » ou une virgule"},
	{"did not find expected key", "clé attendue : vérifiez l'indentation et les guillemets de cette ligne"},
	{"block sequence entries are not allowed", "tiret de liste inattendu : une liste commence sur la ligne qui suit sa clé"},
	{"could not find expected ':'", "il manque « : » après la clé"},
}

// quotedValue is a "key: value" line whose value opens with a quote.
var quotedValue = regexp.MustCompile(`^\s*[\w-]+:\s*(["'])(.*)$`)

// unclosedQuote returns the first line of raw whose quoted value is not
// closed on that line, 0 when there is none.
func unclosedQuote(raw []byte) int {
	for i, l := range strings.Split(string(raw), "\n") {
		m := quotedValue.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		rest := strings.ReplaceAll(m[2], `\`+m[1], "")
		if m[1] == "'" {
			rest = strings.ReplaceAll(m[2], "''", "")
		}
		if !strings.Contains(rest, m[1]) {
			return i + 1
		}
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// yamlError returns the line (within the YAML text) and an editor-facing
// message of a yaml.v3 error.
func yamlError(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = msg[:m[0]] + msg[m[1]:]
	}
	// yaml.v3 numbers the lines of its parser errors ("did not find
	// expected …") from 0 and those of its scanner errors from 1.
	if strings.HasPrefix(msg, "did not find expected") || line == 0 {
		line++
	}
	return line, frenchYAML(msg)
}

// decodeFrontMatter turns raw YAML, whose first line is line firstLine of the
// file, into fields, reporting problems at their line in the file.
func decodeFrontMatter(path string, raw []byte, firstLine int, known map[string]bool) (frontMatter, []Problem) {
	return decodeBlock(path, block{format: formatYAML, raw: raw, firstLine: firstLine}, known, nil)
}

// decodeBlock decodes front matter in any of its formats into fields.
// aliases maps other names of a key (Hugo's, in lower case) to the key.
func decodeBlock(path string, b block, known map[string]bool, aliases map[string]string) (frontMatter, []Problem) {
	raw, offset := b.raw, b.firstLine-1
	fm := frontMatter{path: path, offset: offset, fields: map[string]field{}}
	var root *yaml.Node
	if b.format == formatYAML {
		var doc yaml.Node
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			line, msg := yamlError(err)
			if q := unclosedQuote(raw); q > 0 && strings.HasPrefix(msg, "fin inattendue") {
				line = q // yaml.v3 names the end of the text, not the opening quote
			}
			// An error found at the end of the text (an unclosed list or
			// quote) is named on its last line, not on the closing ---.
			if last := bytes.Count(raw, []byte("\n")) + 1 - boolInt(bytes.HasSuffix(raw, []byte("\n"))); line > last && last > 0 {
				line = last
			}
			return fm, []Problem{problemf(path, line+offset, "en-tête YAML invalide : %s", msg)}
		}
		if len(doc.Content) == 0 {
			return fm, nil // empty front matter: the required keys will be reported missing
		}
		root = doc.Content[0]
	} else {
		var line int
		var msg string
		if root, line, msg = frontMatterRoot(b.format, raw); root == nil {
			return fm, []Problem{problemf(path, max(line, 1)+offset, "%s", msg)}
		}
	}
	if root.Kind != yaml.MappingNode {
		return fm, []Problem{problemf(path, root.Line+offset, "l'en-tête %s doit être une liste de clés « clé: valeur »", b.format)}
	}
	var problems []Problem
	var unknown []field
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		line := k.Line + offset
		// Hugo reads keys in any case (publishDate, expiryDate).
		name := strings.ToLower(k.Value)
		if to, ok := aliases[name]; ok {
			name = to
		}
		if !known[name] {
			unknown = append(unknown, field{key: k.Value, line: line})
			continue
		}
		if prev, dup := fm.fields[name]; dup {
			if prev.key == k.Value {
				problems = append(problems, problemf(path, line, "clé « %s » donnée deux fois", k.Value))
			} else {
				problems = append(problems, warningf(path, line, "« %s » redit « %s » (ligne %d) : seule la première est retenue", k.Value, prev.key, prev.line))
			}
			continue
		}
		fm.fields[name] = field{key: k.Value, line: line, node: v}
	}
	if len(unknown) > 0 {
		problems = append(problems, unknownKeys(path, unknown, known, aliases))
	}
	return fm, problems
}

// keyHints name our key for other names editors and other tools use for
// the same thing, beyond typing slips that closest finds.
var keyHints = map[string]string{
	"excerpt": "summary", "resume": "summary", "résumé": "summary", "chapo": "summary", "chapeau": "summary",
	"lead": "summary", "abstract": "summary", "teaser": "summary", "intro": "summary",
	"expiry": "expires", "expire": "expires", "expiration": "expires", "expiration_date": "expires",
	"expirationdate": "expires", "unpublish": "expires", "unpublish_date": "expires", "expiry_date": "expires",
	"update": "updated", "updated_at": "updated", "updatedat": "updated", "modified_at": "updated",
	"last_modified": "updated", "lastmodified": "updated", "lastupdated": "updated", "mis_a_jour": "updated",
	"cover": "image", "featured_image": "image", "featuredimage": "image", "thumbnail": "image", "banner": "image",
	"publish_date": "publishdate", "published_at": "publishdate", "pub_date": "publishdate",
}

// unknownKeys is the one warning that names every unknown key of a file,
// each with the key it looks like, if any.
func unknownKeys(path string, unknown []field, known map[string]bool, aliases map[string]string) Problem {
	hint := func(k string) string {
		lk := strings.ToLower(k)
		if to, ok := keyHints[lk]; ok && known[to] {
			return to
		}
		names := maps.Clone(known)
		for a, to := range aliases {
			if known[to] {
				names[a] = true
			}
		}
		return closest(lk, names)
	}
	if len(unknown) == 1 {
		msg := fmt.Sprintf("clé inconnue « %s » ignorée", unknown[0].key)
		if s := hint(unknown[0].key); s != "" {
			msg += fmt.Sprintf(" (vouliez-vous écrire « %s » ?)", s)
		}
		return warningf(path, unknown[0].line, "%s", msg)
	}
	parts := make([]string, len(unknown))
	for i, u := range unknown {
		parts[i] = fmt.Sprintf("« %s » (ligne %d", u.key, u.line)
		if s := hint(u.key); s != "" {
			parts[i] += fmt.Sprintf(", vouliez-vous écrire « %s » ?", s)
		}
		parts[i] += ")"
	}
	return warningf(path, unknown[0].line, "clés inconnues ignorées : %s", strings.Join(parts, ", "))
}

// closest returns the known key within two edits of k, if any.
func closest(k string, known map[string]bool) string {
	best, bestDist := "", 3
	for cand := range known {
		if d := editDistance(k, cand); d < bestDist || (d == bestDist && cand < best) {
			best, bestDist = cand, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// has reports whether key (or one of its other names) is given.
func (fm frontMatter) has(key string) bool {
	_, ok := fm.fields[key]
	return ok
}

// blank reports whether key is absent or has a blank value.
func (fm frontMatter) blank(key string) bool {
	empty, _ := fm.empty(key)
	return empty
}

// empty reports whether key is absent or has a blank value ("title:"), and
// the line to name: the key's own, or else the first of the front matter.
func (fm frontMatter) empty(key string) (bool, int) {
	f, ok := fm.fields[key]
	if !ok {
		return true, fm.offset + 1
	}
	return f.node.Kind == yaml.ScalarNode && strings.TrimSpace(f.node.Value) == "", f.line
}

// scalar returns the text of key, "" when absent. A non-scalar value is a problem.
func (fm frontMatter) scalar(key string, problems *[]Problem) (string, int) {
	f, ok := fm.fields[key]
	if !ok {
		return "", 0
	}
	if f.node.Kind != yaml.ScalarNode {
		*problems = append(*problems, problemf(fm.path, f.line, "« %s » doit être un texte simple", key))
		return "", f.line
	}
	return strings.TrimSpace(f.node.Value), f.line
}

// list returns the items of key, accepting a single scalar as a one-item list.
func (fm frontMatter) list(key string, problems *[]Problem) ([]string, int) {
	f, ok := fm.fields[key]
	if !ok {
		return nil, 0
	}
	switch f.node.Kind {
	case yaml.ScalarNode:
		if v := strings.TrimSpace(f.node.Value); v != "" {
			return []string{v}, f.line
		}
		return nil, f.line
	case yaml.SequenceNode:
		var out []string
		for _, item := range f.node.Content {
			if item.Kind != yaml.ScalarNode {
				*problems = append(*problems, problemf(fm.path, item.Line+fm.offset, "« %s » doit être une liste de textes", key))
				continue
			}
			if v := strings.TrimSpace(item.Value); v != "" {
				out = append(out, v)
			}
		}
		return out, f.line
	}
	*problems = append(*problems, problemf(fm.path, f.line, "« %s » doit être une liste, par exemple [a, b]", key))
	return nil, f.line
}

// boolean returns the value of key, false when absent.
func (fm frontMatter) boolean(key string, problems *[]Problem) bool {
	v, line := fm.scalar(key, problems)
	switch strings.ToLower(v) {
	case "", "false", "no", "non":
		return false
	case "true", "yes", "oui":
		return true
	}
	*problems = append(*problems, problemf(fm.path, line, "« %s » doit valoir true ou false, pas « %s »", key, v))
	return false
}

// integer returns the value of key, 0 when absent.
func (fm frontMatter) integer(key string, problems *[]Problem) int {
	v, line := fm.scalar(key, problems)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		*problems = append(*problems, problemf(fm.path, line, "« %s » doit être un nombre entier, pas « %s »", key, v))
	}
	return n
}

// dateLayouts are the accepted date forms: the first two carry their
// offset, the others are wall-clock times in the site's time zone (Hugo
// writes both, with a T or a space; seconds may have a fraction).
var dateLayouts = []string{time.RFC3339, "2006-01-02 15:04:05Z07:00", "2006-01-02", "2006-01-02 15:04",
	"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04"}

// date returns the instant of key, the zero time when absent.
func (fm frontMatter) date(key string, loc *time.Location, problems *[]Problem) time.Time {
	v, line := fm.scalar(key, problems)
	if v == "" {
		return time.Time{}
	}
	t, err := ParseDate(v, loc)
	if err != nil {
		*problems = append(*problems, problemf(fm.path, line, "date « %s » illisible pour « %s » : écrivez 2024-11-13, 2024-11-13 09:30 ou 2024-11-13T09:30:00+01:00", v, key))
	}
	return t
}

// ParseDate reads a front matter date: RFC 3339, or YYYY-MM-DD or
// YYYY-MM-DD HH:MM in loc.
func ParseDate(v string, loc *time.Location) (time.Time, error) {
	for i, layout := range dateLayouts {
		var t time.Time
		var err error
		if i < 2 {
			t, err = time.Parse(layout, v)
		} else {
			t, err = time.ParseInLocation(layout, v, loc)
		}
		if err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: not RFC 3339, YYYY-MM-DD or YYYY-MM-DD HH:MM", v)
}
