// Refreshes a broadcast's progress figures every two seconds until every message is settled.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section || section.hasAttribute("data-finished")) return;
  function refresh() {
    fetch(section.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (progress) {
        section.querySelectorAll("[data-field]").forEach(function (element) {
          var value = progress[element.dataset.field];
          if (element.tagName === "PROGRESS") element.value = value; else element.textContent = value;
        });
        if (progress.finished) {
          section.querySelector("[data-state]").textContent = section.dataset.finishedText || "✓";
        } else {
          window.setTimeout(refresh, 2000);
        }
      })
      .catch(function () { window.setTimeout(refresh, 5000); });
  }
  window.setTimeout(refresh, 2000);
})();
