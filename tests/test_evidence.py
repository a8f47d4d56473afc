"""Measured confidence: rules/evidence.yaml gives findings their confidence, `qa rule` and the
HTML rule pages show the evidence, --min-confidence filters; the evidence script's helpers."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa import evidence
from qa.cli import app
from qa.config import ConfigError, Settings, from_mapping
from qa.api import check_text
from qa.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
SAMPLE = (ROOT / "samples" / "000_6ee191c9a62c81e0.txt").read_text(encoding="utf-8")


def _bench_module(name: str):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_evidence_file_covers_every_rule_and_is_consistent():
    data = evidence.load()
    assert data["version"] == 1 and data["about"]["folds"] >= 3
    rules = data["rules"]
    known = {r.code: r for r in all_rules()}
    # measured on the rule set it was made for (a rule added since is simply unmeasured: null)
    assert len(set(rules) & set(known)) >= 0.9 * len(known)
    for code, e in rules.items():
        if code in known:
            assert e["name"] == known[code].name and e["category"] == known[code].category
        n = e["tp"] + e["fp"]
        assert e["findings"] >= n
        if n:
            assert e["precision"] == round(e["tp"] / n, 4)
            lo, hi = e["interval"]
            assert lo <= e["precision"] <= hi
        # confidence: the measured precision, only with enough judged findings
        assert e["confidence"] == (e["precision"] if n >= evidence.MIN_JUDGED else None), code
        assert e["support"] <= e["tp"]


def test_findings_carry_their_rules_measured_confidence():
    res = check_text(SAMPLE)
    assert res.findings
    for f in res.findings:
        assert f.confidence == evidence.confidence(f.rule)
    measured = [f for f in res.findings if f.confidence is not None]
    unmeasured = [f for f in res.findings if f.confidence is None]
    assert measured and unmeasured  # the sample has both kinds


def test_score_weighs_findings_by_confidence():
    from dataclasses import replace

    from qa.scoring import score_result

    res = check_text("It ended there.She left the room. The rest is fine.", select=["PUN002"])
    assert [f.rule for f in res.findings] == ["PUN002"]
    scores = {}
    for conf in (1.0, 0.5, None):
        r = replace(res, findings=[replace(res.findings[0], confidence=conf)])
        score_result(r, Settings())
        scores[conf] = r.score
    # penalty 3 x confidence over max(5, sentences): 100 / (1 + 3c/5)
    assert scores[1.0] == 62.5 and scores[0.5] == 76.9 and scores[None] == scores[1.0]


def test_min_confidence_flag_and_config(tmp_path):
    all_f = check_text(SAMPLE).findings
    kept = check_text(SAMPLE, Settings(min_confidence=0.8)).findings
    assert kept and len(kept) < len(all_f)
    assert all(f.confidence is not None and f.confidence >= 0.8 for f in kept)
    assert {(f.rule, f.start) for f in kept} == {(f.rule, f.start) for f in all_f
                                                 if f.confidence is not None and f.confidence >= 0.8}
    (tmp_path / "s.txt").write_text(SAMPLE, encoding="utf-8")
    res = runner.invoke(app, ["check", str(tmp_path), "--isolated", "--min-confidence", "0.8", "--format", "jsonl",
                              "-o", "-", "--fail-on", "never", "-q", "--no-cache"])
    assert res.exit_code == 0, res.output
    fs = json.loads(res.stdout.splitlines()[0])["findings"]
    assert len(fs) == len(kept) and all(f["confidence"] >= 0.8 for f in fs)
    assert from_mapping({"min-confidence": 0.5}).min_confidence == 0.5
    with pytest.raises(ConfigError, match="min-confidence"):
        from_mapping({"min-confidence": 1.5})
    res = runner.invoke(app, ["check", str(tmp_path), "--isolated", "--min-confidence", "2"])
    assert res.exit_code == 2 and "min-confidence" in res.output


def test_rule_docs_show_evidence_or_say_there_is_none(tmp_path):
    rules = evidence.load()["rules"]
    measured = next(c for c, e in sorted(rules.items()) if e["confidence"] is not None)
    silent = next(c for c, e in sorted(rules.items()) if e["findings"] == 0)
    out = runner.invoke(app, ["rule", measured]).stdout
    e = rules[measured]
    assert "## Evidence" in out and f"{e['tp']} true / {e['fp']} false positives" in out
    assert f"Support: {e['support']} distinct source document(s)" in out
    assert f"Confidence of its findings: {e['confidence']:.3f}" in out
    out = runner.invoke(app, ["rule", silent]).stdout
    assert "No evidence: no finding of this rule could be judged" in out
    assert evidence.evidence_markdown("ZZ999")[2].startswith("No evidence: this rule has not been measured")
    assert evidence.confidence("ZZ999") is None
    # HTML rule pages carry the same
    from qa.registry import get_rule
    from qa.report.html import render_rule

    page = render_rule(get_rule(measured))
    assert "Evidence" in page and f"{e['tp']} true / {e['fp']} false positives" in page


def test_evidence_yaml_is_not_loaded_as_a_rule_pack():
    from qa.packs import load_packs

    codes = [r.code for r in load_packs([ROOT / "rules"])]
    assert codes and len(codes) == len(set(codes))


# --------------------------------------------------------------------------- the script's helpers
def test_fold_assignment_is_by_source_document_and_stable():
    ev = _bench_module("evidence")
    folds = {g: ev.fold_of(g, 5) for g in ("mt21:story-1", "mt21:story-2", "page:a.txt", "seed:x.txt")}
    assert folds == {g: ev.fold_of(g, 5) for g in folds}
    assert all(0 <= f < 5 for f in folds.values())
    assert len({ev.fold_of(f"mt21:s{i}", 5) for i in range(50)}) == 5


def test_threshold_fitting_hook():
    ev = _bench_module("evidence")
    items = [(3.1, False), (3.2, False), (3.5, True), (3.6, True), (3.7, False), (3.8, True), (3.9, True),
             (4.2, True), (4.4, True)]
    cands = (3.0, 3.4, 3.6, 4.0, 5.0)
    # at 3.4: 6/7 kept are true (0.86 >= 0.7) with >= 5 kept
    assert ev.fit_threshold(items, cands) == 3.4
    assert ev.fit_threshold(items, cands, target=0.9) == 5.0  # no candidate reaches it: the strictest
    assert ev.fit_threshold(items[:3], cands) == 5.0  # too few findings to fit on
    assert ev._garble_score({"message": "Garbled sentence: garble score 4.37 (threshold 4)"}) == 4.37


def test_label_conversion_of_benchmark_records(tmp_path):
    cl = _bench_module("convert_labels")
    gold = [{"doc": "s__d1.txt", "kind": "mt", "source": "news", "system": "s", "split_unit": "news:d1",
             "annotated": True, "segments": [
                 {"start": 0, "end": 9, "gold_spans": [{"start": 0, "end": 4, "category": "Accuracy", "severity": "Major",
                                                        "n_major": 1}], "untargeted": []},
                 {"start": 10, "end": 20, "gold_spans": [{"start": 11, "end": 12, "category": "Fluency",
                                                          "severity": "Minor", "n_major": 0}],
                  "untargeted": [{"severity": "Major", "n_major": 2, "source_issue": False}]},
                 {"start": 21, "end": 30, "gold_spans": [],
                  "untargeted": [{"severity": "Major", "n_major": 1, "source_issue": True}]}]},
            {"doc": "ref__d1.txt", "kind": "reference", "split_unit": "news:d1", "annotated": False,
             "segments": [{"start": 0, "end": 9}]}]
    mt = cl.convert_mt(gold)
    assert [s["positive"] for s in mt[0]["segments"]] == [True, True, False]
    assert len(mt[0]["spans"]) == 2 and mt[0]["story"] == "news:d1"
    assert mt[1]["spans"] == [] and mt[1]["segments"] == [{"start": 0, "end": 9, "positive": False}]
    assert [s["positive"] for s in cl.convert_mt(gold, min_raters=2)[0]["segments"]] == [False, True, False]
    m21 = cl.convert_mt21([{"doc": "x__d.txt", "kind": "mt", "system": "x", "src_doc": "d",
                            "segments": [{"start": 0, "end": 3, "mqm_score": -6.0}]}])
    assert m21[0]["segments"] == [{"start": 0, "end": 3, "score": -6.0}] and m21[0]["story"] == "d"
    docs = tmp_path / "clean"
    docs.mkdir()
    (docs / "a.txt").write_text("Title\n\nBody text.\n", encoding="utf-8")
    clean = cl.convert_clean(docs)
    assert clean[0]["lines"] == [{"start": 0, "end": 5, "label": "content"},
                                 {"start": 7, "end": 17, "label": "content"}]
    assert clean[0]["spans"] == [] and clean[0]["exhaustive"] is True


def test_docs_page_is_generated_from_the_evidence_file():
    ev = _bench_module("evidence")
    page = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    assert page == ev.markdown(evidence.load()), "docs/evidence.md is stale: rerun benchmarks/evidence.py"
    assert (ROOT / "rules" / "evidence.yaml").read_text(encoding="utf-8") == ev.dump_yaml(evidence.load())


def test_html_rules_index_shows_measured_precision_and_support():
    from qa.report.html import render_rules_index

    rules = {r.code: r for r in all_rules()}
    data = evidence.load()["rules"]
    measured = next(c for c, e in sorted(data.items()) if e["precision"] is not None and c in rules)
    silent = next(c for c, e in sorted(data.items()) if e["precision"] is None and c in rules)
    page = render_rules_index([rules[measured], rules[silent]])
    e = data[measured]
    assert f"<td>{e['precision']:.2f} ({e['tp']}/{e['tp'] + e['fp']})</td><td>{e['support']}</td>" in page
    assert "<td>no evidence</td>" in page


def test_eval_dev_counts_clean_sentences_flagged_like_the_seed_scorer():
    ed = _bench_module("eval_dev")
    from qa.evaluate import PredDoc

    records = [{"id": "a.txt", "spans": [{"start": 0, "end": 10, "label": "ok"}, {"start": 20, "end": 30, "label": "ok"},
                                         {"start": 40, "end": 45, "label": "error"}]}]
    preds = [PredDoc("a.txt", "a.txt", [{"rule": "X", "start": 2, "end": 4, "severity": "warning"},
                                        {"rule": "Y", "start": 22, "end": 24, "severity": "info"},
                                        {"rule": "Z", "start": 41, "end": 43, "severity": "error"}])]
    assert ed._clean_flagged(records, preds) == 1  # the info finding does not count, the defect is not clean
    assert ed.markdown({"seeds": {"must_found": "13/13"}}) == "| set | measures |\n|---|---|\n| seeds | must_found 13/13 |\n"


def test_rule_and_condition_confidence(monkeypatch):
    """A rule whose hits name a condition gets that condition's measured confidence when there is
    one, else the rule's."""
    import re as _re

    from qa.engine import make_plan
    from qa.runner.pipeline import run_records
    from qa.model import Hit, Rule, bad, good
    from qa.readers import make_document

    def check(doc, opts):
        for m in _re.finditer(r"\bthe the\b", doc.text, _re.I):
            yield Hit(m.start(), m.end(), "doubled", condition="start" if m.start() == 0 else "mid")
        for m in _re.finditer(r"\ba a\b", doc.text):
            yield Hit(m.start(), m.end(), "doubled")

    r = Rule(code="ZZ901", name="test-doubled", category="grammar", summary="test", check=check,
             examples=(bad("[[the the]] end"), good("the end")))
    table = {("ZZ901", None): 0.6, ("ZZ901", "start"): 0.9}
    monkeypatch.setattr(evidence, "_confidences", lambda: table)
    plan = make_plan(Settings(), rules=[r])
    doc = make_document("The the cat saw the the dog and a a bird.", doc_id="x")
    fs = next(run_records([doc], plan)).findings
    assert [(f.start, f.condition, f.confidence) for f in fs] == [(0, "start", 0.9), (16, "mid", 0.6), (32, None, 0.6)]
    monkeypatch.setattr(evidence, "load", lambda: {"rules": {"ZZ901": {
        "tp": 9, "fp": 3, "precision": 0.75, "interval": [0.47, 0.91], "support": 4, "confidence": 0.75,
        "conditions": {"start": {"tp": 5, "fp": 0, "precision": 1.0, "support": 3, "confidence": 1.0}}}}})
    md = "\n".join(evidence.evidence_markdown("ZZ901"))
    assert "- Condition `start`: precision 1.000 (5 / 0), support 3, confidence 1.000" in md


def test_confidence_table_is_kept_signed_in_the_cache_and_a_planted_table_is_refused(tmp_path, monkeypatch):
    """A run with a finding reads its rules' confidences from the start-up cache instead of
    parsing the evidence file; a table written without this user's secret is not believed."""
    monkeypatch.delenv("QA_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    evidence._confidences.cache_clear()
    parsed = evidence._confidences_of(evidence.load())
    try:
        first = evidence._confidences()
        assert first == parsed and len(first) > 100
        (entry,) = (tmp_path / "qa" / "rules").glob("evidence-*.json")

        def no_parsing():
            raise AssertionError("parsed the evidence file again")

        evidence._confidences.cache_clear()
        monkeypatch.setattr(evidence, "load", no_parsing)
        assert evidence._confidences() == parsed  # from the cache entry alone
        # a planted entry (every rule 1.0 sure) under a header of the right shape: refused
        data = entry.read_bytes()
        code = next(k for (k, cond), v in parsed.items() if cond is None and v is not None and v < 0.99)
        planted = data.replace(f'["{code}",null,{parsed[(code, None)]!r}]'.encode(), f'["{code}",null,1.0]'.encode())
        assert planted != data
        entry.write_bytes(planted)
        evidence._confidences.cache_clear()
        with pytest.raises(AssertionError, match="parsed the evidence file again"):
            evidence._confidences()
    finally:
        evidence._confidences.cache_clear()
