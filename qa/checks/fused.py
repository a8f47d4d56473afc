"""GRAM1xx (fused clauses) and FRAG0xx (sentence fragments): sentence boundaries that machine
translation moved, lost or invented."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from qa import ruledata
from qa.lazyre import lazy_compile
from qa.document import Document
from qa.textfind import finditer_at
from qa.model import Hit, bad, good
from qa.registry import rule
from qa.scan import Triggers

# a lower-case word, one plain space, a capitalised determiner or pronoun, a lower-case word
_FUSED_RE = lazy_compile(
    r"(?<![\w'’\-])(?P<prev>[a-z][a-z'’\-]*[a-z])[ \u00a0](?P<det>The|This|These|Those|Their|Its|Our|His|Her|He|She|They|We)"
    r"[ \u00a0](?P<next>[a-z][a-z\-]+)\b"
)
_DETS = "The|This|These|Those|Their|Its|Our|His|Her|He|She|They|We"
#: the rule's trigger (``qa.scan``): what every match holds from its determiner on, as a regex the
#: one scan can match exactly (no look-arounds; the letter before the space is left out, which
#: makes the Hyperscan database ten times slower to build)
_FUSED_TRIGGERS = Triggers(patterns=((f"(?:{_DETS})[ \u00a0][a-z]", 0),))
#: where a match's determiner can be: a capital is rare in text, so the regex engine skips ahead
#: to the next one instead of trying ``_FUSED_RE`` at every position; each determiner looks behind
#: for the lower-case letter and the space a match has before it (most determiners open a sentence)
_DET_AT_RE = lazy_compile("(?:" + "|".join(f"{d}(?<=[a-z][ \u00a0]{d})" for d in _DETS.split("|")) + ")(?=[ \u00a0][a-z])")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_PREV_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz'’-")


def fused_matches(text: str, pos: int = 0) -> Iterator[re.Match[str]]:
    """``_FUSED_RE.finditer(text, pos)``, tried only where a match can start: a match's ``prev``
    is the whole run of ``[a-z'’-]`` before the space before its determiner (its look-behind
    rules out a word character before it), so for each determiner after a lower-case letter and
    a space the regex is tried at the start of that run."""
    starts = []
    for d in _DET_AT_RE.finditer(text, max(pos, 2)):
        q = d.start()
        if text[q - 1] not in " \u00a0" or text[q - 2] not in _LOWER:
            continue
        r = q - 2
        while r > 0 and text[r - 1] in _PREV_CHARS:
            r -= 1
        if r >= pos:
            starts.append(r)
    return finditer_at(_FUSED_RE, text, starts)
# words that introduce a title or a name right after them
_TITLE_INTRO = ruledata.tagged("word_classes", "title_intro")
_DIVINE_RE = lazy_compile(r"\b(?:God|Lord|Jesus|Christ|Allah|Almighty|Father|Holy|Spirit)\b")
_QUOTE_CHARS = "\"“”«»"


def _inside_quotes(text: str, start: int, sent: tuple[int, int]) -> bool:
    before = text[sent[0] : start]
    n = sum(before.count(q) for q in ('"',))
    opens = before.count("“") + before.count("«")
    closes = before.count("”") + before.count("»")
    return n % 2 == 1 or opens > closes or "*" in before or "_" in before


@rule(
    code="GRAM101",
    triggers=_FUSED_TRIGGERS,  # every match holds one
    name="fused-clauses",
    category="grammar",
    summary="A capitalised determiner or pronoun in mid-sentence: two clauses fused without punctuation",
    severity="warning",
    examples=(
        bad("It has not received approval due to its inability to return to [[work The]] security "
            "architecture was never explained."),
        bad("The ministry met the officials last [[week They]] asked for a report."),
        good("He said so in an interview with The Hindu on Monday."),
        good("Last chance to get The Great Diwali Discount today."),
        good("She reviewed the novel The road to nowhere for the paper."),
        good("They prayed that He would hear them, and God did."),
        good("It ended there. The security architecture was never explained."),
    ),
)
def fused_clauses(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    A lower-case word followed, with no punctuation, by a capitalised *The*, *This*, *Their*,
    *His*, *He*, *They*... and a lower-case word: "return to work The security architecture".

    ## Why it matters
    Machine translation and careless joining of segments drop the full stop between two
    sentences and keep the capital of the second. Readers stumble; sentence splitters see one
    sentence, so alignment and length checks go wrong.

    ## What it does not flag
    Names and titles that start with a capitalised *The* and go on in capitals ("The Hindu",
    "The Great Diwali Discount"), titles after words such as *novel*, *called* or *titled*, text
    inside quotation marks, and the capitalised *He* of religious writing.

    ## How to fix
    Put the missing full stop (or a semicolon) before the capitalised word. No automatic fix: the
    boundary might belong one word earlier.
    """
    text = doc.text
    body = doc.body_start
    for m in fused_matches(text, body):
        prev = m.group("prev")
        if prev in _TITLE_INTRO:
            continue
        sent = doc.sentence_of(m.start("det"))
        if sent is None:
            continue
        if _inside_quotes(text, m.start("det"), sent):
            continue
        if m.group("det") in ("He", "His", "Her", "She", "Him"):
            para = doc.paragraph_of(m.start()) or sent
            if _DIVINE_RE.search(text, para[0], para[1]) or m.group("next") == "with":
                continue  # the capitalised He of religious writing; "the word She with a capital S"
        a, b = m.start("prev"), m.end("det")
        yield Hit(
            a,
            b,
            f"'{m.group('det')}' is capitalised in mid-sentence after '{prev}': a full stop seems "
            "to be missing, or two clauses were fused",
            suggestion=f"{prev}. {m.group('det')}",
            confidence=0.7,
        )


# ------------------------------------------------------------------------------- fragments
_PREPS = (
    "In|On|At|By|For|From|During|Since|Until|Till|After|Before|With|Without|Through|Throughout|"
    "Within|Towards?|Into|Under|Over|Between|Among|Around|Near|Via|Per|Of|Amid|Despite"
)
# the phrase ends in a name, a date or a number: "In May.", "On Monday.", "In 2019.", "In New Delhi."
_FRAGMENT_RE = lazy_compile(rf"(?:{_PREPS})(?:\s+[\w'’\-]+){{0,3}}\s+(?:[A-Z][\w'’\-]*|\d[\d,]*)\.")
_VERBISH_RE = lazy_compile(
    r"\b(?:is|are|was|were|be|been|being|am|has|have|had|do|does|did|can|could|will|would|shall|"
    r"should|may|might|must|said|says|say|get|got|go|went|came|come|made|make|took|take|see|saw|"
    r"let|put|set|\w+ed|\w+ing)\b"
)
_ING_NOUNS = ruledata.tagged("word_classes", "ing_noun")
_LIST_RE = lazy_compile(r"^\s*(?:[-*•‣◦]|\d+[.)]|[a-z][.)])\s")


@rule(
    code="FRAG001",
    name="prepositional-fragment",
    category="fragment",
    summary="A verbless prepositional phrase stands alone as a sentence after the sentence it belongs to",
    severity="warning",
    examples=(
        bad("The ministry asked why they had not disclosed the breach when the incidents occurred. "
            "[[In May.]]"),
        bad("The talks took place in the capital. [[During the summer of 2019.]] Nobody objected."),
        bad("The shop reopened after the floods. [[In the spring of 2021.]] Customers returned slowly."),
        good("I post on the site every day. Throughout the week. That is the plan."),
        good("The attack took place in May."),
        good("When did it happen? In May."),
        good("In May.\n\nThe first part of the report."),
        good("- In May.\n- In June."),
        good("The meeting ended. In the end, nobody signed."),
    ),
)
def prepositional_fragment(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    A sentence of two to five words that starts with a preposition, ends in a name, a date or a
    number and has no verb, standing after a complete sentence in the same paragraph:
    "...when the incidents occurred. In May."

    ## Why it matters
    Machine translation splits a sentence at a comma or a clause boundary and leaves the tail as
    a sentence of its own. The fragment belongs to the sentence before it.

    ## What it does not flag
    A fragment that answers a question (the sentence before ends with `?`), one that stands alone
    in its paragraph (headlines, datelines, captions), list items, text inside quotes, and
    stylistic fragments that end in an ordinary word ("For now.", "In that order.").

    ## How to fix
    Join it to the sentence before: "...when the incidents occurred in May."
    """
    text = doc.text
    body = doc.body_start
    sents = doc.sentences
    for i, (a, b) in enumerate(sents):
        if a < body or i == 0:
            continue
        m = _FRAGMENT_RE.fullmatch(text, a, b)
        if not m:
            continue
        pa, pb = sents[i - 1]
        para = doc.paragraph_of(a)
        if para is None or pa < para[0]:
            continue  # first sentence of its paragraph
        prev = text[pa:pb].rstrip("\"”’' ")
        if not prev.endswith("."):
            continue  # after a question, an exclamation or a colon
        first_end = text.find(" ", a, b)
        if any(v.group(0) not in _ING_NOUNS for v in _VERBISH_RE.finditer(text, first_end, b)):
            continue
        if _LIST_RE.match(text, doc.line_starts[doc.line_col(a)[0] - 1]):
            continue
        if _inside_quotes(text, a, para):
            continue
        yield Hit(
            a,
            b,
            f"'{text[a:b]}' has no verb: a fragment split off the sentence before",
            suggestion=f"join it to the previous sentence: '... {text[a:b - 1][0].lower()}{text[a + 1:b]}'",
            confidence=0.7,
        )
