package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/horizons-expat/site/internal/content"
)

// FileRecord is what the store remembers of one content file: enough to tell
// whether it changed, and what was last found wrong in it.
type FileRecord struct {
	Path     string
	Hash     string
	Size     int64
	ModTime  int64 // Unix nanoseconds
	Problems []content.Problem
}

// Files returns the record of every content file, by path.
func (s *Store) Files(ctx context.Context) (map[string]FileRecord, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT path, hash, size, mtime_ns, problems FROM files`)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	defer rows.Close()
	out := map[string]FileRecord{}
	for rows.Next() {
		var f FileRecord
		var problems string
		if err := rows.Scan(&f.Path, &f.Hash, &f.Size, &f.ModTime, &problems); err != nil {
			return nil, fmt.Errorf("scan file: %w", err)
		}
		if err := json.Unmarshal([]byte(problems), &f.Problems); err != nil {
			return nil, fmt.Errorf("problems of %s: %w", f.Path, err)
		}
		out[f.Path] = f
	}
	return out, rows.Err()
}
