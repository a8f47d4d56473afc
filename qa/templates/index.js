(function(){
  "use strict";
  var table = document.getElementById("files");
  if (!table) return;
  var dir = {};
  table.querySelector("thead").addEventListener("click", function(ev){
    var th = ev.target.closest("th"); if (!th) return;
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.classList.contains("num");
    dir[idx] = !dir[idx];
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    rows.sort(function(a, b){
      var x = a.cells[idx].getAttribute("data-v") || a.cells[idx].textContent;
      var y = b.cells[idx].getAttribute("data-v") || b.cells[idx].textContent;
      var c = numeric ? (parseFloat(x) - parseFloat(y)) : x.localeCompare(y);
      return dir[idx] ? c : -c;
    });
    rows.forEach(function(r){ table.tBodies[0].appendChild(r); });
  });
})();
