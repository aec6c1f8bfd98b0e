/* Profile and indicator pages: live word count, drafts kept on the device, GPS coordinates,
   line score preview. Progressive enhancement: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var WORD_RE = /[^\s\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,.\/:;<=>?@\[\]^_`{|}~]+(?:[-'’][^\s\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,.\/:;<=>?@\[\]^_`{|}~]+)*/g;
  var lang = document.documentElement.lang || "id";
  var T = lang === "en"
    ? { words: "words", short: "short of the minimum by", ok: "minimum reached" }
    : { words: "kata", short: "kurang dari minimum sebanyak", ok: "minimum terpenuhi" };

  function countWords(text) {
    var found = (text || "").match(WORD_RE);
    return found ? found.length : 0;
  }

  // Live word count for textareas with data-wordcount="<minimum>".
  document.querySelectorAll("textarea[data-wordcount]").forEach(function (area) {
    var minimum = parseInt(area.getAttribute("data-wordcount"), 10) || 0;
    var out = document.querySelector('[data-wordcount-for="' + area.name + '"]');
    if (!out) return;
    function update() {
      var n = countWords(area.value);
      out.textContent = n + " " + T.words + (minimum ? (n < minimum ? " — " + T.short + " " + (minimum - n) : " — " + T.ok) : "");
      out.classList.toggle("short", minimum > 0 && n < minimum);
    }
    area.addEventListener("input", update);
    update();
  });

  // Drafts: every text field of a form with data-draft-key is saved to localStorage while typing,
  // restored after a dropped connection or a crash, and cleared once the server has saved it.
  // A form with data-draft-version (its row's edit version, innovation.concurrency) stamps each draft
  // with the version it was typed on: a draft typed on an older version than the page shows is not
  // restored blindly over the newer server copy; the page says so and lets the user restore or discard it.
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var key = "draft:" + form.getAttribute("data-draft-key");
    var stamp = form.getAttribute("data-draft-stamp") || "";
    var version = form.getAttribute("data-draft-version");
    var fields = form.querySelectorAll("textarea, input[type=text], input[type=date], input:not([type]), select");
    var storage;
    try { storage = window.localStorage; storage.setItem("draft:probe", "1"); storage.removeItem("draft:probe"); }
    catch (e) { return; }

    var saved = null;
    try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
    function differing() {
      return Array.prototype.filter.call(fields, function (el) {
        return el.name && saved && saved.values && Object.prototype.hasOwnProperty.call(saved.values, el.name) &&
          el.value !== saved.values[el.name];
      });
    }
    function restore() {
      differing().forEach(function (el) {
        el.value = saved.values[el.name];
        el.dispatchEvent(new Event("input"));
      });
    }
    var restoredAny = false;
    var older = document.getElementById("draft-older");
    if (saved && saved.values && version !== null) {
      if (!differing().length) {
        /* the page already holds what the draft holds */
      } else if (String(saved.version) === version) {
        restore();
        restoredAny = true;  // something differed
      } else if (older) {
        // Typed on another (older) version: say so, and restore only when asked.
        var oldOut = older.querySelector("[data-draft-old-version]");
        var newOut = older.querySelector("[data-draft-page-version]");
        if (oldOut) oldOut.textContent = saved.version ? String(saved.version) : "?";
        if (newOut) newOut.textContent = version;
        older.hidden = false;
        var again = older.querySelector("[data-draft-restore]");
        if (again) again.addEventListener("click", function () {
          restore();
          older.hidden = true;
          var restoredBanner = document.getElementById("draft-restored");
          if (restoredBanner) restoredBanner.hidden = false;
        });
        saved.kept = true;  // keep it until restored or discarded, even if the user types meanwhile
      }
    } else if (saved && saved.values && (!stamp || saved.stamp === stamp)) {
      restoredAny = differing().length > 0;
      restore();
    } else if (saved) {
      storage.removeItem(key); // the server copy changed since: the old draft is stale
    }
    var banner = document.getElementById("draft-restored");
    if (restoredAny && banner) banner.hidden = false;

    var timer = null;
    function save() {
      if (saved && saved.kept && older && !older.hidden) return;  // the older draft waits for a decision
      var values = {};
      fields.forEach(function (el) { if (el.name && el.name !== "csrf_token") values[el.name] = el.value; });
      try {
        storage.setItem(key, JSON.stringify({ stamp: stamp, version: version, at: Date.now(), values: values }));
      } catch (e) { /* full */ }
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 400); });
    form.addEventListener("change", save);
    // A successful save redirects away; mark the draft as sent. If the POST fails (no network), the
    // browser stays here or shows its error page, and the draft is still restored on the next visit.
    form.addEventListener("submit", function () {
      if (older) older.hidden = true;
      save();
      try { sessionStorage.setItem("draft-sent", key); } catch (e) { /* ignore */ }
    });
    document.querySelectorAll("[data-draft-discard]").forEach(function (discard) {
      discard.addEventListener("click", function () { storage.removeItem(key); window.location.reload(); });
    });
  });
  // After a redirect that follows a successful save, the page shows a success message: forget the draft.
  try {
    var sent = sessionStorage.getItem("draft-sent");
    if (sent && document.querySelector(".flash-success")) { localStorage.removeItem(sent); }
    if (sent) sessionStorage.removeItem("draft-sent");
  } catch (e) { /* ignore */ }

  // Coordinates: GPS of the device (works offline), and "lat, lon" pasted into either box is split.
  var lat = document.querySelector('[data-coord="lat"]');
  var lon = document.querySelector('[data-coord="lon"]');
  function splitPasted(el) {
    var m = (el.value || "").match(/^\s*(-?\d+(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d+(?:[.,]\d+)?)\s*$/);
    if (m && lat && lon) { lat.value = m[1].replace(",", "."); lon.value = m[2].replace(",", "."); }
  }
  if (lat && lon) {
    [lat, lon].forEach(function (el) { el.addEventListener("change", function () { splitPasted(el); }); });
    var button = document.querySelector("[data-geolocate]");
    var status = document.querySelector("[data-geo-status]");
    if (button && navigator.geolocation) {
      button.addEventListener("click", function () {
        status.textContent = lang === "en" ? "Finding your location…" : "Mencari lokasi…";
        navigator.geolocation.getCurrentPosition(function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lon.value = pos.coords.longitude.toFixed(6);
          lat.dispatchEvent(new Event("input", { bubbles: true }));
          status.textContent = (lang === "en" ? "Accuracy about " : "Akurasi sekitar ") + new Intl.NumberFormat(lang).format(Math.round(pos.coords.accuracy)) + " m";
        }, function (err) {
          status.textContent = (lang === "en" ? "Location unavailable: " : "Lokasi tidak tersedia: ") + err.message;
        }, { enableHighAccuracy: true, timeout: 20000 });
      });
    } else if (button) { button.hidden = true; }
  }

  // Line score preview on the indicator page.
  var scoreEl = document.querySelector("[data-line-score]");
  if (scoreEl) {
    var bobot = parseInt(scoreEl.getAttribute("data-bobot"), 10);
    var hasEvidence = scoreEl.getAttribute("data-has-evidence") === "1";
    document.querySelectorAll('input[name="parameter"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        var p = parseInt(radio.value, 10) || 0;
        scoreEl.textContent = hasEvidence ? String(bobot * p) : "0";
      });
    });
  }
})();
