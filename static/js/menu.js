// The header's menu on a phone: the Menu button opens and closes it (the
// stylesheet shows the button on narrow screens only); Escape closes it and
// gives the focus back to the button. Without JavaScript the menu stays open
// (css/noscript.css).
(function () {
  "use strict";
  var button = document.querySelector(".topbar .menu-toggle");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  function open(yes) {
    button.setAttribute("aria-expanded", yes ? "true" : "false");
    menu.classList.toggle("is-open", yes);
  }
  button.addEventListener("click", function () {
    open(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      open(false);
      button.focus();
    }
  });
})();
