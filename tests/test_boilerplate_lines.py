"""The per-document line analysis of the boilerplate rules gives the answers of its per-line
definitions: case counts, the line lexicons, the furniture kinds' label index and fuzzy labels,
the layout lexicon lines read from the document's scan, and the scan triggers of the rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa import check_text, fastpath
from qa.checks import boilerplate_layout as bl
from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.readers import make_document
from qa.scan import ScanPlan, hits_for, skipped

_BODY = (
    "The council approved the new budget on Tuesday after a long debate about the cost of schools.\n"
    "Members said the plan would raise spending on roads by a fifth over the next three years.\n"
    "The mayor said the vote was a good day for the city and thanked the officials who wrote it.\n"
)

# invented pages: menus, labels in many spellings and cases, look-alikes inside sentences,
# non-ASCII and case-special characters ("ſ" matches "s" case-insensitively, "K" is the Kelvin sign)
PAGES = [
    "Menu\nHOME\n» News\nSport (12)\nSign-In\nSignin\nLog-out\nSkip to content\nBudget approved\n" + _BODY
    + "Share this article\nRead More »\nMost Read\nFloods close the coast road again\n© 2024 Example Media. All rights reserved.\n",
    "Close\n  • Share on Facebook\nImage 3 of 9\nSearch the archive\n" + _BODY + "They close the shop at nine.\n"
    + "Related Articles\nComments (4)\nTags\n$369 from Amazon\nBuy now at Home Depot\nCheck price on Amazon\n",
    "ſhare\nMenü\nΔ\nδ\nEspañol\nKelvin\nＨome\nPrivacy Policy\nTerms of Use\n" + _BODY
    + "We use cookies to improve your experience. Accept all cookies\nFollow us on Twitter\n"
    + "Subscribe to our newsletter\nİstanbul\n",
    _BODY + "Advertisement\nAdvertisment\nNewsletter\nNewsleter\nsubscribe\nSUBSCRIBE NOW\nback to top\n"
    + "Back-to-Top\nCookie Settings\ncookie-settings\nx\nX (formerly Twitter)\nLoading...\n",
    "RANDY ANDY\nPRINCE PARTIES IN UNEARTHED PICTURES\n" + _BODY + "ÀÉÎÕÜ ÇÑ ÞØ ÿß\nÉTÉ À PARIS\n",
    "She represents the town in Parliament.Special offer ends today with a 20% discount. Last chance to "
    "use coupon code SAVE20\n" + _BODY + "Get 50% off today only. Use code SPRING for a free trial.\n",
]


def _key(findings):
    return [(f.rule, f.start, f.end, f.message, f.suggestion, f.fix, f.confidence) for f in findings]


@pytest.mark.parametrize("text", ["", "abc", "ABC def", "ÀÖØÞ ß öøÿ × ÷ Ωω ſK İ 🙂 \ud800 ÉTÉ", "A" * 50 + "b"])
def test_case_counts_are_the_two_regexes(text):
    ln = bl.line_info(0, 0, len(text), text)
    assert bl.case_counts(ln) == (len(bl.UPPER_RE.findall(text)), len(bl.LOWER_RE.findall(text)))


def test_line_lexicons_answer_as_their_regexes():
    labels = [ln.split("|")[0] for ln in "".join(PAGES).split("\n")]
    labels += ["close", "CLOSE", "cloſe", "ſhare", "ſearch the site", "Kelvin", "Share", "İ", "read  more",
               "2 comments", "comment", "Slide 3 of 12", "search for", "", "Top Stories", "More from Example News"]
    for name in ("ui_labels", "section_ends"):
        lex, whole = bl.line_lexicon(name), bl.lexicon_re(name)
        assert lex.exact or name != "ui_labels"
        got = [lex.matches(x) for x in labels]
        assert got == [whole.match(x) is not None for x in labels], name
        assert any(got) and not all(got)


def _pack_findings(text, monkeypatch, fast):
    monkeypatch.setattr(fastpath, "ENABLED", fast)
    return _key(check_text(text, select=["BP"]).findings)


@pytest.mark.parametrize("i", range(len(PAGES)))
def test_label_index_and_scan_gates_give_the_per_line_findings(i, monkeypatch):
    """With the scan off every furniture rule tries its regex (and ``extractOne``) on every line:
    the label index, the ``cdist`` of the fuzzy labels and the per-line scan gates find the same."""
    text = PAGES[i]
    slow = _pack_findings(text, monkeypatch, False)
    fast = _pack_findings(text, monkeypatch, True)
    assert fast == slow
    assert slow  # every page holds furniture


def test_fuzzy_labels_and_look_alikes():
    text = PAGES[0]
    fs = check_text(text, select=["BP101"]).findings
    flagged = {text[f.start:f.end] for f in fs}
    assert {"Sign-In", "Signin", "Log-out", "Menu", "Share this article"} <= flagged
    assert "Budget approved" not in flagged
    text = PAGES[1]
    flagged = {text[f.start:f.end] for f in check_text(text, select=["BP101"]).findings}
    assert "They close the shop at nine." not in flagged and "Close" in flagged


def test_layout_lexicon_lines_come_from_the_scan():
    plan = make_plan(Settings())
    assert all(r.triggers is not None for r in plan.rules if r.code in bl.LAYOUT_RULES)
    for text in PAGES:
        doc = make_document(text)
        infos = bl.line_infos(doc)
        searched = bl._lexicon_lines(doc, infos)  # no scan of this document: searched here
        hits = hits_for(doc, plan.scan)
        if hits is None:  # a case-special text: every line is searched
            assert searched == (None, None) and "ſ" in text
            continue
        assert any(c in hits.codes for c in bl.LAYOUT_RULES)
        assert bl._lexicon_lines(doc, infos) == searched
        legal, prompt = searched
        for ln in infos:  # a line without a literal holds no match of the lexicons
            if ln.index not in legal:
                assert not bl.lexicon_re("legal", "contains").search(ln.text)
            if ln.index not in prompt:
                assert not bl.lexicon_re("consent", "contains").search(ln.text)
                assert not bl.lexicon_re("prompts", "contains").search(ln.text)
    legal, _ = bl._lexicon_lines(make_document(PAGES[0]), bl.line_infos(make_document(PAGES[0])))
    assert legal  # the copyright line


def test_page_layout_rules_always_run_and_gated_rules_are_skipped():
    plan = make_plan(Settings())
    doc = make_document("Menu\nHome\nNews\n" + _BODY)
    skip = skipped(hits_for(doc, plan.scan), plan.scan)
    assert not skip & set(bl.LAYOUT_RULES) and "BP101" not in skip and "BP111" not in skip
    assert "BP108" in skip and "BP110" in skip  # no copyright line, no affiliate disclosure: never called
    # ... and with it, their examples are found
    for code in ("BP108", "BP110"):
        rule = next(r for r in plan.rules if r.code == code)
        for ex in rule.examples:
            if ex.kind == "bad":
                d = make_document(ex.text)
                assert code not in skipped(hits_for(d, plan.scan), plan.scan)
                assert any(f.rule == code for f in check_document(d, plan))


def test_either_scan_backend_gives_the_same_boilerplate_findings():
    base = make_plan(Settings())
    none = replace(base, scan=None)
    fallback = replace(base, scan=ScanPlan.for_rules(base.rules, backend="fallback"))
    for text in PAGES:
        want = [k for k in _key(check_document(make_document(text), none)) if k[0].startswith("BP")]
        got = [k for k in _key(check_document(make_document(text), fallback)) if k[0].startswith("BP")]
        assert got == want and want


_CLOSER_TEXTS = [
    '"Quote."\n""\n)\n"It ended."\')]\nA line.)\nNo end"\n\n  ’’ \nWhy?”\nx\n',
    ')"\' The start is a closer run.\nOne more line that ends in a closer run.”’")]\n' * 3,
    "Mid. Sentence\u2028Next. “Quoted” Line.\n" * 20 + '"',
]


@pytest.mark.parametrize("text", PAGES + _CLOSER_TEXTS)
def test_vectorised_features_equal_the_reference_definition(text, monkeypatch):
    fields = ("start", "end", "text", "words", "stop_ratio", "cap_ratio", "sentence_end",
              "inner_sentences", "linkish", "prose", "ext")
    ref = [tuple(getattr(ln, f) for f in fields) for ln in bl._reference_infos(make_document(text))]
    monkeypatch.setattr(bl, "_MIN_VECTOR_CHARS", 0)
    if bl._line_features(text, make_document(text).lines) is None:
        assert "İ" in text  # a lower case of two characters: the reference path
        return
    assert [tuple(getattr(ln, f) for f in fields) for ln in bl.line_infos(make_document(text))] == ref
