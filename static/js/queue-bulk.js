// The county queue's bulk bar: "select all" and how many cases are ticked.
//
// Progressive: without this script the bar still works (it sits below the list and sends the
// ticked rows). With it, the bar says how many cases are ticked and, once one is, stays in
// view at the bottom of a phone's screen (the class rp-bulk-on, see reports.css). Listeners
// are delegated to the document, so they survive htmx swaps of the list.
(function () {
  "use strict";

  function boxes() {
    return document.querySelectorAll("#queue-list input[name=ids]");
  }

  function update() {
    var bar = document.querySelector("#queue-list [data-bulk-bar]");
    if (!bar) return;
    var all = boxes();
    var ticked = 0;
    all.forEach(function (box) {
      if (box.checked) ticked += 1;
    });
    var selectAll = document.querySelector("#queue-list [data-select-all]");
    if (selectAll) {
      selectAll.checked = ticked > 0 && ticked === all.length;
      selectAll.indeterminate = ticked > 0 && ticked < all.length;
    }
    var count = bar.querySelector("[data-bulk-count]");
    if (count) {
      var words = ticked === 1 ? count.dataset.one : count.dataset.other;
      count.textContent = ticked ? words.replace("{n}", String(ticked)) : "";
      count.hidden = ticked === 0;
    }
    bar.classList.toggle("rp-bulk-on", ticked > 0);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("#queue-list [data-select-all]")) {
      boxes().forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.matches("#queue-list [data-select-all], #queue-list input[name=ids]")) update();
  });
  document.addEventListener("htmx:afterSwap", update);
  // Back/forward and reloads may restore ticks without a change event.
  window.addEventListener("pageshow", update);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
