//go:build unix

package images

import (
	"io/fs"
	"syscall"
)

// inode tells apart two files of the same size and time (one renamed over
// the other); 0 where the file system gives none.
func inode(st fs.FileInfo) uint64 {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Ino)
	}
	return 0
}
