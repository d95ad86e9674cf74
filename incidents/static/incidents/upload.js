// The upload page's drop zone: files dropped on it become the file input's selection,
// and the chosen files are listed by name, so the analyst sees what one submit will send.
(function () {
  "use strict";
  const zone = document.getElementById("dropzone");
  const input = zone && zone.querySelector("input[type=file]");
  const list = document.getElementById("chosen-files");
  if (!input || !list) return;

  function showChosen() {
    list.replaceChildren(
      ...Array.from(input.files, function (file) {
        const item = document.createElement("li");
        item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
        return item;
      })
    );
  }

  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showChosen();
    }
  });
  input.addEventListener("change", showChosen);
  zone.dataset.ready = "true";
})();
