package content

import (
	"runtime"
	"sync"
	"time"
)

// File is a content file's path (slash-separated, relative to content/)
// and bytes.
type File struct {
	Path string
	Src  []byte
}

// Parsed is an article file as Article returns it.
type Parsed struct {
	Article  Article
	Problems []Problem
}

// Articles parses the article files as Article does, on as many
// goroutines as the program may run at once: a first start over thousands
// of files is bound by Markdown rendering, and each file is parsed alone.
// Result i is files[i]'s, whatever the order the files were parsed in.
func (p *Parser) Articles(files []File, loc *time.Location) []Parsed {
	out := make([]Parsed, len(files))
	workers := min(runtime.GOMAXPROCS(0), len(files))
	if workers <= 1 {
		for i, f := range files {
			out[i].Article, out[i].Problems = p.Article(f.Path, f.Src, loc)
		}
		return out
	}
	// Files are handed out one by one, not in fixed slices: their sizes
	// differ by orders of magnitude, and one large file must not leave
	// the other workers idle at the end.
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				out[i].Article, out[i].Problems = p.Article(files[i].Path, files[i].Src, loc)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}
