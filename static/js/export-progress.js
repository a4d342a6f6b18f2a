/* EBTR Trainer: follows an export job's build on its page (/reports/jobs/<id>).
 *
 * Every two seconds it asks the job's status (JSON) and moves the <progress> bar and its words;
 * when the state changes (done, failed, stopped) it reloads the page, which then shows the
 * download link or the error. Without scripts the page has a refresh link instead.
 *
 * External file, no inline code: the Content-Security-Policy allows scripts from this site only.
 */
(function () {
  "use strict";

  var INTERVAL = 2000;

  function start() {
    var section = document.getElementById("export-job");
    if (!section) {
      return;
    }
    var url = section.getAttribute("data-status-url");
    var state = section.getAttribute("data-state");
    var stale = section.getAttribute("data-stale") === "true";
    var bar = document.getElementById("job-progress");
    var words = document.getElementById("job-words");
    if (!url || !bar || state === "done" || state === "failed" || stale) {
      return;
    }

    function show(status) {
      if (status.state !== state || status.stale !== stale) {
        window.location.reload();
        return;
      }
      bar.max = status.total || 1;
      if (status.state === "running") {
        bar.value = status.done;
      }
      bar.textContent = status.done + " of " + status.total;
      if (words.textContent !== status.words) {
        words.textContent = status.words;
      }
      window.setTimeout(poll, INTERVAL);
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(show)
        .catch(function () {
          // a network hiccup or a restart: try again a little later
          window.setTimeout(poll, INTERVAL * 3);
        });
    }

    window.setTimeout(poll, INTERVAL);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
