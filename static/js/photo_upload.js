/* One photo sent to a visit (POST /visits/<id>/photos/, the JSON answer of
   beneficiaries.views.photo_add), by XMLHttpRequest because fetch does not
   report upload progress. The photo carries the phone's id of it
   (client_id), so a retried upload never adds a second photo. Used by the
   offline queue (offline_send.js) and by the form's online send
   (visit_upload.js). Resolves with the finished request whatever its status
   (the caller decides); rejects on a network failure, to be tried again. */
window.iomdashPhotoUpload = function (options) {
  "use strict";
  var data = new FormData();
  data.append("image", options.blob, options.name);
  data.append("caption", options.caption || "");
  data.append("credit", options.credit || "");
  data.append("client_id", options.client_id);
  return new Promise(function (resolve, reject) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", options.url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", options.csrf);
    xhr.upload.onprogress = function (event) {
      if (options.progress) options.progress(event.lengthComputable ? event.loaded / event.total : 0);
    };
    xhr.onload = function () { resolve(xhr); };
    xhr.onerror = xhr.onabort = xhr.ontimeout = function () { reject(new Error("photo upload")); };
    if (options.progress) options.progress(0);
    xhr.send(data);
  });
};
