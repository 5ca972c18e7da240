// Comments: "Reply" moves the comment form under the comment being answered, instead of
// reloading the page with ?reply_to=. Without JavaScript the links work as they are.
(function () {
  "use strict";

  var wrap = document.querySelector("[data-comment-form]");
  if (!wrap) { return; }
  var home = document.createComment("comment form home");
  wrap.parentNode.insertBefore(home, wrap);

  var heading = wrap.querySelector("[data-comment-form-heading]");
  var parentInput = wrap.querySelector("[data-comment-parent]");
  var cancelWrap = wrap.querySelector("[data-cancel-reply-wrap]");
  var quote = wrap.querySelector("[data-comment-form-quote]");
  var defaultHeading = heading.getAttribute("data-default-heading");

  // Which comment the form answers ("" for none), kept in this page's entry of the tab's
  // history: a browser going Back refills the text but not the hidden field that names
  // the comment, and the text sent again would land as a new comment, out of its thread.
  // The entry is what Back refills the text from, so the target only ever comes back with
  // the text it belongs to; any other visit (the page a sent reply leads to) has none.
  var stateKey = "commentReplyTo";
  function remember(id) {
    try {
      var state = Object.assign({}, history.state);
      state[stateKey] = id;
      history.replaceState(state, "");
    } catch (error) { /* a browser refusing history writes: nothing to remember with */ }
  }
  function remembered() {
    var id = history.state && history.state[stateKey];
    return typeof id === "string" ? id : null;
  }
  // Read before the form is placed below, which writes it.
  var restoredTarget = remembered();

  // Notes about the comment the form answered before (a dead ?reply_to= link, a comment
  // that went while the reader wrote) would contradict it once it answers another, or
  // none. Errors about the reader's own name, address or text stay.
  function dropReplyNotices() {
    wrap.querySelectorAll("[data-reply-notice]").forEach(function (notice) { notice.remove(); });
  }

  function focusFirstField() {
    var field = wrap.querySelector("textarea, input[type=text]");
    if (field) { field.focus(); }
  }

  function replyTo(link, focus) {
    var comment = document.getElementById("comment-" + link.getAttribute("data-reply-to"));
    if (!comment) { return false; }
    comment.insertAdjacentElement("afterend", wrap);
    parentInput.value = link.getAttribute("data-reply-to");
    remember(parentInput.value);
    heading.textContent = "Reply to " + link.getAttribute("data-reply-name");
    cancelWrap.hidden = false;
    if (quote) { quote.remove(); quote = null; }
    dropReplyNotices();
    if (focus) { focusFirstField(); }
    return true;
  }

  function placeHome() {
    home.parentNode.insertBefore(wrap, home.nextSibling);
    parentInput.value = "";
    remember("");
    heading.textContent = defaultHeading;
    cancelWrap.hidden = true;
    if (quote) { quote.remove(); quote = null; }
    dropReplyNotices();
  }

  function cancelReply() {
    placeHome();
    heading.scrollIntoView({ block: "start" });
    // The link just used is hidden now: focus lands on the form's heading, not the page.
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-reply-to]");
    if (link && replyTo(link, true)) {
      event.preventDefault();
    } else if (event.target.closest("[data-cancel-reply]")) {
      event.preventDefault();
      cancelReply();
    }
  });

  // A reply form the server rendered (?reply_to=, or one that came back with errors)
  // sits under its comment too.
  if (parentInput.value) {
    var link = document.querySelector('[data-reply-to="' + CSS.escape(parentInput.value) + '"]');
    if (link) {
      var keepQuote = quote;
      quote = null;
      replyTo(link, false);
      quote = keepQuote;
      wrap.scrollIntoView({ block: "start" });
    }
  }

  // A link within the page (a comment's own address) makes a new history entry, with
  // nothing in it, and Back within the page returns to one written before the form last
  // moved: the entry shown is the one Back will refill the text from.
  function rememberForm() { remember(parentInput.value); }
  window.addEventListener("popstate", rememberForm);
  window.addEventListener("hashchange", rememberForm);

  // Text the browser refilled (after Back) goes where it was written: under the comment it
  // answered, or back home if the reader had cancelled a reply the server renders (a
  // ?reply_to= address). After "pageshow": the browser refills fields once the page has
  // loaded. Text the reader typed meanwhile (the page's pictures still loading) is theirs,
  // a new comment: the browser refills without "input" events, typing makes them. A page
  // kept whole by the browser (bfcache) is as it was left, reply or not.
  var typed = false;
  wrap.addEventListener("input", function () { typed = true; });
  window.addEventListener("pageshow", function (event) {
    var text = wrap.querySelector("textarea");
    if (event.persisted || typed || restoredTarget === null || !text || !text.value.trim()) {
      return;
    }
    if (restoredTarget === parentInput.value) { return; }
    if (!restoredTarget) { placeHome(); return; }
    var link = document.querySelector('[data-reply-to="' + CSS.escape(restoredTarget) + '"]');
    if (link) { replyTo(link, false); }
  });

  // A form that came back with errors: the cursor goes to the first field to correct
  // (the summary above it is announced as an alert). After "load": going to the page's
  // #reply would take the focus back to the page.
  var invalid = wrap.querySelector('[aria-invalid="true"]');
  if (invalid) {
    window.addEventListener("load", function () { invalid.focus({ preventScroll: true }); });
  }
})();
