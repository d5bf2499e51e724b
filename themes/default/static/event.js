/* Event page enhancements; the page says everything without them.
   1. Visitors see the event's times in their own timezone too (from the browser), when it
      reads another clock time. Members get theirs from the server (their preference).
   2. The plain "link to this event" gets a button that copies it. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;

  function clock(date, zone) {
    return new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short", timeZone: zone }).format(date);
  }

  document.querySelectorAll("[data-local-times]").forEach(function (when) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var eventZone = when.getAttribute("data-event-zone");
    var times = Array.prototype.map.call(when.querySelectorAll("time"), function (t) { return new Date(t.dateTime); });
    if (!zone || !times.length || times.every(function (d) { return clock(d, zone) === clock(d, eventZone); })) return;
    var note = document.createElement("small");
    note.className = "viewer-time";
    note.textContent = when.getAttribute("data-label").replace("%(zone)s", zone) + " " +
      times.map(function (d) { return clock(d, zone); }).join(" – ");
    when.appendChild(document.createElement("br"));
    when.appendChild(note);
  });

  document.querySelectorAll("a[data-copy]").forEach(function (link) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    var status = document.createElement("span");
    button.type = "button";
    button.textContent = link.getAttribute("data-copy");
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(link.href).then(function () { status.textContent = link.getAttribute("data-copied"); });
    });
    link.after(" ", button, " ", status);
  });
})();
