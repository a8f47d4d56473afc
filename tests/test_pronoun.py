"""PRN001 on the seed article and on focused cases."""

from __future__ import annotations

from conftest import SAMPLES
from qa.api import check_text

SEED = (SAMPLES / "000_6ee191c9a62c81e0.txt").read_text(encoding="utf-8")


def _prn(text: str):
    return [f for f in check_text(text, select=["PRN001"]).findings if f.rule == "PRN001"]


def test_seed_three_pronoun_errors_found_with_antecedent_and_suggestion():
    found = _prn(SEED)
    got = [(SEED[f.start:f.end], f.suggestion) for f in found]
    assert got == [("he", "it"), ("his", "its"), ("he", "it")]
    quotes = ["he did not consider it appropriate", "his inability to return to work", "But he has tried to control"]
    for f, q in zip(found, quotes):
        at = SEED.index(q)
        assert at <= f.start < at + len(q)
    assert "WhatsApp" in found[0].message and "WhatsApp" in found[1].message
    assert "entity owned by Facebook" in found[2].message
    assert all(f.severity == "info" for f in found)  # support of one dev story: info


def test_persons_nearby_keep_their_pronouns():
    text = ("WhatsApp met the ministry. Its top executives, Will Cathcart and Nick Clegg, did not "
            "inform the authorities. He later apologised.")
    assert _prn(text) == []
    text = "Moitra has sought to be impleaded in the case against WhatsApp. She said the company had failed."
    assert _prn(text) == []


def test_speaker_evidence_elsewhere_in_document_marks_a_person():
    text = "Neumann said the plan was sound. The company lost money this year. He also agreed to return the cash."
    assert _prn(text) == []
    # without a person in the window, the company is the only candidate
    text = "The plan was sound. The company lost money this year. He also agreed to return the cash."
    assert [text[f.start:f.end] for f in _prn(text)] == ["He"]


def test_her_before_noun_suggests_its_and_object_her_suggests_it():
    text = "The airline cut prices last year. Her profits fell."
    found = _prn(text)
    assert [(text[f.start:f.end], f.suggestion) for f in found] == [("Her", "Its")]
    # an object pronoun cannot refer to the subject of its own clause ("the court ordered her")
    text2 = "The company was fined. The court ordered her to pay."
    assert _prn(text2) == []
    text3 = "The company was fined on Monday. The ruling forced him to pay."
    assert [(text3[f.start:f.end], f.suggestion) for f in _prn(text3)] == [("him", "it")]


def test_speaker_name_starts_match_their_definition_and_stay_linear():
    import re

    from qa.checks import pronoun

    # the definition: a capital no word character precedes, in a run of letters and hyphens
    # before a reporting verb (a look-ahead from each capital: quadratic on "A-B-C-...")
    definition = re.compile(rf"[A-Z](?<!\w[A-Z])(?=[A-Za-z\-]+\s+(?:{pronoun._SPEAKER_VERBS})\b)")
    for text in ("Jean-Luc Picard said no.", "Ann-Marie  told them; ex-Minister Ruiz said so.",
                 "2Pac said it.", "éAnna said it.", "_Bo said.", "A said.", "Al saidx.", "-Al wrote\n",
                 "US-born analyst-Kim noted", "Bob-", "Ana-B said", ""):
        assert sorted(pronoun._speaker_name_starts(text)) == sorted(
            m.start() for m in definition.finditer(text)), text
    run = "A-" * 40_000 + "B said"  # 80,000 characters: one pass, where the look-ahead took ~2.5 s
    starts = list(pronoun._speaker_name_starts(run))
    assert len(starts) == 40_000 and starts[0] == 0 and starts[-1] == 79_998  # a lone last capital is no name
    assert [m.group(1)[-3:] for m in pronoun._speaker_matches(run)] == ["A-B"]
