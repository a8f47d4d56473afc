"""Document language identification (seeded, so results are deterministic).

The default backend is langdetect with a fixed seed. Short or empty texts get ``None``.
"""

from __future__ import annotations

from functools import lru_cache

from qa.document import Document

_MIN_CHARS = 20  # below this, language ID is guesswork


@lru_cache(maxsize=1)
def _langdetect():
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    from langdetect import detect_langs

    return detect_langs


def detect(text: str) -> tuple[str | None, float]:
    if len(text.strip()) < _MIN_CHARS:
        return None, 0.0
    from langdetect import DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    detect_langs = _langdetect()
    DetectorFactory.seed = 0
    try:
        best = detect_langs(text[:5000])[0]
    except LangDetectException:
        return None, 0.0
    return best.lang, float(best.prob)


def document_language(doc: Document) -> str | None:
    if doc.lang:
        return doc.lang
    cached = doc.meta.get("_lang")
    if cached is not None:
        return str(cached) or None
    lang, _ = detect(doc.text)
    return lang
