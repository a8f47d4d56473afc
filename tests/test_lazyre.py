"""Patterns compiled on first use (``qa.lazyre``) and the memo of what ``qa.fastpath`` derives
from patterns: the same matches, literals and triggers as the compiled patterns give, nothing
compiled until it is used, and a planted or damaged memo file ignored."""

from __future__ import annotations

import json
import pickle
import re

import pytest

import qa.cache
from qa import fastpath
from qa.lazyre import LazyPattern, compiled, lazy_compile
from qa.signed import MAGIC

TEXT = "He said that the the plan, which can't wait, will go ahead in May 2026; Kelvin: \u212a."


def test_a_lazy_pattern_compiles_on_first_use_and_matches_as_the_compiled_one():
    source = r"(?<!\w)(?:will|can['’]t) (?P<v>\w+)"
    lazy = lazy_compile(source, re.IGNORECASE)
    rx = re.compile(source, re.IGNORECASE)
    assert lazy.pattern == source and not lazy.is_compiled  # nothing compiled yet
    assert [m.span() for m in lazy.finditer(TEXT)] == [m.span() for m in rx.finditer(TEXT)] == [(33, 43), (45, 52)]
    assert lazy.is_compiled and lazy.search is not None
    assert lazy.search(TEXT).group("v") == "wait"
    assert lazy.flags == rx.flags and lazy.groupindex == rx.groupindex and lazy.groups == 1
    assert lazy.sub("X", TEXT) == rx.sub("X", TEXT)
    assert lazy.findall(TEXT) == rx.findall(TEXT) == ["wait", "go"]
    assert [m.start() for m in lazy.finditer(TEXT, 40)] == [45] and list(lazy.finditer(TEXT, 46, 60)) == []
    assert compiled(lazy) is compiled(lazy) and isinstance(compiled(lazy), re.Pattern)
    assert compiled(rx) is rx


def test_a_bad_lazy_pattern_fails_when_used_and_dunder_lookups_do_not_compile():
    lazy = lazy_compile("(unclosed")
    with pytest.raises(AttributeError):
        lazy.__length_hint__  # noqa: B018 - a protocol probe must not compile
    with pytest.raises(re.error):
        lazy.search("x")


def test_a_lazy_pattern_pickles_uncompiled_and_compares_by_source():
    lazy = lazy_compile(r"\bthe the\b", re.I)
    lazy.search(TEXT)
    back = pickle.loads(pickle.dumps(lazy))
    assert isinstance(back, LazyPattern) and not back.is_compiled
    assert back == lazy and hash(back) == hash(lazy) and back != lazy_compile(r"\bthe the\b")
    assert back.search(TEXT).span() == (13, 20)


@pytest.mark.parametrize("source, flags", [
    (r"(?<!\w)(?:will|can['’]t) (?P<v>\w+)", re.I),
    (r"\b(?:more|most) (?:better|worse)\b", 0),
    (r"(?i)\bin (?:the )?(?:year )?of\b", 0),
])
def test_literals_of_a_lazy_pattern_are_those_of_the_compiled_one_without_compiling_it(source, flags):
    lazy, rx = lazy_compile(source, flags), re.compile(source, flags)
    assert fastpath.leading_literals(lazy) == fastpath.leading_literals(rx)
    assert fastpath.required_literals(lazy) == fastpath.required_literals(rx)
    a, b = fastpath.Scanner(lazy), fastpath.Scanner(rx)
    assert (a.literals, a.margin) == (b.literals, b.margin)
    assert not lazy.is_compiled


# --------------------------------------------------------------------------- the memo file
@pytest.fixture
def fresh_memo(monkeypatch, tmp_path):
    """A process whose memo is empty and not read yet, with the cache on in a folder of its own."""
    monkeypatch.delenv("QA_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(qa.cache, "_SECRETS", {})
    monkeypatch.setattr(fastpath, "_MEMO", None)
    monkeypatch.setattr(fastpath, "_MEMO_NEW", 0)
    monkeypatch.setattr("atexit.register", lambda *a, **k: None)  # saved by the test itself
    yield tmp_path
    monkeypatch.setattr(fastpath, "_MEMO", None)


PHRASES = ["read more", r"sign (?:in|up)", r"©\s*\d{4}", r"\w+ comments?"]


def _answers():
    return (fastpath.fragment_literals(PHRASES[:3]), fastpath.fragment_literals(PHRASES),
            fastpath.plain_literal(r"loading\.\.\."), fastpath.plain_literal(r"sign (?:in|up)"),
            fastpath.literal_prefixes(["read more", "subscribe now"]),
            fastpath.leading_literals(re.compile(r"(?<!\w)(?:will|can['’]t) (?P<v>\w+)", re.I)),
            fastpath.required_literals(re.compile(r"\w+ (?:percent|per cent)\b")))


def test_the_memo_gives_what_the_functions_compute_and_a_later_process_reads_it(fresh_memo, monkeypatch):
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


def test_a_planted_or_damaged_memo_file_is_ignored(fresh_memo, monkeypatch):
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


def test_without_a_cache_nothing_is_kept_on_disk(fresh_memo, monkeypatch):
    monkeypatch.setenv("QA_NO_CACHE", "1")
    assert fastpath._memo_where() is None
    assert _answers()[0] == ("read more", "sign ", "©")
    fastpath._save_memo(__import__("os").getpid())
    assert not list((fresh_memo / "xdg").rglob("fastpath-*.json"))
