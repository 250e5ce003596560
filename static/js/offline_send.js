/* Sending the visits waiting on the phone (offline.js keeps them). Each
   visit is sent through the visits API with the phone's id of it
   (client_id), so a send retried after a lost answer never makes a second
   visit; then its photos, one by one, each with the phone's id of it and its
   upload progress shown, so a retried upload never adds a second photo;
   then its submission. A send that fails is tried again later, never
   dropped. A visit the server refuses, or one changed there meanwhile
   (returned by a manager), stays on the phone marked, with the server's
   message for each field. */
(function () {
  "use strict";

  function LoggedOut() {}
  function Conflict(errors, fields, returned) {
    this.errors = errors;
    this.fields = fields || {};
    this.returned = returned || null;
  }

  window.iomdashOfflineSend = function (ctx) {
    var t = ctx.t, form = ctx.form, TEXT = ctx.TEXT;
    var sending = false, again = false, retryTimer = null, retryDelay = 10000;

    function csrf() {
      var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      if (match) return decodeURIComponent(match[1]);
      var input = form.querySelector("[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    }

    /* The API's body for a queued visit, and for each line, referral and
       response sent, the form row it came from (to put a message by it). */
    function body(item) {
      var f = item.fields, where = { lines: [], reaches: [], referrals: [], feedback: [] };
      var rows = function (prefix) {
        var total = parseInt(f[prefix + "-TOTAL_FORMS"] || "0", 10), out = [];
        for (var i = 0; i < total; i++) {
          if (f[prefix + "-" + i + "-DELETE"]) continue;
          out.push({ row: prefix + "-" + i, get: (function (row) { return function (name) { return f[row + "-" + name]; }; })(prefix + "-" + i) });
        }
        return out;
      };
      // Digits typed as ٠-٩ or ۰-۹ count as 0-9.
      var western = function (value) { return String(value).replace(/[\u0660-\u0669\u06F0-\u06F9]/g, function (d) { return String(d.charCodeAt(0) & 0xF); }); };
      var count = function (value) { return value ? parseInt(western(value), 10) : 0; };
      var split = function (value) { return value ? parseInt(western(value), 10) : null; };
      var CELL = /^[fm]_(0_5|6_17|18_59|60plus)_(idp|returnee|host|refugee)$/;
      // The two-way cells (women 18-59 with no group ...): empty is not recorded.
      var PAIRS = {
        sex_age: /^[fm]_(0_5|6_17|18_59|60plus)$/,
        sex_pop: /^[fm]_(idp|returnee|host|refugee)$/,
        age_pop: /^(0_5|6_17|18_59|60plus)_(idp|returnee|host|refugee)$/
      };
      var lines = rows("lines").filter(function (r) { return r.get("activity_type"); }).map(function (r) {
        where.lines.push(r.row);
        return {
          activity_type: parseInt(r.get("activity_type"), 10),
          units: count(r.get("units")), households: count(r.get("households")), people: count(r.get("people")),
          household_size: split(r.get("household_size")),
          // The splits as recorded: empty is null, not recorded.
          sex_f: split(r.get("sex_f")), sex_m: split(r.get("sex_m")),
          age_0_5: split(r.get("age_0_5")), age_6_17: split(r.get("age_6_17")),
          age_18_59: split(r.get("age_18_59")), age_60plus: split(r.get("age_60plus")),
          pop_idp: split(r.get("pop_idp")), pop_returnee: split(r.get("pop_returnee")),
          pop_host: split(r.get("pop_host")), pop_refugee: split(r.get("pop_refugee")),
          // A backdated line keeps its day (empty: the visit's).
          delivered_on: r.get("delivered_on") || null,
          // The letter of the reach it shares with other lines (empty: none).
          reach: r.get("reach") || null
        };
      }).map(function (line, i) {
        // The crossing cells typed (f_18_59_idp ...), so a queued visit loses none of them.
        var row = where.lines[i] + "-";
        Object.keys(f).forEach(function (name) {
          var column = name.slice(row.length);
          if (name.indexOf(row) === 0 && CELL.test(column) && f[name]) line[column] = count(f[name]);
          if (name.indexOf(row) !== 0 || !f[name]) return;
          Object.keys(PAIRS).forEach(function (pair) {
            if (!PAIRS[pair].test(column)) return;
            line.crossings = line.crossings || {};
            line.crossings[pair] = line.crossings[pair] || {};
            line.crossings[pair][column] = count(f[name]);
          });
        });
        return line;
      });
      // Households several lines reached together, under the letter the lines choose.
      var reaches = rows("reaches").filter(function (r) { return r.get("key") && (r.get("households") || r.get("people")); }).map(function (r) {
        where.reaches.push(r.row);
        return {
          key: r.get("key"), households: count(r.get("households")), people: count(r.get("people")),
          household_size: r.get("household_size") ? parseInt(r.get("household_size"), 10) : null
        };
      });
      var referrals = rows("referrals").filter(function (r) { return r.get("issue"); }).map(function (r) {
        where.referrals.push(r.row);
        return { issue: r.get("issue"), referred_to: r.get("referred_to") || "" };
      });
      var feedback = [];
      form.querySelectorAll(".formset[data-prefix^=feedback]").forEach(function (set) {
        var prefix = set.dataset.prefix;
        rows(prefix).forEach(function (r) {
          var answers = {};
          Object.keys(f).forEach(function (name) {
            var m = name.match(new RegExp("^" + r.row + "-q(\\d+)$"));
            if (m && f[name]) answers[m[1]] = f[name];
          });
          where.feedback.push(r.row);
          feedback.push({ survey: parseInt(prefix.replace("feedback", ""), 10), sex: r.get("sex") || "", age_group: r.get("age_group") || "", population_group: r.get("population_group") || "", answers: answers });
        });
      });
      return {
        json: {
          client_id: item.client_id, project: f.project ? parseInt(f.project, 10) : null,
          visit_date: f.visit_date, place: f.place || null, findings: f.findings || "", lines: lines, reaches: reaches, referrals: referrals, feedback: feedback,
          location: f["location-latitude"] ? { latitude: parseFloat(f["location-latitude"]), longitude: parseFloat(f["location-longitude"]), accuracy_m: parseFloat(f["location-accuracy_m"]), captured_at: f["location-captured_at"] } : null
        },
        where: where
      };
    }

    /* The server's refusal as a Conflict: every message, labelled, for the
       queue, and by form field name ("" for the visit as a whole) for the form. */
    function refusal(json, where, prefix) {
      var errors = [], fields = {};
      function label(path) {
        var out = [];
        path.forEach(function (p) {
          if (typeof p === "number" && out.length) out[out.length - 1] += " " + (p + 1);
          else if (typeof p === "string") out.push(TEXT["field_" + p] || p);
        });
        return out.length ? out.join(", ") + ": " : "";
      }
      function fieldName(path) {
        if (prefix) return prefix + "-" + (path.length ? path[0] : "image");
        if (!path.length) return "";
        var rows = where[path[0]];
        if (rows && typeof path[1] === "number" && rows[path[1]]) {
          return rows[path[1]] + (typeof path[2] === "string" ? "-" + path[2] : "");
        }
        return String(path[0]);
      }
      (function walk(value, path) {
        if (typeof value === "string") {
          var name = fieldName(path);
          (fields[name] = fields[name] || []).push(value);
          errors.push(label(path) + value);
        } else if (Array.isArray(value)) {
          var rows = path.length === 1 && where[path[0]];
          value.forEach(function (v, i) { walk(v, rows && v && typeof v === "object" ? path.concat([i]) : path); });
        } else if (value && typeof value === "object") {
          Object.keys(value).forEach(function (key) {
            var whole = key === "non_field_errors" || key === "detail" || key === "__all__";
            walk(value[key], whole ? path : path.concat([key]));
          });
        }
      })(json, []);
      return new Conflict(errors.length ? errors : [t("refused")], fields);
    }

    /* One call to the visits API: its status and JSON; a logged-out session
       (401/403) stops the sending, keeping the queue. */
    function api(method, url, payload) {
      var headers = { Accept: "application/json", "X-CSRFToken": csrf() };
      if (payload) headers["Content-Type"] = "application/json";
      return fetch(url, { method: method, credentials: "same-origin", headers: headers, body: payload ? JSON.stringify(payload) : undefined })
        .then(function (response) {
          if (response.status === 401 || response.status === 403) throw new LoggedOut();
          return response.json().catch(function () { return {}; }).then(function (json) {
            return { status: response.status, ok: response.ok, json: json };
          });
        });
    }

    function showProgress(item, text, fraction) {
      ctx.status(text);
      var bar = document.querySelector('.queue-item[data-client-id="' + item.client_id + '"] progress');
      if (bar) bar.value = Math.round(fraction * 100);
    }

    /* One photo, with its upload progress (photo_upload.js). */
    function upload(item, name, number, count) {
      var photo = item.photos[name], prefix = name.replace(/-image$/, "");
      var caption = item.fields[prefix + "-caption"] || "";
      return window.iomdashPhotoUpload({
        url: "/visits/" + item.visit_id + "/photos/", csrf: csrf(), blob: photo.blob, name: photo.name,
        caption: caption, credit: item.fields[prefix + "-credit"] || "", client_id: photo.client_id,
        progress: function (part) {
          showProgress(item, t("sending_photo", { number: number, count: count, percent: Math.round(part * 100) }), (number - 1 + part) / count);
        }
      }).then(function (xhr) {
        if (xhr.status === 401 || xhr.status === 403 || /\/accounts\/login\//.test(xhr.responseURL)) throw new LoggedOut();
        if (xhr.status === 404) throw new Conflict([t("changed_on_server")]);
        if (xhr.status === 400) {
          var json = {};
          try { json = JSON.parse(xhr.responseText); } catch (error) { /* kept empty */ }
          var refused = refusal(json, {}, prefix);
          refused.errors.unshift(t("photo_refused", { caption: caption }));
          throw refused;
        }
        if (xhr.status !== 201) throw new Error("HTTP " + xhr.status);
        item.photos_sent = (item.photos_sent || []).concat([name]);
        return ctx.putQueued(item);
      });
    }

    function sendPhotos(item) {
      var names = Object.keys(item.photos || {}).filter(function (n) { return (item.photos_sent || []).indexOf(n) < 0; });
      return names.reduce(function (chain, name, index) {
        return chain.then(function () { return upload(item, name, index + 1, names.length); });
      }, Promise.resolve());
    }

    function submit(item) {
      var url = "/api/v1/visits/" + item.visit_id + "/";
      return api("POST", url + "submit/", {}).then(function (answer) {
        if (answer.ok) return;
        if (answer.status === 400) throw refusal(answer.json, {});
        // Submitted already (an answer lost), or changed by a manager meanwhile.
        return api("GET", url).then(function (again) {
          if (again.ok && again.json.status === "submitted") return;
          if (again.ok && again.json.status === "returned") throw returned(again.json);
          throw new Conflict([t("changed_on_server")]);
        });
      });
    }

    function returned(visit) {
      return new Conflict([t("returned", { reason: visit.return_reason || "" })], {}, { reason: visit.return_reason || "" });
    }

    /* One queued visit: made once on the server (or found there again),
       then its photos, then its submission. Resolves true when it is all
       on the server and off the phone, false when it is marked to fix. */
    function sendOne(item) {
      var server = null;
      item.state = "sending";
      Object.keys(item.photos || {}).forEach(function (name) {
        item.photos[name].client_id = item.photos[name].client_id || ctx.newId();
      });
      return ctx.putQueued(item).then(ctx.render).then(function () {
        if (item.visit_id) {
          return api("GET", "/api/v1/visits/" + item.visit_id + "/").then(function (answer) {
            if (answer.status === 404) throw new Conflict([t("changed_on_server")]);
            if (!answer.ok) throw new Error("HTTP " + answer.status); // tried again later
            server = answer.json;
          });
        }
        var payload = body(item);
        return api("POST", "/api/v1/visits/", payload.json).then(function (answer) {
          if (answer.status === 400) throw refusal(answer.json, payload.where);
          if (!answer.ok) throw new Error("HTTP " + answer.status);
          server = answer.json;
          item.visit_id = server.id;
          return ctx.putQueued(item);
        });
      }).then(function () {
        var editable = server.status === "draft" || server.status === "returned";
        if (editable) return sendPhotos(item);
        var unsent = Object.keys(item.photos || {}).length - (item.photos_sent || []).length;
        if (unsent > 0) throw new Conflict([t("changed_on_server")]);
      }).then(function () {
        if (server.status === "returned") throw returned(server);
        if (item.submit && server.status === "draft") return submit(item);
      }).then(function () {
        return ctx.dropQueued(item.client_id).then(function () { return true; });
      }, function (error) {
        if (error instanceof Conflict) {
          item.state = "conflict";
          item.errors = error.errors;
          item.field_errors = error.fields;
          item.returned = error.returned;
          return ctx.putQueued(item).then(function () { return false; });
        }
        item.state = "waiting";
        return ctx.putQueued(item).then(function () { throw error; });
      });
    }

    function later() {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(sendAll, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 300000);
    }

    function sendAll() {
      if (sending) again = true; // a visit queued meanwhile: sent right after
      if (sending || !navigator.onLine) return Promise.resolve();
      sending = true;
      clearTimeout(retryTimer);
      ctx.panel.dataset.loggedOut = "";
      return ctx.queued().then(function (items) {
        var todo = items.filter(function (i) { return i.state !== "conflict"; });
        var done = 0;
        return todo.reduce(function (chain, item, index) {
          return chain.then(function () {
            ctx.status(t("sending", { done: index + 1, count: todo.length }));
            return sendOne(item).then(function (sent) { if (sent) done += 1; });
          });
        }, Promise.resolve()).then(function () {
          retryDelay = 10000;
          if (todo.length) ctx.status(t("sent", { count: done }));
        });
      }).catch(function (error) {
        again = false; // tried again later, by the timer or a login
        if (error instanceof LoggedOut) {
          ctx.panel.dataset.loggedOut = "1";
          ctx.status(t("logged_out"));
        } else {
          ctx.status(t("send_failed"));
          later(); // tried again by itself; "Send now" tries at once
        }
      }).then(function () {
        sending = false;
        var more = again;
        again = false;
        return ctx.render().then(function () { if (more) return sendAll(); });
      });
    }

    return { sendAll: sendAll };
  };
})();
