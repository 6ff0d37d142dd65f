package sitetest

import (
	"slices"
	"syscall"
	"time"
)

// CPUTime is the processor time the process used so far, user and system:
// on a shared machine it tells the work done apart from the time waited.
// It is zero when the system does not say.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Percentile returns the p-th quantile of ds (p from 0 to 1), in
// milliseconds, without reordering ds. ds must not be empty.
func Percentile(ds []time.Duration, p float64) float64 {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return float64(ds[int(p*float64(len(ds)-1))]) / float64(time.Millisecond)
}
