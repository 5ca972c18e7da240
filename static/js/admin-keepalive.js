// Staff are signed out after STAFF_IDLE_MINUTES without a request, and typing in a form
// sends none: an editor writing a long article would be signed out and lose it on save.
// While a form holds unsaved work, the server hears from this page well within the limit,
// and the browser asks before the page is left.
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script.getAttribute("data-keepalive-url");
  var seconds = Number(script.getAttribute("data-keepalive-seconds"));
  if (!url || !(seconds > 0)) { return; }
  // Timers longer than about 24 days overflow; an hour is often enough for any limit.
  var every = Math.min(seconds, 3600) * 1000;
  // Once something is typed the form holds unsaved work, and a pause (a meeting, lunch)
  // must not lose it: the server hears from the page until it is saved or left.
  var unsaved = false;

  // Only the page's own form holds work: typing in the sidebar's filter box is not
  // editing, and the header's "Log out" form is leaving, not saving.
  function inPageForm(event) {
    return Boolean(event.target.closest && event.target.closest("#content-main form"));
  }
  function edited(event) { if (inPageForm(event)) { unsaved = true; } }
  document.addEventListener("input", edited, true);
  document.addEventListener("change", edited, true);
  // Leaving the page (a link, Back, closing the tab) would drop that work: the browser
  // asks first. Saving is not leaving.
  document.addEventListener("submit", function (event) {
    if (inPageForm(event)) { unsaved = false; }
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (unsaved) { event.preventDefault(); event.returnValue = ""; }
  });
  window.setInterval(function () {
    if (!unsaved) { return; }
    fetch(url, { credentials: "same-origin", cache: "no-store" }).catch(function () {});
  }, every);
})();
