// What a paste into the rich-text editor keeps. The editor loads this module itself, as
// one of its extensions ("PastedContent" in articles/models.py and the settings'
// DJANGO_PROSE_EDITOR_EXTENSIONS).
//
// Word processors say much of their formatting with inline styles, which the admin's
// Content-Security-Policy hides from the editor. Google Docs wraps what it copies in
// <b style="font-weight:normal">, and says its real bold and italic with styles alone:
// a pasted article came out bold from end to end, its own bold and italic lost. Word's
// bulleted and numbered lists arrived as paragraphs starting with "·" or "1." and spaces.
// So the pasted HTML is rewritten before the editor reads it: what its styles say becomes
// the body's own tags, and Word's list paragraphs become lists. The policy stays as strict
// as it is, and a paste breaks none of its rules.
//
// The body keeps only what the public page shows (articles/html.py), and the editor still
// decides what it takes in. Images, video and embedded players are left out, and
// headings of other levels and code blocks become ordinary paragraphs, all without a
// word: staff would only find out on the public page. A notice under the editor says
// what was lost, as it happens.
import { Extension, Plugin } from "django-prose-editor/editor";

// --- Reading pasted HTML without applying its styles -----------------------------------

// Every document made here shares the page's policy, so parsing a style attribute or a
// <style> element reports a violation. Style attributes are renamed before parsing, and
// read back as text; <style> elements go (the editor reads no stylesheet).
const STYLE = "data-pasted-style";
const MARKUP =
  /<!--[\s\S]*?(?:-->|$)|<style(?=[\s/>])(?:"[^"]*"|'[^']*'|[^"'>])*>[\s\S]*?(?:<\/style\s*>|$)|<[a-z][^\s/>]*(?:"[^"]*"|'[^']*'|[^"'>])*>?/gi;
const STYLE_ATTRIBUTE = /("[^"]*"|'[^']*')|(\s)style(?=\s*=)/gi;

function withStylesAsText(markup) {
  return markup.replace(MARKUP, (token) => {
    if (token.startsWith("<!")) { return token; }
    if (/^<style/i.test(token)) { return ""; }
    return token.replace(STYLE_ATTRIBUTE, (match, quoted, space) => quoted || space + STYLE);
  });
}

// An inert document: nothing in it loads or runs.
function parsed(markup) {
  return new DOMParser().parseFromString(withStylesAsText(markup), "text/html");
}

function declarations(element) {
  const style = {};
  for (const part of (element.getAttribute(STYLE) || "").split(";")) {
    const colon = part.indexOf(":");
    if (colon > 0) {
      style[part.slice(0, colon).trim().toLowerCase()] =
        part.slice(colon + 1).replace(/!important/i, "").trim().toLowerCase();
    }
  }
  return style;
}

// --- The notice: what the editor leaves out ---------------------------------------------

// [selector, one, many]
const LEFT_OUT = [
  ["img", "image", "images"],
  ["video", "video", "videos"],
  ["audio", "sound clip", "sound clips"],
  ["iframe, embed, object", "embedded player or page", "embedded players or pages"],
];
const FLATTENED = [
  ["h1, h5, h6", "heading of a level the body does not use", "headings of levels the body does not use"],
  ["pre", "block of code", "blocks of code"],
];

function counted(number, one, many) {
  return number + " " + (number === 1 ? one : many);
}

function found(doc, rules) {
  return rules.map(([selector, one, many]) => {
    const number = doc ? doc.querySelectorAll(selector).length : 0;
    return number ? counted(number, one, many) : "";
  }).filter(Boolean);
}

function sentenceList(parts) {
  if (parts.length < 2) { return parts.join(""); }
  return parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1];
}

function losses(transfer) {
  const markup = transfer.getData("text/html");
  const doc = markup ? parsed(markup) : null;
  const leftOut = found(doc, LEFT_OUT);
  if (!doc) {
    // A screenshot or an image file, pasted or dropped on its own.
    const images = Array.from(transfer.files || []).filter(
      (file) => file.type.startsWith("image/"),
    ).length;
    if (images) { leftOut.push(counted(images, "image", "images")); }
  }
  return { leftOut, flattened: found(doc, FLATTENED) };
}

// Under the field's row (label and editor side by side on a wide screen), where
// Django puts a field's help text.
function rowOf(editor) {
  return editor.closest(".flex-container") || editor;
}

function noticeFor(row) {
  const next = row.nextElementSibling;
  return next && next.hasAttribute("data-paste-notice") ? next : null;
}

function report(editor, lost) {
  const row = rowOf(editor);
  let notice = noticeFor(row);
  if (!lost.leftOut.length && !lost.flattened.length) {
    if (notice) { notice.remove(); }
    return;
  }
  const sentences = [];
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

function watch(view, event) {
  const transfer = event.clipboardData || event.dataTransfer;
  const editor = view.dom.closest(".prose-editor");
  if (transfer && editor) { report(editor, losses(transfer)); }
  return false; // the editor takes the content in as usual
}

// --- Word's list paragraphs become lists ------------------------------------------------

// Word copies a list item as <p style="mso-list:l0 level1 lfo1"> whose text starts with
// the bullet or number, in a <span style="mso-list:Ignore">.
const WORD_LIST = /\bl(\d+)\s+level(\d+)/;
const NUMBERED = /^\(?(\d+|[a-z]+|[A-Z]+)[.)]$/;

function wordListItem(paragraph) {
  const match = WORD_LIST.exec(declarations(paragraph)["mso-list"] || "");
  if (!match) { return null; }
  const marker = Array.from(paragraph.querySelectorAll(`[${STYLE}]`)).find(
    (element) => declarations(element)["mso-list"] === "ignore",
  );
  const symbol = marker ? marker.textContent.replace(/[\s\u00a0]+/g, "") : "";
  return { paragraph, marker, symbol, list: match[1], level: Number(match[2]) };
}

function newList(doc, item) {
  const number = NUMBERED.exec(item.symbol);
  const list = doc.createElement(number ? "ol" : "ul");
  if (number) {
    const first = number[1];
    if (/^\d+$/.test(first) && first !== "1") { list.setAttribute("start", String(Number(first))); }
    // "i." starts Roman numerals; any other letter, letters.
    if (first === "i" || first === "I") { list.setAttribute("type", first); }
    else if (/^[a-z]$/.test(first)) { list.setAttribute("type", "a"); }
    else if (/^[A-Z]$/.test(first)) { list.setAttribute("type", "A"); }
  }
  return list;
}

function sameKind(list, item) {
  return (list.tagName === "OL") === NUMBERED.test(item.symbol);
}

// Paragraphs next to each other make one list; "level2" nests in the item before.
function buildList(doc, run) {
  const open = []; // the list at each depth
  for (const item of run) {
    const depth = Math.min(item.level, open.length + 1);
    open.length = Math.min(open.length, depth);
    if (open.length === depth && !sameKind(open[depth - 1], item)) {
      // A numbered list straight after a bulleted one, or the other way round.
      const list = newList(doc, item);
      open[depth - 1].after(list);
      open[depth - 1] = list;
    } else if (open.length < depth) {
      const list = newList(doc, item);
      if (depth === 1) { item.paragraph.before(list); }
      else { open[depth - 2].lastElementChild.append(list); }
      open.push(list);
    }
    if (item.marker) { item.marker.remove(); }
    const listItem = doc.createElement("li");
    open[depth - 1].append(listItem);
    listItem.append(item.paragraph);
  }
}

function rebuildWordLists(doc) {
  const items = Array.from(doc.body.querySelectorAll(`p[${STYLE}*="mso-list"]`))
    .map(wordListItem).filter(Boolean);
  const runs = [];
  items.forEach((item, index) => {
    const previous = items[index - 1];
    const follows = previous && previous.paragraph.nextElementSibling === item.paragraph &&
      (item.level > 1 || previous.list === item.list);
    if (follows) { runs[runs.length - 1].push(item); } else { runs.push([item]); }
  });
  runs.forEach((run) => buildList(doc, run));
}

// --- Styles become the body's own tags --------------------------------------------------

// Word processors set character formatting on inline elements; a style on a block (a
// Docs list item's, which is its bullet's) says nothing about the text inside.
const INLINE = new Set([
  "a", "abbr", "b", "big", "cite", "code", "del", "em", "font", "i", "ins", "mark", "q",
  "s", "small", "span", "strike", "strong", "sub", "sup", "u",
]);
const SAME_TAGS = {
  strong: ["b", "strong"],
  em: ["i", "em"],
  s: ["s", "strike", "del"],
  sup: ["sup"],
  sub: ["sub"],
};

// True for bold (semibold and heavier read as bold), false for normal, null if unsaid.
function isBold(weight) {
  if (weight === "bold" || weight === "bolder") { return true; }
  if (weight === "normal" || weight === "lighter") { return false; }
  const number = Number.parseFloat(weight);
  return Number.isNaN(number) ? null : number >= 600;
}

function tagsSaidBy(style) {
  const tags = [];
  if (isBold(style["font-weight"]) === true) { tags.push("strong"); }
  if (/^(italic|oblique)/.test(style["font-style"] || "")) { tags.push("em"); }
  const decoration = (style["text-decoration"] || "") + " " + (style["text-decoration-line"] || "");
  if (decoration.includes("line-through")) { tags.push("s"); }
  const position = style["vertical-align"];
  if (position === "super" || position === "sub") { tags.push(position === "super" ? "sup" : "sub"); }
  return tags;
}

function unwrap(element) {
  element.replaceWith(...element.childNodes);
}

function styleToTags(doc, element) {
  const name = element.tagName.toLowerCase();
  if (!INLINE.has(name)) { return; }
  const style = declarations(element);
  const tags = tagsSaidBy(style).filter((tag) => !SAME_TAGS[tag].includes(name));
  if (tags.length) {
    const outer = doc.createElement(tags[0]);
    let inner = outer;
    for (const tag of tags.slice(1)) { inner = inner.appendChild(doc.createElement(tag)); }
    inner.append(...element.childNodes);
    element.append(outer);
  }
  // Google Docs' <b style="font-weight:normal" id="docs-internal-guid-...">, around all.
  const notBold = isBold(style["font-weight"]) === false;
  const notItalic = style["font-style"] === "normal";
  if ((notBold && SAME_TAGS.strong.includes(name)) || (notItalic && SAME_TAGS.em.includes(name))) {
    unwrap(element);
  }
}

// The editor reads a list's numbering (a, b, c or i, ii, iii) from its style.
const NUMBERING = {
  "lower-alpha": "a", "lower-latin": "a", "upper-alpha": "A", "upper-latin": "A",
  "lower-roman": "i", "upper-roman": "I",
};

function keepNumbering(list) {
  const item = list.querySelector("li");
  const style = declarations(list)["list-style-type"] || (item && declarations(item)["list-style-type"]);
  if (!list.hasAttribute("type") && NUMBERING[style]) { list.setAttribute("type", NUMBERING[style]); }
}

function keptFromPaste(markup) {
  const readable = withStylesAsText(markup);
  if (readable === markup) {
    // No style to read (the editor's own copies, most web pages): handed over as it
    // came, for the editor to wrap stray table cells and list items as it knows how.
    return markup;
  }
  const doc = new DOMParser().parseFromString(readable, "text/html");
  rebuildWordLists(doc);
  doc.querySelectorAll("ol").forEach(keepNumbering);
  doc.querySelectorAll(`[${STYLE}]`).forEach((element) => styleToTags(doc, element));
  doc.querySelectorAll(`[${STYLE}]`).forEach((element) => element.removeAttribute(STYLE));
  return doc.body.innerHTML;
}

export const PastedContent = Extension.create({
  name: "pastedContent",

  transformPastedHTML(markup) {
    return keptFromPaste(markup);
  },

  addProseMirrorPlugins() {
    // Seen before the editor takes the content in.
    return [new Plugin({ props: { handleDOMEvents: { paste: watch, drop: watch } } })];
  },
});
