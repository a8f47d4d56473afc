"""The grammar, punctuation and pronoun rules that gate through the one scan (``qa.scan``): the
engine skips each when its triggers are absent, each still finds its bad examples, and reading
candidates from the scan gives the same findings as running the rule on the whole text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa import inflection, ruledata
from qa.checks import grammar
from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.readers import make_document
from qa.registry import get_rule
from qa.scan import hyperscan_available

#: the rules moved from qa.fastpath's literal index (or from no gate at all) to scan triggers,
#: with a text in which none of their triggers occurs
MOVED = {
    "GRAM006": "She signed a contract with them on Monday.",
    "GRAM012": "The photo was taken in May and the letter was written by hand.",
    "GRAM013": "We discussed that problem at length.",
    "GRAM015": "There is a lot of trouble with the plan.",
    "GRAM019": "It was in Rome last year and you were there.",
    "GRAM020": "She wanted to go home.",
    "GRAM021": "There are a lot of problems with it.",
    "GRAM101": "It has not received approval due to its inability to return to work.",
    "PUN001": "They visited in July and September, respectively.",
    "PUN002": "It ended there. She left.",
    "PUN003": "It is a rearguard action, said the source.",
    "PUN004": "It has invoked its concern for privacy, officials said.",
    "PRN001": "WhatsApp has been asked to explain its position, but it has not received approval.",
}
BACKENDS = [pytest.param("hyperscan", marks=pytest.mark.skipif(not hyperscan_available(), reason="no hyperscan")),
            "fallback"]


def _recorded(code):
    """The rule, with a check that records the documents it is called on."""
    rule = get_rule(code)
    calls: list[str] = []

    def check(doc, opts):
        calls.append(doc.text)
        return rule.check(doc, opts)

    return replace(rule, check=check), calls


@pytest.mark.parametrize("code", sorted(MOVED))
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_moved_rule_is_skipped_without_its_triggers_and_finds_its_bad_examples(code, backend, monkeypatch):
    monkeypatch.setenv("QA_SCAN", backend)
    rule, calls = _recorded(code)
    assert rule.triggers is not None
    plan = make_plan(Settings(), rules=[rule])
    assert plan.scan is not None and plan.scan.codes == {code} and plan.scan.backend == backend
    quiet = MOVED[code]
    assert rule.triggers.find(quiet) == []  # none of its triggers occurs
    assert check_document(make_document(quiet), plan) == []
    assert calls == []  # the engine did not call it
    bads = [ex for ex in rule.examples if ex.kind == "bad"]
    assert bads
    for ex in bads:
        found = [(f.start, f.end) for f in check_document(make_document(ex.text), plan) if f.rule == code]
        assert found, (code, ex.text)
        if ex.spans:
            assert set(ex.spans) <= set(found), (code, ex.text)
    assert len(calls) == len(bads)


# texts where a match starts at the very start of the text, spans two candidate words, or
# follows a line break: the scan's candidates must give what a whole-text search gives
EDGE_TEXTS = [
    "He have a point, and they was late.",
    "They says no.\nWe has to pay.\n\u201cShe go to work,\u201d he said.",
    "Several problem were seen; two car crashed; there are many problem with it.",
    "one of the most important thing in life.",
    "Much this days of crisis; many these problem; this these days.",
    "In this days of crisis, (two book) and \"three car\" and \u201cfive dog\u201d.",
    "The photo was took in May.\nThe letter was \ntook by hand. It was not stole.",
    "She wanted to went home and agreed to took part; to\ntook.",
    "It was overtook and undertook; the state ate late, to ate.",
    "She signed the a contract; A the report; the an apple; an the end; The A team.",
    "return to work The security architecture was never explained. last week They asked",
    "respectively. . The deal is off, , he said. Item; ; and\u00a0. done",
    "breach.A member left.And then.Then \u201cwhy\u201d.So it.",
    "WhatsApp has been asked to explain its position, but it has not received approval due to his inability.",
    "",
    "he",
    "HE HAVE A POINT. THEY WAS LATE. TWO BOOK. THIS DAYS.",
]


def _whole_text(code, text):
    """The rule's hits with no scan at all (``QA_NO_FASTPATH``: every rule reads the whole text)."""
    rule = get_rule(code)
    return [(h.start, h.end, h.message) for h in rule.check(make_document(text), rule.options)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_candidates_from_the_scan_give_the_whole_text_findings(backend, monkeypatch):
    from qa import fastpath

    codes = sorted(set(MOVED) | {"GRAM014"})
    texts = EDGE_TEXTS + [ex.text for c in codes for ex in get_rule(c).examples]
    monkeypatch.setattr(fastpath, "ENABLED", False)
    want = {(c, t): _whole_text(c, t) for c in codes for t in texts}
    monkeypatch.setattr(fastpath, "ENABLED", True)
    monkeypatch.setenv("QA_SCAN", backend)
    plan = make_plan(Settings(), rules=[get_rule(c) for c in codes])
    assert plan.scan.codes == set(MOVED) | {"GRAM014"}  # GRAM014's "a/an" is a regex trigger: a gate
    n = 0
    for t in texts:
        got = check_document(make_document(t), plan)
        for c in codes:
            mine = [(f.start, f.end, f.message) for f in got if f.rule == c]
            assert mine == sorted(want[(c, t)]), (c, t)
            n += len(mine)
    assert n > 40  # the texts do hold findings
    # the matches at the very start of the text and after a line break are among them
    assert min(want[("GRAM019", EDGE_TEXTS[0])])[:2] == (0, 7)
    assert min(want[("GRAM021", EDGE_TEXTS[2])])[:2] == (0, 15)
    assert [h[:2] for h in want[("GRAM012", EDGE_TEXTS[6])]] == [(10, 18), (38, 47), (60, 73)]  # "was \ntook"


def test_a_rule_called_on_its_own_finds_its_candidates_itself():
    """Without a plan (the library calling one rule), each rule searches its triggers in the text."""
    text = "He have a point. In this days, much problems and two car crashed; the photo was took."
    got = {c: [text[h.start:h.end] for h in get_rule(c).check(make_document(text), get_rule(c).options)]
           for c in ("GRAM019", "GRAM013", "GRAM015", "GRAM021", "GRAM012")}
    assert got == {"GRAM019": ["He have"], "GRAM013": ["this days"], "GRAM015": ["much problems"],
                   "GRAM021": ["two car"], "GRAM012": ["was took"]}


def test_the_irregular_pasts_file_is_the_lexicon_table():
    """rules/data/irregular_pasts.txt (the words GRAM012 and GRAM020 look for, and their
    triggers) is the inflection table's irregular pasts less auxiliaries and alternative
    participles: the two never drift apart."""
    alt = frozenset(ruledata.words("alt_participles"))
    derived = sorted(w for w in inflection.irregular_pasts() if w not in inflection.AUXILIARIES and w not in alt)
    assert list(ruledata.words("irregular_pasts")) == derived
    assert "took" in derived and "hid" not in derived
    assert set(grammar._PAST_TRIGGERS.literals) == {f"{c}{w}" for w in derived for c in " \n"}
