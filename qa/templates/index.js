(function(){
  "use strict";
  var table = document.getElementById("files");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  function val(id){ var e = document.getElementById(id); return e ? e.value : ""; }
  function has(row, attr, v){ return !v || (" " + (row.getAttribute(attr) || "") + " ").indexOf(" " + v + " ") >= 0; }
  // review progress: decisions from `qa review` (served) or this browser (a file)
  var served = location.protocol === "http:" && (location.hostname === "127.0.0.1" || location.hostname === "localhost");
  var decided = {}, similar = {};
  function setDecisions(list){
    decided = {}; similar = {};
    (list || []).forEach(function(d){ if (d.similar && !d.fingerprint) similar[d.similar] = d.decision; else if (d.fingerprint) decided[d.fingerprint] = d.decision; });
  }
  function open(row){
    var keys = (row.getAttribute("data-keys") || "").split(" "), sims = (row.getAttribute("data-similar") || "").split(" ");
    var n = 0;
    for (var i = 0; i < keys.length; i++){ if (keys[i] && !decided[keys[i]] && !similar[sims[i]]) n++; }
    return n;
  }
  function progress(){
    var done = 0, total = 0;
    rows.forEach(function(r){
      var keys = (r.getAttribute("data-keys") || "").split(" ").filter(Boolean);
      total += keys.length; done += keys.length - open(r);
    });
    var p = document.getElementById("progress");
    if (p) p.textContent = "reviewed " + done + " / " + total;
  }
  function apply(){
    var q = val("q").trim().toLowerCase(), cat = val("f-cat"), rule = val("f-rule"), sev = val("f-sev"),
        verdict = val("f-verdict"), review = val("f-review"), shown = 0;
    rows.forEach(function(r){
      var ok = has(r, "data-cats", cat) && has(r, "data-rules", rule) && has(r, "data-sevs", sev)
        && (!verdict || r.getAttribute("data-verdict") === verdict)
        && (!q || (r.getAttribute("data-search") || "").indexOf(q) >= 0);
      if (ok && review){ var o = open(r); ok = review === "open" ? o > 0 : o === 0; }
      r.hidden = !ok;
      if (ok) shown++;
    });
    var s = document.getElementById("shown");
    if (s) s.textContent = shown + " of " + rows.length + " shown";
  }
  document.querySelectorAll("[data-qa=control]").forEach(function(c){
    c.addEventListener(c.tagName === "INPUT" ? "input" : "change", apply);
  });
  var state = {col: -1, asc: true};
  table.querySelector("thead").addEventListener("click", function(ev){
    var th = ev.target.closest("th"); if (!th) return;
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var btn = th.querySelector("button");
    var numeric = btn ? btn.getAttribute("data-sort") === "num" : th.classList.contains("num");
    // a new column starts with the most interesting end: highest counts, lowest scores
    state.asc = state.col === idx ? !state.asc : (numeric ? idx === 1 : true);
    state.col = idx;
    var keyed = rows.map(function(r, i){
      var c = r.cells[idx], v = c.getAttribute("data-v");
      return {r: r, i: i, k: numeric ? parseFloat(v === null ? c.textContent : v) || 0 : c.textContent.trim().toLowerCase()};
    });
    keyed.sort(function(a, b){
      var c = numeric ? a.k - b.k : (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);
      return (state.asc ? c : -c) || a.i - b.i;
    });
    rows = keyed.map(function(x){ return x.r; });
    rows.forEach(function(r){ body.appendChild(r); });
    table.querySelectorAll("thead th").forEach(function(h, j){
      h.setAttribute("aria-sort", j === idx ? (state.asc ? "ascending" : "descending") : "none");
    });
  });
  if (served){
    fetch("/" + location.pathname.split("/")[1] + "/api/decisions", {credentials: "same-origin", cache: "no-store"})
      .then(function(r){ return r.ok ? r.json() : {decisions: []}; })
      .then(function(j){ setDecisions(j.decisions); progress(); apply(); })
      .catch(function(){});
  } else {
    try { setDecisions((JSON.parse(localStorage.getItem("qa-decisions:v2") || "{}") || {}).decisions); } catch (e) {}
  }
  progress();
})();
