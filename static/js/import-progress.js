// Moves an import's progress bar every two seconds and reloads the page, which then shows the result, once the
// task has finished.
(function () {
  "use strict";
  var section = document.querySelector("[data-import-progress]");
  if (!section) return;
  function poll() {
    fetch(section.dataset.importProgress, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (progress) {
        if (progress.finished) {
          window.location.reload();
          return;
        }
        section.querySelectorAll("[data-field]").forEach(function (element) {
          var value = progress[element.dataset.field];
          if (element.tagName === "PROGRESS") element.value = value; else element.textContent = value;
        });
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
