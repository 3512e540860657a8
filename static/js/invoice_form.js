// Invoice form: item rows from a <template>, customer/product search-selects, credit due date,
// and a guard against sending the form twice. Totals are computed on the server (htmx: the
// hx-trigger of #invoice-totals listens to every input marked data-totals); "Emitir" waits until
// the figures on screen are those of the lines typed.
(function () {
  "use strict";

  const form = document.getElementById("invoice-form");
  if (!form) return;

  const PREFIX = form.dataset.itemPrefix || "items";
  const rows = form.querySelector("[data-item-rows]");
  const template = document.getElementById("item-template");
  const total = form.querySelector(`[name="${PREFIX}-TOTAL_FORMS"]`);
  const indexed = new RegExp(`${PREFIX}-(\\d+|__prefix__)-`, "g");
  const ATTRS = ["id", "name", "for", "aria-controls", "aria-describedby", "aria-labelledby"];
  const MAX_ITEMS = Number(form.dataset.maxItems) || 200;

  function changed() {
    document.body.dispatchEvent(new CustomEvent("items-changed", { bubbles: true }));
  }

  // ---- item rows ---------------------------------------------------------------------------
  function renumber() {
    const all = rows.querySelectorAll(".item-row");
    all.forEach((row, i) => {
      row.dataset.prefix = `${PREFIX}-${i}`;
      row.querySelectorAll("*").forEach((el) => {
        ATTRS.forEach((attr) => {
          const value = el.getAttribute(attr);
          if (value && value.includes(`${PREFIX}-`)) {
            el.setAttribute(attr, value.replace(indexed, `${PREFIX}-${i}-`));
          }
        });
      });
      row.id = `${PREFIX}-${i}-row`;
      row.querySelectorAll(".line-no").forEach((el) => { el.textContent = String(i + 1); });
      const remove = row.querySelector("[data-action='remove-item']");
      if (remove) remove.disabled = all.length === 1;
    });
    total.value = String(all.length);
    const add = form.querySelector("[data-action='add-item']");
    if (add) add.disabled = all.length >= MAX_ITEMS;
  }

  function addItem() {
    if (rows.querySelectorAll(".item-row").length >= MAX_ITEMS) {
      notice(`Una factura admite como máximo ${MAX_ITEMS} ítems.`);
      return;
    }
    const fragment = template.content.cloneNode(true);
    rows.appendChild(fragment);
    renumber();
    const added = rows.querySelector(".item-row:last-of-type");
    const search = added.querySelector("[data-picker='product']");
    if (search) search.focus();
    if (window.htmx) window.htmx.process(added);
    changed();
  }

  function removeItem(button) {
    const row = button.closest(".item-row");
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    const focusTarget = next && next.querySelector("[data-picker='product']");
    (focusTarget || form.querySelector("[data-action='add-item']")).focus();
    changed();
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    if (button.dataset.action === "add-item") { event.preventDefault(); addItem(); }
    if (button.dataset.action === "remove-item") { event.preventDefault(); removeItem(button); }
  });

  // ---- search-selects (customer, product): static/js/picker.js -----------------------------
  // "45000.50" (JSON) -> "45.000,50": what the es-CO parser reads back as the same number.
  function esCO(value) {
    const text = value == null ? "" : String(value);
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) return text;
    const integer = match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return match[1] + integer + (match[3] ? "," + match[3] : "");
  }

  const describe = window.Picker.describe;
  describe.product = (p) => `${p.code_reference} · ${p.name} · $ ${esCO(p.price)}`;

  function setField(row, name, value) {
    const input = row.querySelector(`[name$="-${name}"]`);
    if (!input) return;
    if (input.type === "checkbox") input.checked = Boolean(value);
    else if (input.tagName === "SELECT" && value != null &&
             !input.querySelector(`option[value="${CSS.escape(String(value))}"]`)) {
      input.add(new Option(String(value), String(value)));
      input.value = String(value);
    } else input.value = value == null ? "" : String(value);
  }

  function fillProduct(row, p) {
    setField(row, "product", p.id);
    setField(row, "code_reference", p.code_reference);
    setField(row, "name", p.name);
    setField(row, "price", esCO(p.price));
    setField(row, "tax_rate", esCO(p.tax_rate));
    setField(row, "is_excluded", p.is_excluded);
    const unit = row.querySelector('[name$="-unit"]');
    if (unit && p.unit_id != null && !unit.querySelector(`option[value="${p.unit_id}"]`)) {
      unit.add(new Option(p.unit || String(p.unit_id), String(p.unit_id)));
    }
    setField(row, "unit", p.unit_id);
    setField(row, "standard_code", p.standard_code_id);
    setField(row, "tribute", p.tribute_id);
    const rates = {};
    (p.withholdings || []).forEach((w) => { rates[w.code] = esCO(w.rate); });
    ["05", "06", "07"].forEach((code) => setField(row, `withholding_${code}`, rates[code] || ""));
    row.querySelector("[name$='-quantity']").focus();
  }

  function fillCustomer(picker, c) {
    const hidden = picker.querySelector("input[type='hidden']");
    hidden.value = c.id;
    const info = picker.querySelector("[data-customer-info]");
    if (info) info.textContent = [c.identification_document, c.email, c.municipality].filter(Boolean).join(" · ");
    changed();
  }

  window.Picker.attach(form, {
    input(input) {
      if (input.dataset.picker === "customer") {
        input.closest("[data-customer-picker]").querySelector("input[type='hidden']").value = "";
      }
    },
    choose(input, item) {
      if (input.dataset.picker === "customer") {
        input.value = describe.customer(item);
        fillCustomer(input.closest("[data-customer-picker]"), item);
      } else {
        input.value = "";
        input.placeholder = `${item.code_reference} · ${item.name}`;
        fillProduct(input.closest(".item-row"), item);
        changed();
      }
    },
  });

  // ---- header rules shown in the browser (the server checks them again) ---------------------
  const paymentForm = form.querySelector("[name='payment_form']");
  const dueDate = form.querySelector("[data-due-date]");
  function toggleDueDate() {
    if (!paymentForm || !dueDate) return;
    const credit = paymentForm.value === "2";
    dueDate.hidden = !credit;
    dueDate.querySelector("input").required = credit;
  }
  if (paymentForm) paymentForm.addEventListener("change", toggleDueDate);
  toggleDueDate();

  form.addEventListener("change", (event) => {
    if (event.target.matches("[name$='-is_excluded']") && event.target.checked) {
      const tax = event.target.closest(".item-row").querySelector("[name$='-tax_rate']");
      if (tax) tax.value = "0";
    }
  });

  // ---- what you see is what is billed ------------------------------------------------------
  // Every change that moves the totals bumps `changes`; a totals answer records the count it was
  // asked for. "Emitir" with figures older than the last change asks for them now: when they did
  // not move it goes on, otherwise it stops and says so (the server checks the same again).
  const totalsBox = document.getElementById("invoice-totals");
  const noticeBox = document.getElementById("totals-notice");
  let changes = 0;
  let shown = 0;
  let emitirWaiting = false;  // "Emitir" is waiting for current figures (a second click waits too)
  let inflight = null;

  function notice(text) {
    if (!noticeBox) return;
    noticeBox.textContent = text;
    noticeBox.hidden = !text;
  }
  function figures() {
    const input = form.querySelector("[name='shown_figures']");
    return input ? input.value : "";
  }
  function bump(event) {
    if (event.type === "items-changed" || event.target.hasAttribute("data-totals")) {
      changes += 1;
      notice("");
    }
  }
  form.addEventListener("input", bump);
  form.addEventListener("change", bump);
  document.body.addEventListener("items-changed", bump);
  if (totalsBox) {
    totalsBox.addEventListener("htmx:beforeRequest", (event) => {
      event.detail.xhr.changes = changes;
      // Any request that starts while "Emitir" waits answers it: a debounced "change" of the field
      // the click blurred may replace the one "Emitir" asked for (hx-sync replace).
      event.detail.xhr.askedByEmitir = emitirWaiting;
      inflight = event.detail.xhr;
    });
    // hx-sync replace aborts the request in flight: its end is not a failure, the newer one answers.
    // (This listener runs before htmx's own on <body>, which aborts.)
    totalsBox.addEventListener("htmx:abort", () => { if (inflight) inflight.replaced = true; });
    totalsBox.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.xhr && event.detail.xhr.changes != null) shown = event.detail.xhr.changes;
    });
  }

  function issueWhenCurrent(submitter) {
    const before = figures();
    function settle(event) {
      const xhr = event.detail.xhr;
      // Only a request "Emitir" waits for; one that was replaced (hx-sync) ends aborted, and ignored.
      if (!xhr || !xhr.askedByEmitir || xhr.replaced) return;
      totalsBox.removeEventListener("htmx:afterRequest", settle);
      emitirWaiting = false;
      if (xhr.changes === changes && !event.detail.successful) {
        notice("No se pudieron actualizar los totales; pulse «Emitir» de nuevo.");
      } else if (xhr.changes === changes && figures() === before) {
        form.requestSubmit(submitter);
      } else {  // other figures, or typed again meanwhile (that request was replaced)
        notice("Los totales cambiaron mientras escribía; revíselos y pulse «Emitir» de nuevo.");
      }
    }
    totalsBox.addEventListener("htmx:afterRequest", settle);
    emitirWaiting = true;
    window.htmx.trigger(totalsBox, "totals-now");
  }

  // ---- send once ----------------------------------------------------------------------------
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending === "1" || emitirWaiting) { event.preventDefault(); return; }
    const submitter = event.submitter;
    if (submitter && submitter.value === "issue" && shown !== changes && totalsBox && window.htmx) {
      event.preventDefault();
      issueWhenCurrent(submitter);
      return;
    }
    form.dataset.sending = "1";
    // Disable after the browser has collected the form data, so the clicked button is still sent.
    setTimeout(() => {
      form.querySelectorAll("button[type='submit']").forEach((b) => { b.disabled = true; });
      if (submitter) submitter.setAttribute("aria-busy", "true");
      if (submitter && submitter.dataset.busyText) submitter.textContent = submitter.dataset.busyText;
    }, 0);
  });
  window.addEventListener("pageshow", () => {
    form.dataset.sending = "";
    form.querySelectorAll("button[type='submit']").forEach((b) => { b.disabled = false; });
  });

  renumber();
})();
