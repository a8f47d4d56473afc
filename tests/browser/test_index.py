"""The index of 300 files in real Chromium: filters (category, rule, severity, verdict), search
over paths and flagged words, numeric sorting with zeros shown, verdict ordered by severity,
pass/warn/fail counts and per-rule totals."""

from __future__ import annotations

import functools

import pytest

from qa.config import Settings
from qa.engine import make_plan
from qa.runner.pipeline import run_records
from qa.readers import make_document

pytestmark = pytest.mark.browser
N = 300


def _text(i: int) -> str:
    glued = " ".join(f"Item {k} is ready.Next one follows." for k in range(i % 13))  # PUN002 x (i % 13)
    nbsp = f"The fee is 5\u00a0euros for visitor {i}." if i % 5 == 0 else f"Visitor {i} paid nothing."
    word = f"zebracode{i:03d}" if i % 50 == 7 else "plain"
    return f"Report number {i} on the {word} fair.\n\n{glued}\n\n{nbsp}\n"


@functools.lru_cache(maxsize=1)
def _results():
    plan = make_plan(Settings())
    docs = [make_document(_text(i), path=f"corpus/doc{i:03d}.txt", doc_id=f"doc{i:03d}.txt") for i in range(N)]
    return list(run_records(docs, plan)), plan


def _rows(page):
    return page.eval_on_selector_all("#files tbody tr:not([hidden])", """rs => rs.map(r => ({
        name: r.cells[0].textContent, cells: Array.from(r.cells).map(c => c.textContent.trim())}))""")


def test_filter_search_and_sort_an_index_of_300_files(browser, tmp_path):
    from qa.report.html import write_reports

    results, plan = _results()
    out = tmp_path / "report"
    write_reports(results, out, ["corpus"], plan.rules)
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    assert len(_rows(page)) == N
    # pass/warn/fail counts as the results have them
    for v in ("pass", "warn", "fail"):
        n = sum(1 for r in results if r.verdict == v)
        assert page.locator(f"#verdicts .v-{v}").inner_text() == f"{n} {v}"
    # per-rule totals
    pun = sum(1 for r in results for f in r.findings if f.rule == "PUN002")
    pun_files = sum(1 for r in results if any(f.rule == "PUN002" for f in r.findings))
    cells = page.locator("#rule-totals tr", has_text="PUN002").locator("td").all_text_contents()
    assert cells[0] == "PUN002" and cells[2] == str(pun) and cells[3] == str(pun_files)

    headers = [h.strip() for h in page.locator("#files thead th").all_text_contents()]
    col = {h: i for i, h in enumerate(headers)}
    # zero counts are shown as 0, not blank
    first = _rows(page)[1]["cells"]  # doc001.txt: no no-break space
    assert first[col["whitespace"]] == "0" and all(c != "" for c in first[1:col["error"]])

    # rule filter
    page.select_option("#f-rule", "PUN002")
    shown = _rows(page)
    assert len(shown) == pun_files
    assert page.locator("#shown").inner_text() == f"{pun_files} of {N} shown"
    # + category filter: files with both a glued sentence and a no-break space
    page.select_option("#f-cat", "whitespace")
    both = {r.id for r in results if {f.rule for f in r.findings} >= {"PUN002", "WS001"}}
    assert both and {r["name"] for r in _rows(page)} == both
    page.select_option("#f-rule", "")
    page.select_option("#f-cat", "")
    # severity and verdict filters
    page.select_option("#f-verdict", "pass")
    assert len(_rows(page)) == sum(1 for r in results if r.verdict == "pass")
    page.select_option("#f-verdict", "")
    page.select_option("#f-sev", "warning")
    assert len(_rows(page)) == sum(1 for r in results if any(str(f.severity) == "warning" for f in r.findings))
    page.select_option("#f-sev", "")
    # search over paths and flagged words
    page.fill("#q", "doc123")
    assert [r["name"] for r in _rows(page)] == ["doc123.txt"]
    page.fill("#q", "ready.next")  # flagged text, any case
    assert len(_rows(page)) == pun_files
    page.fill("#q", "")
    assert len(_rows(page)) == N

    # numeric sort: the most findings first, "12" above "9"
    page.locator("#files thead th", has_text="findings").click()
    counts = [int(r["cells"][col["findings"]]) for r in _rows(page)]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 12
    assert page.locator("#files thead th", has_text="findings").get_attribute("aria-sort") == "descending"
    page.locator("#files thead th", has_text="findings").click()
    counts = [int(r["cells"][col["findings"]]) for r in _rows(page)]
    assert counts == sorted(counts)
    # a category column sorts too (zeros included)
    page.locator("#files thead th", has_text="whitespace").click()
    ws = [int(r["cells"][col["whitespace"]]) for r in _rows(page)]
    assert ws == sorted(ws, reverse=True) and ws[0] > 0 and ws[-1] == 0
    # verdict sorts by severity, not alphabetically
    page.locator("#files thead th", has_text="verdict").click()
    order = [r["cells"][col["verdict"]] for r in _rows(page)]
    rank = {"pass": 0, "warn": 1, "fail": 2}
    assert [rank[v] for v in order] == sorted((rank[v] for v in order), reverse=True)
    # the score column starts with the lowest score
    page.locator("#files thead th", has_text="score").click()
    scores = [float(r["cells"][col["score"]]) for r in _rows(page)]
    assert scores == sorted(scores)
    total = sum(len(r.findings) for r in results)
    assert page.locator("#progress").inner_text() == f"reviewed 0 / {total}"
    page.close()
