// The audit queue: a header checkbox and a "select all" link that tick every record on the page.
// Without JavaScript the link reloads the page with every box ticked, so nothing depends on this.
(function () {
  function boxes(form) {
    return form ? form.querySelectorAll("input[type=checkbox][name=ids]") : [];
  }
  function reveal() {
    document.querySelectorAll("[data-check-all]").forEach(function (box) { box.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSwap", reveal);
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-check-all]")) { return; }
    boxes(box.form).forEach(function (item) { item.checked = box.checked; });
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-select-all]");
    if (!link) { return; }
    var form = document.getElementById(link.dataset.selectAll);
    if (!form) { return; }
    event.preventDefault();
    boxes(form).forEach(function (item) { item.checked = true; });
    var header = form.querySelector("[data-check-all]");
    if (header) { header.checked = true; }
  });
})();
