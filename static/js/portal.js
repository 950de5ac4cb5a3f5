/* Small enhancements for every page; each works without JavaScript too (CSP: script-src 'self').
   - Filter drawers (<details data-drawer open>): closed on a phone, so results come first;
     always open on a wider screen. Without JavaScript the filters simply stay open. */
(function () {
  var narrow = window.matchMedia("(max-width: 48rem)");
  function fit() {
    document.querySelectorAll("details[data-drawer]").forEach(function (drawer) {
      drawer.open = !narrow.matches;
    });
  }
  fit();
  if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
})();
