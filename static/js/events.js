/* Events: show an exact event time in the reader's own time zone as well, when it differs
   from the event's. The page states the event's local time without JavaScript. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var reader;
    try { reader = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll("time[data-event-time]").forEach(function (node) {
      var zone = node.getAttribute("data-event-zone");
      var moment = new Date(node.getAttribute("datetime"));
      if (!reader || !zone || reader === zone || isNaN(moment.getTime())) { return; }
      // The portal's date style: "Monday 28 December 2026, 10:00" (day before month, 24-hour).
      var lang = document.documentElement.lang || undefined;
      var text = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, {
        weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit",
        minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
      }).format(moment);
      var holder = node.parentNode.querySelector(".event-local-time");
      if (!holder) {
        holder = document.createElement("span");
        holder.className = "event-local-time";
        node.parentNode.appendChild(holder);
      }
      holder.textContent = (node.getAttribute("data-local-label") || "") + " " + text;
      holder.hidden = false;
    });
  });
})();
