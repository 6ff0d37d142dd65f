package templates

import (
	"os/exec"
	"testing"
)

// TestGeneratedFilesAreFresh fails when a .templ file was changed without
// running `go tool templ generate` (make generate): the committed
// *_templ.go files are what the site runs.
func TestGeneratedFilesAreFresh(t *testing.T) {
	// From the module root, so that the file names written into the
	// generated code ("templates/article.templ") are the committed ones.
	cmd := exec.Command("go", "tool", "templ", "generate", "-check")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("generated templ files are stale: run `make generate` and commit the *_templ.go files\n%s\n%v", out, err)
	}
}
