// The rich-text editor keeps only what the public page shows (articles/html.py and the
// editor's extensions in articles/models.py). Text pasted from a word processor or
// another site loses its images, video and embedded players, and its headings of other
// levels and code blocks become ordinary paragraphs, all without a word: staff would
// only find out on the public page. This says what was lost, under the editor, as it
// happens. The editor itself still decides what it keeps.
(function () {
  "use strict";

  // [selector, one, many]
  var LEFT_OUT = [
    ["img", "image", "images"],
    ["video", "video", "videos"],
    ["audio", "sound clip", "sound clips"],
    ["iframe, embed, object", "embedded player or page", "embedded players or pages"],
  ];
  var FLATTENED = [
    ["h1, h5, h6", "heading of a level the body does not use", "headings of levels the body does not use"],
    ["pre", "block of code", "blocks of code"],
  ];

  function counted(number, one, many) {
    return number + " " + (number === 1 ? one : many);
  }

  function found(doc, rules) {
    return rules.map(function (rule) {
      var number = doc ? doc.querySelectorAll(rule[0]).length : 0;
      return number ? counted(number, rule[1], rule[2]) : "";
    }).filter(Boolean);
  }

  function sentenceList(parts) {
    if (parts.length < 2) { return parts.join(""); }
    return parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1];
  }

  function losses(transfer) {
    var markup = transfer.getData("text/html");
    // An inert document: nothing in it loads or runs.
    var doc = markup ? new DOMParser().parseFromString(markup, "text/html") : null;
    var leftOut = found(doc, LEFT_OUT);
    if (!doc) {
      // A screenshot or an image file, pasted or dropped on its own.
      var images = Array.prototype.filter.call(transfer.files || [], function (file) {
        return file.type.indexOf("image/") === 0;
      }).length;
      if (images) { leftOut.push(counted(images, "image", "images")); }
    }
    return { leftOut: leftOut, flattened: found(doc, FLATTENED) };
  }

  // Under the field's row (label and editor side by side on a wide screen), where
  // Django puts a field's help text.
  function rowOf(editor) {
    return editor.closest(".flex-container") || editor;
  }

  function noticeFor(row) {
    var next = row.nextElementSibling;
    return next && next.hasAttribute("data-paste-notice") ? next : null;
  }

  function report(editor, lost) {
    var row = rowOf(editor);
    var notice = noticeFor(row);
    if (!lost.leftOut.length && !lost.flattened.length) {
      if (notice) { notice.remove(); }
      return;
    }
    var sentences = [];
    if (lost.leftOut.length) {
      sentences.push(
        "Left out of what you added: " + sentenceList(lost.leftOut) +
        ". The body holds text, links, lists and tables; add a picture with this " +
        "form's image field instead."
      );
    }
    if (lost.flattened.length) {
      sentences.push(
        "Turned into ordinary paragraphs: " + sentenceList(lost.flattened) +
        ". Choose Heading 2, 3 or 4 in the toolbar to make a paragraph a heading again."
      );
    }
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "rich-text-paste-notice";
      notice.setAttribute("data-paste-notice", "");
      notice.setAttribute("role", "status");
      row.insertAdjacentElement("afterend", notice);
    }
    notice.textContent = sentences.join(" ");
  }

  function watch(event) {
    var transfer = event.clipboardData || event.dataTransfer;
    var editor = event.target.closest && event.target.closest(".prose-editor");
    if (!transfer || !editor) { return; }
    report(editor, losses(transfer));
  }

  // Capture: seen before the editor takes the content in.
  document.addEventListener("paste", watch, true);
  document.addEventListener("drop", watch, true);
})();
