// Scan the organiser's QR code with the phone camera where the browser can decode QR codes
// itself (the BarcodeDetector API: Chrome on Android, Safari 17+); otherwise the typed code
// stays the way in. The phone's position is sent when the person allows it (geofence).
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form) return;
  var input = form.querySelector("input[name=code]");
  var lat = form.querySelector("[data-lat]");
  var lon = form.querySelector("[data-lon]");
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lon.value = pos.coords.longitude.toFixed(6);
    }, function () {}, { maximumAge: 60000, timeout: 8000 });
  }
  var box = document.querySelector("[data-scanner]");
  var button = document.querySelector("[data-start-camera]");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !box || !button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var video = box.querySelector("[data-video]");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      box.hidden = false;
      button.hidden = true;
      video.srcObject = stream;
      video.play();
      var busy = false;
      var timer = setInterval(function () {
        if (busy || video.readyState < 2) return;
        busy = true;
        detector.detect(video).then(function (codes) {
          busy = false;
          if (!codes.length) return;
          clearInterval(timer);
          stream.getTracks().forEach(function (t) { t.stop(); });
          box.hidden = true;
          button.hidden = false;
          input.value = codes[0].rawValue;
          form.requestSubmit();
        }, function () { busy = false; });
      }, 300);
    }, function () { button.hidden = true; });
  });
})();
