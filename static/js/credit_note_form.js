// Partial credit note: the "rebaja por unidad" inputs only mean something for a price reduction
// (concepts 3-6); for a return (1) or a void (2) they are hidden and the server ignores them.
(function () {
  "use strict";
  const form = document.getElementById("credit-note-form");
  if (!form) return;
  const concept = form.querySelector("select[name='concept']");
  const RETURNS = ["1", "2"];
  function sync() {
    const isReturn = RETURNS.includes(concept.value);
    form.querySelectorAll("[data-price-cell]").forEach((cell) => { cell.hidden = isReturn; });
  }
  concept.addEventListener("change", sync);
  sync();
})();
