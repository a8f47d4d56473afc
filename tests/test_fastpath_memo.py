"""The memo of ``qa.fastpath``: what the fast paths derive from a pattern (its literals, a
scanner's margin) is worked out once and read back from a signed file of the start-up cache by
later processes, with the same results as working it out again; a planted or damaged file is
ignored."""

from __future__ import annotations

import json
import os
import re

import pytest

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
def fresh(monkeypatch, start_up_cache):
    """A process whose memo is not loaded yet, with the cache on in a folder of its own; what it
    registers to run at exit is collected instead."""
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


PHRASES = ["read more", r"sign (?:in|up)", r"©\s*\d{4}", r"\w+ comments?"]


def _answers():
    return (fastpath.fragment_literals(PHRASES[:3]), fastpath.fragment_literals(PHRASES),
            fastpath.plain_literal(r"loading\.\.\."), fastpath.plain_literal(r"sign (?:in|up)"),
            fastpath.literal_prefixes(["read more", "subscribe now"]),
            fastpath.leading_literals(re.compile(r"(?<!\w)(?:will|can['’]t) (?P<v>\w+)", re.I)),
            fastpath.required_literals(re.compile(r"\w+ (?:percent|per cent)\b")))


def test_the_memo_gives_what_the_functions_compute_and_a_later_process_reads_it(fresh, monkeypatch):
    computed = _answers()
    assert computed == (("read more", "sign ", "©"), (" comment", "read more", "sign ", "©"), "loading...", None, ("read more", "subscribe now"),
                        ("can't ", "can’t ", "will "), (" per",))
    assert fastpath._MEMO_NEW == len(computed)
    fastpath._save_memo(__import__("os").getpid())
    key, path = fastpath._memo_where()
    assert path.is_file() and path.read_bytes().startswith(MAGIC)
    monkeypatch.setattr(fastpath, "_MEMO", None)
    monkeypatch.setattr(fastpath, "_MEMO_NEW", 0)
    calls = []
    monkeypatch.setattr(fastpath._sre_parse, "parse", lambda *a, **k: calls.append(a) or re._parser.parse(*a, **k))
    assert _answers() == computed and calls == []  # every answer read back, nothing parsed again
    assert fastpath._MEMO_NEW == 0


def test_a_memo_file_without_this_users_mac_or_of_garbage_is_ignored(fresh, monkeypatch):
    computed = _answers()
    key, path = fastpath._memo_where()
    path.parent.mkdir(parents=True, exist_ok=True)
    # a file without this user's MAC, claiming no literals for every phrase list
    rows = [[["fragment_literals", PHRASES[:3], 2], None]]
    path.write_bytes(MAGIC + bytes.fromhex(key) + (0).to_bytes(8, "big") + b"\0" * 32
                     + json.dumps({"format": fastpath.MEMO_FORMAT, "rows": rows}).encode())
    monkeypatch.setattr(fastpath, "_MEMO", None)
    assert _answers() == computed
    path.write_bytes(b"garbage")
    monkeypatch.setattr(fastpath, "_MEMO", None)
    assert _answers() == computed


def test_without_a_cache_nothing_is_kept_on_disk(fresh, start_up_cache, monkeypatch):
    monkeypatch.setenv("QA_NO_CACHE", "1")
    assert fastpath._memo_where() is None
    assert _answers()[0] == ("read more", "sign ", "©")
    fastpath._save_memo(__import__("os").getpid())
    assert not list((start_up_cache / "xdg").rglob("fastpath-*.json"))
