package content

import (
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// english catches the parser's own words in a message meant for editors.
var english = regexp.MustCompile(`(?i)\b(found|expected|allowed|mapping|line|character|while|scanning|did not|could not|unknown|cannot|invalid|value|stream|context)\b`)

// TestYAMLErrorsInFrench: whatever yaml.v3 says of a broken front matter,
// the editor reads French only, at the right line.
func TestYAMLErrorsInFrench(t *testing.T) {
	tests := []struct {
		name, frontMatter, want string
	}{
		{"colon in a value", "title: Titre : sous-titre: suite\ndate: 2024-11-13\n", "monde/a.md:2: en-tête YAML invalide : deux-points inattendu"},
		{"unclosed quote", "title: Titre\nsummary: 'Résumé sans fin\ndate: 2024-11-13\n", "monde/a.md:3: en-tête YAML invalide : fin inattendue"},
		{"tab", "title: Titre\n\tdate: 2024-11-13\n", "monde/a.md:3: en-tête YAML invalide : tabulation interdite"},
		{"unclosed list", "title: Titre\ndate: 2024-11-13\ntags: [a, b\nauthor: Moi\n", "monde/a.md:4: en-tête YAML invalide : liste entre crochets non refermée"},
		{"unknown escape", "title: \"Titre \\q\"\ndate: 2024-11-13\n", "monde/a.md:2: en-tête YAML invalide : "},
		{"unknown alias", "title: *titre\ndate: 2024-11-13\n", "monde/a.md:2: en-tête YAML invalide : "},
		{"bad character", "title: Titre\ndate: 2024-11-13\nauthor: @moi\n", "monde/a.md:4: en-tête YAML invalide : caractère inattendu"},
		{"stray list item", "title: Titre\ndate: 2024-11-13\n- x\n", "monde/a.md:4: en-tête YAML invalide : clé attendue"},
		{"document marker inside", "title: Titre\n...\ndate: 2024-11-13\n", "monde/a.md:"},
	}
	prs := NewParser()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := prs.Article("monde/a.md", article(tt.frontMatter, "Texte."), paris)
			if len(problems) == 0 {
				t.Fatalf("no problem reported, want %q", tt.want)
			}
			got := problems[0].String()
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("problem = %q\nwant prefix %q", got, tt.want)
			}
			if m := english.FindString(got); m != "" {
				t.Errorf("problem %q has English in it (%q)", got, m)
			}
		})
	}
}

// yamlProblems are the messages of yaml.v3's scanner, parser and node
// builder, as it words them (after "yaml: line N: ").
var yamlProblems = []string{
	"block sequence entries are not allowed in this context",
	"could not find expected ':'",
	"could not find expected directive name",
	"did not find URI escaped octet",
	"did not find expected '!'",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected alphabetic or numeric character",
	"did not find expected comment or line break",
	"did not find expected digit or '.' character",
	"did not find expected hexdecimal number",
	"did not find expected key",
	"did not find expected node content",
	"did not find expected tag URI",
	"did not find expected version number",
	"did not find expected whitespace or line break",
	"did not find expected whitespace",
	"did not find the expected '>'",
	"exceeded max depth of 10000",
	"found a tab character that violates indentation",
	"found a tab character where an indentation space is expected",
	"found an incorrect leading UTF-8 octet",
	"found an incorrect trailing UTF-8 octet",
	"found an indentation indicator equal to 0",
	"found character that cannot start any token",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found extremely long version number",
	"found incompatible YAML document",
	"found invalid Unicode character escape code",
	"found undefined tag handle",
	"found unexpected document indicator",
	"found unexpected end of stream",
	"found unexpected non-alphabetical character",
	"found unknown directive name",
	"found unknown escape character",
	"mapping keys are not allowed in this context",
	"mapping values are not allowed in this context",
	"unknown anchor 'titre' referenced",
	"anchor 'titre' value contains itself",
	"document contains excessive aliasing",
	"unknown problem parsing YAML content",
	"something no version of yaml.v3 says yet",
}

func TestYAMLMessagesTranslated(t *testing.T) {
	for _, msg := range yamlProblems {
		for _, in := range []string{"yaml: line 3: " + msg, "yaml: " + msg} {
			line, got := yamlError(errors.New(in))
			if got == "" || english.MatchString(got) || strings.Contains(got, msg) {
				t.Errorf("%q → %q: not French", in, got)
			}
			if strings.HasPrefix(in, "yaml: line") && line == 0 {
				t.Errorf("%q: line lost", in)
			}
		}
	}
}

func TestSizeProblemDecimalComma(t *testing.T) {
	got := SizeProblem("monde/gros.md", 5<<20).String()
	if !strings.HasPrefix(got, "monde/gros.md: fichier trop volumineux (5,0 Mo, maximum 2 Mo)") {
		t.Errorf("size problem = %q", got)
	}
}

// TestReadProblemInFrench: a file that cannot be read is explained in
// French, whatever the system said.
func TestReadProblemInFrench(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: "monde/a.md", Err: syscall.EACCES}, "monde/a.md: illisible : permission refusée"},
		{&fs.PathError{Op: "open", Path: "monde/a.md", Err: syscall.ENOENT}, "monde/a.md: illisible : le fichier a disparu pendant la lecture"},
		{&fs.PathError{Op: "read", Path: "monde/a.md", Err: syscall.EIO}, "monde/a.md: illisible : erreur de lecture du disque"},
		{&fs.PathError{Op: "open", Path: "monde/a.md", Err: syscall.ELOOP}, "monde/a.md: illisible : lien symbolique qui boucle"},
		{&fs.PathError{Op: "read", Path: "monde/a.md", Err: syscall.EISDIR}, "monde/a.md: illisible : c'est un dossier"},
		{&fs.PathError{Op: "open", Path: "monde/a.md", Err: errors.New("path escapes from parent")}, "monde/a.md: lien symbolique vers l'extérieur du dossier content"},
		{&fs.PathError{Op: "open", Path: "monde/a.md", Err: syscall.ENOMEM}, "monde/a.md: illisible (erreur du système : "},
	} {
		got := ReadProblem("monde/a.md", tt.err).String()
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("ReadProblem(%v) = %q\nwant prefix %q", tt.err, got, tt.want)
		}
	}
}
