"""The rule cache of ``qa.registry``: the built-in Python rules read back from a signed JSON file
(their modules imported when a rule first runs: ``_LazyPython``) are the rules ``qa.checks``
registers, field for field, and find the same on every example; a planted or damaged file is
ignored. Fresh processes show what a run imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import qa.cache
from qa import registry
from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.readers import make_document
from qa.signed import MAGIC

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache_on(monkeypatch, tmp_path):
    monkeypatch.delenv("QA_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(qa.cache, "_SECRETS", {})
    return tmp_path


def _builtin():
    from qa.checks import import_all

    import_all()  # registers the built-in rules

    return [r for r in registry._PY_RULES.values() if r.check.__module__.startswith("qa.checks.")]


def _stored(monkeypatch=None):
    rules = _builtin()
    registry._store_python_rules(rules)
    key = registry._rules_key()
    return rules, key, registry._rules_cache_path(key)


def test_cached_rules_are_the_registered_ones(cache_on):
    rules, _, path = _stored()
    assert path.is_file()
    cached = registry._cached_python_rules()
    assert cached is not None and len(cached) == len(rules) > 80
    assert [registry._fields(r) for r in cached] == [registry._fields(r) for r in rules]
    assert [r.triggers for r in cached] == [r.triggers for r in rules]
    assert all(isinstance(r.check, registry._LazyPython) for r in cached)
    assert sum(r.corpus for r in cached) == sum(r.corpus for r in rules) >= 3
    enc = next(r for r in cached if r.code == "ENC004")  # an example holding a surrogate pair, kept as written
    assert enc.examples == next(r for r in rules if r.code == "ENC004").examples


def test_cached_rules_find_what_registered_rules_find_on_every_example(cache_on):
    rules, _, _ = _stored()
    cached = registry._cached_python_rules()
    settings = Settings(select=tuple(r.code for r in rules))
    plans = [make_plan(settings, rules=rules), make_plan(settings, rules=list(cached))]
    found = 0
    for rule in rules:
        if rule.corpus:
            continue
        for ex in rule.examples:
            a = check_document(make_document(ex.text, path="ex.txt"), plans[0], strict=True)
            b = check_document(make_document(ex.text, path="ex.txt"), plans[1], strict=True)
            assert a == b, (rule.code, ex.text)
            found += sum(f.rule == rule.code for f in a)
    assert found > 80


@pytest.mark.parametrize("damage", ["planted", "truncated", "other-module"])
def test_a_planted_or_damaged_rule_cache_is_ignored(cache_on, damage):
    _, key, path = _stored()
    data = path.read_bytes()
    head = len(MAGIC) + 16 + 8 + 32
    if damage == "planted":  # a forged entry (no trigger a text holds), its MAC made without the secret
        payload = json.loads(data[head:])
        payload["rules"][0]["triggers"] = {"literals": ["zzzqqq"], "patterns": [], "gate": True}
        blob = json.dumps(payload).encode()
        path.write_bytes(data[:len(MAGIC) + 16] + len(blob).to_bytes(8, "big") + b"\0" * 32 + blob)
    elif damage == "truncated":
        path.write_bytes(data[: head + 40])
    else:  # a signed entry naming a module outside qa.checks is refused when decoding
        payload = json.loads(data[head:])
        payload["rules"][0]["module"] = "os"
        blob = json.dumps(payload).encode()
        from qa.signed import write_cached

        write_cached(path, key, blob)
    assert registry._cached_python_rules() is None


def _fresh(code: str, cache_home: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache_home)}
    env.pop("QA_NO_CACHE", None)
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_run_from_the_caches_imports_a_rule_module_only_when_a_document_is_checked(tmp_path):
    code = """
        import json, sys
        from qa.config import Settings
        from qa.engine import check_document, make_plan
        from qa.readers import make_document
        from qa.warmup import warm_up
        plan = make_plan(Settings())
        warm_up(plan.rules)
        before = "qa.checks" in sys.modules
        doc = make_document("The photo was took in May. It it rained.", path="a.txt")
        found = [(f.rule, f.start, f.end) for f in check_document(doc, plan)]
        print(json.dumps({"rules": len(plan.rules), "imported_before": before,
                          "imported_after": "qa.checks" in sys.modules, "found": found}))
    """
    first = _fresh(code, tmp_path / "xdg")  # writes the caches
    second = _fresh(code, tmp_path / "xdg")  # reads them
    assert first["imported_before"] is True
    assert second["imported_before"] is False and second["imported_after"] is True
    assert second["rules"] == first["rules"] > 150
    assert second["found"] == first["found"]
    assert ["GRAM012", 10, 18] in second["found"]


def test_a_run_answered_by_the_result_cache_builds_no_pack_rule_and_loads_no_model(tmp_path):
    (tmp_path / "short.txt").write_text("The new bridge over the river opened to traffic on Monday morning.\n",
                                        encoding="utf-8")
    code = f"""
        import json, sys
        sys.argv = ["qa", "check", {str(tmp_path / "short.txt")!r}, "-q", "--isolated", "--format", "jsonl",
                    "--cache-dir", {str(tmp_path / "results")!r}]
        import runpy
        try:
            runpy.run_module("qa", run_name="__main__")
        except SystemExit:
            pass
        heavy = [m for m in ("numpy", "yaml", "qa.kinds", "fasttext", "sentencepiece", "wordfreq") if m in sys.modules]
        print(json.dumps({{"heavy": heavy}}))
    """
    first = _fresh(code, tmp_path / "xdg")  # checks the file: loads what its rules need
    second = _fresh(code, tmp_path / "xdg")  # the result from the cache
    assert "fasttext" in first["heavy"] and "qa.kinds" in first["heavy"]
    assert second["heavy"] == []
