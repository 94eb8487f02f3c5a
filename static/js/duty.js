// Duty's filing forms: show one entry row and reveal the next blank one on "Add another".
// (A static file: the Content-Security-Policy allows no inline script. Without JavaScript every
// row is shown.)
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.dt-add[data-reveal]")) {
    const form = button.closest("fieldset");
    const extras = () => form.querySelectorAll(".dt-extra[hidden]");
    for (const row of form.querySelectorAll(".dt-extra")) row.hidden = true;
    button.hidden = extras().length === 0;
    button.addEventListener("click", () => {
      const next = extras()[0];
      if (!next) return;
      next.hidden = false;
      next.querySelector("input, textarea, select")?.focus();
      button.hidden = extras().length === 0;
    });
  }
});
