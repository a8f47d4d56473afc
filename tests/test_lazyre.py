"""Patterns compiled on first use (``qa.lazyre``): the same matches, literals and triggers as the
compiled patterns give, nothing compiled until it is used (the memo of what ``qa.fastpath``
derives from patterns: ``tests/test_fastpath_memo.py``)."""

from __future__ import annotations

import pickle
import re

import pytest

from qa import fastpath
from qa.lazyre import LazyPattern, compiled, lazy_compile

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
