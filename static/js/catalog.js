// Customer form: municipality picker (server search through htmx) and DIAN acquirer prefill.
(function () {
  "use strict";

  function pick(picker, button) {
    picker.querySelector("[data-picker-value]").value = button.dataset.id;
    const input = picker.querySelector("[data-picker-input]");
    input.value = button.dataset.label;
    input.setAttribute("aria-expanded", "false");
    picker.querySelector("[data-picker-results]").innerHTML = "";
    input.focus();
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-picker-results] [data-id]");
    if (button) pick(button.closest("[data-municipality-picker]"), button);
  });

  document.addEventListener("input", function (event) {
    const input = event.target.closest("[data-picker-input]");
    if (!input) return;
    // Typing invalidates the previous choice until a row is picked again.
    input.closest("[data-municipality-picker]").querySelector("[data-picker-value]").value = "";
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    const results = event.target.closest("[data-picker-results]");
    if (!results) return;
    const input = results.parentElement.querySelector("[data-picker-input]");
    input.setAttribute("aria-expanded", results.children.length ? "true" : "false");
  });

  document.body.addEventListener("acquirer-found", function (event) {
    const form = document.querySelector("[data-acquirer-button]").closest("form");
    // The server sends local ids: the suggested legal organization and "Persona Jurídica".
    const legal = form.querySelector("[name=legal_organization]");
    if (!legal.value && event.detail.legal_organization) legal.value = String(event.detail.legal_organization);
    const target = legal.value === String(event.detail.legal_entity) ? "company" : "names";
    form.querySelector("[name=" + target + "]").value = event.detail.name || "";
    if (event.detail.email) form.querySelector("[name=email]").value = event.detail.email;
    // The number as it is stored (900.123.456-7 -> 900123456) and, for a NIT, its DV.
    if (event.detail.identification) form.querySelector("[name=identification]").value = event.detail.identification;
    if (event.detail.dv !== null && event.detail.dv !== undefined) form.querySelector("[name=dv]").value = String(event.detail.dv);
  });
})();
