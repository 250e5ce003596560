/* The visit form with no connection. A new visit is saved on the phone as
   it is typed (IndexedDB, photos downscaled first), survives a reload or a
   closed tab, and, submitted while offline, waits in a queue shown on the
   page ("3 visits waiting to send"). Back online, each waiting visit is sent
   through the visits API with the phone's id for it (client_id), so a send
   retried after a lost answer never makes a second visit. A visit the server
   refuses (a project ended, a list item gone) stays on the phone, with what
   to fix; a logged-out session keeps the queue until the monitor logs in.
   Queued visits belong to the user who typed them: another login on the
   same phone neither sees nor sends them. */
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
  var sending = false;

  function t(key, values) {
    var text = TEXT[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(values[name]);
    });
    return text;
  }

  // --- IndexedDB: drafts (one per user) and the queue --------------------------
  var opening;
  function db() {
    opening = opening || new Promise(function (resolve, reject) {
      var request = indexedDB.open("iomdash-visits", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("drafts", { keyPath: "key" });
        request.result.createObjectStore("queue", { keyPath: "client_id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return opening;
  }
  function store(name, mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(name, mode);
        var request = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function getDraft() { return store("drafts", "readonly", function (s) { return s.get(DRAFT_KEY); }); }
  function putDraft(draft) { return store("drafts", "readwrite", function (s) { return s.put(draft); }); }
  function dropDraft() { return store("drafts", "readwrite", function (s) { return s.delete(DRAFT_KEY); }); }
  function queued() {
    return store("queue", "readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).filter(function (item) { return item.user === USER; })
        .sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
    });
  }
  function putQueued(item) { return store("queue", "readwrite", function (s) { return s.put(item); }); }
  function dropQueued(id) { return store("queue", "readwrite", function (s) { return s.delete(id); }); }

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
    if (window.iomdashVisitForm) {
      window.iomdashVisitForm.narrowProjects();
      window.iomdashVisitForm.narrowActivities();
    }
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
      photos[input.name] = { blob: blob, name: name };
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
    return t("visit_label", { project: project ? project.textContent.split(" — ")[0] : "?", date: f.visit_date || "?" });
  }

  function render() {
    return queued().then(function (items) {
      var waiting = items.filter(function (i) { return i.state !== "conflict"; });
      var conflicts = items.filter(function (i) { return i.state === "conflict"; });
      panel.hidden = !items.length;
      var head = panel.querySelector(".queue-count");
      head.textContent = waiting.length === 1 ? t("waiting_one") : t("waiting_many", { count: waiting.length });
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
          var fix = document.createElement("button");
          fix.type = "button";
          fix.className = "button fix";
          fix.textContent = t("fix");
          fix.addEventListener("click", function () { openToFix(item); });
          li.appendChild(fix);
          if (item.visit_id) {
            var link = document.createElement("a");
            link.href = "/visits/" + item.visit_id + "/";
            link.textContent = " " + t("open_on_server");
            li.appendChild(link);
          }
        }
        list.appendChild(li);
      });
      var login = panel.querySelector(".queue-login");
      if (login) login.hidden = panel.dataset.loggedOut !== "1";
    });
  }

  function openToFix(item) {
    draft = { key: DRAFT_KEY, user: USER, client_id: item.visit_id ? newId() : item.client_id, fields: item.fields, photos: item.photos || {} };
    form.reset();
    return putDraft(draft).then(function () { return dropQueued(item.client_id); }).then(function () {
      window.location.reload();
    });
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function body(item) {
    var f = item.fields, rows = function (prefix) {
      var total = parseInt(f[prefix + "-TOTAL_FORMS"] || "0", 10), out = [];
      for (let i = 0; i < total; i++) {
        if (f[prefix + "-" + i + "-DELETE"]) continue;
        out.push(function (name) { return f[prefix + "-" + i + "-" + name]; });
      }
      return out;
    };
    var count = function (value) { return value ? parseInt(value, 10) : 0; };
    var lines = rows("lines").filter(function (get) { return get("activity_type"); }).map(function (get) {
      return {
        activity_type: parseInt(get("activity_type"), 10),
        units: count(get("units")), households: count(get("households")), people: count(get("people")),
        household_size: get("household_size") ? parseInt(get("household_size"), 10) : null
      };
    });
    var referrals = rows("referrals").filter(function (get) { return get("issue"); }).map(function (get) {
      return { issue: get("issue"), referred_to: get("referred_to") || "" };
    });
    var feedback = [];
    form.querySelectorAll(".formset[data-prefix^=feedback]").forEach(function (set) {
      var prefix = set.dataset.prefix;
      rows(prefix).forEach(function (get, index) {
        var answers = {};
        Object.keys(f).forEach(function (name) {
          var m = name.match(new RegExp("^" + prefix + "-(\\d+)-q(\\d+)$"));
          if (m && f[name]) answers[m[2]] = f[name];
        });
        feedback.push({ survey: parseInt(prefix.replace("feedback", ""), 10), sex: get("sex") || "", age_group: get("age_group") || "", population_group: get("population_group") || "", answers: answers });
      });
    });
    return {
      client_id: item.client_id, project: f.project ? parseInt(f.project, 10) : null,
      visit_date: f.visit_date, findings: f.findings || "", lines: lines, referrals: referrals, feedback: feedback,
      location: f["location-latitude"] ? { latitude: parseFloat(f["location-latitude"]), longitude: parseFloat(f["location-longitude"]), accuracy_m: parseFloat(f["location-accuracy_m"]), captured_at: f["location-captured_at"] } : null
    };
  }

  function messages(json) {
    var out = [];
    (function walk(value, where) {
      if (typeof value === "string") out.push((where ? where + ": " : "") + value);
      else if (Array.isArray(value)) value.forEach(function (v, i) { walk(v, typeof v === "object" && v && where ? where + " " + (i + 1) : where); });
      else if (value && typeof value === "object") Object.keys(value).forEach(function (key) { walk(value[key], key === "non_field_errors" || key === "detail" ? where : (TEXT["field_" + key] || key)); });
    })(json, "");
    return out.length ? out : [t("refused")];
  }

  function post(url, payload, isJson) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", redirect: "follow",
      headers: isJson ? { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" } : { "X-CSRFToken": csrf() },
      body: isJson ? JSON.stringify(payload) : payload
    });
  }

  function LoggedOut() {}

  /* One queued visit: the visit and its lines (once, by its client_id), then
     its photos one by one (each recorded as sent), then its submission. */
  function sendOne(item) {
    item.state = "sending";
    return putQueued(item).then(render).then(function () {
      if (item.visit_id) return null;
      return post("/api/v1/visits/", body(item), true).then(function (response) {
        if (response.status === 401 || response.status === 403) throw new LoggedOut();
        return response.json().then(function (json) {
          if (response.status === 400) return { conflict: messages(json) };
          if (!response.ok) throw new Error("HTTP " + response.status);
          item.visit_id = json.id;
          return putQueued(item);
        });
      });
    }).then(function (result) {
      if (result && result.conflict) return result;
      var names = Object.keys(item.photos || {}).filter(function (n) { return !(item.photos_sent || []).includes(n); });
      return names.reduce(function (chain, name) {
        return chain.then(function (previous) {
          if (previous && previous.conflict) return previous;
          var data = new FormData(), prefix = name.replace(/-image$/, "");
          data.append("image", item.photos[name].blob, item.photos[name].name);
          data.append("caption", item.fields[prefix + "-caption"] || "");
          data.append("credit", item.fields[prefix + "-credit"] || "");
          return post("/visits/" + item.visit_id + "/photos/", data, false).then(function (response) {
            if (response.redirected && response.url.indexOf("/accounts/login") >= 0) throw new LoggedOut();
            if (response.status === 404) return { conflict: [t("changed_on_server")] };
            if (!response.ok) throw new Error("HTTP " + response.status);
            if (response.url.indexOf("/visits/" + item.visit_id + "/") < 0 || /\/photos\/$/.test(response.url)) {
              return { conflict: [t("photo_refused", { caption: item.fields[prefix + "-caption"] || "" })] };
            }
            item.photos_sent = (item.photos_sent || []).concat([name]);
            return putQueued(item);
          });
        });
      }, Promise.resolve(null));
    }).then(function (result) {
      if (result && result.conflict) return result;
      if (!item.submit) return null;
      return post("/api/v1/visits/" + item.visit_id + "/submit/", {}, true).then(function (response) {
        if (response.status === 401 || response.status === 403) throw new LoggedOut();
        if (response.ok) return null;
        if (response.status === 404) {
          // Submitted already (a retry), or returned/changed by a manager meanwhile.
          return fetch("/api/v1/visits/" + item.visit_id + "/", { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (r) { return r.ok ? r.json() : {}; })
            .then(function (visit) { return visit.status === "submitted" ? null : { conflict: [t("changed_on_server")] }; });
        }
        return response.json().then(function (json) { return { conflict: messages(json) }; });
      });
    }).then(function (result) {
      if (result && result.conflict) {
        item.state = "conflict";
        item.errors = result.conflict;
        return putQueued(item).then(function () { return false; });
      }
      return dropQueued(item.client_id).then(function () { return true; });
    }, function (error) {
      item.state = "waiting";
      return putQueued(item).then(function () { throw error; });
    });
  }

  function sendAll() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    panel.dataset.loggedOut = "";
    return queued().then(function (items) {
      var todo = items.filter(function (i) { return i.state !== "conflict"; });
      var done = 0;
      return todo.reduce(function (chain, item) {
        return chain.then(function () {
          status(t("sending", { done: done + 1, count: todo.length }));
          return sendOne(item).then(function (sent) { if (sent) done += 1; });
        });
      }, Promise.resolve()).then(function () {
        if (todo.length) status(t("sent", { count: done }));
      });
    }).catch(function (error) {
      if (error instanceof LoggedOut) {
        panel.dataset.loggedOut = "1";
        status(t("logged_out"));
      } else {
        status(t("send_failed"));
      }
    }).then(function () {
      sending = false;
      return render();
    });
  }

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

  // --- Wiring ---------------------------------------------------------------------
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", function (event) {
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
  var request = indexedDB.open("iomdash-visits", 1);
  request.onupgradeneeded = function () {
    request.result.createObjectStore("drafts", { keyPath: "key" });
    request.result.createObjectStore("queue", { keyPath: "client_id" });
  };
  request.onsuccess = function () {
    request.result.transaction("drafts", "readwrite").objectStore("drafts").delete(key);
  };
})();
