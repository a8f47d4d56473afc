"""Which rules run on which documents: English-only rules skip documents clearly in another language.

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
"""

from __future__ import annotations

import re

from qa import fastpath
from qa.document import Document
from qa.model import Rule
from qa.words import TOKEN_RE, en_function_re

ENGLISH_ONLY_FAMILIES = ("MT", "PRN", "FRAG", "GRAM")
ENGLISH_ONLY_CODES = frozenset({f"BP1{i:02d}" for i in range(1, 13)} | {"META101", "META102", "META103"})
MIN_WORDS = 8
MIN_PROB = 0.8
#: a document whose share of English function words is at least this is English enough: no
#: language ID is run for it
EN_SHARE = 0.15
_EN_FUNCTION_LOWER_RE = re.compile(en_function_re().pattern)


def english_only(rule: Rule) -> bool:
    code = rule.code
    return code in ENGLISH_ONLY_CODES or code.rstrip("0123456789") in ENGLISH_ONLY_FAMILIES


def clearly_not_english(doc: Document) -> bool:
    return doc.facts.once("not_english", lambda: _decide(doc))


def _decide(doc: Document) -> bool:
    if doc.lang:
        return doc.lang.lower().split("-")[0].split("_")[0] != "en"
    sample = doc.text[:6000]
    n_words = len(TOKEN_RE.findall(sample))
    if n_words < MIN_WORDS:
        return False
    # the function words of the sample, counted in the lower-cased text when it matches the same
    # words (qa.fastpath.lowered): a case-sensitive pattern costs half a case-insensitive one
    low = fastpath.lowered(doc)
    n_function = len(_EN_FUNCTION_LOWER_RE.findall(low[:6000])) if low is not None \
        else len(en_function_re().findall(sample))
    if n_function >= EN_SHARE * n_words:
        return False
    lang, p = doc.facts.language
    return lang is not None and lang != "en" and p >= MIN_PROB


_SPLIT: dict[int, tuple[tuple[Rule, ...], tuple[Rule, ...]]] = {}


def rules_for(doc: Document, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """``rules`` without the English-only ones when ``doc`` is clearly not in English."""
    key = id(rules)
    split = _SPLIT.get(key)
    if split is None or split[0] is not rules:
        split = (rules, tuple(r for r in rules if not english_only(r)))
        if len(_SPLIT) > 64:
            _SPLIT.clear()
        _SPLIT[key] = split
    if len(split[1]) == len(rules):
        return rules
    return split[1] if clearly_not_english(doc) else rules
