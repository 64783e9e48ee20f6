/* The public portal's few behaviours; every page works without them.
   - 长辈版 (适老化 reading mode): larger type, stronger contrast, bigger targets; remembered in localStorage
     (and a cookie where storage is blocked), applied before the page paints, with no server state.
   - The phone menu: the navigation collapses behind a 菜单 button on narrow screens.
   - Wide tables scroll inside their own region, which the keyboard can reach.
   - After a failed submit, focus moves to the error summary, whose links lead to each field. */
(function () {
  "use strict";
  var KEY = "gongkai-reading";
  var root = document.documentElement;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      if (value) { return value; }
    } catch (e) { /* storage blocked: fall back to the cookie */ }
    var match = document.cookie.match(/(?:^|; )gongkai_reading=([^;]*)/);
    return match ? match[1] : "";
  }

  function remember(value) {
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* cookie below */ }
    document.cookie = "gongkai_reading=" + value + "; path=/; max-age=31536000; SameSite=Lax";
  }

  root.classList.add("js");
  if (stored() === "large") { root.classList.add("reading-large"); }

  function setUpReadingToggle() {
    var button = document.getElementById("reading-toggle");
    if (!button) { return; }
    var on = root.classList.contains("reading-large");
    button.hidden = false;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.addEventListener("click", function () {
      var now = !root.classList.contains("reading-large");
      root.classList.toggle("reading-large", now);
      remember(now ? "large" : "standard");
      button.setAttribute("aria-pressed", now ? "true" : "false");
    });
  }

  function setUpMenu() {
    var button = document.getElementById("nav-toggle");
    var list = document.getElementById("site-nav-list");
    if (!button || !list) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      root.classList.toggle("nav-open", open);
    });
  }

  function setUpTables() {
    var tables = document.querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table, index) {
      var region = table.parentElement;
      if (!region.classList.contains("table-scroll")) {
        region = document.createElement("div");
        region.className = "table-scroll";
        table.parentNode.insertBefore(region, table);
        region.appendChild(table);
      }
      if (region.hasAttribute("tabindex")) { return; }
      region.setAttribute("tabindex", "0");
      region.setAttribute("role", "region");
      var caption = table.querySelector("caption");
      var heading = caption ? caption.textContent : "";
      if (!heading) {
        var previous = region.previousElementSibling;
        while (previous && !/^H[1-6]$/.test(previous.tagName)) { previous = previous.previousElementSibling; }
        heading = previous ? previous.textContent : "";
      }
      heading = heading.trim() || (root.lang === "en" ? "Table " : "表格") + (index + 1);
      region.setAttribute("aria-label", heading);
    });
  }

  function focusErrors() {
    var summary = document.querySelector(".form-errors");
    if (!summary) { return; }
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpReadingToggle();
    setUpMenu();
    setUpTables();
    focusErrors();
  });
})();
