"""The memo of ``qa.fastpath``: what the fast paths derive from a pattern (its literals, a
scanner's margin) is worked out once and read back from a signed file of the start-up cache by
later processes, with the same results as working it out again; a planted or damaged file is
ignored."""

from __future__ import annotations

import os
import re

import pytest

import qa.cache
from qa import fastpath
from qa.lazyre import lazy_compile
from qa.registry import all_rules
from qa.signed import MAGIC

PATTERNS = [
    re.compile(r"(?<!\w)(?:will|can['’]t) (?P<v>\w+)", re.IGNORECASE),
    re.compile(r"\bclick here\b|\bsubscribe now\b", re.IGNORECASE),
    re.compile(r"[A-Z][a-z]+ said\.?"),
    lazy_compile(r"\b(?:cookie|privacy) (?:policy|settings)\b", re.IGNORECASE),
]


def _facts() -> list[object]:
    out: list[object] = []
    for p in PATTERNS:
        out += [fastpath.required_literals(p), fastpath.leading_literals(p), fastpath._scanner_facts(p, 400)]
    out += [fastpath.literal_prefixes(["click here", "subscribe now"]),
            fastpath.fragment_literals(["sign (?:up|in)", "log ?in"]),
            fastpath.plain_literal(r"loading\.\.\.")]
    return out


def _unmemoized() -> list[object]:
    out: list[object] = []
    for p in PATTERNS:
        out += [fastpath.required_literals.__wrapped__(p), fastpath.leading_literals.__wrapped__(p),
                fastpath._scanner_facts.__wrapped__(p, 400)]
    out += [fastpath.literal_prefixes.__wrapped__(["click here", "subscribe now"]),
            fastpath.fragment_literals.__wrapped__(["sign (?:up|in)", "log ?in"]),
            fastpath.plain_literal.__wrapped__(r"loading\.\.\.")]
    return out


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A process whose memo is not loaded yet, with the cache on in a folder of its own; what it
    registers to run at exit is collected instead."""
    monkeypatch.delenv("QA_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(qa.cache, "_SECRETS", {})
    monkeypatch.setattr(fastpath, "_MEMO", None)
    monkeypatch.setattr(fastpath, "_MEMO_NEW", 0)
    at_exit: list[tuple] = []
    import atexit

    monkeypatch.setattr(atexit, "register", lambda fn, *args: at_exit.append((fn, args)))
    return at_exit


def _new_process(monkeypatch):
    monkeypatch.setattr(fastpath, "_MEMO", None)
    monkeypatch.setattr(fastpath, "_MEMO_NEW", 0)


def test_memo_results_equal_the_functions_and_are_read_back(fresh, monkeypatch):
    want = _unmemoized()
    assert _facts() == want
    assert fastpath._MEMO_NEW == len(want)
    lazy = PATTERNS[-1]
    assert not lazy.is_compiled  # parsed from its text: the memo does not compile it
    assert [fn for fn, _ in fresh] == [fastpath._save_memo]
    fn, args = fresh[0]
    assert args == (os.getpid(),)
    fn(*args)
    key, path = fastpath._memo_where()
    assert path.name == f"fastpath-{key}.json" and path.read_bytes().startswith(MAGIC)

    _new_process(monkeypatch)
    memo = fastpath._memo()
    assert len(memo) == len(want)
    assert ("required_literals", ("re", PATTERNS[1].pattern, PATTERNS[1].flags)) in memo
    assert _facts() == want
    assert fastpath._MEMO_NEW == 0  # every result came from the file
    assert not lazy.is_compiled


def test_a_child_process_or_a_run_that_added_nothing_writes_no_file(fresh, monkeypatch):
    _facts()
    fastpath._save_memo(os.getpid() + 1)  # registered by the parent, run in a forked child
    assert not fastpath._memo_where()[1].exists()
    monkeypatch.setattr(fastpath, "_MEMO_NEW", 0)
    fastpath._save_memo(os.getpid())
    assert not fastpath._memo_where()[1].exists()


@pytest.mark.parametrize("planted", [
    b'{"format": 1, "rows": [[["required_literals", ["re", "click here", 34]], ["zzz"]]]}',
    MAGIC + b"\x00" * 32 + b'{"format": 1, "rows": []}',
    b"",
])
def test_a_planted_or_damaged_memo_file_is_ignored(fresh, monkeypatch, planted):
    _, path = fastpath._memo_where()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(planted)
    assert fastpath._memo() == {}
    assert _facts() == _unmemoized()


def test_no_cache_keeps_the_memo_in_the_process(fresh, monkeypatch):
    monkeypatch.setenv("QA_NO_CACHE", "1")
    assert _facts() == _unmemoized()
    assert fastpath._memo_where() is None and fresh == []


def test_every_rule_pattern_reads_the_same_facts_from_the_memo(fresh, monkeypatch):
    """The patterns of every built-in rule module: the literals and margins read back from the
    memo file are those worked out from each pattern, and reading them compiles no lazy one."""
    import sys

    from qa.lazyre import LazyPattern

    all_rules()
    found = {id(v): v for name, mod in sorted(sys.modules.items()) if name.startswith(("qa.checks.", "qa.kinds."))
             for v in vars(mod).values()
             if isinstance(v, LazyPattern) or (isinstance(v, re.Pattern) and isinstance(v.pattern, str))}
    patterns = list(found.values())
    assert len(patterns) >= 100
    lazy = [p for p in patterns if isinstance(p, LazyPattern) and not p.is_compiled]

    def facts(memo: bool) -> list[object]:
        fns = (fastpath.required_literals, fastpath.leading_literals)
        if not memo:
            fns = tuple(f.__wrapped__ for f in fns)
        scan = fastpath._scanner_facts if memo else fastpath._scanner_facts.__wrapped__
        return [(p.pattern, *(f(p) for f in fns), scan(p, 1000)) for p in patterns]

    got = facts(True)
    fastpath._save_memo(os.getpid())
    _new_process(monkeypatch)
    want = {key for p in patterns for key in (("required_literals", fastpath._arg(p)),
                                               ("leading_literals", fastpath._arg(p)),
                                               ("_scanner_facts", fastpath._arg(p), 1000))}
    assert want <= set(fastpath._memo())  # every result was written and read back
    assert facts(True) == got
    assert fastpath._MEMO_NEW == 0
    assert lazy and not any(p.is_compiled for p in lazy)
    assert facts(False) == got
