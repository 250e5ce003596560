/* iomdash dashboards: draw the figures the page hands over in the
   "dashboard-data" json_script with the bundled plotly.js. No data is
   fetched here but the governorate boundaries (a static GeoJSON). */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.Plotly) return;
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  var ACCENT = "#0b5cad";
  var PALETTE = ["#0b5cad", "#4f8fd1", "#f2a541", "#3b9b74", "#b05d8c", "#7a8594", "#c9553f", "#9ab8dd"];
  var FONT = { family: 'system-ui, "Segoe UI", "Noto Sans", "Noto Sans Arabic", sans-serif', color: "#1f2a37", size: 12 };
  var CONFIG = {
    displaylogo: false,
    responsive: true,
    topojsonURL: data.topojson_url,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"]
  };

  function layout(extra) {
    var base = { font: FONT, margin: { l: 40, r: 10, t: 10, b: 40 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", showlegend: false };
    return Object.assign(base, extra || {});
  }

  function draw(id, traces, extra) {
    var el = document.getElementById(id);
    if (!el) return;
    Plotly.newPlot(el, traces, layout(extra), CONFIG);
  }

  function quarterLabel(iso) {
    var parts = iso.split("-");
    var quarter = Math.floor((parseInt(parts[1], 10) - 1) / 3) + 1;
    return (labels.quarter || "Q%(quarter)s %(year)s").replace("%(quarter)s", quarter).replace("%(year)s", parts[0]);
  }

  /* A bar chart of categories; a hidden small count has no bar, only its text. */
  function bars(id, items, horizontal) {
    if (!items || !items.length) return;
    var names = items.map(function (c) { return c.label.charAt(0).toUpperCase() + c.label.slice(1); });
    var values = items.map(function (c) { return c.value === null ? 0 : c.value; });
    var text = items.map(function (c) { return c.display; });
    var trace = {
      type: "bar",
      orientation: horizontal ? "h" : "v",
      x: horizontal ? values : names,
      y: horizontal ? names : values,
      text: text,
      textposition: "outside",
      cliponaxis: false,
      hovertemplate: "%{" + (horizontal ? "y" : "x") + "}: %{text}<extra></extra>",
      marker: { color: items.map(function (_, i) { return PALETTE[i % PALETTE.length]; }) }
    };
    var axis = { automargin: true, showgrid: false, zeroline: false };
    // Room on the right for the longest text outside its bar ("US$ 900,000").
    var longest = text.reduce(function (n, t) { return Math.max(n, String(t).length); }, 0);
    var right = Math.max(60, Math.ceil(longest * 7.5) + 10);
    var valueAxis = { showgrid: true, gridcolor: "#e6e9ee", zeroline: false, showticklabels: false, rangemode: "tozero" };
    draw(id, [trace], horizontal
      ? { xaxis: valueAxis, yaxis: Object.assign({ autorange: "reversed" }, axis), margin: { l: 10, r: right, t: 10, b: 10 } }
      : { xaxis: axis, yaxis: valueAxis, margin: { l: 10, r: 10, t: 20, b: 30 } });
  }

  /* A phone-width chart: legends and colour scales go below the plot. */
  function narrow(el) {
    return el.clientWidth < 520;
  }

  function map() {
    var el = document.getElementById("chart-map");
    if (!el || !data.areas) return;
    fetch(data.geojson_url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("governorate boundaries: HTTP " + response.status);
        return response.json();
      })
      .then(function (geojson) {
        var areas = data.areas;
        var trace = {
          type: "choropleth",
          geojson: geojson,
          featureidkey: "properties.pcode",
          locations: areas.map(function (a) { return a.pcode; }),
          z: areas.map(function (a) { return a.value === null ? 0 : a.value; }),
          text: areas.map(function (a) { return a.name; }),
          customdata: areas.map(function (a) { return a.display; }),
          hovertemplate: "<b>%{text}</b><br>%{customdata}<extra></extra>",
          colorscale: [[0, "#eef3f9"], [0.35, "#9ab8dd"], [1, ACCENT]],
          zmin: 0,
          marker: {
            line: {
              color: areas.map(function (a) { return a.selected ? "#1f2a37" : "#ffffff"; }),
              width: areas.map(function (a) { return a.selected ? 2.5 : 0.8; })
            }
          },
          colorbar: narrow(el)
            ? { orientation: "h", x: 0.5, xanchor: "center", y: 0, yanchor: "top", thickness: 8, len: 0.9, outlinewidth: 0, tickfont: { size: 10 } }
            : { thickness: 10, len: 0.8, outlinewidth: 0, tickfont: { size: 10 } }
        };
        Plotly.newPlot(el, [trace], layout({
          margin: { l: 0, r: 0, t: 0, b: narrow(el) ? 40 : 0 },
          geo: {
            scope: "asia",
            fitbounds: "locations",
            projection: { type: "mercator" },
            showland: true, landcolor: "#f1f3f6",
            showcountries: true, countrycolor: "#c9cfd8",
            showcoastlines: false, showlakes: false, showframe: false,
            bgcolor: "rgba(0,0,0,0)"
          }
        }), CONFIG);
        el.on("plotly_click", function (event) {
          var point = event && event.points && event.points[0];
          if (!point || !point.location) return;
          var url = data.governorate_url.replace("PCODE", encodeURIComponent(point.location));
          window.location.href = url + (data.query ? "?" + data.query : "");
        });
      })
      .catch(function (error) {
        el.classList.add("chart-error");
        el.textContent = error.message;
      });
  }

  function contributions() {
    var items = data.contributions || [];
    if (!items.length) return;
    var total = items.reduce(function (sum, c) { return sum + (c.value || 0); }, 0);
    draw("chart-contributions", [{
      type: "pie",
      hole: 0.58,
      sort: false,
      labels: items.map(function (c) { return c.name; }),
      values: items.map(function (c) { return c.value; }),
      customdata: items.map(function (c) { return c.display; }),
      texttemplate: "%{percent:.1%}",
      textposition: "inside",
      insidetextorientation: "horizontal",
      hovertemplate: "<b>%{label}</b><br>%{percent:.1%}<br>%{customdata}<extra></extra>",
      marker: { colors: PALETTE, line: { color: "#fff", width: 1 } }
    }], {
      margin: { l: 10, r: 10, t: 10, b: 10 },
      uniformtext: { minsize: 10, mode: "hide" },
      annotations: [{ text: "US$<br><b>" + Math.round(total).toLocaleString() + "</b>", showarrow: false, font: { size: 13 } }]
    });
  }

  function series() {
    var items = data.series || [];
    if (!items.length) return;
    var x = items.map(function (s) { return quarterLabel(s.quarter); });
    var el = document.getElementById("chart-series");
    var small = el && narrow(el);
    draw("chart-series", [
      {
        type: "bar", name: labels.per_quarter, x: x,
        y: items.map(function (s) { return s.per_quarter.value; }),
        customdata: items.map(function (s) { return s.per_quarter.display; }),
        hovertemplate: "%{x}: %{customdata}<extra>" + labels.per_quarter + "</extra>",
        marker: { color: "#9ab8dd" }
      },
      {
        type: "scatter", mode: "lines+markers", name: labels.cumulative, x: x, yaxis: "y2",
        y: items.map(function (s) { return s.cumulative.value; }),
        customdata: items.map(function (s) { return s.cumulative.display; }),
        hovertemplate: "%{x}: %{customdata}<extra>" + labels.cumulative + "</extra>",
        line: { color: ACCENT, width: 2.5 }, connectgaps: false
      }
    ], {
      showlegend: true,
      legend: small ? { orientation: "h", x: 0, y: -0.15, yanchor: "top" } : { orientation: "h", y: 1.12, x: 0 },
      margin: small ? { l: 45, r: 45, t: 10, b: 40 } : { l: 55, r: 60, t: 30, b: 40 },
      xaxis: { type: "category", showgrid: false },
      yaxis: { title: { text: labels.per_quarter }, gridcolor: "#e6e9ee", rangemode: "tozero", tickmode: "auto" },
      yaxis2: { title: { text: labels.cumulative }, overlaying: "y", side: "right", showgrid: false, rangemode: "tozero", tickmode: "auto" },
      hovermode: "x unified"
    });
  }

  map();
  contributions();
  series();
  var splits = data.splits || {};
  if (splits.sex && splits.sex.has_data) bars("chart-sex", splits.sex.categories, true);
  if (splits.population_group && splits.population_group.has_data) bars("chart-population", splits.population_group.categories, true);
  bars("chart-projects", data.projects_by_status, true);
  bars("chart-budget", data.budget, true);
})();
