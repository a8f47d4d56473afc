"""The seed article's defects that the MT checks own, and its clean sentences."""

from __future__ import annotations

from conftest import SAMPLES
from qa.api import check_text

SEED = (SAMPLES / "000_6ee191c9a62c81e0.txt").read_text(encoding="utf-8")
OTHER = (SAMPLES / "003_6687bd05b09e0dcc.txt").read_text(encoding="utf-8")
CODES = ["MT101", "MT102", "MT103", "MT104", "MT105", "PRN", "FRAG", "GRAM101", "LANG"]

MUST = {
    "rape": "mistranslation",
    "?: Government WhatsApp": "mistranslation",
    "In May.": "fragment",
    "he did not consider it appropriate": "pronoun",
    "his inability to return to work": "pronoun",
    "work The security architecture": "grammar",
    "But he has tried to control": "pronoun",
}
CLEAN = [
    "The government refuted the accusation and said it had not unleashed Pegasus against activists and lawyers.",
    "The government's focus, so far, is on WhatsApp and a decision on convening the NSO Group has not yet been made.",
    "In recent years, the Indian authorities have asked WhatsApp to develop a mechanism through which they can "
    "share the phone number of a sender whose message can cause social unrest.",
]
CLEAN_003 = [
    "NSO denies the charges.",
    "WhatsApp says its messages are end-to-end encrypted and cannot be traced.",
    "Moitra has sought to be impleaded in a case involving traceability of social media messages and the "
    "linking of Aadhaar with social media accounts.",
]


def test_every_must_defect_of_these_checks_is_found():
    findings = check_text(SEED, select=CODES).findings
    for quote, category in MUST.items():
        a = SEED.index(quote)
        b = a + len(quote)
        hits = [f for f in findings if f.start < b and f.end > a and f.category == category]
        assert hits, f"not found: {quote!r}"


def test_clean_sentences_get_no_warning():
    for text, sentences in ((SEED, CLEAN), (OTHER, CLEAN_003)):
        findings = [f for f in check_text(text, select=CODES).findings if f.severity != "info"]
        for s in sentences:
            a = text.index(s)
            b = a + len(s)
            assert not [f for f in findings if f.start < b and f.end > a], s


def test_human_seed_gets_no_warning_from_these_checks():
    # 003 is human-written English: persons (Moitra ... she said) keep their pronouns
    findings = [f for f in check_text(OTHER, select=CODES).findings if f.severity != "info"]
    assert [(f.rule, OTHER[f.start:f.end]) for f in findings] == []
