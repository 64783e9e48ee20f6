/* The back office's phone menu: on narrow screens the work links collapse behind a 菜单 button, so a clerk's
   page starts with the work and not with twenty links. Without this script the links stay open.

   A table wider than the screen scrolls in its .table-scroll box; a keyboard user can reach and scroll that box
   only when it takes the focus, so a box that overflows becomes a named region in the tab order (its table's
   caption or the heading before it names it), and one that fits is left out of it. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function regionName(region, index) {
    var caption = region.querySelector("caption");
    var name = caption ? caption.textContent : "";
    var previous = region.previousElementSibling;
    while (!name && previous) {
      if (/^H[1-6]$/.test(previous.tagName)) { name = previous.textContent; }
      previous = previous.previousElementSibling;
    }
    if (!name) {
      var title = document.querySelector("main h1");
      name = title ? title.textContent : "";
    }
    return name.trim() || (root.lang === "en" ? "Table " : "表格") + (index + 1);
  }

  function markScrollingTables() {
    var regions = document.querySelectorAll("main .table-scroll");
    Array.prototype.forEach.call(regions, function (region, index) {
      if (region.scrollWidth > region.clientWidth + 1) {
        if (region.getAttribute("tabindex") === "0") { return; }
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", regionName(region, index));
        region.setAttribute("data-scroll-region", "");
      } else if (region.hasAttribute("data-scroll-region")) {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
        region.removeAttribute("aria-label");
        region.removeAttribute("data-scroll-region");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    markScrollingTables();
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(markScrollingTables, 150);
    });
    document.body.addEventListener("htmx:afterSettle", markScrollingTables);
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
