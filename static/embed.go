// Package static holds the site's stylesheet and images, embedded in the
// binary and served under fingerprinted URLs.
package static

import "embed"

// FS holds the static files.
//
//go:embed *.css *.svg
var FS embed.FS
