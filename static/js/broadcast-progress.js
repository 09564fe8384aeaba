// Refreshes a broadcast's progress figures while it moves: every two seconds while it is prepared and sent, once at
// the end of the quiet hours while everything left waits for them, never again once it is finished. The server
// says when (refresh_seconds), so the page does not poll all night.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section || !section.dataset.refreshSeconds) return;
  function schedule(seconds) {
    if (seconds) window.setTimeout(refresh, seconds * 1000);
  }
  function refresh() {
    fetch(section.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (progress) {
        section.querySelectorAll("[data-field]").forEach(function (element) {
          var value = progress[element.dataset.field];
          if (element.tagName === "PROGRESS") element.value = value; else element.textContent = value;
        });
        schedule(progress.refresh_seconds);
      })
      .catch(function () { schedule(5); });
  }
  schedule(Number(section.dataset.refreshSeconds));
})();
