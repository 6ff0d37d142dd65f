package content

import (
	"strings"
	"time"
)

var siteKeys = map[string]bool{
	"title": true, "tagline": true, "description": true, "base_url": true,
	"language": true, "timezone": true,
}

// DefaultTimeZone is the zone of dates written without one.
const DefaultTimeZone = "Europe/Paris"

// ParseSite parses site.yaml. On errors the returned Site still has usable
// defaults, so that a server can start and say what is wrong.
func ParseSite(filePath string, src []byte) (Site, []Problem) {
	s := Site{Title: "Site", Language: "fr", TimeZone: DefaultTimeZone, BaseURL: "http://127.0.0.1:8080"}
	s.Location, _ = time.LoadLocation(DefaultTimeZone)
	if pr := checkSource(filePath, src); pr != nil {
		return s, []Problem{*pr}
	}
	fm, problems := decodeFrontMatter(filePath, src, 1, siteKeys)
	if HasErrors(problems) {
		return s, problems
	}
	if v, _ := fm.scalar("title", &problems); v != "" {
		s.Title = v
	} else {
		problems = append(problems, problemf(filePath, 1, "le nom du site (title) est obligatoire"))
	}
	s.Tagline, _ = fm.scalar("tagline", &problems)
	s.Description, _ = fm.scalar("description", &problems)
	s.Tagline, s.Description = French(s.Tagline), French(s.Description)
	if v, line := fm.scalar("base_url", &problems); v != "" {
		if validBaseURL(v) {
			s.BaseURL = strings.TrimSuffix(v, "/")
		} else {
			problems = append(problems, problemf(filePath, line, "base_url « %s » invalide : écrivez une adresse complète comme https://exemple.fr", v))
		}
	}
	if v, _ := fm.scalar("language", &problems); v != "" {
		s.Language = v
	}
	if v, line := fm.scalar("timezone", &problems); v != "" {
		loc, err := time.LoadLocation(v)
		if err != nil {
			problems = append(problems, problemf(filePath, line, "fuseau horaire « %s » inconnu : écrivez par exemple Europe/Paris", v))
		} else {
			s.TimeZone, s.Location = v, loc
		}
	}
	return s, problems
}
