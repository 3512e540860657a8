// Invoice form: item rows from a <template>, customer/product search-selects, credit due date,
// and a guard against sending the form twice. Totals are computed on the server (htmx).
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
  }

  function addItem() {
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

  // ---- search-selects (customer, product) ---------------------------------------------------
  function debounce(fn, ms) {
    let timer;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  function money(value) {
    const number = Number(value);
    if (!Number.isFinite(number)) return "";
    return "$ " + number.toLocaleString("es-CO", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  const describe = {
    customer: (c) => [c.display_name, c.identification].filter(Boolean).join(" · "),
    product: (p) => `${p.code_reference} · ${p.name} · ${money(p.price)}`,
  };

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

  function fillProduct(row, p, option) {
    setField(row, "product", p.id);
    setField(row, "code_reference", p.code_reference);
    setField(row, "name", p.name);
    setField(row, "price", p.price);
    setField(row, "tax_rate", p.tax_rate);
    setField(row, "is_excluded", p.is_excluded);
    const unit = row.querySelector('[name$="-unit"]');
    if (unit && p.unit_id != null && !unit.querySelector(`option[value="${p.unit_id}"]`)) {
      unit.add(new Option(p.unit || String(p.unit_id), String(p.unit_id)));
    }
    setField(row, "unit", p.unit_id);
    setField(row, "standard_code", p.standard_code_id);
    setField(row, "tribute", p.tribute_id);
    const rates = {};
    (p.withholdings || []).forEach((w) => { rates[w.code] = w.rate; });
    ["05", "06", "07"].forEach((code) => setField(row, `withholding_${code}`, rates[code] || ""));
    row.querySelector("[name$='-quantity']").focus();
    void option;
  }

  function fillCustomer(picker, c) {
    const hidden = picker.querySelector("input[type='hidden']");
    hidden.value = c.id;
    const info = picker.querySelector("[data-customer-info]");
    if (info) info.textContent = [c.identification_document, c.email, c.municipality].filter(Boolean).join(" · ");
    changed();
  }

  function openPicker(input, items) {
    const list = document.getElementById(input.getAttribute("aria-controls"));
    list.replaceChildren();
    if (!items.length) {
      const empty = document.createElement("li");
      empty.className = "list-group-item small text-body-secondary";
      empty.textContent = "Sin resultados.";
      list.appendChild(empty);
    }
    items.forEach((item, i) => {
      const li = document.createElement("li");
      li.className = "list-group-item list-group-item-action";
      li.id = `${list.id}-${i}`;
      li.setAttribute("role", "option");
      li.textContent = describe[input.dataset.picker](item);
      li._item = item;
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    input.removeAttribute("aria-activedescendant");
  }

  function closePicker(input) {
    const list = document.getElementById(input.getAttribute("aria-controls"));
    if (list) list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(input, li) {
    if (!li || !li._item) return;
    const item = li._item;
    closePicker(input);
    if (input.dataset.picker === "customer") {
      input.value = describe.customer(item);
      fillCustomer(input.closest("[data-customer-picker]"), item);
    } else {
      input.value = "";
      input.placeholder = `${item.code_reference} · ${item.name}`;
      fillProduct(input.closest(".item-row"), item, li);
      changed();
    }
  }

  const search = debounce(async (input) => {
    const q = input.value.trim();
    if (q.length < 1) { closePicker(input); return; }
    const url = new URL(input.dataset.url, window.location.origin);
    url.searchParams.set("q", q);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      if (input.value.trim() === q) openPicker(input, Array.isArray(data) ? data : data.results || []);
    } catch (error) {
      openPicker(input, []);
    }
  }, 250);

  form.addEventListener("input", (event) => {
    const input = event.target.closest("[data-picker]");
    if (!input) return;
    if (input.dataset.picker === "customer") {
      input.closest("[data-customer-picker]").querySelector("input[type='hidden']").value = "";
    }
    search(input);
  });

  form.addEventListener("keydown", (event) => {
    const input = event.target.closest("[data-picker]");
    if (!input) return;
    const list = document.getElementById(input.getAttribute("aria-controls"));
    const options = list && !list.hidden ? [...list.querySelectorAll("[role='option']")] : [];
    const current = options.findIndex((li) => li.id === input.getAttribute("aria-activedescendant"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) { search(input); return; }
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = options[(current + step + options.length) % options.length];
      options.forEach((li) => li.classList.toggle("active", li === next));
      input.setAttribute("aria-activedescendant", next.id);
      next.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" && options.length) {
      event.preventDefault();
      choose(input, options[current >= 0 ? current : 0]);
    } else if (event.key === "Escape") {
      closePicker(input);
    }
  });

  form.addEventListener("mousedown", (event) => {
    const li = event.target.closest("[role='option']");
    if (!li) return;
    event.preventDefault();
    const input = form.querySelector(`[aria-controls="${li.parentElement.id}"]`);
    choose(input, li);
  });

  form.addEventListener("focusout", (event) => {
    const input = event.target.closest && event.target.closest("[data-picker]");
    if (input) setTimeout(() => closePicker(input), 150);
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

  // ---- send once ----------------------------------------------------------------------------
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    const submitter = event.submitter;
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
