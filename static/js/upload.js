/*
 * Progressive enhancement of the evidence upload forms (templates/innovations/_evidence.html).
 *
 * Without JavaScript the forms post multipart/form-data to innovations.evidence_upload. With it,
 * and when tus-js-client (static/vendor/tus-js-client/tus.min.js) is loaded, the file goes to the
 * tus server at data-tus-endpoint, built for a 50 kbit/s link that drops:
 *
 * - Small pieces sized to the link. The first PATCH carries 32 KB; after each one the next is sized
 *   to take about PIECE_SECONDS at the throughput just measured (16 KB to 4 MB). A reset costs at
 *   most the piece in flight (the server keeps every byte that reached it anyway), and no request
 *   runs near gunicorn's worker timeout (30 s by default).
 * - The bar shows what the server confirmed (Upload-Offset of each HEAD and PATCH answer), never
 *   bytes merely handed to the browser's buffers.
 * - A stalled link is detected: a request with no upload progress and no answer for
 *   data-stall-seconds (default 20: three pieces' time) is aborted and the upload resumed from
 *   the server's offset. Errors of the network and 409/423/5xx answers are retried with back-off.
 * - A refused file (413, 415, 403, ...) shows only the server's refusal, no progress line.
 * - A page reload resumes where the upload stopped when the same file is picked again (the
 *   fingerprint includes the target, so the same file aimed elsewhere starts fresh).
 *
 * No inline scripts (CSP script-src 'self'): everything comes from data- attributes.
 */
(function () {
  "use strict";

  var MB = 1024 * 1024;
  var KB = 1024;
  var FIRST_PIECE = 32 * KB;
  var MIN_PIECE = 16 * KB;
  var MAX_PIECE = 4 * MB;
  var PIECE_SECONDS = 6;
  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 15000, 20000, 30000, 30000, 60000, 60000, 60000, 60000, 60000];

  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function formatMB(bytes) {
    var lang = document.documentElement.lang || "id";
    try {
      return new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bytes / MB);
    } catch (ignored) {
      var text = (bytes / MB).toFixed(1);
      return lang === "en" ? text : text.replace(".", ",");
    }
  }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }

  function serverMessage(error, fallback) {
    var response = error && error.originalResponse;
    if (response && typeof response.getBody === "function") {
      try {
        var body = JSON.parse(response.getBody());
        if (body && body.error) { return body.error; }
      } catch (ignored) { /* not JSON: a proxy page or an empty body */ }
    }
    return fallback;
  }

  function statusOf(error) {
    return error && error.originalResponse ? error.originalResponse.getStatus() : 0;
  }

  function now() { return Date.now(); }

  /* The next piece: about PIECE_SECONDS at the measured rate, smoothed, in whole 16 KB. */
  function nextPiece(previousRate, bytes, seconds) {
    var rate = bytes / Math.max(seconds, 0.05);
    var smoothed = previousRate ? 0.5 * previousRate + 0.5 * rate : rate;
    var size = Math.floor((smoothed * PIECE_SECONDS) / MIN_PIECE) * MIN_PIECE;
    return { rate: smoothed, size: Math.max(MIN_PIECE, Math.min(MAX_PIECE, size)) };
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var status = form.querySelector(".upload-status");
    var bar = form.querySelector("progress");
    var text = form.querySelector(".upload-text");
    var errorBox = form.querySelector(".upload-error");
    var button = form.querySelector("button[type=submit]");
    var csrf = form.querySelector("input[name=csrf_token]");
    var data = form.dataset;
    var stallMs = Math.max(parseFloat(data.stallSeconds) || 20, 1) * 1000;
    var busy = false;

    function showError(message) {
      status.hidden = true;  // a refusal is all the user needs to see: no "0 of 0 MB" above it
      errorBox.textContent = message;
      errorBox.hidden = false;
      button.disabled = false;
      busy = false;
    }

    function showConfirmed(confirmed, total) {
      var percent = total ? Math.floor((confirmed / total) * 100) : 0;
      status.hidden = false;
      bar.value = percent;
      bar.textContent = percent + "%";
      text.textContent = percent + "% · " + fill(data.msgProgress, { done: formatMB(confirmed), total: formatMB(total) });
      form.dataset.confirmed = String(confirmed);  // read by the field test
    }

    form.addEventListener("submit", function (event) {
      if (!window.tus || !window.tus.isSupported || !input || !input.files.length) { return; }
      event.preventDefault();
      if (busy) { return; }
      var file = input.files[0];
      var maxBytes = parseInt(data.maxBytes, 10);
      errorBox.hidden = true;
      if (file.size === 0) { showError(data.msgEmpty); return; }
      if (maxBytes && file.size > maxBytes) { showError(fill(data.msgTooLarge, { size: formatMB(file.size) })); return; }

      var metadata = { filename: file.name, filetype: file.type || "", innovation_id: data.innovationId };
      if (data.indicatorNo) { metadata.indicator_no = data.indicatorNo; }
      if (data.slot) { metadata.slot = data.slot; }
      if (data.replaces) { metadata.replaces = data.replaces; }
      var targetKey = [metadata.innovation_id, data.indicatorNo || "", data.slot || "", data.replaces || ""].join(":");

      busy = true;
      button.disabled = true;
      status.hidden = true;
      var confirmed = 0;
      var rate = 0;
      var inFlight = false;      // a request is out and unanswered
      var lastActivity = now();  // its last upload progress (or its start)
      var patchStarted = 0;
      var patchStartOffset = 0;
      var watchdog = null;
      var upload = null;

      function stopWatching() {
        if (watchdog) { window.clearInterval(watchdog); watchdog = null; }
      }

      function confirm(offset) {
        if (!isNaN(offset) && offset >= 0) {
          confirmed = offset;
          showConfirmed(confirmed, file.size);
        }
      }

      function restartStalled() {
        inFlight = false;
        text.textContent = data.msgStalled || data.msgRetry;
        form.dataset.stalls = String((parseInt(form.dataset.stalls, 10) || 0) + 1);
        upload.abort(false).then(function () {
          window.setTimeout(function () { if (busy) { upload.start(); } }, 500);
        });
      }

      upload = new window.tus.Upload(file, {
        endpoint: data.tusEndpoint,
        chunkSize: FIRST_PIECE,
        retryDelays: RETRY_DELAYS,
        metadata: metadata,
        headers: csrf ? { "X-CSRFToken": csrf.value } : {},
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        fingerprint: function (f) {
          return Promise.resolve(["inovasi-tus", targetKey, f.name, f.type, f.size, f.lastModified].join("|"));
        },
        onBeforeRequest: function (request) {
          inFlight = true;
          lastActivity = now();
          if (request.getMethod() === "PATCH") {
            patchStarted = lastActivity;
            patchStartOffset = confirmed;
          }
        },
        onAfterResponse: function (request, response) {
          inFlight = false;
          lastActivity = now();
          var method = request.getMethod();
          if ((method === "HEAD" || method === "POST" || method === "PATCH") && response.getStatus() < 300) {
            confirm(parseInt(response.getHeader("Upload-Offset"), 10));
          }
        },
        onProgress: function () {
          lastActivity = now();  // bytes are leaving: not stalled (the bar waits for the server)
        },
        onChunkComplete: function (chunkSize, accepted) {
          var piece = nextPiece(rate, accepted - patchStartOffset, (now() - patchStarted) / 1000);
          rate = piece.rate;
          upload.options.chunkSize = piece.size;  // tus-js-client reads it for every PATCH
          form.dataset.piece = String(piece.size);
        },
        onShouldRetry: function (error) {
          inFlight = false;
          var code = statusOf(error);
          var retry = !code || code === 409 || code === 423 || code >= 500;
          if (retry) { text.textContent = data.msgRetry; }
          return retry;
        },
        onError: function (error) {
          stopWatching();
          showError(serverMessage(error, data.msgFailed));
        },
        onSuccess: function () {
          stopWatching();
          showConfirmed(file.size, file.size);
          text.textContent = data.msgDone;
          var next = data.next;
          if (next && next.charAt(0) === "/" && next.charAt(1) !== "/") {
            window.location.assign(next);
          } else {
            window.location.reload();
          }
        }
      });

      watchdog = window.setInterval(function () {
        // A piece should take PIECE_SECONDS; silence for several times that is a stalled link.
        if (busy && inFlight && now() - lastActivity > stallMs) { restartStalled(); }
      }, 1000);

      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          status.hidden = false;
          text.textContent = data.msgResume;
          upload.resumeFromPreviousUpload(previous[0]);
        }
        upload.start();
      }, function () { upload.start(); });
    });
  }

  ready(function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-tus-endpoint]"), enhance);
    Array.prototype.forEach.call(document.querySelectorAll(".evidence form[data-confirm]"), function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
  });
})();
