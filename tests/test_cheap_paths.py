"""The quick paths of the engine and of cheap rules give what the plain code gives.

Each quick path (findings built per rule, a one-class search before an alternation, a word list
before a regex) is compared with the plain computation it replaces, on text made to hold the
cases where they could part: characters whose case folding is special, matches at the first and
last character, overlapping candidates, out-of-range hit offsets.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_right

import pytest

from qa.checks import boilerplate_meta, encoding, markup
from qa.checks.boilerplate_dup import collect_lines, normalised_lines
from qa.config import Settings
from qa.engine import FINDING_ORDER, check_document, findings_for, make_plan, to_finding
from qa.model import Applicability, Edit, Fix, Hit, Rule, Severity
from qa.readers import make_document
from qa.registry import all_rules


def _rule(code="ZZT960"):
    return Rule(code, "t-cheap", "grammar", "s", check=lambda d, o: ())


# --------------------------------------------------------------------------- findings
def test_findings_for_is_to_finding_of_each_hit():
    """Findings built per rule (the rule's fields and each condition's confidence looked up once)
    equal ``to_finding`` hit by hit: offsets clamped into the text, a hit's own severity, data."""
    doc = make_document("Zoë met the mayor.\nThen she left the town hall.")
    n = len(doc.text)
    fix = Fix((Edit(1, 2, "x"),), Applicability.SAFE, "t")
    hits = [Hit(0, 3, "m"), Hit(-5, 2, "neg"), Hit(4, n + 9, "past", condition="prose-line"),
            Hit(n + 3, n + 1, "after", severity=Severity.ERROR), Hit(6, 2, "backwards", fix=fix, suggestion="s"),
            Hit(n, n, "at end", data=(("k", 1),)), Hit(2, 4, "again", condition="prose-line")]
    for rule in (_rule(), next(r for r in all_rules() if r.code == "BP001")):
        got = findings_for(rule, hits, Severity.WARNING, doc)
        assert got == [to_finding(rule, h, Severity.WARNING, doc) for h in hits]
        assert [(f.start, f.end) for f in got] == [(0, 3), (0, 2), (4, n), (n, n), (6, 6), (n, n), (2, 4)]
    assert FINDING_ORDER(got[0]) == got[0].sort_key


def test_findings_for_a_bilingual_document_name_their_segment():
    from qa.readers import read_all

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.po"
        p.write_text('msgid "The cat sleeps."\nmsgstr "Le chat dort."\n', encoding="utf-8")
        doc = next(iter(read_all([str(p)])))
    assert hasattr(doc, "segment_at")
    hits = [Hit(0, 2, "m", source_span=(0, 3)), Hit(3, 5, "n")]
    got = findings_for(_rule(), hits, Severity.INFO, doc)
    assert got == [to_finding(_rule(), h, Severity.INFO, doc) for h in hits]
    assert got[0].segment is not None and (got[0].source_start, got[0].source_end) == (0, 3)


def test_a_rule_past_the_cap_keeps_the_first_findings_in_order(monkeypatch):
    from qa import engine

    many = Rule("ZZT961", "t-many", "grammar", "s",
                check=lambda d, o: (Hit(i, i + 1, f"hit {i}") for i in range(20)))
    monkeypatch.setattr(engine, "MAX_FINDINGS_PER_RULE", 7)
    plan = make_plan(Settings(), rules=[many])
    got = check_document(make_document("a" * 40), plan)
    assert [f.message for f in got if f.rule == "ZZT961"] == [f"hit {i}" for i in range(7)]
    assert [f.rule for f in got].count("QA000") == 1
    monkeypatch.setattr(engine, "MAX_FINDINGS_PER_RULE", 20)  # exactly at the cap: no QA000
    assert [f.rule for f in check_document(make_document("a" * 40), plan)] == ["ZZT961"] * 20


# --------------------------------------------------------------------------- encoding gates
_CONTROL_TEXTS = ["\x01 at the start", "at the end \x7f", "ESC first \x1b[31mred\x1b[0m", "it\x92s \x85",
                  "\x1b not an escape", "clean text, no controls", "", "\x9f", "caf\u00c3\u00a9 \x92 mojibake near",
                  "tab\tand\r\nbreaks\f only"]


@pytest.mark.parametrize("text", _CONTROL_TEXTS)
def test_control_characters_found_from_the_first_one_are_all_of_them(text):
    doc = make_document(text)
    regions = encoding.mojibake_regions(doc)
    want = [m.span() for m in encoding._CONTROL_RE.finditer(text) if not encoding.inside(regions, m.start())]
    assert [(h.start, h.end) for h in encoding.control_character(doc, {})] == want


@pytest.mark.parametrize("text", ["\ud83d\ude00 pair first", "lone at end \udc00", "a\ud800\ud800\udc00b",
                                  "ascii only", "non-ascii é but no surrogate", ""])
def test_surrogates_found_from_the_first_one_are_all_of_them(text):
    want = [m.span() for m in encoding._SURROGATE_RE.finditer(text)]
    assert [(h.start, h.end) for h in encoding.surrogate_code_point(make_document(text), {})] == want


def test_replacement_and_compatibility_characters_skip_texts_without_them():
    assert list(encoding.replacement_character(make_document("We don’t know."), {})) == []
    got = list(encoding.replacement_character(make_document("\ufffdstart and don\ufffdt"), {}))
    assert [(h.start, h.end, h.suggestion) for h in got][1:] == [(14, 15, "\u2019")] and got[0].start == 0
    assert list(encoding.compatibility_character(make_document("café ＿ none"), {})) == []  # U+FF3F: not alnum
    assert [(h.start, h.end) for h in encoding.compatibility_character(make_document("ﬁ and ＡＢ"), {})] == \
        [(0, 1), (6, 8)]
    assert list(encoding.compatibility_character(make_document("plain ASCII"), {})) == []


# --------------------------------------------------------------------------- META112
def test_placeholder_gates_select_the_lines_the_one_gate_selects():
    """The gate's alternatives searched one by one (each with a fast start) select the same
    lines as the one alternation: overlapping candidates, every case of Lorem ipsum, a Kelvin
    sign or a long s that case-insensitive matching would fold."""
    pieces = ["null", "NaNone", "undefined", "None", "[object Object]", "{{x}}", "${y}", "%TITLE%", "%AB%",
              "Lorem ipsum", "LOREM IPSUM", "lOrEm iPsUm", "lorem ipſum", "\u212a", "word", " ", "\n", "\r\n", ".",
              "é"]
    rnd = random.Random(4)
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        starts = make_document(text).line_starts
        one = {bisect_right(starts, m.start()) for m in markup._PLACEHOLDER_GATE_RE.finditer(text)}
        split = {bisect_right(starts, m.start()) for rx in markup._PLACEHOLDER_GATES for m in rx.finditer(text)}
        assert split == one, text
    assert [h.start for h in markup.template_placeholder(make_document("LOREM IPSUM\nlorem ipsum dolor"), {})] == [0, 12]


# --------------------------------------------------------------------------- META101-103
@pytest.mark.parametrize("line", ["Photo: Reuters", "IMAGE CREDIT: Getty", "(Photo by Jane Doe/Getty Images)",
                                  "Source: the council", "Picture courtesy of the club", "Main image - the bridge",
                                  "Credits: Jane", "A view by Shutterstock", "Video: the match",
                                  "Home News Sport", "Photo\u212a: x", "ſource: the council"])
def test_credit_word_gate_passes_every_credit_line(line):
    if boilerplate_meta._CREDIT_RE.match(line):
        assert boilerplate_meta._may_be_credit(line)


def test_credit_word_gate_on_every_short_line_of_the_samples():
    from pathlib import Path

    n = 0
    for p in sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt")):
        for line in p.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if boilerplate_meta._CREDIT_RE.match(line):
                n += 1
                assert boilerplate_meta._may_be_credit(line), line
            if boilerplate_meta._NAME_DATE_RE.match(line) or boilerplate_meta.is_dateline(line):
                assert boilerplate_meta._DIGIT_RE.search(line), line
    assert not boilerplate_meta._may_be_credit("Home News Sport Weather")


# --------------------------------------------------------------------------- DUP001
def test_collected_lines_are_the_stripped_spans_of_the_normalised_lines():
    text = "  Subscribe to our newsletter today!  \n\u00a0\n\tShort\r\nFollow us on Twitter and Facebook\u2028 x\n"
    doc = make_document(text, "d.txt")
    _src, got = collect_lines(doc, {})
    norms = [n for n in normalised_lines(text) if len(n) >= 12]
    assert [text[a:b] for _h, a, b in got] == ["Subscribe to our newsletter today!",
                                                "Follow us on Twitter and Facebook\u2028 x"]
    assert len(norms) == len(got) == len({h for h, _a, _b in got})


def test_normalised_lines_from_numpy_are_the_regex_passes():
    """A long text's lines are normalised with numpy passes over its code points: the same lines
    as the two regex substitutions (digits, punctuation runs) and a split at each line break, on
    the samples and on text holding what could part them (``_``, non-ASCII digits and letters,
    runs that start with a space, every line break ``str.splitlines`` knows, a lone surrogate,
    a character whose lower case is longer)."""
    from pathlib import Path

    from qa.checks import boilerplate_dup
    from qa.document import VECTOR_MIN_CHARS

    def by_regexes(text):
        low = text.lower()
        norm = boilerplate_dup._PUNCT_IN_LINES_RE.sub(" ", boilerplate_dup._DIGIT_RE.sub("0", low).replace("_", " "))
        return norm, [x.strip() for x in re.split(r"\r\n|\r|\n", norm)]

    crafted = "x_y  __ a\u0663\u0664 ,; \r\n\r\u2028 q\x0b\x0c\x1c\x85_\ud800 \u0130  \t\n.,  - A_1 \u00e9t\u00e9\n"
    texts = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))]
    texts.append("\n\n".join(texts))  # (the samples are short: one long text of them all)
    texts.append(crafted * (VECTOR_MIN_CHARS // len(crafted) + 1))
    texts.append(" " + crafted * (VECTOR_MIN_CHARS // len(crafted) + 1) + "\r")
    assert sum(len(t) >= VECTOR_MIN_CHARS for t in texts) >= 3
    for text in texts:
        norm, lines = by_regexes(text)
        if len(text.lower()) >= VECTOR_MIN_CHARS:
            assert boilerplate_dup._vector_normalised(text.lower()) == norm
        got = normalised_lines(text)
        assert len(got) == len(make_document(text).lines)
        assert got == lines[: len(got)]
    assert normalised_lines("") == [""] and normalised_lines("a\n") == ["a"]


def test_repeated_prose_line_copies_fold_case_and_spaces():
    from qa.checks.boilerplate_dup import repeated_in_document

    body = ("The council approved the new budget on Tuesday after a long debate about the cost of schools.\n"
            "Members said the plan would raise spending on roads by a fifth over three years.\n")
    twice = body + "THE COUNCIL approved  the new\u00a0budget on Tuesday after a long debate about the cost of schools.\n"
    got = list(repeated_in_document(make_document(twice), {}))
    assert [twice[h.start:h.end][:11] for h in got] == ["THE COUNCIL"]
    assert re.sub(r"\s+", " ", "a\u00a0 b".lower()) == " ".join("a\u00a0 b".lower().split())


# --------------------------------------------------------------------------- META114
def test_indentation_lines_found_from_line_feeds_are_the_multiline_matches():
    rnd = random.Random(9)
    pieces = ["  ", " ", "\t", "\u00a0", "\n", "\r\n", "\r", "x", "  x", "\n\n"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        assert markup._indent_lines(text) == [m.span() for m in markup._INDENT_LINE_RE.finditer(text)], repr(text)
