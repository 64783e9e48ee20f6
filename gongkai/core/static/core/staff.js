/* The back office's phone menu: on narrow screens the work links collapse behind a 菜单 button, so a clerk's
   page starts with the work and not with twenty links. Without this script the links stay open. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("staff-nav-toggle");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      root.classList.toggle("staff-nav-open", open);
    });
  });
})();
