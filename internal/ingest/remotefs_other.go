//go:build !linux

package ingest

// remoteFS cannot tell network file systems apart on this system; the
// operator can still ask for polling with -force-poll.
func remoteFS(string) (string, bool) { return "", false }
