// Partial credit note form.
// 1. The "rebaja por unidad" inputs only mean something for a price reduction (concepts 3-6); for a
//    return (1) or a void (2) they are hidden and the server ignores them.
// 2. What you see is what is credited (as invoice_form.js does for invoices): every change that
//    moves the totals bumps `changes`; a totals answer records the count it was asked for. "Emitir
//    nota crédito" with a total older than the last change asks for it now: when it did not move it
//    goes on, otherwise it stops and says so (the server checks the same again: shown_total).
// 3. Sent once: the buttons are disabled after the first click (the clicked one still travels).
(function () {
  "use strict";
  const form = document.getElementById("credit-note-form");
  if (!form) return;
  const concept = form.querySelector("select[name='concept']");
  const RETURNS = ["1", "2"];
  function syncConcept() {
    const isReturn = RETURNS.includes(concept.value);
    form.querySelectorAll("[data-price-cell]").forEach((cell) => { cell.hidden = isReturn; });
  }
  concept.addEventListener("change", syncConcept);
  syncConcept();

  const totalsBox = document.getElementById("credit-note-totals");
  const noticeBox = document.getElementById("totals-notice");
  let changes = 0;
  let shown = 0;
  let waiting = false;
  let inflight = null;

  function notice(text) {
    noticeBox.textContent = text;
    noticeBox.hidden = !text;
  }
  function shownTotal() {
    const input = form.querySelector("[name='shown_total']");
    return input ? input.value : "";
  }
  function bump(event) {
    if (event.target.hasAttribute("data-totals")) {
      changes += 1;
      notice("");
    }
  }
  form.addEventListener("input", bump);
  form.addEventListener("change", bump);
  totalsBox.addEventListener("htmx:beforeRequest", (event) => {
    event.detail.xhr.changes = changes;
    event.detail.xhr.askedByEmitir = waiting;
    inflight = event.detail.xhr;
  });
  totalsBox.addEventListener("htmx:abort", () => { if (inflight) inflight.replaced = true; });
  totalsBox.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.xhr && event.detail.xhr.changes != null) shown = event.detail.xhr.changes;
  });

  function issueWhenCurrent(submitter) {
    const before = shownTotal();
    function settle(event) {
      const xhr = event.detail.xhr;
      if (!xhr || !xhr.askedByEmitir || xhr.replaced) return;
      totalsBox.removeEventListener("htmx:afterRequest", settle);
      waiting = false;
      if (xhr.changes === changes && !event.detail.successful) {
        notice("No se pudo actualizar el total; pulse «Emitir nota crédito» de nuevo.");
      } else if (xhr.changes === changes && shownTotal() === before && before !== "") {
        form.requestSubmit(submitter);
      } else {
        notice("El total cambió mientras escribía; revíselo y pulse «Emitir nota crédito» de nuevo.");
      }
    }
    totalsBox.addEventListener("htmx:afterRequest", settle);
    waiting = true;
    window.htmx.trigger(totalsBox, "totals-now");
  }

  form.addEventListener("submit", (event) => {
    if (form.dataset.sending === "1" || waiting) { event.preventDefault(); return; }
    const submitter = event.submitter;
    if (submitter && submitter.value === "issue" && shown !== changes && window.htmx) {
      event.preventDefault();
      issueWhenCurrent(submitter);
      return;
    }
    form.dataset.sending = "1";
    setTimeout(() => {
      form.querySelectorAll("button[type='submit']").forEach((b) => { b.disabled = true; });
      if (submitter && submitter.dataset.busyText) submitter.textContent = submitter.dataset.busyText;
    }, 0);
  });
  window.addEventListener("pageshow", () => {
    form.dataset.sending = "";
    form.querySelectorAll("button[type='submit']").forEach((b) => { b.disabled = false; });
  });
})();
