/* Event admin: show only the date fields the chosen precision uses (the rest stay in the form,
   hidden, so nothing breaks without JavaScript). */
(function () {
  "use strict";
  var FIELDS = {
    exact: ["starts_at", "ends_at", "timezone"],
    day: ["start_date", "end_date", "timezone"],
    month: ["start_date", "end_date", "timezone"],
    quarter: ["year", "quarter", "timezone"],
    quarter_span: ["year", "quarter", "quarter_end", "timezone"],
    year_round: ["year"],
    tbd: ["year"]
  };
  var ALL = ["starts_at", "ends_at", "start_date", "end_date", "year", "quarter", "quarter_end", "timezone"];

  function update(select) {
    var wanted = FIELDS[select.value] || ALL;
    ALL.forEach(function (name) {
      var box = document.querySelector(".fieldBox.field-" + name) ||
        document.querySelector(".form-row.field-" + name);
      if (!box) { return; }
      box.hidden = wanted.indexOf(name) === -1;
    });
    // A row holding several fields (start/end) hides when all its fields are hidden.
    document.querySelectorAll(".form-row").forEach(function (row) {
      var boxes = row.querySelectorAll(".fieldBox");
      if (!boxes.length) { return; }
      var visible = Array.prototype.some.call(boxes, function (box) { return !box.hidden; });
      row.hidden = !visible;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("id_date_precision");
    if (!select) { return; }
    select.addEventListener("change", function () { update(select); });
    update(select);
  });
})();
