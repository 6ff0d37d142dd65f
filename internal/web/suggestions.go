package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/horizons-expat/site/internal/search"
	"github.com/horizons-expat/site/internal/store"
)

// suggestionsPath answers the search box's script as the reader types.
const suggestionsPath = searchPath + "/suggestions"

// maxSuggestions is how many titles the search box offers.
const maxSuggestions = 8

// minPrefix is the shortest last word taken as the start of a word: one
// letter starts most words of the index, which costs to score and
// suggests nothing useful.
const minPrefix = 2

// suggestion is one title offered, and where it leads.
type suggestion struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// suggestions answers /recherche/suggestions?q=… with the titles of the
// best articles for what the reader has typed so far, in JSON: the last
// word as the start of a word (unless a space follows it) in the titles,
// or in the text when no title has it, the complete words corrected when
// they find nothing, as on the results page. Like
// every page it is cached, and rate-limited like searches. Whatever q
// holds, it answers 200.
func (s *Server) suggestions(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	rq.key(keySearch)
	raw := queryParam(r.URL.RawQuery, "q")
	q := suggestionQuery(raw)
	out := struct {
		Query       string       `json:"q"`
		Suggestions []suggestion `json:"suggestions"`
	}{Query: q.Text, Suggestions: []suggestion{}}
	if !q.Empty() {
		// Titles that hold the word being typed first; else the text.
		titles := q.TitlePrefix()
		found, err := s.store.Suggest(ctx, rq.view, store.SearchRequest{Query: titles, Limit: maxSuggestions})
		if err == nil && len(found) == 0 && titles.Terms[len(titles.Terms)-1].InTitle {
			found, err = s.store.Suggest(ctx, rq.view, store.SearchRequest{Query: q, Limit: maxSuggestions})
		}
		if err != nil {
			return err
		}
		for _, a := range found {
			out.Suggestions = append(out.Suggestions, suggestion{Title: a.Title, URL: a.URL})
		}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode suggestions: %w", err)
	}
	s.send(w, r, rq.response("application/json; charset=utf-8", body))
	return nil
}

// suggestionQuery reads what a reader has typed so far: its last word, if
// nothing follows it and it has minPrefix letters or more, is the start
// of a word.
func suggestionQuery(raw string) search.Query {
	text := search.Clean(raw)
	if text == "" || strings.HasSuffix(strings.TrimRight(raw, "\x00"), " ") {
		return search.Parse(text)
	}
	last := text[strings.LastIndexByte(text, ' ')+1:]
	if strings.HasSuffix(last, "*") || strings.HasSuffix(last, `"`) || utf8.RuneCountInString(last) < minPrefix ||
		strings.Count(text, `"`)%2 == 1 {
		return search.Parse(text)
	}
	return search.Parse(text + "*")
}
