"""Grammar rules that search the lower-cased text instead of running their regex over every
position of the text (``qa.checks.grammar``: GRAM001's doubled words, where GRAM009's and
GRAM014's articles can match, where GRAM016's and GRAM018's subjects can start): the matches are exactly those of the rule's own regex over the
text, and so are the findings with the fast paths off."""

from __future__ import annotations

import pytest

from qa import fastpath
from qa.checks import grammar
from qa.readers import make_document
from qa.registry import get_rule

TEXTS = [
    "the the plan was ready.",  # a match at offset 0
    "He said The the plan, THE THE plan and tHe ThE plan were ready.",
    "layers layers layers! very very slowly; had had enough.",
    "It is a a good idea, is is it? (to to) \"no no\" --so so-- don't t t",
    "a A cats and A a dogs: a Apple, an Book, an book, A apparatus, An basic rule.",
    "An honest man ate an egg from a ewe farm; a one-off and a European first.",
    "See step 3.a items, (a) bags, option a trees and groups A and B; a problems, an issues.",
    "Each members voted; every years a new series of talks, a sales pitch and a savings of ten percent.",
    "Tabs\tand\ttabs, word\t\tword,\nline line\n\nthe\nthe plan, über über alles, café café.",
    "L’a a été dit; l'a a; -a a; _a apple; 9a apple; a\u00a0apple; ça a eu lieu.",
    "A",
    "",
    "a apple",
    "an book an book an book",
    "The results of the survey is clear. the prices of oil and gas has risen; These costs in the first year was high.",
    "The quality of the products are poor; THE price of the tickets were high; the the results of the survey shows that.",
    "Their costs in The Moon is a Harsh Mistress were odd; -the results of it is; 'the results of it is; them results of it is.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_lower_cased_searches_find_the_regex_matches(text):
    doc = make_document(text)
    assert grammar._lowered(doc) == text.lower()
    full = [(m.start("first"), m.end("first"), m.start("second"), m.end("second"))
            for m in grammar._DOUBLED_RE.finditer(text)]
    assert grammar._doubled_spans(doc) == full
    for rx, low in ((grammar._A_VOWEL_RE, grammar._A_VOWEL_LOW_RE), (grammar._AN_CONS_RE, grammar._AN_CONS_LOW_RE),
                    (grammar._DET_A_RE, grammar._DET_A_LOW_RE), (grammar._SUBJ_VERB_RE, grammar._SUBJ_VERB_LOW_RE)):
        starts = grammar._lower_starts(doc, low)
        assert starts is not None
        assert [m.span() for m in grammar._at_starts(rx, text, starts)] == [m.span() for m in rx.finditer(text)]


def test_the_doubled_words_of_a_text_are_found():
    doc = make_document("He said the the plan and The the plan, but THE THE end was near.")
    assert [(doc.text[a:e1], doc.text[s2:b]) for a, e1, s2, b in grammar._doubled_spans(doc)] == [
        ("the", "the"), ("The", "the"), ("THE", "THE")]


def test_a_case_special_text_is_searched_in_full():
    # a long s matches [A-Za-z] in any case, and 'ı' folds onto 'i': the lower-cased text
    # cannot stand in for the text, so the regex runs over the text itself
    text = "Proceſs proceſs: the the end, a ıdea."
    doc = make_document(text)
    assert grammar._lowered(doc) is None and grammar._lower_starts(doc, grammar._A_VOWEL_LOW_RE) is None
    assert grammar._doubled_spans(doc) == [(m.start("first"), m.end("first"), m.start("second"), m.end("second"))
                                           for m in grammar._DOUBLED_RE.finditer(text)]
    assert len(grammar._doubled_spans(doc)) == 2


def _findings(code, text):
    rule = get_rule(code)
    return [(h.start, h.end, h.message, h.suggestion) for h in rule.check(make_document(text), {})]


@pytest.mark.parametrize("code", ["GRAM001", "GRAM009", "GRAM014", "GRAM016", "GRAM018"])
def test_findings_are_those_of_the_full_scan(code, monkeypatch):
    text = " ".join(TEXTS)
    fast = _findings(code, text)
    monkeypatch.setattr(fastpath, "ENABLED", False)
    assert _findings(code, text) == fast
    assert fast  # the texts hold findings of each rule
