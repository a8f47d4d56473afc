"""qa.language backends and LANG001/LANG002."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from qa import language
from qa.config import Settings
from qa.api import check_text

DATA = Path(__file__).parent / "data" / "langid_sentences.tsv"
ROWS = [line.split("\t") for line in DATA.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")]


@pytest.mark.parametrize("backend", language.BACKENDS)
def test_backends_identify_short_sentences(backend):
    right = sum(1 for lang, s in ROWS if (language.probabilities(s, backend, 1) or [("?", 0)])[0][0] == lang)
    assert right >= 0.95 * len(ROWS)


@pytest.mark.parametrize("backend", language.BACKENDS)
def test_backends_are_deterministic(backend):
    texts = [s for _, s in ROWS[:20]] + ["Prices rose 3.5% in May.", "No comment."]
    first = [language.probabilities(t, backend, 3) for t in texts]
    assert [language.probabilities(t, backend, 3) for t in texts] == first


def test_fasttext_backend_reads_the_packaged_model_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("language identification tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    language._fasttext_model.cache_clear()
    assert language.model_path().endswith("lid.176.ftz")
    assert language.detect("Die Regierung hat gestern neue Maßnahmen angekündigt.")[0] == "de"


def test_document_language_keeps_the_reader_label_and_detects_otherwise():
    from qa.readers import make_document

    assert language.document_language(make_document("Bonjour tout le monde", lang="fr")) == "fr"
    doc = make_document("The government announced new measures against inflation yesterday.")
    assert language.document_language(doc) == "en"
    assert language.document_language(make_document("Too short")) is None


def test_lang001_flags_a_spanish_document_and_respects_expected_language():
    text = ("El gobierno anunció ayer nuevas medidas para controlar la inflación. Los ministros se "
            "reunieron durante tres horas sin llegar a un acuerdo.")
    res = check_text(text, select=["LANG001"])
    assert [f.rule for f in res.findings] == ["LANG001"]
    assert "Spanish (es" in res.findings[0].message
    spanish = Settings(select=("LANG001",), lang="es")
    assert check_text(text, spanish).findings == []
    opt = Settings(select=("LANG001",), rules={"LANG001": {"expected": "es"}})
    assert check_text(text, opt).findings == []


def test_lang002_flags_an_untranslated_sentence_with_either_backend():
    text = ("The ministry summoned the officials on Monday. They did not explain the delay. "
            "Le gouvernement a annoncé de nouvelles mesures contre l'inflation. The meeting ended "
            "without an agreement.")
    for backend in language.BACKENDS:
        s = Settings(select=("LANG002",), rules={"LANG002": {"backend": backend}})
        found = [text[f.start:f.end] for f in check_text(text, s).findings]
        assert found == ["Le gouvernement a annoncé de nouvelles mesures contre l'inflation."], backend


def test_lang002_short_english_with_foreign_names_stays_quiet():
    text = ("Vladimir Putin met Xi Jinping in Beijing. Prices rose 3.5% in May. Apple, Samsung and "
            "Xiaomi agreed. Viva la France, they shouted.")
    assert check_text(text, select=["LANG002"]).findings == []


def test_lang002_counts_characters_in_scripts_without_spaces():
    text = ("The ministry summoned the officials on Monday. 政府昨天宣布了应对通货膨胀的新措施。 "
            "The meeting ended without an agreement.")
    found = check_text(text, select=["LANG002"]).findings
    assert [text[f.start:f.end] for f in found] == ["政府昨天宣布了应对通货膨胀的新措施。"]
    assert "Chinese (zh" in found[0].message


_LONG_ENGLISH = (
    "The ministry summoned the officials on Monday to explain why they had not disclosed the breach "
    "when it happened. They said that the report would be ready by the end of the month, and that "
    "the company had already contacted the people whose data was exposed. "
)


@pytest.mark.parametrize("foreign", [
    "Het is een mooie dag en de zon schijnt over het hele land.",  # Dutch shares "is" with English
    "Die Regierung hat gestern neue Maßnahmen gegen die Inflation angekündigt.",
    "El gobierno anunció ayer nuevas medidas para controlar la inflación en el país.",
])
def test_lang002_gate_still_sends_a_foreign_sentence_to_language_id(foreign):
    text = _LONG_ENGLISH * 2 + foreign + " " + _LONG_ENGLISH
    gated = [text[f.start:f.end] for f in check_text(text, select=["LANG002"]).findings]
    full = [text[f.start:f.end] for f in check_text(
        text, Settings(select=("LANG002",), rules={"LANG002": {"gate": False}})).findings]
    assert gated == full == [foreign]


def test_lang002_gate_skips_language_id_on_english_prose(monkeypatch):
    calls: list[str] = []
    real = language.LanguageIds.probabilities

    def counting(self, text, backend=language.DEFAULT_BACKEND, k=3):
        calls.append(text)
        return real(self, text, backend, k)

    monkeypatch.setattr(language.LanguageIds, "probabilities", counting)
    text = "\n\n".join([_LONG_ENGLISH] * 6)
    assert check_text(text, select=["LANG002"]).findings == []
    # only whole-document calls (this rule's and the result's language field): no paragraph or
    # sentence reached the model
    assert calls and all(len(c) > 1000 for c in calls)
    calls.clear()
    check_text(text, Settings(select=("LANG002",), rules={"LANG002": {"gate": False}}))
    assert len(calls) > 6  # without the gate every paragraph and sentence is identified
