// Dispatch's pages (static/css/dispatch.css), from our own files so that it runs under the
// Content-Security-Policy, which blocks inline scripts. Loaded on every page; harmless where
// there is nothing of it. Everything works without it: these only save typing.
(function () {
  "use strict";

  // The route form: a suggested unit fills the lead unit; choosing a grade puts its reply
  // deadline (what the rule proposes, the latest allowed) in the deadline field, unless the
  // officer already set an earlier one.
  function routeHelp(box) {
    var lead = document.getElementById(box.dataset.lead);
    var grade = document.getElementById(box.dataset.grade);
    var due = document.getElementById(box.dataset.due);
    var proposals = {};
    try { proposals = JSON.parse(box.dataset.proposals || "{}"); } catch (e) { proposals = {}; }
    box.querySelectorAll("[data-unit]").forEach(function (chip) {
      chip.addEventListener("click", function () {
        if (!lead) { return; }
        lead.value = chip.dataset.unit;
        lead.dispatchEvent(new Event("change", { bubbles: true }));
        box.querySelectorAll("[data-unit]").forEach(function (other) {
          other.setAttribute("aria-pressed", other === chip ? "true" : "false");
        });
      });
    });
    if (!grade || !due) { return; }
    var shown = proposals[grade.value];
    if (shown) { due.max = shown; }
    grade.addEventListener("change", function () {
      var next = proposals[grade.value];
      if (!next) { return; }
      // Only what the rule proposed is replaced, never a deadline the officer shortened.
      if (!due.value || due.value === shown || due.value > next) { due.value = next; }
      due.max = next;
      shown = next;
    });
  }

  function start() {
    document.querySelectorAll("[data-route-help]").forEach(routeHelp);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // A refused acknowledgement (409: acknowledged meanwhile) still redraws the banner with why.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "major-banner" && event.detail.xhr.status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
