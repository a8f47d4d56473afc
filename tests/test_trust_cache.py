"""The result cache holds only plain data under a per-user MAC, lives in the user's cache folder,
never runs code, never changes findings, and never keeps a result with QA000."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cache import KEY_FILE, SCHEMA, ResultCache, default_cache_dir, encode_value, user_cache_root
from qa.cli import app
from qa.config import Settings
from qa.engine import make_plan
from qa.model import Hit, Rule, bad, good
from qa.parallel import RenderedResult, RunOptions, RunStats, run
from qa.report.jsonl import dumps

TEXT = "It ended there.She left the room . .\nAuthor: ****\nThe the rain fell on the town.\n"


@pytest.fixture
def user_cache(monkeypatch, tmp_path) -> Path:
    """A user cache folder of the test's own, with the cache switched on."""
    home = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("QA_NO_CACHE", raising=False)
    import qa.cache

    qa.cache._SECRETS.clear()
    yield home
    qa.cache._SECRETS.clear()


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    proj = tmp_path / "repo"
    (proj / "docs").mkdir(parents=True)
    (proj / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    (proj / "docs" / "b.txt").write_text("A second text.It has a glued sentence.\n", encoding="utf-8")
    monkeypatch.chdir(proj)
    return proj


def _check(*args: str):
    return CliRunner().invoke(app, ["check", "docs", *args], catch_exceptions=False)


class _RunsCode:
    """Unpickling this writes a file: the payload a planted cache entry would carry."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('ran')",))


def _plant(db: Path, value: bytes, mac: bytes | None = None) -> int:
    """Overwrite every value of a real cache (so every key matches a document of the run)."""
    conn = sqlite3.connect(db)
    keys = [k for (k,) in conn.execute("SELECT key FROM results")]
    for k in keys:
        conn.execute("UPDATE results SET sum = ?, value = ? WHERE key = ?",
                     (mac if mac is not None else hashlib.blake2b(value, digest_size=8).digest(), value, k))
    conn.commit()
    conn.close()
    return len(keys)


def test_cache_lives_in_the_user_cache_folder_with_a_private_key(user_cache, project):
    first = _check("--format", "jsonl", "-o", "-", "--fail-on", "never", "--statistics")
    second = _check("--format", "jsonl", "-o", "-", "--fail-on", "never", "--statistics")
    assert "cache: 0 hit(s), 2 miss(es)" in first.stderr
    assert "cache: 2 hit(s), 0 miss(es)" in second.stderr and second.stdout == first.stdout
    assert not (project / ".qa_cache").exists()  # nothing in the working folder
    folder = default_cache_dir(project)
    assert folder.parent == user_cache / "qa" / "projects" and (folder / "results.sqlite").is_file()
    key = user_cache / "qa" / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    values = [v for (v,) in sqlite3.connect(folder / "results.sqlite").execute("SELECT value FROM results")]
    assert values and all(json.loads(v)["v"] == SCHEMA for v in values)  # plain JSON, not pickle


@pytest.mark.parametrize("fmt", ["text", "jsonl", "csv", "sarif"])
def test_cache_hit_output_is_byte_identical_to_a_fresh_run(user_cache, project, fmt):
    fresh = CliRunner().invoke(app, ["check", "docs", "-f", fmt, "--no-cache", "--fail-on", "never", "-o", "-",
                                     "--statistics"])
    a = _check("-f", fmt, "--fail-on", "never", "-o", "-", "--statistics")
    b = _check("-f", fmt, "--fail-on", "never", "-o", "-", "--statistics")
    assert "cache: 2 hit(s)" in b.stderr
    assert a.stdout == fresh.stdout and b.stdout == fresh.stdout and "PUN002" in fresh.stdout


def test_cache_planted_pickle_entry_runs_no_code_and_a_forged_empty_entry_changes_nothing(user_cache, project):
    """A `.qa_cache` committed to the repository, with entries for every document: a pickle that
    would write a file, then a well-formed JSON value claiming 0 findings (MAC made without the
    user's key). Neither the default run nor a run pointed at the folder uses them."""
    ref = _check("--no-cache", "--fail-on", "warning", "-f", "jsonl", "-o", "-", "-q")
    assert ref.exit_code == 1 and "PUN002" in ref.stdout
    planted = project / ".qa_cache"
    _check("--cache-dir", str(planted), "-q", "--fail-on", "warning")  # a real cache: real keys
    marker = project / "pwned"
    payload = pickle.dumps(_RunsCode(str(marker)))
    forged = encode_value(([], "en", 3, 100.0, "pass", None))
    for value, mac in ((payload, None), (forged, None), (forged, b"\0" * 32)):
        assert _plant(planted / "results.sqlite", value, mac) == 2
        for extra in ([], ["--cache-dir", str(planted)]):
            res = _check(*extra, "--fail-on", "warning", "-f", "jsonl", "-o", "-", "-q")
            assert res.exit_code == 1, res.stderr
            assert res.stdout == ref.stdout  # the real findings
            assert not marker.exists()  # no code ran
        # the planted cache was marked damaged and is rebuilt with real values on the next run
        _check("--cache-dir", str(planted), "-q", "--fail-on", "warning")
        _check("--cache-dir", str(planted), "-q", "--fail-on", "warning")
        hit = _check("--cache-dir", str(planted), "--fail-on", "warning", "-f", "jsonl", "-o", "-", "--statistics")
        assert "cache: 2 hit(s)" in hit.stderr and hit.exit_code == 1 and hit.stdout == ref.stdout


def test_cache_value_copied_from_another_document_is_refused(user_cache, project):
    planted = project / "c"
    _check("--cache-dir", str(planted), "-q", "--fail-on", "never")
    conn = sqlite3.connect(planted / "results.sqlite")
    rows = conn.execute("SELECT key, sum, value FROM results").fetchall()
    (k1, _, _), (_, s2, v2) = rows
    conn.execute("UPDATE results SET sum = ?, value = ? WHERE key = ?", (s2, v2, k1))  # a valid MAC, wrong key
    conn.commit()
    conn.close()
    ref = _check("--no-cache", "-f", "jsonl", "-o", "-", "--fail-on", "never", "-q")
    res = _check("--cache-dir", str(planted), "-f", "jsonl", "-o", "-", "--fail-on", "never", "--statistics")
    assert res.stdout == ref.stdout and (planted / "REBUILD").exists()


@pytest.mark.parametrize("value", [
    b'{"v": 2}',
    b"[1, 2, 3]",
    json.dumps({"v": 2, "findings": [["PUN002", "x", "punctuation", "fatal", 0, 1, "m", None, None, 1.0]],
                "language": "en", "n_sentences": 1, "score": 1.0, "verdict": "pass", "collected": None}).encode(),
    json.dumps({"v": 2, "findings": [["PUN002", "x", "punctuation", "warning", "0", 1, "m", None, None, 1.0]],
                "language": "en", "n_sentences": 1, "score": 1.0, "verdict": "pass", "collected": None}).encode(),
    json.dumps({"v": 2, "findings": [], "language": "en", "n_sentences": 1, "score": 1.0, "verdict": "ok",
                "collected": {"x": 1}}).encode(),
])
def test_cache_entry_with_a_valid_mac_but_a_bad_schema_is_discarded(user_cache, value):
    from qa.cache import BadValue, _mac, decode_value, user_secret
    from qa.readers import make_document

    with pytest.raises(BadValue):
        decode_value(value)
    plan = make_plan(Settings(select=("PUN",)))
    cache = ResultCache.open(user_cache / "c", plan)
    doc = make_document(TEXT)
    key = cache.key(doc)
    cache.conn.execute("INSERT INTO results VALUES (?, ?, ?)", (key, _mac(user_secret(), key, value), value))
    assert cache.get(key) is None and cache.broken


def test_cache_key_file_readable_by_others_is_refused(user_cache, project):
    from qa.cache import CacheKeyError, user_secret

    _check("-q", "--fail-on", "never")
    key = user_cache / "qa" / KEY_FILE
    os.chmod(key, 0o644)
    import qa.cache

    qa.cache._SECRETS.clear()
    with pytest.raises(CacheKeyError):
        user_secret()
    res = _check("--fail-on", "never", "--statistics")  # runs, without a cache
    assert res.exit_code == 0 and "cache:" not in res.stderr


def test_cache_dir_from_config_is_relative_to_the_config_file(user_cache, project):
    (project / "qa.toml").write_text('cache-dir = "build/qa-cache"\n', encoding="utf-8")
    import qa.config

    _check("-q", "--fail-on", "never")  # the nearest qa.toml is read
    assert (project / "build" / "qa-cache" / "results.sqlite").is_file()
    assert qa.config.Settings(cache_dir="x").fingerprint() == qa.config.Settings().fingerprint()
    bad_cfg = project / "bad.toml"
    bad_cfg.write_text("cache-dir = 5\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["check", "docs", "--config", str(bad_cfg)])
    assert res.exit_code == 2 and "cache-dir must be a folder path" in res.stderr


# ------------------------------------------------------------------ point 10: QA000 and limits
_FLAKY = {"crash": True}


def _flaky(doc, opts):
    if _FLAKY["crash"]:
        raise TimeoutError("the machine was busy")
    yield Hit(0, 2, "first two characters")


FLAKY = Rule(code="ZZ997", name="crashes-once", category="grammar", summary="Crashes while the flag is set",
             check=_flaky, examples=(bad("[[ab]]c"), good("x")))


def _go(paths, plan, cache_dir):
    stats = RunStats()
    out = [r.line if isinstance(r, RenderedResult) else dumps(r)
           for r in run(paths, plan, RunOptions(cache_dir=cache_dir), stats)]
    return out, stats


def test_cache_never_keeps_a_result_with_qa000(user_cache, project):
    from qa.registry import all_rules

    plan = make_plan(Settings(select=("ZZ997", "PUN")), rules=list(all_rules()) + [FLAKY])
    cache = str(user_cache / "c")
    _FLAKY["crash"] = True
    try:
        out, stats = _go(["docs"], plan, cache)
        assert all('"QA000"' in x for x in out) and stats.cache_misses == 2
        _FLAKY["crash"] = False  # the machine is idle again: the real findings come back
        out, stats = _go(["docs"], plan, cache)
        assert stats.cache_hits == 0 and not any("QA000" in x for x in out)
        assert all('"ZZ997"' in x for x in out)
        out2, stats = _go(["docs"], plan, cache)  # results without QA000 are cached
        assert stats.cache_hits == 2 and out2 == out
    finally:
        _FLAKY["crash"] = True


def test_cache_key_includes_the_rule_timeout(user_cache, project):
    from qa.guard import DEFAULT_DOCUMENT_SECONDS, DEFAULT_RULE_SECONDS, set_limits

    plan = make_plan(Settings(select=("PUN",)))
    cache = str(user_cache / "c")
    try:
        _, s1 = _go(["docs"], plan, cache)
        _, s2 = _go(["docs"], plan, cache)
        assert s1.cache_misses == 2 and s2.cache_hits == 2
        set_limits(rule_seconds=7)
        _, s3 = _go(["docs"], plan, cache)
        assert s3.cache_hits == 0  # another limit, other keys
        set_limits(rule_seconds=0)
        _, s4 = _go(["docs"], plan, cache)
        assert s4.cache_hits == 0
    finally:
        set_limits(rule_seconds=DEFAULT_RULE_SECONDS, document_seconds=DEFAULT_DOCUMENT_SECONDS)
    _, s5 = _go(["docs"], plan, cache)
    assert s5.cache_hits == 2
    # and through the command line
    try:
        a = _check("-q", "--fail-on", "never", "--rule-timeout", "9", "--statistics")
        b = _check("-q", "--fail-on", "never", "--rule-timeout", "9", "--statistics")
        c = _check("-q", "--fail-on", "never", "--rule-timeout", "11", "--statistics")
    finally:
        set_limits(rule_seconds=DEFAULT_RULE_SECONDS, document_seconds=DEFAULT_DOCUMENT_SECONDS)
    assert "cache: 0 hit(s)" in a.stderr and "cache: 2 hit(s)" in b.stderr and "cache: 0 hit(s)" in c.stderr


def test_cache_key_includes_files_named_by_rule_options(user_cache, tmp_path):
    from qa.cache import ruleset_version

    model = tmp_path / "garble.model"
    model.write_bytes(b"first model")
    plan = make_plan(Settings(select=("MT104",), rules={"MT104": {"model": str(model)}}))
    v1 = ruleset_version(plan)
    model.write_bytes(b"retrained model")
    import qa.cache

    qa.cache._VERSION_CACHE.clear()
    assert ruleset_version(plan) != v1


def test_cache_key_file_made_by_parallel_workers_on_a_first_run(user_cache, project):
    for i in range(6):
        (project / "docs" / f"c{i}.txt").write_text(f"Text number {i}.It has a glued sentence.\n", encoding="utf-8")
    plan = make_plan(Settings(select=("PUN",)))
    cache = str(user_cache / "c")
    stats = RunStats()
    first = [dumps(r) for r in run(["docs"], plan, RunOptions(jobs=2, min_parallel_docs=0, cache_dir=cache), stats)]
    assert stats.cache_misses == 8 and (user_cache / "qa" / KEY_FILE).is_file()
    assert not [p for p in (user_cache / "qa").iterdir() if p.name.endswith(".tmp")]
    out, s2 = _go(["docs"], plan, cache)
    assert s2.cache_hits == 8 and out == first


def test_cache_value_round_trips_measured_confidence_condition_and_data():
    """A finding's unmeasured confidence (None), its condition and its document-level data
    (the duplicate rules' cluster) come back from the cache as they went in."""
    from qa.cache import decode_value
    from qa.model import Finding, Severity

    f = Finding("DUP102", "near-duplicate-document", "duplicate", Severity.INFO, 0, 0, "copy", None, None,
                None, "prose-line", (("kind", "near"), ("of", "a.txt"), ("similarity", 0.87)))
    findings, *_ = decode_value(encode_value(([f], "en", 3, 99.5, "pass", None)))
    assert findings == [f]
