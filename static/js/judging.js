/* Score sheet: the typed scores and comments are kept on the device (localStorage) until the server
   has saved them, so a dropped connection loses nothing; a live weighted total. Progressive
   enhancement: the page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var lang = document.documentElement.lang || "id";
  var form = document.querySelector("form.score-form[data-draft-key]");
  if (!form) return;
  var key = "judging-draft:" + form.getAttribute("data-draft-key");
  var stamp = form.getAttribute("data-draft-stamp") || "";
  var fields = form.querySelectorAll("textarea, input[type=number]");
  var storage = null;
  try { storage = window.localStorage; storage.setItem("draft:probe", "1"); storage.removeItem("draft:probe"); }
  catch (e) { storage = null; }

  var live = form.querySelector("[data-live-total]");
  function updateTotal() {
    if (!live) return;
    var total = 0, complete = true;
    form.querySelectorAll("input[type=number][data-weight]").forEach(function (el) {
      if (el.getAttribute("data-independent") === "1") return;
      var v = parseFloat((el.value || "").replace(",", "."));
      if (isNaN(v)) { complete = false; return; }
      total += v * parseFloat(el.getAttribute("data-weight"));
    });
    live.hidden = false;
    live.textContent = complete
      ? (lang === "en" ? "Weighted total: " : "Total berbobot: ") + (total / 100).toFixed(2)
      : (lang === "en" ? "Fill in every counted criterion to see the total." : "Isi semua kriteria yang dihitung untuk melihat total.");
  }

  if (storage) {
    var saved = null;
    try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.values && saved.stamp === stamp) {
      var restored = false;
      fields.forEach(function (el) {
        if (el.name && Object.prototype.hasOwnProperty.call(saved.values, el.name) && el.value !== saved.values[el.name]) {
          el.value = saved.values[el.name];
          restored = true;
        }
      });
      var banner = document.getElementById("draft-restored");
      if (restored && banner) banner.hidden = false;
    } else if (saved) {
      storage.removeItem(key);
    }
    var timer = null;
    var save = function () {
      var values = {};
      fields.forEach(function (el) { if (el.name) values[el.name] = el.value; });
      try { storage.setItem(key, JSON.stringify({ stamp: stamp, at: Date.now(), values: values })); } catch (e) { /* full */ }
    };
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
    form.addEventListener("submit", function () {
      save();
      try { sessionStorage.setItem("judging-draft-sent", key); } catch (e) { /* ignore */ }
    });
    var discard = document.querySelector("[data-draft-discard]");
    if (discard) discard.addEventListener("click", function () { storage.removeItem(key); window.location.reload(); });
    try {
      var sent = sessionStorage.getItem("judging-draft-sent");
      if (sent && document.querySelector(".flash-success")) storage.removeItem(sent);
      if (sent) sessionStorage.removeItem("judging-draft-sent");
    } catch (e) { /* ignore */ }
  }
  form.addEventListener("input", updateTotal);
  updateTotal();
})();
