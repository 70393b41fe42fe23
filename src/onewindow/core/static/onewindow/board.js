// The display board: fetch the live part every 3 seconds and, when asked, say new calls aloud; while
// the server cannot be reached it says "reconnecting" and catches up when it answers again.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var announce = document.getElementById("announce");
  var latest = Number(board.querySelector(".board").dataset.latest || 0);
  // Shown while the server cannot be reached; the next answer catches up with every call missed.
  var connection = document.getElementById("board-connection");

  function say(call) {
    if (!announce.checked || !("speechSynthesis" in window)) return;
    var text = board.dataset.say
      .replace("%(number)s", call.dataset.number.split("").join(" "))
      .replace("%(window)s", call.dataset.window);
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = board.dataset.lang;
    window.speechSynthesis.speak(utterance);
  }

  function refresh() {
    fetch(board.dataset.live, { headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        board.innerHTML = html;
        var calls = Array.prototype.slice.call(board.querySelectorAll("[data-event]")).reverse();
        calls.forEach(function (call) {
          if (Number(call.dataset.event) > latest) say(call);
        });
        latest = Number(board.querySelector(".board").dataset.latest || latest);
        if (connection) connection.hidden = true;
      })
      .catch(function () {
        // Keep the last board and say so; try again on the next tick.
        if (connection) connection.hidden = false;
      });
  }
  window.setInterval(refresh, 3000);
})();
