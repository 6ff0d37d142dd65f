// Package migrations holds the SQL schema of the site's database, embedded
// in the binary and applied in order when the store opens.
package migrations

import "embed"

// FS holds the numbered migration files.
//
//go:embed *.sql
var FS embed.FS
