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
  // The page's number format (Indonesian 4,05; English 4.05), as the server shows the saved total.
  var format = null;
  try {
    format = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  } catch (e) {
    format = new Intl.NumberFormat("id", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  // In whole hundredths, exactly as the server: scores and weights have at most two decimals, so the
  // sum of value x weight / 100 is a whole number of millionths; the server keeps it to four places
  // (Decimal's default half-even, judging/totals.py) and shows two, half-up (innovation/numbers.py).
  // Floats would show 4.00 for 4.005 (4.00499999... in binary).
  function hundredths(text) {
    var n = Number((text || "").trim().replace(",", "."));
    return (text || "").trim() === "" || !isFinite(n) ? null : Math.round(n * 100);
  }
  function halfEven(numerator, denominator) {
    var q = Math.floor(numerator / denominator), r = numerator - q * denominator;
    if (2 * r > denominator || (2 * r === denominator && q % 2 === 1)) q += 1;
    return q;
  }
  function updateTotal() {
    if (!live) return;
    var millionths = 0, complete = true;
    form.querySelectorAll("input[type=number][data-weight]").forEach(function (el) {
      if (el.getAttribute("data-independent") === "1") return;
      var v = hundredths(el.value), w = hundredths(el.getAttribute("data-weight"));
      if (v === null || w === null) { complete = false; return; }
      millionths += v * w;  // (v / 100) x (w / 100) / 100 = v x w millionths
    });
    var total = Math.floor((halfEven(millionths, 100) + 50) / 100);  // ten-thousandths, then hundredths half-up
    live.hidden = false;
    live.textContent = complete
      ? (lang === "en" ? "Weighted total: " : "Total berbobot: ") + format.format(total / 100)
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
    // Kept until the server confirms the save: innovation/drafts.py names the key on the next page and
    // drafts.js removes it before this script runs; a refused or failed POST leaves it to be restored.
    form.addEventListener("submit", function () { clearTimeout(timer); save(); });
    var discard = document.querySelector("[data-draft-discard]");
    if (discard) discard.addEventListener("click", function () { storage.removeItem(key); window.location.reload(); });
  }
  form.addEventListener("input", updateTotal);
  updateTotal();
})();
