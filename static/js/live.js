/* The presentation day's live screens (the chair's console and the projector view).
   The server owns the timer: every 2 s this asks the page's state URL (data-state-url) for the elapsed
   seconds and the phase, and between two answers only counts on locally while the timer runs. When an
   answer fails (the venue's Wi-Fi), the screen keeps counting and says the link is lost; the next answer
   corrects it. Labels come from data-label-* attributes, so the page's language is used. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) { return; }
  var url = root.dataset.stateUrl;
  var state = JSON.parse(document.getElementById("live-state").textContent);
  var receivedAt = performance.now();

  function label(name) { return root.dataset["label" + name.charAt(0).toUpperCase() + name.slice(1)] || name; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    return Math.floor(seconds / 60) + ":" + pad(seconds % 60);
  }
  function set(id, text) {
    var el = document.getElementById(id);
    if (el && el.textContent !== text) { el.textContent = text; }
  }

  function figures() {
    var t = state.timer;
    var elapsed = t.elapsed;
    if (t.state === "running") { elapsed += (performance.now() - receivedAt) / 1000; }
    if (t.state === "idle") { return { phase: "idle", remaining: t.presentation, overtime: 0 }; }
    if (elapsed < t.presentation) { return { phase: "presentation", remaining: t.presentation - elapsed, overtime: 0 }; }
    if (elapsed < t.presentation + t.qa) { return { phase: "qa", remaining: t.presentation + t.qa - elapsed, overtime: 0 }; }
    return { phase: "overtime", remaining: 0, overtime: elapsed - t.presentation - t.qa };
  }

  function render() {
    var f = figures();
    set("live-clock", f.phase === "overtime" ? "+" + clock(f.overtime) : clock(Math.ceil(f.remaining)));
    set("live-phase", label(f.phase) + (state.timer.state === "paused" ? " · " + label("paused") :
        state.timer.state === "stopped" ? " · " + label("stopped") : ""));
    root.dataset.phase = f.phase;
    root.dataset.timer = state.timer.state;
    var cur = state.current, nxt = state.next;
    set("live-current", cur ? cur.position + ". " + cur.innovation : label("none"));
    set("live-current-opd", cur ? cur.opd + " · " + cur.category : "");
    set("live-next", nxt ? nxt.position + ". " + nxt.innovation + " · " + nxt.opd : label("last"));
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) { root.dataset.gone = "true"; set("live-link", label("gone")); return null; }
        return response.ok ? response.json() : Promise.reject(response.status);
      })
      .then(function (data) {
        if (!data) { return; }
        state = data;
        receivedAt = performance.now();
        root.dataset.offline = "false";
        set("live-link", "");
        render();
      })
      .catch(function () { root.dataset.offline = "true"; set("live-link", label("offline")); })
      .then(function () { if (root.dataset.gone !== "true") { window.setTimeout(poll, 2000); } });
  }

  var full = document.getElementById("live-fullscreen");
  if (full && document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", function () {
      document.documentElement.requestFullscreen().then(function () { full.hidden = true; }, function () {});
    });
    document.addEventListener("fullscreenchange", function () { full.hidden = !!document.fullscreenElement; });
  }

  render();
  window.setInterval(render, 250);
  window.setTimeout(poll, 2000);
})();
