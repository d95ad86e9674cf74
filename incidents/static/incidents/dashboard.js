// The dashboard's trend chart: incidents (bars) and fatalities (line, own axis) per week or month.
// The figures come from the page (Django's json_script), so the chart needs no request of its own.
(function () {
  "use strict";
  const canvas = document.getElementById("trend-chart");
  const source = document.getElementById("trend-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const chart = new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        {
          type: "bar",
          label: "Incidents",
          data: data.incidents,
          backgroundColor: "rgba(29, 35, 48, 0.7)",
          yAxisID: "incidents",
        },
        {
          type: "line",
          label: "Fatalities",
          data: data.fatalities,
          borderColor: "#b00020",
          backgroundColor: "#b00020",
          pointRadius: 2,
          tension: 0.2,
          yAxisID: "fatalities",
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        // the period is the data's (the page says which): label the buckets by what they start with
        x: { title: { display: true, text: data.period === "month" ? "Month" : "Week starting (Monday)" } },
        incidents: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Incidents" } },
        fatalities: {
          type: "linear",
          position: "right",
          beginAtZero: true,
          ticks: { precision: 0 }, // counts of people and events: whole numbers
          grid: { drawOnChartArea: false },
          title: { display: true, text: "Fatalities" },
        },
      },
    },
  });
  canvas.dataset.rendered = "true"; // lets tests (and curious analysts) see the chart was drawn
  window.deskTrendChart = chart;
})();
