/* Snapshot pages: progressive enhancement only, every form works without it.
   - a button or form with data-confirm asks before it posts;
   - the PDF's progress page polls the progress until the PDF is made;
   - the new-snapshot form shows only the periods of the chosen cadence
     (the series' cadence when a series is chosen). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // The PDF's progress page follows the generation until it is done.
  var box = document.getElementById("pdf-state");
  if (box && (box.dataset.status === "queued" || box.dataset.status === "running")) {
    var poll = function () {
      fetch(box.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.status !== "queued" && s.status !== "running") { window.location.reload(); return; }
          document.getElementById("pdf-progress").value = s.progress;
          document.getElementById("pdf-percent").textContent = s.progress;
          document.getElementById("pdf-label").textContent = s.status_label;
          setTimeout(poll, 1500);
        })
        .catch(function () { setTimeout(poll, 5000); });
    };
    setTimeout(poll, 1500);
  }

  var period = document.getElementById("id_period");
  if (!period) return;
  var series = document.getElementById("id_series");
  var cadences = document.querySelectorAll("input[name=cadence]");
  var seriesCadence = JSON.parse((document.getElementById("series-cadences") || {}).textContent || "{}");
  var groups = period.querySelectorAll("optgroup");
  var labels = JSON.parse((document.getElementById("cadence-labels") || {}).textContent || "{}");

  function chosenCadence() {
    if (series && series.value && seriesCadence[series.value]) return seriesCadence[series.value];
    var checked = document.querySelector("input[name=cadence]:checked");
    return checked ? checked.value : "";
  }

  function update() {
    var cadence = chosenCadence();
    var label = labels[cadence];
    var selected = period.options[period.selectedIndex];
    groups.forEach(function (group) {
      var show = !label || group.label === label;
      group.hidden = !show;
      group.disabled = !show;
    });
    if (selected && selected.parentNode.disabled) {
      var first = period.querySelector("optgroup:not([disabled]) option");
      if (first) first.selected = true;
    }
    var portfolio = document.getElementById("new-portfolio");
    if (portfolio) portfolio.hidden = Boolean(series && series.value);
  }

  if (series) series.addEventListener("change", update);
  cadences.forEach(function (input) { input.addEventListener("change", update); });
  update();
})();
