/* The review page: evidence highlighting, sub-event filtering, autocompletes, actor rows, keys.
   No library; everything degrades to the plain form when this file does not load. */
(function () {
  "use strict";

  var root = document.getElementById("review");
  if (!root) return;
  /* one article's text, or (an incident of several reports) each report's text side by side */
  var pane = root.querySelector(".pane-text");
  var texts = pane ? Array.prototype.slice.call(pane.querySelectorAll(".review-text")) : [];
  var form = document.getElementById("review-form");

  /* ---- evidence: a field (or its fieldset) names the drafted fields it comes from ---- */
  function evidenceOf(el) {
    var holder = el && el.closest ? el.closest("[data-evidence]") : null;
    return holder ? holder.getAttribute("data-evidence").split(/\s+/).filter(Boolean) : [];
  }

  var lit = [];
  function light(fields) {
    lit.forEach(function (m) { m.classList.remove("active"); });
    lit = [];
    var first = [];
    texts.forEach(function (text) {
      var found = 0;
      fields.forEach(function (f) {
        text.querySelectorAll('mark[data-field~="' + CSS.escape(f) + '"]').forEach(function (m) {
          m.classList.add("active");
          lit.push(m);
          if (!found++) first.push(m);
        });
      });
    });
    first.forEach(reveal);
  }

  /* Scroll the boxes around the mark, up to its report's text or the article pane (never the
     window), so the mark is in sight a third of the way down. */
  function reveal(mark) {
    var top = mark.closest(".report-text") || pane;
    if (!top) return;
    for (var box = mark.parentElement; box; box = box.parentElement) {
      if (box.scrollHeight > box.clientHeight + 1) {
        var r = mark.getBoundingClientRect();
        var c = box.getBoundingClientRect();
        if (r.top < c.top || r.bottom > c.bottom) box.scrollTop += r.top - c.top - c.height / 3;
      }
      if (box === top) break;
    }
  }

  /* On load: the incident's first evidence in each text scrolled into view, and flashed, so a long
     article shows where the draft comes from before any field is hovered. */
  texts.forEach(function (text) {
    var mark = text.querySelector("mark.ev");
    if (!mark) return;
    reveal(mark);
    var below = mark.getBoundingClientRect().bottom - window.innerHeight;
    if (below > 0) { /* the pane's foot is below the fold: bring the page up (the pane then sticks) */
      window.scrollBy(0, below + 24);
      reveal(mark);
    }
    mark.classList.add("flash");
    mark.setAttribute("data-flashed", "1");
    mark.addEventListener("animationend", function () { mark.classList.remove("flash"); }, { once: true });
  });
  root.setAttribute("data-evidence-shown", "1");

  root.addEventListener("focusin", function (e) {
    if (!e.target.closest(".pane-form")) return;
    light(evidenceOf(e.target));
  });
  root.addEventListener("mouseover", function (e) {
    if (!e.target.closest(".pane-form")) return;
    var fields = evidenceOf(e.target);
    if (fields.length) light(fields);
  });
  var formPane = root.querySelector(".pane-form");
  if (formPane) {
    formPane.addEventListener("mouseleave", function () {
      light(evidenceOf(document.activeElement)); /* back to the focused field's evidence */
    });
  }

  /* Clicking a mark goes to the field it supports. */
  if (pane && form) {
    pane.addEventListener("click", function (e) {
      var mark = e.target.closest("mark[data-field]");
      if (!mark) return;
      var field = mark.getAttribute("data-field").split(/\s+/)[0];
      var holder = form.querySelector('[data-evidence~="' + CSS.escape(field) + '"]');
      var input = holder && (holder.matches("input, select, textarea") ? holder : holder.querySelector("input, select, textarea"));
      if (input) input.focus();
    });
  }

  if (!form) return; /* readers: no form, nothing more to do */

  /* ---- sub-event types follow the event type ---- */
  var typesNode = document.getElementById("event-types");
  var eventSelect = form.elements.event_type;
  var subSelect = form.elements.sub_event_type;
  if (typesNode && eventSelect && subSelect) {
    var types = JSON.parse(typesNode.textContent);
    var every = Array.prototype.map.call(subSelect.options, function (o) { return [o.value, o.textContent]; });
    var filterSubs = function (keepCurrent) {
      var allowed = types[eventSelect.value] || [];
      var current = subSelect.value;
      var shown = every.filter(function (o) {
        return !o[0] || allowed.indexOf(o[0]) >= 0 || (keepCurrent && o[0] === current) || !eventSelect.value;
      });
      subSelect.replaceChildren.apply(subSelect, shown.map(function (o) { return new Option(o[1], o[0]); }));
      subSelect.value = shown.some(function (o) { return o[0] === current; }) ? current : "";
    };
    filterSubs(true);
    eventSelect.addEventListener("change", function () { filterSubs(false); });
  }

  /* ---- autocompletes: a <datalist> filled from a JSON lookup as the analyst types ---- */
  function autocomplete(url, list, label, choose) {
    var byLabel = new Map();
    var timer = null;
    var pending = null;
    function fetchFor(q) {
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, signal: pending.signal })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          byLabel.clear();
          list.replaceChildren.apply(list, data.results.map(function (item) {
            var text = label(item);
            byLabel.set(text, item);
            return new Option(text, text);
          }));
        })
        .catch(function () { /* aborted or offline: keep what was typed */ });
    }
    return function onInput(input) {
      var item = byLabel.get(input.value);
      if (item) {
        choose(input, item);
        return true;
      }
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length >= 2) timer = setTimeout(function () { fetchFor(q); }, 150);
      return false;
    };
  }

  function setValue(name, value) {
    var el = form.elements[name];
    if (!el) return;
    el.value = value === null || value === undefined ? "" : value;
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  var placeInput = form.elements.location_name;
  var placeList = document.getElementById("place-suggestions");
  if (placeInput && placeList) {
    var onPlace = autocomplete(root.getAttribute("data-places-url"), placeList,
      function (p) {
        var where = p.kind === "admin1" ? [p.country_name] : [p.admin1, p.country_name];
        return p.name + " — " + where.filter(Boolean).join(", ") +
          (p.kind === "admin1" ? " (admin1)" : "") + (p.source === "curated" ? "" : " (GeoNames)");
      },
      function (input, p) {
        input.value = p.name;
        setValue("location", p.location);
        setValue("admin1", p.admin1);
        setValue("latitude", p.latitude);
        setValue("longitude", p.longitude);
        if (p.country && form.elements.country.querySelector('option[value="' + CSS.escape(p.country) + '"]')) {
          setValue("country", p.country);
        }
        if (p.kind === "admin1") setValue("geo_precision", "region");
      });
    var placeNote = document.getElementById("place-note");
    var placeWas = placeInput.value;
    var notePlace = function (picked) {
      if (!placeNote) return;
      var typed = placeInput.value.trim();
      placeNote.hidden = picked || !typed || typed === placeWas.trim();
      placeNote.textContent = "“" + typed + "” was typed, not picked from the suggestions: on saving it is " +
        "linked to the known place of exactly that name in the country, if there is one; otherwise it is " +
        "kept as free text with no coordinates (not on the map).";
    };
    placeInput.addEventListener("input", function () {
      var picked = onPlace(placeInput);
      if (!picked) setValue("location", ""); /* a typed name is no longer the curated place */
      notePlace(picked);
    });
  }

  var actorRows = document.getElementById("actor-rows");
  var actorList = document.getElementById("actor-suggestions");
  if (actorRows && actorList) {
    var onActor = autocomplete(root.getAttribute("data-actors-url"), actorList,
      function (a) { return a.name; },
      function (input, a) { input.value = a.name; });
    actorRows.addEventListener("input", function (e) {
      if (e.target.name && /-actor$/.test(e.target.name)) onActor(e.target);
    });
    actorRows.addEventListener("change", function (e) {
      if (e.target.name && /-role$/.test(e.target.name)) {
        e.target.closest(".actor-row").setAttribute("data-evidence", e.target.value);
        light([e.target.value]);
      }
    });
  }

  /* ---- actor rows: add one from the formset's empty form ---- */
  var addActor = document.getElementById("add-actor");
  var template = document.getElementById("actor-row-template");
  var total = form.elements["actors-TOTAL_FORMS"];
  if (addActor && template && total && actorRows) {
    addActor.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      actorRows.appendChild(row);
      total.value = String(index + 1);
      row.querySelector("input").focus();
    });
  }

  /* ---- mark duplicate: pick a candidate, Enter in the id field submits ---- */
  var dupInput = document.getElementById("duplicate-of");
  var dupButton = document.getElementById("duplicate-button");
  form.addEventListener("click", function (e) {
    var pick = e.target.closest("[data-duplicate-id]");
    if (pick && dupInput) {
      dupInput.value = pick.getAttribute("data-duplicate-id");
      dupInput.focus();
    }
  });
  if (dupInput && dupButton) {
    dupInput.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        dupButton.click();
      }
    });
  }

  /* ---- reject and merge ask first (a <dialog>: Enter confirms, Escape cancels) ---- */
  var dialog = document.getElementById("confirm-dialog");
  var confirmed = null;
  var asking = null; /* the button whose action the open dialog asks about */
  if (dialog && dialog.showModal) {
    form.addEventListener("submit", function (e) {
      var button = e.submitter;
      var ask = button && button.getAttribute("data-confirm");
      if (!ask || confirmed === button) return;
      if (button.id === "duplicate-button" && !(dupInput && dupInput.value.trim())) return; /* the server says what is missing */
      e.preventDefault();
      document.getElementById("confirm-text").textContent = ask.replace("{id}", dupInput ? dupInput.value.trim().replace(/^#/, "") : "");
      dialog.returnValue = "";
      asking = button;
      dialog.showModal();
      document.getElementById("confirm-yes").focus();
    });
    /* One listener for every ask. "close" is fired as a task after the dialog shuts: a quick Escape
       then "r" can bring the last ask's close while the new ask is open; it is ignored. */
    dialog.addEventListener("close", function () {
      if (dialog.open) return;
      var button = asking;
      asking = null;
      if (!button || dialog.returnValue !== "yes") return;
      confirmed = button;
      form.requestSubmit(button);
    });
  }

  /* ---- keyboard shortcuts ---- */
  function typing(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    if (el.tagName !== "INPUT") return false;
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(el.type) < 0;
  }
  function press(id) {
    var button = document.getElementById(id);
    if (button) button.click();
  }
  function follow(id) {
    var link = document.getElementById(id);
    if (link) window.location.assign(link.href);
  }
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.isComposing || (dialog && dialog.open)) return;
    var save = (e.key === "Enter" && (e.ctrlKey || e.metaKey)) || (e.altKey && !e.ctrlKey && e.code === "KeyS");
    if (save) {
      e.preventDefault();
      press("save-button");
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    var moves = {
      a: function () { press("approve-button"); },
      r: function () { press("reject-button"); },
      d: function () {
        if (!dupInput) return;
        dupInput.scrollIntoView({ block: "center" });
        dupInput.focus();
      },
      u: function () { press(document.getElementById("reject-undo-button") ? "reject-undo-button" : "undo-button"); },
      j: function () { follow("next-draft"); },
      k: function () { follow("previous-draft"); },
    };
    if (Object.prototype.hasOwnProperty.call(moves, e.key)) {
      e.preventDefault();
      moves[e.key]();
    }
  });
})();
