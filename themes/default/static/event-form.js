/* Event form enhancements; the form works the same without them.
   1. A member who never chose a timezone gets the browser's in the timezone field, instead of
      the server's default (UTC), unless the field was already changed. They may still change it.
   2. A chosen banner picture is shown before the form is sent. */
(function () {
  "use strict";

  document.querySelectorAll("[data-browser-timezone] input[name=timezone]").forEach(function (field) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var offered = field.list && Array.prototype.some.call(field.list.options, function (o) { return o.value === zone; });
    if (offered && field.value === field.defaultValue) field.value = zone;
  });

  document.querySelectorAll("input[type=file][data-preview]").forEach(function (field) {
    var preview = document.createElement("img");
    preview.className = "thumb preview";
    preview.alt = field.getAttribute("data-preview");
    preview.hidden = true;
    field.after(preview);
    field.addEventListener("change", function () {
      var file = field.files && field.files[0];
      if (preview.src) URL.revokeObjectURL(preview.src);
      if (file) preview.src = URL.createObjectURL(file); else preview.removeAttribute("src");
      preview.hidden = !file;
    });
  });
})();
