package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"gopkg.in/yaml.v3"
)

// Front matter comes in the three formats Hugo reads: YAML between ---
// lines, TOML between +++ lines, and a JSON object opening the file. TOML
// and JSON are turned into the yaml.Node tree that YAML gives, with each
// key's line, so that one decoder checks every format alike.
type format int

const (
	formatYAML format = iota
	formatTOML
	formatJSON
)

func (f format) String() string {
	return [...]string{"YAML", "TOML", "JSON"}[f]
}

// block is the front matter of a file and where its body starts.
type block struct {
	format    format
	raw       []byte // the front matter text, without its delimiters
	firstLine int    // file line of raw's first line
	body      []byte // the rest of the file
	bodyLine  int    // file line of body's first line
}

const noFrontMatter = "le fichier doit commencer par un en-tête YAML entre deux lignes --- (ou TOML entre deux lignes +++, ou un objet JSON entre accolades)"

// splitFrontMatter cuts src (without a byte order mark) into its front
// matter and its body.
func splitFrontMatter(path string, src []byte) (block, *Problem) {
	first, _, _ := bytes.Cut(src, []byte("\n"))
	first = bytes.TrimRight(first, " \t\r")
	var delim string
	switch {
	case string(first) == "---":
		delim = "---"
	case string(first) == "+++":
		delim = "+++"
	case bytes.HasPrefix(first, []byte("{")):
		return splitJSON(path, src)
	default:
		pr := problemf(path, 1, "%s", noFrontMatter)
		return block{}, &pr
	}
	b := block{format: formatYAML, firstLine: 2}
	if delim == "+++" {
		b.format = formatTOML
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	offset := len(lines[0])
	for i := 1; i < len(lines); i++ {
		if string(bytes.TrimRight(lines[i], " \t\r\n")) == delim {
			b.raw = src[len(lines[0]):offset]
			b.body = src[offset+len(lines[i]):]
			b.bodyLine = i + 2
			return b, nil
		}
		offset += len(lines[i])
	}
	pr := problemf(path, len(lines), "en-tête %s non fermé : ajoutez une ligne %s après la dernière clé (fichier incomplet ?)", b.format, delim)
	return block{}, &pr
}

// splitJSON reads the JSON object that opens src: Hugo ends it at its
// closing brace, wherever that is.
func splitJSON(path string, src []byte) (block, *Problem) {
	dec := json.NewDecoder(bytes.NewReader(src))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		line, msg := jsonError(src, err)
		pr := problemf(path, line, "en-tête JSON invalide : %s", msg)
		return block{}, &pr
	}
	end := int(dec.InputOffset())
	rest := src[end:]
	// The body starts on the line after the closing brace.
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		if len(bytes.TrimSpace(rest[:i])) > 0 {
			pr := problemf(path, lineAt(src, end), "en-tête JSON : le texte de l'article commence sur la ligne qui suit l'accolade fermante")
			return block{}, &pr
		}
		end += i + 1
	} else {
		end = len(src)
	}
	return block{format: formatJSON, raw: src[:int(dec.InputOffset())], firstLine: 1,
		body: src[end:], bodyLine: lineAt(src, end)}, nil
}

// lineAt is the 1-based line of byte offset i of src.
func lineAt(src []byte, i int) int {
	return 1 + bytes.Count(src[:min(i, len(src))], []byte("\n"))
}

func jsonError(src []byte, err error) (int, string) {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return lineAt(src, int(syn.Offset)), "syntaxe : " + syn.Error()
	case errors.As(err, &typ):
		return lineAt(src, int(typ.Offset)), typ.Error()
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return lineAt(src, len(src)), "fin inattendue : une accolade, un crochet ou un guillemet n'est pas refermé ?"
	}
	return 1, err.Error()
}

// frontMatterRoot decodes raw in its format into a mapping node whose lines
// count from raw's first line, or returns a problem at a line of raw.
func frontMatterRoot(f format, raw []byte) (*yaml.Node, int, string) {
	switch f {
	case formatTOML:
		return tomlRoot(raw)
	case formatJSON:
		return jsonRoot(raw)
	}
	return nil, 0, ""
}

// tomlRoot decodes TOML front matter. The values come from go-toml's
// decoder; the line of each top-level key from its parser, which keeps
// positions.
func tomlRoot(raw []byte) (*yaml.Node, int, string) {
	var values map[string]any
	if err := toml.Unmarshal(raw, &values); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return nil, row, "en-tête TOML invalide : " + de.Error()
		}
		return nil, 1, "en-tête TOML invalide : " + err.Error()
	}
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(raw)
	inTable := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			inTable = true
			if k := e.Key(); k.Next() {
				name := string(k.Node().Data)
				if _, seen := lines[name]; !seen {
					lines[name] = p.Shape(k.Node().Raw).Start.Line
				}
			}
		case unstable.KeyValue:
			if inTable {
				continue
			}
			if k := e.Key(); k.Next() {
				name := string(k.Node().Data)
				if _, seen := lines[name]; !seen {
					lines[name] = p.Shape(k.Node().Raw).Start.Line
				}
			}
		}
	}
	return mapNode(values, lines, 1), 0, ""
}

// jsonRoot decodes a JSON object, taking each top-level key's line from the
// decoder's offset as it reads the keys.
func jsonRoot(raw []byte) (*yaml.Node, int, string) {
	var values map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&values); err != nil {
		line, msg := jsonError(raw, err)
		if values == nil && !errors.As(err, new(*json.SyntaxError)) {
			msg = "l'en-tête JSON doit être un objet { \"clé\": valeur, … }"
		}
		return nil, line, "en-tête JSON invalide : " + msg
	}
	lines := map[string]int{}
	tok := json.NewDecoder(bytes.NewReader(raw))
	// Inside the top-level object, tokens alternate key and value; a value
	// that is an object or a list takes the depth below 1 until it closes.
	depth, wantKey := 0, false
	for {
		before := tok.InputOffset()
		t, err := tok.Token()
		if err != nil {
			break
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
			if depth == 1 {
				wantKey = true // the object opened, or a value closed
			}
			continue
		}
		if depth != 1 {
			continue
		}
		if k, ok := t.(string); ok && wantKey {
			if _, seen := lines[k]; !seen {
				// The offset before a key may sit on the comma and the
				// line break before it: its line is that of its quote.
				i := int(before) + max(0, bytes.IndexByte(raw[before:], '"'))
				lines[k] = lineAt(raw, i)
			}
			wantKey = false
			continue
		}
		wantKey = true
	}
	return mapNode(values, lines, 1), 0, ""
}

// mapNode turns decoded values into a YAML mapping, keys in file order.
func mapNode(values map[string]any, lines map[string]int, fallback int) *yaml.Node {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		li, lj := lines[keys[i]], lines[keys[j]]
		if li != lj {
			return li < lj
		}
		return keys[i] < keys[j]
	})
	root := &yaml.Node{Kind: yaml.MappingNode, Line: fallback}
	for _, k := range keys {
		line := lines[k]
		if line == 0 {
			line = fallback
		}
		root.Content = append(root.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Value: k, Line: line},
			valueNode(values[k], line))
	}
	return root
}

// valueNode turns one decoded value into a node on line. Dates become the
// text the YAML front matter would hold, so that one date parser reads all.
func valueNode(v any, line int) *yaml.Node {
	scalar := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s, Line: line} }
	switch v := v.(type) {
	case nil:
		return scalar("")
	case string:
		return scalar(v)
	case bool:
		return scalar(strconv.FormatBool(v))
	case int64:
		return scalar(strconv.FormatInt(v, 10))
	case float64:
		return scalar(strconv.FormatFloat(v, 'f', -1, 64))
	case json.Number:
		return scalar(v.String())
	case time.Time:
		return scalar(v.Format(time.RFC3339))
	case toml.LocalDate:
		return scalar(v.String())
	case toml.LocalDateTime:
		return scalar(v.String())
	case toml.LocalTime:
		return scalar(v.String())
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Line: line}
		for _, item := range v {
			n.Content = append(n.Content, valueNode(item, line))
		}
		return n
	case map[string]any:
		return mapNode(v, nil, line)
	}
	return scalar(fmt.Sprint(v))
}

// bodySource is the body of b preceded by as many empty lines as the front
// matter took, so that Markdown problems name the file's own lines.
func bodySource(b block) []byte {
	out := make([]byte, 0, b.bodyLine-1+len(b.body))
	out = append(out, strings.Repeat("\n", b.bodyLine-1)...)
	return append(out, b.body...)
}

// FrontMatter splits a content file into its front matter, as a YAML
// mapping whatever its format (for tools that rewrite headers, such as
// imports), and its body.
func FrontMatter(path string, src []byte) (*yaml.Node, []byte, error) {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	b, pr := splitFrontMatter(path, src)
	if pr != nil {
		return nil, nil, *pr
	}
	if b.format != formatYAML {
		root, line, msg := frontMatterRoot(b.format, b.raw)
		if root == nil {
			return nil, nil, problemf(path, max(line, 1)+b.firstLine-1, "%s", msg)
		}
		return root, b.body, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b.raw, &doc); err != nil {
		line, msg := yamlError(err)
		return nil, nil, problemf(path, line+b.firstLine-1, "en-tête YAML invalide : %s", msg)
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode}, b.body, nil
	}
	if doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, problemf(path, b.firstLine, "l'en-tête YAML doit être une liste de clés « clé: valeur »")
	}
	return doc.Content[0], b.body, nil
}
