// The home page's chart of operation costs (budget, actual) and the reduction against the base year.
(function () {
  var el = document.getElementById("cost-chart");
  var data = JSON.parse(document.getElementById("cost-chart-data").textContent);
  if (!el || !window.Chart) { return; }
  var datasets = [
    { type: "bar", label: data.budget_label, data: data.budget, backgroundColor: "#457b9d", yAxisID: "y" }
  ];
  if (data.actual && data.actual.length) {
    datasets.push({ type: "bar", label: data.actual_label, data: data.actual, backgroundColor: "#a8dadc", yAxisID: "y" });
  }
  datasets.push({ type: "line", label: data.reduction_label, data: data.reduction, borderColor: "#e63946", backgroundColor: "#e63946", yAxisID: "pct", tension: 0.2 });
  new Chart(el, {
    data: { labels: data.labels, datasets: datasets },
    options: {
      animation: false,
      scales: {
        y: { beginAtZero: true, position: "left" },
        pct: { position: "right", grid: { drawOnChartArea: false }, ticks: { callback: function (v) { return v + "%"; } } }
      }
    }
  });
})();
