"""Output formats: SARIF (schema-validated), JUnit XML, CSV, Parquet, text; determinism;
``qa.load_results`` round trips."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from typer.testing import CliRunner

import qa
from qa.cli import app
from qa.config import Settings, select_rules
from qa.docs import rule_markdown
from qa.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
ALL_FORMATS = "text,jsonl,sarif,junit,csv,parquet"
FILES = ["qa.txt", "qa.jsonl", "qa.sarif", "qa-junit.xml", "qa.csv", "qa.parquet"]
runner = CliRunner()

# Two doubled marks (PUN001, warning) and a no-break space (WS001, info); an astral emoji and
# CRLF line ends make code-point columns and offsets differ from UTF-16 or byte counts.
CRAFTED = "😀 They left in July and September, respectively. .\r\n\r\nThe deal is off, , he said.\r\n\r\nThe\u00a0weather was fine.\r\n"


def invoke(*args: str, cwd: Path | None = None):
    old = os.getcwd()
    try:
        os.chdir(cwd or ROOT)
        return runner.invoke(app, list(args))
    finally:
        os.chdir(old)


def validate_sarif(log: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)


@pytest.fixture(scope="module")
def sample_outputs(tmp_path_factory) -> tuple[Path, Path]:
    """Every format written twice for samples/, into two folders."""
    dirs = []
    for name in ("a", "b"):
        out = tmp_path_factory.mktemp(name)
        res = invoke("check", "samples/", "--isolated", "--format", ALL_FORMATS, "--output-dir", str(out),
                     "--fail-on", "never", "-q")
        assert res.exit_code == 0, res.output
        dirs.append(out)
    return dirs[0], dirs[1]


@pytest.fixture(scope="module")
def sample_objs(sample_outputs) -> list[dict]:
    text = (sample_outputs[0] / "qa.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def crafted(tmp_path) -> Path:
    p = tmp_path / "doc.txt"
    p.write_bytes(CRAFTED.encode("utf-8"))
    return p


# --------------------------------------------------------------------------- all formats
def test_output_dir_writes_every_format_byte_identically(sample_outputs):
    a, b = sample_outputs
    assert sorted(os.listdir(a)) == sorted(FILES)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_samples_produce_findings_to_compare(sample_objs):
    assert len(sample_objs) >= 2
    assert sum(len(o["findings"]) for o in sample_objs) >= 5


def test_single_format_to_file_and_stdout_match_output_dir(sample_outputs, tmp_path):
    res = invoke("check", "samples/", "--isolated", "--format", "sarif", "--fail-on", "never", "-q")
    assert res.exit_code == 0
    assert res.stdout.encode("utf-8") == (sample_outputs[0] / "qa.sarif").read_bytes()
    res = invoke("check", "samples/", "--isolated", "--format", "parquet", "-o", str(tmp_path / "x.parquet"),
                 "--fail-on", "never", "-q")
    assert res.exit_code == 0 and res.stdout == ""
    assert (tmp_path / "x.parquet").read_bytes() == (sample_outputs[0] / "qa.parquet").read_bytes()


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "sarif,junit"), "need --output-dir"),
    (("--format", "parquet"), "binary format"),
    (("--format", "parquet", "-o", "-"), "binary format"),
    (("--format", "jsonl", "-o", "x.jsonl", "--output-dir", "out"), "not both"),
    (("--format", "sarf"), "did you mean 'sarif'"),
])
def test_format_usage_errors_exit_2(args, message, tmp_path):
    res = invoke("check", "samples/", "--isolated", *args, cwd=tmp_path if "-o" in args else None)
    assert res.exit_code == 2
    assert message in res.stderr
    assert not (tmp_path / "x.jsonl").exists() and not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- SARIF
def test_sarif_on_samples_validates_and_matches_jsonl(sample_outputs, sample_objs):
    log = json.loads((sample_outputs[0] / "qa.sarif").read_text(encoding="utf-8"))
    validate_sarif(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    registry = {r.code: r for r in all_rules()}
    ran = {r.code for r in select_rules(all_rules(), Settings())}  # the duplicate rules run only when named
    assert [r["id"] for r in rules] == sorted(ran)
    for d in rules:
        r = registry[d["id"]]
        assert d["name"] == r.name and d["shortDescription"]["text"] == r.summary
        assert d["help"]["markdown"] == rule_markdown(r)
        assert d["fullDescription"]["text"]
        assert d["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning", "info": "note"}[str(r.severity)]
    findings = [(o["path"], f) for o in sample_objs for f in o["findings"]]
    assert len(run["results"]) == len(findings)
    for res, (path, f) in zip(run["results"], findings):
        assert res["ruleId"] == f["rule"] and rules[res["ruleIndex"]]["id"] == f["rule"]
        assert res["message"]["text"] == f["message"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == path
        if "segment" in f:  # a bilingual file: offsets are into its targets, the segment names the place
            assert res["properties"]["segment"] == f["segment"] and "region" not in loc
            assert res["locations"][0]["logicalLocations"][-1]["name"] == f["segment"]
            continue
        reg = loc["region"]
        assert (reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"]) == (
            f["line"], f["column"], f["end_line"], f["end_column"])
        assert (reg["charOffset"], reg["charLength"]) == (f["start"], f["end"] - f["start"])
        assert len(res["partialFingerprints"]["qaFingerprint/v2"]) == 32
        assert "baselineState" not in res


def test_sarif_regions_are_code_points_and_fixes_are_replacements(crafted):
    res = invoke("check", str(crafted), "--isolated", "--select", "PUN001,WS001", "--format", "sarif", "--fail-on", "never")
    assert res.exit_code == 0
    log = json.loads(res.stdout)
    validate_sarif(log)
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["PUN001", "PUN001", "WS001"]
    first = results[0]
    reg = first["locations"][0]["physicalLocation"]["region"]
    # "😀 They left ... respectively" is 48 code points; ". ." follows.
    assert CRAFTED[47:50] == ". ."
    assert reg == {"startLine": 1, "startColumn": 48, "endLine": 1, "endColumn": 51,
                   "charOffset": 47, "charLength": 3, "snippet": {"text": ". ."}}
    assert first["level"] == "warning"
    assert first["fixes"][0]["artifactChanges"][0]["replacements"] == [
        {"deletedRegion": {"charOffset": 48, "charLength": 2}, "insertedContent": {"text": ""}}]
    second = results[1]["locations"][0]["physicalLocation"]["region"]
    assert (second["startLine"], second["startColumn"], second["charOffset"]) == (3, 16, CRAFTED.index(", ,"))
    ws = results[2]
    assert ws["level"] == "note"
    assert ws["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert ws["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == " "
    # the rule list is the selected rules only
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["PUN001", "WS001"]


def test_sarif_records_and_unreadable_inputs(tmp_path):
    (tmp_path / "docs.jsonl").write_text(
        json.dumps({"id": "rec-1", "text": "It ended there. ."}) + "\n"
        + json.dumps({"id": "rec-2", "text": "All fine here."}) + "\n", encoding="utf-8")
    os.symlink(tmp_path / "missing.txt", tmp_path / "broken.txt")  # listed, but cannot be read
    res = invoke("check", ".", "--isolated", "--select", "PUN001", "--format", "sarif", "-o", "out.sarif", cwd=tmp_path)
    assert res.exit_code == 2  # an unreadable input
    log = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    validate_sarif(log)
    run = log["runs"][0]
    (only,) = run["results"]
    loc = only["locations"][0]
    assert loc["physicalLocation"] == {"artifactLocation": {"uri": "docs.jsonl", "uriBaseId": "%SRCROOT%"}}
    assert loc["logicalLocations"] == [{"name": "rec-1", "kind": "object"}]
    assert only["properties"]["recordId"] == "rec-1" and only["properties"]["start"] == 14
    assert "fixes" not in only
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"].startswith("./broken.txt: ")
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.txt"


def test_sarif_uri_escaping():
    from qa.report.sarif import artifact_uri

    assert artifact_uri("./corpus/my file#1.txt") == "corpus/my%20file%231.txt"
    assert artifact_uri("/data/x.txt") == "file:///data/x.txt"


# --------------------------------------------------------------------------- JUnit
def test_junit_on_samples(sample_outputs, sample_objs):
    root = ET.parse(sample_outputs[0] / "qa-junit.xml").getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [o["path"] for o in sample_objs]
    total = 0
    for suite, obj in zip(suites, sample_objs):
        cases = suite.findall("testcase")
        n = len(obj["findings"])
        assert int(suite.get("failures")) == n == len([c for c in cases if c.find("failure") is not None])
        assert int(suite.get("tests")) == len(cases) == max(n, 1)
        for case, f in zip(cases, obj["findings"]):
            seg = f"[segment {f['segment']}] " if "segment" in f else ""  # a bilingual file
            assert case.get("name") == f"{seg}{f['rule']} {f['name']} at {f['line']}:{f['column']}"
            assert case.get("classname") == obj["path"] and case.get("line") == str(f["line"])
            fail = case.find("failure")
            assert fail.get("type") == f["severity"]
            assert fail.text.startswith(f"{obj['path']}:{f['line']}:{f['column']}: {f['rule']} [{f['severity']}] ")
        total += n
    assert int(root.get("failures")) == total and root.get("errors") == "0"


def test_junit_clean_file_passes_and_unreadable_is_an_error(tmp_path):
    (tmp_path / "clean.txt").write_text("All is well here.\n", encoding="utf-8")
    os.symlink(tmp_path / "missing.txt", tmp_path / "broken.txt")  # listed, but cannot be read
    (tmp_path / "bad.txt").write_text("The deal is off, , he said.\n", encoding="utf-8")
    res = invoke("check", ".", "--isolated", "--select", "PUN001", "--format", "junit", "-o", "-", cwd=tmp_path)
    assert res.exit_code == 2
    root = ET.fromstring(res.stdout.encode("utf-8"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    by_name = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(by_name) == ["./bad.txt", "./broken.txt", "./clean.txt"]
    (ok,) = by_name["./clean.txt"].findall("testcase")
    assert ok.get("name") == "no findings" and list(ok) == []
    (err_case,) = by_name["./broken.txt"].findall("testcase")
    err = err_case.find("error")
    assert err_case.get("name") == "read" and err.get("type") == "input-error" and err.get("message")
    assert err.text.startswith("./broken.txt: ")
    (bad_case,) = by_name["./bad.txt"].findall("testcase")
    assert bad_case.get("name") == "PUN001 doubled-punctuation at 1:16"


def test_junit_escapes_characters_xml_cannot_hold():
    from qa.model import FileResult, Finding, Severity
    from qa.readers import make_document
    from qa.report.junit import render, xml_safe

    assert xml_safe("a\x01b\ud800c\ttab") == "a\\u0001b\\ud800c\ttab"
    doc = make_document("x\x0by <&> z", path="f.txt", doc_id="f.txt")
    f = Finding("WS001", "odd-space-in-prose", "whitespace", Severity.INFO, 1, 2, "odd \x01 mark <here>")
    data = render([FileResult("f.txt", "f.txt", doc, [f])])
    root = ET.fromstring(data)  # parses: no raw control characters
    fail = root.find("testsuite/testcase/failure")
    assert fail.get("message") == "odd \\u0001 mark <here>"
    assert "f.txt:1:2: WS001 [info] odd \\u0001 mark <here>\ntext: '\\x0b'" == fail.text


# --------------------------------------------------------------------------- CSV / Parquet / load_results
FINDING_COLUMNS = ["path", "id", "rule", "name", "category", "severity", "start", "end", "line", "column",
                   "end_line", "end_column", "text", "message", "suggestion", "confidence", "fix"]


def test_csv_one_row_per_finding(sample_outputs, sample_objs):
    rows = list(csv.DictReader(io.StringIO((sample_outputs[0] / "qa.csv").read_text(encoding="utf-8"))))
    findings = [(o, f) for o in sample_objs for f in o["findings"]]
    assert len(rows) == len(findings)
    assert list(rows[0]) == FINDING_COLUMNS
    for row, (o, f) in zip(rows, findings):
        assert (row["path"], row["id"], row["rule"], row["severity"]) == (o["path"], o["id"], f["rule"], f["severity"])
        assert (int(row["start"]), int(row["end"]), int(row["line"]), int(row["column"])) == (
            f["start"], f["end"], f["line"], f["column"])
        assert row["text"] == f["text"] and row["message"] == f["message"]
        assert row["suggestion"] == (f["suggestion"] or "")
        assert row["fix"] == (f["fix"]["applicability"] if f["fix"] else "")


def test_parquet_round_trip_equals_jsonl(sample_outputs):
    from_parquet = qa.load_results(sample_outputs[0] / "qa.parquet")
    from_jsonl = qa.load_results(sample_outputs[0] / "qa.jsonl")
    assert list(from_parquet.columns) == FINDING_COLUMNS
    assert len(from_parquet) > 0
    pd.testing.assert_frame_equal(from_parquet, from_jsonl)
    # plain pandas reads it too, with the same values
    plain = pd.read_parquet(sample_outputs[0] / "qa.parquet")
    assert plain["rule"].tolist() == from_jsonl["rule"].tolist()
    assert plain["start"].dtype == "int64" and plain["confidence"].dtype == "float64"


def test_documents_tables(tmp_path, sample_objs):
    res = invoke("check", "samples/", "--isolated", "--format", "parquet,csv", "--documents",
                 "--output-dir", str(tmp_path), "--fail-on", "never", "-q")
    assert res.exit_code == 0
    assert sorted(os.listdir(tmp_path)) == ["qa-documents.csv", "qa-documents.parquet"]
    docs = qa.load_results(tmp_path / "qa-documents.parquet", documents=True)
    assert docs["path"].tolist() == [o["path"] for o in sample_objs]
    assert docs["findings"].tolist() == [len(o["findings"]) for o in sample_objs]
    assert docs["score"].tolist() == [o["score"] for o in sample_objs]
    for cat in ("punctuation", "whitespace", "encoding"):
        assert docs[f"cat_{cat}"].tolist() == [sum(f["category"] == cat for f in o["findings"]) for o in sample_objs]
    assert (docs["error_findings"] + docs["warning_findings"] + docs["info_findings"]).tolist() == docs["findings"].tolist()
    from_csv = pd.read_csv(tmp_path / "qa-documents.csv")
    assert from_csv["verdict"].tolist() == docs["verdict"].tolist()
    with pytest.raises(ValueError, match="documents table"):
        qa.load_results(tmp_path / "qa-documents.parquet")


def test_documents_from_jsonl_equal_documents_parquet(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The deal is off, , he said.\n", encoding="utf-8")
    os.symlink(tmp_path / "missing.txt", tmp_path / "in" / "b.txt")
    invoke("check", "in", "--isolated", "--format", "parquet,jsonl", "--documents", "--output-dir", "out", "-q", cwd=tmp_path)
    a = qa.load_results(tmp_path / "out" / "qa-documents.parquet", documents=True)
    b = qa.load_results(tmp_path / "out" / "qa.jsonl", documents=True)
    pd.testing.assert_frame_equal(a, b)
    assert a["error"].isna().tolist() == [True, False]
    assert a.loc[1, "verdict"] == "fail" and a.loc[1, "findings"] == 0


def test_load_results_on_empty_and_wrong_files(tmp_path):
    (tmp_path / "clean.txt").write_text("All is well here.\n", encoding="utf-8")
    invoke("check", "clean.txt", "--isolated", "--format", "parquet,jsonl", "--output-dir", "out", "-q", cwd=tmp_path)
    empty = qa.load_results(tmp_path / "out" / "qa.parquet")
    assert list(empty.columns) == FINDING_COLUMNS and len(empty) == 0
    pd.testing.assert_frame_equal(empty, qa.load_results(tmp_path / "out" / "qa.jsonl"))
    with pytest.raises(ValueError, match=r"\.jsonl or \.parquet"):
        qa.load_results(tmp_path / "clean.txt")
    (tmp_path / "other.jsonl").write_text('{"a": 1}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not a qa result"):
        qa.load_results(tmp_path / "other.jsonl")


# --------------------------------------------------------------------------- text
def test_text_on_samples_one_line_per_finding(sample_outputs, sample_objs):
    lines = (sample_outputs[0] / "qa.txt").read_text(encoding="utf-8").splitlines()
    expected = [f"{o['path']}:{f['line']}:{f['column']}: {f['rule']}" for o in sample_objs for f in o["findings"]]
    assert [line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in lines] == expected


def test_text_statistics_counts_per_rule(crafted):
    res = invoke("check", str(crafted), "--isolated", "--select", "PUN001,WS001", "--statistics", "--fail-on", "never")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0] == f"{crafted}:1:48: PUN001 [*] Doubled punctuation '. .': a stray '.' follows the '.'"
    assert lines[-2:] == ["      2  PUN001   [*] doubled-punctuation", "      1  WS001    [*] odd-space-in-prose"]


def test_text_to_terminal_with_output_dir(crafted, tmp_path):
    res = invoke("check", str(crafted), "--isolated", "--select", "PUN001", "--format", "sarif",
                 "--output-dir", str(tmp_path / "out"), "--fail-on", "never")
    assert res.exit_code == 0
    assert res.stdout.count("PUN001") == 2  # the findings still show on the terminal
    assert (tmp_path / "out" / "qa.sarif").is_file()


def test_every_format_survives_lone_surrogates(tmp_path):
    """A JSON Lines record can carry a lone surrogate ("\\ud800"); no format may crash on it."""
    from qa.model import FileResult, Finding, Severity
    from qa.readers import make_document
    from qa.report.formats import FORMATS, render
    from qa.report.tables import render_parquet

    doc = make_document("bad \ud800 here.", path="r.jsonl", doc_id="r1")
    f = Finding("WS001", "odd-space-in-prose", "whitespace", Severity.INFO, 4, 5, "odd \ud800")
    results = [FileResult("r.jsonl", "r1", doc, [f])]
    for fmt in FORMATS:
        data = render(fmt, results, rules=[r for r in all_rules() if r.code == "WS001"])
        assert data, fmt
    log = json.loads(render("sarif", results).decode("ascii"))
    assert log["runs"][0]["results"][0]["message"]["text"] == "odd \ud800"
    (tmp_path / "x.parquet").write_bytes(render_parquet(results))
    assert qa.load_results(tmp_path / "x.parquet")["text"].tolist() == ["\ufffd"]


def test_findings_rendered_in_a_worker_give_the_same_json_line():
    """Workers render each finding's JSON (``FileResult.rendered``); the parent joins the texts,
    adds the corpus rule's findings it renders itself, and the line is what json.dumps gives."""
    import pickle
    from dataclasses import replace

    from qa.api import check_text
    from qa.model import Finding, Severity
    from qa.report.jsonl import dumps, finding_json, result_dict

    text = (Path(__file__).resolve().parent.parent / "samples" / "003_6687bd05b09e0dcc.txt").read_text(encoding="utf-8")
    res = check_text(text)
    assert len(res.findings) >= 3
    plain = json.dumps(result_dict(res), ensure_ascii=False)
    assert dumps(res) == plain
    res.rendered = (res.findings, [finding_json(f, res.doc) for f in res.findings])
    back = pickle.loads(pickle.dumps(res))  # as it crosses from a worker
    back.doc = res.doc
    assert back.rendered[0] is back.findings  # one list: nothing pickled twice
    assert dumps(back) == plain
    # the parent adds a corpus finding and re-sorts: only that one is rendered there
    extra = Finding("DUP001", "repeated-template-line", "duplicate", Severity.WARNING, 0, 5, "Line repeated")
    back.findings = sorted([*back.findings, extra], key=lambda f: f.sort_key)
    want = replace(back, rendered=None)
    assert dumps(back) == json.dumps(result_dict(want), ensure_ascii=False)
    assert '"rule": "DUP001"' in dumps(back)


def test_finding_json_is_what_json_dumps_writes():
    """``finding_json`` writes a finding's JSON directly; it must equal json.dumps of the
    finding's dict byte for byte, for every rule's findings and for unusual values."""
    import math
    from dataclasses import replace

    from qa.api import check_text
    from qa.model import Applicability, Edit, Finding, Fix, Severity
    from qa.report.jsonl import finding_dict, finding_json

    def same(f, doc):
        assert finding_json(f, doc) == json.dumps(finding_dict(f, doc), ensure_ascii=False)

    n = 0
    texts = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))]
    texts += [ex.text for r in all_rules() for ex in r.examples if ex.kind == "bad"]
    for text in texts:
        res = check_text(text)
        for f in res.findings:
            same(f, res.doc)
            same(f, None)
            n += 1
    assert n > 300
    res = check_text("Caf\u00e9 \"quoted\"\tcontrol \x01 line\r\nnext \\ line\n\u2028 end.")
    fix = Fix((Edit(0, 4, "\"\\\x7f\u00e9"), Edit(5, 5)), Applicability.UNSAFE, "T\u00eftle \"x\"")
    for conf in (1.0, 0.1 + 0.2, 1e-20, 1, math.nan, math.inf, True):
        for sug in (None, "", "s\u00fcg \"x\"\n"):
            for start, end in ((0, 4), (10, 30), (len(res.doc.text), len(res.doc.text))):
                f = Finding("X\u00e9", "n\"ame", "cat\n", Severity.ERROR, start, end, "msg \u2028 \x00 \ud800",
                            sug, fix if sug else None, conf)
                same(f, res.doc)
                same(f, None)
    # what is written once and kept (a rule's leading keys, a kind of fix's opening) must not leak
    # from one finding to another: same rule and fix title, other values; bilingual segment keys
    for conf in (None, -math.inf, 0.5, 2):
        for sev in (Severity.INFO, "warning"):
            for edits in ((Edit(1, 2, "a"),), (Edit(0, 0, ""), Edit(3, 4, "\u00e9\"")), ()):
                f = Finding("X\u00e9", "n\"ame", "cat\n", sev, 1, 3, "m", None,
                            Fix(edits, Applicability.UNSAFE, "T\u00eftle \"x\""), conf)
                same(f, res.doc)
                f = replace(f, fix=Fix(edits, Applicability.SAFE, "T\u00eftle \"x\""), segment="s\u00e9g",
                            source_start=None if conf is None else 2, source_end=5)
                same(f, res.doc)


def test_findings_json_equals_finding_json_one_by_one():
    """``findings_json`` (one loop over a document's findings, as ``dumps`` writes them) gives the
    texts ``finding_json`` gives for each: on every rule's findings of the samples and examples,
    and on findings whose values change between two of the same rule (name, severity, fix kind),
    spans over several lines, reversed and out of range, and unusual values."""
    import math

    from qa.api import check_text
    from qa.model import Applicability, Edit, Finding, Fix, Severity
    from qa.report.jsonl import finding_json, findings_json

    def same(fs, doc):
        assert findings_json(fs, doc) == [finding_json(f, doc) for f in fs]

    texts = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))]
    texts += [ex.text for r in all_rules() for ex in r.examples if ex.kind == "bad"]
    n = 0
    for text in texts:
        res = check_text(text)
        same(res.findings, res.doc)
        same(res.findings, None)
        n += len(res.findings)
    assert n > 300
    res = check_text("First line here.\nSecond line\r\nthird \u00e9 line\rlast line")
    doc = res.doc
    size = len(doc.text)
    fixes = [None, Fix((Edit(0, 4, ""),)), Fix((Edit(0, 4, "\"\\\u00e9"),), Applicability.UNSAFE, "T\u00eftle"),
             Fix((Edit(0, 0, ""), Edit(3, 4, "x")), Applicability.SAFE, "two"), Fix((), Applicability.SAFE, ""),
             Fix((Edit(1.5, 2, ""),)), Fix((Edit(1, 2, 3),))]
    fs = []
    for i, (start, end) in enumerate([(0, 4), (5, 30), (17, 17), (20, 3), (size, size), (-2, 5), (3, size + 9),
                                      (size - 1, size)]):
        for name, sev in (("name", Severity.WARNING), ("other-name", Severity.WARNING), ("name", "error"),
                          ("name", Severity.INFO)):
            fix = fixes[i % len(fixes)]
            conf = (1.0, None, 0.25, math.nan, 1, True)[i % 6]
            fs.append(Finding("XY001", name, "cat", sev, start, end, f"msg {i}", None if i % 2 else "s\u00fcg",
                              fix, conf))
    fs.append(Finding("XY002", "n", "cat", Severity.ERROR, 1, 2, "seg", segment="s1", source_start=0, source_end=None))
    same(fs, doc)
    same(fs, None)
