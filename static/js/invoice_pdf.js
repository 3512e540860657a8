// Invoice page: "Ver PDF" puts the PDF frame in place only when asked. A new frame created with its
// address loads without a browser history entry (changing the src of a frame in the page adds one).
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pdf-show]");
    if (!button) return;
    const viewer = button.closest("[data-pdf-viewer]");
    const frame = viewer.querySelector("template[data-pdf-frame]").content.firstElementChild.cloneNode(true);
    viewer.classList.add("p-0");
    viewer.replaceChildren(frame);
    frame.focus();
  });
})();
