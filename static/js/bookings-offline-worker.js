// The service worker of the worker's bookings page (/me/trips/), served at /me/trips/offline-worker.js so that it
// controls that page only. Network first: online the page is always fresh; at a bus station with no signal the
// copy from the last visit is shown, QR code and all (bookings-offline.js says how old it is).
"use strict";

var CACHE = "chunfeng-bookings-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  var isPage = request.mode === "navigate" && url.pathname === "/me/trips/";
  var isAsset = url.pathname.indexOf("/static/") === 0;
  if (!isPage && !isAsset) {
    return;
  }
  event.respondWith(
    fetch(request).then(function (response) {
      return caches.open(CACHE).then(function (cache) {
        if (response.ok && !response.redirected) {
          cache.put(isPage ? "/me/trips/" : request, response.clone());
        } else if (isPage) {
          // Signed out (sent to the sign-in page): nobody else's phone should keep showing the bookings.
          cache.delete("/me/trips/");
        }
        return response;
      });
    }).catch(function () {
      return caches.match(isPage ? "/me/trips/" : request).then(function (cached) {
        return cached || Response.error();
      });
    })
  );
});
