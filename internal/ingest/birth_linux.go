package ingest

import (
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

// birth returns the inode and the birth time of the file name of fsys
// (statx; ext4, XFS, Btrfs and tmpfs keep it), and false when the file
// system does not say.
func birth(fsys fs.FS, name string) (ino uint64, born time.Time, ok bool) {
	f, err := fsys.Open(name)
	if err != nil {
		return 0, time.Time{}, false
	}
	defer f.Close()
	fd, ok := f.(interface{ Fd() uintptr })
	if !ok {
		return 0, time.Time{}, false // not a file of the OS (the bundled content)
	}
	var st unix.Statx_t
	if err := unix.Statx(int(fd.Fd()), "", unix.AT_EMPTY_PATH, unix.STATX_BTIME|unix.STATX_INO, &st); err != nil || st.Mask&unix.STATX_BTIME == 0 {
		return 0, time.Time{}, false
	}
	return st.Ino, time.Unix(st.Btime.Sec, int64(st.Btime.Nsec)), true
}

// fileClock is the time by the clock that Linux stamps file times with,
// which lags the precise one by up to a tick (1 to 10 ms): a file created
// after fileClock() returned never has an earlier birth time, as one
// created after time.Now() may.
func fileClock() time.Time {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_REALTIME_COARSE, &ts); err != nil {
		return time.Now()
	}
	return time.Unix(ts.Unix())
}
