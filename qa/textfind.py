"""Exact searches that rules use to run a regex on a small part of a text: every occurrence of a
literal (``find_all``), and a pattern tried only where its matches can start (``finditer_at``).
Both give exactly what a full scan gives; neither keeps any state."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache


def find_all(text: str, literal: str) -> Iterator[int]:
    """Start offsets, ascending, of every occurrence of ``literal`` in ``text`` (overlapping ones
    included), found with ``str.find`` (a C search, no regex)."""
    find = text.find
    i = find(literal)
    while i >= 0:
        yield i
        i = find(literal, i + 1)


def finditer_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` when every match of ``pattern`` (which never matches the empty
    string) starts at one of ``starts``: the pattern is tried at those offsets only, in order,
    skipping those inside the previous match, as ``finditer`` does."""
    last = 0
    for q in sorted(set(starts)):
        if q >= last:
            m = pattern.match(text, q)
            if m is not None:
                yield m
                last = m.end()


def compile_on_first_use(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function giving ``re.compile(pattern, flags)``, compiled on its first call: a pattern
    that only some documents reach (a rule's confirming regex, run where its cheap scan found
    candidates) costs nothing at start-up."""
    get = lru_cache(maxsize=1)(lambda: re.compile(pattern, flags))
    get.first_use = True  # type: ignore[attr-defined] # (tests/test_regex_safety.py compiles and checks these too)
    return get


__all__ = ["compile_on_first_use", "find_all", "finditer_at"]
