// The boarding page at the bus door. Each scan is posted in the background and the page's result, count and lists
// are replaced from the answer, so the camera stays on and a USB or Bluetooth scanner (which types the code and
// presses Enter) can go on scanning: the code field gets the focus back after every typed scan.
// The camera reads QR codes with the browser's own BarcodeDetector where it knows QR codes, and with jsQR
// (static/vendor/jsqr/, from npm) elsewhere: iOS Safari, WeChat on iOS, desktop Chrome on Windows and Linux.
// Without this script the form still posts and the page reloads with the answer.
(function () {
  "use strict";
  var form = document.getElementById("boarding-form");
  if (!form || !window.fetch || !window.DOMParser) return;
  var input = form.querySelector("input[name=query]");
  var button = document.getElementById("scan-button");
  var video = document.getElementById("scan-video");
  var note = document.getElementById("scan-note");
  var startLabel = button.textContent;
  var busy = false;
  var stream = null;

  function say(text) {
    note.textContent = text || "";
    note.hidden = !text;
  }

  function replaceLiveRegions(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    document.querySelectorAll("[data-live]").forEach(function (region) {
      var replacement = fresh.getElementById(region.id);
      if (replacement) region.innerHTML = replacement.innerHTML;
    });
  }

  function submitScan() {
    if (busy) return Promise.resolve();
    if (!input.value.trim()) {
      input.focus();
      return Promise.resolve();
    }
    busy = true;
    return fetch(window.location.href, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        // Signed out meanwhile: the answer is the sign-in page, which the dispatcher has to see.
        if (response.redirected) {
          window.location.assign(response.url);
          return null;
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        replaceLiveRegions(html);
        say("");
        input.value = "";
      })
      .catch(function () { say(note.dataset.failed); })
      .then(function () {
        busy = false;
        // With the camera on, the phone's keyboard would cover the picture: the focus goes back for typed scans.
        if (!stream) input.focus();
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitScan();
  });

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  button.hidden = false;

  function nativeReader() {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    return function () {
      return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
    };
  }

  function jsqrReader() {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return function () {
      if (video.readyState < 2 || !video.videoWidth) return Promise.resolve(null);
      // A QR code on a phone screen is read as well at 640 px, at a quarter of the work on a 1280 px camera.
      var scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return Promise.resolve(found && found.data ? found.data : null);
    };
  }

  function chooseReader() {
    // Chrome on Linux and Windows has BarcodeDetector but no QR format in it.
    if (!("BarcodeDetector" in window) || !window.BarcodeDetector.getSupportedFormats) {
      return Promise.resolve(jsqrReader());
    }
    return window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) { return formats.indexOf("qr_code") >= 0 ? nativeReader() : jsqrReader(); })
      .catch(jsqrReader);
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    video.srcObject = null;
    button.textContent = startLabel;
  }

  function watch(read) {
    var last = "";
    var lastAt = 0;
    var look = function () {
      if (!stream) return;
      read()
        .then(function (code) {
          var now = Date.now();
          // The same code stays in front of the camera for a while: one scan, not one every 150 ms.
          if (!code || busy || (code === last && now - lastAt < 10000)) return null;
          last = code;
          lastAt = now;
          input.value = code;
          return submitScan();
        })
        .catch(function () { return null; })
        .then(function () { window.setTimeout(look, 150); });
    };
    look();
  }

  button.addEventListener("click", function () {
    if (stream) {
      stop();
      input.focus();
      return;
    }
    Promise.all([chooseReader(), navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })])
      .then(function (results) {
        stream = results[1];
        video.srcObject = stream;
        video.hidden = false;
        button.textContent = button.dataset.stopLabel;
        say("");
        return video.play().then(function () { watch(results[0]); });
      })
      .catch(function () {
        stop();
        say(note.dataset.denied);
      });
  });
})();
