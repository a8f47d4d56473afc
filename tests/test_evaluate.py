"""qa eval: scoring findings against span, line, segment and review-decision labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.baseline import fingerprint
from qa.cli import app
from qa.api import check_text
from qa.evaluate import (LabelError, Options, evaluate, load_labels, load_predictions, parse_threshold, render,
                         text_lines, wilson)
from qa.report.jsonl import finding_dict

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def write_jsonl(path: Path, objs) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objs), encoding="utf-8")
    return path


def F(rule, start, end, category="punctuation", severity="warning", confidence=None, name=None):
    return {"rule": rule, "name": name or rule.lower(), "category": category, "severity": severity,
            "start": start, "end": end, "confidence": confidence, "message": "m"}


# --------------------------------------------------------------------------- statistics
def test_wilson_interval_known_values():
    assert wilson(0, 0) is None
    assert [round(x, 4) for x in wilson(1, 3)] == [0.0615, 0.7923]
    assert [round(x, 4) for x in wilson(5, 5)] == [0.5655, 1.0]
    assert [round(x, 4) for x in wilson(0, 2)] == [0.0, 0.6576]
    lo, hi = wilson(70, 100)
    assert round(lo, 4) == 0.6042 and round(hi, 4) == 0.7811


def test_positive_threshold_syntax():
    assert parse_threshold("<=-5")(-5.0) and not parse_threshold("<=-5")(-4.9)
    assert parse_threshold("5")(5.0) and not parse_threshold("5")(4.0)  # a bare number means >=
    assert parse_threshold("> 0.5")(0.6) and not parse_threshold(">0.5")(0.5)
    with pytest.raises(LabelError):
        parse_threshold("about five")


def test_text_lines_geometry():
    assert text_lines("ab\r\ncd\n\nef") == [(0, 2), (4, 6), (7, 7), (8, 10)]
    assert text_lines("ab\n") == [(0, 2)]


# --------------------------------------------------------------------------- spans
def _span_case(tmp_path):
    preds = write_jsonl(tmp_path / "preds.jsonl", [
        {"path": "data/a.txt", "id": "a.txt", "findings": [F("PUN001", 0, 5), F("PUN001", 10, 12),
                                                           F("GRAM001", 20, 25, "grammar", "info")]},
        {"path": "data/b.txt", "id": "b.txt", "findings": [F("PUN001", 3, 4)]},
        {"path": "data/c.txt", "id": "c.txt", "findings": [F("PUN001", 1, 2)]},  # not labelled: ignored
    ])
    labels = write_jsonl(tmp_path / "labels.jsonl", [
        {"id": "a.txt", "site": "x.example", "spans": [{"start": 0, "end": 4, "label": "error", "category": "punct"},
                                                      {"start": 20, "end": 22, "label": "error", "category": "gram"},
                                                      {"start": 40, "end": 44, "label": "error", "category": "gram"}]},
        {"path": "elsewhere/b.txt", "site": "y.example", "spans": []},
    ])
    return labels, preds


def test_spans_per_rule_precision_interval_support_recall(tmp_path):
    labels, preds = _span_case(tmp_path)
    res = evaluate(load_labels(labels), load_predictions(preds), Options(group_field="site"))
    r = res["rules"]["PUN001"]
    assert (r["findings"], r["tp"], r["fp"], r["unjudged"]) == (3, 1, 2, 0)
    assert r["precision"] == 0.3333 and r["interval"] == [0.0615, 0.7923]
    assert r["support_docs"] == 1 and r["support_groups"] == 1
    assert r["recall"] == {"spans": 0.3333}
    g = res["rules"]["GRAM001"]
    assert (g["tp"], g["fp"], g["precision"], g["interval"]) == (1, 0, 1.0, [0.2065, 1.0])
    o = res["overall"]
    assert (o["documents"], o["findings"], o["tp"], o["fp"], o["precision"]) == (2, 4, 2, 2, 0.5)
    assert o["spans"]["error_spans"] == 3 and o["spans"]["error_spans_hit"] == 2 and o["spans"]["recall"] == 0.6667
    assert o["spans"]["by_label_category"]["gram"] == {"error_spans": 2, "hit": 1, "recall": 0.5}
    assert res["categories"]["punctuation"]["fp"] == 2
    # --min-severity drops the info finding
    res = evaluate(load_labels(labels), load_predictions(preds), Options(min_severity="warning"))
    assert "GRAM001" not in res["rules"] and res["overall"]["findings"] == 3


def test_spans_not_exhaustive_judge_only_ok_spans(tmp_path):
    preds = write_jsonl(tmp_path / "p.jsonl", [{"path": "s.txt", "findings": [
        F("A001", 0, 3), F("A001", 10, 12), F("A001", 30, 31)]}])
    labels = write_jsonl(tmp_path / "l.jsonl", [{"id": "s.txt", "exhaustive": False, "spans": [
        {"start": 0, "end": 5, "label": "error"}, {"start": 8, "end": 20, "label": "ok"}]}])
    r = evaluate(load_labels(labels), load_predictions(preds))["rules"]["A001"]
    assert (r["tp"], r["fp"], r["unjudged"]) == (1, 1, 1)


# --------------------------------------------------------------------------- lines
LINE_TEXT = "Menu\nPrices rose sharply in May.\nBy Jane Doe\nShare this\nThey fell in June.\n"


def test_line_labels_per_line_with_text(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "p.txt").write_text(LINE_TEXT, encoding="utf-8")
    # Menu [0,4) content [5,32) byline [33,44) Share [45,55) content [56,74)
    preds = write_jsonl(tmp_path / "p.jsonl", [{"path": str(docs / "p.txt"), "id": "p.txt", "findings": [
        F("BP101", 0, 4, "boilerplate"), F("BP101", 45, 55, "boilerplate"), F("BP001", 5, 32, "boilerplate"),
        F("META101", 33, 44, "metadata"), F("PUN001", 60, 62)]}])
    labels = write_jsonl(tmp_path / "l.jsonl", [{"id": "p.txt", "lines": [
        "boilerplate", "content", "meta", "boilerplate", "content"]}])
    res = invoke("eval", str(labels), str(docs), "--predictions", str(preds), "-f", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    lines = out["overall"]["lines"]
    assert (lines["units"], lines["positives"], lines["flagged"], lines["tp"], lines["fp"]) == (4, 2, 3, 2, 1)
    assert lines["precision"] == 0.6667 and lines["recall"] == 1.0 and lines["negatives_flagged"] == 0.5
    assert lines["neutral_lines"] == 1 and lines["neutral_lines_flagged"] == 0.0  # META101 is not a line category
    assert out["rules"]["BP101"]["tp"] == 2 and out["rules"]["BP101"]["recall"] == {"lines": 1.0}
    assert out["rules"]["BP001"]["fp"] == 1
    assert out["rules"]["PUN001"]["unjudged"] == 1 and out["rules"]["PUN001"]["precision"] is None
    # metadata judged by the lines too: the byline finding lies on a neutral (meta) line: right
    res = invoke("eval", str(labels), str(docs), "--predictions", str(preds), "-f", "json",
                 "--line-categories", "boilerplate,metadata")
    out = json.loads(res.stdout)
    assert out["rules"]["META101"]["tp"] == 1 and out["overall"]["lines"]["neutral_lines_flagged"] == 1.0


def test_line_labels_need_text_and_matching_count(tmp_path):
    preds = write_jsonl(tmp_path / "p.jsonl", [{"path": "p.txt", "findings": [F("BP101", 0, 4, "boilerplate")]}])
    labels = write_jsonl(tmp_path / "l.jsonl", [{"id": "p.txt", "lines": ["boilerplate", "content"]}])
    res = invoke("eval", str(labels), "--predictions", str(preds))
    assert res.exit_code == 2 and "need the document's text" in res.output
    docs = tmp_path / "d"
    docs.mkdir()
    (docs / "p.txt").write_text("Menu\nText here.\nMore.\n", encoding="utf-8")
    res = invoke("eval", str(labels), str(docs / "p.txt"), "--predictions", str(preds))
    assert res.exit_code == 2 and "2 line labels for a text of 3 lines" in res.output


# --------------------------------------------------------------------------- segments
def test_segment_scores_with_threshold_group_and_by(tmp_path):
    # two systems translating one story: segments [0,10) [11,20) [21,30)
    preds = write_jsonl(tmp_path / "p.jsonl", [
        {"path": "s1__d1.txt", "findings": [F("MT300", 2, 4, "mistranslation"), F("MT300", 12, 13, "mistranslation"),
                                           F("PUN001", 10, 10)]},
        {"path": "s2__d1.txt", "findings": [F("MT300", 25, 27, "mistranslation"), F("MT300", 90, 95, "mistranslation")]},
        {"path": "ref__d1.txt", "findings": [F("MT300", 0, 1, "mistranslation")]},
    ])
    seg = lambda a, b, s: {"start": a, "end": b, "score": s}  # noqa: E731
    labels = write_jsonl(tmp_path / "l.jsonl", [
        {"id": "s1__d1.txt", "kind": "mt", "story": "d1", "segments": [seg(0, 10, -6), seg(11, 20, -1), seg(21, 30, None)]},
        {"id": "s2__d1.txt", "kind": "mt", "story": "d1", "segments": [seg(0, 10, -5), seg(11, 20, 0), seg(21, 30, -12)]},
        {"id": "ref__d1.txt", "kind": "reference", "story": "d1",
         "segments": [{"start": 0, "end": 10, "positive": False}]},
    ])
    res = invoke("eval", str(labels), "--predictions", str(preds), "--positive", "<=-5", "--group-field", "story",
                 "--by", "kind", "-f", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    r = out["rules"]["MT300"]
    # s1: 2-4 in a -6 segment (TP), 12-13 in -1 (FP); s2: 25-27 in -12 (TP), 90-95 past the end -> last (TP);
    # ref: FP
    assert (r["findings"], r["tp"], r["fp"], r["support_docs"], r["support_groups"]) == (5, 3, 2, 2, 1)
    assert r["precision"] == 0.6 and r["recall"] == {"segments": 0.6667}
    # PUN001 at offset 10 sits on segment 0's line break: that segment (positive)
    assert out["rules"]["PUN001"]["tp"] == 1
    mt = out["by"]["mt"]["segments"]
    assert (mt["units"], mt["positives"], mt["flagged"], mt["tp"], mt["fp"]) == (5, 3, 3, 2, 1)
    assert mt["precision"] == 0.6667 and mt["recall"] == 0.6667 and mt["base_rate"] == 0.6
    ref = out["by"]["reference"]["segments"]
    assert ref["share_flagged"] == 1.0 and ref["positives"] == 0
    # a score needs --positive
    res = invoke("eval", str(labels), "--predictions", str(preds))
    assert res.exit_code == 2 and "--positive" in res.output


# --------------------------------------------------------------------------- running qa
def test_eval_runs_qa_on_paths(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "It ended there.She left the room.\nPrices rose in May. They fell in June.\n"
    (docs / "a.txt").write_text(text, encoding="utf-8")
    glued = text.index(".She")
    labels = write_jsonl(tmp_path / "l.jsonl", [{"path": "a.txt", "spans": [
        {"start": glued, "end": glued + 4, "label": "error", "category": "glued"}]}])
    res = invoke("eval", str(labels), str(docs), "--select", "PUN002", "--isolated", "--no-cache", "-j", "1", "-f", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert list(out["rules"]) == ["PUN002"]
    assert out["rules"]["PUN002"]["tp"] == 1 and out["rules"]["PUN002"]["fp"] == 0
    assert out["overall"]["spans"]["recall"] == 1.0


def test_review_decisions_file(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = {"a.txt": "It ended there.She left the room.\n", "b.txt": "Prices rose in May.They fell later.\n"}
    decisions = []
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
        r = check_text(text, select=["PUN002"], doc_id=name, path=str(docs / name))
        assert [f.rule for f in r.findings] == ["PUN002"]
        fp = fingerprint(r, finding_dict(r.findings[0], r.doc))
        decisions.append({"fingerprint": fp, "decision": "accept" if name == "a.txt" else "dismiss"})
    dec = tmp_path / "qa-decisions.json"
    dec.write_text(json.dumps({"version": 2, "decisions": decisions}), encoding="utf-8")
    res = invoke("eval", str(dec), str(docs), "--select", "PUN002", "--isolated", "--no-cache", "-j", "1", "-f", "json")
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)["rules"]["PUN002"]
    assert (r["tp"], r["fp"], r["precision"], r["interval"]) == (1, 1, 0.5, [0.0945, 0.9055])
    # a version 1 decisions file (fingerprints with the document id) is still read
    from qa.baseline import fingerprint_v1

    old = []
    for name, text in texts.items():
        r1 = check_text(text, select=["PUN002"], doc_id=name, path=str(docs / name))
        old.append({"fingerprint": fingerprint_v1(r1, finding_dict(r1.findings[0], r1.doc)),
                    "decision": "dismiss"})
    dec1 = tmp_path / "qa-decisions-v1.json"
    dec1.write_text(json.dumps({"version": 1, "decisions": old}), encoding="utf-8")
    res = invoke("eval", str(dec1), str(docs), "--select", "PUN002", "--isolated", "--no-cache", "-j", "1", "-f", "json")
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)["rules"]["PUN002"]
    assert (r["tp"], r["fp"]) == (0, 2)
    # the same from a saved JSON Lines output, with the documents for the fingerprints
    out = tmp_path / "preds.jsonl"
    assert invoke("check", str(docs), "--select", "PUN002", "--isolated", "--format", "jsonl", "-o", str(out),
                  "--no-cache", "-q").exit_code == 0
    res = invoke("eval", str(dec), str(docs), "--predictions", str(out), "-f", "json")
    assert json.loads(res.stdout)["rules"]["PUN002"]["tp"] == 1
    res = invoke("eval", str(dec), "--predictions", str(out))
    assert res.exit_code == 2 and "need the documents" in res.output


# --------------------------------------------------------------------------- output and errors
def test_formats_are_deterministic(tmp_path):
    labels, preds = _span_case(tmp_path)
    outs = {}
    for fmt in ("table", "md", "json"):
        a = invoke("eval", str(labels), "--predictions", str(preds), "-f", fmt, "--group-field", "site")
        b = invoke("eval", str(labels), "--predictions", str(preds), "-f", fmt, "--group-field", "site")
        assert a.exit_code == 0 and a.stdout == b.stdout
        outs[fmt] = a.stdout
    assert "PUN001" in outs["table"] and "[0.061, 0.792]" in outs["table"]
    assert "| PUN001 | pun001 | 3 | 1 | 2 | 0.333 | [0.061, 0.792] | 1 | 1 | 0.333 |" in outs["md"]
    o = tmp_path / "report.md"
    assert invoke("eval", str(labels), "--predictions", str(preds), "-f", "md", "-o", str(o),
                  "--group-field", "site").exit_code == 0
    assert o.read_text(encoding="utf-8") == outs["md"]


def test_min_confidence_filters_findings(tmp_path):
    preds = write_jsonl(tmp_path / "p.jsonl", [{"path": "a.txt", "findings": [
        F("A001", 0, 2, confidence=0.9), F("A002", 0, 2, confidence=0.4), F("A003", 0, 2, confidence=None)]}])
    labels = write_jsonl(tmp_path / "l.jsonl", [{"id": "a.txt", "spans": [{"start": 0, "end": 3, "label": "error"}]}])
    res = invoke("eval", str(labels), "--predictions", str(preds), "--min-confidence", "0.5", "-f", "json")
    assert list(json.loads(res.stdout)["rules"]) == ["A001"]


@pytest.mark.parametrize("content, message", [
    ('{"spans": []}\n', "needs a string 'id' or 'path'"),
    ('{"id": "a", "spans": [{"start": 5, "end": 2}]}\n', "before start"),
    ('{"id": "a", "spans": [{"start": 1, "end": 2, "label": "maybe"}]}\n', "label must be"),
    ('{"id": "a"}\n', "needs 'spans', 'lines' or 'segments'"),
    ('{"id": "a", "spans": []}\n{"id": "a", "spans": []}\n', "a second label record"),
    ("not json\n", "not valid JSON"),
    ('{"version": 1, "decisions": [{"fingerprint": "x", "decision": "maybe"}]}', "decision must be"),
])
def test_bad_label_files_are_usage_errors(tmp_path, content, message):
    p = tmp_path / "labels.jsonl"
    p.write_text(content, encoding="utf-8")
    preds = write_jsonl(tmp_path / "p.jsonl", [{"path": "a", "findings": []}])
    res = invoke("eval", str(p), "--predictions", str(preds))
    assert res.exit_code == 2 and res.output.startswith("qa: error:") and message in res.output
    assert "Traceback" not in res.output


def test_usage_errors(tmp_path):
    labels, preds = _span_case(tmp_path)
    res = invoke("eval", str(labels))
    assert res.exit_code == 2 and "PATH" in res.output
    res = invoke("eval", str(labels), "--predictions", str(preds), "--min-severity", "high")
    assert res.exit_code == 2 and "--min-severity" in res.output
    res = invoke("eval", str(labels), "--predictions", str(tmp_path / "missing.jsonl"))
    assert res.exit_code == 2 and "cannot read predictions" in res.output


def test_render_table_lists_rules_in_code_order(tmp_path):
    labels, preds = _span_case(tmp_path)
    text = render(evaluate(load_labels(labels), load_predictions(preds)), "table")
    body = text.split("== per rule")[1]
    assert body.index("GRAM001") < body.index("PUN001")


def test_by_several_fields_groups_by_combination(tmp_path):
    preds = write_jsonl(tmp_path / "p.jsonl", [{"path": "a", "findings": [F("A001", 0, 1)]},
                                               {"path": "b", "findings": [F("A001", 0, 1)]}])
    labels = write_jsonl(tmp_path / "l.jsonl", [
        {"id": "a", "source": "news", "kind": "mt", "spans": [{"start": 0, "end": 2, "label": "error"}]},
        {"id": "b", "source": "news", "kind": "reference", "spans": []}])
    res = evaluate(load_labels(labels), load_predictions(preds), Options(by="source,kind"))
    assert sorted(res["by"]) == ["news / mt", "news / reference"]
    assert res["by"]["news / mt"]["tp"] == 1 and res["by"]["news / reference"]["fp"] == 1


def test_per_rule_flagged_segments_as_the_scorers_count_them(tmp_path):
    # two findings of one rule in one positive segment, one in a negative one: 3 findings, 2 segments
    preds = write_jsonl(tmp_path / "p.jsonl", [{"path": "a", "findings": [
        F("A001", 0, 1), F("A001", 3, 4), F("A001", 12, 13)]}])
    labels = write_jsonl(tmp_path / "l.jsonl", [{"id": "a", "segments": [
        {"start": 0, "end": 10, "positive": True}, {"start": 11, "end": 20, "positive": False}]}])
    r = evaluate(load_labels(labels), load_predictions(preds))["rules"]["A001"]
    assert (r["tp"], r["fp"]) == (2, 1)
    assert r["units_flagged"] == {"segments": {"flagged": 2, "tp": 1, "precision": 0.5}}
