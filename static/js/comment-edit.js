// The edit page keeps what the author types in their own tab: a reload (a phone's
// pull-to-refresh, a tap on the address bar) would otherwise bring back the comment as
// saved and lose the change. Only a reload brings it back; opening the page anew shows
// the comment as saved, and a saved change is the page's own text next time.
(function () {
  "use strict";

  var field = document.querySelector("[data-comment-edit] textarea[name=body]");
  if (!field || !window.sessionStorage) { return; }
  var key = "comment-edit:" + location.pathname;
  var reloaded = false;
  try {
    reloaded = performance.getEntriesByType("navigation")[0].type === "reload";
  } catch (error) {
    reloaded = false;
  }
  try {
    var kept = sessionStorage.getItem(key);
    if (reloaded && kept !== null) {
      field.value = kept;
    } else {
      sessionStorage.removeItem(key);
    }
    var keep = function () { sessionStorage.setItem(key, field.value); };
    field.addEventListener("input", keep);
    // Also what was typed before this script ran, once the page goes (the reload).
    window.addEventListener("pagehide", keep);
  } catch (error) {
    // Storage refused (private browsing, full): the page works as it would without this.
  }
})();
