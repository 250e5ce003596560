// The Workbox modules the visits service worker (static/js/sw.js) uses,
// exposed as self.workbox.{core,routing,strategies,cacheableResponse}.
export * as core from 'workbox-core';
export * as routing from 'workbox-routing';
export * as strategies from 'workbox-strategies';
export * as cacheableResponse from 'workbox-cacheable-response';
