// Comments: "Reply" moves the comment form under the comment being answered, instead of
// reloading the page with ?reply_to=. The comment being written, and the reader's name and
// e-mail once one is sent, are kept for this tab only (sessionStorage). Without JavaScript
// the links and the form work as they are.
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
  var form = wrap.querySelector("form");
  var articlePath = wrap.getAttribute("data-article-path");
  function field(name) { return form.elements.namedItem(name); }

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
      keepMovedDraft();
    } else if (event.target.closest("[data-cancel-reply]")) {
      event.preventDefault();
      cancelReply();
      keepMovedDraft();
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

  // The form under the comment `target` names, or home for "". A comment no longer on the
  // page (removed meanwhile) has no "Reply" link to follow: the form stays where it is.
  function placeFor(target) {
    if (target === parentInput.value) { return; }
    if (!target) { placeHome(); return; }
    var link = document.querySelector('[data-reply-to="' + CSS.escape(target) + '"]');
    if (link) { replyTo(link, false); }
  }

  // A link within the page (a comment's own address) makes a new history entry, with
  // nothing in it, and Back within the page returns to one written before the form last
  // moved: the entry shown is the one Back will refill the text from.
  function rememberForm() { remember(parentInput.value); }
  window.addEventListener("popstate", rememberForm);
  window.addEventListener("hashchange", rememberForm);

  // --- Kept for this tab: the comment being written, and who writes ----------------------
  // Browsers refill a form on Back but not on reload (a phone's pull-to-refresh), so the
  // form as the reader last typed it is kept in the tab's sessionStorage under the
  // article's address (the same on the page the server gives back with errors): name,
  // e-mail, text, the reply-by-e-mail choice and which comment it answers. The target is
  // kept in one record with the text, so it still only ever comes back with the text it
  // belongs to, as in history.state above. sessionStorage is this tab's alone and goes
  // when the tab closes: nothing outlives it on a shared computer, and pages stay the
  // same for every reader (the page cache). Storage that is switched off, full or
  // refused (private modes) leaves the form as it is without this.
  var draftKey = "comment-draft:" + articlePath;
  var readerKey = "comment-reader";
  var textFields = ["author_name", "email", "body"];

  function stored(key) {
    try {
      var value = JSON.parse(window.sessionStorage.getItem(key));
      return value && typeof value === "object" ? value : null;
    } catch (error) { return null; }
  }
  function store(key, value) {
    try {
      if (value) {
        window.sessionStorage.setItem(key, JSON.stringify(value));
      } else {
        window.sessionStorage.removeItem(key);
      }
    } catch (error) { /* storage switched off or full: the form works without it */ }
  }
  function asText(value) { return typeof value === "string" ? value : ""; }

  function formValues() {
    return {
      author_name: field("author_name").value,
      email: field("email").value,
      body: field("body").value,
      notify_on_reply: field("notify_on_reply").checked,
      parent: parentInput.value,
    };
  }
  function isBlank(values) {
    return textFields.every(function (name) { return !asText(values[name]).trim(); });
  }
  function fill(values) {
    textFields.forEach(function (name) { field(name).value = asText(values[name]); });
    field("notify_on_reply").checked = values.notify_on_reply === true;
  }

  // `sent` marks the draft exactly as the form carries it to the server; typing again
  // makes it unsent. A form emptied by the reader leaves no draft.
  function saveDraft(sent) {
    var values = formValues();
    if (sent) { values.sent = true; }
    store(draftKey, isBlank(values) ? null : values);
  }
  // "Reply" and "Cancel reply" change which comment a draft answers; with nothing in the
  // form there is nothing of this page's to keep, and another page's draft (another visit
  // to this article in the tab) stays.
  function keepMovedDraft() {
    if (!isBlank(formValues())) { saveDraft(false); }
  }

  // Whether a comment went through is known from where its post led: the server answers
  // one it took with a redirect to it (#comment-N) or, when it waits for moderation, to
  // the author's note (#comment-awaiting: AWAITING_ANCHOR in comments/selectors.py); one
  // it refused comes back as this form, with the text and what to correct. Clearing the
  // draft on "submit" instead would lose it to a post that never arrived (a phone losing
  // its signal), and the reader's name and e-mail would be kept before the server had
  // taken them. Only a fresh load counts: Back to an older comment's address is not a
  // post arriving.
  function arrivedAnew() {
    try {
      return performance.getEntriesByType("navigation")[0].type === "navigate";
    } catch (error) {
      return true; // no Navigation Timing: a comment's address is nearly always a post's end
    }
  }
  // Saving an edit of an earlier comment leads to the same addresses, from its own page
  // (/comments/N/edit/): a comment sent from here meanwhile and refused (wait a moment)
  // is still unsent. Without a referrer, as before.
  function sentFromHere() {
    try {
      return new URL(document.referrer).pathname.indexOf(articlePath) === 0;
    } catch (error) {
      return true;
    }
  }
  function settleSentDraft(fresh) {
    var draft = stored(draftKey);
    if (!draft || !draft.sent) { return; }
    if (
      fresh && arrivedAnew() && sentFromHere() &&
      /^#comment-(\d+|awaiting)$/.test(location.hash)
    ) {
      store(readerKey, {
        author_name: asText(draft.author_name),
        email: asText(draft.email),
        notify_on_reply: draft.notify_on_reply === true,
      });
      store(draftKey, null);
    } else if (location.pathname === articlePath) {
      // The post did not lead here (it failed on the way, or the reader left it).
      // On the page the server gave back with errors it stays sent: reloading that page
      // sends the same post again.
      delete draft.sent;
      store(draftKey, draft);
    }
  }
  settleSentDraft(true);

  // Into a form that is empty on load (no text the browser refilled, none the server gave
  // back, none the reader typed) comes the draft, and the name and e-mail last sent in this
  // tab where the draft has none.
  function restoreDraft() {
    var draft = stored(draftKey) || {};
    var reader = stored(readerKey);
    var values = Object.assign({}, draft);
    if (reader && !asText(draft.author_name).trim() && !asText(draft.email).trim()) {
      values.author_name = reader.author_name;
      values.email = reader.email;
      values.notify_on_reply = reader.notify_on_reply;
    }
    if (isBlank(values)) { return; }
    fill(values);
    if (asText(draft.body).trim()) { placeFor(asText(draft.parent)); }
  }

  form.addEventListener("submit", function () { saveDraft(true); });

  // Text the browser refilled (after Back) goes where it was written: under the comment it
  // answered, or back home if the reader had cancelled a reply the server renders (a
  // ?reply_to= address). After "pageshow": the browser refills fields once the page has
  // loaded. Text the reader typed meanwhile (the page's pictures still loading) is theirs,
  // a new comment: the browser refills without "input" events, typing makes them. A page
  // kept whole by the browser (bfcache) is as it was left, reply or not. A form the
  // browser left empty gets the draft instead (a reload): Back's own refill is never
  // overwritten.
  var typed = false;
  ["input", "change"].forEach(function (type) {
    wrap.addEventListener(type, function () {
      typed = true;
      saveDraft(false);
    });
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      settleSentDraft(false);
      return;
    }
    if (typed) { return; }
    if (isBlank(formValues())) {
      restoreDraft();
    } else if (restoredTarget !== null && field("body").value.trim()) {
      placeFor(restoredTarget);
    }
  });

  // A form that came back with errors: the cursor goes to the first field to correct
  // (the summary above it is announced as an alert). After "load": going to the page's
  // #reply would take the focus back to the page.
  var invalid = wrap.querySelector('[aria-invalid="true"]');
  if (invalid) {
    window.addEventListener("load", function () { invalid.focus({ preventScroll: true }); });
  }
})();
