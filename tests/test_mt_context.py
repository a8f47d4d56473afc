"""The ``context`` pack kind, the wrong-sense packs under ``rules/mt/`` and the GRAM0xx checks."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from conftest import SAMPLES
from qa.api import check_text
from qa.kinds.context import window_span
from qa.packs import PackError, load_pack
from qa.readers import make_document
from qa.registry import all_rules

SEED_000 = (SAMPLES / "000_6ee191c9a62c81e0.txt").read_text(encoding="utf-8")
SEED_003 = (SAMPLES / "003_6687bd05b09e0dcc.txt").read_text(encoding="utf-8")
MINE = ("MT2", "GRAM0")


def _pack(tmp_path: Path, body: str, name: str = "p.yaml") -> Path:
    p = tmp_path / name
    p.write_text(
        "pack: t\ndefaults: {kind: context, category: mistranslation, severity: warning}\nrules:\n" + body,
        encoding="utf-8",
    )
    return p


RULE = """  - code: XX900
    name: foo-for-bar
    summary: foo near bar
    doc: Test entry.
    source: xx foo
    word: ['foo(?:s)?']
    replace: {{foo: [qux], foos: [quxes]}}
    when_near: [bar]
    {extra}
"""


def _one(tmp_path: Path, extra: str = "", **kw):
    (rule,) = load_pack(_pack(tmp_path, RULE.format(extra=extra)))
    return rule


def _hits(rule, text: str):
    doc = make_document(text)
    return [(h.start, h.end, text[h.start:h.end]) for h in rule.check(doc, {})]


# --------------------------------------------------------------------------- loading errors
@pytest.mark.parametrize(
    ("extra", "field", "needle"),
    [
        ("unless_near: ['(unclosed']", "unless_near[0]", "bad regular expression"),
        ("window: sideways", "window", "sentence, paragraph, document"),
        ("window: 0", "window", "at least 1"),
        ("unless_window: nowhere", "unless_window", "sentence, paragraph, document"),
        ("colour: red", "colour", "unknown key"),
        ("replace: 42", "replace", "mapping"),
    ],
)
def test_loading_errors_name_file_code_and_field(tmp_path, extra, field, needle):
    body = RULE.format(extra=extra)
    if extra.startswith("replace"):
        body = body.replace("    replace: {foo: [qux], foos: [quxes]}\n", "")
    path = _pack(tmp_path, body)
    with pytest.raises(PackError) as ei:
        load_pack(path)
    msg = str(ei.value)
    assert str(path) in msg and "XX900" in msg and f".{field}:" in msg and needle in msg
    assert ei.value.field == field


def test_missing_word_and_source_are_errors(tmp_path):
    path = _pack(tmp_path, RULE.format(extra="").replace("    word: ['foo(?:s)?']\n", ""))
    with pytest.raises(PackError, match=r"XX900\.word: is required"):
        load_pack(path)
    path = _pack(tmp_path, RULE.format(extra="").replace("    source: xx foo\n", ""), "q.yaml")
    with pytest.raises(PackError, match=r"XX900\.source: is required"):
        load_pack(path)


def test_bad_word_regex_names_the_fragment(tmp_path):
    path = _pack(tmp_path, RULE.format(extra="").replace("['foo(?:s)?']", "['ok', 'fo[o']"))
    with pytest.raises(PackError, match=r"XX900\.word\[1\]: bad regular expression"):
        load_pack(path)


def test_replace_makes_the_rule_fixable_with_an_unsafe_fix(tmp_path):
    rule = _one(tmp_path)
    assert rule.fixable
    doc = make_document("The bar had a Foo. FOOS too, said the bar.")
    hits = list(rule.check(doc, {}))
    assert [h.fix.edits[0].replacement for h in hits] == ["Qux", "QUXES"]
    assert all(h.fix.applicability == "unsafe" for h in hits)
    assert hits[0].suggestion == "Qux"
    assert "xx foo" in hits[0].message and "bar" in hits[0].message


# --------------------------------------------------------------------------- window semantics
def test_sentence_window_is_the_default(tmp_path):
    rule = _one(tmp_path)
    assert _hits(rule, "A bar and a foo met.") == [(12, 15, "foo")]
    assert _hits(rule, "A bar stood there. A foo came.") == []


def test_paragraph_and_document_windows(tmp_path):
    para = _one(tmp_path, "window: paragraph")
    text = "A bar stood there. A foo came.\n\nAnother foo came."
    assert _hits(para, text) == [(21, 24, "foo")]
    docw = load_pack(_pack(tmp_path, RULE.format(extra="window: document"), "d.yaml"))[0]
    assert [h[0] for h in _hits(docw, text)] == [21, 40]


def test_word_window_counts_words_either_side(tmp_path):
    rule = _one(tmp_path, "window: 3")
    assert _hits(rule, "bar one two foo") == [(12, 15, "foo")]
    assert _hits(rule, "bar one two three four foo") == []
    assert _hits(rule, "foo one two bar") == [(0, 3, "foo")]
    doc = make_document("w1 w2 w3 w4 foo w5 w6 w7 w8")
    a, b = window_span(doc, 12, 15, 2)
    assert doc.text[a:b] == "w3 w4 foo w5 w6"


def test_unless_near_clears_and_when_near_ignores_the_match_itself(tmp_path):
    rule = _one(tmp_path, "unless_near: [baz]")
    assert _hits(rule, "The bar had a foo.") == [(14, 17, "foo")]
    assert _hits(rule, "The bar had a foo and a baz.") == []
    self_ctx = load_pack(_pack(tmp_path, RULE.format(extra="").replace("[bar]", "['foo']"), "s.yaml"))[0]
    assert _hits(self_ctx, "Only a foo here.") == []
    assert _hits(self_ctx, "A foo and a foo.") == [(2, 5, "foo"), (12, 15, "foo")]


def test_unless_window_widens_only_the_clearing_words(tmp_path):
    text = "A bar and a foo met.\n\nLater a baz came."
    assert _hits(_one(tmp_path, "unless_near: [baz]"), text) == [(12, 15, "foo")]
    wide = load_pack(_pack(tmp_path, RULE.format(extra="unless_near: [baz]\n    unless_window: document"), "w.yaml"))[0]
    assert _hits(wide, text) == []
    # the wide window does not widen when_near
    assert _hits(wide, "A foo met.\n\nA bar came.") == []


def test_a_title_uses_the_whole_document_as_window(tmp_path):
    rule = _one(tmp_path)
    text = "The foo of the year\n\nIt began at the bar. Nobody knew why."
    doc = make_document(text)
    assert doc.title_span == (0, 19)
    assert _hits(rule, text) == [(4, 7, "foo")]
    # the same words in a body sentence keep the sentence window
    assert _hits(rule, "Intro line.\n\nThe foo of the year. It began at the bar.") == []


def test_named_group_w_narrows_the_span(tmp_path):
    body = RULE.format(extra="").replace("['foo(?:s)?']", "['of (?P<w>the foo) to', 'by (?P<w>a foo)']")
    (rule,) = load_pack(_pack(tmp_path, body))
    text = "At the bar, the wish of the foo to leave; sent by a foo."
    a, b = text.index("the foo"), text.index("a foo.")
    assert _hits(rule, text) == [(a, a + 7, "the foo"), (b, b + 5, "a foo")]


# --------------------------------------------------------------------------- the packs
def test_packs_have_enough_entries_each_with_source_and_both_examples():
    rules = [r for r in all_rules() if r.code.startswith("MT2")]
    assert len(rules) >= 80
    for r in rules:
        assert r.category == "mistranslation"
        assert r.source.startswith("rules/mt/")
        assert any(e.kind == "bad" for e in r.examples) and any(e.kind == "good" for e in r.examples)


def _findings(text: str, select=MINE, markdown: bool = False):
    return check_text(text, select=list(select), markdown=markdown).findings


def _covers(findings, text: str, quote: str, rule_prefix: str) -> bool:
    a = text.index(quote)
    b = a + len(quote)
    return any(f.rule.startswith(rule_prefix) and f.start < b and f.end > a for f in findings)


def test_seed_000_findings():
    found = _findings(SEED_000)
    title_end = SEED_000.index("\n")
    rape = [f for f in found if f.rule == "MT200"]
    assert len(rape) == 1 and rape[0].start < title_end and SEED_000[rape[0].start:rape[0].end] == "rape"
    assert rape[0].severity == "warning"
    assert _covers(found, SEED_000, "the first to share", "MT202")
    assert _covers(found, SEED_000, "claims repair officer", "MT204")
    assert _covers(found, SEED_000, "a limit on shipments", "MT203")
    assert _covers(found, SEED_000, "the number of forwarding", "GRAM005")
    assert _covers(found, SEED_000, "violation of the mobile phones", "MT201")


def test_seed_000_clean_sentences_stay_silent():
    clean = [
        "The government refuted the accusation and said it had not unleashed Pegasus against activists and lawyers.",
        "The government's focus, so far, is on WhatsApp and a decision on convening the NSO Group has not yet been made.",
        "In recent years, the Indian authorities have asked WhatsApp to develop a mechanism through which they can "
        "share the phone number of a sender whose message can cause social unrest.",
    ]
    found = [f for f in _findings(SEED_000) if f.severity in ("warning", "error")]
    for sentence in clean:
        a = SEED_000.index(sentence)
        b = a + len(sentence)
        assert not [f for f in found if f.start < b and f.end > a], sentence


def test_seed_003_stacked_modal_and_no_false_friend():
    found = _findings(SEED_003, markdown=False)
    assert _covers(found, SEED_003, "will be have to", "GRAM002")
    assert not [f for f in found if f.rule.startswith("MT2")]


def test_real_rape_report_stays_silent_even_in_a_headline():
    text = ("Man charged over rape of teenager\n\n"
            "Police said the suspect hacked the victim's phone and sent her messages before the attack.")
    assert not [f for f in _findings(text) if f.rule == "MT200"]


def test_title_rape_fix_keeps_capital():
    text = "Rape of privacy: ministry summons app\n\nThe ministry said the app had failed to protect users' phones."
    (f,) = [f for f in _findings(text) if f.rule == "MT200"]
    assert (f.start, f.end) == (0, 4) and f.fix.edits[0].replacement == "Breach"


# --------------------------------------------------------------------------- grammar checks
@pytest.mark.parametrize(
    ("text", "code", "quote"),
    [
        ("We were told that the the report was late.", "GRAM001", "the the"),
        ("The firm will be have to pay.", "GRAM002", "will be have"),
        ("They should can do it.", "GRAM002", "should can"),
        ("He didn't went home.", "GRAM003", "didn't went"),
        ("She has became the leader.", "GRAM004", "has became"),
        ("They cut the number of forwarding to five.", "GRAM005", "number of forwarding"),
        ("He read a the letter.", "GRAM006", "a the"),
        ("This is more cheaper than before.", "GRAM007", "more cheaper"),
        ("There was numerous complaints.", "GRAM008", "There was numerous"),
        ("It is a echelon of brands.", "GRAM009", "a echelon"),
        ("There are many residents think so.", "GRAM010", "There are many residents think"),
        ("Though it rained, but we went.", "GRAM011", ", but"),
    ],
)
def test_grammar_patterns(text, code, quote):
    found = [f for f in _findings(text, select=[code]) if f.rule == code]
    a = text.index(quote)
    assert [(f.start, f.end) for f in found] == [(a, a + len(quote))]


@pytest.mark.parametrize(
    "text",
    [
        "He had had enough, and she knew that that was true.",
        "In May will come the vote.",
        "Political will can change a country.",
        "The number of remaining tickets is small.",
        "The number of buildings fell.",
        "More older people vote.",
        "There is many a slip.",
        "Walla Walla is a city.",
        "A unicorn, an umbrella, a eulogy and an hour.",
        "There are people who think so.",
        "Since 2019, prices rose, so we left.",
    ],
)
def test_grammar_stays_quiet_on_good_english(text):
    assert _findings(text, select=["GRAM0"]) == []


def test_doubled_word_fix_is_safe_and_keeps_one_copy():
    (f,) = _findings("It is in in the box.", select=["GRAM001"])
    assert f.fix.applicability == "safe"
    assert [(e.start, e.end, e.replacement) for e in f.fix.edits] == [(8, 11, "")]


def test_rules_are_fast_on_a_large_text():
    para = (SEED_000.replace("\n\n", "\n") + "\n\n") * 40  # ~150k characters
    start = time.perf_counter()
    res = check_text(para, select=list(MINE))
    elapsed = time.perf_counter() - start
    assert res.findings and elapsed < 10, elapsed
    assert not [f for f in res.findings if f.rule == "QA000"]


def test_every_context_pattern_is_precompiled():
    rules = [r for r in all_rules() if r.code.startswith("MT2")]
    # a check closure holds compiled patterns only: no raw pattern strings to compile per call
    for r in rules[:5]:
        cells = [c.cell_contents for c in (r.check.__closure__ or ())]
        assert any(isinstance(c, re.Pattern) for c in cells), r.code


@pytest.mark.parametrize(
    "pattern",
    [r"(?<!\w)(?:(?:of|by|from) (?P<w0>the first)(?= to))(?!\w)", r"(?<!\w)(?:rap(?:e|es|ed))(?!\w)",
     r"(?<!\w)(?:(?:mobile |smart)?phones? (?P<w0>of))(?!\w)"],
)
def test_literal_prefilter_finds_what_a_full_scan_finds(pattern):
    from qa.fastpath import literal_prefixes
    from qa.scan import hyperscan_available
    from qa.kinds.context import _candidates

    word = re.compile(pattern, re.IGNORECASE)
    lits = literal_prefixes([pattern], re.IGNORECASE)
    assert lits
    lit_re = re.compile("|".join(re.escape(x) for x in lits), re.IGNORECASE)
    text = SEED_000 * 3
    want = [m.span() for m in word.finditer(text)]
    doc = make_document(text)
    from qa.model import Rule
    from qa.scan import ScanPlan, literal_triggers

    trig = literal_triggers(lits)
    found = trig.find(text)  # str.find on lower case
    assert found
    assert [m.span() for m in _candidates(doc, word, lit_re, found)] == want
    for backend in ("hyperscan", "fallback") if hyperscan_available() else ("fallback",):  # the one scan
        scan = ScanPlan.for_rules([Rule("ZZT930", "t-ctx", "grammar", "s", check=lambda d, o: (), triggers=trig)],
                                  backend=backend)
        assert scan.scan(text).get("ZZT930") == found
    special = make_document(text + " \u212a")  # the Kelvin sign: the case-insensitive regex finds the literals
    assert trig.find(special.text) is None
    assert [m.span() for m in _candidates(special, word, lit_re, None)] == want


def test_entries_whose_matches_start_with_a_literal_are_tried_only_there(monkeypatch):
    """Most false friends' matches start with one of a few texts that hold the entry's literal
    (``qa.fastpath.leading_literals``): those are the triggers, the regex is tried at their
    occurrences only, and the findings are the whole-text search's, on every example and on real
    text, with either scan backend."""
    from qa import fastpath
    from qa.config import Settings
    from qa.engine import check_document, make_plan
    from qa.scan import hyperscan_available

    rules = [r for r in all_rules() if "en-context" in r.source]
    starting = [r for r in rules if r.check.at_starts]
    assert len(rules) >= 100 and len(starting) >= 60
    career = next(r for r in starting if "career of " in r.triggers.literals)
    assert "career" not in career.triggers.literals  # the texts a match starts with, not the literal inside
    texts = [ex.text for r in starting for ex in r.examples]
    texts += [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    texts.append(SEED_000 * 2 + SEED_000.upper())

    def findings(plan):
        return [[(f.rule, f.start, f.end, f.message) for f in check_document(make_document(t), plan)] for t in texts]

    monkeypatch.setattr(fastpath, "ENABLED", False)  # the reference: every rule reads the whole text
    want = findings(make_plan(Settings(), rules=starting))
    monkeypatch.setattr(fastpath, "ENABLED", True)
    assert sum(map(len, want)) >= 60
    for backend in ("hyperscan", "fallback") if hyperscan_available() else ("fallback",):
        monkeypatch.setenv("QA_SCAN", backend)
        plan = make_plan(Settings(), rules=starting)
        assert plan.scan.backend == backend and plan.scan.codes == {r.code for r in starting}
        assert findings(plan) == want, backend
