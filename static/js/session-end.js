/* Logging out of a shared tablet: the home-form drafts kept in this browser must not outlive the session.
 *
 * A draft the server already holds (synchronised) is removed at once: the server copy comes back when its
 * owner reopens the form. A draft that never reached the server is the only copy of what was typed at the
 * patient's home, so it is not silently destroyed: the user is told and chooses to stay logged in (and let it
 * leave when the network returns) or to log out anyway, keeping it on the tablet until it can be sent.
 */
(function () {
  "use strict";
  var PREFIX = "rehab-draft-";

  function drafts() {
    var found = [];
    try {
      for (var i = 0; i < window.localStorage.length; i += 1) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) { found.push(key); }
      }
    } catch (e) { /* storage disabled: nothing kept */ }
    return found;
  }

  function pending(key) {
    try {
      var state = JSON.parse(window.localStorage.getItem(key) || "null");
      return Boolean(state && (state.unsynced || state.queued));
    } catch (e) { return false; }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute("data-logout")) { return; }
    var unsent = 0;
    drafts().forEach(function (key) {
      if (pending(key)) { unsent += 1; } else { window.localStorage.removeItem(key); }
    });
    if (unsent && !window.confirm(
      unsent + " saisie(s) n'ont pas encore atteint le serveur et restent sur cette tablette. " +
      "Restez connecté jusqu'au retour du réseau pour les envoyer. Se déconnecter quand même ?")) {
      event.preventDefault();
    }
  });
}());
