// Package content embeds the bundled articles, so that the binary can serve
// them where no content folder was deployed beside it.
package content

import "embed"

// FS holds site.yaml, every rubrique folder and the pictures in media/,
// so that the embedded site shows its covers too.
//
//go:embed site.yaml */*.md media
var FS embed.FS
