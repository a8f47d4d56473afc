"""The HTML index at corpus scale: size of ``index.html`` and time to first render in Chromium.

    python benchmarks/index_scale.py [--rows 100000] [--runs 3] [--chromium /usr/bin/chromium]

Builds the index of ``--rows`` synthetic files (tests/browser/index_rows.py: 0-8 findings of six
rules each, deterministic) with ``qa.report.html.render_index``, writes it to a temporary folder
and opens it from ``file://`` in headless Chromium ``--runs`` times, each in a fresh browser
context. Reports (median of the runs):

* the size of ``index.html`` and of its JSON data block, and the time ``render_index`` takes;
* **first render**: from navigation start to the ``qa-index-rendered`` performance mark that
  ``index.js`` sets once the first page of rows is in the table (the data parsed, every row
  indexed), split at its ``qa-index-start`` mark (the page read and parsed up to the script);
  also ``DOMContentLoaded`` and ``load``;
* the row elements in the table, and the JavaScript heap after the first render;
* the time of one filter (a rule), one sort (by findings) and one search over every row, each
  measured around the synchronous event handler (DOM update included, paint not).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

_TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const mark = performance.getEntriesByName('qa-index-rendered')[0], start = performance.getEntriesByName('qa-index-start')[0];
  return {first_render: mark ? mark.startTime : null, script_start: start ? start.startTime : null, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          rows: document.querySelectorAll('#files tbody tr').length,
          heap: performance.memory ? performance.memory.usedJSHeapSize : null};
}"""

_ACTIONS = """() => {
  const t = (f) => { const a = performance.now(); f(); return performance.now() - a; };
  const set = (id, v, ev) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event(ev)); };
  const out = {};
  out.filter = t(() => set('f-rule', 'WS001', 'change'));
  out.filter_shown = document.getElementById('shown').textContent;
  set('f-rule', '', 'change');
  const th = Array.from(document.querySelectorAll('#files thead th')).find(h => h.textContent.trim() === 'findings');
  out.sort = t(() => th.querySelector('button').click());
  out.search = t(() => set('q', 'zebracode', 'input'));
  out.search_shown = document.getElementById('shown').textContent;
  return out;
}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    import index_rows
    from playwright.sync_api import sync_playwright

    from qa.report.html import render_index

    rows = index_rows.synthetic_rows(args.rows)
    t0 = time.perf_counter()
    html = render_index(rows, {c: c.lower() for c in index_rows.CODES})
    build = time.perf_counter() - t0
    blob = html.split('id="qa-index-data">', 1)[1].split("</script>", 1)[0]
    findings = sum(int(r["total"]) for r in rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.html"
        path.write_text(html, encoding="utf-8")
        size = path.stat().st_size
        runs = []
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=args.chromium, headless=True,
                                   args=["--no-sandbox", "--disable-gpu", "--enable-precise-memory-info"])
            for _ in range(args.runs):
                ctx = b.new_context(viewport={"width": 1280, "height": 800})
                page = ctx.new_page()
                page.goto(path.as_uri(), wait_until="load", timeout=120_000)
                m = page.evaluate(_TIMINGS)
                m.update(page.evaluate(_ACTIONS))
                runs.append(m)
                ctx.close()
            version = b.version
            b.close()

    def med(k: str) -> float:
        return statistics.median(float(r[k]) for r in runs)

    print(f"index of {args.rows:,} files, {findings:,} findings (synthetic), Chromium {version}, "
          f"{platform.machine()}, median of {args.runs} runs")
    print(f"index.html: {size / 1e6:.1f} MB (data block {len(blob.encode()) / 1e6:.1f} MB); render_index {build:.2f} s")
    print(f"first render {med('first_render'):.0f} ms: page read and parsed {med('script_start'):.0f} ms, then index.js "
          f"{med('first_render') - med('script_start'):.0f} ms (DOMContentLoaded {med('dcl'):.0f} ms, load {med('load'):.0f} ms); "
          f"{runs[0]['rows']} row elements"
          + (f"; JS heap {med('heap') / 1e6:.0f} MB" if runs[0]["heap"] else ""))
    print(f"filter by rule {med('filter'):.0f} ms ({runs[0]['filter_shown']}), sort by findings {med('sort'):.0f} ms, "
          f"search {med('search'):.0f} ms ({runs[0]['search_shown']})")


if __name__ == "__main__":
    main()
