/* The navigation's menus are <details> elements (they open without any script); this only closes an open
 * menu when another opens, when the user taps elsewhere or presses Escape, as people expect of a menu. */
(function () {
  "use strict";
  var menus = document.querySelectorAll("details.navmenu");
  function closeAll(except) {
    Array.prototype.forEach.call(menus, function (menu) { if (menu !== except) { menu.open = false; } });
  }
  Array.prototype.forEach.call(menus, function (menu) {
    menu.addEventListener("toggle", function () { if (menu.open) { closeAll(menu); } });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("details.navmenu")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { closeAll(null); } });
}());
