package sitetest

import (
	"strings"
	"sync"
)

// lockedWriter lets the server's goroutines log into one buffer that the
// test reads.
type lockedWriter struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
