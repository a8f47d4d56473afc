"""MT101-MT103 (garbled headlines) on the seed article and on focused cases."""

from __future__ import annotations

from conftest import SAMPLES
from qa.checks.headline import title_span
from qa.api import check_text
from qa.readers import make_document

SEED = (SAMPLES / "000_6ee191c9a62c81e0.txt").read_text(encoding="utf-8")
BODY = ("The ministry summoned officials of the messaging platform to explain why they had not "
        "disclosed the breach when the incidents occurred. Officials said the company had not "
        "informed the authorities of the attack during visits in July and September, and that the "
        "ministry expected a full explanation of the incident before the deadline set for the "
        "company next week, when the matter would be taken up again by the committee in charge. "
        "The committee said on Friday that it would publish its findings once the company had "
        "answered every question put to it by the officials.")


def _found(text: str, codes: list[str]):
    return [(f.rule, text[f.start:f.end], str(f.severity)) for f in check_text(text, select=codes).findings]


def test_seed_headline_findings_overlap_the_gold_quotes():
    got = _found(SEED, ["MT101", "MT102", "MT103"])
    assert got == [("MT101", "rape", "warning"), ("MT102", "?:", "warning"),
                   ("MT103", "Government WhatsApp", "warning")]
    gold = SEED.index("?: Government WhatsApp")
    res = check_text(SEED, select=["MT102", "MT103"])
    assert all(f.start < gold + len("?: Government WhatsApp") and f.end > gold for f in res.findings)


def test_missing_word_alone_is_info_and_rises_with_punctuation_damage():
    clean_title = "Ministry summons officials over the rape\n\n" + BODY
    assert _found(clean_title, ["MT101"]) == [("MT101", "rape", "info")]
    damaged = "Ministry summons officials over the rape?:\n\n" + BODY
    assert _found(damaged, ["MT101"]) == [("MT101", "rape", "warning")]


def test_words_in_the_body_in_another_inflection_are_not_missing():
    text = "Ministry summoned officials over phone breaches\n\n" + BODY
    assert _found(text, ["MT101"]) == []


def test_title_detection_needs_a_body():
    assert title_span(make_document("Short title\nonly a line.")) is None
    doc = make_document("A headline without blank line\n" + BODY)
    assert doc.text[slice(*title_span(doc))] == "A headline without blank line"


def test_headline_with_quoted_question_is_not_a_pile_up():
    text = "‘Why now?’: the ministry asks WhatsApp\n\n" + BODY
    assert _found(text, ["MT102", "MT103"]) == []


def test_stem_search_agrees_with_stemming_every_body_word():
    import random

    from qa.checks.headline import _BODY_WORD_RE, _body_has_stem, _stem

    rnd = random.Random(5)
    words = ["violation", "Violated", "raises", "raised", "phone", "phone's", "re-phone", "xphone",
             "naïve", "ações", "Rings", "strings", "government", "o'neil", "Straße", "ab"]
    joins = [" ", "-", "'", "’", ", ", ".", "--", "''", "_", "\n", " - ", "é", "1"]
    probes = ["violation", "raises", "phone", "rings", "government", "strings", "neil", "naive", "string"]
    for _ in range(2000):
        body = "".join(rnd.choice(words) + rnd.choice(joins) for _ in range(rnd.randint(1, 25)))
        stems = {_stem(w) for w in _BODY_WORD_RE.findall(body)}
        for lw in probes:
            assert _body_has_stem(body.lower(), _stem(lw)) == (_stem(lw) in stems), (body, lw)
