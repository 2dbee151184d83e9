// "Add a row" buttons of Django formsets: htmx fetches a blank row for the next
// index; this keeps the formset's TOTAL_FORMS count in step with the rows.
(function () {
  "use strict";
  function total(prefix) {
    return document.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
  }
  document.body.addEventListener("htmx:configRequest", function (event) {
    const prefix = event.detail.elt.dataset.formset;
    if (prefix && total(prefix)) event.detail.parameters.index = total(prefix).value;
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    const prefix = event.detail.elt.dataset.formset;
    if (!prefix || !event.detail.successful || !total(prefix)) return;
    const input = total(prefix);
    input.value = String(parseInt(input.value, 10) + 1);
    const rows = document.getElementById(prefix + "-rows");
    const field = rows && rows.lastElementChild && rows.lastElementChild.querySelector("textarea, select, input:not([type=hidden])");
    if (field) field.focus();
  });
})();
