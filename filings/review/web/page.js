// The page follows the build: each second it asks /api/status; when a build has finished since,
// it fetches the builds, the outputs (and on the facts page the facts) again, in place.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var every = parseInt(document.body.getAttribute("data-poll"), 10) || 1000;
  var round = live.getAttribute("data-round");

  function refresh(name) {
    var target = document.getElementById(name);
    if (!target) { return Promise.resolve(); }
    return fetch("/part/" + name, {cache: "no-store", credentials: "same-origin"}).then(function (r) {
      return r.ok ? r.text().then(function (html) { target.innerHTML = html; }) : null;
    });
  }

  function show(status) {
    live.className = status.state;
    document.getElementById("status").textContent = status.message;
    var list = document.getElementById("problems");
    list.textContent = "";
    status.problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem;
      list.appendChild(item);
    });
  }

  function poll() {
    fetch("/api/status", {cache: "no-store", credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error("status " + r.status); }
      return r.json();
    }).then(function (status) {
      show(status);
      if (String(status.round) !== round) {
        round = String(status.round);
        live.setAttribute("data-round", round);
        return Promise.all([refresh("builds"), refresh("outputs"), refresh("facts")]);
      }
    }).catch(function () {
      live.className = "failed";
      document.getElementById("status").textContent = "the review page's server has stopped";
    }).then(function () { setTimeout(poll, every); });
  }
  setTimeout(poll, every);
})();
