// Refreshes a broadcast's progress figures while it moves: every two seconds while it is prepared and sent, once at
// the end of the quiet hours while everything left waits for them, never again once it is finished. The server
// says when (refresh_seconds), so the page does not poll all night. The failure reasons (with the resend button) and
// the people the carrier did not reach are drawn by the server: a broadcast that finishes with failures or receipts
// the page was drawn without is drawn again, once.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section || !section.dataset.refreshSeconds) return;
  function shown(field) {
    var element = section.querySelector('[data-field="' + field + '"]');
    return element ? Number(element.textContent) : 0;
  }
  var drawnWith = { failed: shown("failed"), undelivered: shown("undelivered") };
  function schedule(seconds) {
    if (seconds) window.setTimeout(refresh, seconds * 1000);
  }
  function refresh() {
    fetch(section.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (progress) {
        if (!progress.refresh_seconds &&
            (progress.failed !== drawnWith.failed || progress.undelivered !== drawnWith.undelivered)) {
          window.location.reload();
          return;
        }
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
