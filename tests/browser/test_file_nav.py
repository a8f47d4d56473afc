"""Previous/next on pages in real Chromium: every page links to the previous and next file of
the index order (also across folders), ``[`` and ``]`` follow them, and "next unreviewed"
(``}``) goes through the index to the next file that still has unreviewed findings, from a
file (decisions in this browser) and served by ``qa review`` (the decisions file)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from qa.config import Settings
from qa.engine import make_plan
from qa.runner.pipeline import run_records
from qa.readers import make_document

pytestmark = pytest.mark.browser
def _flagged(n: int) -> str:  # own words each time: fingerprints are content keys
    return f"Item {n} ended there.She left at {n}. Prices rose by {n}\u00a0%, then fell.\n"


DOCS = {"a/one.txt": _flagged(1), "a/two.txt": "Then it began.He came. " + _flagged(2),
        "b/three.txt": "A short note that reads well and has nothing to flag at all.\n",
        "b/four.txt": "At last.It was over. " + _flagged(4)}


def _report(tmp_path: Path):
    from qa.report.html import write_reports

    root = tmp_path / "corpus"
    docs = []
    for name, text in DOCS.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        docs.append(make_document(text, path=str(p), doc_id=p.name))
    plan = make_plan(Settings())
    results = list(run_records(docs, plan))
    out = tmp_path / "report"
    pages = write_reports(results, out, [str(root)], plan.rules)
    assert pages == [n + ".html" for n in DOCS]
    assert [len(r.findings) > 0 for r in results] == [True, True, False, True]
    return out, results, pages


def test_previous_and_next_links_follow_the_index_order(browser, tmp_path):
    out, _results, pages = _report(tmp_path)
    page = browser.new_page()
    try:
        page.goto((out / pages[0]).as_uri())
        assert page.locator("#prev-file").count() == 0
        assert page.locator("#next-file .fn").inner_text() == "a/two.txt"
        for i in range(1, len(pages)):  # ] walks the whole index order, across folders
            page.keyboard.press("]")
            page.wait_for_url((out / pages[i]).as_uri())
            assert page.locator("#prev-file").get_attribute("href") == ("../" + pages[i - 1] if "/" in pages[i] else pages[i - 1])
        assert page.locator("#next-file").count() == 0  # the last file
        assert page.locator("#prev-file .fn").inner_text() == "b/three.txt"
        page.keyboard.press("[")
        page.wait_for_url((out / pages[2]).as_uri())
        page.locator("#prev-file").click()
        page.wait_for_url((out / pages[1]).as_uri())
        page.locator("#next-file").click()
        page.wait_for_url((out / pages[2]).as_uri())
        # the index lists the files in the same order
        page.goto((out / "index.html").as_uri())
        hrefs = page.eval_on_selector_all("#files tbody a", "as => as.map(a => a.getAttribute('href'))")
        assert hrefs == pages
    finally:
        page.close()


def test_next_unreviewed_skips_reviewed_and_clean_files_in_a_file_report(browser, tmp_path):
    out, _results, pages = _report(tmp_path)
    page = browser.new_page()
    try:
        page.goto((out / pages[0]).as_uri())
        page.keyboard.press("}")  # nothing reviewed: the next file with findings
        page.wait_for_url((out / pages[1]).as_uri())
        buttons = page.locator("ol.findings li button[data-act=dismiss]")
        for _ in range(buttons.count()):  # dismiss every finding of a/two.txt (kept in this browser)
            page.locator("ol.findings li:not([hidden]) button[data-act=dismiss]").first.click()
        assert page.locator("ol.findings li:not([hidden])").count() == 0
        page.goto((out / pages[0]).as_uri())
        page.locator("#next-open").click()  # a/two.txt is reviewed, b/three.txt has no finding
        page.wait_for_url((out / pages[3]).as_uri())
        page.keyboard.press("}")  # past the last file: round to the first one still open
        page.wait_for_url((out / pages[0]).as_uri())
    finally:
        page.close()


def test_next_unreviewed_reads_the_decisions_file_when_served(browser, tmp_path):
    from qa.baseline import result_fingerprints
    from qa.review import DecisionStore, ReviewServer

    out, results, pages = _report(tmp_path)
    store = DecisionStore(tmp_path / "qa-decisions.json", "ana", results)
    for fp in result_fingerprints(results[1]):
        store.decide("dismiss", fingerprint=fp)
    for fp in result_fingerprints(results[3]):
        store.decide("accept", fingerprint=fp)
    server = ReviewServer(out, store)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = server.url.rsplit("/", 1)[0] + "/"
    page = browser.new_page()
    try:
        page.goto(base + pages[0])
        page.locator("#next-open").click()  # every other file is reviewed or clean
        page.wait_for_selector("#nav-note:not([hidden])")
        assert page.url == base + "index.html"
        assert "reviewed" in page.locator("#nav-note").inner_text()
        assert page.locator("#progress").inner_text().startswith("reviewed ")
        done = sum(len(results[i].findings) for i in (1, 3))
        assert page.locator("#progress").inner_text() == f"reviewed {done} / {sum(len(r.findings) for r in results)}"
        store.decide("undo", fingerprint=result_fingerprints(results[1])[0])
        page.goto(base + pages[0])
        page.keyboard.press("}")  # a/two.txt has an unreviewed finding again
        page.wait_for_url(base + pages[1])
        page.goto(base + pages[3])
        page.keyboard.press("}")  # past the last file: round to the first one still open
        page.wait_for_url(base + pages[0])
    finally:
        page.close()
        server.shutdown()
        server.server_close()


def test_a_report_made_with_decisions_counts_them_in_the_index(browser, tmp_path):
    """`qa check --html --baseline qa-decisions.json`: the file's decisions are reviewed findings
    in the index (counter, filter, next unreviewed); a finding reopened on its page is open."""
    from qa.baseline import Baseline, result_fingerprints
    from qa.report.html import write_reports

    out, results, pages = _report(tmp_path)
    fps = [result_fingerprints(r) for r in results]
    base = Baseline(decisions={fp: "dismiss" for fp in fps[1]})
    write_reports(results, out, [str(tmp_path / "corpus")], make_plan(Settings()).rules, decisions=base)
    total = sum(len(f) for f in fps)
    page = browser.new_page()
    try:
        page.goto((out / "index.html").as_uri())
        assert page.locator("#progress").inner_text() == f"reviewed {len(fps[1])} / {total}"
        page.select_option("#f-review", "open")
        assert page.eval_on_selector_all("#files tbody a", "as => as.map(a => a.getAttribute('href'))") == [pages[0], pages[3]]
        page.goto((out / pages[0]).as_uri())
        page.keyboard.press("}")
        page.wait_for_url((out / pages[3]).as_uri())
        # reopen one on its page (kept in this browser): open again in the index
        page.goto((out / pages[1]).as_uri())
        page.locator("#show-dismissed").click()
        page.locator("ol.findings li button[data-act=undo]").first.click()
        page.goto((out / "index.html").as_uri())
        assert page.locator("#progress").inner_text() == f"reviewed {len(fps[1]) - 1} / {total}"
    finally:
        page.close()
