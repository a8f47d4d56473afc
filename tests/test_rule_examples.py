"""Every example of every rule runs as a test (LanguageTool style).

A bad example must produce a finding at exactly each marked span (and no finding elsewhere);
a good example must produce no finding; ``fixed`` must equal the text after this rule's fixes.
"""

from __future__ import annotations

import pytest

from conftest import run_rule
from qa.config import Settings
from qa.engine import make_plan
from qa.fixes import clean_document_text
from qa.readers import make_document
from qa.registry import all_rules

RULES = all_rules()
#: a corpus rule's example may hold several documents separated by this line; the marked spans
#: are in the last document
CORPUS_SEP = "\n\f\n"


def _corpus_example(rule, ex):
    from qa.runner.pipeline import run_records

    parts = ex.text.split(CORPUS_SEP)
    base = len(ex.text) - len(parts[-1])
    docs = [make_document(t, path=f"doc{i}.txt", doc_id=f"doc{i}.txt") for i, t in enumerate(parts)]
    results = list(run_records(docs, make_plan(Settings(select=(rule.code,))), strict=True))
    found = [f for f in results[-1].findings if f.rule == rule.code]
    assert all(f.rule != rule.code for r in results[:-1] for f in r.findings)
    if ex.kind == "good":
        assert not found, f"{rule.code} flagged a good example: {[f.message for f in found]}"
        return
    assert sorted({(f.start + base, f.end + base) for f in found}) == sorted(set(ex.spans))
    assert all(f.message and f.category == rule.category for f in found)
CASES = [(r, i, ex) for r in RULES for i, ex in enumerate(r.examples)]


def _id(case) -> str:
    r, i, ex = case
    return f"{r.code}-{ex.kind}{i}"


def test_every_rule_has_both_kinds_of_example():
    missing = [r.code for r in RULES
               if not any(e.kind == "bad" for e in r.examples) or not any(e.kind == "good" for e in r.examples)]
    assert not missing, f"rules without a bad and a good example: {missing}"


def test_rule_metadata_is_complete():
    for r in RULES:
        r.validate()
        assert r.doc.strip(), f"{r.code} has no documentation"
        if r.fixable:
            assert any(e.fixed is not None for e in r.examples if e.kind == "bad"), f"{r.code}: fixable rule needs a 'fixed' example"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_example(case):
    rule, _, ex = case
    md = ex.text.lstrip().startswith("# ")
    if rule.corpus and CORPUS_SEP in ex.text:
        return _corpus_example(rule, ex)
    found = run_rule(rule, ex.text, markdown=md)
    spans = sorted({(f.start, f.end) for f in found})
    if ex.kind == "good":
        assert not found, f"{rule.code} flagged a good example: {[(f.start, f.end, ex.text[f.start:f.end], f.message) for f in found]}"
        return
    assert spans == sorted(set(ex.spans)), (
        f"{rule.code}: expected {[ex.text[a:b] for a, b in ex.spans]} at {sorted(ex.spans)}, "
        f"got {[ex.text[a:b] for a, b in spans]} at {spans}")
    for f in found:
        assert f.message and f.rule == rule.code and f.category == rule.category
    if ex.fixed is not None:
        plan = make_plan(Settings(select=(rule.code,)))
        from qa.engine import check_document

        res = clean_document_text(ex.text, lambda t: check_document(make_document(t, markdown=md), plan), unsafe=True)
        assert res.text == ex.fixed
