// The case queue (templates/reports/report_queue.html), from our own files so that it runs
// under the Content-Security-Policy, which blocks inline scripts. Harmless on other pages.
// The bulk bar ("select all", the ticked count) is static/js/queue-bulk.js.
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
})();
