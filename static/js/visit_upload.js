/* "Save draft" and "Save and submit" with photos, online: the photos are
   sent one by one with their upload progress, and a failed upload is tried
   again (by itself after a pause that grows, or at once with "Try again
   now") until it is on the server: a photo is never dropped. Each photo
   carries the phone's id of it, so a retried upload never adds a second.
   - On a visit's edit page, its photos go first, each marked sent; then the
     form is posted as usual (photo fields left out).
   - On the new-visit form, the form is posted first without its photos
     (views_form_json: a JSON answer, the visit's id; retried with the same
     client_id, never a second visit), then the offline queue (offline.js,
     offline_send.js) sends its photos and submits it, keeping them on the
     phone until they are all sent; then the page opens the visit.
   Without a connection offline.js queues the visit; without JavaScript, or
   with no photo chosen, the form is posted as usual. */
(function () {
  "use strict";
  var form = document.querySelector("form.visit-form");
  var box = document.getElementById("upload-progress");
  if (!form || !box) return;
  var TEXT = box.dataset;
  var bar = box.querySelector("progress");
  var line = box.querySelector("[data-upload-status]");
  var again = box.querySelector("[data-upload-again]");
  var busy = false, delay = 2000;

  function Refused(fields) { this.fields = fields; }
  function Stop() {}

  function fill(template, values) {
    Object.keys(values || {}).forEach(function (name) {
      template = template.split("%(" + name + ")s").join(values[name]);
    });
    return template.split("%%").join("%");
  }

  function say(text, fraction) {
    box.hidden = false;
    line.textContent = text;
    if (typeof fraction === "number") bar.value = Math.round(fraction * 100);
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function chosen() {
    return Array.prototype.filter.call(form.querySelectorAll(".photo-line input[type=file]"), function (input) {
      return !input.disabled && input.files && input.files.length;
    });
  }

  function rowField(input, name) {
    return form.querySelector('[name="' + input.name.replace(/-image$/, "-" + name) + '"]');
  }

  // --- Messages by their fields, as the page shows them after a refused post ------
  function clearErrors() {
    form.parentNode.querySelectorAll(".upload-error").forEach(function (el) { el.remove(); });
  }

  function showErrors(fields) {
    var first = null;
    Object.keys(fields).forEach(function (name) {
      var el = name && (form.querySelector('[name="' + name + '"]') || form.querySelector('[name^="' + name + '-"]'));
      var holder = null;
      if (el) holder = el.name === name ? (el.closest(".field") || el.parentNode) : (el.closest(".formset > *") || el.parentNode);
      fields[name].forEach(function (message) {
        var p = document.createElement("p");
        p.className = "error upload-error";
        p.textContent = message;
        if (holder) holder.appendChild(p);
        else top().appendChild(p);
      });
      first = first || holder;
    });
    var notice = top();
    (first || notice).scrollIntoView({ block: "center" });
  }

  function top() {
    var notice = form.parentNode.querySelector(".notice.upload-error");
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "notice error upload-error";
      notice.setAttribute("role", "alert");
      notice.textContent = TEXT.refused;
      form.parentNode.insertBefore(notice, form);
    }
    return notice;
  }

  function missing(inputs) {
    var fields = {};
    inputs.forEach(function (input) {
      ["caption", "credit"].forEach(function (name) {
        var el = rowField(input, name);
        if (el && !el.value.trim()) fields[el.name] = [TEXT.required];
      });
    });
    return fields;
  }

  // --- Trying again ---------------------------------------------------------------
  /* Resolves after a pause that doubles at each failure (at most a minute),
     when the connection returns, or when "Try again now" is pressed. */
  function pause() {
    return new Promise(function (resolve) {
      var timer = null;
      function go() {
        clearTimeout(timer);
        window.removeEventListener("online", go);
        again.hidden = true;
        again.onclick = null;
        resolve();
      }
      say(fill(TEXT.retry, { seconds: Math.round(delay / 1000) }));
      again.hidden = false;
      again.onclick = go;
      window.addEventListener("online", go);
      timer = setTimeout(go, delay);
      delay = Math.min(delay * 2, 60000);
    });
  }

  function loggedOut(status, url) {
    return status === 401 || status === 403 || /\/accounts\/login\//.test(url || "");
  }

  // --- An existing visit: its photos, then the form ------------------------------
  function uploadOne(url, input, number, count) {
    input.dataset.clientId = input.dataset.clientId || newId();
    var file = input.files[0];
    return window.iomdashPhotoUpload({
      url: url, csrf: csrf(), blob: file, name: file.name, client_id: input.dataset.clientId,
      caption: rowField(input, "caption").value, credit: rowField(input, "credit").value,
      progress: function (part) {
        say(fill(TEXT.sending, { number: number, count: count, percent: Math.round(part * 100) }), (number - 1 + part) / count);
      }
    }).then(function (xhr) {
      if (xhr.status === 201) {
        delay = 2000;
        var row = input.closest(".photo-line");
        row.classList.add("sent");
        row.querySelectorAll("input").forEach(function (el) { el.disabled = true; });
        return;
      }
      if (loggedOut(xhr.status, xhr.responseURL) || xhr.status === 404) throw new Stop();
      if (xhr.status === 400) {
        var json = {}, fields = {};
        try { json = JSON.parse(xhr.responseText); } catch (error) { /* kept empty */ }
        Object.keys(json).forEach(function (name) {
          fields[name === "__all__" ? input.name : input.name.replace(/-image$/, "-" + name)] = json[name];
        });
        throw new Refused(fields);
      }
      throw new Error("HTTP " + xhr.status); // a server error: tried again
    }).catch(function (error) {
      if (error instanceof Refused || error instanceof Stop) throw error;
      return pause().then(function () { return uploadOne(url, input, number, count); });
    });
  }

  function sendPhotos(url, inputs) {
    return inputs.reduce(function (chain, input, index) {
      return chain.then(function () { return uploadOne(url, input, index + 1, inputs.length); });
    }, Promise.resolve());
  }

  // --- A new visit: the form without its photos, then the queue -------------------
  function scaled() {
    // offline.js makes each photo smaller before keeping it: wait for it.
    return new Promise(function (resolve) {
      (function check(tries) {
        if (!form.querySelector("input[data-scaling]") || tries > 100) resolve();
        else setTimeout(function () { check(tries + 1); }, 100);
      })(0);
    });
  }

  function post(data) {
    say(TEXT.saving, 0);
    return fetch(window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf() }
    }).then(function (response) {
      if (loggedOut(response.status, response.url)) throw new Stop();
      if (response.status === 400) {
        return response.json().then(function (json) { throw new Refused(json.errors || {}); });
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).catch(function (error) {
      if (error instanceof Refused || error instanceof Stop) throw error;
      return pause().then(function () { return post(data); });
    });
  }

  function sendNew(offline, submitting) {
    return scaled().then(offline.clientId).then(function (clientId) {
      var data = new FormData(form);
      Array.from(data.keys()).forEach(function (name) {
        if (name.indexOf("photos-") === 0) data.delete(name);
      });
      data.append("client_id", clientId);
      data.append(submitting ? "submit" : "save", "");
      data.append("photos_follow", "1");
      return post(data);
    }).then(function (visit) {
      box.hidden = true;
      var note = document.getElementById("offline-status");
      if (note) note.textContent = TEXT.handed;
      return offline.handOver({ id: visit.id, next: visit.next, submit: submitting });
    });
  }

  function buttons(disabled) {
    form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = disabled; });
  }

  form.addEventListener("submit", function (event) {
    if (busy) { event.preventDefault(); return; }
    if (event.defaultPrevented || !navigator.onLine) return; // offline.js queues it
    var inputs = chosen();
    if (!inputs.length) return; // posted as usual
    event.preventDefault();
    sessionStorage.removeItem("iomdash-posted"); // offline.js's note: the draft stays until sent
    var submitter = event.submitter;
    var submitting = !!(submitter && submitter.name === "submit");
    clearErrors();
    var empty = missing(inputs);
    if (Object.keys(empty).length) { showErrors(empty); return; }
    var offline = window.iomdashOfflineForm;
    if (!box.dataset.photos && !offline) return; // cannot happen: a new visit has the offline app
    busy = true;
    buttons(true);
    var work = box.dataset.photos
      ? sendPhotos(box.dataset.photos, inputs).then(function () {
        busy = false;
        buttons(false);
        say(fill(TEXT.sending, { number: inputs.length, count: inputs.length, percent: 100 }), 1);
        if (form.requestSubmit && submitter) form.requestSubmit(submitter);
        else HTMLFormElement.prototype.submit.call(form);
      })
      : sendNew(offline, submitting);
    work.catch(function (error) {
      busy = false;
      buttons(false);
      if (error instanceof Refused) {
        box.hidden = true;
        showErrors(error.fields);
      } else if (error instanceof Stop) {
        say(TEXT.stopped);
      } else {
        throw error;
      }
    });
  });
})();
