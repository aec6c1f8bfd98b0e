/* Job status page: polls GET /jobs/<id>.json every 2 s and moves the progress bar.
   Without JavaScript the page shows a "Muat ulang" link instead. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "true") { return; }
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("job-progress");
  var statusText = document.getElementById("job-status-text");
  var counts = document.getElementById("job-counts");
  var message = document.getElementById("job-message");
  var errorBox = document.getElementById("job-error");
  var errorText = document.getElementById("job-error-text");
  var download = document.getElementById("job-download");
  var link = document.getElementById("job-download-link");

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    statusText.textContent = data.status_text;
    statusText.className = "status-" + data.status;
    counts.textContent = data.total ? data.progress + " / " + data.total : "";
    message.textContent = data.message || "";
    if (data.status === "failed") {
      errorText.textContent = data.error || "";
      errorBox.hidden = false;
    }
    if (data.download_url) {
      link.href = data.download_url;
      download.hidden = false;
    }
    box.dataset.finished = data.finished ? "true" : "false";
    var reload = box.querySelector(".reload-link");
    if (data.finished && reload) { reload.hidden = true; }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) { show(data); }
        if (!data || !data.finished) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
