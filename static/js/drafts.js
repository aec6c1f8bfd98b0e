/* The server has saved these forms (innovation/drafts.py): forget their local drafts, so a shared phone
   keeps no copy and no form restores an already saved draft. Loaded, undeferred, only on the page that
   follows a confirmed save, before any form script runs. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="drafts-saved"]');
  if (!meta) return;
  (meta.getAttribute("content") || "").split(/\s+/).forEach(function (key) {
    if (!key) return;
    try { window.localStorage.removeItem(key); } catch (e) { /* storage unavailable: nothing kept either */ }
  });
})();
