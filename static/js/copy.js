/* "Copy" buttons: <button data-copy="ID" hidden> copies the text of element ID.
   Shown only where the clipboard API exists; without JavaScript the text stays selectable. */
(function () {
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.querySelectorAll("li").length
        ? Array.prototype.map.call(source.querySelectorAll("li"), function (li) { return li.textContent.trim(); }).join("\n")
        : source.textContent.trim();
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = button.dataset.copied || "\u2713";
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
