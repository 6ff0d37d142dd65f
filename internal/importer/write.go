package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ManifestFile remembers, in the content folder, the hash of every file an
// import wrote. A hidden file: the site ignores it. A file whose bytes
// still have that hash was not touched since, and a new import may update
// it; any other existing file is an editor's, and stays as it is.
const ManifestFile = ".import-manifest.json"

// Report is what an import did, for the person who ran it.
type Report struct {
	counts map[string]int
	order  []string
	Issues []string // "title (id): what and why"
	// Imported counts the articles and pages now in the content folder
	// from this import, written or already there.
	Imported int
}

func newReport() *Report { return &Report{counts: map[string]int{}} }

// Count adds n to the count of kind.
func (r *Report) Count(kind string, n int) {
	if _, ok := r.counts[kind]; !ok {
		r.order = append(r.order, kind)
	}
	r.counts[kind] += n
}

// Counted returns the count of kind.
func (r *Report) Counted(kind string) int { return r.counts[kind] }

// Issue notes an item not converted cleanly.
func (r *Report) Issue(title, id, format string, args ...any) {
	label := title
	if id != "" {
		label += " (" + id + ")"
	}
	r.Issues = append(r.Issues, label+" : "+fmt.Sprintf(format, args...))
}

// WriteTo prints the report: the counts, then every issue.
func (r *Report) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString("Bilan de l'importation\n")
	for _, k := range r.order {
		fmt.Fprintf(&b, "  %-40s %d\n", k, r.counts[k])
	}
	if len(r.Issues) > 0 {
		fmt.Fprintf(&b, "\nÉléments à revoir (%d)\n", len(r.Issues))
		for _, is := range r.Issues {
			b.WriteString("  " + is + "\n")
		}
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// folder is where an import writes: the content folder on disk, or a map
// in the fuzz test (which would otherwise spend its time in the file
// system rather than in the reader and the converter).
type folder interface {
	// readFile returns the file at rel (slash-separated); fs.ErrNotExist
	// when there is none.
	readFile(rel string) ([]byte, error)
	// writeFile replaces the file at rel whole, creating its folders.
	writeFile(rel string, data []byte) error
	// where names rel for messages.
	where(rel string) string
}

// diskFolder is a content folder on disk.
type diskFolder string

func (d diskFolder) where(rel string) string {
	return filepath.Join(string(d), filepath.FromSlash(rel))
}

func (d diskFolder) readFile(rel string) ([]byte, error) { return os.ReadFile(d.where(rel)) }

func (d diskFolder) writeFile(rel string, data []byte) error {
	full := d.where(rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return fmt.Errorf("create folder for %s: %w", rel, err)
	}
	// Written whole then renamed: the server watching the folder never
	// reads half a file.
	tmp := full + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", full, err)
	}
	if err := os.Rename(tmp, full); err != nil {
		return fmt.Errorf("write %s: %w", full, err)
	}
	return nil
}

// writer writes files into the content folder under the manifest's rules.
type writer struct {
	dir      folder
	manifest map[string]string // slash path → hash of what was written
	report   *Report
}

func openWriter(dir folder, report *Report) (*writer, error) {
	w := &writer{dir: dir, manifest: map[string]string{}, report: report}
	b, err := dir.readFile(ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return w, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m struct {
		Files map[string]string `json:"files"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", dir.where(ManifestFile), err)
	}
	if m.Files != nil {
		w.manifest = m.Files
	}
	return w, nil
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// outcome is what write did with a file.
type outcome int

const (
	written outcome = iota
	updated
	unchanged
	kept    // an editor's file, left alone
	foreign // a file no import wrote, left alone
)

// keptMessage says why a file was left alone, "" when it was not.
func keptMessage(res outcome, rel string) string {
	switch res {
	case kept:
		return rel + " modifié depuis la dernière importation : gardé tel quel"
	case foreign:
		return rel + " existe déjà et ne vient pas d'une importation : gardé tel quel"
	}
	return ""
}

// write puts data at rel (slash-separated, in the content folder), unless
// an editor changed the file there since the last import.
func (w *writer) write(rel string, data []byte) (outcome, error) {
	want := hashOf(data)
	cur, err := w.dir.readFile(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return 0, fmt.Errorf("read %s: %w", w.dir.where(rel), err)
	default:
		have := hashOf(cur)
		if have == want {
			w.manifest[rel] = want
			w.report.Count("fichiers déjà à jour", 1)
			return unchanged, nil
		}
		if w.manifest[rel] != have {
			w.report.Count("fichiers gardés (modifiés depuis)", 1)
			if _, ours := w.manifest[rel]; !ours {
				return foreign, nil
			}
			return kept, nil
		}
	}
	if err := w.dir.writeFile(rel, data); err != nil {
		return 0, err
	}
	w.manifest[rel] = want
	if cur != nil {
		w.report.Count("fichiers mis à jour", 1)
		return updated, nil
	}
	w.report.Count("fichiers écrits", 1)
	return written, nil
}

// exists reports whether rel is a file of the content folder.
func (w *writer) exists(rel string) bool {
	_, err := w.dir.readFile(rel)
	return err == nil
}

// save writes the manifest, keys sorted so that it changes only with it.
func (w *writer) save() error {
	keys := make([]string, 0, len(w.manifest))
	for k := range w.manifest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{\n  \"files\": {")
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		fmt.Fprintf(&b, "\n    %s: %q", kj, w.manifest[k])
	}
	b.WriteString("\n  }\n}\n")
	if cur, err := w.dir.readFile(ManifestFile); err == nil && string(cur) == b.String() {
		return nil
	}
	if err := w.dir.writeFile(ManifestFile, []byte(b.String())); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}
