"""Run summaries: --summary FILE with any format and -q, qa report (HTML, Markdown, SVG), qa.to_frame."""

from __future__ import annotations

import json
from pathlib import Path

import qa
from test_cli import invoke

SAMPLES = str(Path(__file__).resolve().parent.parent / "samples")


def _summary(tmp_path, *flags):
    out = tmp_path / "summary.json"
    res = invoke("check", SAMPLES, "--isolated", "--fail-on", "never", "--summary", str(out), "-j", "1", *flags)
    assert res.exit_code == 0, res.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_summary_counts_match_the_results_with_every_output_mode(tmp_path):
    results = list(qa.check_paths([SAMPLES]))
    counts: dict[str, int] = {}
    for r in results:
        for k, v in r.counts.items():
            counts[k] = counts.get(k, 0) + v
    ref = None
    for flags in ((), ("-q",), ("--format", "jsonl", "-o", str(tmp_path / "o.jsonl"), "-q"),
                  ("--format", "sarif", "-o", str(tmp_path / "o.sarif"))):
        d = _summary(tmp_path, *flags)
        assert {r["rule"]: r["findings"] for r in d["rules"]} == counts
        assert d["documents"] == len(results) and d["findings"] == sum(counts.values())
        assert sum(b["documents"] for b in d["scores"]["histogram"]) == len(results)
        assert [w["score"] for w in d["worst"]] == sorted(r.score for r in results)
        cats = {}
        for r in results:
            for c in r.category_counts:
                cats[c] = cats.get(c, 0) + 1
        assert {c: v["documents"] for c, v in d["categories"].items()} == cats
        assert set(d["timing"]) >= {"seconds", "workers", "engine"}
        d.pop("timing")
        if ref is None:
            ref = d
        assert d == ref  # the same summary whatever the output format


def test_summary_bad_path_is_a_usage_error(tmp_path):
    res = invoke("check", SAMPLES, "--isolated", "-q", "--summary", str(tmp_path))  # a folder
    assert res.exit_code == 2
    assert "qa: error: cannot write the summary" in res.output


def test_report_writes_escaped_html_markdown_and_svg(tmp_path):
    doc = tmp_path / "docs"
    doc.mkdir()
    (doc / "x.txt").write_text("<script>alert(1)</script> It ended there.She left.\n", encoding="utf-8")
    res = invoke("check", str(doc), SAMPLES, "--isolated", "--fail-on", "never", "--format", "jsonl",
                 "-o", str(tmp_path / "r.jsonl"), "-q")
    assert res.exit_code == 0
    res = invoke("report", str(tmp_path / "r.jsonl"), "--out", str(tmp_path / "rep"))
    assert res.exit_code == 0, res.output
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html and "script-src 'none'" in html
    assert "<script" not in html
    assert html.count("<svg") == 3
    assert "PUN002" in html and "Worst documents" in html
    md = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert "![Findings per category](report-categories.svg)" in md
    assert "| PUN002 | missing-space-after-sentence | punctuation |" in md
    svg = (tmp_path / "rep" / "report-rules.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "PUN002 missing-space-after-sentence" in svg
    res = invoke("report", str(doc / "x.txt"), "--out", str(tmp_path / "rep2"))
    assert res.exit_code == 2 and "not JSON" in res.output


def test_to_frame_findings_and_documents():
    results = list(qa.check_paths([SAMPLES]))
    f = qa.to_frame(results)
    assert len(f) == sum(len(r.findings) for r in results)
    assert list(f.columns[:6]) == ["path", "id", "rule", "name", "category", "severity"]
    row = f[f.rule == "PUN002"].iloc[0]
    r = next(r for r in results if r.path == row.path)
    finding = next(x for x in r.findings if x.rule == "PUN002")
    assert (row.start, row.end, row.text) == (finding.start, finding.end, r.doc.text[finding.start:finding.end])
    assert (row.fix_applicability, row.fix_edits) == ("safe", len(finding.fix.edits))
    assert (row.fix_start, row.fix_replacement) == (finding.fix.edits[0].start, finding.fix.edits[0].replacement)
    docs = qa.to_frame(results, documents=True)
    assert list(docs.id) == [r.id for r in results]
    assert list(docs.findings) == [len(r.findings) for r in results]
    assert "duplicate_cluster" in docs.columns
    # result objects read from JSON Lines give the same table
    from qa.report.jsonl import dumps

    again = qa.to_frame([json.loads(dumps(r)) for r in results])
    assert again.equals(f)
