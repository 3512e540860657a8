// Accessible search picker shared by the invoice form, the invoice list filter and the product form.
// Markup: an <input role="combobox" data-picker="KIND" data-url="…" aria-controls="LIST_ID"> and an
// empty <ul id="LIST_ID" role="listbox" hidden>. Typing fetches data-url?q=… (JSON: a list or
// {results: [...]}) and lists the rows; arrow keys move, Enter or a click chooses, Escape closes.
//   Picker.attach(root, {choose(input, item, li), input(input)}) wires every picker inside root.
//   [data-picker-field] (hidden [data-picker-value] + a combobox, see catalog/widgets.py) is wired
//   on its own: choosing a row stores its id; typing clears the id until a row is chosen again.
(function () {
  "use strict";

  const describe = {
    customer: (c) => [c.display_name, c.identification].filter(Boolean).join(" · "),
    unit: (u) => u.label,
  };

  function debounce(fn, ms) {
    let timer;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  function listOf(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function open(input, items) {
    const list = listOf(input);
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

  function close(input) {
    const list = listOf(input);
    if (list) list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  const search = debounce(async (input) => {
    const q = input.value.trim();
    if (q.length < 1) { close(input); return; }
    const url = new URL(input.dataset.url, window.location.origin);
    url.searchParams.set("q", q);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      if (input.value.trim() === q) open(input, Array.isArray(data) ? data : data.results || []);
    } catch (error) {
      open(input, []);
    }
  }, 250);

  function attach(root, handlers) {
    function choose(input, li) {
      if (!li || !li._item) return;
      close(input);
      handlers.choose(input, li._item, li);
    }

    root.addEventListener("input", (event) => {
      const input = event.target.closest("[data-picker]");
      if (!input) return;
      if (handlers.input) handlers.input(input);
      search(input);
    });

    root.addEventListener("keydown", (event) => {
      const input = event.target.closest("[data-picker]");
      if (!input) return;
      const list = listOf(input);
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
        close(input);
      }
    });

    root.addEventListener("mousedown", (event) => {
      const li = event.target.closest("[role='option']");
      if (!li) return;
      event.preventDefault();
      const input = root.querySelector(`[aria-controls="${li.parentElement.id}"]`);
      choose(input, li);
    });

    root.addEventListener("focusout", (event) => {
      const input = event.target.closest && event.target.closest("[data-picker]");
      if (input) setTimeout(() => close(input), 150);
    });
  }

  window.Picker = { attach, describe, open, close };

  // ---- hidden id + search box (catalog.widgets.SearchPickerWidget) --------------------------
  document.querySelectorAll("[data-picker-field]").forEach((field) => {
    const value = field.querySelector("[data-picker-value]");
    attach(field, {
      input: () => { value.value = ""; },
      choose: (input, item) => {
        input.value = describe[input.dataset.picker](item);
        value.value = String(item.id);
        field.dispatchEvent(new CustomEvent("picker-chosen", { bubbles: true, detail: item }));
      },
    });
  });
})();
