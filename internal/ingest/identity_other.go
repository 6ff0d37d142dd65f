//go:build !unix

package ingest

import "io/fs"

// fileIDOf knows no file identity on this system: a file renamed and
// broken within one pass is then a deletion and a new broken file.
func fileIDOf(fs.FileInfo) (fileID, bool) { return fileID{}, false }
