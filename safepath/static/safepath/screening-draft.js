/* The web screening's answers on the step being filled are kept in this tab
   (sessionStorage: gone when the tab closes) until the server has them, so a dropped
   connection loses nothing; saved steps are on the server. Offline, sending is held
   back with a message instead of ending on the browser's error page. No identity field
   is ever on these pages. */
(function () {
  "use strict";
  var store = window.sessionStorage;
  var result = document.querySelector("[data-draft-finished]");
  if (result) {
    // The screening is saved: nothing of its draft stays in the tab.
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf("safepath-draft-") === 0) { store.removeItem(key); }
    }
    return;
  }
  var form = document.querySelector("form[data-draft-key]");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  var note = document.querySelector("[data-offline-note]");

  function save() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") { return; }
      if ((el.type === "radio" || el.type === "checkbox")) {
        if (!values[el.name]) { values[el.name] = []; }
        if (el.checked) { values[el.name].push(el.value); }
      } else if (el.tagName === "SELECT" || el.type === "text") {
        values[el.name] = [el.value];
      }
    });
    store.setItem(key, JSON.stringify(values));
  }

  function restore() {
    var saved = store.getItem(key);
    if (!saved) { return; }
    var values;
    try { values = JSON.parse(saved); } catch (e) { return; }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !values.hasOwnProperty(el.name)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values[el.name].indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" || el.type === "text") {
        el.value = values[el.name][0];
      }
    });
  }

  restore();
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) {
    save();
    if (navigator.onLine === false) {
      event.preventDefault();
      if (note) { note.hidden = false; note.focus(); }
    } else if (note) {
      note.hidden = true;
    }
  });
  window.addEventListener("online", function () { if (note) { note.hidden = true; } });
})();
