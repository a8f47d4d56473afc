"""The pack folder cache (``qa.packs``): a folder's packs read back from a signed JSON file, their
checks built on first call (``_LazyCheck``), give the same rules and the same findings as packs
built from their YAML; a planted, damaged or stale cache file is never used."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

import qa.cache
from qa import packs
from qa.cache import user_cache_root
from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.packs import load_packs
from qa.readers import make_document
from qa.ruledata import default_pack_dirs
from qa.lazyre import LazyPattern
from qa.signed import MAGIC


@pytest.fixture
def cache_on(monkeypatch, tmp_path):
    monkeypatch.delenv("QA_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path


def _meta(r):
    return (r.code, r.name, r.category, r.summary, r.severity, r.fixable, r.doc, r.examples, dict(r.options),
            r.source, r.triggers, r.corpus)


def _lazy(rules) -> int:
    return sum(isinstance(r.check, packs._LazyCheck) for r in rules)


def _cache_files() -> list[Path]:
    return sorted((user_cache_root() / "packs").glob("*.json"))


def test_cached_packs_are_the_built_ones_and_build_only_when_called(cache_on):
    dirs = default_pack_dirs()
    built = load_packs(dirs)  # no cache yet: built from the YAML, and the cache written
    assert _lazy(built) == 0 and len(_cache_files()) == 1
    cached = load_packs(dirs)
    assert _lazy(cached) == len(cached) == len(built) > 100
    assert [_meta(r) for r in cached] == [_meta(r) for r in built]
    assert all(r.check._fn is None for r in cached)  # nothing compiled yet
    ctx = next(r for r in cached if r.code.startswith("MT2"))
    fn = inspect.unwrap(ctx.check)
    assert fn is ctx.check._fn and inspect.isfunction(fn)
    # its patterns compiled when the cache was written: built from the cache, they compile on first
    # use (the word's, whose group names the build reads, at once; the context's when a word occurs)
    lazy = [c.cell_contents for c in fn.__closure__ if isinstance(c.cell_contents, LazyPattern)]
    assert len(lazy) >= 2 and any(not p.is_compiled for p in lazy)
    assert not any(isinstance(c.cell_contents, packs.re.Pattern) for c in fn.__closure__)


def test_lazy_checks_find_what_built_checks_find_on_every_pack_example(cache_on):
    dirs = default_pack_dirs()
    built = load_packs(dirs)
    cached = load_packs(dirs)
    assert _lazy(cached) == len(cached)
    codes = [r.code for r in built]
    settings = Settings(select=tuple(codes))
    plans = [make_plan(settings, rules=built), make_plan(settings, rules=cached)]
    n_found = 0
    for rule in built:
        for ex in rule.examples:
            doc_a = make_document(ex.text, path="ex.txt")
            doc_b = make_document(ex.text, path="ex.txt")
            a = check_document(doc_a, plans[0], strict=True)
            b = check_document(doc_b, plans[1], strict=True)
            assert a == b, (rule.code, ex.text)
            # the rule called on its own (no plan: the triggers are searched in the text)
            opts = dict(rule.options)
            assert list(rule.check(doc_a, opts)) == list(next(r for r in cached if r.code == rule.code).check(doc_b, opts))
            n_found += sum(f.rule == rule.code for f in a)
    assert n_found > 100  # the bad examples report


def _valid_file() -> tuple[Path, bytes]:
    load_packs(default_pack_dirs())
    (f,) = _cache_files()
    return f, f.read_bytes()


def _json_at(data: bytes) -> int:
    return len(MAGIC) + 16 + 8 + 32


def test_a_planted_cache_file_is_ignored_and_rebuilt(cache_on):
    f, data = _valid_file()
    head, blob = data[:_json_at(data)], data[_json_at(data):]
    payload = json.loads(blob)
    # a forged entry: the first rule told it has no trigger words at all and another message
    payload["files"][0]["rules"][0]["triggers"] = {"literals": ["zzzqqq"], "patterns": [], "gate": True}
    forged = json.dumps(payload).encode()
    f.write_bytes(head[:len(MAGIC) + 16] + len(forged).to_bytes(8, "big") + head[len(MAGIC) + 24:] + forged)
    rules = load_packs(default_pack_dirs())
    assert _lazy(rules) == 0  # the MAC does not hold: built from the YAML
    assert "zzzqqq" not in (rules[0].triggers.literals if rules[0].triggers else ())
    assert f.read_bytes() == data  # and written again
    assert _lazy(load_packs(default_pack_dirs())) == len(rules)


@pytest.mark.parametrize("damage", ["truncated", "empty", "flipped", "other-secret"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(cache_on, damage, monkeypatch):
    f, data = _valid_file()
    if damage == "truncated":
        f.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        f.write_bytes(b"")
    elif damage == "flipped":
        i = _json_at(data) + 100
        f.write_bytes(data[:i] + bytes([data[i] ^ 0x20]) + data[i + 1:])
    else:  # made by another user (another secret)
        key = user_cache_root() / "cache.key"
        key.write_bytes(b"\x01" * 32)
        monkeypatch.setattr(qa.cache, "_SECRETS", {})  # the secret as a fresh process reads it
        packs_cache = load_packs(default_pack_dirs())
        assert _lazy(packs_cache) == 0
        return
    rules = load_packs(default_pack_dirs())
    assert _lazy(rules) == 0
    assert f.read_bytes() == data
    assert _lazy(load_packs(default_pack_dirs())) == len(rules)


PACK = """\
pack: test
defaults: {kind: phrases, severity: warning, category: boilerplate}
rules:
  - code: BP901
    name: test-label
    summary: A test label line
    message: "label '{match}'"
    phrases: [%s]
    examples:
      - bad: "Text.\\n[[%s]]\\nMore text."
      - good: "Nothing here."
"""


def test_an_edited_pack_misses_the_cache(cache_on):
    d = cache_on / "mypacks"
    d.mkdir()
    (d / "p.yaml").write_text(PACK % ("close menu", "close menu"), encoding="utf-8")
    first = load_packs([d])
    again = load_packs([d])
    assert _lazy(first) == 0 and _lazy(again) == 1
    doc = make_document("Text.\nclose menu\nsubscribe now\n", path="a.txt")
    assert [h.start for h in again[0].check(doc, {})] == [h.start for h in first[0].check(doc, {})] == [6]
    (d / "p.yaml").write_text(PACK % ("subscribe now", "subscribe now"), encoding="utf-8")
    edited = load_packs([d])
    assert _lazy(edited) == 0  # another key: built from the YAML
    assert [h.start for h in edited[0].check(doc, {})] == [17]
    (d / "words.txt").write_text("any other file of the folder changes the key\n", encoding="utf-8")
    assert _lazy(load_packs([d])) == 0


def test_no_cache_environment_builds_every_time(cache_on, monkeypatch):
    monkeypatch.setenv("QA_NO_CACHE", "1")
    load_packs(default_pack_dirs())
    assert _lazy(load_packs(default_pack_dirs())) == 0
    assert _cache_files() == []


def test_an_eager_warm_up_builds_the_cached_pack_checks(cache_on):
    from qa.warmup import warm_up

    load_packs(default_pack_dirs())
    cached = load_packs(default_pack_dirs())
    warm_up(cached)
    assert all(r.check._fn is None for r in cached)  # a run of one process builds on first call
    warm_up(cached, eager=True)  # before forking workers, or profiling the rules
    assert all(r.check._fn is not None for r in cached)
