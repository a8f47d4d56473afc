"""Rule pages (HTML) and ``qa rule CODE``: examples shown as text without fixture markup, and the
fix safety stated as the rule's fixes really are.

``qa/data/fix_safety.json`` records the safety measured on every built-in rule's examples;
``QA_UPDATE_SNAPSHOTS=1`` rewrites it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conftest import run_rule
from qa.docs import FIX_SAFETY_FILE, FIX_SAFETY_TEXT, example_parts, fix_safety, fix_safety_text, rule_markdown
from qa.model import Applicability
from qa.registry import all_rules, get_rule
from qa.report.html import render_rule

RULES = all_rules()
DATA = Path(__file__).resolve().parent.parent / "qa" / "data" / FIX_SAFETY_FILE
CORPUS_SEP = "\n\f\n"


def _safety_from_examples(rule) -> tuple[str, ...]:
    """The applicabilities of the fixes the rule gives on its flagged examples, found here the
    way tests/test_rule_examples.py runs them (not through qa.docs)."""
    from qa.config import Settings
    from qa.engine import make_plan
    from qa.runner.pipeline import run_records
    from qa.readers import make_document

    seen: set[str] = set()
    for ex in rule.examples:
        if ex.kind != "bad":
            continue
        if rule.corpus and CORPUS_SEP in ex.text:
            docs = [make_document(t, path=f"d{i}.txt", doc_id=f"d{i}.txt") for i, t in enumerate(ex.text.split(CORPUS_SEP))]
            found = [f for r in run_records(docs, make_plan(Settings(select=(rule.code,)))) for f in r.findings
                     if f.rule == rule.code]
        else:
            found = run_rule(rule, ex.text, markdown=ex.text.lstrip().startswith("# "))
        seen |= {str(f.fix.applicability) for f in found if f.fix is not None}
    return tuple(sorted(seen))


def test_fix_safety_file_is_current():
    measured = {r.code: list(_safety_from_examples(r)) for r in RULES if r.fixable}
    if os.environ.get("QA_UPDATE_SNAPSHOTS"):
        DATA.write_text(json.dumps(dict(sorted(measured.items())), indent=1) + "\n", encoding="utf-8")
    recorded = json.loads(DATA.read_text(encoding="utf-8"))
    assert recorded == dict(sorted(measured.items())), "run QA_UPDATE_SNAPSHOTS=1 pytest tests/test_rule_pages.py"


def test_every_fixable_rule_shows_a_fix_in_its_examples():
    missing = [r.code for r in RULES if r.fixable and not _safety_from_examples(r)]
    assert not missing, f"fixable rules whose flagged examples give no fix: {missing}"
    silent = [r.code for r in RULES if not r.fixable and _safety_from_examples(r)]
    assert not silent, f"rules with fixes that are not marked fixable: {silent}"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_page_states_fix_safety_and_shows_no_fixture_markup(rule):
    page = render_rule(rule)
    expected = FIX_SAFETY_TEXT[fix_safety(rule)]
    assert fix_safety(rule) == (tuple(sorted(str(a) for a in {Applicability(x) for x in fix_safety(rule)})))
    assert f"Fix: {expected}" in page
    if not rule.fixable:
        assert "Fix: no fix" in page
    elif "unsafe" in fix_safety(rule):
        assert "applied only with --unsafe-fixes or when a reviewer accepts" in page
    else:
        assert "Fix: safe fix (applied by qa clean)" in page
    body = page.split('<div class="rule-doc">', 1)[1]
    assert "[[" not in body and "]]" not in body
    assert "\\n" not in body and " ||| " not in body and "\f" not in body
    md = rule_markdown(rule, evidence=True)
    assert f"- Fix: {fix_safety_text(rule)}" in md
    examples = md.split("## Flagged", 1)[-1]
    assert "[[" not in examples and "\\n" not in examples and " ||| " not in examples
    # every flagged span of every example is marked on the page, as text
    n_marks = body.count('<mark class="ex-span">')
    assert n_marks == sum(len(e.spans) for e in rule.examples if e.kind == "bad")


def test_fix_safety_wording():
    assert fix_safety_text(get_rule("GRAM001")) == "safe fix (applied by qa clean)"
    unsafe = next(r for r in RULES if fix_safety(r) == ("unsafe",))
    assert fix_safety_text(unsafe) == "unsafe fix (applied only with --unsafe-fixes or when a reviewer accepts)"
    assert fix_safety_text(next(r for r in RULES if not r.fixable)) == "no fix"


def test_doubled_word_page_marks_the_span_in_plain_text():
    page = render_rule(get_rule("GRAM001"))
    assert '<pre class="ex-text">He said <mark class="ex-span">the the</mark> plan was ready.</pre>' in page
    assert '<span class="ex-label">after the fix</span><div class="ex-part"><pre class="ex-text">He said the plan was ready.</pre>' in page


def test_source_target_example_is_a_pair():
    page = render_rule(get_rule("SRC001"))
    assert ('<span class="ex-label">source</span><pre class="ex-text">价格上涨了250元。</pre></div>'
            '<div class="ex-part"><span class="ex-label">target</span>'
            '<pre class="ex-text">The price rose by <mark class="ex-span">520</mark> yuan.</pre>') in page
    md = rule_markdown(get_rule("SRC001"))
    assert "- source: `价格上涨了250元。`\n  target: `The price rose by 520 yuan.`\n  flagged: `520` (target)" in md


def test_corpus_example_shows_its_documents():
    rule = get_rule("DUP101")
    page = render_rule(rule)
    assert "document 1 of" in page and "document 2 of" in page


def test_example_parts_offsets():
    # a span at each end, a missing character (empty span), several lines
    parts = example_parts("ab cd\nef", ((0, 2), (5, 5), (6, 8)))
    assert parts == [{"label": "", "pieces": [("ab", True), (" cd", False), ("", True), ("\n", False), ("ef", True)]}]
    pair = example_parts("x y ||| z w\nq ||| r", ((10, 11), (18, 19)))
    assert [p["label"] for p in pair] == ["segment 1 source", "segment 1 target", "segment 2 source", "segment 2 target"]
    assert pair[1]["pieces"] == [("z ", False), ("w", True)] and pair[3]["pieces"] == [("r", True)]
    corpus = example_parts("one\n\f\ntwo three", ((10, 15),))
    assert corpus[0] == {"label": "document 1 of 2", "pieces": [("one", False)]}
    assert corpus[1]["pieces"] == [("two ", False), ("three", True)]


def test_multiline_example_in_the_terminal_keeps_its_lines():
    rule = next(r for r in RULES if any("\n" in e.text and "|||" not in e.text and CORPUS_SEP not in e.text
                                        for e in r.examples if e.kind == "bad"))
    md = rule_markdown(rule)
    assert re.search(r"\(a text of \d+ lines\)\n {6}\S", md)
    assert "\\n" not in md.split("## Flagged", 1)[1]
