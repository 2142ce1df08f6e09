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

// Behaviours declared by data attributes, so that no page needs an inline script or handler
// (the Content-Security-Policy allows scripts from Daicho's own files only).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) { event.target.form.submit(); }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && el.tagName !== "FORM" && !window.confirm(el.dataset.confirm)) { event.preventDefault(); }
  var back = event.target.closest("[data-history-back]");
  if (back) { event.preventDefault(); window.history.back(); }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (form.matches("[data-copy-name]")) { form.name.value = form.view_name.value; }
  var busy = form.querySelector("button[data-busy]");
  if (busy) { busy.disabled = true; busy.textContent = busy.dataset.busy; }
});

// A field shown only for some choices of another: data-show-when="kind=installations" (the
// import form's device field, for inventories).
function syncShownWhen(root) {
  root.querySelectorAll("[data-show-when]").forEach(function (el) {
    var rule = el.dataset.showWhen.split("="), form = el.closest("form");
    var field = form && form.elements[rule[0]];
    el.hidden = Boolean(field) && rule[1].split(",").indexOf(field.value) < 0;
  });
}
document.addEventListener("change", function (event) {
  if (event.target.form) { syncShownWhen(event.target.form); }
});
document.addEventListener("DOMContentLoaded", function () { syncShownWhen(document); });

// Searchable pickers (core/widgets.py): the search box shows only with JavaScript; choosing a
// match selects it in the select below (which is what the form sends and validates).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-picker-search]").forEach(function (box) { box.hidden = false; });
});
document.addEventListener("click", function (event) {
  var choice = event.target.closest("[data-picker-value]");
  if (!choice) { return; }
  var picker = choice.closest("[data-picker]"), select = picker.querySelector("select");
  var option = Array.prototype.find.call(select.options, function (o) {
    return o.value === choice.dataset.pickerValue;
  });
  if (!option) { return; }
  if (picker.hasAttribute("data-picker-multiple")) { option.selected = true; }
  else { select.value = option.value; }
  select.dispatchEvent(new Event("change", { bubbles: true }));
  var box = picker.querySelector("[data-picker-search]");
  box.value = picker.hasAttribute("data-picker-multiple") ? "" : choice.textContent;
  picker.querySelector(".picker-matches").innerHTML = "";
  box.focus();
});
