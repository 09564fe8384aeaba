// A long multiple select (a trip's postings) gets a search box above it: typing part of a posting's or an
// employer's name hides the options that do not match. Chosen options always stay in view.
(function () {
  "use strict";
  document.querySelectorAll("select[data-option-filter]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "option-filter";
    box.placeholder = select.dataset.optionFilter;
    box.setAttribute("aria-label", select.dataset.optionFilter);
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = !option.selected && words !== "" && option.textContent.toLowerCase().indexOf(words) < 0;
      });
    });
  });
})();
