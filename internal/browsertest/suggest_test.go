package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/horizons-expat/site/internal/sitetest"
)

// combobox is what assistive technologies read of a search box with
// suggestions, and what the reader sees of them.
type combobox struct {
	Role, Expanded, Controls, Active, Autocomplete string
	Shown                                          bool // the list is on screen
	Options                                        []string
	Selected                                       []string // options with aria-selected="true"
	Status                                         string   // the live region's announcement
	Value                                          string
}

const comboboxState = `((id) => {
  const input = document.getElementById(id);
  const list = document.getElementById(input.getAttribute('aria-controls') || '');
  const options = list ? [...list.querySelectorAll('[role="option"]')] : [];
  const status = list && list.nextElementSibling;
  const r = list ? list.getBoundingClientRect() : {width: 0, height: 0};
  return {
    role: input.getAttribute('role') || '', expanded: input.getAttribute('aria-expanded') || '',
    controls: input.getAttribute('aria-controls') || '', active: input.getAttribute('aria-activedescendant') || '',
    autocomplete: input.getAttribute('aria-autocomplete') || '',
    shown: !!list && !list.hidden && r.width > 0 && r.height > 0,
    options: options.map(o => o.textContent), selected: options.filter(o => o.getAttribute('aria-selected') === 'true').map(o => o.id),
    status: status && status.getAttribute('role') === 'status' ? status.textContent : '',
    value: input.value,
  };
})`

func (tb *tab) combobox(id string) combobox {
	tb.t.Helper()
	return eval[combobox](tb, comboboxState+`('`+id+`')`)
}

// waitFor polls the page until cond (a JavaScript expression) is true.
func (tb *tab) waitFor(what, cond string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		tb.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// waitForPage waits until the tab shows a page whose URL satisfies ok,
// after a navigation (which a poll in the page would not outlive).
func (tb *tab) waitForPage(what string, ok func(string) bool) {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		loc, err := chromedp.Run(tb.ctx, chromedp.Location())
		if err == nil && ok(loc) {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waiting for %s: the tab shows %s (%v)", what, loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// typeText types text key by key, as a reader does.
func (tb *tab) typeText(text string) {
	tb.t.Helper()
	for _, r := range text {
		tb.press(string(r))
	}
}

// TestSuggestionsKeyboard drives the header's search box with the keyboard
// alone: Tab to it, type the start of a word, the titles appear and are
// announced; arrows move the choice (aria-activedescendant, aria-selected),
// Escape closes the list and keeps the text, Enter opens the chosen
// article. axe-core finds no violation with the list open, and the page
// reports no CSP violation. Without JavaScript the box is a plain form.
func TestSuggestionsKeyboard(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Content: sitetest.Bundled(), Now: bundledNow})
	tb := newTab(t, browser(t))
	for _, v := range []viewport{desktop, phone} {
		t.Run(v.name, func(t *testing.T) {
			tb.t = t
			tb.emulate(v, scheme("light"))
			tb.open(site.URL+"/", 200)
			for i := 0; i < 40 && eval[string](tb, `document.activeElement.id`) != "recherche-q"; i++ {
				tb.press("\t")
			}
			c := tb.combobox("recherche-q")
			if c.Role != "combobox" || c.Expanded != "false" || c.Autocomplete != "list" || c.Controls == "" || c.Shown {
				t.Fatalf("before typing: %+v, want a closed ARIA 1.2 combobox", c)
			}
			tb.typeText("retr")
			tb.waitFor("the suggestions", `document.getElementById('recherche-q').getAttribute('aria-expanded') === 'true'`)
			c = tb.combobox("recherche-q")
			if !c.Shown || len(c.Options) == 0 || len(c.Options) > 8 || c.Active != "" {
				t.Fatalf("after typing « retr »: %+v, want the list shown, nothing chosen yet", c)
			}
			// Titles of the best articles for « retr* »: the best has the
			// word in its title, which weighs most.
			if !strings.Contains(strings.ToLower(c.Options[0]), "retr") {
				t.Errorf("first suggestion %q has no word starting with « retr »", c.Options[0])
			}
			if !strings.Contains(c.Status, "articles suggérés") && !strings.Contains(c.Status, "article suggéré") {
				t.Errorf("announcement %q, want the number of articles suggested", c.Status)
			}
			tb.screenshot("suggestions-" + v.name + "-light")
			for _, a := range tb.axe() {
				t.Errorf("axe-core, suggestions open: %s", a)
			}

			tb.press(kb.ArrowDown)
			c = tb.combobox("recherche-q")
			first := c.Controls + "-0"
			if c.Active != first || len(c.Selected) != 1 || c.Selected[0] != first {
				t.Errorf("ArrowDown: active %q, selected %v; want the first option", c.Active, c.Selected)
			}
			if len(c.Options) > 1 {
				tb.press(kb.ArrowDown)
				if c = tb.combobox("recherche-q"); c.Active != c.Controls+"-1" {
					t.Errorf("second ArrowDown: active %q, want the second option", c.Active)
				}
				tb.press(kb.ArrowUp)
				if c = tb.combobox("recherche-q"); c.Active != first {
					t.Errorf("ArrowUp: active %q, want the first option again", c.Active)
				}
			}
			tb.press(kb.Escape)
			c = tb.combobox("recherche-q")
			if c.Shown || c.Expanded != "false" || c.Active != "" || c.Value != "retr" {
				t.Errorf("Escape: %+v, want the list closed and the text kept", c)
			}
			tb.press(kb.ArrowDown) // opens again, on the first title
			c = tb.combobox("recherche-q")
			if !c.Shown || c.Active != first {
				t.Fatalf("ArrowDown after Escape: %+v, want the list open on the first option", c)
			}
			want := eval[string](tb, `(async () => (await (await fetch('/recherche/suggestions?q=retr')).json()).suggestions[0].url)()`)
			tb.press("\r")
			tb.waitForPage("the chosen article", func(u string) bool { return strings.HasSuffix(u, want) })
			// The address changes before the new page is parsed: wait for
			// its article rather than reading the page being left.
			for deadline := time.Now().Add(10 * time.Second); eval[int](tb, `document.querySelectorAll('main article.article').length`) != 1; {
				if time.Now().After(deadline) {
					t.Fatalf("Enter on the first title led to %s, which is not an article", want)
				}
				time.Sleep(50 * time.Millisecond)
			}
			tb.checkClean("suggestions")
		})
	}

	t.Run("the search page's box", func(t *testing.T) {
		tb.t = t
		tb.emulate(desktop, scheme("dark"))
		tb.open(site.URL+"/recherche", 200)
		if err := chromedp.Do(tb.ctx, chromedp.Focus(chromedp.ID("recherche-page-q"))); err != nil {
			t.Fatal(err)
		}
		tb.typeText("merco")
		tb.waitFor("the suggestions", `document.getElementById('recherche-page-q').getAttribute('aria-expanded') === 'true'`)
		c := tb.combobox("recherche-page-q")
		if len(c.Options) == 0 || !strings.Contains(c.Options[0], "Mercosur") {
			t.Errorf("suggestions for « merco »: %v", c.Options)
		}
		for _, a := range tb.axe() {
			t.Errorf("axe-core, search page, dark, suggestions open: %s", a)
		}
		// Enter with no title chosen submits the form, as without script.
		tb.press(kb.Escape)
		tb.press("\r")
		// The form's menus go with it, as they were (all rubriques, any
		// date, by relevance).
		tb.waitForPage("the results", func(u string) bool { return strings.HasSuffix(u, "/recherche?q=merco&rubrique=&periode=&tri=") })
		tb.checkClean("search page suggestions")
	})

	t.Run("without JavaScript", func(t *testing.T) {
		tb.t = t
		if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		tb.open(site.URL+"/", 200)
		if err := chromedp.Do(tb.ctx, chromedp.Focus(chromedp.ID("recherche-q"))); err != nil {
			t.Fatal(err)
		}
		tb.typeText("retraite")
		tb.press("\r")
		tb.waitForPage("the results", func(u string) bool { return strings.HasSuffix(u, "/recherche?q=retraite") })
		role, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.ID("recherche-page-q"), "role"))
		if err != nil {
			t.Fatal(err)
		}
		if role.Exists {
			t.Errorf("without script the search box has role %q", role.Value)
		}
	})
}
