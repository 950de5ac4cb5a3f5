// Polls an annual-report run's JSON status and updates the progress page; reloads when done.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  function text(selector, value) {
    var node = box.querySelector(selector);
    if (node) { node.textContent = value; }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(function (status) {
        var bar = box.querySelector("[data-run-progress]");
        if (bar) { bar.value = status.progress; bar.textContent = status.progress + "%"; }
        text("[data-run-percent]", status.progress + "%");
        text("[data-run-message]", status.message || "—");
        text("[data-run-state]", status.state_label);
        if (status.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
