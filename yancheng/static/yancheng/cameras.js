// Site cameras: play each <video data-hls> with hls.js (served by the platform, never a CDN), or with the
// browser's own HLS where it has it (Safari, iOS); when a stream cannot play, say so in Chinese and show
// the last snapshot instead of a black box. And the time-lapse sliders: one snapshot a day.
(function () {
  "use strict";

  function failed(video) {
    var figure = video.closest("figure");
    video.hidden = true;
    figure.querySelector("[data-failed]").hidden = false;
    var last = figure.querySelector("[data-last-snapshot]");
    if (last) last.hidden = false;
  }

  function play(video) {
    var url = video.dataset.hls;
    if (!url) return failed(video);
    if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls({ liveSyncDurationCount: 2, manifestLoadingMaxRetry: 2 });
      hls.on(window.Hls.Events.ERROR, function (event, data) {
        if (data.fatal) {
          hls.destroy();
          failed(video);
        }
      });
      hls.loadSource(url);
      hls.attachMedia(video);
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () {
        video.play().catch(function () {});
      });
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = url;
      video.addEventListener("error", function () { failed(video); });
    } else {
      failed(video);
    }
  }

  function timelapse(box) {
    var frames = box.querySelectorAll("li[data-src]");
    var slider = box.querySelector("[data-slider]");
    var image = box.querySelector("[data-frame]");
    var day = box.querySelector("[data-frame-day]");
    slider.addEventListener("input", function () {
      var frame = frames[Number(slider.value)];
      image.src = frame.dataset.src;
      day.textContent = frame.dataset.day;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("video[data-hls]").forEach(play);
    document.querySelectorAll("[data-timelapse]").forEach(timelapse);
  });
})();
