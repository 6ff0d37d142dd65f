package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
)

func TestPagesStatusAndLanguage(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tests := []struct {
		name, path string
		status     int
		contains   string
	}{
		{"home", "/", http.StatusOK, "Nouvelle numéro 14"},
		{"category page 1", "/monde", http.StatusOK, "Nouvelle numéro 14"},
		{"category page 2", "/monde/page/2", http.StatusOK, "Nouvelle numéro 02"},
		{"past the last page", "/monde/page/3", http.StatusNotFound, "Page introuvable"},
		{"page 1 spelled out", "/monde/page/1", http.StatusNotFound, "Page introuvable"},
		{"article", "/pratique/retraite", http.StatusOK, "Préparer sa retraite à l&#39;étranger"},
		{"tag", "/tags/retraite", http.StatusOK, "Préparer sa retraite"},
		{"draft hidden", "/pratique/brouillon", http.StatusNotFound, "Page introuvable"},
		{"scheduled hidden", "/pratique/programme", http.StatusNotFound, "Page introuvable"},
		{"unknown", "/nulle-part", http.StatusNotFound, "Page introuvable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := site.Get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, resp.StatusCode, tt.status)
			}
			if !strings.Contains(resp.Body, `<html lang="fr">`) {
				t.Errorf("GET %s: page is not lang=fr", tt.path)
			}
			if !strings.Contains(resp.Body, tt.contains) {
				t.Errorf("GET %s: body lacks %q", tt.path, tt.contains)
			}
		})
	}
}
