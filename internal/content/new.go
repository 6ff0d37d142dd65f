package content

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CreateArticle writes a new draft article titled title into the category
// folder of the content folder dir, dated now in the site's time zone, and
// returns its path. It refuses an unknown category and never overwrites a
// file.
func CreateArticle(dir, category, title string, now time.Time) (string, error) {
	title = strings.TrimSpace(title)
	slug := Slugify(title)
	if slug == "" {
		return "", errors.New("le titre doit contenir au moins une lettre ou un chiffre")
	}
	if _, err := os.Stat(filepath.Join(dir, category, CategoryFile)); err != nil || !IsSlug(category) {
		return "", fmt.Errorf("rubrique « %s » inconnue ; %s", category, knownCategories(dir))
	}
	loc := time.UTC
	if src, err := os.ReadFile(filepath.Join(dir, SiteFile)); err == nil {
		site, _ := ParseSite(SiteFile, src)
		loc = site.Location
	}
	path := filepath.Join(dir, category, slug+".md")
	body := fmt.Sprintf("---\ntitle: %s\ndate: %s\nsummary: \ntags: []\ndraft: true\n---\n\nÉcrivez ici le texte de l'article.\n",
		yamlQuote(title), now.In(loc).Format("2006-01-02 15:04"))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("%s existe déjà : choisissez un autre titre ou modifiez ce fichier", path)
	}
	if err != nil {
		return "", fmt.Errorf("création de %s : %w", path, err)
	}
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		return "", fmt.Errorf("écriture de %s : %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("écriture de %s : %w", path, err)
	}
	return path, nil
}

// yamlQuote writes s as a YAML double-quoted string.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// knownCategories lists the category folders of dir, for error messages.
func knownCategories(dir string) string {
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), CategoryFile)); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return "aucune rubrique trouvée dans " + dir
	}
	return "rubriques existantes : " + strings.Join(names, ", ")
}
