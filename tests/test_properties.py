"""Property-based tests (hypothesis) over arbitrary Unicode: astral characters, combining marks,
bidirectional controls, every newline style, and the texts of the rules' own examples (so the
rules fire). Deterministic (``derandomize``) and modest in size, to keep the suite fast.

* every rule returns hits inside the text (``0 <= start <= end <= len``) and fix edits inside it;
* line/column agree with offsets (checked against an independent count);
* ``qa clean`` is idempotent, changes only what findings' fixes marked (each applied edit is an
  edit of a finding of that round), and introduces no character the input lacked, except the
  documented replacements: the ordinary space, and a character the input spelled as an HTML
  character reference (``&#8220;`` becomes ``“``).
"""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.clean import clean_text
from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.fixes import clean_document_text
from qa.model import Edit
from qa.readers import make_document
from qa.registry import all_rules

RULES = [r for r in all_rules()]
PLAN = make_plan(Settings())
EXAMPLES = sorted({e.text for r in RULES for e in r.examples})

SPECIAL = (
    "\r\n", "\r", "\n", "\n\n", "\t", " ", "  ", "\u00a0", "\u2009", "\u200b", "\u200d", "\ufeff",
    "\u202e", "\u202c", "\u2066", "\u2069", "\u200f", "\u061c", "\u0301", "\u0308\u0323", "😀",
    "👩‍👩‍👧", "𝕿", "\U0010fffd", "“", "”", "‘", "’", "«", "»", "\"", "'", ".", ",", ";", ":",
    "!", "?", "…", "-", "—", "(", ")", "[", "]", "#", "*", "_", "`", "&", "&#8220;", "&amp;",
    "<b>", "</p>", "\x1b[0m", "\x85", "\u2028", "Ḁ", "İ", "ß", "ﬁ", "Ω", "中文", "עברית", "العربية",
)

fragments = st.one_of(
    st.sampled_from(EXAMPLES),
    st.sampled_from(SPECIAL),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ .,;:!?\n'\"“”", max_size=30),
)
texts = st.lists(fragments, max_size=12).map("".join)

COMMON = dict(derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _line_col(text: str, off: int) -> tuple[int, int]:
    """Independent reference: count line breaks (\\r\\n, \\r, \\n) before ``off``."""
    line, start, i = 1, 0, 0
    while i < off:
        c = text[i]
        if c == "\r" and i + 1 < len(text) and text[i + 1] == "\n":
            if i + 1 >= off:  # inside a CRLF pair: still on this line
                break
            i += 2
            line, start = line + 1, i
            continue
        if c in "\r\n":
            line, start = line + 1, i + 1
        i += 1
    return line, off - start + 1


def _check_hits(text: str, markdown: bool) -> None:
    doc = make_document(text, markdown=markdown)
    n = len(text)
    for rule in PLAN.rules:
        if rule.corpus:
            continue
        for hit in rule.check(doc, PLAN.options[rule.code]):  # raw hits: no engine clamping
            assert 0 <= hit.start <= hit.end <= n, (rule.code, hit.start, hit.end, n)
            assert text[hit.start:hit.end] == doc.text[hit.start:hit.end]
            if hit.fix:
                for e in hit.fix.edits:
                    assert 0 <= e.start <= e.end <= n, (rule.code, e)


@settings(max_examples=60, **COMMON)
@given(texts, st.booleans())
def test_rule_spans_are_inside_the_text(text, markdown):
    _check_hits(text, markdown)


@settings(max_examples=60, **COMMON)
@given(texts)
def test_line_and_column_agree_with_offsets(text):
    doc = make_document(text)
    for f in check_document(doc, PLAN, strict=True):
        assert doc.line_col(f.start) == _line_col(text, f.start)
        assert doc.line_col(f.end) == _line_col(text, f.end)
    for off in {0, len(text), len(text) // 2, len(text) // 3}:
        assert doc.line_col(off) == _line_col(text, off)


@settings(max_examples=40, **COMMON)
@given(texts)
def test_clean_is_idempotent_and_changes_only_marked_spans(text):
    rounds: list[tuple[str, list]] = []

    def check(t: str):
        findings = check_document(make_document(t), PLAN, strict=True)
        rounds.append((t, findings))
        return findings

    res = clean_document_text(text, check, max_rounds=8)
    # each applied edit is one of the edits a finding of that round proposed
    for entry in res.log:
        before, findings = rounds[entry.round - 1]
        proposed = {(e.start, e.end, e.replacement) for f in findings if f.fix for e in f.fix.edits}
        assert (entry.start, entry.end, entry.after) in proposed
        assert before[entry.start:entry.end] == entry.before
    # idempotent: cleaning the cleaned text changes nothing
    again = clean_text(res.text, plan=PLAN)
    assert again.text == res.text and not again.log
    # no new characters except the documented replacements
    allowed = set(text) | {" "} | set(html.unescape(text))
    # and the characters the encoding rules repair damage into (mojibake decoded, C1 controls as
    # Windows-1252, surrogate pairs joined, compatibility characters spelt out)
    allowed |= {c for _t, fs in rounds for f in fs if f.category == "encoding" and f.fix
                for e in f.fix.edits for c in e.replacement}
    assert set(res.text) <= allowed, sorted(set(res.text) - allowed)


def test_very_long_lines_keep_spans_valid():
    line = ("It ended there.She left, , ok “quote ” 😀 e\u0301 \u202eevil\u202c " * 1000)
    for text in (line.replace(" ", "\r\n", 50), "\t" * 20000 + "x" + line):
        _check_hits(text, False)
        doc = make_document(text)
        for f in check_document(doc, PLAN, strict=True):
            assert 0 <= f.start <= f.end <= len(text)


def test_reference_line_col_is_right():
    # the reference itself, on a hand-made case
    t = "a\r\nb\rc\nd"
    assert [_line_col(t, i) for i in (0, 1, 2, 3, 4, 5, 6, 7, 8)] == [
        (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (3, 1), (3, 2), (4, 1), (4, 2)]
    assert isinstance(Edit(0, 0, ""), Edit)
