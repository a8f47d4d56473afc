"""A document's scan hits by rule (``qa.scan.ScanHits.get``): grouped in numpy or in a loop, from
byte offsets or code points, they are the spans each literal trigger has in the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import Settings
from qa.engine import make_plan
from qa.scan import ScanPlan, hyperscan_available
from qa.textfind import find_all

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = [pytest.param("hyperscan", marks=pytest.mark.skipif(not hyperscan_available(), reason="no hyperscan")),
            "fallback"]


@pytest.fixture(scope="module")
def rules():
    return make_plan(Settings()).rules


def _texts() -> list[str]:
    samples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]
    out = []
    for text in samples:
        text = text * 3
        out.append(text)  # curly quotes and dashes: offsets in bytes differ from code points
        out.append(text.encode("ascii", "ignore").decode())  # ASCII: offsets are code points
        out.append(text[:300])  # few hits: grouped in a loop (more than 64: in numpy)
        out.append("😀 Ünïcödé ‘quotes’ — " + text)  # characters of 2, 3 and 4 bytes before every hit
    return out


def _want(plan: ScanPlan, text: str, code: str) -> list[tuple[int, int]]:
    """The code's candidate hits computed from the triggers themselves: every occurrence of each
    literal (the first only, for an entry whose rules are all gates), one whole-text hit per
    regex entry that matched."""
    low = text.lower()
    out = []
    for i in plan.entries_of[code]:
        e = plan.entries[i]
        if e.kind == "re":
            continue
        found = [(s, s + len(e.pattern)) for s in find_all(low, e.pattern)]
        out.extend(found[:1] if e.single else found)
    return sorted(out)


@pytest.mark.parametrize("backend", BACKENDS)
def test_hits_are_every_occurrence_of_each_literal_in_code_points(rules, backend):
    plan = ScanPlan.for_rules(rules, backend=backend)
    checked = 0
    for text in _texts():
        assert len(text) == len(text.lower())  # (offsets of the lowered text are the text's)
        hits = plan.scan(text)
        assert hits is not None
        for code in sorted(hits.codes):
            if any(plan.entries[i].kind == "re" for i in plan.entries_of[code]):
                continue
            got = hits.get(code)
            assert got == _want(plan, text, code), (code, text[:40])
            checked += len(got)
        assert hits.get("NOPE999") is None and "NOPE999" not in hits
    assert checked > 1500


@pytest.mark.parametrize("backend", BACKENDS)
def test_markup_rules_run_only_where_their_first_character_occurs(rules, backend):
    """META110 (tags) and META111 (entities) are gated on "<" and "&": a text without them skips
    both rules; with them, the rules run and find the tag and the entity."""
    import dataclasses

    from qa.engine import check_document
    from qa.readers import make_document
    from qa.scan import hits_for, skipped

    plan = make_plan(Settings(select=("META110", "META111")))
    plan = dataclasses.replace(plan, scan=ScanPlan.for_rules(plan.rules, backend=backend))
    clean = make_document("The council met on Monday and voted for the plan, 5 to 2.")
    assert skipped(hits_for(clean, plan.scan), plan.scan) == {"META110", "META111"}
    assert check_document(clean, plan) == []
    dirty = make_document("The council met on Monday.<br>It voted for the plan &amp; the budget.")
    assert skipped(hits_for(dirty, plan.scan), plan.scan) == frozenset()
    got = [(f.rule, dirty.text[f.start:f.end]) for f in check_document(dirty, plan)]
    assert got == [("META110", "<br>"), ("META111", "&amp;")]
