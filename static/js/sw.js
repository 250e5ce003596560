/* iomdash service worker, for the visit pages (scope /visits/): the visit
   form and its reference lists open with no connection. Built on Workbox
   (static/vendor/workbox/workbox.js, which the server loads first with
   importScripts: see beneficiaries/views_offline.py). It keeps only GET
   answers that are a page or file of this site, never the API, and never a
   redirect (a logged-out session must not keep the login page as the form). */
"use strict";
var CACHE = "iomdash-visits-v2";
var FORM = "/visits/new/";
var REFERENCE = "/visits/offline/reference.json";
var routing = workbox.routing, strategies = workbox.strategies;

workbox.core.setCacheNameDetails({ prefix: "iomdash", suffix: "", precache: "precache", runtime: "visits" });
self.addEventListener("install", function () { self.skipWaiting(); });
workbox.core.clientsClaim();

self.addEventListener("activate", function (event) {
  // Caches of older versions (the hand-written worker's included) go.
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) { return caches.delete(key); }));
  }));
});

/* Only a complete answer of this site, not a redirect, is kept. */
var onlyOwnPages = {
  cacheWillUpdate: function (context) {
    var response = context.response;
    return response && response.ok && !response.redirected && response.type === "basic" ? response : null;
  }
};
/* ignoreVary: the pages vary by Accept-Language, and a navigation can carry
   the header where the worker's own fetch of the form did not (a browser that
   sets the language itself): offline, the form kept must still be found. */
var networkFirst = new strategies.NetworkFirst({ cacheName: CACHE, plugins: [onlyOwnPages], matchOptions: { ignoreSearch: true, ignoreVary: true } });
var cacheFirst = new strategies.CacheFirst({ cacheName: CACHE, plugins: [onlyOwnPages] });

function ours(url) {
  return url.origin === self.location.origin && url.pathname.indexOf("/api/") !== 0;
}

routing.registerRoute(function (options) {
  return ours(options.url) && options.url.pathname.indexOf("/static/") === 0;
}, cacheFirst);
routing.registerRoute(function (options) {
  return ours(options.url) && options.url.pathname === REFERENCE;
}, networkFirst);
routing.registerRoute(function (options) {
  return options.request.mode === "navigate" && ours(options.url) && options.url.pathname === FORM;
}, networkFirst);
// Other visit pages are not kept on the phone (less data on a lost phone);
// with no connection they open the new-visit form instead.
routing.registerRoute(function (options) {
  return options.request.mode === "navigate" && ours(options.url) && options.url.pathname.indexOf("/visits/") === 0;
}, new strategies.NetworkOnly({
  plugins: [{ handlerDidError: function () { return caches.match(FORM, { cacheName: CACHE, ignoreVary: true }); } }]
}));

/* The page names its own files (CSS, JS) and the form, to keep for offline
   (fetched again now, kept if the answer is a complete page of this site). */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  event.waitUntil(Promise.all(data.urls.map(function (url) {
    return networkFirst.handle({ event: event, request: new Request(url, { credentials: "same-origin" }) }).catch(function () {});
  })).then(function () {
    if (event.source) event.source.postMessage({ type: "cached" });
  }));
});
