/* The "possible same event" queue: j/k move between pairs, y confirms (merge), n rejects.
   After htmx swaps the queue, the pair now at the decided one's place takes the focus. */
(function () {
  "use strict";

  var index = 0;

  function pairs() {
    return Array.prototype.slice.call(document.querySelectorAll("#pairs .pair"));
  }

  function focusAt(i) {
    var all = pairs();
    if (!all.length) return;
    index = Math.max(0, Math.min(i, all.length - 1));
    all.forEach(function (p, n) { p.classList.toggle("current", n === index); });
    all[index].focus();
    all[index].scrollIntoView({ block: "nearest" });
  }

  function typing(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    return el.tagName === "INPUT" && ["checkbox", "radio", "button", "submit", "reset", "hidden"].indexOf(el.type) < 0;
  }

  function decide(which) {
    var pair = pairs()[index];
    var button = pair && pair.querySelector(which === "y" ? "button.same" : "button.not-same");
    if (button) button.click();
  }

  document.addEventListener("focusin", function (e) {
    var pair = e.target.closest && e.target.closest("#pairs .pair");
    if (!pair) return;
    var at = pairs().indexOf(pair);
    if (at >= 0 && at !== index) {
      index = at;
      pairs().forEach(function (p, n) { p.classList.toggle("current", n === index); });
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.isComposing || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    var keys = {
      j: function () { focusAt(index + 1); },
      k: function () { focusAt(index - 1); },
      y: function () { decide("y"); },
      n: function () { decide("n"); },
    };
    if (Object.prototype.hasOwnProperty.call(keys, e.key)) {
      e.preventDefault();
      keys[e.key]();
    }
  });

  /* the queue swapped after a decision (not the header's count loading) */
  document.body.addEventListener("htmx:afterSettle", function (e) {
    if (e.target && e.target.id === "possible-duplicate-count") return;
    if (document.getElementById("pairs")) focusAt(index);
  });

  if (document.getElementById("pairs")) focusAt(0);
})();
