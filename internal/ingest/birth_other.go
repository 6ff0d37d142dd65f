//go:build !linux

package ingest

import (
	"io/fs"
	"time"
)

// birthTime cannot tell a file's birth time on this system.
func birthTime(fs.FS, string) (time.Time, bool) { return time.Time{}, false }
