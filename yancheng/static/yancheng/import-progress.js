// An import's progress bar: asks the platform every second how far the worker has got, and shows the
// result page once the import has ended. The texts come from the platform, already in the page's language.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("import-progress");
    if (!box) return;
    var bar = box.querySelector("progress");
    var text = document.getElementById("import-progress-text");
    var state = document.getElementById("import-state");
    function show(data) {
      if (state) {
        state.textContent = data.state_label;
        state.className = "status import-" + data.state;
      }
      bar.max = Math.max(data.max, 1);
      if (data.value === null) bar.removeAttribute("value");
      else bar.value = data.value;
      if (data.text) text.textContent = data.text;
    }
    function poll() {
      fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (data.finished) {
            window.location.reload();
            return;
          }
          show(data);
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); }); // a blip of the network: try again a little later
    }
    setTimeout(poll, 1000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
