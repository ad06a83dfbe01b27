/* Directory search as you type (progressive enhancement: every form also works as a plain GET).
 * 1. <form data-directory-search data-url="…/annuaire/recherche"> with inputs q and type: results replace
 *    the rows of <tbody id="directory-results">.
 * 2. <input data-directory-picker data-url="…" data-select="select-id" data-kind="pneumologue">: results
 *    replace the options of the <select> (the current choice and the empty option are kept).
 */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function fetchRows(url, q, kind) {
    var params = new URLSearchParams({ q: q });
    if (kind) { params.set("type", kind); }
    return fetch(url + "?" + params.toString(), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : []; });
  }

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function setupList(form) {
    var input = form.querySelector("input[name=q]");
    var kind = form.querySelector("select[name=type]");
    var body = document.getElementById("directory-results");
    var empty = document.getElementById("directory-empty");
    if (!input || !body) { return; }
    var run = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { return; }
      fetchRows(form.dataset.url, q, kind ? kind.value : "").then(function (rows) {
        body.textContent = "";
        rows.forEach(function (row) {
          var tr = document.createElement("tr");
          var name = document.createElement("td");
          var link = document.createElement("a");
          link.href = row.url;
          link.textContent = row.name;
          name.appendChild(link);
          tr.appendChild(name);
          tr.appendChild(cell(row.kind));
          tr.appendChild(cell(row.city || "—"));
          body.appendChild(tr);
        });
        if (empty) { empty.hidden = rows.length > 0; }
      });
    }, 250);
    input.addEventListener("input", run);
    if (kind) { kind.addEventListener("change", run); }
  }

  function setupPicker(input) {
    var select = document.getElementById(input.dataset.select);
    if (!select) { return; }
    var run = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { return; }
      fetchRows(input.dataset.url, q, input.dataset.kind || "").then(function (rows) {
        var keep = Array.prototype.filter.call(select.options, function (o) {
          return o.value === "" || o.value === "0" || o.selected;
        });
        select.textContent = "";
        keep.forEach(function (o) { select.appendChild(o); });
        rows.forEach(function (row) {
          if (keep.some(function (o) { return o.value === String(row.id); })) { return; }
          var option = document.createElement("option");
          option.value = String(row.id);
          option.textContent = row.label;
          select.appendChild(option);
        });
        if (rows.length === 1) { select.value = String(rows[0].id); }
      });
    }, 250);
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
  }

  document.querySelectorAll("form[data-directory-search]").forEach(setupList);
  document.querySelectorAll("input[data-directory-picker]").forEach(setupPicker);
}());
