// Inicio: the 12-month chart drawn from the accessible table beside it (one source of figures).
(function () {
  "use strict";
  const canvas = document.getElementById("months-chart");
  const rows = document.querySelectorAll("#months-table tbody tr");
  if (!canvas || !rows.length || typeof window.Chart === "undefined") return;
  const labels = [], totals = [], taxes = [];
  rows.forEach((row) => {
    labels.push(row.querySelector("th").textContent.trim());
    totals.push(Number(row.dataset.total));
    taxes.push(Number(row.dataset.tax));
  });
  const money = new Intl.NumberFormat("es-CO", { style: "currency", currency: "COP", maximumFractionDigits: 0 });
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: [
        { label: "Total facturado", data: totals, backgroundColor: "#0d6efd" },
        { label: "IVA", data: taxes, backgroundColor: "#fd7e14" },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { ticks: { callback: (value) => money.format(value) } } },
      plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${money.format(ctx.parsed.y)}` } } },
    },
  });
})();
