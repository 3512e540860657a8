// Action buttons (Emitir, Reintentar, Eliminar, Importar...): a form marked data-once is sent once.
(function () {
  "use strict";
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-once]");
    if (!form) return;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    setTimeout(() => {
      form.querySelectorAll("button[type='submit']").forEach((button) => {
        button.disabled = true;
        if (button.dataset.busyText) button.textContent = button.dataset.busyText;
      });
    }, 0);
  });
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-once]").forEach((form) => {
      form.dataset.sending = "";
      form.querySelectorAll("button[type='submit']").forEach((button) => { button.disabled = false; });
    });
  });
})();
