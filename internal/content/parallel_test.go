package content

import (
	"fmt"
	"reflect"
	"runtime"
	"testing"
)

// TestArticlesMatchesArticle holds the parallel parse to the sequential
// one: same article, same problems, in the order of the sources, for good
// files, files with warnings and files that do not parse, on one worker
// and on several.
func TestArticlesMatchesArticle(t *testing.T) {
	var srcs []File
	for i := range 40 {
		var src []byte
		switch i % 4 {
		case 0:
			src = article(validFM+"tags: [Santé, visa]\n", fmt.Sprintf("Paragraphe %d : « bien » !\n\n## Titre %d\n\nSuite.", i, i))
		case 1:
			src = article("title: Titre\n", "Sans date.") // an error
		case 2:
			src = []byte("pas d'en-tête")
		case 3:
			src = article(validFM, "![](/media/absente.jpg)\n\nTexte.") // a warning
		}
		srcs = append(srcs, File{Path: fmt.Sprintf("monde/a%02d.md", i), Src: src})
	}
	p := NewParser()
	want := make([]Parsed, len(srcs))
	for i, s := range srcs {
		want[i].Article, want[i].Problems = p.Article(s.Path, s.Src, paris)
	}
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			got := p.Articles(srcs, paris)
			if len(got) != len(want) {
				t.Fatalf("got %d results, want %d", len(got), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("%s: parallel parse differs:\n got %+v\nwant %+v", srcs[i].Path, got[i], want[i])
				}
			}
		})
	}
	if got := p.Articles(nil, paris); len(got) != 0 {
		t.Errorf("no sources: got %d results", len(got))
	}
}
