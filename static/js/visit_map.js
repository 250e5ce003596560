/* The map of visits: each located visit where the monitor's phone was,
   green inside its place, red outside, grey unchecked; a click opens it.
   Governorate outlines under them, from the dashboards' GeoJSON. */
(function () {
  "use strict";
  var el = document.getElementById("visit-map");
  var source = document.getElementById("visit-map-data");
  if (!el || !source || !window.Plotly) return;
  var data = JSON.parse(source.textContent);
  var colours = { inside: "#1a7f37", outside: "#c62828", unknown: "#6b7280" };
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function check(p) {
    if (p.outside_km === null) return ["unknown", el.dataset.unknown];
    if (p.outside_km === 0) return ["inside", fill(el.dataset.inside, { place: p.place })];
    return ["outside", fill(el.dataset.outside, { km: p.outside_km, place: p.place })];
  }
  var points = data.points;
  var checks = points.map(check);
  var markers = {
    type: "scattergeo", mode: "markers",
    lat: points.map(function (p) { return p.lat; }),
    lon: points.map(function (p) { return p.lon; }),
    customdata: points.map(function (p) { return p.visit; }),
    text: points.map(function (p, i) {
      return p.project + " · " + p.date + "<br>" + checks[i][1] + "<br>" + fill(el.dataset.accuracy, { m: p.accuracy_m });
    }),
    hovertemplate: "%{text}<extra></extra>",
    marker: { size: 9, color: checks.map(function (c) { return colours[c[0]]; }), line: { color: "#fff", width: 1 } }
  };
  var layout = {
    margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false, paper_bgcolor: "rgba(0,0,0,0)",
    geo: {
      scope: "asia", fitbounds: "locations", projection: { type: "mercator" },
      showland: true, landcolor: "#f3f1ec", showcountries: true, countrycolor: "#9ca3af",
      showcoastlines: false, showlakes: false, showframe: false, bgcolor: "rgba(0,0,0,0)"
    }
  };
  var config = {
    displaylogo: false, showLink: false, showSendToCloud: false, showEditInChartStudio: false,
    plotlyServerURL: "", responsive: true, topojsonURL: data.topojson_url,
    displayModeBar: window.matchMedia("(max-width: 600px)").matches ? false : "hover",
    modeBarButtonsToRemove: ["select2d", "lasso2d", "sendChartToCloud", "sendDataToCloud", "editInChartStudio"],
    toImageButtonOptions: { format: "png", filename: "iomdash-visit-map-" + new Date().toISOString().slice(0, 10), scale: 2 }
  };
  function draw(outlines) {
    var traces = outlines ? [{
      type: "choropleth", geojson: outlines, featureidkey: "properties.pcode",
      locations: outlines.features.map(function (f) { return f.properties.pcode; }),
      z: outlines.features.map(function () { return 0; }),
      colorscale: [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale: false,
      hoverinfo: "skip", marker: { line: { color: "#9ca3af", width: 0.8 } }
    }, markers] : [markers];
    Plotly.newPlot(el, traces, layout, config);
    el.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      if (!point || point.customdata === undefined) return;
      window.location.href = data.visit_url.replace("/0/", "/" + point.customdata + "/");
    });
  }
  fetch(data.geojson_url, { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(draw, function () { draw(null); });
})();
