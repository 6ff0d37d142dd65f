package content

import (
	"reflect"
	"strings"
	"testing"
)

func TestSources(t *testing.T) {
	tests := []struct {
		name     string
		fm       string
		want     []Source
		problems []string // prefixes, in order
	}{
		{"none", "", nil, nil},
		{"blank", "sources:\n", nil, nil},
		{"Markdown links and pairs",
			"sources:\n  - \"[Cleiss](https://www.cleiss.fr/)\"\n  - {title: \"Légifrance : code\", url: \"https://www.legifrance.gouv.fr/\"}\n  - title: RFI\n    url: https://www.rfi.fr/fr/\n",
			[]Source{{"Cleiss", "https://www.cleiss.fr/"}, {"Légifrance" + nb + ": code", "https://www.legifrance.gouv.fr/"}, {"RFI", "https://www.rfi.fr/fr/"}}, nil},
		{"not a list", "sources: https://www.cleiss.fr/\n", nil,
			[]string{"monde/a.md:4: avertissement : « sources » doit être une liste"}},
		{"bare address", "sources:\n  - https://www.cleiss.fr/\n", nil,
			[]string{"monde/a.md:5: avertissement : source ignorée : écrivez un lien Markdown"}},
		{"relative address", "sources:\n  - \"[Nous](/a-propos)\"\n  - \"[Cleiss](https://www.cleiss.fr/)\"\n",
			[]Source{{"Cleiss", "https://www.cleiss.fr/"}},
			[]string{"monde/a.md:5: avertissement : source ignorée : adresse « /a-propos » invalide"}},
		{"javascript address", "sources:\n  - {title: X, url: \"javascript:alert(1)\"}\n", nil,
			[]string{"monde/a.md:5: avertissement : source ignorée : adresse « javascript:alert(1) » invalide"}},
		{"no title", "sources:\n  - {url: \"https://www.cleiss.fr/\"}\n", nil,
			[]string{"monde/a.md:5: avertissement : source ignorée : titre manquant"}},
		{"unknown key", "sources:\n  - {titre: X, url: \"https://www.cleiss.fr/\"}\n", nil,
			[]string{"monde/a.md:5: avertissement : source ignorée : clé « titre » inconnue"}},
		{"twice", "sources:\n  - \"[A](https://a.fr/)\"\n  - \"[B](https://a.fr/)\"\n", []Source{{"A", "https://a.fr/"}},
			[]string{"monde/a.md:6: avertissement : source https://a.fr/ donnée deux fois"}},
	}
	prs := NewParser()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, problems := prs.Article("monde/a.md", article(validFM+tt.fm, "Texte.\n"), paris)
			if !reflect.DeepEqual(a.Sources, tt.want) {
				t.Errorf("sources = %q, want %q", a.Sources, tt.want)
			}
			got := problemStrings(problems)
			if len(got) != len(tt.problems) {
				t.Fatalf("problems = %q, want %q", got, tt.problems)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.problems[i]) {
					t.Errorf("problem %d = %q, want prefix %q", i, got[i], tt.problems[i])
				}
			}
		})
	}
}

func TestCaptionAndCreditAccepted(t *testing.T) {
	a, problems := NewParser().Article("monde/a.md", article(validFM+"image_caption: \"La frise : 2021-2024\"\nimage_credit: Horizons\n", "Texte.\n"), paris)
	if len(problems) != 0 {
		t.Fatalf("problems: %q", problemStrings(problems))
	}
	if a.ImageCaption != "La frise"+nb+": 2021-2024" || a.ImageCredit != "Horizons" {
		t.Errorf("caption %q, credit %q", a.ImageCaption, a.ImageCredit)
	}
}

func TestFrontMatterTypography(t *testing.T) {
	a, _ := NewParser().Article("monde/a.md", article("title: \"Impôts : ce qu'il faut savoir\"\ndate: 2024-11-13\nsummary: \"Le \\\"taux minimum\\\"...\"\n", "Texte.\n"), paris)
	if want := "Impôts" + nb + ": ce qu’il faut savoir"; a.Title != want {
		t.Errorf("title %q, want %q", a.Title, want)
	}
	if want := "Le «" + nb + "taux minimum" + nb + "»…"; a.Summary != want {
		t.Errorf("summary %q, want %q", a.Summary, want)
	}
}

func TestCategoryAndSiteTypography(t *testing.T) {
	c, problems := NewParser().Category("monde/_index.md", []byte("---\ntitle: \"L'Europe : le point\"\ndescription: \"Ce qu'il faut savoir...\"\n---\n"))
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	if c.Title != "L’Europe"+nb+": le point" || c.Description != "Ce qu’il faut savoir…" {
		t.Errorf("category title %q, description %q", c.Title, c.Description)
	}
	s, _ := ParseSite(SiteFile, []byte("title: Horizons\ntagline: \"L'actualité des Français de l'étranger\"\n"))
	if s.Tagline != "L’actualité des Français de l’étranger" {
		t.Errorf("tagline %q", s.Tagline)
	}
}
