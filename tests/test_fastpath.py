"""Fast paths: required literals of patterns, and the skip being exact."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import fastpath
from qa.fastpath import CASE_SPECIAL, literal_prefixes, may_match
from qa.readers import make_document


def test_case_special_characters_are_complete():
    letter = re.compile("[a-z]", re.IGNORECASE)
    found = "".join(chr(cp) for cp in range(0x80, sys.maxunicode + 1) if letter.fullmatch(chr(cp)))
    assert found == CASE_SPECIAL


@pytest.mark.parametrize("frags,want", [
    (["rape[sd]?", "raped"], ("rape", "raped")),
    (["(?P<w0>the first) to"], ("the first to",)),
    (["claims? repair officer"], (" repair officer",)),
    (["(?:car|cars) (?P<w0>fabrics?)(?= (?:in|of))"], ("fabric",)),
    (["(?<!one )(?:of|by) (?P<w0>the first)"], (" the first",)),
    (["(?:abcd)+e"], ("abcd",)),
    ([r"\bfoo|barbaz"], ("barbaz", "foo")),
    (["Actually"], ("actually",)),
    (["ab"], None),  # too short to be selective
    (["x(?:abc)?yz"], None),  # the only long literal is optional
    (["[a-z]+ing"], ("ing",)),
    ([r"\w+"], None),
    (["caf\u00e9 society"], (" society",)),
])
def test_required_literals(frags, want):
    assert literal_prefixes(frags, re.IGNORECASE) == want


def test_may_match_skips_only_documents_without_the_literal():
    lits = literal_prefixes(["viol(?:ation|ated)"], re.IGNORECASE)
    assert not may_match(make_document("Nothing to see here."), lits)
    assert may_match(make_document("A VIOLATION of privacy."), lits)
    # a character that case-folds to an ASCII letter: always scanned
    assert may_match(make_document("The \u212aelvin sign and nothing else."), literal_prefixes(["kelvin"]))
    assert may_match(make_document("Anything."), None)


_ALPHABET = "abcKk \u212a\u0131\u017fISs.-"
_FRAGMENTS = ["kiss", "s[ai]ck", "(?:skis|kiss)+", "sk(?P<w>is)s", "(?<!a)kis{2}", "ik s", "(?:ab)?kiss"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40), st.sampled_from(_FRAGMENTS), st.booleans())
def test_the_skip_never_hides_a_match(text, frag, ignorecase):
    flags = re.IGNORECASE if ignorecase else 0
    lits = literal_prefixes([frag], flags)
    if re.search(frag, text, flags):
        assert may_match(make_document(text), lits)


def test_switch_off(monkeypatch):
    monkeypatch.setattr(fastpath, "ENABLED", False)
    assert may_match(make_document("Nothing."), ("absent",))
