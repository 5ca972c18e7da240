// Staff are signed out after STAFF_IDLE_MINUTES without a request, and typing in a form
// sends none: an editor writing a long article would be signed out and lose it on save.
// While a form holds unsaved work, the server hears from this page well within the limit,
// and the browser asks before the page is left. A save made while signed out anyway (the
// computer slept past the limit, or someone signed out in another tab) is held back with
// the work still on the page, instead of leading to the sign-in page and losing it.
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script.getAttribute("data-keepalive-url");
  var signInUrl = script.getAttribute("data-sign-in-url");
  var seconds = Number(script.getAttribute("data-keepalive-seconds"));
  if (!url || !(seconds > 0)) { return; }
  // Timers longer than about 24 days overflow; an hour is often enough for any limit.
  var every = Math.min(seconds, 3600) * 1000;
  // Once something is typed the form holds unsaved work, and a pause (a meeting, lunch)
  // must not lose it: the server hears from the page until it is saved or left. A form
  // that came back with errors holds work that was not saved either.
  var unsaved = Boolean(document.querySelector("#content-main .errornote"));

  // Only the page's own form holds work: typing in the sidebar's filter box is not
  // editing, and the header's "Log out" form is leaving, not saving.
  function inPageForm(event) {
    return Boolean(event.target.closest && event.target.closest("#content-main form"));
  }
  function edited(event) { if (inPageForm(event)) { unsaved = true; } }
  document.addEventListener("input", edited, true);
  document.addEventListener("change", edited, true);

  var notice = null;
  function showSignedOut() {
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "errornote";
      notice.setAttribute("role", "alert");
      notice.append("You were signed out, so nothing was saved. Your changes are still on " +
        "this page: ");
      var link = document.createElement("a");
      link.href = signInUrl;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "sign in again in a new tab";
      notice.append(link, ", then come back here and save.");
      var main = document.getElementById("content-main");
      main.insertBefore(notice, main.firstChild);
    }
    notice.scrollIntoView({ block: "center" });
  }

  // Asks the server whether the editor is still signed in; a sign-in in another tab
  // changes the form token, so the page's forms take the new one.
  function checkSession() {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) { return true; }  // not ours to judge: let the save go ahead
      return response.json().then(function (data) {
        if (!data.signed_in) { return false; }
        document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
          input.value = data.csrf_token;
        });
        if (notice) { notice.remove(); notice = null; }
        return true;
      });
    });
  }

  // Saving is not leaving; but first, make sure the save can land.
  var checked = false;
  var checking = false;
  // The form is on its way: a click on Save while the next page loads (a slow server)
  // would send it again. One that never arrives (Stop pressed, the connection lost)
  // leaves the editor on this page with their work: after a while Save sends it again,
  // and leaving asks first again.
  var SEND_AGAIN_AFTER_MS = 15000;
  var sentAt = null;
  var unsavedWhenSent = false;
  window.addEventListener("pageshow", function () { sentAt = null; });  // back to this page
  document.addEventListener("submit", function (event) {
    if (!inPageForm(event)) { return; }
    if (sentAt !== null && Date.now() - sentAt < SEND_AGAIN_AFTER_MS) {
      event.preventDefault();
      return;
    }
    if (checked) { unsavedWhenSent = unsaved; unsaved = false; return; }
    event.preventDefault();
    // A second click on Save while the first is checked would send the form twice.
    if (checking) { return; }
    checking = true;
    var form = event.target;
    var button = event.submitter;
    function send() {
      checking = false;
      checked = true;
      try {
        if (form.requestSubmit) {
          // Sends its submit event at once (none if the form is invalid), with the button.
          if (button && button.form === form) { form.requestSubmit(button); } else { form.requestSubmit(); }
        } else {
          // Older Safari: submit() sends neither the event, which the admin's own scripts
          // listen to, nor the button ("Save and add another"), so both are added here.
          if (button && button.name) {
            var pressed = document.createElement("input");
            pressed.type = "hidden";
            pressed.name = button.name;
            pressed.value = button.value;
            form.appendChild(pressed);
          }
          if (form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }))) {
            form.submit();
          }
        }
      } finally {
        checked = false;
      }
    }
    checkSession().then(function (signedIn) {
      if (signedIn) { send(); } else { checking = false; showSignedOut(); }
    }, send);  // the server out of reach: the save says so itself
  }, true);

  // Last to hear the save (the window is the end of its way): unless a script stopped
  // it, the browser now sends it.
  window.addEventListener("submit", function (event) {
    if (inPageForm(event) && checked && !event.defaultPrevented) {
      sentAt = Date.now();
      // Still here then: the save did not arrive (the next page ends this timer).
      window.setTimeout(function () { unsaved = unsaved || unsavedWhenSent; }, SEND_AGAIN_AFTER_MS);
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (unsaved) { event.preventDefault(); event.returnValue = ""; }
  });
  window.setInterval(function () {
    if (!unsaved) { return; }
    checkSession().then(function (signedIn) { if (!signedIn) { showSignedOut(); } }, function () {});
  }, every);
})();
