// Package content embeds the bundled articles, so that the binary can serve
// them where no content folder was deployed beside it.
package content

import "embed"

// FS holds site.yaml and every rubrique folder.
//
//go:embed site.yaml */*.md
var FS embed.FS
