"""Accessibility audit with axe-core (vendored, tests/browser/vendor/axe-core) in real Chromium:
an index and a document page (static and in review mode) have no serious or critical violation
of WCAG 2.x A/AA, colour contrast included; zero-width findings are visible markers; every
finding under an overlap is reachable from the text."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from qa.config import Settings
from qa.engine import make_plan
from qa.runner.pipeline import run_records
from qa.readers import make_document

pytestmark = pytest.mark.browser
AXE = (Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")

TEXTS = {
    "news.txt": ("Contact us.The office opens at nine. Prices rose by 5\u00a0%, then fell.\n\n"
                 "The talks between the council and the union stalled over the demand of the first to see the budget.\n\n"
                 "He said , that it was fine ..\n\n"
                 "Share this article\nFacebook\nTwitter\n\nCopyright 2024 Example News. All rights reserved.\n"),
    "clean.txt": "A short note that reads well and has nothing to flag at all.\n",
}


def _report(tmp_path: Path):
    from qa.report.html import write_reports

    docs = []
    for name, text in TEXTS.items():
        p = tmp_path / "in" / name
        p.parent.mkdir(exist_ok=True)
        p.write_text(text, encoding="utf-8")
        docs.append(make_document(text, path=str(p), doc_id=name))
    plan = make_plan(Settings())
    results = list(run_records(docs, plan))
    out = tmp_path / "report"
    write_reports(results, out, [str(tmp_path / "in")], plan.rules,
                  cleaned={r.id: r.doc.text for r in results})
    return out, results


def _audit(browser, url: str) -> list[str]:
    ctx = browser.new_context(bypass_csp=True)  # to inject axe; the page's own policy is tested elsewhere
    page = ctx.new_page()
    try:
        page.goto(url)
        page.evaluate(AXE)
        res = page.evaluate("""async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                                             resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary)}));
        }""")
        return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in res if v["impact"] in ("serious", "critical")]
    finally:
        ctx.close()


def test_index_and_page_have_no_serious_accessibility_violation(browser, tmp_path):
    out, results = _report(tmp_path)
    assert sum(len(r.findings) for r in results) >= 5
    for name in ("index.html", "news.txt.html", "clean.txt.html", "rules/index.html", "rules/PUN002.html"):
        bad = _audit(browser, (out / name).as_uri())
        assert not bad, f"{name}: {bad}"


def test_page_in_review_mode_has_no_serious_accessibility_violation(browser, tmp_path):
    from qa.review import DecisionStore, ReviewServer

    out, results = _report(tmp_path)
    server = ReviewServer(out, DecisionStore(tmp_path / "d.json", "ana", results))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        base = server.url.rsplit("/", 1)[0] + "/"
        for name in ("index.html", "news.txt.html"):
            bad = _audit(browser, base + name)
            assert not bad, f"{name}: {bad}"
    finally:
        server.shutdown()
        server.server_close()


def test_zero_width_and_blank_findings_are_visible_markers(browser, tmp_path):
    out, results = _report(tmp_path)
    page = browser.new_page()
    page.goto((out / "news.txt.html").as_uri())
    # the no-break space: a mark at least as wide as a letter, outlined
    nbsp = page.locator("mark.blank").first
    box = nbsp.bounding_box()
    assert box is not None and box["width"] >= 8, box
    pins = page.locator("a.pin")
    for i in range(pins.count()):
        b = pins.nth(i).bounding_box()
        assert b is not None and b["width"] >= 8 and b["height"] >= 10, b
    page.close()


def test_overlapping_findings_are_all_reachable_from_the_text(browser, tmp_path):
    text = ("Share this article\nFacebook\n\nCopyright 2024 Example News.All rights reserved.\n\n"
            "A real story starts here and goes on for a while. It has two sentences.\n")
    p = tmp_path / "in" / "o.txt"
    p.parent.mkdir()
    p.write_text(text, encoding="utf-8")
    from qa.report.html import write_reports

    plan = make_plan(Settings())
    results = list(run_records([make_document(text, path=str(p), doc_id="o.txt")], plan))
    write_reports(results, tmp_path / "r", [str(tmp_path / "in")], plan.rules)
    page = browser.new_page()
    page.goto((tmp_path / "r" / "o.txt.html").as_uri())
    multi = page.locator("mark[data-f*=' ']")
    assert multi.count() >= 2  # "Share this article" (three rules), "News.All" (two rules + PUN002)
    m = page.locator("mark[data-f]", has_text="News.All").first
    ids = m.get_attribute("data-f").split()
    seen = []
    for _ in ids:
        m.locator("a").click()
        seen.append(page.evaluate("document.activeElement.id"))
    assert len(ids) == 3 and sorted(seen) == sorted(f"f-{i}" for i in ids)
    # and each card links back to its place in the text
    card = page.locator(f"#f-{ids[-1]} a.goto")
    card.click()
    assert page.evaluate("location.hash") == f"#t-{ids[-1]}"
    assert page.locator(f"#t-{ids[-1]}").count() == 1
    page.close()
