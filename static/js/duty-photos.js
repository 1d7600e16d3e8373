/* Makes the duty photos smaller before they are sent: each photo is redrawn at most 1600 pixels
   a side as a JPEG. A phone photo of several megabytes then crosses a weak connection quickly.
   Anything that fails leaves the chosen files as they were: the server re-encodes every photo
   and removes its location data whatever arrives. */
(function () {
  "use strict";

  var MAX_SIDE = 1600;
  var QUALITY = 0.8;

  function loadImage(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onerror = reject;
      reader.onload = function () {
        var image = new Image();
        image.onload = function () { resolve(image); };
        image.onerror = reject;
        image.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  function shrink(file) {
    if (!file.type || file.type.indexOf("image/") !== 0) {
      return Promise.resolve(file);
    }
    return loadImage(file).then(function (image) {
      var scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          // Keep the original when the redrawn one would not be smaller.
          if (!blob || blob.size >= file.size) {
            resolve(file);
            return;
          }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", QUALITY);
      });
    });
  }

  function setup(input) {
    var status = document.getElementById("photo-status");
    var form = input.form;
    var busy = false;

    function say(text) {
      if (status) { status.textContent = text; }
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length || typeof DataTransfer === "undefined" || !window.Promise) { return; }
      busy = true;
      say(input.getAttribute("data-working") || "");
      Promise.all(files.map(shrink)).then(function (smaller) {
        var transfer = new DataTransfer();
        smaller.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
      }).catch(function () {
        // The originals stay chosen; the server copes with them.
      }).then(function () {
        busy = false;
        say(input.getAttribute("data-ready") || "");
      });
    });

    if (form) {
      form.addEventListener("submit", function (event) {
        if (busy) {
          // Still shrinking: send once done rather than send the large originals half-replaced.
          event.preventDefault();
          var retry = window.setInterval(function () {
            if (!busy) {
              window.clearInterval(retry);
              form.requestSubmit ? form.requestSubmit() : form.submit();
            }
          }, 200);
        }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("input[type=file][data-compress-photos]");
    Array.prototype.forEach.call(inputs, setup);
  });
})();
