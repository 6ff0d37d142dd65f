package ingest

import (
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

// birthTime returns when the file name of fsys was created (statx; ext4,
// XFS, Btrfs and tmpfs keep it), and false when the file system does not say.
func birthTime(fsys fs.FS, name string) (time.Time, bool) {
	f, err := fsys.Open(name)
	if err != nil {
		return time.Time{}, false
	}
	defer f.Close()
	fd, ok := f.(interface{ Fd() uintptr })
	if !ok {
		return time.Time{}, false // not a file of the OS (the bundled content)
	}
	var st unix.Statx_t
	if err := unix.Statx(int(fd.Fd()), "", unix.AT_EMPTY_PATH, unix.STATX_BTIME, &st); err != nil || st.Mask&unix.STATX_BTIME == 0 {
		return time.Time{}, false
	}
	return time.Unix(st.Btime.Sec, int64(st.Btime.Nsec)), true
}
