"""A document's language facts (``qa.language.LanguageIds``): every text identified once, with
the same answers as identifying each text on its own."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from qa import language
from qa.api import check_text
from qa.config import Settings
from qa.readers import make_document
from qa.scope import clearly_not_english, function_pattern, function_word_starts
from qa.words import TOKEN_RE, en_function_re

ENGLISH = (
    "The city council met on Thursday evening to discuss the plan for the new bridge over the river, "
    "and most of the members said that they would support it if the costs stayed within the budget. "
    "The mayor told reporters after the meeting that work could start in the spring."
)
GERMAN = ("Die Stadtverwaltung hat gestern neue Regeln für den Verkehr in der Innenstadt vorgestellt. "
          "Ab dem Sommer dürfen Lieferwagen nur noch am frühen Morgen fahren.")
SPANISH = "El ayuntamiento aprobó ayer un nuevo presupuesto para las escuelas de la provincia."
#: English paragraphs, a German paragraph, and a Spanish sentence inside an English paragraph
MIXED = (ENGLISH + "\n\n" + GERMAN + "\n\n" + ENGLISH.replace("The mayor", SPANISH + " The mayor")
         + "\n\n" + ENGLISH + "\n")


class _Forgetful(dict):
    """A memo that never answers: the cross-document memo switched off."""

    def get(self, key, default=None):
        return default


def _count_predictions(monkeypatch, cross_document: bool) -> list[str]:
    calls: list[str] = []
    model = language._fasttext_model()
    real = model.predict

    def counting(text, k=1, *args, **kwargs):
        calls.append(text)
        return real(text, k, *args, **kwargs)

    monkeypatch.setattr(model, "predict", counting)
    monkeypatch.setattr(language, "_FT_CACHE", {} if cross_document else _Forgetful())
    return calls


@pytest.fixture
def predicted(monkeypatch):
    """The texts the fastText model is asked about, with only the document's own memo."""
    return _count_predictions(monkeypatch, cross_document=False)


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_a_document_with_a_foreign_passage_has_each_text_identified_once(predicted):
    # LANG001, LANG002, the English-only rules' scope decision (PRN is English-only) and the
    # result's language field all read the document's language
    res = check_text(MIXED, select=["LANG", "PRN"])
    found = sorted((f.rule, MIXED[f.start:f.end]) for f in res.findings)
    assert found == [("LANG002", GERMAN), ("LANG002", SPANISH)]
    assert res.language == "en"
    repeats = {t: n for t, n in Counter(predicted).items() if n > 1}
    assert repeats == {}
    assert predicted.count(_norm(MIXED)) == 1  # the whole text: once for four readers
    # the English paragraphs never reach the model (LANG002's gate); the German paragraph and the
    # Spanish sentence do, once each
    assert sorted(predicted) == sorted([_norm(MIXED), _norm(GERMAN), _norm(SPANISH)])


def test_the_same_document_checked_again_asks_the_model_nothing_new(monkeypatch):
    predicted = _count_predictions(monkeypatch, cross_document=True)
    check_text(MIXED, select=["LANG"])
    first = list(predicted)
    check_text(MIXED, select=["LANG"])
    assert predicted == first  # a second document with the same text: the cross-document memo


@pytest.mark.parametrize("text", [GERMAN * 3, MIXED])
def test_the_fast_profile_pays_language_id_once(predicted, text):
    fast = Settings(ignore=("LANG001", "LANG002", "MT104", "SRC005", "SRC006", "SRC017"))
    res = check_text(text, fast)
    assert res.language == ("de" if text.startswith("Die") else "en")
    assert predicted == [_norm(text)]
    if text.startswith("Die"):  # German: the scope decision read the same answer
        assert not any(f.rule.startswith(("MT", "GRAM", "PRN", "FRAG")) for f in res.findings)


def test_the_language_facts_are_the_documents_own():
    doc = make_document(MIXED)
    ids = language.ids_of(doc)
    assert language.ids_of(doc) is ids and doc.facts.language_ids is ids
    assert doc.facts.language == ids.detect(MIXED) == language.detect(MIXED)
    assert language.ids_of(make_document(MIXED)) is not ids


# ---------------------------------------------------------------- the same answers as before
def _reference(text: str, backend: str, k: int) -> list[tuple[str, float]]:
    """Language ID of one text as it was made before the per-document facts: normalise, cut,
    ask the model for the top max(k, 5) and keep k."""
    text = " ".join(text[:6000].split())
    if not text:
        return []
    text = text[:5000]
    kk = max(k, 5)
    if backend == "fasttext":
        if not text.isascii():
            text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        labels, probs = language._fasttext_model().predict(text, k=kk)
        return [(lab.removeprefix("__label__"), float(min(p, 1.0))) for lab, p in zip(labels, probs)][:k]
    from langdetect.lang_detect_exception import LangDetectException

    det = language._langdetect_factory().create()
    det.seed = 0
    det.append(text)
    try:
        langs = det.get_probabilities()
    except LangDetectException:
        return []
    return [(str(x.lang).split("-")[0], float(x.prob)) for x in langs[:kk]][:k]


VARIED = [
    ENGLISH, GERMAN, SPANISH, MIXED,
    "Le conseil municipal a voté hier soir le budget des écoles pour l'année prochaine.",
    "Il consiglio comunale ha approvato ieri sera il bilancio delle scuole.",
    "Gemeenteraad keurde gisteren de begroting voor de scholen van volgend jaar goed.",
    "Rada miasta przyjęła wczoraj budżet szkół na przyszły rok.",
    "Городской совет вчера утвердил бюджет школ на следующий год.",
    "市议会昨天批准了明年的学校预算，工程将在春季开始。",
    "市議会は昨日、来年度の学校予算を承認しました。",
    "시의회는 어제 내년 학교 예산을 승인했다.",
    "مجلس المدينة وافق أمس على ميزانية المدارس للعام المقبل.",
    "สภาเมืองอนุมัติงบประมาณโรงเรียนสำหรับปีหน้าเมื่อวานนี้",
    "Ο δημοτικό συμβούλιο ενέκρινε χθες τον προϋπολογισμό των σχολείων.",
    "  The  council\tmet\n\non   Thursday.  ",  # white space the model does not see
    "The council met on Thursday.",  # ... the same text as the model reads it
    "Paris, Berlin, Madrid, Rome, Lisbon",
    "Prices rose 3.5% in May; 12,400 jobs.",
    "Short.", "", "   \n\t ", "😀😀😀 🎉",
    "A lone surrogate \ud800 in the middle of an English sentence about the council.",
    ("Die Stadt plant neue Radwege. " * 300) + ENGLISH,  # past the 5,000 characters the model reads
    "İstanbul'da belediye meclisi dün okul bütçesini onayladı.",
]


@pytest.mark.parametrize("backend", language.BACKENDS)
def test_document_answers_equal_identifying_each_text_alone(backend):
    ids = language.LanguageIds()
    for text in VARIED:
        for k in (1, 7, 3, 5):  # a smaller k after a larger one reads the same answer's head
            want = _reference(text, backend, k)
            assert ids.probabilities(text, backend, k) == want, (text[:40], k)
            assert language.probabilities(text, backend, k) == want
        assert ids.detect(text, backend) == language.detect(text, backend)


def test_lang_findings_equal_those_without_the_per_document_answers(monkeypatch):
    texts = [MIXED, GERMAN * 4, ENGLISH + "\n\n" + VARIED[4] + "\n\n" + ENGLISH,
             ENGLISH + " " + VARIED[9] + " " + ENGLISH, VARIED[-2]]

    def findings():
        return [[(f.rule, f.start, f.end, f.message, f.confidence) for f in check_text(t, select=["LANG"]).findings]
                + [check_text(t, select=["LANG"]).language] for t in texts]

    shared = findings()
    # each text identified on its own every time it is asked about (no memo at all)
    monkeypatch.setattr(language.LanguageIds, "probabilities",
                        lambda self, text, backend=language.DEFAULT_BACKEND, k=3: _reference(text, backend, k))
    assert findings() == shared
    assert {r for doc in shared for r, *_ in doc[:-1]} == {"LANG001", "LANG002"}


# ---------------------------------------------------------------- the scope decision
def _old_decision(text: str) -> bool:
    sample = text[:6000]
    n_words = sum(1 for _ in TOKEN_RE.finditer(sample))
    if n_words < 8:
        return False
    if sum(1 for _ in en_function_re().finditer(sample)) >= 0.15 * n_words:
        return False
    lang, p = language.detect(text)
    return lang is not None and lang != "en" and p >= 0.8


@pytest.mark.parametrize("text", [
    ENGLISH, GERMAN, GERMAN * 60, MIXED, SPANISH * 3, VARIED[8] * 3, VARIED[9] * 3,
    "İSTANBUL " + GERMAN,  # İ: the lower-cased text is not used
    "THE COUNCIL MET ON THURSDAY AND THE MAYOR SAID THAT THE BRIDGE WOULD OPEN IN MAY.",
    "Die Stadt und the council: Abgeordnete, Bürger, Straßen, Busse, Fahrpreise, Kosten.",
    ("x " * 2999) + "the of and to in " + GERMAN,  # function words right at the 6,000-character cut
    "The \u212aelvin sign and the council, the bridge, the river.",
])
def test_scope_decision_equals_the_old_one(text):
    assert clearly_not_english(make_document(text)) == _old_decision(text)
    assert re.search(r"\S", text)


# ---------------------------------------------------------------- function words read once
@pytest.mark.parametrize("word", ["the", "theory", "of", "offer", "THE", "about", "İstanbul", "x"])
@pytest.mark.parametrize("at", [5990, 5997, 5998, 5999, 6000, 6001])
def test_function_words_past_the_scope_sample_equal_one_scan_of_the_text(word, at):
    text = ("a " * 3100)[:at - 1] + " " + word + " the council of the city and " + ENGLISH  # word at `at`
    doc = make_document(text)
    clearly_not_english(doc)  # the scope decision reads the first 6,000 characters first
    pattern, scan = function_pattern(doc)
    for start in (0, 17, at - 1, at, at + 2, 6000):
        assert function_word_starts(doc, start) == [m.start() for m in pattern.finditer(scan, start)]
    # the word cut by the sample's end counts as itself, not as the part the sample holds
    assert (at in function_word_starts(doc)) == (word.lower() in {"the", "of", "about"})
