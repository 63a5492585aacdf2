// The dashboard's charts: reads the KPI tables from the page's JSON block (#kpi-data) and
// draws them with chart.js (served from node_modules by api/dashboard.ts). A file of its
// own because the page's Content-Security-Policy allows no inline script.
/* global document, Chart */
'use strict';

(function () {
  var data = JSON.parse(document.getElementById('kpi-data').textContent);
  var defs = {};
  data.definitions.forEach(function (d) {
    defs[d.id] = d;
  });
  var colours = ['#2563eb', '#16a34a', '#dc2626', '#9333ea'];
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  function series(rows, id, i, extra) {
    var d = defs[id];
    return Object.assign(
      {
        label: d.name + ' (' + d.unit + ')',
        data: rows.map(function (r) {
          return r.values[id];
        }),
        borderColor: colours[i],
        backgroundColor: colours[i],
      },
      extra || {},
    );
  }
  function kpis(canvas) {
    return canvas.getAttribute('data-kpis').split(',');
  }

  var drawn = 0;
  function draw(id, type, rows, labelOf, datasetsFor, scales) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, { type: type, data: { labels: rows.map(labelOf), datasets: datasetsFor(kpis(canvas)) }, options: { scales: scales || {} } });
    drawn++;
  }

  var day = function (r) {
    return r.period;
  };
  var name = function (r) {
    return r.label || '—';
  };
  draw(
    'chart-daily',
    'line',
    data.byDay,
    day,
    function (ids) {
      return [series(data.byDay, ids[0], 0, { type: 'bar', yAxisID: 'y' }), series(data.byDay, ids[1], 1, { yAxisID: 'pct' })];
    },
    { y: { beginAtZero: true, position: 'left' }, pct: { min: 0, max: 100, position: 'right' } },
  );
  draw(
    'chart-csat',
    'line',
    data.byDay,
    day,
    function (ids) {
      var target = defs[ids[0]].target;
      return [
        series(data.byDay, ids[0], 1),
        {
          label: 'Target ' + target + '%',
          data: data.byDay.map(function () {
            return target;
          }),
          borderColor: colours[2],
          borderDash: [6, 4],
          pointRadius: 0,
        },
      ];
    },
    { y: { min: 0, max: 100 } },
  );
  draw('chart-region', 'bar', data.byRegion, name, function (ids) {
    return ids.map(function (id, i) {
      return series(data.byRegion, id, i);
    });
  });
  var busiest = data.byEngineer
    .slice()
    .sort(function (a, b) {
      return (b.values.cases || 0) - (a.values.cases || 0);
    })
    .slice(0, 15);
  draw(
    'chart-engineer',
    'bar',
    busiest,
    name,
    function (ids) {
      return ids.map(function (id, i) {
        return series(busiest, id, i);
      });
    },
    { y: { min: 0, max: 100 } },
  );
  // The browser test waits for this.
  document.body.setAttribute('data-charts-drawn', String(drawn));
})();
