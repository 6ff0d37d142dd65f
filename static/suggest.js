// Suggestions as you type in the search boxes: the ARIA 1.2 combobox
// pattern over a list of article titles that /recherche/suggestions
// returns. Without this script the boxes are plain search forms; with it,
// they still are: Enter without a chosen title submits the form.
"use strict";

(function () {
  var DELAY = 200; // ms of pause in the typing before asking
  var MIN_LENGTH = 2;

  function setUp(input, n) {
    var endpoint = input.getAttribute("data-suggestions");
    var listId = (input.id || "recherche-" + n) + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Articles suggérés");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var items = []; // {title, url}
    var active = -1;
    var timer = 0;
    var pending = null; // AbortController of the request under way
    var asked = ""; // the text the shown items answer

    function announce(text) {
      status.textContent = text;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (items.length === 0) {
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function choose(i) {
      var options = list.children;
      for (var j = 0; j < options.length; j++) {
        options[j].setAttribute("aria-selected", j === i ? "true" : "false");
      }
      active = i;
      if (i < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    }

    function go(i) {
      window.location.assign(items[i].url);
    }

    function show(text, found) {
      asked = text;
      items = found;
      list.textContent = "";
      found.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.title;
        li.addEventListener("click", function () { go(i); });
        list.appendChild(li);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (found.length === 0) {
        close();
        announce("Aucun article suggéré.");
        return;
      }
      open();
      announce(found.length === 1 ? "1 article suggéré, flèche bas pour le choisir."
        : found.length + " articles suggérés, flèches haut et bas pour les parcourir.");
    }

    function ask() {
      var text = input.value;
      if (pending) {
        pending.abort();
        pending = null;
      }
      if (text.trim().length < MIN_LENGTH) {
        items = [];
        asked = "";
        list.textContent = "";
        close();
        return;
      }
      if (text === asked) {
        open();
        return;
      }
      var controller = new AbortController();
      pending = controller;
      fetch(endpoint + "?q=" + encodeURIComponent(text), { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (pending !== controller || !data || !Array.isArray(data.suggestions)) {
            return;
          }
          pending = null;
          if (document.activeElement === input) {
            show(text, data.suggestions.filter(function (s) {
              return typeof s.title === "string" && typeof s.url === "string" && s.url.charAt(0) === "/" && s.url.charAt(1) !== "/";
            }));
          }
        })
        .catch(function () { /* aborted, or offline: the form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });

    input.addEventListener("keydown", function (e) {
      var n = items.length;
      switch (e.key) {
        case "ArrowDown":
          if (n === 0) {
            return;
          }
          e.preventDefault();
          if (list.hidden) {
            open();
            choose(e.altKey ? -1 : 0);
          } else if (!e.altKey) {
            choose((active + 1) % n);
          }
          break;
        case "ArrowUp":
          if (n === 0) {
            return;
          }
          e.preventDefault();
          if (list.hidden) {
            open();
          }
          choose(active <= 0 ? n - 1 : active - 1);
          break;
        case "Enter":
          if (!list.hidden && active >= 0) {
            e.preventDefault();
            go(active);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            e.preventDefault();
            close();
          } else if (input.value !== "") {
            e.preventDefault();
            input.value = "";
            items = [];
            asked = "";
            list.textContent = "";
          }
          break;
        default:
          return;
      }
    });

    // A chosen title is followed, not the form: some keyboards (and
    // automation) send Enter's keypress apart from its keydown.
    function chosen(e) {
      if (!list.hidden && active >= 0) {
        e.preventDefault();
        go(active);
      }
    }
    input.addEventListener("keypress", function (e) {
      if (e.key === "Enter") {
        chosen(e);
      }
    });
    if (input.form) {
      input.form.addEventListener("submit", chosen);
    }

    input.addEventListener("blur", function () {
      clearTimeout(timer);
      close();
    });
    // A click on a title must not take the focus away before it counts.
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
  }

  var inputs = document.querySelectorAll("input[data-suggestions]");
  for (var i = 0; i < inputs.length; i++) {
    if (window.fetch && window.AbortController) {
      setUp(inputs[i], i);
    }
  }
})();
