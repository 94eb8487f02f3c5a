// The intake form (templates/reports/report_new.html), loaded from our own files so that the
// Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  // One submission per page: a double tap must not send twice (the server also deduplicates).
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelector("button[type=submit]").setAttribute("aria-busy", "true");
  });
  // Coming back with the Back button: the form may be sent again (same key, same report).
  window.addEventListener("pageshow", function () {
    delete form.dataset.sent;
    form.querySelector("button[type=submit]").removeAttribute("aria-busy");
  });
})();
