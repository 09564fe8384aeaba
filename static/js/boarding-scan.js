// Scans the booking's QR code with the phone's camera through the browser's own BarcodeDetector (no library, no
// network) and submits the code. Without it the dispatcher types the booking code or the phone number.
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var button = document.getElementById("scan-button");
  var video = document.getElementById("scan-video");
  var form = document.getElementById("boarding-form");
  var input = form.querySelector("input[name=query]");
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            input.value = codes[0].rawValue;
            form.submit();
          } else {
            window.requestAnimationFrame(look);
          }
        }).catch(function () { window.requestAnimationFrame(look); });
      };
      look();
    });
  });
})();
