/* The visit form: "Add another …" buttons, and the choices that narrow as
   the monitor types: only the projects running on the visit date, and only
   the activity types of the chosen project's sector. The server checks the
   same rules; this only spares a refused submit. */
(function () {
  "use strict";
  var form = document.querySelector("form.visit-form");
  if (!form) return;

  function show(option, visible) {
    // A chosen option stays visible: hiding it would change what was typed.
    var keep = visible || option.selected || !option.value;
    option.hidden = !keep;
    option.disabled = !keep;
  }

  function narrowProjects() {
    var date = form.querySelector("[name=visit_date]");
    var project = form.querySelector("select[name=project]");
    if (!date || !project) return;
    var day = date.value; // ISO yyyy-mm-dd, so strings compare as dates
    Array.prototype.forEach.call(project.options, function (option) {
      if (!option.dataset.start) return;
      var running = !day || (option.dataset.start <= day && (!option.dataset.end || option.dataset.end >= day));
      show(option, running);
    });
  }

  function chosenSector() {
    var project = form.querySelector("select[name=project]");
    var option = project && project.options[project.selectedIndex];
    return option && option.dataset.sector ? option.dataset.sector : "";
  }

  function narrowActivities(root) {
    var sector = chosenSector();
    (root || form).querySelectorAll("select[name$=-activity_type]").forEach(function (select) {
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var sectors = option.dataset.sectors ? option.dataset.sectors.split(" ") : [];
        show(option, !sector || !sectors.length || sectors.indexOf(sector) >= 0);
      });
    });
  }

  // "Add another …": copy the formset's empty form, numbered after the last one.
  form.querySelectorAll("[data-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      var prefix = button.dataset.add;
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var html = document.getElementById(prefix + "-empty").innerHTML.replace(/__prefix__/g, total.value);
      var holder = form.querySelector('.formset[data-prefix="' + prefix + '"]');
      holder.insertAdjacentHTML("beforeend", html);
      total.value = parseInt(total.value, 10) + 1;
      narrowActivities(holder.lastElementChild);
      form.dispatchEvent(new CustomEvent("visit:added", { detail: { prefix: prefix } }));
    });
  });

  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name === "visit_date") narrowProjects();
    if (name === "project") narrowActivities();
  });
  form.addEventListener("input", function (event) {
    if (event.target.name === "visit_date") narrowProjects();
  });
  narrowProjects();
  narrowActivities();
  window.iomdashVisitForm = { narrowProjects: narrowProjects, narrowActivities: narrowActivities };
})();

/* "Add my location": the phone's position, only when the monitor presses the
   button (the browser asks their consent), with the accuracy it reports, kept
   in the form's hidden location fields (saved with the draft like any field). */
(function () {
  "use strict";
  var box = document.querySelector("form.visit-form [data-location]");
  if (!box) return;
  var button = box.querySelector("[data-location-add]");
  var status = box.querySelector("[data-location-status]");
  function field(name) { return box.querySelector("[name='location-" + name + "']"); }
  function say(template, values) {
    status.textContent = template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  // A form shown again (a refused save) still holds the position taken.
  if (field("latitude").value && field("accuracy_m").value) {
    say(box.dataset.added, { accuracy: Math.round(parseFloat(field("accuracy_m").value)) });
  }
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { say(box.dataset.unsupported, {}); return; }
    say(box.dataset.locating, {});
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      field("latitude").value = c.latitude.toFixed(6);
      field("longitude").value = c.longitude.toFixed(6);
      field("accuracy_m").value = Math.round(c.accuracy);
      field("captured_at").value = new Date(position.timestamp || Date.now()).toISOString();
      button.disabled = false;
      say(box.dataset.added, { accuracy: Math.round(c.accuracy) });
      field("latitude").dispatchEvent(new Event("change", { bubbles: true }));
    }, function (error) {
      button.disabled = false;
      say(box.dataset.failed, { reason: error.message || String(error.code) });
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
  });
})();
