(function(){
  "use strict";
  // The index's rows are inert JSON (script#qa-index-data, see qa.report.html.index_data);
  // this renders one page of them at a time, so 100,000 files load at once and the table
  // holds at most one page of row elements. Filters, search and sort run over every row.
  var table = document.getElementById("files"), blob = document.getElementById("qa-index-data");
  if (!table || !blob) return;
  var marks = window.performance && performance.mark ? performance : null;  // benchmarks/index_scale.py
  if (marks) marks.mark("qa-index-start");
  var D = JSON.parse(blob.textContent);
  var F = {};
  D.fields.forEach(function(name, i){ F[name] = i; });
  var data = D.rows, cats = D.categories, N = data.length, FP = D.fp_hex || 16, PAD = new Array(FP + 1).join("-");
  var body = table.tBodies[0];
  var VRANK = {pass: 0, warn: 1, fail: 2}, SEV = {error: 1, warning: 2, info: 4};
  var ruleIndex = {}, simIndex = {};
  D.rules.forEach(function(code, i){ ruleIndex[code] = i; });
  D.similar.forEach(function(k, i){ simIndex[k] = i; });
  function href(r){ return r[F.href] || r[F.label] + ".html"; }
  function verdictOf(r){ return r[F.error] ? "error" : r[F.verdict]; }
  function vrank(r){ return r[F.error] ? 3 : (VRANK[r[F.verdict]] === undefined ? 3 : VRANK[r[F.verdict]]); }
  function score(r){ var s = Number(r[F.score]); return isFinite(s) ? (Math.round(s * 10) / 10).toFixed(1) : String(r[F.score]); }
  function val(id){ var e = document.getElementById(id); return e ? e.value : ""; }
  var search = null;  // lower-case search text per row, made on the first search
  function searchText(i){
    if (!search){
      search = new Array(N);
      for (var j = 0; j < N; j++) search[j] = (data[j][F.label] + " " + data[j][F.search]).toLowerCase();
    }
    return search[i];
  }
  function hasRule(r, k){
    var a = r[F.rules];
    for (var j = 0; j < a.length; j += 2) if (a[j] === k && a[j + 1] > 0) return true;
    return false;
  }

  // review progress: decisions from `qa review` (served) or this browser (a file)
  var served = location.protocol === "http:" && (location.hostname === "127.0.0.1" || location.hostname === "localhost");
  var decided = {}, similar = {}, open = new Int32Array(N), done = 0, total = 0;
  // findings decided in the decisions files of `qa check --html --baseline` (a page reopened
  // in this browser is open again)
  var filed = {}, fl = D.filed || [];
  for (var q = 0; q + 1 < fl.length; q += 2) (filed[fl[q]] = filed[fl[q]] || {})[fl[q + 1]] = true;
  function setDecisions(list){
    decided = {}; similar = {};
    var reopened = {};
    (list || []).forEach(function(d){
      if (d && d.decision === "reopen" && d.fingerprint) reopened[(String(d.fingerprint) + PAD).slice(0, FP)] = true;
      if (!d || !d.decision || d.decision === "reopen") return;
      if (d.similar && !d.fingerprint){ if (simIndex[d.similar] !== undefined) similar[simIndex[d.similar]] = d.decision; }
      else if (d.fingerprint) decided[(String(d.fingerprint) + PAD).slice(0, FP)] = d.decision;
    });
    done = 0; total = 0;
    for (var i = 0; i < N; i++){
      // the fingerprints' first FP digits, run together in one string
      var fps = data[i][F.fps], sims = data[i][F.sims], m = fps.length / FP, n = 0, fd = filed[i];
      for (var k = 0; k < m; k++){
        var fp = fps.substr(k * FP, FP);
        if (!decided[fp] && !similar[sims[k]] && !(fd && fd[k] && !reopened[fp])) n++;
      }
      open[i] = n; total += m; done += m - n;
    }
    var p = document.getElementById("progress");
    if (p) p.textContent = "reviewed " + done + " / " + total;
  }

  // sorting: an order over every row; the filter keeps the rows of that order that match
  var ncat = cats.length;
  var state = {col: -1, asc: true}, order = null, view = [], page = 0;
  function sortKey(col){
    if (col === 0) return function(r){ return String(r[F.label]).toLowerCase(); };
    if (col === 1) return function(r){ return Number(r[F.score]) || 0; };
    if (col === 2) return vrank;
    if (col === 3) return function(r){ return r[F.total]; };
    if (col >= 4 && col < 4 + ncat) return function(r){ return r[F.cats][col - 4] || 0; };
    return function(r){ return String(r[F.error] || "").toLowerCase(); };
  }
  function sortBy(col, numeric){
    var key = sortKey(col), keys = new Array(N), idx = new Array(N), asc = state.asc;
    for (var i = 0; i < N; i++){ keys[i] = key(data[i]); idx[i] = i; }
    idx.sort(function(a, b){
      var x = keys[a], y = keys[b];
      var c = numeric ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      return (asc ? c : -c) || a - b;
    });
    order = idx;
  }
  function filter(){
    var q = val("q").trim().toLowerCase(), cat = cats.indexOf(val("f-cat")), ruleCode = val("f-rule"),
        sev = SEV[val("f-sev")] || 0, verdict = val("f-verdict"), review = val("f-review");
    var rule = ruleCode ? (ruleIndex[ruleCode] === undefined ? -2 : ruleIndex[ruleCode]) : -1;
    var out = [];
    for (var j = 0; j < N; j++){
      var i = order ? order[j] : j, r = data[i];
      if (cat >= 0 && !(r[F.cats][cat] > 0)) continue;
      if (rule !== -1 && (rule === -2 || !hasRule(r, rule))) continue;
      if (sev && !(r[F.sevs] & sev)) continue;
      if (verdict && verdictOf(r) !== verdict) continue;
      if (review && (review === "open" ? open[i] === 0 : open[i] > 0)) continue;
      if (q && searchText(i).indexOf(q) < 0) continue;
      out.push(i);
    }
    view = out;
    var s = document.getElementById("shown");
    if (s) s.textContent = view.length + " of " + N + " shown";
  }
  function pageSize(){ return parseInt(val("page-size"), 10) || 500; }
  function pages(){ return Math.max(1, Math.ceil(view.length / pageSize())); }
  function cell(tr, text, cls, v){
    var td = document.createElement("td");
    if (cls) td.className = cls;
    if (v !== undefined) td.setAttribute("data-v", String(v));
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function rowElement(i, pos){
    var r = data[i], tr = document.createElement("tr");
    tr.setAttribute("aria-rowindex", String(pos + 2));
    tr.setAttribute("data-verdict", verdictOf(r));
    var td = document.createElement("td"), a = document.createElement("a");
    a.setAttribute("href", href(r));
    a.textContent = r[F.label];
    td.appendChild(a); tr.appendChild(td);
    cell(tr, score(r), "num", r[F.score]);
    var v = cell(tr, "", "", vrank(r)), badge = document.createElement("span");
    badge.className = "badge v-" + (VRANK[r[F.verdict]] === undefined ? "unknown" : r[F.verdict]);
    badge.textContent = r[F.verdict];
    v.appendChild(badge);
    cell(tr, String(r[F.total]), "num", r[F.total]);
    for (var c = 0; c < ncat; c++){
      var n = r[F.cats][c] || 0;
      cell(tr, String(n), n ? "num" : "num zero", n);
    }
    cell(tr, r[F.error] || "", "error");
    return tr;
  }
  function render(){
    var size = pageSize(), last = pages() - 1;
    page = Math.max(0, Math.min(page, last));
    var a = page * size, b = Math.min(view.length, a + size), frag = document.createDocumentFragment();
    for (var k = a; k < b; k++) frag.appendChild(rowElement(view[k], k));
    body.textContent = "";
    body.appendChild(frag);
    table.setAttribute("aria-rowcount", String(view.length + 1));
    document.querySelectorAll("nav.pager").forEach(function(nav){
      nav.hidden = last === 0 && pageSize() >= N;  // one page of every row: no pages to go to
      nav.querySelector(".page-no").textContent = String(page + 1);
      nav.querySelector(".page-count").textContent = String(last + 1);
      nav.querySelectorAll("button[data-page]").forEach(function(btn){
        var p = btn.getAttribute("data-page");
        btn.setAttribute("aria-disabled", String((p === "first" || p === "prev") ? page === 0 : page === last));
      });
    });
    var st = document.getElementById("page-status");
    if (st) st.classList.toggle("sr-only", last === 0);  // "5 of 5 shown" says it on screen
    if (st) st.textContent = view.length ? "rows " + (a + 1) + "\u2013" + b + " of " + view.length + " shown, page " + (page + 1) + " of " + (last + 1) : "no file matches";
  }
  function apply(){ filter(); page = 0; render(); }
  document.querySelectorAll("[data-qa=control]").forEach(function(c){
    c.addEventListener(c.tagName === "INPUT" ? "input" : "change", c.id === "page-size" ? function(){ page = 0; render(); } : apply);
  });
  document.addEventListener("click", function(ev){
    var btn = ev.target instanceof Element ? ev.target.closest("nav.pager button[data-page]") : null;
    if (!btn || btn.getAttribute("aria-disabled") === "true") return;
    var p = btn.getAttribute("data-page");
    page = p === "first" ? 0 : p === "prev" ? page - 1 : p === "next" ? page + 1 : pages() - 1;
    render();
    if (btn.closest("nav.pager") !== document.querySelector("nav.pager")) table.scrollIntoView({block: "start"});
  });
  table.tHead.addEventListener("click", function(ev){
    var th = ev.target.closest("th"); if (!th) return;
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var btn = th.querySelector("button");
    var numeric = btn ? btn.getAttribute("data-sort") === "num" : th.classList.contains("num");
    // a new column starts with the most interesting end: highest counts, lowest scores
    state.asc = state.col === idx ? !state.asc : (numeric ? idx === 1 : true);
    state.col = idx;
    sortBy(idx, numeric);
    table.tHead.querySelectorAll("th").forEach(function(h, j){
      h.setAttribute("aria-sort", j === idx ? (state.asc ? "ascending" : "descending") : "none");
    });
    apply();
  });

  // index.html#open-after=PAGE (the "next unreviewed" link of a page): go on to the next file
  // in the index order that still has unreviewed findings
  function openAfter(){
    var m = /^#open-after=(.*)$/.exec(location.hash);
    if (!m) return;
    var from;
    try { from = decodeURIComponent(m[1]); } catch (e) { return; }
    history.replaceState(null, "", location.pathname + location.search);
    var at = -1;
    for (var i = 0; i < N; i++) if (href(data[i]) === from){ at = i; break; }
    for (var k = 1; k <= N; k++){
      var j = (at + k) % N;
      if (j !== at && open[j] > 0){ location.replace(href(data[j])); return; }
    }
    var note = document.getElementById("nav-note");
    if (note){ note.hidden = false; note.textContent = "Every finding of the other files is reviewed."; }
  }

  filter(); render();
  if (served){
    fetch("/" + location.pathname.split("/")[1] + "/api/decisions", {credentials: "same-origin", cache: "no-store"})
      .then(function(r){ return r.ok ? r.json() : {decisions: []}; })
      .then(function(j){ setDecisions(j.decisions); filter(); render(); openAfter(); })
      .catch(function(){});
  } else {
    try { setDecisions((JSON.parse(localStorage.getItem("qa-decisions:v2") || "{}") || {}).decisions); } catch (e) { setDecisions([]); }
    openAfter();
  }
  if (marks) marks.mark("qa-index-rendered");
})();
