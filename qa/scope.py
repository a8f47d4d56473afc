"""Which rules run on which documents: English-only rules skip documents clearly in another
language, and the source-target rules (SRC) documents without a source.

A rule is English-only when what it looks for is English: the machine-translation patterns
(MT), pronouns (PRN), fragments (FRAG), grammar (GRAM), the boilerplate phrase lists (BP101-BP112)
and the byline, dateline and photo-credit lines (META101-META103). Every other rule (encoding,
white space, punctuation, page layout, markup, repeated lines, duplicates, language) is
language-neutral.

A document is *clearly in another language* when its record names a language other than English
(a ``lang`` field), or, with at least ``MIN_WORDS`` words and few English function words,
language ID gives another language with probability ``MIN_PROB`` or more (the same identification
as the result's ``language`` and LANG001, so it is made once per document). Such a document gets
LANG001 and the language-neutral rules only.

The SRC rules compare each segment's target with its source: they run on bilingual documents
(``qa.bilingual.model.BilingualDocument``: XLIFF, PO, TMX, source-target records) only, and a
monolingual document does not import their module.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from qa import fastpath
from qa.bilingual.model import BilingualDocument
from qa.document import Document
from qa.model import Rule
from qa.words import TOKEN_RE, en_function_re, stopwords

ENGLISH_ONLY_FAMILIES = ("MT", "PRN", "FRAG", "GRAM")
#: the families of rules that read a source beside the target (bilingual documents only)
SOURCE_FAMILIES = ("SRC",)
ENGLISH_ONLY_CODES = frozenset({f"BP1{i:02d}" for i in range(1, 13)} | {"META101", "META102", "META103"})
MIN_WORDS = 8
MIN_PROB = 0.8
#: a document whose share of English function words is at least this is English enough: no
#: language ID is run for it
EN_SHARE = 0.15
#: the characters read for the decision
SAMPLE = 6000
_EN_FUNCTION_LOWER_RE = re.compile(en_function_re().pattern)
#: every function word is letters only, so a match is a whole run of word characters: the
#: matches before a non-word character do not depend on the text after it
_WHOLE_WORDS = all(re.fullmatch("[a-z]+", w) for w in stopwords("en_function"))


def english_only(rule: Rule) -> bool:
    code = rule.code
    return code in ENGLISH_ONLY_CODES or code.rstrip("0123456789") in ENGLISH_ONLY_FAMILIES


def needs_source(rule: Rule) -> bool:
    """Whether ``rule`` compares a target with its source (an SRC rule): it finds nothing in a
    document without one."""
    return rule.code.rstrip("0123456789") in SOURCE_FAMILIES


def clearly_not_english(doc: Document, assume: str | None = None) -> bool:
    """Whether ``doc`` is clearly not in English: its record says so, or language ID does. With
    ``assume`` (a language code: ``language-id = false``) no language is identified: a document
    whose record names no language is taken to be in ``assume``."""
    if assume is not None:
        return _named_not_english(doc.lang or assume)
    return doc.facts.once("not_english", lambda: _decide(doc))


def _named_not_english(lang: str) -> bool:
    return lang.lower().split("-")[0].split("_")[0] != "en"


def _decide(doc: Document) -> bool:
    if doc.lang:
        return _named_not_english(doc.lang)
    sample = doc.text[:SAMPLE]
    n_words = TOKEN_RE.subn("", sample)[1]  # the number of words (no list of them made)
    if n_words < MIN_WORDS:
        return False
    if len(_function_sample(doc)[0]) >= EN_SHARE * n_words:
        return False
    lang, p = doc.facts.language
    return lang is not None and lang != "en" and p >= MIN_PROB


def function_pattern(doc: Document) -> tuple[re.Pattern[str], str]:
    """The English function-word pattern and the text to run it on: the lower-cased text with a
    case-sensitive pattern (half the cost of a case-insensitive one) when the two match the same
    words (``qa.fastpath.lowered``), else the text itself."""
    low = fastpath.lowered(doc)
    return (_EN_FUNCTION_LOWER_RE, low) if low is not None else (en_function_re(), doc.text)


def _function_sample(doc: Document) -> tuple[list[int], int]:
    return doc.facts.once("en_function_sample", lambda: _sample_of(doc))


def _sample_of(doc: Document) -> tuple[list[int], int]:
    pattern, scan = function_pattern(doc)
    starts = [m.start() for m in pattern.finditer(scan, 0, SAMPLE)]  # = in scan[:SAMPLE]
    if len(scan) <= SAMPLE:
        return starts, len(scan)
    # the words before a space or line break of the sample are the whole text's (-1 + 1: none)
    cut = max(scan.rfind(" ", 0, SAMPLE), scan.rfind("\n", 0, SAMPLE)) + 1 if _WHOLE_WORDS else 0
    return starts, cut


def function_word_starts(doc: Document, start: int = 0) -> list[int]:
    """The start offsets of the English function words at or after ``start`` (those of
    ``function_pattern(doc)`` over the whole text). The first ``SAMPLE`` characters' words,
    found for the scope decision, are read again only past their last space or line break."""
    pattern, scan = function_pattern(doc)
    starts, cut = _function_sample(doc)
    if start >= cut:
        return [m.start() for m in pattern.finditer(scan, start)]
    head = starts[bisect_left(starts, start) : bisect_left(starts, cut)]
    return head + [m.start() for m in pattern.finditer(scan, cut)]


_SPLIT: dict[int, tuple[tuple[Rule, ...], ...]] = {}


def rules_for(doc: Document, rules: tuple[Rule, ...], assume: str | None = None) -> tuple[Rule, ...]:
    """``rules`` without the English-only ones when ``doc`` is clearly not in English
    (``clearly_not_english``; ``assume``: the language of a document whose record names none,
    with no language ID), and without the SRC rules when it has no source."""
    key = id(rules)
    split = _SPLIT.get(key)
    if split is None or split[0] is not rules:
        neutral = tuple(r for r in rules if not english_only(r))
        split = (rules, neutral, tuple(r for r in rules if not needs_source(r)),
                 tuple(r for r in neutral if not needs_source(r)))
        if len(_SPLIT) > 64:
            _SPLIT.clear()
        _SPLIT[key] = split
    mono = 0 if isinstance(doc, BilingualDocument) else 2
    if len(split[1]) == len(rules):
        return split[mono]
    return split[mono + 1] if clearly_not_english(doc, assume) else split[mono]
