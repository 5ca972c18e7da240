// A comment's time is written in the site's zone, since the page is cached for every
// reader wherever they are. Here it is shown in the reader's own zone instead, with the
// site's time kept as the tooltip. Without JavaScript the site's time, named, stays.
(function () {
  "use strict";

  if (!window.Intl || !Intl.DateTimeFormat.prototype.formatToParts) { return; }
  // The same words as the site's own: "13 Nov 2026, 08:25". Browsers' English month
  // abbreviations differ ("Sept"), so only the numbers are taken from them.
  var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var numbers = new Intl.DateTimeFormat("en-US", {
    year: "numeric", month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
  });

  function shown(moment) {
    var part = {};
    numbers.formatToParts(moment).forEach(function (piece) { part[piece.type] = piece.value; });
    return Number(part.day) + " " + months[Number(part.month) - 1] + " " + part.year + ", " +
      part.hour + ":" + part.minute + " " + part.timeZoneName;
  }

  document.querySelectorAll(".comment-list time[datetime]").forEach(function (element) {
    // "+0000" is valid HTML, but not every browser's Date reads it without the colon.
    var value = element.getAttribute("datetime").replace(/([+-]\d\d)(\d\d)$/, "$1:$2");
    var moment = new Date(value);
    if (isNaN(moment.getTime())) { return; }
    element.title = element.textContent;
    element.textContent = shown(moment);
  });
})();
