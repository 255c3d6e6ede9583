// Régua: small progressive enhancements. Every form works without this file.
(function () {
  "use strict";
  // Selects marked data-autosubmit send their form on change (language
  // switcher, consent state); a <noscript> button covers browsers without JS.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // Upload forms: show that the import is running and stop double submits.
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var note = form.querySelector("[data-uploading]");
      if (note) { note.hidden = false; }
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    });
  });
  // New-portfolio form: the new-creditor fields only matter when no
  // existing creditor is chosen.
  document.querySelectorAll("select[data-toggle-new]").forEach(function (sel) {
    var box = sel.form.querySelector("[data-new-creditor]");
    if (!box) { return; }
    var sync = function () { box.hidden = sel.value !== ""; };
    sel.addEventListener("change", sync);
    sync();
  });
})();
