package content

import (
	"regexp"
	"strings"
)

// Messages for families of yaml.v3 problems that editors rarely meet; the
// common ones have their own hint (yamlHints).
const (
	yamlTag       = "étiquette YAML (!) mal formée : une valeur qui commence par « ! » doit être entre guillemets"
	yamlDirective = "directive YAML (%) mal formée : une valeur qui commence par « % » doit être entre guillemets"
	yamlDocument  = "séparateur de document (--- ou ...) dans l'en-tête : l'en-tête tient tout entier entre les deux lignes ---"
	yamlEscape    = "séquence d'échappement (\\) invalide entre guillemets doubles : doublez la barre oblique inverse (\\\\) ou utilisez des guillemets simples"
	yamlAnchors   = "ancres et alias (& et *) trop imbriqués : une valeur qui commence par & ou * doit être entre guillemets"
	yamlUnknown   = "syntaxe incorrecte : vérifiez l'indentation, les guillemets et les deux-points de cette ligne"
)

// yamlFrench translates the rest of yaml.v3's problems, by prefix.
var yamlFrench = []struct{ prefix, french string }{
	{"could not find expected directive name", yamlDirective},
	{"did not find expected digit or '.' character", yamlDirective},
	{"did not find expected version number", yamlDirective},
	{"found extremely long version number", yamlDirective},
	{"found duplicate %YAML directive", yamlDirective},
	{"found duplicate %TAG directive", yamlDirective},
	{"found unknown directive name", yamlDirective},
	{"found unexpected non-alphabetical character", yamlDirective},
	{"did not find expected whitespace or line break", "indicateur de texte sur plusieurs lignes (| ou >) mal formé : rien ne le suit sur sa ligne, sinon mettez la valeur entre guillemets"},
	{"did not find expected whitespace", yamlDirective},
	{"did not find URI escaped octet", yamlTag},
	{"did not find expected '!'", yamlTag},
	{"did not find expected tag URI", yamlTag},
	{"did not find the expected '>'", yamlTag},
	{"found undefined tag handle", yamlTag},
	{"did not find expected <document start>", yamlDocument},
	{"did not find expected <stream-start>", yamlDocument},
	{"found unexpected document indicator", yamlDocument},
	{"found incompatible YAML document", yamlDocument},
	{"did not find expected '-' indicator", "élément de liste attendu : chaque ligne d'une liste commence par « - », avec la même indentation"},
	{"did not find expected alphabetic or numeric character", "nom vide après & ou * : une valeur qui commence par & ou * doit être entre guillemets"},
	{"did not find expected comment or line break", "texte inattendu après la valeur : mettez toute la valeur entre guillemets"},
	{"did not find expected hexdecimal number", yamlEscape},
	{"found invalid Unicode character escape code", yamlEscape},
	{"found unknown escape character", yamlEscape},
	{"did not find expected node content", "valeur attendue : une virgule, un crochet ou un deux-points de trop sur cette ligne ?"},
	{"exceeded max depth", "en-tête trop imbriqué : un article n'a besoin que de « clé: valeur » et de listes [a, b]"},
	{"found an incorrect leading UTF-8 octet", "caractères invalides : le fichier doit être enregistré en UTF-8"},
	{"found an incorrect trailing UTF-8 octet", "caractères invalides : le fichier doit être enregistré en UTF-8"},
	{"found an indentation indicator equal to 0", "indentation 0 interdite après | ou > : écrivez un chiffre de 1 à 9, ou rien"},
	{"mapping keys are not allowed", "clé inattendue : vérifiez l'indentation et les guillemets de cette ligne"},
	{"anchor ", yamlAnchors},
	{"document contains excessive aliasing", yamlAnchors},
}

var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced`)

// frenchYAML says in French what a yaml.v3 problem msg (without "yaml:"
// and line) means for an editor: never the parser's English words, which
// most editors cannot act on.
func frenchYAML(msg string) string {
	for _, h := range yamlHints {
		if strings.HasPrefix(msg, h.prefix) {
			return h.hint
		}
	}
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		return "alias « *" + m[1] + " » sans ancre (&" + m[1] + ") : une valeur qui commence par * doit être entre guillemets"
	}
	for _, f := range yamlFrench {
		if strings.HasPrefix(msg, f.prefix) {
			return f.french
		}
	}
	return yamlUnknown
}
