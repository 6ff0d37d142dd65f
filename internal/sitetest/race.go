//go:build race

package sitetest

// Race reports whether the tests were built with the race detector. Under
// it the pure-Go SQLite runs about sixty times slower, so the tests that
// compare whole rankings or crawl a large corpus check a sample there;
// `make test` runs them again at full size without the detector.
const Race = true
