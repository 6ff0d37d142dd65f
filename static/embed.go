// Package static holds the site's stylesheet, images and its one script
// (the search suggestions), embedded in the binary and served under
// fingerprinted URLs.
package static

import "embed"

// The PNG images are drawn from the logo's shapes.
//go:generate go run ../internal/tools/shareimage -dir .

// FS holds the static files.
//
//go:embed *.css *.svg *.png *.js
var FS embed.FS
