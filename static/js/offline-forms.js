/* Home forms on a tablet with a flaky network (no framework, no inline script: CSP 'self').
 *
 * - Every input is saved to localStorage at once, and to the server (draft) when it is reachable.
 * - Reopening the form restores the browser's copy (newer than the server's draft by construction).
 * - The client submission id is made once per draft; the server records a given id only once.
 * - A second tap on « Enregistrer » does nothing while the first submit is under way.
 * - Offline at submit: the submit is queued and sent once when the network returns.
 * - A « non synchronisé » badge stays visible while something waits to reach the server.
 */
(function () {
  "use strict";

  // The saved record's page tells us the draft is done with.
  var done = document.querySelector("[data-clear-draft]");
  if (done) {
    try { window.localStorage.removeItem(done.getAttribute("data-clear-draft")); } catch (e) { /* private mode */ }
  }

  var form = document.querySelector("form.offline-form");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  var draftUrl = form.getAttribute("data-draft-url");
  var badge = document.querySelector("[data-sync-badge]");
  var status = document.querySelector("[data-sync-status]");
  var submitButton = form.querySelector("[data-submit]");
  var idField = form.querySelector("input[name=client_submission_id]");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var sending = false;

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function read() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function write(state) {
    try { window.localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* storage full: server copy only */ }
  }

  function fields() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "task_stamp") { return; }
      if (el.type === "checkbox") { if (el.checked) { values[el.name] = el.value; } }
      else if (el.type === "radio") { if (el.checked) { values[el.name] = el.value; } }
      else if (el.tagName !== "BUTTON") { values[el.name] = el.value; }
    });
    return values;
  }

  function restore(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) && el.type !== "checkbox") { return; }
      if (el.name === "csrf_token" || el.name === "task_stamp") { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values[el.name] === el.value; }
      else { el.value = values[el.name]; }
    });
  }

  function showPending(pending, text) {
    if (badge) { badge.hidden = !pending; }
    if (status) { status.textContent = text || ""; }
  }

  function state() { return read() || {}; }

  function saveLocal(extra) {
    var s = state();
    var values = fields();
    // A change event with nothing changed (a blur after typing) must not un-synchronise a saved draft.
    if (JSON.stringify(values) !== JSON.stringify(s.values)) { s.unsynced = true; }
    s.values = values;
    s.savedAt = new Date().toISOString();
    Object.keys(extra || {}).forEach(function (k) { s[k] = extra[k]; });
    write(s);
    if (s.queued) { showPending(true, "Envoi en attente du réseau"); }
    else if (s.unsynced) { showPending(true, "Brouillon enregistré sur la tablette"); }
  }

  function pushDraft() {
    if (!navigator.onLine || !draftUrl) { return; }
    var values = fields();
    fetch(draftUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(values)
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      var s = state();
      if (JSON.stringify(s.values) === JSON.stringify(values)) { s.unsynced = false; write(s); }
      if (!s.queued && !s.unsynced) { showPending(false, "Brouillon synchronisé"); }
    }).catch(function () {
      showPending(true, "Serveur injoignable : brouillon gardé sur la tablette");
    });
  }

  function onInput() {
    saveLocal();
    window.clearTimeout(timer);
    timer = window.setTimeout(pushDraft, 1200);
  }

  function send() {
    if (sending) { return; }
    sending = true;
    if (submitButton) { submitButton.disabled = true; submitButton.textContent = "Envoi…"; }
    var s = state();
    s.queued = false;
    s.values = fields();
    write(s);
    HTMLFormElement.prototype.submit.call(form);
  }

  // Restore: the browser's copy unless the server just gave the form back with errors (then it is newer).
  var saved = read();
  if (saved && saved.values && !form.hasAttribute("data-server-input")) { restore(saved.values); }
  if (!idField.value || (saved && saved.values && saved.values.client_submission_id)) {
    idField.value = (saved && saved.values && saved.values.client_submission_id) || idField.value || uuid();
  }
  if (saved && (saved.unsynced || saved.queued)) {
    showPending(true, saved.queued ? "Envoi en attente du réseau" : "Brouillon non synchronisé");
    pushDraft();
  }

  form.addEventListener("input", onInput);
  form.addEventListener("change", onInput);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    if (!navigator.onLine) {
      saveLocal({queued: true});
      showPending(true, "Hors ligne : l'envoi partira dès le retour du réseau");
      return;
    }
    send();
  });
  window.addEventListener("online", function () {
    var s = state();
    if (s.queued) { send(); } else if (s.unsynced) { pushDraft(); }
  });
  window.addEventListener("offline", function () { showPending(true, "Hors ligne : saisie gardée sur la tablette"); });
  if (saved && saved.queued && navigator.onLine) { send(); }
}());
