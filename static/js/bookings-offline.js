// The bookings page keeps working with no signal (bookings-offline-worker.js); offline, it says so and when the
// copy shown was made: "离线显示，最后更新 07:12" (the words come from the page, translated there).
(function () {
  "use strict";
  var note = document.querySelector("[data-offline-note]");
  if (!note) {
    return;
  }
  function show() {
    note.hidden = navigator.onLine;
  }
  show();
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(note.dataset.worker, { scope: note.dataset.scope }).catch(function () {});
  }
})();
