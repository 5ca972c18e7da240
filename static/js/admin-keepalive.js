// Staff are signed out after STAFF_IDLE_MINUTES without a request, and typing in a form
// sends none: an editor writing a long article would be signed out and lose it on save.
// While someone is typing in a form, the server hears from this page well within the limit.
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script.getAttribute("data-keepalive-url");
  var seconds = Number(script.getAttribute("data-keepalive-seconds"));
  if (!url || !(seconds > 0)) { return; }
  // Timers longer than about 24 days overflow; an hour is often enough for any limit.
  var every = Math.min(seconds, 3600) * 1000;
  var typed = false;

  document.addEventListener("input", function () { typed = true; }, true);
  document.addEventListener("change", function () { typed = true; }, true);
  window.setInterval(function () {
    if (!typed) { return; }
    typed = false;
    fetch(url, { credentials: "same-origin", cache: "no-store" }).catch(function () {});
  }, every);
})();
