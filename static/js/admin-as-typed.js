// What staff type or paste reaches the server as it was, for the form to say what is
// wrong with it, instead of the browser changing it without a word:
// - Django gives text fields the column's `maxlength`, and a browser cuts pasted text
//   there: a 258-character address saved as its first 200 is a broken link;
// - a number box drops a decimal comma as it is typed, so "2,5" hours became 25.
(function () {
  "use strict";

  var form = document.getElementById("content-main");
  if (!form) { return; }
  form.querySelectorAll("[maxlength]").forEach(function (field) {
    field.removeAttribute("maxlength");
  });
  form.querySelectorAll("input[type=number]").forEach(function (field) {
    var whole = !field.step || Number(field.step) === 1;
    // A number box had already emptied a value it cannot hold ("2,5" sent back with an
    // error); as text it shows it again, to be corrected.
    var sent = field.getAttribute("value");
    field.type = "text";
    if (sent !== null) { field.value = sent; }
    field.inputMode = whole ? "numeric" : "decimal";
  });
})();
