// The case queue (templates/reports/report_queue.html): the same two delegated listeners as
// the page's inline script, from our own files so that they run under the
// Content-Security-Policy, which blocks inline scripts. Harmless on pages without a queue.
(function () {
  "use strict";
  // A refused filter answers 400 with the list partial explaining why: show it (htmx 2
  // does not swap error responses by default).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.detail.target.id === "queue-list") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // "Select all" for the bulk actions; delegated, so it survives htmx swaps of the list.
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-select-all]")) return;
    document.querySelectorAll("#queue-list input[name=ids]").forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
})();
