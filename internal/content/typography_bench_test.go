package content

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// newParserWithoutTypography is NewParser's dialect without frenchTypography.
func newParserWithoutTypography() *Parser {
	return &Parser{md: goldmark.New(
		goldmark.WithExtensions(extension.GFM), // front matter is split off before goldmark
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)}
}

// BenchmarkArticleTypography parses the longest bundled article with the
// site's parser and with the same parser without the French typography
// pass, to show what the pass costs per article.
func BenchmarkArticleTypography(b *testing.B) {
	const file = "vie-pratique/retraite-partir-travailler-a-l-etranger.md"
	src, err := os.ReadFile(filepath.Join("..", "..", "content", file))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		prs  *Parser
	}{{"with", NewParser()}, {"without", newParserWithoutTypography()}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, problems := c.prs.Article(file, src, paris); HasErrors(problems) {
					b.Fatal(problems)
				}
			}
		})
	}
}
