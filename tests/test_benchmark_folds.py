"""benchmarks/folds.py and benchmarks/mt21_signals.py on small made-up data (no benchmark set)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


folds = _load("folds")
signals = _load("mt21_signals")


def test_fold_of_keeps_a_group_together_and_is_deterministic():
    groups = [f"doc{i}" for i in range(10)] * 3  # each source document three times (three systems)
    a = folds.fold_of(groups, 3)
    assert a == folds.fold_of(list(reversed(groups)), 3)
    assert set(a) == {f"doc{i}" for i in range(10)} and set(a.values()) == {0, 1, 2}
    sizes = [list(a.values()).count(k) for k in range(3)]
    assert max(sizes) - min(sizes) <= 1


def _scorer():
    """The three functions of the MT21 scorer that folds.py calls, minimal versions."""
    sev = {"info": 0, "warning": 1, "error": 2}

    class Options:
        def __init__(self, min_pred_severity="warning"):
            self.min_pred_severity = min_pred_severity

    def keep_finding(f, opt, counters):
        return sev[f["severity"]] >= sev[opt.min_pred_severity]

    def locate(f, segs):
        return [i for i, s in enumerate(segs) if s["start"] <= f["start"] <= s["end"]]

    return SimpleNamespace(Options=Options, keep_finding=keep_finding, locate=locate)


def test_mt21_rules_are_scored_per_segment_with_support_by_source_document():
    gold, preds = [], []
    for system in ("A", "B"):
        for src, major in (("s1", True), ("s2", False), ("s3", True)):
            doc = f"{system}__{src}.txt"
            gold.append({"doc": doc, "kind": "mt", "src_doc": src, "system": system,
                         "segments": [{"start": 0, "end": 9, "mqm_score": -5.0 if major else 0.0, "has_major": major},
                                      {"start": 10, "end": 19, "mqm_score": 0.0, "has_major": False}]})
            preds.append({"path": "./" + doc, "findings": [
                {"rule": "X1", "severity": "warning", "start": 2, "end": 4},
                {"rule": "X2", "severity": "info", "start": 12, "end": 13}]})
    gold.append({"doc": "ref__s1.txt", "kind": "reference", "src_doc": "s1", "system": "ref",
                 "segments": [{"start": 0, "end": 9, "mqm_score": 0.0, "has_major": False}]})
    preds.append({"path": "ref__s1.txt", "findings": [{"rule": "X1", "severity": "warning", "start": 1, "end": 2}]})
    rules, totals = folds.score_mt21(_scorer(), gold, preds, 3)
    assert rules["X1"]["flagged"] == 6 and rules["X1"]["tp"] == 4 and rules["X1"]["support"] == 2
    assert rules["X1"]["reference_segments"] == 1 and rules["X1"]["severity"] == "warning"
    assert rules["X2"]["flagged"] == 6 and rules["X2"]["tp"] == 0 and rules["X2"]["severity"] == "info"
    # totals count warnings only: X1's six segments, of which four are positive
    assert sum(t.get("flagged", 0) for t in totals) == 6 and sum(t.get("tp", 0) for t in totals) == 4
    assert sum(t.get("ref_flagged", 0) for t in totals) == 1
    # all systems' translations of one source document sit in one fold
    per_fold = [t.get("segs", 0) for t in totals]
    assert sorted(per_fold) == [4, 4, 4]


def test_clean_set_counts_warnings_per_sentence(tmp_path):
    (tmp_path / "a.txt").write_text("One sentence. Two sentences here.\nA third one!\n", encoding="utf-8")
    preds = [{"path": "x/a.txt", "findings": [{"rule": "R1", "severity": "warning"}, {"rule": "R2", "severity": "info"}]}]
    res = folds.score_clean(str(tmp_path), preds)
    assert res["sentences"] == 3 and res["warnings"] == 1 and res["warnings_per_100_sentences"] == 33.333
    assert res["rules"] == {"R1": {"severity": "warning", "findings": 1}, "R2": {"severity": "info", "findings": 1}}


def test_parallel_repeat_signal():
    f = signals.features
    assert f("We must win the battle of flood prevention flood control this summer.")["parallel_repeat"] == 1
    assert f("The two countries worked side by side for decades.")["parallel_repeat"] == 0
    assert f("Tolivert 25 points. Davis 17 points. Burgher 10 points.")["parallel_repeat"] == 0
    assert f("The reform of the development development plan.")["parallel_repeat"] == 1


def test_fit_picks_the_lowest_threshold_that_reaches_the_target():
    rows = [{"doc": f"d{i % 4}", "pos": i < 8, "f": {"x": 2 if i < 8 else 1}} for i in range(12)]
    assert signals._fit(rows, "x", 0.8, 3) == 2
    assert signals._fit(rows, "x", 0.8, 5) is None  # true positives from four documents only
