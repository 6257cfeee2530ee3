// Live hits: the inbox listens to the event stream and reloads its rows
// when a hit arrives or changes. Everything works without it.
(function () {
  var table = document.getElementById("hit-list");
  if (!table || !window.EventSource) return;
  var live = document.getElementById("live");
  var es = new EventSource(table.getAttribute("data-events"));
  var refresh = function () {
    fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var rows = doc.getElementById("hit-rows");
        if (rows) document.getElementById("hit-rows").replaceWith(rows);
        if (live) live.textContent = live.getAttribute("data-label");
      });
  };
  ["hit.created", "hit.updated", "hit.repeated"].forEach(function (t) { es.addEventListener(t, refresh); });
})();
