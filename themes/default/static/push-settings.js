/* The "Notifications on this device" section of the settings page (plugins/webpush).
   Registers the service worker, subscribes this browser with the instance's key, and
   hands the subscription to the instance (or takes it back), with the page's CSRF token.
   Without the Push API, or with notifications blocked, it says so instead. */
(function () {
  "use strict";
  var section = document.querySelector("section.push-settings");
  if (!section) return;
  var status = section.querySelector("[data-push-status]");
  var on = section.querySelector("[data-push-on]");
  var off = section.querySelector("[data-push-off]");

  function say(name) { status.textContent = section.getAttribute("data-push-" + name) || ""; }

  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    say(subscribed ? "on-status" : "off-status");
  }

  function keyBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function send(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": section.getAttribute("data-csrf") }
    }).then(function (response) { if (!response.ok) throw new Error("HTTP " + response.status); });
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }

  var registration = navigator.serviceWorker.register("/service-worker.js", { scope: "/" });

  registration.then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(function (subscription) { show(Boolean(subscription)); })
    .catch(function () { say("unsupported"); });

  on.addEventListener("click", function () {
    on.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { say("denied"); return null; }
      return registration.then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true,
                                           applicationServerKey: keyBytes(section.getAttribute("data-push-key")) });
      }).then(function (subscription) {
        return send("/settings/push-subscriptions", subscription.toJSON()).then(function () { show(true); });
      });
    }).catch(function () { say("failed"); }).then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    registration.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (subscription) {
      if (!subscription) { show(false); return null; }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return send("/settings/push-subscriptions/remove", { endpoint: endpoint });
      }).then(function () { show(false); });
    }).catch(function () { say("failed"); }).then(function () { off.disabled = false; });
  });
})();
