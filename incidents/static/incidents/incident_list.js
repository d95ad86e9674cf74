/* The incident list's row selection: "select all on this page" and the selected count.
   Listeners sit on the document, so they keep working after htmx swaps the results. */
(function () {
  "use strict";

  function refresh(form) {
    var boxes = form.querySelectorAll("input[name=ids]");
    var checked = form.querySelectorAll("input[name=ids]:checked").length;
    var count = form.querySelector("#selected-count");
    if (count) count.textContent = checked ? checked + " selected" : "None selected";
    var all = form.querySelector("#select-all");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    form.querySelectorAll(".bulk-actions button").forEach(function (button) {
      button.disabled = checked === 0;
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    var form = box.closest ? box.closest("#bulk-form") : null;
    if (!form) return;
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
