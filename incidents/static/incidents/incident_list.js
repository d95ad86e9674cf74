/* The incident list's row selection: "select all on this page", "select all matching this filter"
   (the action then goes to every match, posted as the filter) and the selected count.
   Listeners sit on the document, so they keep working after htmx swaps the results. */
(function () {
  "use strict";

  function refresh(form) {
    var boxes = form.querySelectorAll("input[name=ids]");
    var checked = form.querySelectorAll("input[name=ids]:checked").length;
    var matching = form.querySelector("#select-matching");
    var allMatching = Boolean(matching && matching.checked);
    var count = form.querySelector("#selected-count");
    if (count) count.textContent = allMatching ? "All matching selected" : checked ? checked + " selected" : "None selected";
    var all = form.querySelector("#select-all");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    form.querySelectorAll(".bulk-actions button").forEach(function (button) {
      button.disabled = checked === 0 && !allMatching;
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    var form = box.closest ? box.closest("#bulk-form") : null;
    if (!form) return;
    if (box.id === "select-matching" || (box.name === "ids" && !box.checked)) {
      var matching = form.querySelector("#select-matching");
      if (box.id === "select-matching") {
        form.querySelectorAll("input[name=ids]").forEach(function (row) { row.checked = box.checked; });
      } else if (matching) {
        matching.checked = false; // unticking a row means these rows only
      }
    }
    if (box.id === "select-all") {
      form.querySelectorAll("input[name=ids]").forEach(function (row) { row.checked = box.checked; });
    }
    refresh(form);
  });

  function refreshAll() {
    var form = document.getElementById("bulk-form");
    if (form) refresh(form);
  }
  document.addEventListener("DOMContentLoaded", refreshAll);
  document.addEventListener("htmx:afterSettle", refreshAll);
  if (document.readyState !== "loading") refreshAll();
})();
