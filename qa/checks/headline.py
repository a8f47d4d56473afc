"""MT1xx (headline part): garbled headlines.

A machine-translated headline shows its damage more than the body: it is short, has no context for
the engine, and is often translated on its own. Three signals: a salient word of the headline that
the body never uses (the seed's "rape" for Spanish *violación*, which the body renders as
"violation"), punctuation marks piled up ("?:"), and an attribution tail that lost its preposition
("...: Government WhatsApp" for "...: Govt to WhatsApp").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import islice

from qa.lazyre import lazy_compile
from qa import lexicons
from qa.words import ASCII_WORD_RE, WORD_RE, stopwords
from qa.document import Document
from qa.model import Hit, Severity, bad, good
from qa.registry import rule

_LINE_RE = lazy_compile(r"\A[ \t]*+(?P<t>[^\r\n]{3,200}?)[ \t]*+(?:\r\n|\r|\n)")  # possessive: linear on blank runs
_WORD_RE = ASCII_WORD_RE
_BODY_WORD_RE = WORD_RE
_WORD_CHAR_RE = lazy_compile(r"\w")
# two marks of different kinds glued together: "?:", "!;", ":.", ".,", "?," (but not "?!", "...")
_PILEUP_RE = lazy_compile(r"[?!][:;,.]|[:;,][?!.:;,]|\.[,:;]")
_STOPWORDS = stopwords("headline")
_SUFFIXES = ("'s", "’s", "ings", "ing", "ied", "ies", "ed", "es", "s", "ly", "ers", "er", "ions", "ion")
_TAIL_RE = lazy_compile(r":\s*(?P<tail>[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){1,2})\s*$")


def title_span(doc: Document) -> tuple[int, int] | None:
    """The headline: the reader's title, or a short first line without a final period that is
    followed by a body of at least 40 words."""
    if doc.title_span:
        return doc.title_span
    m = _LINE_RE.match(doc.text)
    if not m:
        return None
    t = m.group("t")
    if t.endswith((".", ",", ";")) or t.lstrip().startswith(("-", "*", "•", "#", ">")):
        return None
    if not _has_words(doc.text, m.end(), 40):
        return None
    return m.span("t")


def _has_words(text: str, pos: int, n: int) -> bool:
    """Whether ``text[pos:]`` holds at least ``n`` words (stops counting at ``n``)."""
    if n <= 0:
        return True
    return next(islice(_BODY_WORD_RE.finditer(text, pos), n - 1, None), None) is not None


def _stem(word: str) -> str:
    w = word.lower()
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    return w[:5]


def _body_has_stem(lower_body: str, stem: str) -> bool:
    """Whether a word of the lower-cased body (a ``_BODY_WORD_RE`` match, as ``findall`` splits
    it) has this stem. A word's stem is a prefix of it, so only words starting where ``stem``
    occurs are stemmed. Lower-casing keeps each character's class and the text's length (except
    for "İ" and "Σ", which the caller handles), so the words are those of the body, lower-cased."""
    p = lower_body.find(stem)
    while p >= 0:
        # a word starts here unless the previous character continues a word ("ab", "a-b", "a'b")
        prev = lower_body[p - 1 : p]
        joined = prev in "'’-" and p >= 2 and _WORD_CHAR_RE.match(lower_body, p - 2)
        if not (prev and (_WORD_CHAR_RE.match(prev) or joined)):
            m = _BODY_WORD_RE.match(lower_body, p)
            if m and _stem(m.group(0)) == stem:
                return True
        p = lower_body.find(stem, p + 1)
    return False


def _pileups(text: str, a: int, b: int) -> list[re.Match[str]]:
    out = []
    for m in _PILEUP_RE.finditer(text, a, b):
        s = m.group(0)
        if s in ("..", ".:") and text[m.start() - 1 : m.start()] == ".":
            continue  # an ellipsis
        if s[0] == "." and m.start() > a and text[m.start() - 1].isupper():
            continue  # "U.S.:", "Inc.,"
        out.append(m)
    return out


@rule(
    code="MT101",
    name="headline-word-missing-from-body",
    category="mistranslation",
    summary="A salient word of the headline never occurs in the body",
    severity="info",
    options={"max_zipf": 4.9, "min_body_words": 80},
    examples=(
        bad("Why didn't you tell us about the [[rape]]?: Government WhatsApp\n\n"
            + "Amid an uproar over the violation of the mobile phones of citizens, the ministry summoned "
              "officials of the messaging platform to explain why they had not disclosed the violation "
              "when the incidents occurred. Officials said the company had not informed the authorities "
              "of the attack during visits in July and September, and that the ministry expected a full "
              "explanation of the incident before the deadline set for the company next week, when the "
              "matter would be taken up again by the committee in charge of the inquiry."),
        good("Ministry summons officials over phone violation\n\n"
             + "Amid an uproar over the violation of the mobile phones of citizens, the ministry summoned "
               "officials of the messaging platform to explain why they had not disclosed the violation "
               "when the incidents occurred. Officials said the company had not informed the authorities "
               "of the attack during visits in July and September, and that the ministry expected a full "
               "explanation of the incident before the deadline set for the company next week, when the "
               "matter would be taken up again by the committee in charge of the inquiry."),
    ),
)
def headline_word_missing_from_body(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    A content word of the headline that is rare enough to be salient (Zipf frequency below
    `max_zipf` in the `wordfreq` English list) and that the body never uses, not even in another
    inflection (`raises` matches `raised`).

    ## Why it matters
    Headlines are often translated on their own, without the body as context, so a wrong sense
    shows there first: the seed headline says "rape" where the body, translated from the same
    Spanish *violación*, says "violation". A headline word that the article never repeats is
    worth a second look.

    ## Limits
    Human headlines paraphrase too ("landmark", "reunite"), so this is `info` on its own. It rises
    to `warning` when the same headline also shows punctuation damage (MT102), which marks it as
    machine output. Names (capitalised words inside the headline) are ignored.

    ## How to fix
    Check the word against the body and the source; use the body's term if it is the same thing.
    """
    span = title_span(doc)
    if span is None:
        return
    text = doc.text
    a, b = span
    if not _has_words(text, b, int(opts.get("min_body_words", 80))):  # type: ignore[arg-type]
        return
    max_z = float(opts.get("max_zipf", 4.9))  # type: ignore[arg-type]
    stems: set[str] | None = None  # the body's stems, built only where the fast search cannot help
    lower_body = text[b:].lower()
    damaged = bool(_pileups(text, a, b))
    for m in _WORD_RE.finditer(text, a, b):
        w = m.group(0)
        if w[0].isupper() and m.start() > a:
            continue  # a name
        lw = w.lower()
        if len(lw) < 4 or lw in _STOPWORDS:
            continue
        if lw in lower_body:
            continue
        z = lexicons.zipf(lw)
        if z == 0 or z >= max_z:
            continue
        if text.find("\u0130", b) >= 0 or text.find("\u03a3", b) >= 0:
            # "İ" lower-cases to two characters and "Σ" by context: stem every body word instead
            if stems is None:
                stems = {_stem(w) for w in set(_BODY_WORD_RE.findall(text, b))}
            if _stem(lw) in stems:
                continue
        elif _body_has_stem(lower_body, _stem(lw)):
            continue
        yield Hit(
            m.start(),
            m.end(),
            f"Headline word '{w}' never occurs in the body; if the body says the same thing in other "
            "words, the headline may carry a wrong-sense translation",
            confidence=0.6 if damaged else 0.3,
            severity=Severity.WARNING if damaged else None,
        )


@rule(
    code="MT102",
    name="headline-punctuation-pile-up",
    category="mistranslation",
    summary="Two punctuation marks piled up in a headline, such as '?:'",
    severity="warning",
    examples=(
        bad("Why didn't you tell us about the breach[[?:]] Government to WhatsApp\n\nThe ministry asked."),
        bad("Fire at the port[[!;]] two ships damaged\n\nTwo ships were damaged."),
        bad("Is the bridge safe[[?,]] Engineers ask the council\n\nEngineers wrote to the council."),
        good("Why didn't you tell us about the breach? Government to WhatsApp\n\nThe ministry asked."),
        good("‘The Medium is the Message’: the 7th Amsterdam Light Festival\n\nThirty artworks."),
        good("U.S.: Stocks rally as Fed holds rates\n\nMarkets rose."),
    ),
)
def headline_punctuation_pile_up(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    Two different punctuation marks glued together in the headline: `?:`, `!:`, `:.`, `,.`.

    ## Why it matters
    Machine translation keeps the source headline's punctuation and adds its own, producing
    `?:` where an editor writes either a question mark or a colon. It marks the headline as
    unedited machine output.

    ## What it does not flag
    A quotation mark between the two marks (`‘...?’:`), ellipses, and abbreviations (`U.S.:`).

    ## How to fix
    Keep one mark: `...the breach? Govt to WhatsApp` or `...the breach: Govt to WhatsApp`.
    """
    span = title_span(doc)
    if span is None:
        return
    for m in _pileups(doc.text, *span):
        yield Hit(m.start(), m.end(), f"Punctuation piled up in the headline: '{m.group(0)}'",
                  suggestion=m.group(0)[0], confidence=0.9)


@rule(
    code="MT103",
    name="headline-attribution-lost-preposition",
    category="mistranslation",
    summary="A headline's attribution tail names two parties with no preposition between them",
    severity="warning",
    examples=(
        bad("Why didn't you tell us about the breach?: [[Government WhatsApp]]\n\nThe ministry asked."),
        bad("We will not pay the fine: [[Airline Regulator]]\n\nThe airline said."),
        bad("Hand over the user data: [[Ministry Facebook]]\n\nThe ministry wrote to the company."),
        good("Why didn't you tell us about the breach: Government to WhatsApp\n\nThe ministry asked."),
        good("Dear Abby: Husband leaves wife behind\n\nA letter."),
        good("The Guardian view on Hong Kong: Hong Kong\n\nAn editorial."),
        good("Impeachment hearing: Kurt Volker\n\nTestimony."),
    ),
)
def headline_attribution_lost_preposition(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    A headline ending in `: Speaker Addressee`, two bare names with nothing between them, where
    the first is a government or organisation (`Government WhatsApp`, `Ministry Google`).

    ## Why it matters
    News headlines attribute a quote with `Speaker to Addressee` ("Govt to WhatsApp"). Machine
    translation drops the short preposition of such a tail, and the two names then read as one.

    ## How to fix
    Restore the preposition: `Government to WhatsApp`.
    """
    span = title_span(doc)
    if span is None:
        return
    text = doc.text
    a, b = span
    m = _TAIL_RE.search(text, a, b)
    if not m:
        return
    words = m.group("tail").split()
    if len(words) != 2:
        return
    first, second = (w.strip("’'.,") for w in words)
    orgs = lexicons.load("organisations")
    org_nouns = lexicons.load("org_nouns", lower=True) | {"govt", "centre", "police", "state"}
    places = lexicons.load("places")
    if not (first.lower() in org_nouns or first in orgs):
        return
    if not (second in orgs or second in places or second.lower() in org_nouns):
        return
    yield Hit(m.start("tail"), m.end("tail"),
              f"'{first} {second}': the attribution seems to have lost its preposition "
              f"('{first} to {second}'?)", suggestion=f"{first} to {second}", confidence=0.7)


#: loaded before any time limit starts (qa.warmup)
WARM_UP = (lexicons.load_frequencies, lambda: [lexicons.load("organisations"), lexicons.load("places"),
                                                lexicons.load("org_nouns", lower=True)])
