"""MT104: sentences whose words look nothing like English words (garble score outliers)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import compress
from operator import eq

from qa.lazyre import lazy_compile
from qa import garble
from qa.document import Document
from qa.textfind import find_all, finditer_at
from qa.model import Hit, bad, good
from qa.registry import rule
from qa.warmup import loader
from qa.words import SPACE_RE

_LINE_RE = lazy_compile(r"[^\r\n]+")


@rule(
    code="MT104",
    name="garbled-sentence",
    category="mistranslation",
    summary="A sentence whose words are far less word-like than English (mojibake, character noise)",
    severity="warning",
    options={"model": "", "threshold": 4.0, "min_words": 6},
    examples=(
        bad("The report was published on Monday. [[Ã©tÃ© trÃ¨s difficile pour les Ã©lÃ¨ves et les "
            "professeurs.]] The minister declined to comment."),
        bad("The report was published on Monday. [[Xkq zvbrt pplmn qwwr tkkf bzzt vvrk.]]"),
        bad("The shop opened in May. [[La sociÃ©tÃ© a annoncÃ© une hausse trÃ¨s nette des bÃ©nÃ©fices.]] Prices rose."),
        good("Maxim Reshetnikov and Radiy Khabirov visited the Toratau Geopark in Bashkortostan."),
        good("This is helicodiceros muscivorus, also known as dead horse arum."),
        good("Contact Dear Abby at www.DearAbby.com or P.O. Box 69440, Los Angeles, CA 90069."),
        good("Lunch: quinoa, veggie, and feta salad"),
        good("V = w₁ ⋅ LogicScore + w₂ ⋅ Novelty∞ + w₃ ⋅ log(Impact) + w₄ ⋅ ΔRepro"),
    ),
)
def garbled_sentence(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    A sentence whose garble score is above `threshold`: its words (names, acronyms, numbers and
    web addresses left out) cost far more characters' worth of probability under a SentencePiece
    model of English words than ordinary prose does.

    ## How it is measured
    The shipped model (`qa/data/garble_en.model`) is a SentencePiece unigram model trained on the
    50,000 most frequent English words of the `wordfreq` package. A word's cost is the negative
    log-probability of its best segmentation into pieces; the sentence score is the summed cost
    per character (nats). On human news (lines of 6+ scored words) the 99th percentile is 3.1
    and the maximum 3.5; machine-translated segments peak at 3.9; mojibake (`Ã©tÃ©`) scores about
    4.7 and random letters about 6.9, so the default threshold of 4.0 flags only clear outliers. Word salad made of real words is out of reach of this score.

    ## Options
    `model`: path to your own model, made with `qa train-garble CORPUS... -o MODEL` (empty: the
    shipped one). `threshold`: the score above which a sentence is flagged. `min_words` (6): lines
    with fewer scored words are skipped, because a few rare words ("quinoa, veggie, and feta
    salad") make a short line score like noise.

    ## How to fix
    Re-decode the text (mojibake), or retranslate or delete the garbled sentence.
    """
    model = str(opts.get("model") or "") or None
    threshold = float(opts.get("threshold", 4.0))  # type: ignore[arg-type]
    min_words = int(opts.get("min_words", 6))  # type: ignore[arg-type]
    text = doc.text
    scorer = garble.scorer(model)
    # a line is a run of consecutive tokens: most documents have no run that can reach the threshold
    if not any(scorer.may_reach(toks, threshold, min_words) for toks in _token_runs(text, doc)):
        return
    for sa, sb in doc.sentences:
        # a sentence that spans lines (a scraped menu, a list) is scored line by line
        for m in _LINE_RE.finditer(text, sa, sb):
            a, b = m.span()
            toks = text[a:b].split()
            if not scorer.line_may_reach(toks, threshold, min_words):
                continue  # one sum says the line cannot score the threshold (an exact bound)
            sc = scorer.score_tokens(toks)
            if sc is None or sc.n_words < min_words or sc.score < threshold:
                continue
            yield Hit(
                a,
                b,
                f"Garbled sentence: garble score {sc.score:.2f} (threshold {threshold:g}); least word-like: "
                + ", ".join(f"'{w}'" for w in sc.worst),
                confidence=round(min(1.0, 0.5 + (sc.score - threshold) / 4), 3),
            )


# a word or a phrase of up to four words, then at least three more copies of it on the same line
_LOOP_RE = lazy_compile(r"\b(?P<unit>\w\w+(?:[ \t]+\w+){0,3}?)(?:[ \t,;、]+(?P=unit)\b){3,}", re.I)


@rule(
    code="MT105",
    name="repetition-loop",
    category="mistranslation",
    summary="A word or phrase repeated four or more times in a row (a machine-translation loop)",
    severity="info",
    options={"min_repeats": 4},
    examples=(
        bad("The prime minister visited the University of [[Bern, Bern, Bern, Bern, Bern]]."),
        bad("He said [[the deal is off the deal is off the deal is off the deal is off]] again."),
        good("Prioritize, prioritize, prioritize: that was her advice."),
        good("The vote was 4, 4, 3 and 2 in the four rounds."),
    ),
)
def repetition_loop(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    The same word or short phrase four or more times in a row: "University of Bern, Bern,
    Bern, Bern, Bern".

    ## Why it matters
    Neural machine translation sometimes falls into a loop and emits the same token until the
    length limit. People repeat a word for emphasis two or three times ("prioritize, prioritize,
    prioritize"), rarely four.

    ## How to fix
    Delete the copies and check the sentence against the source: the loop usually replaced the
    rest of the translation.
    """
    need = int(opts.get("min_repeats", 4))  # type: ignore[arg-type]
    text = doc.text
    for m in _loops(text, doc.facts.lower):
        unit = m.group("unit")
        if unit.isdigit():
            continue
        n = len(re.findall(r"\b" + re.escape(unit) + r"\b", m.group(0), re.I))
        if n < need:
            continue
        yield Hit(m.start(), m.end(), f"'{unit}' repeated {n} times in a row: a translation loop?",
                  suggestion=unit, confidence=0.9)


_ZERO_SLOT = b"\0" * 8


def _loops(text: str, low: str | None = None) -> Iterator[re.Match[str]]:
    """The matches of ``_LOOP_RE.finditer(text)``, found fast.

    A loop's second and third copies are made of whole fields (the text split at white space,
    commas and semicolons), so a loop needs the same field ``d`` fields apart (``d`` = words per
    copy, 1 to 4): hashes of the lower-cased fields find those pairs in a few array operations,
    and ``_LOOP_RE`` is then tried only where the first word of such a pair occurs. Lower-casing
    keeps offsets and matches the regex's case-insensitive backreference except for "İ" (two
    characters lower-cased) and "Σ" (lower-cased by context): text with either takes the plain scan.
    """
    if "\u0130" in text or "\u03a3" in text:
        yield from _LOOP_RE.finditer(text)
        return
    if low is None:
        low = text.lower()  # (the document's lower-cased text, ``doc.facts.lower``, when it is given)
    words = _loop_words(low)
    if not words:
        return
    yield from finditer_at(_LOOP_RE, text, (p for w in words for p in find_all(low, w)))


#: a long text's fields are read this many characters at a time (cut at a space), each piece
#: with the last fields of the one before: a loop spans at most 16 fields, so none is missed
_LOOP_PIECE_CHARS = 1 << 20
_LOOP_OVERLAP = 16


def _loop_words(low: str) -> set[str]:
    """Lower-cased first words of every possible loop in ``low`` (a superset)."""
    if len(low) <= _LOOP_PIECE_CHARS:
        return _loop_words_in(_fields(low))
    out: set[str] = set()
    tail: list[str] = []
    a, n = 0, len(low)
    while a < n:
        b = low.find(" ", a + _LOOP_PIECE_CHARS)
        b = n if b < 0 else b
        fields = _fields(low[a:b])
        out |= _loop_words_in(tail + fields)
        tail = (tail + fields)[-_LOOP_OVERLAP:]
        a = b
    return out


def _fields(low: str) -> list[str]:
    return low.replace(",", " ").replace(";", " ").replace("、", " ").split()


def _loop_words_in(fields: list[str]) -> set[str]:
    n = len(fields)
    if n < 4:
        return set()
    if n <= _FEW_FIELDS:
        return _loop_words_plain(fields)
    np = _import_numpy()
    h = np.fromiter(map(hash, fields), np.int64, n)
    out: set[str] = set()
    for d in (1, 2, 3, 4):
        if n < 4 * d:
            break
        # copy 2 starts at field j, copy 3 at j + d (and copy 4 at j + 2d when d > 1); copy 1 at j - d
        eq = h[:-d] == h[d:]
        hit = eq[d : n - 3 * d + 1]
        if d > 1:
            hit = hit & eq[2 * d : n - 2 * d + 1]
        at = np.flatnonzero(hit) + d
        for c in range(0, len(at), 1 << 16):  # a slice at a time: not millions of ints at once
            for j in at[c : c + (1 << 16)].tolist():
                if fields[j] not in out and _loop_at(fields, j, d):  # a word found once is enough
                    out.add(fields[j])
    return out


#: up to this many fields, ``_loop_words_in`` compares the fields themselves (no numpy import
#: for a short document)
_FEW_FIELDS = 1000


def _loop_words_plain(fields: list[str]) -> set[str]:
    """``_loop_words_in`` by comparing fields instead of their hashes: the same pairs pass (the
    hashes only stand in for equality), so the same words come out. The fields ``j`` with
    ``fields[j] == fields[j + d]`` are picked by comparisons made in C (``compress``), in order;
    only those few are looked at in Python."""
    n = len(fields)
    out: set[str] = set()
    for d in (1, 2, 3, 4):
        if n < 4 * d:
            break
        # j from d to n - 3d: fields[d : n - 3d + 1] against fields[2d : n - 2d + 1]
        same = map(eq, fields[d : n - 3 * d + 1], fields[2 * d : n - 2 * d + 1])
        for j in compress(range(d, n - 3 * d + 1), same):
            w = fields[j]
            if (d == 1 or w == fields[j + 2 * d]) and w not in out and _loop_at(fields, j, d):
                out.add(w)
    return out


def _loop_at(f: list[str], j: int, d: int) -> bool:
    """Whether fields ``f`` can hold a loop of ``d``-word units whose second copy starts at ``j``:
    copies 2 and 3 are whole fields; copy 1's first field may carry leading punctuation and copy 4's
    last field trailing punctuation."""
    unit = f[j : j + d]
    if len(unit[0]) < 2 or f[j + d : j + 2 * d] != unit:
        return False
    if not f[j - d].endswith(unit[0]) or f[j - d + 1 : j] != unit[1:]:
        return False
    return f[j + 2 * d : j + 3 * d - 1] == unit[:-1] and f[j + 3 * d - 1].startswith(unit[-1])


#: the tokens of a long text are taken this many characters at a time (cut at line breaks)
_TOKEN_RUN_CHARS = 1 << 20


def _token_runs(text: str, doc: Document | None = None):
    """The text's tokens, in lists cut at line breaks every ``_TOKEN_RUN_CHARS`` characters or so
    (a line scored by MT104 is never cut, so a line that can reach the threshold is a run of one
    list), rather than one list of every token of a long document (about 10 bytes per character).
    A line longer than that is cut at white space between two sentences of ``doc`` (the document
    of ``text``): MT104 scores each sentence's part of a line, so no scored run is cut there."""
    n = len(text)
    a = 0
    while a < n:
        b = a + _TOKEN_RUN_CHARS
        if b < n:
            cut = min((i for i in (text.find("\n", b), text.find("\r", b)) if i >= 0), default=n)
            if cut - b > _TOKEN_RUN_CHARS and doc is not None:  # one very long line
                cut = _sentence_gap(text, doc.sentences, b, cut)
            b = cut
        toks = text[a:b].split() if a or b < n else text.split()
        if toks:
            yield toks
        a = b




def _sentence_gap(text: str, sentences: list[tuple[int, int]], lo: int, hi: int) -> int:
    """The first white-space offset in ``[lo, hi)`` that no sentence holds (``sentences``: in text
    order, not overlapping); ``hi`` when there is none."""
    i = bisect_left(sentences, (lo, -1))  # the first sentence starting at ``lo`` or later
    prev_end = sentences[i - 1][1] if i else 0
    while True:
        gap_end = min(sentences[i][0] if i < len(sentences) else hi, hi)  # the gap before sentence i
        start = max(prev_end, lo)
        if start < gap_end:
            m = SPACE_RE.search(text, start, gap_end)
            if m is not None:
                return m.start()
        if gap_end >= hi:
            return hi
        prev_end = max(prev_end, sentences[i][1])
        i += 1


@lru_cache(maxsize=1)
@loader
def _import_numpy():
    import numpy

    return numpy


#: loaded before any time limit starts (qa.warmup)
WARM_UP = (_import_numpy, garble.scorer)
