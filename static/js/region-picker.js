// Cascading region selects: choosing one level loads the next from /api/v1/regions/?parent=<code>.
// Without this script the form still works (see core/regions/fields.py); with it nobody has to submit twice.
(function () {
  "use strict";

  function fill(select, regions, placeholder) {
    select.innerHTML = "";
    var empty = document.createElement("option");
    empty.value = "";
    empty.textContent = placeholder;
    select.appendChild(empty);
    regions.forEach(function (region) {
      var option = document.createElement("option");
      option.value = region.code;
      option.textContent = region.name;
      select.appendChild(option);
    });
    select.disabled = regions.length === 0;
  }

  function bind(picker) {
    var selects = Array.prototype.slice.call(picker.querySelectorAll("select[data-level]"));
    var placeholders = selects.map(function (select) { return select.options[0].textContent; });
    selects.forEach(function (select, index) {
      select.addEventListener("change", function () {
        var below = selects.slice(index + 1);
        below.forEach(function (other, offset) { fill(other, [], placeholders[index + 1 + offset]); });
        if (!select.value || below.length === 0) { return; }
        var next = below[0];
        next.setAttribute("aria-busy", "true");
        fetch(picker.dataset.childrenUrl + "?parent=" + encodeURIComponent(select.value), {
          headers: { Accept: "application/json" }
        })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (regions) { fill(next, regions, placeholders[index + 1]); })
          .catch(function () { fill(next, [], placeholders[index + 1]); })
          .finally(function () { next.removeAttribute("aria-busy"); });
      });
    });
  }

  document.querySelectorAll(".region-picker").forEach(bind);
})();
