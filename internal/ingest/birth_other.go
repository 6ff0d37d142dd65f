//go:build !linux

package ingest

import (
	"io/fs"
	"time"
)

// birth cannot tell a file's birth time on this system.
func birth(fs.FS, string) (uint64, time.Time, bool) { return 0, time.Time{}, false }

// fileClock is the time, compared with file times.
func fileClock() time.Time { return time.Now() }
