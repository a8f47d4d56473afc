(function(){
  "use strict";
  var store = "qa-decisions:" + document.title;
  var decisions = {};
  try { decisions = JSON.parse(localStorage.getItem(store) || "{}") || {}; } catch (e) { decisions = {}; }
  function paint(){
    var items = document.querySelectorAll("ol.findings li");
    for (var i = 0; i < items.length; i++){
      var li = items[i], d = decisions[li.getAttribute("data-key")] || "";
      li.classList.toggle("dismissed", d === "dismiss");
      var bs = li.querySelectorAll("button[data-act]");
      for (var j = 0; j < bs.length; j++){ bs[j].setAttribute("aria-pressed", String(bs[j].getAttribute("data-act") === d)); }
      var marks = document.querySelectorAll('[data-f~="' + li.id.slice(2) + '"]');
      for (var k = 0; k < marks.length; k++){ marks[k].classList.toggle("dismissed", d === "dismiss"); }
    }
  }
  document.addEventListener("click", function(ev){
    var t = ev.target;
    if (!(t instanceof HTMLElement)) return;
    var act = t.getAttribute("data-act");
    if (act){
      var key = t.closest("li").getAttribute("data-key");
      decisions[key] = decisions[key] === act ? "" : act;
      if (!decisions[key]) delete decisions[key];
      try { localStorage.setItem(store, JSON.stringify(decisions)); } catch (e) {}
      paint();
    } else if (t.id === "export"){
      var out = {version: 2, decisions: []};
      Object.keys(decisions).sort().forEach(function(k){ out.decisions.push({fingerprint: k, decision: decisions[k]}); });
      var blob = new Blob([JSON.stringify(out, null, 2)], {type: "application/json"});
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob); a.download = "qa-decisions.json";
      document.body.appendChild(a); a.click(); a.remove();
    } else if (t.getAttribute("data-view")){
      var v = t.getAttribute("data-view");
      document.getElementById("view-orig").hidden = v !== "orig";
      document.getElementById("view-clean").hidden = v !== "clean";
      var tb = document.querySelectorAll("[data-view]");
      for (var m = 0; m < tb.length; m++){ tb[m].setAttribute("aria-pressed", String(tb[m] === t)); }
    }
  });
  paint();
})();
