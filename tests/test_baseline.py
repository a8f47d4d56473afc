"""Baselines: content-keyed fingerprints, `qa baseline`, `qa check --baseline`, stale entries and
review decisions exported from the HTML page."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa import check_text
from qa.baseline import (Baseline, BaselineError, apply_baseline, build_baseline, fingerprint, load_baseline,
                         parse_baseline, result_fingerprints)
from qa.cli import app
from qa.config import Settings
from qa.report.jsonl import finding_dict

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "000_6ee191c9a62c81e0.txt"
runner = CliRunner()


def invoke(*args: str, cwd: Path | None = None):
    old = os.getcwd()
    try:
        os.chdir(cwd or ROOT)
        return runner.invoke(app, list(args))
    finally:
        os.chdir(old)


def fps(text: str, doc_id: str = "d.txt", select=("PUN001",)) -> list[str]:
    r = check_text(text, Settings(select=select), doc_id=doc_id, path=doc_id)
    return result_fingerprints(r)


# --------------------------------------------------------------------------- fingerprints
BASE = ("Intro words here. The committee met in July and September, respectively. . Then it rested "
        "for a long while before anything else happened at all.")


def test_fingerprint_ignores_offsets_and_far_edits():
    (fp,) = fps(BASE)
    assert len(fp) == 32
    assert fps("A new first paragraph.\n\n" + BASE) == [fp]  # shifted lines and offsets
    assert fps(BASE.replace("Intro words here.", "Completely different opening text.")) == [fp]  # 5+ words away
    assert fps(BASE.replace("happened at all.", "happened.")) == [fp]
    assert fps(BASE.replace("July and", "July  and")) == [fp]  # white space between context words


def test_fingerprint_changes_with_rule_text_or_context_in_its_sentence():
    (fp,) = fps(BASE)
    assert fps(BASE.replace("respectively. .", "respectively, ,")) != [fp]  # matched text
    assert fps(BASE.replace("September", "October")) != [fp]  # a word right before it
    assert fps(BASE, select=("PUN001", "WS001")) == [fp]  # other rules do not matter


def test_fingerprint_holds_nothing_outside_the_findings_sentence():
    """The words of the next sentence (or of any other) are not part of a finding's key, nor is
    its document: that is matched separately (``document_key``)."""
    (fp,) = fps(BASE)
    assert fps(BASE.replace("Then it rested", "Then it slept")) == [fp]  # the next sentence
    assert fps(BASE.replace("Intro words here.", "Intro.")) == [fp]
    assert fps(BASE, doc_id="other.txt") == [fp]
    a = check_text(BASE, Settings(select=("PUN001",)), doc_id="d.txt", path="d.txt")
    b = check_text(BASE, Settings(select=("PUN001",)), doc_id="d.txt", path="sub/d.txt")
    from qa.baseline import document_key

    assert document_key(a) != document_key(b) and document_key(a)[0].endswith(os.sep + "d.txt")
    kept, outcome = apply_baseline([b], build_baseline([a]))
    assert len(kept[0].findings) == 1 and outcome.new == 1 and outcome.suppressed == 0


def test_html_page_keys_are_baseline_fingerprints():
    from qa.report.html import fingerprint_key

    r = check_text(BASE, select=["PUN001"], doc_id="d.txt")
    fd = finding_dict(r.findings[0], r.doc)
    assert fingerprint_key(r, fd) == fingerprint(r, fd) == result_fingerprints(r)[0]


def test_identical_findings_are_counted():
    s = "one two three four five, , six seven eight nine."
    three = check_text("\n\n".join([s] * 3), select=["PUN001"], doc_id="d.txt")
    assert len(set(result_fingerprints(three))) == 1 and len(three.findings) == 3
    bl = build_baseline([three])
    (entry,) = bl.entries.values()
    assert entry.count == 3 and entry.text == ", ," and entry.rule == "PUN001"
    four = check_text("\n\n".join([s] * 4), select=["PUN001"], doc_id="d.txt")
    kept, outcome = apply_baseline([four], bl)
    assert len(kept[0].findings) == 1 and outcome.suppressed == 3 and outcome.new == 1 and not outcome.stale
    two = check_text("\n\n".join([s] * 2), select=["PUN001"], doc_id="d.txt")
    kept, outcome = apply_baseline([two], bl)
    assert kept[0].findings == [] and [e.count for e in outcome.stale] == [1]


def test_baseline_rescores_documents_on_new_findings():
    r = check_text(BASE, select=["PUN001"], doc_id="d.txt")
    assert r.verdict == "warn" and r.score < 100
    (kept,), _ = apply_baseline([r], build_baseline([r]))
    assert kept.findings == [] and kept.score == 100.0 and kept.verdict == "pass"


# --------------------------------------------------------------------------- the CLI on samples/
def test_baseline_on_samples_makes_check_pass(tmp_path):
    bl = tmp_path / "qa-baseline.json"
    res = invoke("baseline", "samples/", "--isolated", "-o", str(bl))
    assert res.exit_code == 0, res.output
    data = json.loads(bl.read_text(encoding="utf-8"))
    assert data["version"] == 2 and data["entries"]
    # documents are named by their path relative to the baseline file's folder
    assert {os.path.normpath(bl.parent / e["path"]) for e in data["entries"]} >= {
        os.path.normpath(ROOT / "samples" / n) for n in (SAMPLE, "003_6687bd05b09e0dcc.txt")}
    # every entry names a file of samples/ (the bilingual sample files too), by a path from bl's folder
    assert all(os.path.isfile(bl.parent / e["path"]) and
               os.path.normpath(bl.parent / e["path"]).startswith(os.path.normpath(ROOT / "samples"))
               for e in data["entries"])
    n = sum(e["count"] for e in data["entries"])
    assert f"qa baseline: {n} finding(s)" in res.stderr
    assert invoke("check", "samples/", "--isolated", "--fail-on", "info", "-q").exit_code == 1
    res = invoke("check", "samples/", "--isolated", "--fail-on", "info", "--baseline", str(bl))
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    assert f"baseline: 0 new finding(s), {n} in the baseline" in res.stderr
    # deterministic: a second baseline is byte-identical
    invoke("baseline", "samples/", "--isolated", "-o", str(tmp_path / "again.json"))
    assert (tmp_path / "again.json").read_bytes() == bl.read_bytes()


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A copy of samples/ with its baseline."""
    c = tmp_path / "corpus"
    shutil.copytree(ROOT / "samples", c)
    assert invoke("baseline", "corpus", "--isolated", "-o", "qa-baseline.json", cwd=tmp_path).exit_code == 0
    return c


def test_new_defect_after_shifting_every_line_is_the_only_finding(corpus):
    p = corpus / SAMPLE
    text = p.read_text(encoding="utf-8")
    assert text.count("the spyware attack, which") == 1
    text = text.replace("the spyware attack, which", "the spyware attack, , which")
    p.write_text("This paragraph was added at the top of the file to move every line down.\n\n" + text,
                 encoding="utf-8")
    res = invoke("check", "corpus", "--isolated", "--baseline", "qa-baseline.json", "--format", "jsonl",
                 "--fail-on", "warning", cwd=corpus.parent)
    assert res.exit_code == 1
    findings = [(o["id"], f) for line in res.stdout.splitlines() for o in [json.loads(line)] for f in o["findings"]]
    assert len(findings) == 1, findings
    doc_id, f = findings[0]
    assert (doc_id, f["rule"], f["text"]) == (SAMPLE, "PUN001", ", ,")
    new_text = p.read_text(encoding="utf-8")
    assert new_text[f["start"]:f["end"]] == ", ," and f["line"] == 9  # line 7 before the two added lines
    assert "qa: failed: 1 finding(s) at or above --fail-on warning" in res.stderr


def test_fixed_finding_is_reported_as_stale(corpus):
    p = corpus / SAMPLE
    text = p.read_text(encoding="utf-8")
    assert "respectively. ." in text
    p.write_text(text.replace("respectively. .", "respectively."), encoding="utf-8")
    res = invoke("check", "corpus", "--isolated", "--select", "PUN001", "--baseline", "qa-baseline.json",
                 "--fail-on", "info", cwd=corpus.parent)
    assert res.exit_code == 0
    assert "1 stale baseline entry" in res.stderr
    assert f"stale: corpus/{SAMPLE}: PUN001 '. .'" in res.stderr
    # checking only the other file does not call this file's entries stale
    res = invoke("check", "corpus/003_6687bd05b09e0dcc.txt", "--isolated", "--baseline", "qa-baseline.json",
                 "--fail-on", "info", cwd=corpus.parent)
    assert res.exit_code == 0 and "stale" not in res.stderr
    # nor does a run without the rule
    res = invoke("check", "corpus", "--isolated", "--select", "WS001", "--baseline", "qa-baseline.json",
                 "--fail-on", "info", cwd=corpus.parent)
    assert res.exit_code == 0 and "stale" not in res.stderr


def test_sarif_marks_reported_results_new(corpus):
    p = corpus / SAMPLE
    p.write_text(p.read_text(encoding="utf-8").replace("the spyware attack, which", "the spyware attack, , which"),
                 encoding="utf-8")
    res = invoke("check", "corpus", "--isolated", "--baseline", "qa-baseline.json", "--format", "sarif",
                 "--fail-on", "never", cwd=corpus.parent)
    (only,) = json.loads(res.stdout)["runs"][0]["results"]
    assert only["ruleId"] == "PUN001" and only["baselineState"] == "new"
    bl = json.loads((corpus.parent / "qa-baseline.json").read_text(encoding="utf-8"))
    assert only["partialFingerprints"]["qaFingerprint/v2"] not in {e["fingerprint"] for e in bl["entries"]}


# --------------------------------------------------------------------------- review decisions
def _page_keys(path: Path) -> list[str]:
    import re

    return re.findall(r'data-key="([0-9a-f]+)"', path.read_text(encoding="utf-8"))


def test_dismissed_decisions_from_the_html_page_suppress_findings(tmp_path):
    doc = tmp_path / "d.txt"
    doc.write_text("They left in July and September, respectively. .\n\nThe deal is off, , he said.\n", encoding="utf-8")
    res = invoke("check", "d.txt", "--isolated", "--select", "PUN001", "--html", "html", "-q", cwd=tmp_path)
    keys = _page_keys(tmp_path / "html" / "d.txt.html")
    assert len(keys) == 2
    # what the page's "Export decisions" button writes
    decisions = {"version": 2, "decisions": [{"fingerprint": keys[0], "decision": "dismiss"},
                                             {"fingerprint": keys[1], "decision": "accept"}]}
    (tmp_path / "qa-decisions.json").write_text(json.dumps(decisions, indent=2), encoding="utf-8")
    res = invoke("check", "d.txt", "--isolated", "--select", "PUN001", "--baseline", "qa-decisions.json",
                 "--format", "jsonl", "--fail-on", "warning", cwd=tmp_path)
    assert res.exit_code == 1
    (obj,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert [f["text"] for f in obj["findings"]] == [", ,"]  # dismissed gone, accepted kept
    assert "1 dismissed" in res.stderr
    # both dismissed: the gate passes
    decisions["decisions"][1]["decision"] = "dismiss"
    (tmp_path / "qa-decisions.json").write_text(json.dumps(decisions), encoding="utf-8")
    assert invoke("check", "d.txt", "--isolated", "--select", "PUN001", "--baseline", "qa-decisions.json",
                  "--fail-on", "warning", cwd=tmp_path).exit_code == 0


def test_baseline_and_decisions_files_combine_and_baseline_keeps_decisions(tmp_path):
    doc = tmp_path / "d.txt"
    doc.write_text("They left in July and September, respectively. .\n", encoding="utf-8")
    invoke("check", "d.txt", "--isolated", "--select", "PUN001", "--html", "html", "-q", cwd=tmp_path)
    (key,) = _page_keys(tmp_path / "html" / "d.txt.html")
    (tmp_path / "dec.json").write_text(json.dumps({"version": 2, "decisions": [{"fingerprint": key, "decision": "dismiss"}]}),
                                       encoding="utf-8")
    (tmp_path / "empty.json").write_text('{"version": 2, "entries": []}', encoding="utf-8")
    assert invoke("check", "d.txt", "--isolated", "--select", "PUN001", "--fail-on", "warning",
                  "--baseline", "empty.json", "--baseline", "dec.json", cwd=tmp_path).exit_code == 0
    # qa baseline into a file that holds decisions keeps them
    shutil.copy(tmp_path / "dec.json", tmp_path / "bl.json")
    res = invoke("baseline", "d.txt", "--isolated", "--select", "PUN001", "-o", "bl.json", cwd=tmp_path)
    assert res.exit_code == 0 and "1 review decision(s) kept" in res.stderr
    data = json.loads((tmp_path / "bl.json").read_text(encoding="utf-8"))
    assert data["decisions"] == [{"fingerprint": key, "decision": "dismiss"}]
    assert [e["fingerprint"] for e in data["entries"]] == [key]


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not valid JSON"),
    ("[]", "JSON object"),
    ('{"version": 3, "entries": []}', "unsupported baseline version 3"),
    ('{"version": 1}', "neither 'entries' nor 'decisions'"),
    ('{"version": 1, "decisions": [{"fingerprint": "ab", "decision": "ignore"}]}', "'dismiss' or 'accept'"),
    ('{"version": 1, "entries": [{"fingerprint": "ab", "count": 0}]}', "positive integer"),
])
def test_bad_baseline_files_exit_2(tmp_path, content, message):
    (tmp_path / "bl.json").write_text(content, encoding="utf-8")
    (tmp_path / "d.txt").write_text("Fine.\n", encoding="utf-8")
    res = invoke("check", "d.txt", "--isolated", "--baseline", "bl.json", cwd=tmp_path)
    assert res.exit_code == 2 and message in res.stderr


def test_missing_baseline_file_exits_2(tmp_path):
    res = invoke("check", "samples/", "--isolated", "--baseline", str(tmp_path / "nope.json"))
    assert res.exit_code == 2 and "cannot read baseline" in res.stderr


def test_parse_and_merge():
    a = parse_baseline({"version": 2, "entries": [{"fingerprint": "x", "rule": "PUN001", "path": "d.txt", "count": 2}]},
                       root="/corpus")
    b = parse_baseline({"version": 2, "entries": [{"fingerprint": "x", "path": "../corpus/d.txt", "count": 1}],
                        "decisions": [{"fingerprint": "y", "decision": "dismiss"}]}, root="/other")
    m = a.merge(b)
    assert m.entries[(os.path.normpath("/corpus/d.txt"), "", "x")].count == 2 and m.dismissed == frozenset({"y"})
    old = parse_baseline({"version": 1, "entries": [{"fingerprint": "x", "id": "d.txt", "count": 1}]})
    assert old.legacy["x"].id == "d.txt" and not old.entries
    assert isinstance(Baseline(), Baseline) and issubclass(BaselineError, ValueError)
    with pytest.raises(BaselineError):
        load_baseline([ROOT / "pyproject.toml"])


def test_jsonl_records_use_their_ids(tmp_path):
    line = {"id": "rec-7", "text": "They left in July and September, respectively. ."}
    (tmp_path / "a.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "other", "text": "x"}) + "\n" + json.dumps(line) + "\n",
                                      encoding="utf-8")
    invoke("baseline", "a.jsonl", "--isolated", "--select", "PUN001", "-o", "bl.json", cwd=tmp_path)
    (entry,) = json.loads((tmp_path / "bl.json").read_text(encoding="utf-8"))["entries"]
    assert entry["id"] == "rec-7"
    # the same record, moved to another line of another file, is still known
    res = invoke("check", "b.jsonl", "--isolated", "--select", "PUN001", "--baseline", "bl.json",
                 "--fail-on", "warning", cwd=tmp_path)
    assert res.exit_code == 0, res.output


# --------------------------------------------------------------------------- documents by path, context by sentence
def test_baseline_names_documents_by_path_relative_to_its_folder_not_file_name(tmp_path):
    """`sub/doc.txt` is not silenced by the baseline entry of `doc.txt`."""
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "doc.txt").write_text(BASE, encoding="utf-8")
    assert invoke("baseline", "corpus", "--isolated", "--select", "PUN001", "-o", "qa-baseline.json",
                  cwd=tmp_path).exit_code == 0
    (entry,) = json.loads((tmp_path / "qa-baseline.json").read_text(encoding="utf-8"))["entries"]
    assert (entry["path"], entry["id"]) == ("corpus/doc.txt", "")
    # the slip is fixed in doc.txt and the same slip appears in sub/doc.txt
    (corpus / "doc.txt").write_text(BASE.replace("respectively. .", "respectively."), encoding="utf-8")
    (corpus / "sub" / "doc.txt").write_text(BASE, encoding="utf-8")
    res = invoke("check", "corpus", "--isolated", "--select", "PUN001", "--baseline", "qa-baseline.json",
                 "--format", "jsonl", "--fail-on", "warning", cwd=tmp_path)
    assert res.exit_code == 1
    found = [(o["path"], f["text"]) for o in map(json.loads, res.stdout.splitlines()) for f in o["findings"]]
    assert found == [("corpus/sub/doc.txt", ". .")]
    assert "baseline: 1 new finding(s), 0 in the baseline, 1 stale baseline entry" in res.stderr
    assert "stale: corpus/doc.txt: PUN001 '. .'" in res.stderr


def test_baseline_matches_from_any_folder_and_moves_with_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "doc.txt").write_text(BASE, encoding="utf-8")
    assert invoke("baseline", "sub", "--isolated", "--select", "PUN001", "-o", "qa-baseline.json",
                  cwd=corpus).exit_code == 0
    for cwd, args in ((corpus, ("sub", "--baseline", "qa-baseline.json")),
                      (tmp_path, ("corpus", "--baseline", "corpus/qa-baseline.json")),
                      (corpus / "sub", ("doc.txt", "--baseline", "../qa-baseline.json"))):
        res = invoke("check", *args, "--isolated", "--select", "PUN001", "--fail-on", "warning", cwd=cwd)
        assert res.exit_code == 0 and "0 new finding(s), 1 in the baseline" in res.stderr, (cwd, res.output)
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(corpus, moved)
    res = invoke("check", "sub", "--isolated", "--select", "PUN001", "--baseline", "qa-baseline.json",
                 "--fail-on", "warning", cwd=moved)
    assert res.exit_code == 0 and "0 new finding(s), 1 in the baseline" in res.stderr


def test_context_rule_finding_stays_matched_when_a_paragraph_is_added_at_the_top(corpus):
    """MT203's message names the first context word of the document; a paragraph added at the top
    changes that word (and so the message), not the finding's key."""
    p = corpus / SAMPLE
    args = ("check", "corpus", "--isolated", "--select", "MT203", "--format", "jsonl", "--fail-on", "never")
    (before,) = [f for o in map(json.loads, invoke(*args, cwd=corpus.parent).stdout.splitlines()) for f in o["findings"]]
    p.write_text("Readers forwarded the story to friends within an hour of its publication.\n\n"
                 + p.read_text(encoding="utf-8"), encoding="utf-8")
    (after,) = [f for o in map(json.loads, invoke(*args, cwd=corpus.parent).stdout.splitlines()) for f in o["findings"]]
    assert after["text"] == before["text"] == "shipments" and after["start"] > before["start"]
    assert after["message"] != before["message"] and "'forwarded'" in after["message"]
    res = invoke(*args, "--baseline", "qa-baseline.json", cwd=corpus.parent)
    assert res.exit_code == 0 and all(o["findings"] == [] for o in map(json.loads, res.stdout.splitlines()))
    assert "baseline: 0 new finding(s), 1 in the baseline" in res.stderr and "stale" not in res.stderr


def test_editing_the_next_sentence_keeps_a_finding_matched(tmp_path):
    (tmp_path / "d.txt").write_text(BASE, encoding="utf-8")
    invoke("baseline", "d.txt", "--isolated", "--select", "PUN001", "-o", "bl.json", cwd=tmp_path)
    (tmp_path / "d.txt").write_text(BASE.replace("Then it rested", "Afterwards it slept"), encoding="utf-8")
    res = invoke("check", "d.txt", "--isolated", "--select", "PUN001", "--baseline", "bl.json",
                 "--fail-on", "warning", cwd=tmp_path)
    assert res.exit_code == 0 and "0 new finding(s), 1 in the baseline" in res.stderr and "stale" not in res.stderr


def test_version_1_baseline_is_still_read_and_rewritten_as_version_2(tmp_path):
    """tests/data/baseline-v1 holds a baseline written by the version 1 format (documents by file
    name): one entry and one dismissed finding of d.txt."""
    for name in ("d.txt", "qa-baseline.json"):
        shutil.copy(ROOT / "tests" / "data" / "baseline-v1" / name, tmp_path / name)
    args = ("d.txt", "--isolated", "--select", "PUN001")
    res = invoke("check", *args, "--baseline", "qa-baseline.json", "--fail-on", "warning", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    assert "0 new finding(s), 1 in the baseline, 1 dismissed" in res.stderr
    assert "a version 1 file" in res.stderr and "rerun `qa baseline`" in res.stderr
    res = invoke("baseline", *args, "-o", "qa-baseline.json", cwd=tmp_path)
    assert res.exit_code == 0 and "1 review decision(s) kept" in res.stderr
    data = json.loads((tmp_path / "qa-baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 2 and data["fingerprint"] == "qa-fp-2"
    assert [(e["path"], e["text"]) for e in data["entries"]] == [("d.txt", ". ."), ("d.txt", ", ,")]
    (dec,) = data["decisions"]
    assert dec["decision"] == "dismiss" and dec["fingerprint"] == data["entries"][1]["fingerprint"]
    res = invoke("check", *args, "--baseline", "qa-baseline.json", "--fail-on", "warning", cwd=tmp_path)
    assert res.exit_code == 0 and "1 dismissed" in res.stderr and "version 1" not in res.stderr
