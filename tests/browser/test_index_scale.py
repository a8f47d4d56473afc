"""The index of 100,000 files in real Chromium: its rows are inert JSON rendered one page at a
time, so the table never holds more than a page of row elements; paging reaches the last row;
filters, search, sort and the review counter work over every row and their counts are right;
axe-core finds no serious or critical violation. The rows are made directly (index_rows.py),
not by checking 100,000 files."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import index_rows  # noqa: E402
import test_a11y  # noqa: E402

pytestmark = pytest.mark.browser
N = 100_000
PAGE = 500  # the default rows per page


@functools.lru_cache(maxsize=1)
def _rows():
    return index_rows.synthetic_rows(N)


@pytest.fixture(scope="module")
def index_file(tmp_path_factory):
    from qa.report.html import render_index

    out = tmp_path_factory.mktemp("index100k") / "index.html"
    out.write_text(render_index(_rows(), {c: c.lower() for c in index_rows.CODES}), encoding="utf-8")
    return out


def _shown(page):
    return page.eval_on_selector_all("#files tbody tr", """rs => rs.map(r => ({
        i: Number(r.getAttribute('aria-rowindex')), name: r.cells[0].textContent,
        cells: Array.from(r.cells).map(c => c.textContent.trim())}))""")


def _open(browser, index_file):
    page = browser.new_page()
    page.goto(index_file.as_uri())
    page.wait_for_selector("#files tbody tr")
    return page


def _col(page) -> dict[str, int]:
    headers = [h.strip() for h in page.locator("#files thead th").all_text_contents()]
    return {h.rstrip(" \u25b2\u25bc"): i for i, h in enumerate(headers)}


def _pager(page, which: str) -> None:
    page.locator(f"nav.pager >> nth=0 >> button[data-page={which}]").click()


def test_an_index_of_100000_files_renders_a_page_and_pages_to_the_last_row(browser, index_file):
    rows = _rows()
    page = _open(browser, index_file)
    try:
        shown = _shown(page)
        # a bounded number of row elements, though every row is in the data
        assert len(shown) == PAGE == page.locator("#files tr").count() - 1
        assert [r["name"] for r in shown] == [rows[i]["label"] for i in range(PAGE)]
        assert [r["i"] for r in shown] == list(range(2, PAGE + 2))
        assert page.locator("#files").get_attribute("aria-rowcount") == str(N + 1)
        assert page.locator("#shown").inner_text() == f"{N} of {N} shown"
        assert page.locator("#page-status").inner_text() == f"rows 1\u2013{PAGE} of {N} shown, page 1 of {N // PAGE}"
        # counts over all rows, not over the page
        for v in ("pass", "warn", "fail"):
            n = sum(1 for r in rows if r["verdict"] == v and not r["error"])
            assert page.locator(f"#verdicts .v-{v}").inner_text() == f"{n} {v}"
        total = sum(int(r["total"]) for r in rows)
        assert page.locator("#progress").inner_text() == f"reviewed 0 / {total}"
        for code in index_rows.CODES:
            want = sum(r["rules"].get(code, 0) for r in rows)
            files = sum(1 for r in rows if code in r["rules"])
            cells = page.locator("#rule-totals tr", has_text=code).locator("td").all_text_contents()
            assert cells[2:] == [str(want), str(files)], code
        # next, then the last page: its last row is the last file, at row index N + 1
        _pager(page, "next")
        assert [r["i"] for r in _shown(page)][:1] == [PAGE + 2]
        page.locator("nav.pager >> nth=1 >> button[data-page=last]").click()  # the pager below the table
        last = _shown(page)
        assert len(last) == PAGE and last[-1]["name"] == rows[-1]["label"] and last[-1]["i"] == N + 1
        assert page.locator("nav.pager >> nth=0 >> button[data-page=next]").get_attribute("aria-disabled") == "true"
        assert page.locator("nav.pager >> nth=0 >> .page-no").inner_text() == str(N // PAGE)
        # 1000 rows a page: still one page of elements
        page.select_option("#page-size", "1000")
        assert len(_shown(page)) == 1000
        _pager(page, "last")
        assert _shown(page)[-1]["i"] == N + 1
        _pager(page, "first")
        assert _shown(page)[0]["i"] == 2
    finally:
        page.close()


def _expect(rows, cat="", rule="", sev="", verdict="", q=""):
    bit = {"error": 1, "warning": 2, "info": 4}.get(sev, 0)
    out = []
    for i, r in enumerate(rows):
        if cat and not r["cats"].get(cat):
            continue
        if rule and not r["rules"].get(rule):
            continue
        if bit and not r["sevs"] & bit:
            continue
        if verdict and ("error" if r["error"] else r["verdict"]) != verdict:
            continue
        if q and q not in (r["label"] + " " + r["path"] + " " + r["words"]).lower():
            continue
        out.append(i)
    return out


def test_filter_sort_and_search_work_over_100000_rows(browser, index_file):
    rows = _rows()
    page = _open(browser, index_file)
    try:
        col = _col(page)
        page.select_option("#page-size", "1000")
        # rule + category + severity filters together
        page.select_option("#f-rule", "WS001")
        page.select_option("#f-cat", "punctuation")
        page.select_option("#f-sev", "info")
        want = _expect(rows, cat="punctuation", rule="WS001", sev="info")
        assert 1000 < len(want) < N
        assert page.locator("#shown").inner_text() == f"{len(want)} of {N} shown"
        assert page.locator("#files").get_attribute("aria-rowcount") == str(len(want) + 1)
        assert [r["name"] for r in _shown(page)] == [rows[i]["label"] for i in want[:1000]]
        # sorted by findings (most first, ties in index order), across all matching rows
        page.locator("#files thead th", has_text="findings").click()
        by_total = sorted(want, key=lambda i: (-rows[i]["total"], i))
        assert [r["name"] for r in _shown(page)] == [rows[i]["label"] for i in by_total[:1000]]
        assert page.locator("#files thead th", has_text="findings").get_attribute("aria-sort") == "descending"
        _pager(page, "last")
        tail = _shown(page)
        assert tail[-1]["name"] == rows[by_total[-1]]["label"] and tail[-1]["i"] == len(want) + 1
        # a category column sorts numerically, zeros shown
        page.select_option("#f-rule", "")
        page.select_option("#f-cat", "")
        page.select_option("#f-sev", "")
        page.locator("#files thead th", has_text="whitespace").click()
        ws = sorted(range(N), key=lambda i: (-rows[i]["cats"].get("whitespace", 0), i))
        got = _shown(page)
        assert [r["name"] for r in got] == [rows[i]["label"] for i in ws[:1000]]
        _pager(page, "last")
        assert _shown(page)[-1]["cells"][col["whitespace"]] == "0"
        # verdict by severity, unreadable last; the verdict filter counts unreadable inputs
        page.locator("#files thead th", has_text="verdict").click()
        rank = {"pass": 0, "warn": 1, "fail": 2}
        first = [r["cells"][col["verdict"]] for r in _shown(page)]
        assert [rank[v] for v in first] == sorted((rank[v] for v in first), reverse=True)
        page.select_option("#f-verdict", "error")
        unreadable = [i for i, r in enumerate(rows) if r["error"]]
        assert page.locator("#shown").inner_text() == f"{len(unreadable)} of {N} shown"
        assert {r["cells"][col["error"]] for r in _shown(page)} == {"cannot read: not UTF-8"}
        page.select_option("#f-verdict", "fail")
        assert page.locator("#shown").inner_text() == f"{len(_expect(rows, verdict='fail'))} of {N} shown"
        page.select_option("#f-verdict", "")
        # search over paths and flagged words, together with a sort
        page.fill("#q", index_rows.SEARCH_WORD)
        hits = _expect(rows, q=index_rows.SEARCH_WORD)
        assert len(hits) == len(range(0, N, 997)) - sum(1 for i in range(0, N, 997) if rows[i]["total"] == 0)
        assert page.locator("#shown").inner_text() == f"{len(hits)} of {N} shown"
        page.locator("#files thead th", has_text="score").click()  # lowest score first
        by_score = sorted(hits, key=lambda i: (rows[i]["score"], i))
        assert [r["name"] for r in _shown(page)] == [rows[i]["label"] for i in by_score]
        page.fill("#q", "corpus/part054/doc054321")  # the input's path, not only the label
        assert [r["name"] for r in _shown(page)] == ["part054/doc054321.txt"]
        page.fill("#q", "")
        assert page.locator("#shown").inner_text() == f"{N} of {N} shown"
    finally:
        page.close()


def test_review_progress_and_review_filter_over_100000_rows(browser, index_file):
    """Decisions kept in this browser (a report opened from a file): the counter and the
    review filter follow them, a similar-key decision counting in every file it reaches."""
    rows = _rows()
    sim = rows[3]["sims"][0]
    decisions = [{"fingerprint": fp, "decision": "dismiss"} for fp in rows[1]["fps"] + rows[2]["fps"]]
    decisions += [{"fingerprint": rows[4]["fps"][0], "decision": "reopen"}, {"similar": sim, "decision": "dismiss"}]
    page = browser.new_page()
    try:
        page.goto(index_file.as_uri())
        page.evaluate("d => localStorage.setItem('qa-decisions:v2', JSON.stringify({version: 2, decisions: d}))", decisions)
        page.reload()
        page.wait_for_selector("#files tbody tr")
        fp_done = set(rows[1]["fps"] + rows[2]["fps"])
        opened = [sum(1 for fp, s in zip(r["fps"], r["sims"]) if fp not in fp_done and s != sim) for r in rows]
        total = sum(int(r["total"]) for r in rows)
        assert page.locator("#progress").inner_text() == f"reviewed {total - sum(opened)} / {total}"
        page.select_option("#f-review", "done")
        done = [i for i in range(N) if opened[i] == 0]
        assert page.locator("#shown").inner_text() == f"{len(done)} of {N} shown"
        page.select_option("#f-review", "open")
        assert page.locator("#shown").inner_text() == f"{N - len(done)} of {N} shown"
        assert [r["name"] for r in _shown(page)][:3] == [rows[i]["label"] for i in range(N) if opened[i]][:3]
    finally:
        page.evaluate("localStorage.clear()")
        page.close()


def test_index_of_100000_files_has_no_serious_accessibility_violation(browser, index_file):
    bad = test_a11y._audit(browser, index_file.as_uri())
    assert not bad, bad


def test_the_data_block_is_inert_and_complete(index_file):
    from qa.report.html import read_index_data

    html = index_file.read_text(encoding="utf-8")
    data = read_index_data(html)
    assert len(data["rows"]) == N and data["fields"][:2] == ["href", "label"]
    blob = html.split('id="qa-index-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in blob and ">" not in blob and "&" not in blob
    assert json.loads(blob)["rows"][N - 1][1] == _rows()[-1]["label"]
