// A kiosk goes back to its start page after the idle time: the next visitor does not find the last
// one's half-made choices. Any touch, key or input starts the count again.
(function () {
  "use strict";
  var body = document.body;
  var seconds = Number(body.dataset.idleSeconds || 0);
  var start = body.dataset.idleUrl;
  // The ticket's print button needs a script, so it shows only where one runs.
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  if (!seconds || !start) return;
  var timer;
  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { window.location.assign(start); }, seconds * 1000);
  }
  ["pointerdown", "keydown", "input", "touchstart"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true });
  });
  restart();
})();
