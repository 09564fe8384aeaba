// A posting's page (templates/jobs/posting_detail.html) and a booking (templates/transport/my_bookings.html):
// 分享 through the phone's share sheet where the browser has one, else the link copied with a word of feedback; and
// 朗读, shown only where the browser can speak. Every word shown comes from the page (translated there).
(function () {
  "use strict";

  function copyLink(url, input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(url);
    }
    // Plain http on a county intranet has no clipboard API: select the link and ask the browser to copy it.
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll(".share").forEach(function (share) {
    var button = share.querySelector(".share__button");
    var feedback = share.querySelector(".share__feedback");
    var input = share.querySelector("input");
    var url = share.dataset.shareUrl;
    button.addEventListener("click", function () {
      if (navigator.share) {
        navigator.share({ title: share.dataset.shareTitle, url: url }).catch(function () {});
        return;
      }
      copyLink(url, input).then(
        function () { feedback.textContent = share.dataset.copied; },
        function () { feedback.textContent = share.dataset.copyFailed; input.select(); }
      );
    });
  });

  if (!("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") {
    return;
  }
  document.querySelectorAll("[data-speak]").forEach(function (button) {
    var label = button.textContent;
    button.closest(".speak").hidden = false;
    button.addEventListener("click", function () {
      if (window.speechSynthesis.speaking) {
        window.speechSynthesis.cancel();
        button.textContent = label;
        return;
      }
      var utterance = new SpeechSynthesisUtterance(button.dataset.speak);
      utterance.lang = "zh-CN";
      utterance.rate = 0.9;
      utterance.onend = function () { button.textContent = label; };
      button.textContent = button.dataset.stopLabel;
      window.speechSynthesis.speak(utterance);
    });
  });
})();
