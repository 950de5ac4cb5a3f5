/* The export page's "Select all" box (the CSP blocks the inline handler the library ships). */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function () {
      var row = toggle.closest("[resource-index]");
      var scope = row ? '[resource-index="' + row.getAttribute("resource-index") + '"]' : ".selectable-field-export-row";
      document.querySelectorAll(scope + ' input[type="checkbox"]:not(.select-toggle)').forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  });
});
