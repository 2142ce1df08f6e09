// Small behaviours of the list pages: select all rows, and show how many are selected.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches("input[data-select-all]")) {
    document.querySelectorAll("input[name='pk']").forEach(function (b) { b.checked = box.checked; });
  }
  if (box.matches("input[name='pk'], input[data-select-all]")) {
    var n = document.querySelectorAll("input[name='pk']:checked").length;
    document.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = n; });
    document.querySelectorAll("[data-needs-selection]").forEach(function (el) { el.disabled = n === 0; });
  }
});
