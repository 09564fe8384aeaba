// The statistics dashboard's charts (Apache ECharts, vendored in static/vendor/echarts). Each chart reads its
// figures from a json_script element named by data-source; the same figures are in the table beside it.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }
  var charts = [];

  function figures(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function option(kind, data) {
    var categories = kind === "line" ? data.days : data.names;
    return {
      animation: false,
      // Plain-text tooltips: the HTML ones carry style attributes, which the site's CSP does not allow.
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: "category", data: categories },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (series) {
        return { name: series.name, type: kind, data: series.data, showSymbol: false };
      })
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var data = figures(element.dataset.source);
    if (!data) { return; }
    element.hidden = false;  // hidden without a script, where the table alone carries the figures
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(element.dataset.chart, data));
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
