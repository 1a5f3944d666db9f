// Charts of the project pages, drawn with the platform's own copy of ECharts from the JSON the page
// carries (json_script): a project's year month by month, and completion rates by group.
(function () {
  "use strict";
  function draw(element) {
    var data = JSON.parse(document.getElementById(element.dataset.chart).textContent);
    var chart = echarts.init(element, null, { renderer: "svg" });
    if (element.dataset.kind === "bars") {
      chart.setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, bottom: 64 },
        xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: [{ name: data.name, type: "bar", data: data.rates, label: { show: true, position: "top", formatter: "{c}%" } }],
      });
    } else {
      var series = [
        { name: data.labels.completed, type: "bar", data: data.completed },
        { name: data.labels.to_date, type: "line", data: data.to_date },
      ];
      if (data.planned) {
        series.push({ name: data.labels.planned, type: "line", data: data.months.map(function () { return data.planned; }),
                      lineStyle: { type: "dashed" }, symbol: "none" });
      }
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 64, right: 16, top: 40, bottom: 32 },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value" },
        series: series,
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
