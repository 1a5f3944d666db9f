// The enterprise's scanner: the camera in the browser, jsQR reads the pass, htmx asks the platform.
(function () {
  "use strict";
  function start() {
    var video = document.getElementById("camera");
    var canvas = document.getElementById("frame");
    var status = document.getElementById("camera-status");
    var form = document.getElementById("scan-form");
    var tokenInput = document.getElementById("token");
    if (!video || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      if (status) status.textContent = "此设备无法打开摄像头，请输入短码核验。";
      return;
    }
    document.getElementById("short-code").addEventListener("input", function () { tokenInput.value = ""; });
    // A new direction asks again about the pass still in front of the camera.
    form.querySelectorAll("input[name=direction]").forEach(function (radio) {
      radio.addEventListener("change", function () { lastToken = null; });
    });
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var lastToken = null;
    var lastAt = 0;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.play();
        status.textContent = "请把访企人员的通行码对准取景框";
        requestAnimationFrame(tick);
      })
      .catch(function () {
        status.textContent = "没有摄像头权限，请在浏览器中允许使用摄像头，或输入短码核验。";
      });
    function tick() {
      if (video.readyState === video.HAVE_ENOUGH_DATA) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        var now = Date.now();
        // The same pass in front of the camera is asked about once every few seconds, not every frame.
        if (code && code.data && (code.data !== lastToken || now - lastAt > 5000)) {
          lastToken = code.data;
          lastAt = now;
          tokenInput.value = code.data;
          document.getElementById("short-code").value = "";
          htmx.trigger(form, "submit");
        }
      }
      requestAnimationFrame(tick);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
