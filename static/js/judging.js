/* Score sheet: the typed scores and comments are kept on the device (localStorage) until the server
   has saved them, so a dropped connection loses nothing; a live weighted total. Progressive
   enhancement: the page works without this file.

   Sending when the venue's Wi-Fi drops: a save or submit is posted with fetch. When the post cannot
   reach the server, the whole form (its edit version included) waits in an outbox on the device and is
   posted again when the browser is back online, every 10 s meanwhile, and on the next visit of the page.
   Nothing is applied twice: a repeat of a post that did arrive carries the same values, which the server
   takes as no change (judging/sheets.py). Nothing is overwritten silently: the outbox carries the version
   the page was loaded with, so a sheet changed elsewhere meanwhile is refused, and the refusal is shown
   by posting the form natively (a refused post changes nothing), with the typed values beside the saved
   ones. */
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
      ? (lang === "en" ? "Weighted total: " : "Total berbobot: ") + format.format(total / 100 || 0)  // || 0: never "-0,00"
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

  // --- the outbox ---------------------------------------------------------------------------------
  if (!storage || !window.fetch || !window.FormData) return;
  var outboxKey = "judging-outbox:" + form.getAttribute("data-draft-key");
  var banner = document.getElementById("sheet-outbox");
  var sending = false, retry = null;

  function pending() {
    try { return JSON.parse(storage.getItem(outboxKey) || "null"); } catch (e) { return null; }
  }
  function say(which) {
    if (!banner) return;
    banner.textContent = which ? banner.getAttribute("data-" + which) : "";
    banner.hidden = !which;
  }
  function nativeSubmit(entries) {
    // Show the server's own answer (errors, or what another device saved) by posting the form itself.
    entries.forEach(function (pair) {
      var el = form.elements.namedItem(pair[0]);
      if (el && el.tagName && pair[0] !== "action") el.value = pair[1];
    });
    var action = entries.filter(function (pair) { return pair[0] === "action"; })[0];
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = "action"; hidden.value = action ? action[1] : "draft";
    form.appendChild(hidden);
    HTMLFormElement.prototype.submit.call(form);
  }
  function send() {
    var item = pending();
    if (!item || sending) return;
    sending = true;
    var body = new FormData();
    item.entries.forEach(function (pair) { body.append(pair[0], pair[1]); });
    fetch(item.url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        sending = false;
        storage.removeItem(outboxKey);
        if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
          storage.removeItem(key);  // saved: the draft on the device is no longer needed
          try { sessionStorage.removeItem("judging-draft-sent"); } catch (e) { /* ignore */ }
          window.location.assign(item.url);
        } else {
          nativeSubmit(item.entries);
        }
      })
      .catch(function () {
        sending = false;
        say("waiting");
        clearTimeout(retry);
        retry = setTimeout(send, 10000);
      });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var submitter = event.submitter;
    data.set("action", submitter && submitter.value ? submitter.value : "draft");
    var entries = [];
    data.forEach(function (value, name) { if (typeof value === "string") entries.push([name, value]); });
    try {
      storage.setItem(outboxKey, JSON.stringify({ url: window.location.pathname, at: Date.now(), entries: entries }));
    } catch (e) { HTMLFormElement.prototype.submit.call(form); return; }
    if (!navigator.onLine) { say("waiting"); return; }
    send();
  });
  window.addEventListener("online", function () { if (pending()) { say("sending"); send(); } });
  if (pending()) {
    if (navigator.onLine) { say("sending"); send(); } else { say("waiting"); }
  }
})();
