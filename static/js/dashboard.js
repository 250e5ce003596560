/* iomdash dashboards: draw the figures the page hands over in the
   "dashboard-data" json_script with the bundled plotly.js. No data is
   fetched here but the governorate boundaries (a static GeoJSON). */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.Plotly) return;
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  /* The colours come from static/js/chart-colours.json (through the page),
     the same file the snapshot PDFs' charts read. */
  var COLOURS = data.colours;
  var ACCENT = COLOURS.accent;
  var PALETTE = COLOURS.palette;
  var FONT = { family: 'system-ui, "Segoe UI", "Noto Sans", "Noto Sans Arabic", sans-serif', color: COLOURS.ink, size: 12 };
  /* No link to Plotly's cloud (its data are about vulnerable people): no
     "Edit in Chart Studio"/"Share chart", no logo, no plotlyServerURL. The
     toolbar keeps "Download PNG", named after the chart and the day; on a
     phone it is hidden, since it would cover the plot. */
  var PHONE = window.matchMedia && window.matchMedia("(max-width: 600px)").matches;
  var CONFIG = {
    displaylogo: false,
    showLink: false,
    showSendToCloud: false,
    showEditInChartStudio: false,
    plotlyServerURL: "",
    displayModeBar: PHONE ? false : "hover",
    responsive: true,
    topojsonURL: data.topojson_url,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "sendChartToCloud", "sendDataToCloud", "editInChartStudio"]
  };

  /* The page's language (dashboards/chart_locale.py): the toolbar's words,
     months and separators; right to left, legends start on the right. */
  var LOCALE = data.locale || { name: "en", rtl: false };
  if (LOCALE.name !== "en" && LOCALE.dictionary) {
    Plotly.register({ moduleType: "locale", name: LOCALE.name, dictionary: LOCALE.dictionary, format: LOCALE.format });
    CONFIG.locale = LOCALE.name;
  }

  function config(id) {
    var day = new Date().toISOString().slice(0, 10);
    return Object.assign({}, CONFIG, {
      toImageButtonOptions: { format: "png", filename: "iomdash-" + id + "-" + day, scale: 2 }
    });
  }

  function layout(extra) {
    var base = { font: FONT, margin: { l: 40, r: 10, t: 10, b: 40 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", showlegend: false };
    if (LOCALE.separators) base.separators = LOCALE.separators;
    var out = Object.assign(base, extra || {});
    if (LOCALE.rtl && out.legend) {
      out.legend = Object.assign({}, out.legend, { x: 1 - (out.legend.x || 0), xanchor: "right" });
    }
    return out;
  }

  function draw(id, traces, extra) {
    var el = document.getElementById(id);
    if (!el) return;
    Plotly.newPlot(el, traces, layout(extra), config(id));
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
    // A split's share beside its figure ("70 (58%)"), "not recorded" included.
    var text = items.map(function (c) { return c.share === undefined || c.share === null ? c.display : c.display + " (" + c.share + "%)"; });
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
    var valueAxis = { showgrid: true, gridcolor: COLOURS.grid, zeroline: false, showticklabels: false, rangemode: "tozero" };
    draw(id, [trace], horizontal
      ? { xaxis: valueAxis, yaxis: Object.assign({ autorange: "reversed" }, axis), margin: { l: 10, r: right, t: 10, b: 10 } }
      : { xaxis: axis, yaxis: valueAxis, margin: { l: 10, r: 10, t: 20, b: 30 } });
  }

  /* A phone-width chart: legends and colour scales go below the plot. */
  function narrow(el) {
    return el.clientWidth < 520;
  }

  /* The map's series: people reached, projects or US$ (data.map_series). */
  var mapSeries = data.map || "people";
  var mapGeojson = null;

  function mapTrace(el) {
    var areas = data.areas;
    var usd = mapSeries === "usd";
    function figure(a) { return (a.series && a.series[mapSeries]) || a; }
    return {
      type: "choropleth",
      geojson: mapGeojson,
      featureidkey: "properties.pcode",
      locations: areas.map(function (a) { return a.pcode; }),
      z: areas.map(function (a) { var f = figure(a); return f.value === null ? 0 : f.value; }),
      text: areas.map(function (a) { return a.name; }),
      customdata: areas.map(function (a) { return figure(a).display; }),
      hovertemplate: "<b>%{text}</b><br>%{customdata}<extra></extra>",
      colorscale: COLOURS.map_scale,
      zmin: 0,
      marker: {
        line: {
          color: areas.map(function (a) { return a.selected ? COLOURS.ink : "#ffffff"; }),
          width: areas.map(function (a) { return a.selected ? 2.5 : 0.8; })
        }
      },
      colorbar: Object.assign(
        narrow(el)
          ? { orientation: "h", x: 0.5, xanchor: "center", y: 0, yanchor: "top", thickness: 8, len: 0.9, outlinewidth: 0, tickfont: { size: 10 } }
          : { thickness: 10, len: 0.8, outlinewidth: 0, tickfont: { size: 10 } },
        usd ? { tickprefix: "$", tickformat: "~s" } : { tickformat: "~s" }
      )
    };
  }

  function mapLayout(el) {
    return layout({
      margin: { l: 0, r: 0, t: 0, b: narrow(el) ? 40 : 0 },
      geo: {
        scope: "asia",
        fitbounds: "locations",
        projection: { type: "mercator" },
        showland: true, landcolor: COLOURS.land,
        showcountries: true, countrycolor: COLOURS.borders,
        showcoastlines: false, showlakes: false, showframe: false,
        bgcolor: "rgba(0,0,0,0)"
      }
    });
  }

  /* Switch the map's series in place; the URL keeps it (?map=projects). */
  function chooseMapSeries(code) {
    var el = document.getElementById("chart-map");
    mapSeries = code;
    document.querySelectorAll(".map-toggle-button").forEach(function (button) {
      var chosen = button.getAttribute("data-map") === code;
      button.classList.toggle("is-chosen", chosen);
      if (chosen) button.setAttribute("aria-current", "true"); else button.removeAttribute("aria-current");
    });
    var note = document.getElementById("map-usd-note");
    if (note) note.hidden = code !== "usd";
    var label = document.getElementById("map-series-label");
    var series = (data.map_series || []).filter(function (s) { return s.code === code; })[0];
    if (label && series) label.textContent = series.label;
    var input = document.getElementById("map-input");
    if (input) { input.value = code; input.disabled = code === "people"; }
    var url = new URL(window.location.href);
    if (code === "people") url.searchParams.delete("map"); else url.searchParams.set("map", code);
    window.history.replaceState(null, "", url.toString());
    if (el && mapGeojson) Plotly.react(el, [mapTrace(el)], mapLayout(el), config(el.id));
  }

  function map() {
    var el = document.getElementById("chart-map");
    if (!el || !data.areas) return;
    document.querySelectorAll(".map-toggle-button").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        chooseMapSeries(button.getAttribute("data-map"));
      });
    });
    fetch(data.geojson_url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("governorate boundaries: HTTP " + response.status);
        return response.json();
      })
      .then(function (geojson) {
        mapGeojson = geojson;
        Plotly.newPlot(el, [mapTrace(el)], mapLayout(el), config(el.id));
        el.on("plotly_click", function (event) {
          var point = event && event.points && event.points[0];
          if (!point || !point.location) return;
          var url = data.governorate_url.replace("PCODE", encodeURIComponent(point.location));
          var query = new URLSearchParams(data.query || "");
          if (mapSeries === "people") query.delete("map"); else query.set("map", mapSeries);
          var text = query.toString();
          window.location.href = url + (text ? "?" + text : "");
        });
      })
      .catch(function (error) {
        el.classList.add("chart-error");
        el.textContent = error.message;
      });
  }

  /* The governorate page's districts, keyed by P-code: people reached, with
     projects and US$ on hover (data.districts). */
  function districtMap() {
    var info = data.districts;
    var el = document.getElementById("chart-districts");
    if (!el || !info) return;
    fetch(info.geojson_url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("district boundaries: HTTP " + response.status);
        return response.json();
      })
      .then(function (geojson) {
        var rows = info.rows;
        var z = rows.map(function (r) { return r.people.value === null ? 0 : r.people.value; });
        Plotly.newPlot(el, [{
          type: "choropleth",
          geojson: geojson,
          featureidkey: "properties.pcode",
          locations: rows.map(function (r) { return r.pcode; }),
          z: z,
          text: rows.map(function (r) { return r.name; }),
          customdata: rows.map(function (r) { return [r.people.display, r.projects.display, r.usd.display]; }),
          hovertemplate: "<b>%{text}</b><br>" + info.label + ": %{customdata[0]}<br>" +
            labels.projects + ": %{customdata[1]}<br>%{customdata[2]}<extra></extra>",
          colorscale: COLOURS.map_scale,
          zmin: 0,
          zmax: Math.max(1, Math.max.apply(null, z)),  /* no one reached: the palest shade */
          marker: { line: { color: COLOURS.ink, width: 0.6 } },
          colorbar: narrow(el)
            ? { orientation: "h", x: 0.5, xanchor: "center", y: 0, yanchor: "top", thickness: 8, len: 0.9, outlinewidth: 0, tickformat: "~s", tickfont: { size: 10 } }
            : { thickness: 10, len: 0.8, outlinewidth: 0, tickformat: "~s", tickfont: { size: 10 } }
        }], mapLayout(el), CONFIG);  /* the same base map: only asia_110m is shipped */
      })
      .catch(function (error) {
        el.classList.add("chart-error");
        el.textContent = error.message;
      });
  }

  /* Projects by sector: one stacked bar per sector, one colour per status;
     a hidden small count has no segment (its "<5" shows on hover). */
  function sectors() {
    var info = data.projects_by_sector;
    var el = document.getElementById("chart-sectors");
    if (!el || !info || !info.has_data) return;
    var rows = info.sectors;
    el.style.height = Math.max(160, 70 + rows.length * 30) + "px";
    var colours = COLOURS.status;
    var names = rows.map(function (r) { return r.sector; });
    var traces = info.statuses.map(function (status) {
      return {
        type: "bar", orientation: "h", name: status.label,
        y: names,
        x: rows.map(function (r) { return r[status.code].value === null ? 0 : r[status.code].value; }),
        customdata: rows.map(function (r) { return r[status.code].display; }),
        hovertemplate: "%{y}: %{customdata}<extra>" + status.label + "</extra>",
        marker: { color: colours[status.code] || colours.other }
      };
    });
    // Whole projects on the axis: a step of 1 where plotly would pick 0.5.
    var most = rows.reduce(function (n, r) {
      return Math.max(n, info.statuses.reduce(function (sum, s) { return sum + (r[s.code].value || 0); }, 0));
    }, 0);
    draw("chart-sectors", traces, {
      barmode: "stack",
      showlegend: true,
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", traceorder: "normal" },
      margin: { l: 10, r: 20, t: narrow(el) ? 52 : 30, b: 30 },
      xaxis: Object.assign(
        { gridcolor: COLOURS.grid, zeroline: false, rangemode: "tozero", tickformat: ",d" },
        most <= 8 ? { dtick: 1 } : {}
      ),
      yaxis: { automargin: true, autorange: "reversed" }
    });
  }

  /* Beneficiary feedback: per question, each option's share of the answers. */
  function feedback() {
    (data.feedback || []).forEach(function (question, index) {
      if (question.hidden) return;
      var id = "chart-feedback-" + index;
      var el = document.getElementById(id);
      if (!el) return;
      el.style.height = Math.max(110, 30 + question.options.length * 26) + "px";
      var longest = question.options.reduce(function (n, o) { return Math.max(n, String(o.share_display).length); }, 0);
      draw(id, [{
        type: "bar", orientation: "h",
        y: question.options.map(function (o) { return o.label; }),
        x: question.options.map(function (o) { return o.share === null ? 0 : o.share; }),
        text: question.options.map(function (o) { return o.share_display; }),
        textposition: "outside", cliponaxis: false,
        customdata: question.options.map(function (o) { return o.count.display; }),
        hovertemplate: "%{y}: %{text} (%{customdata} " + (labels.answers || "") + ")<extra></extra>",
        marker: { color: question.options.map(function (o) { return o.colour; }) }
      }], {
        xaxis: { range: [0, 100], showgrid: true, gridcolor: COLOURS.grid, zeroline: false, showticklabels: false },
        yaxis: { automargin: true, autorange: "reversed" },
        margin: { l: 10, r: Math.max(40, longest * 8 + 10), t: 4, b: 4 }
      });
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
        marker: { color: COLOURS.light }
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
      // Above the plot: under it, the legend sat on the turned quarter labels of a phone.
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
      margin: small ? { l: 45, r: 45, t: 30, b: 40 } : { l: 55, r: 60, t: 30, b: 40 },
      // automargin: room for the turned quarters ("الربع 1 2016" is longer than "Q1 2016").
      xaxis: { type: "category", showgrid: false, automargin: true },
      yaxis: { title: { text: labels.per_quarter }, gridcolor: COLOURS.grid, rangemode: "tozero", tickmode: "auto", automargin: true },
      yaxis2: { title: { text: labels.cumulative }, overlaying: "y", side: "right", showgrid: false, rangemode: "tozero", tickmode: "auto", automargin: true },
      hovermode: "x unified"
    });
  }

  map();
  districtMap();
  contributions();
  series();
  var splits = data.splits || {};
  if (splits.sex && splits.sex.has_data) bars("chart-sex", splits.sex.categories, true);
  if (splits.population_group && splits.population_group.has_data) bars("chart-population", splits.population_group.categories, true);
  bars("chart-projects", data.projects_by_status, true);
  sectors();
  feedback();
  bars("chart-budget", data.budget, true);
})();
