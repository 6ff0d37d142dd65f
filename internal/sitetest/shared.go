package sitetest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Shared returns the path of rel in the shared/ folder that lies beside the
// repository (as CI lays it), or beside the main checkout when the tests
// run in a git worktree. It skips the test when the file is not there:
// shared/ holds outside data that the project may not copy.
func Shared(t testing.TB, rel string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	candidates := []string{filepath.Join(root, "..", "shared")}
	if b, err := os.ReadFile(filepath.Join(root, ".git")); err == nil {
		// A worktree's .git file names the main repository's .git/worktrees/NAME.
		if gitdir, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir: "); ok {
			main := filepath.Dir(filepath.Dir(filepath.Dir(gitdir)))
			candidates = append(candidates, filepath.Join(main, "..", "shared"))
		}
	}
	for _, c := range candidates {
		p := filepath.Join(c, filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("shared/%s is not beside the repository", rel)
	return ""
}
