/* iomdash service worker, for the visit pages (scope /visits/): the visit
   form and its reference lists open with no connection. Hand-written (no
   Workbox: nothing to build or vendor); it caches only GET answers that are
   a page or file of this site, never the API, and never a redirect (a
   logged-out session must not cache the login page as the form). */
"use strict";
var CACHE = "iomdash-visits-v1";
var FORM = "/visits/new/";
var REFERENCE = "/visits/offline/reference.json";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function keep(request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

function networkFirst(request, fallback) {
  return fetch(request).then(function (response) {
    return keep(request, response);
  }).catch(function () {
    return caches.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || (fallback ? caches.match(fallback) : undefined) || Response.error();
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) { return keep(request, response); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname === REFERENCE) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === "navigate" && url.pathname === FORM) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === "navigate" && url.pathname.indexOf("/visits/") === 0) {
    // Other visit pages are not kept on the phone (less data on a lost
    // phone); with no connection they open the new-visit form instead.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(FORM).then(function (hit) { return hit || Response.error(); });
    }));
  }
});

/* The page names its own files (CSS, JS) and the form, to keep for offline. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(data.urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url, response);
      }).catch(function () {});
    }));
  }).then(function () {
    if (event.source) event.source.postMessage({ type: "cached" });
  }));
});
