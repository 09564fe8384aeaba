// Small behaviours that used to be inline handlers, declared in the markup by data attributes instead, so that
// the Content-Security-Policy can forbid inline script (docs/security.md).
//   <select data-submit-on-change>   submits its form as soon as a choice is made (a <noscript> button stays)
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-submit-on-change]") && field.form) {
      field.form.submit();
    }
  });
})();
