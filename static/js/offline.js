/* The visit form with no connection. A new visit is saved on the phone as
   it is typed (IndexedDB, photos downscaled first), survives a reload or a
   closed tab, and, submitted while offline, waits in a queue shown on the
   page ("3 visits waiting to send"). Back online, each waiting visit is sent
   by offline_send.js. A visit the server refuses (a project ended, a list
   item gone) or changed meanwhile (returned by a manager) stays on the
   phone, marked, with the server's message by each field; a logged-out
   session keeps the queue until the monitor logs in. Queued visits belong
   to the user who typed them: another login on the same phone neither sees
   nor sends them. Stored with idb (static/vendor/workbox/idb.js). */

/* The phone's database: drafts (one per user) and the queue. */
window.iomdashVisitsDB = (function () {
  "use strict";
  var opening = null;
  return function () {
    opening = opening || idb.openDB("iomdash-visits", 1, {
      upgrade: function (database) {
        database.createObjectStore("drafts", { keyPath: "key" });
        database.createObjectStore("queue", { keyPath: "client_id" });
      }
    });
    return opening;
  };
})();

(function () {
  "use strict";
  var root = document.getElementById("offline-app");
  if (!root) return;
  var TEXT = JSON.parse(document.getElementById("offline-text").textContent);
  var USER = root.dataset.user;
  var form = document.querySelector("form.visit-form[data-offline]");
  var panel = document.getElementById("offline-queue");
  var DRAFT_KEY = "new:" + USER;
  var PHOTO_PX = 1600;

  function t(key, values) {
    var text = TEXT[key] || key;
    if (Array.isArray(text)) {
      // A plural message: its text for each count up to 199, the rules
      // repeating every hundred beyond (beneficiaries/views_offline.py).
      var n = (values && values.count) || 0;
      text = text[n < text.length ? n : 100 + (n % 100)];
    }
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(values[name]);
    });
    return text.split("%%").join("%"); // Python's escaped per cent sign
  }

  // A visit's date as the site writes dates, day first ("05/03/2018" for
  // 2018-03-05, the form's value): the queue never shows a month-first date.
  function dayFirst(value) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    return parts ? parts[3] + "/" + parts[2] + "/" + parts[1] : (value || "?");
  }

  // --- IndexedDB (idb): drafts (one per user) and the queue ---------------------
  function db() { return window.iomdashVisitsDB(); }
  function getDraft() { return db().then(function (d) { return d.get("drafts", DRAFT_KEY); }); }
  function putDraft(saved) { return db().then(function (d) { return d.put("drafts", saved); }); }
  function dropDraft() { return db().then(function (d) { return d.delete("drafts", DRAFT_KEY); }); }
  function queued() {
    return db().then(function (d) { return d.getAll("queue"); }).then(function (items) {
      return (items || []).filter(function (item) { return item.user === USER; })
        .sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
    });
  }
  function putQueued(item) { return db().then(function (d) { return d.put("queue", item); }); }
  function dropQueued(id) { return db().then(function (d) { return d.delete("queue", id); }); }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  // --- The draft being typed ------------------------------------------------------
  var draft = null;
  var photos = {}; // file input name -> {blob, name}

  function collect() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.type === "button") return;
      if (el.name === "csrfmiddlewaretoken") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      fields[el.name] = el.value;
    });
    return fields;
  }

  var timer;
  function saveSoon() {
    clearTimeout(timer);
    timer = setTimeout(saveNow, 250);
  }
  function saveNow() {
    clearTimeout(timer);
    draft = draft || { key: DRAFT_KEY, user: USER, client_id: newId() };
    draft.fields = collect();
    draft.photos = photos;
    draft.saved_at = new Date().toISOString();
    return putDraft(draft).then(function () {
      root.dataset.draftSaved = draft.saved_at;
      status(t("draft_saved"));
    });
  }

  function setFile(input, photo) {
    try {
      var files = new DataTransfer();
      files.items.add(new File([photo.blob], photo.name, { type: photo.blob.type || "image/jpeg" }));
      input.files = files.files;
    } catch (error) { /* an old browser: the photo stays in the draft */ }
    var note = input.parentNode.querySelector(".kept");
    if (!note) {
      note = document.createElement("small");
      note.className = "hint kept";
      input.parentNode.appendChild(note);
    }
    note.textContent = t("photo_kept", { size: Math.round(photo.blob.size / 1024) });
  }

  function restore(saved) {
    var fields = saved.fields || {};
    // Add the lines, referrals and responses the draft had, then fill them in.
    form.querySelectorAll("[data-add]").forEach(function (button) {
      var prefix = button.dataset.add;
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var wanted = parseInt(fields[prefix + "-TOTAL_FORMS"] || "0", 10);
      while (total && parseInt(total.value, 10) < wanted) button.click();
    });
    Object.keys(fields).forEach(function (name) {
      form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === fields[name];
        else el.value = fields[name];
      });
    });
    photos = saved.photos || {};
    Object.keys(photos).forEach(function (name) {
      var input = form.querySelector('input[type=file][name="' + name + '"]');
      if (input) setFile(input, photos[name]);
    });
    showServerErrors(saved.field_errors || {});
    if (window.iomdashVisitForm) {
      window.iomdashVisitForm.narrowProjects();
      window.iomdashVisitForm.narrowActivities();
    }
  }

  /* The server's messages of a refused visit, each by its field (the rest,
     about the visit as a whole, above the form), as the server's own form
     shows them. */
  function showServerErrors(fieldErrors) {
    Object.keys(fieldErrors).forEach(function (name) {
      var el = name && form.querySelector('[name="' + name + '"]');
      var box = el ? (el.closest(".field") || el.parentNode) : null;
      if (!box) {
        box = document.createElement("div");
        box.className = "notice error";
        box.setAttribute("role", "alert");
        form.parentNode.insertBefore(box, form);
      } else {
        box.classList.add("has-error");
      }
      fieldErrors[name].forEach(function (message) {
        var line = document.createElement("p");
        line.className = "error offline-error";
        line.textContent = message;
        box.appendChild(line);
      });
    });
  }

  /* A photo is made smaller on the phone before it is kept: at most 1600 px
     (what the server keeps anyway), as JPEG, which also drops its location. */
  function downscale(file) {
    if (!window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, PHOTO_PX / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; }); // HEIC and the like: kept as taken
  }

  function photoChosen(input) {
    var file = input.files && input.files[0];
    if (!file || input.dataset.scaling) return;
    input.dataset.scaling = "1";
    downscale(file).then(function (blob) {
      var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
      photos[input.name] = { blob: blob, name: name, client_id: newId() };
      setFile(input, photos[input.name]);
      delete input.dataset.scaling;
      return saveNow();
    });
  }

  // --- The queue ------------------------------------------------------------------
  function status(text) {
    var line = document.getElementById("offline-status");
    if (line) line.textContent = text;
  }

  function describe(item) {
    var f = item.fields || {};
    var project = form.querySelector('select[name=project] option[value="' + f.project + '"]');
    return t("visit_label", { project: project ? project.textContent.split(" — ")[0] : "?", date: dayFirst(f.visit_date) });
  }

  function render() {
    return queued().then(function (items) {
      var waiting = items.filter(function (i) { return i.state !== "conflict"; });
      var conflicts = items.filter(function (i) { return i.state === "conflict"; });
      panel.hidden = !items.length;
      var head = panel.querySelector(".queue-count");
      head.textContent = t("waiting", { count: waiting.length });
      panel.dataset.waiting = waiting.length;
      panel.dataset.conflicts = conflicts.length;
      var list = panel.querySelector("ul");
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.clientId = item.client_id;
        li.className = "queue-item " + item.state;
        var label = document.createElement("strong");
        label.textContent = describe(item);
        li.appendChild(label);
        var state = document.createElement("span");
        state.className = "queue-state";
        state.textContent = " " + t("state_" + item.state);
        li.appendChild(state);
        if (item.state === "sending" && Object.keys(item.photos || {}).length) {
          var bar = document.createElement("progress");
          bar.max = 100;
          bar.value = 0;
          li.appendChild(bar);
        }
        if (item.state === "conflict") {
          var errors = document.createElement("ul");
          errors.className = "errors";
          (item.errors || []).forEach(function (message) {
            var e = document.createElement("li");
            e.className = "error";
            e.textContent = message;
            errors.appendChild(e);
          });
          li.appendChild(errors);
          if (item.visit_id) {
            // On the server already, with all it had (photos too): corrected
            // there, then taken off the phone by the monitor.
            var link = document.createElement("a");
            link.className = "button open";
            link.href = "/visits/" + item.visit_id + (item.returned ? "/edit/" : "/");
            link.textContent = item.returned ? t("correct_on_server") : t("open_on_server");
            li.appendChild(link);
            li.appendChild(button("dismiss", t("dismiss"), function () { dropQueued(item.client_id).then(render); }));
          } else {
            li.appendChild(button("fix", t("fix"), function () { openToFix(item); }));
          }
        }
        list.appendChild(li);
      });
      var login = panel.querySelector(".queue-login");
      if (login) login.hidden = panel.dataset.loggedOut !== "1";
    });
  }

  function button(name, text, action) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button " + name;
    element.textContent = text;
    element.addEventListener("click", action);
    return element;
  }

  /* Back into the form (never sent: its client_id stays), with the server's
     messages by their fields. */
  function openToFix(item) {
    draft = { key: DRAFT_KEY, user: USER, client_id: item.client_id, fields: item.fields, photos: item.photos || {}, field_errors: item.field_errors || {} };
    form.reset();
    return putDraft(draft).then(function () { return dropQueued(item.client_id); }).then(function () {
      window.location.reload();
    });
  }

  var sender = window.iomdashOfflineSend({
    t: t, TEXT: TEXT, form: form, panel: panel, newId: newId, status: status, render: render,
    queued: queued, putQueued: putQueued, dropQueued: sentOff
  });
  var sendAll = sender.sendAll;

  function queueDraft(submit) {
    return saveNow().then(function () {
      var item = { client_id: draft.client_id, user: USER, fields: draft.fields, photos: draft.photos, submit: submit, state: "waiting", queued_at: new Date().toISOString() };
      return putQueued(item);
    }).then(dropDraft).then(function () {
      draft = null;
      photos = {};
      form.reset();
      form.querySelectorAll(".kept").forEach(function (note) { note.remove(); });
      status(t("queued"));
      return render();
    });
  }

  /* The form sent online with photos (visit_upload.js): once the server has
     the visit, what is left (its photos, then its submission) goes through
     the queue, with its progress and retries, kept on the phone until it is
     all sent; then the page opens the visit. */
  var handedOver = null;
  function sentOff(id) {
    return dropQueued(id).then(function () {
      if (handedOver && handedOver.client_id === id) window.location.assign(handedOver.next);
    });
  }
  function handOver(visit) {
    return saveNow().then(function () {
      var kept = {};
      Object.keys(draft.photos || {}).forEach(function (name) {
        var input = form.querySelector('input[type=file][name="' + name + '"]');
        if (input && input.files && input.files.length) kept[name] = draft.photos[name];
      });
      handedOver = { client_id: draft.client_id, next: visit.next };
      return putQueued({ client_id: draft.client_id, user: USER, fields: draft.fields, photos: kept, submit: visit.submit, visit_id: visit.id, state: "waiting", queued_at: new Date().toISOString() });
    }).then(dropDraft).then(function () {
      draft = null;
      photos = {};
      form.reset();
      form.querySelectorAll(".kept").forEach(function (note) { note.remove(); });
      return render();
    }).then(function () {
      panel.scrollIntoView();
      return sendAll();
    });
  }
  window.iomdashOfflineForm = {
    clientId: function () { return saveNow().then(function () { return draft.client_id; }); },
    queue: queueDraft,
    handOver: handOver
  };

  // --- Wiring ---------------------------------------------------------------------
  /* A field changed: the server's message about it no longer applies. */
  function fixed(field) {
    if (!draft || !draft.field_errors || !draft.field_errors[field.name]) return;
    delete draft.field_errors[field.name];
    var box = field.closest(".field");
    if (box) box.querySelectorAll(".offline-error").forEach(function (line) { line.remove(); });
  }
  form.addEventListener("input", function (event) { fixed(event.target); saveSoon(); });
  form.addEventListener("change", function (event) {
    fixed(event.target);
    if (event.target.type === "file") photoChosen(event.target);
    else saveSoon();
  });
  form.addEventListener("visit:added", saveSoon);
  form.addEventListener("submit", function (event) {
    var submitting = !!(event.submitter && event.submitter.name === "submit");
    if (!navigator.onLine) {
      event.preventDefault();
      queueDraft(submitting);
      return;
    }
    // Online, the form is posted as usual; the draft is dropped once the
    // server has the visit (the next page is not this form again).
    sessionStorage.setItem("iomdash-posted", DRAFT_KEY);
  });
  panel.querySelector(".queue-send").addEventListener("click", sendAll);
  window.addEventListener("online", function () { root.dataset.online = "1"; sendAll(); });
  window.addEventListener("offline", function () { root.dataset.online = ""; status(t("offline")); });

  var posted = sessionStorage.getItem("iomdash-posted");
  sessionStorage.removeItem("iomdash-posted");
  var serverErrors = !!document.querySelector(".notice.error");
  var ready = (posted && serverErrors) ? Promise.resolve() : getDraft().then(function (saved) {
    if (saved && saved.fields) {
      draft = saved;
      restore(saved);
      status(t("draft_restored"));
    }
  });
  /* The lists kept on the phone (fresh when online, the last ones when not):
     a draft whose project left the monitor's list is said so at once. */
  function checkReference() {
    return fetch(root.dataset.reference, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (lists) {
        if (!lists || !draft || !draft.fields || !draft.fields.project) return;
        var known = lists.projects.some(function (p) { return String(p.id) === draft.fields.project; });
        if (!known) status(t("project_gone"));
      }).catch(function () {});
  }

  ready.then(render).then(checkReference).then(function () {
    root.dataset.ready = "1";
    if (!navigator.onLine) status(t("offline"));
    return sendAll();
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [window.location.pathname, root.dataset.reference];
      document.querySelectorAll("link[rel=stylesheet], script[src], link[rel=manifest]").forEach(function (el) {
        urls.push(el.href || el.src);
      });
      registration.active.postMessage({ type: "cache", urls: urls });
    }).catch(function () { /* no worker (an old browser): drafts still work */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "cached") root.dataset.cached = "1";
    });
  }
})();

/* On a visit's page after the form was posted: the server has the visit, so
   the draft kept on the phone is dropped. */
(function () {
  "use strict";
  var done = document.querySelector("[data-posted-ok]");
  var key = window.sessionStorage && sessionStorage.getItem("iomdash-posted");
  if (!done || !key) return;
  sessionStorage.removeItem("iomdash-posted");
  window.iomdashVisitsDB().then(function (database) { return database.delete("drafts", key); });
})();
