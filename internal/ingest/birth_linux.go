package ingest

import (
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

// bornBefore reports whether the file name of fsys was created before t,
// from its birth time (statx; ext4, XFS and Btrfs keep it). False when the
// file system does not say.
func bornBefore(fsys fs.FS, name string, t time.Time) bool {
	f, err := fsys.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fd, ok := f.(interface{ Fd() uintptr })
	if !ok {
		return false // not a file of the OS (the bundled content)
	}
	var st unix.Statx_t
	if err := unix.Statx(int(fd.Fd()), "", unix.AT_EMPTY_PATH, unix.STATX_BTIME, &st); err != nil || st.Mask&unix.STATX_BTIME == 0 {
		return false
	}
	return time.Unix(st.Btime.Sec, int64(st.Btime.Nsec)).Before(t)
}
