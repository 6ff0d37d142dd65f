package bench

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Hugo is what a newsroom would pick instead: the cold start of the site
// is measured against Hugo building the same content folder into HTML,
// with templates as small as Hugo allows for the same pages (an article, a
// rubrique's paginated list, the tags), so that Hugo's figure is its floor.
var hugoFiles = map[string]string{
	// paginate is the key of Hugo 0.111 (Debian's); later versions read it
	// still, with a warning.
	"hugo.toml": `baseURL = "http://example.invalid/"
languageCode = "fr"
title = "Horizons"
paginate = 12
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
tag = "tags"
`,
	"layouts/_default/single.html": `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p><time>{{ .Date.Format "2006-01-02" }}</time>
<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul>{{ .Content }}</body></html>
`,
	"layouts/_default/list.html":  hugoList,
	"layouts/_default/terms.html": hugoList,
}

const hugoList = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}<ul>{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>
{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">suivante</a>{{ end }}</body></html>
`

// hugo builds the corpus with Hugo and returns how long it took and how
// many HTML pages it wrote.
func (b *bench) hugo(ctx context.Context) (time.Duration, int, error) {
	bin, err := exec.LookPath("hugo")
	if err != nil {
		return 0, 0, fmt.Errorf("hugo not found (make bench installs Debian's hugo): %w", err)
	}
	dir := filepath.Join(b.dir, "hugo")
	for name, text := range hugoFiles {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return 0, 0, err
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return 0, 0, err
		}
	}
	public := filepath.Join(dir, "public")
	start := time.Now()
	out, err := exec.CommandContext(ctx, bin, "--quiet", "-s", dir, "--contentDir", b.content, "-d", public).CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("hugo: %w\n%s", err, out)
	}
	pages := 0
	err = filepath.WalkDir(public, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(path, ".html") {
			pages++
		}
		return err
	})
	return d, pages, err
}
