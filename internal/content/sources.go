package content

import (
	"net/url"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxSources bounds the sources: a list longer than this is a pasted mistake.
const maxSources = 50

// markdownLink is a source written as a Markdown link: [Titre](https://…).
var markdownLink = regexp.MustCompile(`^\[([^\]]+)\]\(\s*(\S+?)\s*\)$`)

// sourcesFor reads the sources: key, a list whose items are either
// {title, url} or a Markdown link. A faulty item is left out with a warning:
// the article is still served.
func sourcesFor(filePath string, fm frontMatter, problems *[]Problem) []Source {
	f, ok := fm.fields["sources"]
	if !ok {
		return nil
	}
	example := "par exemple « - [Cleiss](https://www.cleiss.fr/) » ou « - {title: Cleiss, url: https://www.cleiss.fr/} »"
	if f.node.Kind != yaml.SequenceNode {
		if f.node.Kind == yaml.ScalarNode && strings.TrimSpace(f.node.Value) == "" {
			return nil
		}
		*problems = append(*problems, warningf(filePath, f.line, "« sources » doit être une liste, une source par ligne, %s", example))
		return nil
	}
	var out []Source
	seen := map[string]bool{}
	for _, item := range f.node.Content {
		line := item.Line + fm.offset
		if len(out) == maxSources {
			*problems = append(*problems, warningf(filePath, line, "plus de %d sources : les suivantes sont ignorées", maxSources))
			break
		}
		s, msg := source(item)
		if msg != "" {
			*problems = append(*problems, warningf(filePath, line, "source ignorée : %s ; %s", msg, example))
			continue
		}
		if seen[s.URL] {
			*problems = append(*problems, warningf(filePath, line, "source %s donnée deux fois", s.URL))
			continue
		}
		seen[s.URL] = true
		out = append(out, s)
	}
	return out
}

// source reads one item of sources:, or says what is wrong with it.
func source(item *yaml.Node) (Source, string) {
	var s Source
	switch item.Kind {
	case yaml.ScalarNode:
		m := markdownLink.FindStringSubmatch(strings.TrimSpace(item.Value))
		if m == nil {
			return s, "écrivez un lien Markdown [titre](adresse)"
		}
		s.Title, s.URL = m[1], m[2]
	case yaml.MappingNode:
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return s, "« " + k.Value + " » doit être un texte simple"
			}
			switch k.Value {
			case "title":
				s.Title = v.Value
			case "url":
				s.URL = v.Value
			default:
				return s, "clé « " + k.Value + " » inconnue (title et url seulement)"
			}
		}
	default:
		return s, "une source est un lien ou un couple title/url"
	}
	s.Title, s.URL = French(strings.Join(strings.Fields(s.Title), " ")), strings.TrimSpace(s.URL)
	if s.Title == "" {
		return s, "titre manquant"
	}
	if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return s, "adresse « " + s.URL + " » invalide : une source est une adresse complète commençant par https://"
	}
	return s, ""
}
