package web

// Key names for the tests outside the package, which check that pages
// carry them.
const (
	KeySite   = keySite
	KeySearch = keySearch
)
