// "Add another …": copy the formset's empty form, numbered after the last one.
// Buttons carry data-add="<prefix>"; the empty form is <template id="<prefix>-empty">.
document.querySelectorAll("[data-add]").forEach(function (button) {
  button.addEventListener("click", function () {
    var prefix = button.dataset.add;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var html = document.getElementById(prefix + "-empty").innerHTML.replace(/__prefix__/g, total.value);
    document.querySelector('.formset[data-prefix="' + prefix + '"]').insertAdjacentHTML("beforeend", html);
    total.value = parseInt(total.value, 10) + 1;
  });
});
