// The header's language switcher: choosing a language (or digits) applies it at
// once; without JavaScript the "Change" button does the same.
document.querySelectorAll("form.lang-switch").forEach(function (form) {
  form.querySelector("button[type=submit]").hidden = true;
  form.querySelectorAll("select").forEach(function (select) {
    select.addEventListener("change", function () { form.submit(); });
  });
});
