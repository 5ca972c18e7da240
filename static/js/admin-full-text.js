// Django gives admin text fields the column's `maxlength`, and a browser then cuts pasted
// text at that length without a word: a 258-character address saved as its first 200 is
// a broken link nobody was told about. Without the attribute the whole text is sent, and
// the form comes back saying how long it is and what the limit is, with the text intact.
(function () {
  "use strict";

  document.querySelectorAll("#content-main [maxlength]").forEach(function (field) {
    field.removeAttribute("maxlength");
  });
})();
