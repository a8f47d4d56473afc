"""The HTML index's data block: inert JSON (no markup, entity or lone surrogate can appear in
it), one array per row with the fields index.js reads, values that match the results; and the
previous/next links of pages."""

from __future__ import annotations

import json
import re

from qa.baseline import result_fingerprints, similar_key
from qa.config import Settings
from qa.engine import make_plan
from qa.runner.pipeline import run_records
from qa.readers import make_document
from qa.report.html import INDEX_FIELDS, file_nav, index_records, inert_json, read_index_data, render_index, write_reports

HOSTILE = ["</script><script>alert(1)</script>", "<!--", "<![CDATA[", "&lt;b&gt; &amp;", "]]>", "a\u2028b\u2029c",
           "x\udcff y", "\"quoted\" \\ back", "</SCRIPT >", "<\u0000>"]


def test_inert_json_escapes_markup_and_reads_back_the_same():
    obj = {"rows": [[s, {"k": s}] for s in HOSTILE], "n": [1, 2.5, None, True]}
    out = inert_json(obj)
    assert not re.search("[<>&\u2028\u2029\ud800-\udfff]", out)
    assert "\\u003c/script\\u003e" in out and "\\udcff" in out
    out.encode("utf-8")  # valid UTF-8: no lone surrogate is written raw
    assert json.loads(out) == obj
    assert inert_json({"é": "日本"}) == '{"é":"日本"}'  # other text stays as it is


def _results(texts: dict[str, str]):
    plan = make_plan(Settings())
    docs = [make_document(t, path=f"in/{name}", doc_id=name) for name, t in texts.items()]
    return list(run_records(docs, plan)), plan


def test_index_rows_carry_the_fields_of_the_results(tmp_path):
    texts = {"a.txt": "It ended there.She left. The fee is 5\u00a0euros.\n", "b.txt": "A calm and plain sentence.\n",
             "</script><b>.txt": "Hostile name.It stays text.\n"}
    (tmp_path / "in").mkdir()
    results, plan = _results(texts)
    pages = write_reports(results, tmp_path / "out", [str(tmp_path / "in")], plan.rules)
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert html.count("<script") == 2  # the data block and the script
    assert "<b>" not in html and "</script><b>" not in html
    data = read_index_data(html)
    assert data["version"] == 1 and data["fields"] == list(INDEX_FIELDS) and data["fp_hex"] == 16
    assert len(data["rows"]) == len(results)
    # plain files: the page is the label and .html, so the row leaves href empty
    assert [row[0] for row in data["rows"]] == ["", "", pages[2]] and pages[:2] == ["a.txt.html", "b.txt.html"]
    recs = index_records(data)
    for d, r, page in zip(recs, results, pages):
        assert d["href"] == page and d["score"] == r.score and d["verdict"] == r.verdict
        assert d["total"] == len(r.findings) and d["error"] == ""
        assert d["cats"] == r.category_counts
        want: dict[str, int] = {}
        for f in r.findings:
            want[f.rule] = want.get(f.rule, 0) + 1
        assert d["rules"] == want
        bits = {"error": 1, "warning": 2, "info": 4}
        assert d["sevs"] == sum({bits[str(f.severity)] for f in r.findings})
        assert d["fps"] == [fp[:16] for fp in result_fingerprints(r)]
        assert d["sims"] == [similar_key(f.rule, r.doc.text[f.start:f.end]) for f in r.findings]
    F = {n: i for i, n in enumerate(data["fields"])}
    a, b, hostile = data["rows"]
    # the search text: the path (the label lacks it) and the flagged words, the label not again
    assert a[F["label"]] == "a.txt" and a[F["search"]].startswith("in/a.txt ") and "there.She" in a[F["search"]]
    assert b[F["total"]] == 0 and b[F["fps"]] == ""
    assert "</script><b>.txt" in hostile[F["label"]] + hostile[F["search"]]
    # categories: only those that occur, in the order of the table's columns
    assert "whitespace" in data["categories"] and "encoding" not in data["categories"]


def test_error_rows_and_an_empty_index(tmp_path):
    from qa.engine import error_result
    from qa.readers import InputError

    err = error_result(InputError("in/x.txt", "x.txt", "cannot read: <bad>"))
    write_reports([err], tmp_path / "out", ["in"], make_plan(Settings()).rules)
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    [row] = read_index_data(html)["rows"]
    assert row == ["", "x.txt", 0.0, "fail", 0, [], "cannot read: <bad>", [], 0, "in/x.txt", "", []]
    assert "<bad>" not in html
    empty = read_index_data(render_index([]))
    assert empty["rows"] == [] and empty["categories"] == []


def test_pages_link_to_the_previous_and_next_file(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    texts = {"a.txt": "One.Two.", "sub/b.txt": "Three.Four.", "sub/c.txt": "Five.Six."}
    plan = make_plan(Settings())
    docs = []
    for name, t in texts.items():
        (root / name).write_text(t, encoding="utf-8")
        docs.append(make_document(t, path=str(root / name), doc_id=name.split("/")[-1]))
    results = list(run_records(docs, plan))
    pages = write_reports(results, tmp_path / "out", [str(root)], plan.rules)
    assert pages == ["a.txt.html", "sub/b.txt.html", "sub/c.txt.html"]

    def links(p):
        html = (tmp_path / "out" / p).read_text(encoding="utf-8")
        nav = html.split('<nav class="filenav"', 1)[1].split("</nav>", 1)[0]
        return dict(re.findall(r'id="(prev-file|next-file|next-open)" (?:rel="\w+" )?href="([^"]+)"', nav))

    assert links(pages[0]) == {"next-file": "sub/b.txt.html", "next-open": "index.html#open-after=a.txt.html"}
    assert links(pages[1]) == {"prev-file": "../a.txt.html", "next-file": "../sub/c.txt.html",
                               "next-open": "../index.html#open-after=sub/b.txt.html"}
    assert links(pages[2]) == {"prev-file": "../sub/b.txt.html", "next-open": "../index.html#open-after=sub/c.txt.html"}


def test_file_nav_quotes_the_page_in_the_fragment():
    nav = file_nav("d/é x.html", ("d/a.html", "d/a"), None)
    assert nav == {"index_open": "../index.html#open-after=d/%C3%A9%20x.html", "prev_href": "../d/a.html", "prev_label": "d/a"}


def test_decisions_of_the_baseline_files_are_marked_in_the_index(tmp_path):
    from qa.baseline import Baseline

    texts = {"a.txt": "It ended there.She left. The fee is 5\u00a0euros.\n", "b.txt": "One more.Then two.\n"}
    results, plan = _results(texts)
    fa, fb = result_fingerprints(results[0]), result_fingerprints(results[1])
    assert len(fa) >= 2 and fb
    b0 = results[1].findings[0]
    sim = similar_key(b0.rule, results[1].doc.text[b0.start:b0.end])
    base = Baseline(decisions={fa[1]: "dismiss"}, similar={sim: "dismiss"})
    write_reports(results, tmp_path / "out", ["in"], plan.rules, decisions=base)
    data = read_index_data((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    assert data["filed"] == [0, 1, 1, 0]  # row 0 finding 1 (its fingerprint), row 1 finding 0 (similar)
    write_reports(results, tmp_path / "plain", ["in"], plan.rules)
    assert read_index_data((tmp_path / "plain" / "index.html").read_text(encoding="utf-8"))["filed"] == []
