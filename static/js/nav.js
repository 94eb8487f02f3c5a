// On a phone the main menu is one row that scrolls sideways: bring the current page's entry
// into view, so the reader sees where they are (the row is scrolled, never the page).
(function () {
  "use strict";
  var row = document.querySelector(".nav-inner");
  var here = row && row.querySelector('[aria-current="page"]');
  if (!here || row.scrollWidth <= row.clientWidth) return;
  var offset = here.getBoundingClientRect().left - row.getBoundingClientRect().left;
  row.scrollLeft += offset - (row.clientWidth - here.offsetWidth) / 2;
})();
