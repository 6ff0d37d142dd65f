package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PreviewKeyFile is the file, beside the database, that holds the secret
// of preview links when none is configured: created at first start, it
// keeps links valid across restarts, and `site check -preview` reads it.
const PreviewKeyFile = "preview.key"

// minSecret is the shortest configured secret accepted: preview links are
// only as unguessable as it is.
const minSecret = 16

// PreviewSecret returns the secret of preview links: given, when it is not
// empty, or else the one kept in dataDir, created there when missing. With
// create false a missing file is fs.ErrNotExist.
func PreviewSecret(given, dataDir string, create bool) ([]byte, error) {
	if given != "" {
		if len(given) < minSecret {
			return nil, fmt.Errorf("preview secret: at least %d characters", minSecret)
		}
		return []byte(given), nil
	}
	p := filepath.Join(dataDir, PreviewKeyFile)
	b, err := os.ReadFile(p)
	if err == nil {
		secret := strings.TrimSpace(string(b))
		if len(secret) < minSecret {
			return nil, fmt.Errorf("preview secret %s: shorter than %d characters", p, minSecret)
		}
		return []byte(secret), nil
	}
	if !errors.Is(err, fs.ErrNotExist) || !create {
		return nil, fmt.Errorf("preview secret: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("preview secret: %w", err)
	}
	secret := hex.EncodeToString(raw)
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("preview secret: %w", err)
	}
	// O_EXCL: of two processes starting at once, one writes the file and
	// the other reads it.
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return PreviewSecret("", dataDir, false)
	}
	if err != nil {
		return nil, fmt.Errorf("preview secret: %w", err)
	}
	_, err = f.WriteString(secret + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("preview secret: %w", err)
	}
	return []byte(secret), nil
}
