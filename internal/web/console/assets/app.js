// Live hits: the inbox listens to the event stream and reloads its rows
// when a hit arrives or changes, announcing it in a live region. The page
// works without it (reload to see new hits).
(function () {
  var table = document.getElementById("hit-list");
  if (!table || !window.EventSource) return;
  var live = document.getElementById("live");
  var refresh = function (announce) {
    fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var rows = doc.getElementById("hit-rows");
        if (rows) document.getElementById("hit-rows").replaceWith(rows);
        if (announce && live) live.textContent = live.getAttribute("data-label");
      });
  };
  var es = new EventSource(table.getAttribute("data-events"));
  // The stream starts at its head when it opens: rows made between the
  // page's rendering and that moment are fetched once.
  es.addEventListener("open", function () {
    if (table.getAttribute("data-live") !== "1") {
      table.setAttribute("data-live", "1");
      refresh(false);
    }
  });
  ["hit.created", "hit.updated", "hit.repeated"].forEach(function (t) {
    es.addEventListener(t, function () { refresh(true); });
  });
})();
