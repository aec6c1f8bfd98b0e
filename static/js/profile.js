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

  // Drafts: every field of a form with data-draft-key (text, dates, selects, radio choices such as the
  // indicator's parameter, checkbox groups) is saved to localStorage while typing, restored after a
  // dropped connection or a crash, with a notice saying so and when it was typed. The server's
  // confirmation of a save (innovation/drafts.py, read by drafts.js on the next page) removes it.
  // A form with data-draft-version (its row's edit version, innovation.concurrency) stamps each draft
  // with the version it was typed on: a draft typed on an older version than the page shows is not
  // restored blindly over the newer server copy; the page says so and lets the user restore or discard it.
  var SKIP = { hidden: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1, password: 1 };
  function draftControls(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.name !== "version" && !SKIP[el.type] && !el.disabled &&
        /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);
    });
  }
  // name -> value: a string, or for checkbox groups and multiple selects a list of the chosen values.
  function readValues(form) {
    var values = {};
    draftControls(form).forEach(function (el) {
      if (el.type === "radio") {
        if (!(el.name in values)) values[el.name] = "";
        if (el.checked) values[el.name] = el.value;
      } else if (el.type === "checkbox") {
        if (!(el.name in values)) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }
  function same(a, b) {
    return Array.isArray(a) || Array.isArray(b) ? String([].concat(a).sort()) === String([].concat(b).sort()) : a === b;
  }
  function writeValues(form, values) {
    var changed = [];
    draftControls(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(values, el.name)) return;
      var want = values[el.name], before;
      if (el.type === "radio") {
        before = el.checked; el.checked = el.value === want;
      } else if (el.type === "checkbox") {
        before = el.checked; el.checked = [].concat(want).indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        before = el.value;
        Array.prototype.forEach.call(el.options, function (o) { o.selected = [].concat(want).indexOf(o.value) !== -1; });
      } else {
        before = el.value; el.value = want;
      }
      var after = el.type === "radio" || el.type === "checkbox" ? el.checked : el.value;
      if (before !== after) changed.push(el);
    });
    changed.forEach(function (el) {
      var fold = el.closest("details");
      if (fold) fold.open = true;  // a restored choice is not hidden in a closed fold
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    return changed.length;
  }
  function differingNames(form, saved) {
    var now = readValues(form);
    return Object.keys(saved.values || {}).filter(function (name) {
      return Object.prototype.hasOwnProperty.call(now, name) && !same(now[name], saved.values[name]);
    });
  }
  function showRestored(banner, saved) {
    if (!banner) return;
    var at = banner.querySelector("[data-draft-at]");
    if (at && saved.at) {
      try {
        at.textContent = new Date(saved.at).toLocaleString(lang === "en" ? "en-GB" : "id-ID",
          { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
      } catch (e) { at.textContent = new Date(saved.at).toISOString(); }
    }
    banner.hidden = false;
  }

  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var key = "draft:" + form.getAttribute("data-draft-key");
    var stamp = form.getAttribute("data-draft-stamp") || "";
    var version = form.getAttribute("data-draft-version");
    var storage;
    try { storage = window.localStorage; storage.setItem("draft:probe", "1"); storage.removeItem("draft:probe"); }
    catch (e) { return; }

    var saved = null;
    try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
    var banner = document.getElementById("draft-restored");
    var restoring = false;
    function restore() {
      restoring = true;
      var n = writeValues(form, saved.values);
      restoring = false;
      return n;
    }
    var older = document.getElementById("draft-older");
    if (saved && saved.values && version !== null) {
      if (!differingNames(form, saved).length) {
        /* the page already holds what the draft holds */
      } else if (String(saved.version) === version) {
        if (restore()) showRestored(banner, saved);
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
          showRestored(banner, saved);
        });
        saved.kept = true;  // keep it until restored or discarded, even if the user types meanwhile
      }
    } else if (saved && saved.values && (!stamp || saved.stamp === stamp)) {
      if (restore()) showRestored(banner, saved);
    } else if (saved) {
      storage.removeItem(key); // the server copy changed since: the old draft is stale
    }

    var timer = null;
    function save() {
      if (restoring) return;
      if (saved && saved.kept && older && !older.hidden) return;  // the older draft waits for a decision
      try {
        storage.setItem(key, JSON.stringify({ stamp: stamp, version: version, at: Date.now(), values: readValues(form) }));
      } catch (e) { /* full */ }
    }
    form.addEventListener("input", function () { if (!restoring) { clearTimeout(timer); timer = setTimeout(save, 400); } });
    form.addEventListener("change", save);
    // Kept until the server confirms the save (drafts.js on the next page): a failed POST (no network,
    // an error page) leaves it here to be restored on the next visit.
    form.addEventListener("submit", function () {
      if (older) older.hidden = true;
      clearTimeout(timer);
      save();
    });
    document.querySelectorAll("[data-draft-discard]").forEach(function (discard) {
      discard.addEventListener("click", function () { storage.removeItem(key); window.location.reload(); });
    });
  });

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
