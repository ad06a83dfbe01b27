/* Progress feedback for forms whose answer is a generated file (the annual activity report).
 * <form data-download-progress="cookie-name" data-cookie-path="/path/"> with an <input name="download_token">,
 * submit buttons carrying data-busy-label and an element [data-progress-status] (aria-live).
 * On submit: a random token goes into the hidden input, the buttons are disabled and the clicked one reads
 * « Génération en cours… ». The server sets the cookie to the token with the file: the page then restores the
 * buttons (a download does not reload the page). After two minutes without answer, the buttons come back too.
 * Without JavaScript the form still works; an error page simply replaces this one.
 */
(function () {
  "use strict";

  var TIMEOUT_MS = 120000;

  function randomToken() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) { return decodeURIComponent(parts[i].slice(eq + 1)); }
    }
    return null;
  }

  function setup(form) {
    var cookie = form.getAttribute("data-download-progress");
    var path = form.getAttribute("data-cookie-path") || "/";
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button[type=submit]"));
    var status = form.querySelector("[data-progress-status]");
    var tokenInput = form.querySelector("input[name=download_token]");
    var lastClicked = null, timer = null;

    function say(text) { if (status) { status.textContent = text; } }

    function restore(message) {
      clearInterval(timer);
      timer = null;
      document.cookie = cookie + "=; Max-Age=0; path=" + path + "; SameSite=Strict";
      buttons.forEach(function (b) {
        b.disabled = false;
        b.removeAttribute("aria-busy");
        if (b.hasAttribute("data-idle-label")) { b.textContent = b.getAttribute("data-idle-label"); }
      });
      say(message);
    }

    buttons.forEach(function (b) {
      b.addEventListener("click", function () { lastClicked = b; });
    });

    form.addEventListener("submit", function (event) {
      if (timer !== null) { event.preventDefault(); return; }  // a second click while generating
      var clicked = event.submitter || lastClicked || buttons[0];
      var token = randomToken();
      if (tokenInput) { tokenInput.value = token; }
      var started = Date.now();
      // Disable after the browser has collected the form data: a disabled button would not send its value.
      window.setTimeout(function () {
        buttons.forEach(function (b) { b.disabled = true; });
        clicked.setAttribute("data-idle-label", clicked.textContent);
        clicked.textContent = clicked.getAttribute("data-busy-label") || "Génération en cours…";
        clicked.setAttribute("aria-busy", "true");
        say("Génération du rapport en cours : le téléchargement démarrera tout seul.");
      }, 0);
      timer = window.setInterval(function () {
        if (readCookie(cookie) === token) {
          restore("Rapport généré : vérifiez vos téléchargements.");
        } else if (Date.now() - started > TIMEOUT_MS) {
          restore("La génération prend plus de temps que prévu : le fichier arrivera peut-être encore.");
        }
      }, 500);
    });

    // Coming back with the browser's « précédent » must not leave the buttons disabled.
    window.addEventListener("pageshow", function (event) { if (event.persisted) { restore(""); } });
  }

  document.querySelectorAll("form[data-download-progress]").forEach(setup);
})();
