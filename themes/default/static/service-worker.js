/* The instance's service worker, served at /service-worker.js so that it controls every page.
   On a push (plugins/webpush), it shows the notification the instance sent: JSON with
   title, body, url and kind. A click opens its url (only ever a page of this site), in a window
   of this site if one shows it already.
   A theme may replace this file with its own static/service-worker.js. */
"use strict";

self.addEventListener("push", function (event) {
  var message = {};
  try { message = event.data ? event.data.json() : {}; } catch (error) { message = { body: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(message.title || self.location.host, {
    body: message.body || "",
    icon: "/static/favicon.svg",
    data: { url: message.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target.href && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(target.href);
  }));
});
