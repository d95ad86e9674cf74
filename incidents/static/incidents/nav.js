/* The header's count of "possible same event" pairs, fetched after the page (it costs the page
   itself no query); the queue page updates it in place after each decision. */
(function () {
  "use strict";
  var count = document.getElementById("possible-duplicate-count");
  var url = count && count.getAttribute("data-count-url");
  if (!url) return;
  fetch(url, { headers: { Accept: "text/plain" }, credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.text() : ""; })
    .then(function (text) {
      var now = document.getElementById("possible-duplicate-count");
      if (now && text.trim() && !now.textContent.trim()) now.textContent = text.trim();
    })
    .catch(function () { /* offline: no count shown */ });
})();
