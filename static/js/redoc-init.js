/* Starts ReDoc from a file (the CSP allows no inline script). ReDoc's styled components get
   the response's nonce, so the page's style-src needs no 'unsafe-inline'.
   ReDoc's sidebar credit loads a logo from a third-party CDN, which the CSP forbids (no
   external origins): that one image gets an empty local picture instead. */
(function () {
  var BLANK = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";
  function local(value) {
    var url = String(value);
    return /^https?:\/\//.test(url) && url.indexOf(window.location.origin + "/") !== 0 ? BLANK : value;
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    return setAttribute.call(this, name, this.tagName === "IMG" && name === "src" ? local(value) : value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    get: src.get,
    set: function (value) { src.set.call(this, local(value)); },
    configurable: true
  });
  var container = document.getElementById("redoc-container");
  window.Redoc.init(container.dataset.schemaUrl, { nonce: container.dataset.nonce }, container);
})();
