// Quick exit for the public site. The whole site occupies one entry of the
// browser history (internal links and searches replace the current entry), so replacing
// that entry with a neutral site leaves nothing of safepath to go back to.
(function () {
  "use strict";
  var button = document.getElementById("quick-exit");
  if (!button) { return; }
  var exitUrl = button.getAttribute("data-exit-url");
  function leave() {
    document.body.innerHTML = "";
    document.title = "";
    window.location.replace(exitUrl);
  }
  button.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.origin !== window.location.origin || link.protocol.indexOf("http") !== 0) { return; }
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    event.preventDefault();
    window.location.replace(link.href);
  });
  // A search (a GET form of the site) replaces the entry too, instead of adding one.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || (form.method || "get").toLowerCase() !== "get") { return; }
    var target = new URL(form.action || window.location.href, window.location.href);
    if (target.origin !== window.location.origin) { return; }
    var query = new URLSearchParams();
    new FormData(form, event.submitter || undefined).forEach(function (value, name) {
      if (typeof value === "string") { query.append(name, value); }
    });
    event.preventDefault();
    target.search = query.toString();
    window.location.replace(target.href);
  });
})();
