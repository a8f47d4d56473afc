"""GRAM101 (fused clauses) and FRAG001 (prepositional fragments)."""

from __future__ import annotations

from conftest import SAMPLES
from qa.api import check_text

SEED = (SAMPLES / "000_6ee191c9a62c81e0.txt").read_text(encoding="utf-8")


def _found(text: str, code: str):
    return [text[f.start:f.end] for f in check_text(text, select=[code]).findings]


def test_seed_fused_clause_and_fragment():
    assert _found(SEED, "GRAM101") == ["work The"]
    assert _found(SEED, "FRAG001") == ["In May."]
    f = check_text(SEED, select=["GRAM101"]).findings[0]
    assert f.suggestion == "work. The"


def test_names_and_titles_are_not_fused_clauses():
    for text in ("He told The Hindu that the deal was off.",
                 "Last Chance to get The Great Diwali Discount today.",
                 "She starred in the film The last emperor in 1987.",
                 "“We will return to work The way we always did,” he said.",
                 "I prayed to God. It is easy when He decides the time is ripe."):
        assert _found(text, "GRAM101") == [], text


def test_fused_clause_with_pronoun():
    text = "The movers are dedicated to customer satisfaction They are never late."
    assert _found(text, "GRAM101") == ["satisfaction They"]


def test_fragments_that_are_answers_headlines_or_stylistic_stay_quiet():
    for text in ("When did the attack happen? In May.",
                 "In May.\n\nThe attack was disclosed later.",
                 "I post once a day. Throughout the week. It works.",
                 "Everything was ready. For now."):
        assert _found(text, "FRAG001") == [], text
    assert _found("The visit was planned for a long time. On Monday.", "FRAG001") == ["On Monday."]
