(function(){
  "use strict";
  // Review decisions. Served by `qa review` (http://127.0.0.1:PORT/TOKEN/...): every click is
  // posted to the server, which writes the project decisions file. Opened from a file: kept in
  // this browser (localStorage), with export/import of the same file format.
  var served = location.protocol === "http:" && (location.hostname === "127.0.0.1" || location.hostname === "localhost");
  var api = served ? "/" + location.pathname.split("/")[1] + "/api/" : null;
  var STORE = "qa-decisions:v2";
  var byKey = {}, bySimilar = {}, rows = [];
  var showDismissed = false, current = -1;
  var list = document.querySelector("ol.findings");
  var items = list ? Array.prototype.slice.call(list.querySelectorAll("li")) : [];
  var docPath = list ? list.getAttribute("data-doc") : "";

  function index(all){
    rows = all || []; byKey = {}; bySimilar = {};
    rows.forEach(function(d){
      if (d.similar && !d.fingerprint) bySimilar[d.similar] = d; else if (d.fingerprint) byKey[d.fingerprint] = d;
    });
  }
  function stateOf(li){
    var d = byKey[li.getAttribute("data-key")];
    if (d) return {decision: d.decision === "reopen" ? "" : d.decision, similar: false, local: true};
    var s = bySimilar[li.getAttribute("data-similar")];
    if (s) return {decision: s.decision, similar: true, local: true};
    // decisions of the --baseline files the report was made with
    var fd = li.getAttribute("data-decided"), fs = li.getAttribute("data-decided-similar");
    if (fd) return {decision: fd, similar: false, file: true};
    if (fs) return {decision: fs, similar: true, file: true};
    return {decision: "", similar: false};
  }
  function paint(){
    var n = 0;
    items.forEach(function(li){
      var st = stateOf(li), dis = st.decision === "dismiss";
      if (dis) n++;
      li.classList.toggle("dismissed", dis);
      li.classList.toggle("accepted", st.decision === "accept");
      li.hidden = dis && !showDismissed;
      li.querySelectorAll("button[data-act]").forEach(function(b){
        var a = b.getAttribute("data-act");
        if (a === "undo") { b.disabled = !st.decision; return; }
        b.setAttribute("aria-pressed", String(a === "similar" ? st.similar : (!st.similar && a === st.decision)));
      });
      var label = li.querySelector(".state");
      if (label) label.textContent = st.decision ? (st.similar ? "dismissed with all similar" : st.decision + "ed") : "";
      document.querySelectorAll('[data-f~="' + li.id.slice(2) + '"]').forEach(function(m){ m.classList.toggle("dismissed", dis); });
    });
    var note = document.getElementById("dismissed-note");
    if (note){
      note.hidden = n === 0;
      document.getElementById("dismissed-count").textContent = String(n);
      var b = document.getElementById("show-dismissed");
      b.textContent = showDismissed ? "hide" : "show"; b.setAttribute("aria-pressed", String(showDismissed));
    }
  }
  function say(msg){ var m = document.getElementById("mode"); if (m) m.textContent = msg; }
  function localLoad(){
    try { var d = JSON.parse(localStorage.getItem(STORE) || "{}"); index(d.decisions || []); } catch (e) { index([]); }
  }
  function localSave(){ try { localStorage.setItem(STORE, JSON.stringify({version: 2, decisions: rows})); } catch (e) {} }
  // each answer of the server holds the whole decisions file; answers can arrive out of order (a
  // slow undo after a later dismiss), so only an answer newer than the last one applied is painted
  var asked = 0, applied = 0;
  function fresh(n, j){ if (n < applied) return false; applied = n; index(j.decisions); paint(); return true; }
  function decide(li, op){
    var sim = op === "similar", undo = op === "undo";
    var st = stateOf(li);
    var body = {op: sim ? "dismiss" : op, reason: ""};
    if (sim || (undo && st.similar)) body.similar = li.getAttribute("data-similar"); else body.fingerprint = li.getAttribute("data-key");
    if (undo) body.op = "undo";
    if (served){
      var n = ++asked;
      return fetch(api + "decide", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
                                   credentials: "same-origin", cache: "no-store"})
        .then(function(r){ if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function(j){ if (fresh(n, j)) say("saved to the decisions file"); })
        .catch(function(e){ say("not saved: " + e.message); });
    }
    if (undo && st.file){  // a decision of the decisions file: reopened in this browser only
      body = {op: "reopen", fingerprint: li.getAttribute("data-key")};
    }
    var k = body.fingerprint ? "fingerprint" : "similar", v = body.fingerprint || body.similar;
    var kept = rows.filter(function(d){ return !(d[k] === v && (k === "similar" || !d.similar)); });
    if (body.op === "reopen"){
      kept.push({fingerprint: v, decision: "reopen"});
      say("reopened here; remove it from the decisions file to keep it open");
    } else if (body.op !== "undo"){
      var q = li.querySelector(".sentence .span") || li.querySelector(".quote");
      var row = {decision: body.op, rule: li.getAttribute("data-rule"), text: q ? q.textContent : "",
                 reason: "", time: new Date().toISOString().replace(/\.\d+Z$/, "Z")};
      row[k] = v;
      if (k === "fingerprint") row.path = docPath;
      kept.push(row);
    }
    index(kept); localSave(); paint();
    return Promise.resolve();
  }
  function visibleItems(){ return items.filter(function(li){ return !li.hidden; }); }
  function focusItem(li){
    if (!li) return;
    current = items.indexOf(li);
    items.forEach(function(x){ x.classList.toggle("current", x === li); });
    li.focus({preventScroll: true});
    li.scrollIntoView({block: "nearest"});
  }
  function move(step){
    var vis = visibleItems(); if (!vis.length) return;
    var at = vis.indexOf(items[current]);
    focusItem(vis[at < 0 ? (step > 0 ? 0 : vis.length - 1) : Math.max(0, Math.min(vis.length - 1, at + step))]);
  }
  document.addEventListener("keydown", function(ev){
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var li = items[current];
    if (ev.key === "j") move(1);
    else if (ev.key === "k") move(-1);
    else if (li && ev.key === "a") decide(li, "accept");
    else if (li && ev.key === "d") decide(li, "dismiss").then(function(){ if (li.hidden) move(1); });
    else if (li && ev.key === "u") decide(li, "undo");
    else return;
    ev.preventDefault();
  });
  var cycle = {};
  document.addEventListener("click", function(ev){
    var t = ev.target;
    if (!(t instanceof HTMLElement)) return;
    var act = t.getAttribute("data-act");
    var mark = t.closest("mark[data-f], a.pin[data-f]");
    if (act){
      var li = t.closest("li"); current = items.indexOf(li);
      decide(li, act);
    } else if (mark){
      // every finding covering this spot is reachable: repeated clicks visit them in turn
      var ids = mark.getAttribute("data-f").split(" ");
      var key = ids.join(" "), n = (cycle[key] || 0) % ids.length;
      cycle[key] = n + 1;
      var target = document.getElementById("f-" + ids[n]);
      if (target){
        ev.preventDefault();
        if (target.hidden){ showDismissed = true; paint(); }
        items.forEach(function(x){ x.classList.toggle("hit", ids.indexOf(x.id.slice(2)) >= 0); });
        focusItem(target);
        history.replaceState(null, "", "#f-" + ids[n]);
      }
    } else if (t.id === "show-dismissed"){
      showDismissed = !showDismissed; paint();
    } else if (t.id === "export"){
      var out = {version: 2, fingerprint: "qa-fp-2", decisions: rows.filter(function(d){ return d.decision !== "reopen"; })};
      var blob = new Blob([JSON.stringify(out, null, 2)], {type: "application/json"});
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob); a.download = "qa-decisions.json";
      document.body.appendChild(a); a.click(); a.remove();
      say("exported: use it with qa check --baseline qa-decisions.json");
    } else if (t.id === "import"){
      var input = document.createElement("input");
      input.type = "file"; input.accept = "application/json,.json";
      input.addEventListener("change", function(){
        var file = input.files && input.files[0]; if (!file) return;
        file.text().then(function(s){
          var d = JSON.parse(s);
          if (!d || !Array.isArray(d.decisions)) throw new Error("no decisions in this file");
          var merged = {};
          rows.concat(d.decisions).forEach(function(r){ merged[(r.fingerprint ? "f:" + r.fingerprint : "s:" + r.similar)] = r; });
          index(Object.keys(merged).sort().map(function(k){ return merged[k]; })); localSave(); paint();
          say("imported " + d.decisions.length + " decision(s)");
        }).catch(function(e){ say("not imported: " + e.message); });
      });
      input.click();
    } else if (t.getAttribute("data-view")){
      var v = t.getAttribute("data-view");
      document.querySelectorAll("[data-view]").forEach(function(b){
        var view = document.getElementById("view-" + b.getAttribute("data-view"));
        if (view) view.hidden = b !== t;
        b.setAttribute("aria-pressed", String(b === t));
      });
      placeCards();
    }
  });
  // Phone layout: each card goes right under the paragraph its span is in (a list per
  // paragraph, after it in the text); on a wide screen, and outside the Original view, the cards
  // stay in the findings column, in their order.
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 820px)") : null;
  var inline = [];
  function placeCards(){
    if (!list) return;
    var orig = document.getElementById("view-orig");
    var under = narrow && narrow.matches && orig && !orig.hidden;
    if (!under){
      if (!inline.length) return;
      items.forEach(function(li){ list.appendChild(li); });
      inline.forEach(function(ol){ ol.remove(); });
      inline = [];
      list.hidden = false;
      return;
    }
    items.forEach(function(li){
      var p = document.getElementById("p-" + li.getAttribute("data-para"));
      if (!p) return;
      var ol = p.nextElementSibling;
      if (!ol || !ol.classList.contains("under")){
        ol = document.createElement("ol");
        ol.className = "findings under";
        ol.setAttribute("aria-label", "findings in this paragraph");
        ol.setAttribute("data-doc", docPath);
        p.parentNode.insertBefore(ol, p.nextSibling);
        inline.push(ol);
      }
      ol.appendChild(li);
    });
    list.hidden = !list.children.length;
  }
  if (narrow){
    if (narrow.addEventListener) narrow.addEventListener("change", placeCards); else if (narrow.addListener) narrow.addListener(placeCards);
  }
  placeCards();
  if (served){
    var bar = document.getElementById("export"), imp = document.getElementById("import");
    if (bar) bar.hidden = true;
    if (imp) imp.hidden = true;
    say("loading decisions...");
    var first = ++asked;
    fetch(api + "decisions", {credentials: "same-origin", cache: "no-store"})
      .then(function(r){ if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function(j){ if (fresh(first, j)) say("review: every click is saved to " + j.file); })
      .catch(function(e){ say("decisions not loaded: " + e.message); });
  } else {
    localLoad();
  }
  paint();
})();
// previous/next file in the index order: [ and ], } the next file with unreviewed findings
(function(){
  "use strict";
  var keys = {"[": "prev-file", "]": "next-file", "}": "next-open"};
  document.addEventListener("keydown", function(ev){
    if (ev.ctrlKey || ev.metaKey || ev.altKey || !keys[ev.key]) return;
    var t = ev.target;
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var a = document.getElementById(keys[ev.key]);
    if (a){ ev.preventDefault(); location.href = a.href; }
  });
})();
