// The end-of-support timeline: records reaching end of support per quarter (past quarters in red).
(function () {
  var el = document.getElementById("eol-chart");
  var source = document.getElementById("eol-chart-data");
  if (!el || !source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var colours = data.counts.map(function (n, i) { return data.past[i] ? "#e63946" : "#f4a261"; });
  new Chart(el, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: data.label, data: data.counts, backgroundColor: colours }] },
    options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
  });
})();
