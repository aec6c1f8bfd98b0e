/*
 * Progressive enhancement of the evidence upload forms (templates/innovations/_evidence.html).
 *
 * Without JavaScript the forms post multipart/form-data to innovations.evidence_upload. With it,
 * and when tus-js-client (static/vendor/tus-js-client/tus.min.js) is loaded, the file goes to the
 * tus server at data-tus-endpoint in 5 MB chunks: a dropped mobile connection loses at most one
 * chunk, retries back off up to a minute, and a page reload resumes where the upload stopped
 * (the fingerprint includes the target, so the same file aimed elsewhere starts fresh).
 * No inline scripts (CSP script-src 'self'): everything comes from data- attributes.
 */
(function () {
  "use strict";

  var MB = 1024 * 1024;
  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];

  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function formatMB(bytes) {
    var text = (bytes / MB).toFixed(1);
    return document.documentElement.lang === "en" ? text : text.replace(".", ",");
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

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var status = form.querySelector(".upload-status");
    var bar = form.querySelector("progress");
    var text = form.querySelector(".upload-text");
    var errorBox = form.querySelector(".upload-error");
    var button = form.querySelector("button[type=submit]");
    var csrf = form.querySelector("input[name=csrf_token]");
    var data = form.dataset;
    var busy = false;

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = false;
      button.disabled = false;
      busy = false;
    }

    function showProgress(sent, total) {
      var percent = total ? Math.floor((sent / total) * 100) : 0;
      status.hidden = false;
      bar.value = percent;
      bar.textContent = percent + "%";
      text.textContent = percent + "% · " + fill(data.msgProgress, { done: formatMB(sent), total: formatMB(total) });
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
      showProgress(0, file.size);

      var upload = new window.tus.Upload(file, {
        endpoint: data.tusEndpoint,
        chunkSize: 5 * MB,
        retryDelays: RETRY_DELAYS,
        metadata: metadata,
        headers: csrf ? { "X-CSRFToken": csrf.value } : {},
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        fingerprint: function (f) {
          return Promise.resolve(["inovasi-tus", targetKey, f.name, f.type, f.size, f.lastModified].join("|"));
        },
        onProgress: showProgress,
        onShouldRetry: function (error, retryAttempt, options) {
          var code = error && error.originalResponse ? error.originalResponse.getStatus() : 0;
          var retry = !code || code === 409 || code === 423 || code >= 500;
          if (retry) { text.textContent = data.msgRetry; }
          return retry;
        },
        onError: function (error) {
          showError(serverMessage(error, data.msgFailed));
        },
        onSuccess: function () {
          bar.value = 100;
          text.textContent = data.msgDone;
          var next = data.next;
          if (next && next.charAt(0) === "/" && next.charAt(1) !== "/") {
            window.location.assign(next);
          } else {
            window.location.reload();
          }
        }
      });

      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
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
