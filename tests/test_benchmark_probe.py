"""benchmarks/run.py's machine-speed probe and how the report states it (no benchmark run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load():
    spec = importlib.util.spec_from_file_location("qa_bench_run", ROOT / "benchmarks" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["qa_bench_run"] = mod
    spec.loader.exec_module(mod)
    return mod


run = _load()


def _res():
    return {"machine": {"cpu": "X", "cores": 2, "memory": "1 GiB", "os": "Linux", "python": "3.11", "qa": "qa 0",
                        "date": "2026-01-01 00:00 UTC"},
            "mode": "quick", "texts": 3, "throughput_corpus": {"text_bytes": 1000, "documents": 3},
            "runs": {}, "repeat": 1, "fast_profile": "--no-language-id", "command": "python benchmarks/run.py --quick"}


def _report(monkeypatch, tmp_path, probes):
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    monkeypatch.setattr(run, "PROBES", list(probes))
    monkeypatch.setattr(run, "plot", lambda res: None)
    res = _res()
    run.write_report(res)
    return res, (tmp_path / "benchmark.md").read_text()


def test_speed_probe_times_one_fixed_workload_and_keeps_it(monkeypatch):
    monkeypatch.setattr(run, "PROBES", [])
    seconds = run.speed_probe("qa check")
    assert 0 < seconds < 30
    assert run.PROBES == [("qa check", round(seconds, 4))]


def test_a_steady_machine_is_reported_as_steady(monkeypatch, tmp_path):
    res, md = _report(monkeypatch, tmp_path, [("a", 0.100), ("b", 0.105), ("c", 0.110)])
    assert res["probes"]["spread"] == 1.1 and res["probes"]["median"] == 0.105
    assert "took 0.100-0.110 s (median 0.105, 3 probes, slowest 1.10x the fastest)" in md
    assert "Steady within 20%" in md and "changed during the benchmark" not in md


def test_a_machine_whose_speed_changed_is_flagged(monkeypatch, tmp_path):
    res, md = _report(monkeypatch, tmp_path, [("a", 0.070), ("b", 0.131), ("c", 0.090)])
    assert res["probes"]["spread"] == 1.87
    assert "**The machine's speed changed during the benchmark" in md and "Steady" not in md
