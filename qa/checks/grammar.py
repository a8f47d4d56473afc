"""GRAM0xx: grammar garble typical of machine translation, caught by precise surface patterns.

Every pattern here is a sequence that grammatical English does not produce (or produces only in
a short, listed set of idioms): a word written twice, two modal verbs in a row, a modal or *did*
followed by a past-tense form, *the number of* followed by a mass noun or a gerund, two articles
in a row, *more* before a comparative. They are cheap (one compiled regex each, no per-character
loops) and explain themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from qa.lazyre import lazy_compile
from qa import fastpath, inflection, ruledata
from qa.document import Document
from qa.fastpath import CASE_SPECIAL, leading_literals
from qa.textfind import finditer_at
from qa.scan import Triggers, candidates, literal_triggers
from qa.lexicons import load as load_lexicon
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule
from qa.warmup import loader

def _at_starts(pattern: re.Pattern[str], text: str, starts: list[int] | None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose every match starts at one of ``starts``
    (the offsets the document's one scan found for the rule's triggers, ``qa.scan``): the pattern
    is tried only there, instead of at every position; ``None``: no answer, the whole text."""
    if starts is None:
        return pattern.finditer(text)
    return finditer_at(pattern, text, starts)


def _lowered(doc: Document) -> str | None:
    """``qa.fastpath.lowered(doc)`` (``None`` too when the fast paths are off), with the test for
    case-special characters made as four C searches for one character (``qa.scan`` does the
    same) instead of a search for a class: in a long text that is not ASCII the class search
    costs more than the regex it saves."""
    if not fastpath.ENABLED:
        return None
    text = doc.text
    if not text.isascii() and any(c in text for c in CASE_SPECIAL):
        return None
    return doc.facts.lower


def _lower_starts(doc: Document, low_pattern: re.Pattern[str]) -> list[int] | None:
    """Where a case-sensitive pattern can match: the starts of ``low_pattern``'s matches in the
    lower-cased text, for a ``low_pattern`` that matches there wherever the pattern matches
    the text (the same tests with letters in lower case; ``str.lower`` keeps every character's
    length and whether it is ``[\\w'’.(-]`` where the text has no case-special character) and
    whose matches never cover the start of another (each consumes only a literal the pattern
    begins with and looks ahead at the rest). ``None`` (the whole text) where there is no
    lower-cased text to read or the fast paths are off."""
    low = _lowered(doc)
    if low is None:
        return None
    return [m.start() for m in low_pattern.finditer(low)]


class _StartScanner:
    """``pattern.finditer(doc.text)`` for rule ``code``, whose every finding is a match of
    ``pattern``: the texts every match starts with (``qa.fastpath.leading_literals``) are the
    rule's triggers, and the pattern is tried only where the document's one scan found them
    (``finditer_at``), instead of at every position or in windows around them."""

    def __init__(self, pattern: re.Pattern[str], code: str) -> None:
        self.pattern, self.code = pattern, code
        self.triggers = _start_triggers(pattern)

    def finditer(self, doc: Document) -> Iterator[re.Match[str]]:
        found = candidates(doc, self.code, self.triggers)
        return _at_starts(self.pattern, doc.text, None if found is None else [a for a, _b in found])


@lru_cache(maxsize=None)
def _start_triggers(pattern: re.Pattern[str]) -> Triggers:
    """The triggers of a rule whose every finding is a match of ``pattern``: the texts every
    match starts with (it must have them). (Cached: the rule and its ``_StartScanner`` ask for
    the same pattern's, and reading a pattern's literals parses it again.)"""
    lits = leading_literals(pattern)
    assert lits is not None, pattern.pattern
    return literal_triggers(lits)  # type: ignore[return-value]


def _prefixed(words: tuple[str, ...], before: str, after: str = " ") -> tuple[str, ...]:
    """Trigger literals for ``words`` with one of the characters of ``before`` in front (so that
    "ten" inside "often" is no candidate) and ``after`` behind."""
    return tuple(f"{q}{w}{after}" for w in words for q in before)


def _text_starts_with(words: tuple[str, ...]) -> tuple[str, int]:
    """A regex trigger: the text starts with one of ``words`` and a space (any case), where no
    character before can carry a prefixed literal (``_prefixed``)."""
    return r"\A(?:" + "|".join(re.escape(w) for w in words) + ") ", re.IGNORECASE


# --------------------------------------------------------------------------- GRAM001 doubled word
_NEXT_WORD_RE = lazy_compile(r"[ \t,]+([A-Za-z]+)")
_PREV_WORD_RE = lazy_compile(r"(?<![A-Za-z])([A-Za-z]+)[ \t,]+$")
#: (possessive: ``first`` is a whole word anyway, and backtracking into it or into the gap can
#: never match, so it is cut off; a quarter faster)
_DOUBLED_RE = lazy_compile(r"(?<![\w'’-])(?P<first>[A-Za-z]++)[ \t]++(?P<second>(?P=first))(?![\w'’-])", re.IGNORECASE)
#: ``_DOUBLED_RE`` on the lower-cased text (the same matches where the text has no
#: case-special character: there ``[A-Za-z]`` in any case is ``[a-z]`` after ``str.lower``, which
#: keeps every character's length and whether it is ``[\w'’-]``), with the character before the
#: first word consumed instead of looked behind at: the search then skips ahead in C to
#: the characters that can stand there, instead of trying the pattern at every position
_DOUBLED_LOW_RE = lazy_compile(r"[^\w'’-](?P<first>[a-z]++)[ \t]++(?P=first)(?![\w'’-])")
_DOUBLED_LOW_AT0_RE = lazy_compile(r"\A(?P<first>[a-z]++)[ \t]++(?P=first)(?![\w'’-])")  # a match at offset 0


def _doubled_spans(doc: Document) -> list[tuple[int, int, int, int]]:
    """(start, end) of the first word and of the second for each match of ``_DOUBLED_RE``."""
    low = _lowered(doc)
    if low is None:
        return [(m.start("first"), m.end("first"), m.start("second"), m.end("second"))
                for m in _DOUBLED_RE.finditer(doc.text)]
    out = []
    pos = 0
    m = _DOUBLED_LOW_AT0_RE.match(low)
    if m is not None:
        n = m.end("first")
        out.append((0, n, m.end() - n, m.end()))
        pos = m.end()
    for m in _DOUBLED_LOW_RE.finditer(low, pos):
        a, e1, b = m.start("first"), m.end("first"), m.end()
        out.append((a, e1, b - (e1 - a), b))
    return out


#: Words whose doubling is grammatical ("had had", "that that", "what it is is") or a set phrase.
_DOUBLED_OK = ruledata.tagged("word_classes", "doubled_ok")


@rule(
    code="GRAM001",
    name="doubled-word",
    category="grammar",
    summary="The same word written twice in a row (\"the the\")",
    severity="info",
    fixable=True,
    examples=(
        bad("He said [[the the]] plan was ready.", fixed="He said the plan was ready."),
        bad("It is [[a a]] good idea.", fixed="It is a good idea."),
        good("He had had enough."),
        good("She said that that was the end."),
        good("What it is is a mess."),
        good("They walked on and on, very very slowly."),
        good("Duran Duran played in Walla Walla."),
        good("I assure you you will not regret it."),
        good("Think layers, layers layers!"),
        good("Will will chair the meeting, and May may join him."),
    ),
)
def doubled_word(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The same word twice in a row on one line, as in `the the plan`.

    ## Why it matters
    Doubled words are a typing slip in human text and a decoding glitch in machine translation
    ("the the", "to to"). Readers notice them at once.

    ## What it does not flag
    Doublings that grammar allows or that are set phrases: `had had`, `that that`, `is is`
    (`what it is is`), `do do`, emphatic `very very`, `on and on` style adverbs, interjections
    (`bye bye`, `ha ha`), capitalised repeats, which are usually names (`Duran Duran`,
    `Walla Walla`), and a first name followed by the same word (`Will will come`, `May may`). Words across a line break or punctuation are never compared.

    ## How to fix
    Delete the second copy. Safe: the text keeps exactly one copy of the word.
    """
    text = doc.text
    for a, e1, s2, b in _doubled_spans(doc):
        first, second = text[a:e1], text[s2:b]
        if second[:1].isupper() or first.lower() in _DOUBLED_OK:
            continue
        if first[:1].isupper() and first in load_lexicon("first_names"):
            continue  # "Will will come": a first name, then the word
        third = _NEXT_WORD_RE.match(text, b)
        before = _PREV_WORD_RE.search(text, max(0, a - 40), a)
        if (third and third.group(1).lower() == first.lower()) or (before and before.group(1).lower() == first.lower()):
            continue  # "layers layers layers": deliberate repetition
        yield Hit(
            a,
            b,
            f"Doubled word '{first} {second}'",
            suggestion=first,
            fix=Fix((Edit(e1, b, ""),), Applicability.SAFE, "Delete the repeated word"),
        )


# --------------------------------------------------------------------------- GRAM002 stacked modals
_MODALS = "will|would|can|could|shall|should|may|might|must"
# modal + (not) + modal; modal + be + have/has/modal ("will be have to"); to + modal ("to must")
_STACKED_RE = lazy_compile(
    rf"(?<![\w'’-])(?:(?P<m1>{_MODALS})(?: not)? (?P<m2>will|would|can|could|shall|should|may|must)"
    rf"|(?P<m3>{_MODALS}) be (?P<m4>have|has|can|could|must|will|should|shall)"
    rf"|to (?P<m5>must|should|could|might|shall|can be able|would))(?![\w'’-])"
)
#: a noun reading of will/can/must/may before the pair ("the will can", "free will would")
_NOUN_BEFORE = lazy_compile(
    r"(?:\b(?:the|a|an|his|her|their|its|my|your|our|this|that|free|good|ill|political|popular|general|"
    r"last|whose|one's|people's|public|soda|tin|beer|trash|garbage|spray|watering|oil|living)\s+|['’]s\s+)$",
    re.IGNORECASE,
)


@rule(
    code="GRAM002",
    triggers=_start_triggers(_STACKED_RE),  # every finding is a match of it, starting with one
    name="stacked-modal-verbs",
    category="grammar",
    summary="Two modal verbs stacked (\"will can\", \"will be have to\", \"to must\")",
    severity="info",
    examples=(
        bad("The company [[will be have]] to explain its position."),
        bad("We [[will can]] finish it by May."),
        bad("Farmers need [[to must]] register the land."),
        good("The company will have to explain its position."),
        good("Free will can be an illusion."),
        good("The soda can will be recycled."),
        good("He may be able to come."),
    ),
)
def stacked_modal_verbs(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Two modal verbs in a row (`will can`, `would could`), a modal before `be have`
    (`will be have to`), or `to` before a modal (`to must`).

    ## Why it matters
    English allows one modal per verb group. Stacks are typical of machine translation from
    languages whose modals are ordinary verbs (Spanish *poder*, *deber*; German *können*), and of
    careless edits that kept both the old and the new verb.

    ## What it does not flag
    Noun readings: `free will can`, `the will must`, `a soda can will`. Only lower-case words
    count, so the month *May* never matches.

    ## How to fix
    Keep the modal the sentence needs: `will have to`, `will be able to`, `must register`.
    No automatic fix: which verb to keep depends on the meaning.
    """
    text = doc.text
    for m in _STACKED_SCAN.finditer(doc):
        first = m.group("m1") or m.group("m3")
        if first in ("will", "can", "must", "may") and _NOUN_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        yield Hit(
            m.start(),
            m.end(),
            f"Stacked modal verbs '{m.group(0)}': English uses one modal per verb group",
            suggestion="keep one modal (e.g. 'will have to', 'will be able to')",
        )


# --------------------------------------------------------------------------- GRAM003/4/12 verb forms
# The verb forms come from the inflection lexicon (qa.inflection): a word counts as a past form,
# a participle or a base form only when that is its only reading besides readings the position
# rules out (after a modal, a noun reading is impossible; an adjective or adverb reading is not).
_MODAL_SET = frozenset(_MODALS.split("|"))
_NOT_VERB_AFTER_AUX = frozenset({"JJ", "JJR", "JJS", "RB", "VB", "VBP", "MD"})
_PRONOUNS = ruledata.tagged("word_classes", "subject_pronoun")
_WH_BEFORE = lazy_compile(r"\b(?:what|whatever|all|everything|which|who|whoever|how)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
#: finite forms of be/have/do that cannot follow a modal or do-support ("will has", "does not has")
#: (not "were", "was", "had": "as they would were no one to die" is an inversion after an ellipsis)
_FINITE_AUX = frozenset({"has", "is", "are", "am", "does"})
# (each auxiliary is written with the space after it, so that every match holds a literal of three
# characters and the regex is tried only where the one scan found one (_StartScanner); words are bounded for the
# same reason)
def _aux_alt(words: str) -> str:
    return "|".join(f"{w} " for w in words.split())


_MODAL_VERB_RE = lazy_compile(
    r"(?<![\w'’-])(?P<aux>" + _aux_alt("will would can could shall should may might must cannot can['’]t won['’]t "
                                        "wouldn['’]t shouldn['’]t couldn['’]t mustn['’]t did didn['’]t does "
                                        "doesn['’]t do don['’]t")
    + r")(?:(?P<neg>not) )?(?P<verb>[a-z]{1,30})(?![\w'’-])(?! (?:ed|d|ing|es|s)\b)"
)
_HAVE_VERB_RE = lazy_compile(
    r"(?<![\w'’-])(?P<aux>" + _aux_alt("has have had having hasn['’]t haven['’]t hadn['’]t Has Have Had")
    + r")(?:(?P<neg>not) )?(?P<verb>[a-z]{1,30})(?![\w'’-])"
    r"(?! (?:ed|d|ing|es|s)\b)"  # a word split in two ("expand ed") is not a verb form
)
#: simple pasts that dictionaries also accept as participles ("had hid", "has proved")
#: (``rules/data/alt_participles.txt``)
_ALT_PARTICIPLES = frozenset(ruledata.words("alt_participles"))


@lru_cache(maxsize=8192)
def _finite_after_aux(verb: str) -> str | None:
    """Why ``verb`` cannot follow a modal or do-support ('past', 'participle', 'third person',
    'finite'), or ``None`` when it can or the lexicon cannot tell."""
    if verb in _FINITE_AUX:
        return "finite"
    if verb in inflection.AUXILIARIES:
        return None
    t = inflection.tags(verb)
    if not t or t & _NOT_VERB_AFTER_AUX or t & inflection.NOUN:
        return None  # a noun may be the subject of a question ("could boards be liable?")
    if "VBD" in t:
        return "past"
    if "VBN" in t:
        return "participle"
    if "VBZ" in t:
        return "third person"
    return None


@rule(
    code="GRAM003",
    triggers=_start_triggers(_MODAL_VERB_RE),  # every finding is a match of it, starting with one
    name="past-form-after-modal-or-do",
    category="grammar",
    summary="A past, participle or -s verb form after a modal or do/did (\"did not went\", \"will announced\", \"does not has\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("The minister [[did not went]] to the meeting.", fixed="The minister did not go to the meeting."),
        bad("We [[can made]] the change today.", fixed="We can make the change today."),
        bad("The firm [[will announced]] its results on Friday.", fixed="The firm will announce its results on Friday."),
        bad("The law [[does not has]] a clause on it.", fixed="The law does not have a clause on it."),
        bad("She [[could improves]] the draft.", fixed="She could improve the draft."),
        good("The minister did not go to the meeting."),
        good("His will gave everything to charity."),
        good("The can made of steel rusted."),
        good("What he did was wrong, and what she did went viral."),
        good("They do damaged goods no favours; he did wonders."),
        good("We will likely see rain, and prices could rise."),
        good("Much remains to be done."),
        good("Could boards be liable? They would were no one to stop them."),
    ),
)
def past_form_after_modal(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A modal verb (`can`, `will`, `must`...) or `do/does/did` followed by a verb form that is
    not the base form: a simple past (`went`, `announced`), a participle (`taken`), a
    third-person form (`improves`) or a finite auxiliary (`has`), as in `did not went`, `will
    announced`, `does not has`.

    ## Why it matters
    After a modal or *do*, English needs the base form. Machine translation produces the past
    form when the source marks tense on the main verb.

    ## What it does not flag
    Words the inflection lexicon also knows as a base form, an adjective, an adverb or a noun
    (`will likely`, `can open`, `do damaged goods`, `did wonders`; a noun may be the subject of
    a question: `could boards be liable?`); *did* after *what/all* (`what he did was wrong`);
    `were`, `was` and `had`, which may open an inversion after an ellipsis (`as they would
    were no one to die`); noun readings of *will*,
    *can* and *must* (`his will gave`, `the can made of steel`); the capitalised month *May*.

    ## How to fix
    Use the base form: `did not go`, `can make`. The fix is unsafe: it assumes the modal is
    right and the verb form is wrong.
    """
    text = doc.text
    for m in _MODAL_VERB_SCAN.finditer(doc):
        verb = m.group("verb")
        what = _finite_after_aux(verb)  # the lexicon first: most verbs after a modal are base forms
        if what is None:
            continue
        aux = m.group("aux")[:-1]
        if aux in ("will", "can", "must", "may", "might") and _NOUN_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        do_plain = aux in ("do", "does", "did") and not m.group("neg")
        if do_plain:
            prev = _PREV_WORD_RE.search(text, max(0, m.start() - 40), m.start())
            if (prev is None or prev.group(1).lower() not in _PRONOUNS or text[prev.end():m.start()].strip()
                    or _WH_BEFORE.search(text, max(0, m.start() - 60), prev.start(1))):
                continue  # "what he did was", "they do shows": only "he did went"-like pairs
        if do_plain and inflection.tags(verb) != frozenset({"VBD"}):
            continue  # after a plain "do", only a pure past form ("he did went"), never "do damaged goods"
        base = {"has": "have", "is": "be", "are": "be", "was": "be", "were": "be", "am": "be", "does": "do",
                "did": "do", "had": "have"}.get(verb) or inflection.base_form(verb)
        neg = " not" if m.group("neg") else ""
        label = {"past": "a past form", "participle": "a participle", "third person": "a third-person form",
                 "finite": "a finite form"}[what]
        yield Hit(
            m.start(),
            m.end(),
            f"'{verb}' is {label}; after '{aux}{neg}' English needs the base form"
            + (f" '{base}'" if base else ""),
            suggestion=f"{aux}{neg} {base}" if base else "the base form of the verb",
            fix=Fix((Edit(m.start("verb"), m.end("verb"), base),), Applicability.UNSAFE, f"Replace with '{base}'")
            if base else None,
        )


@rule(
    code="GRAM004",
    triggers=_start_triggers(_HAVE_VERB_RE),  # every finding is a match of it, starting with one
    name="simple-past-after-have",
    category="grammar",
    summary="A simple-past form where the perfect needs a participle (\"has went\", \"had took\", \"has became\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("Prices [[have went]] up since May.", fixed="Prices have gone up since May."),
        bad("She [[had took]] the train.", fixed="She had taken the train."),
        bad("She [[has became]] a judge.", fixed="She has become a judge."),
        good("Prices have gone up since May."),
        good("They had fell trees for years."),
        good("We had saw blades and rose bushes."),
        good("They have made it, and she has become a judge."),
        good("The male has complete power, and they had clean water."),
    ),
)
def simple_past_after_have(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`have/has/had` followed by a simple-past form that differs from the participle (`have
    went`, `had took`, `has became`).

    ## Why it matters
    The perfect needs the past participle (`gone`, `taken`). The simple past there reads as an
    error to every reader.

    ## What it does not flag
    Verbs whose past and participle are the same (`made`, `said`), forms that the inflection
    lexicon also knows as another word (`fell`, `saw`, `rose`: `had saw blades`), and pasts that
    dictionaries accept as participles too (`had hid`, `has proved`).

    ## How to fix
    Use the participle: `have gone`. Unsafe fix: it keeps the tense the writer chose.
    """
    for m in _HAVE_VERB_SCAN.finditer(doc):
        verb = m.group("verb")
        t = inflection.tags(verb)
        if t == frozenset({"VBD"}):
            part = None if verb in _ALT_PARTICIPLES else inflection.participle(verb)
            if part is None:
                continue
            what = "the simple past"
        else:
            continue
        aux, neg = m.group("aux")[:-1], " not" if m.group("neg") else ""
        yield Hit(
            m.start(),
            m.end(),
            f"'{verb}' is {what}; after '{aux}' the perfect needs the participle '{part}'",
            suggestion=f"{aux}{neg} {part}",
            fix=Fix((Edit(m.start("verb"), m.end("verb"), part),), Applicability.UNSAFE, f"Replace with '{part}'"),
        )


_BE_BEFORE_RE = lazy_compile(
    r"(?<![\w'’-])(?P<aux>am|is|are|was|were|be|been|being|isn['’]t|aren['’]t|wasn['’]t|weren['’]t)(?P<neg> not)? $"
)
#: the irregular simple pasts GRAM012 and GRAM020 look for (``rules/data/irregular_pasts.txt``,
#: the lexicon's table less auxiliaries and ``_ALT_PARTICIPLES``)
_PAST_WORDS = ruledata.words("irregular_pasts")
#: their triggers in the one scan: each past after a space or a line break, the only characters
#: a finding of either rule has before its past ("was took", "was \ntook", "to went"), so that
#: "ate" inside "state" is no candidate
_PAST_TRIGGERS = literal_triggers(_prefixed(_PAST_WORDS, " \n", after=""))
_PAST_RE = lazy_compile(r"(?<![\w'’-])(?:" + "|".join(sorted(_PAST_WORDS, key=lambda w: (-len(w), w))) + r")(?![\w'’-])")


def _irregular_pasts_in(doc: Document, code: str = "GRAM012") -> Iterator[re.Match[str]]:
    """The irregular simple pasts in the text after a space or a line break (rule ``code``
    asks), tried only where the document's one scan found them; GRAM012 and GRAM020 read the
    same matches."""
    def compute() -> list[re.Match[str]]:
        found = candidates(doc, code, _PAST_TRIGGERS)
        if found is None:  # no answer: every past, as the rules check what comes before it
            return list(_PAST_RE.finditer(doc.text))
        return list(finditer_at(_PAST_RE, doc.text, [a + 1 for a, _ in found]))

    return iter(doc.facts.once("irregular_pasts", compute))


@rule(
    code="GRAM012",
    triggers=_PAST_TRIGGERS,  # every finding holds one of the pasts
    name="simple-past-after-be",
    category="grammar",
    summary="A simple past after be where the participle is needed (\"was took\", \"has been wrote\")",
    severity="info",
    fixable=True,
    examples=(
        bad("The photo [[was took]] in May.", fixed="The photo was taken in May."),
        bad("The letter has [[been wrote]] by hand.", fixed="The letter has been written by hand."),
        bad("The tickets [[were not stole]].", fixed="The tickets were not stolen."),
        good("The photo was taken in May."),
        good("What it was became clear later."),
        good("The garden was rose and gold, and the river was spoke-straight."),
        good("It is he who went first."),
    ),
)
def simple_past_after_be(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A form of *be* followed by an irregular simple past that differs from the participle
    (`was took`, `has been wrote`, `were not stole`).

    ## Why it matters
    The passive and the perfect of *be* need the past participle (`was taken`). A simple past
    there is a verb-form error of machine translation and of learners.

    ## What it does not flag
    Pasts the inflection lexicon also knows as another word (`rose`, `spoke`, `saw`, `fell`,
    `broke`), pasts that dictionaries accept as participles too (`hid`, `proved`), and a clause
    as subject (`what it was became clear`).

    ## How to fix
    Use the participle: `was taken`. Unsafe fix: it assumes the passive.
    """
    text = doc.text
    for m in _irregular_pasts_in(doc, "GRAM012"):
        b = _BE_BEFORE_RE.search(text, max(0, m.start() - 16), m.start())
        if b is None or _WH_BEFORE.search(text, max(0, b.start() - 60), b.start()):
            continue
        verb = m.group(0)
        part = inflection.participle(verb)
        if part is None:
            continue
        aux, neg = b.group("aux"), b.group("neg") or ""
        yield Hit(
            b.start(),
            m.end(),
            f"'{verb}' is the simple past; after '{aux}' English needs the participle '{part}'",
            suggestion=f"{aux}{neg} {part}",
            fix=Fix((Edit(m.start(), m.end(), part),), Applicability.UNSAFE, f"Replace with '{part}'"),
        )


# --------------------------------------------------------------------------- GRAM005 number of + mass noun
_MASS = (
    "information|equipment|money|evidence|advice|furniture|research|progress|software|luggage|baggage|"
    "knowledge|homework|feedback|traffic|pollution|garbage|rubbish|electricity|unemployment|violence|"
    "damage|funding|machinery|merchandise|news|weather|health|safety|housing|infrastructure|legislation"
)
_NUMBER_OF_RE = lazy_compile(
    rf"(?<![\w-])(?P<head>[Nn]umber) of (?P<noun>{_MASS}|[a-z]{{3,60}}ing)"
    r"(?=[.,;:!?)]| (?:to|in|on|at|per|from|by|for|was|is|has|had|have|will|would|and|or|that|which|as|has|were|are|with)\b)"
)
_ING_NOUNS_OK = lazy_compile(r"(?:thing|ring|king|wing|spring|string|sibling|offspring|duckling|seedling|ceiling|"
                           r"evening|morning|building|beijing|viking|sling|sting|swing|darling|earring|pudding|"
                           r"herring|shilling|farthing|lemming|dumpling|gosling|inning|nothing)$")


@rule(
    code="GRAM005",
    triggers=_start_triggers(_NUMBER_OF_RE),  # every finding is a match of it, starting with one
    name="number-of-mass-noun",
    category="grammar",
    summary="\"the number of\" before a gerund or a mass noun (\"the number of forwarding\")",
    severity="info",
    examples=(
        bad("It limited the [[number of forwarding]] to five."),
        bad("The [[number of information]] is huge."),
        good("It limited the number of forwards to five."),
        good("The number of housing units rose."),
        good("The number of buildings on the street was small."),
        good("The number of remaining seats was five."),
    ),
)
def number_of_mass_noun(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`number of` followed by a gerund or a mass noun that ends the noun phrase, as in `the
    number of forwarding to five` or `the number of information`.

    ## Why it matters
    *Number* counts things: it needs a plural noun (`forwards`, `messages`). A gerund or a mass
    noun after it is a mistranslation of a source noun (Spanish *reenvíos*) or of *amount*.

    ## What it does not flag
    Gerunds and mass nouns that modify a following noun (`the number of housing units`,
    `the number of remaining seats`), and nouns that merely end in *-ing* (`buildings`,
    `evening`, `offspring`).

    ## How to fix
    Use a plural count noun (`forwards`) or *amount of* for a mass noun. No automatic fix.
    """
    for m in _NUMBER_OF_SCAN.finditer(doc):
        noun = m.group("noun")
        if noun.endswith("ing") and _ING_NOUNS_OK.search(noun):
            continue
        what = "a gerund" if noun.endswith("ing") and noun not in _MASS.split("|") else "a mass noun"
        yield Hit(
            m.start(),
            m.end(),
            f"'number of {noun}': 'number' counts things, but '{noun}' is {what}",
            suggestion="a plural count noun (e.g. 'number of forwards') or 'amount of'",
        )


# --------------------------------------------------------------------------- GRAM006 two articles
_TWO_ARTICLES_RE = lazy_compile(
    r"(?<![\w'’-])(?P<a1>[Tt]he|[Aa]n?) (?P<a2>the|an?)(?![\w'’-])(?! (?:priori|posteriori|fortiori|cappella|capella|la)\b)"
)
#: the rule's triggers: every match starts with two articles and a space between them (any case)
_TWO_ARTICLES_TRIGGERS = literal_triggers(f"{a} {b}" for a in ("the", "a", "an") for b in ("the", "a", "an"))


@rule(
    code="GRAM006",
    triggers=_TWO_ARTICLES_TRIGGERS,  # every match starts at one
    name="two-articles",
    category="grammar",
    summary="Two different articles in a row (\"the a\", \"a the\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("She signed [[the a]] contract on Monday.", fixed="She signed a contract on Monday."),
        good("He argued a priori that the a priori method fails."),
        good("Grade A students won."),
    ),
)
def two_articles(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Two different articles in a row, as in `the a contract` or `a the report`.

    ## Why it matters
    A noun phrase takes one article. Two in a row are an editing leftover or a translation that
    kept both readings.

    ## What it does not flag
    Latin and Italian phrases (`the a priori method`, `a cappella`). Identical doubles
    (`the the`) are reported by GRAM001.

    ## How to fix
    Delete one article. Unsafe fix: it deletes the first, which is not always the wrong one.
    """
    text = doc.text
    found = candidates(doc, "GRAM006", _TWO_ARTICLES_TRIGGERS)
    for m in _at_starts(_TWO_ARTICLES_RE, text, None if found is None else [a for a, _b in found]):
        if m.group("a1").lower() == m.group("a2"):
            continue  # GRAM001
        a2 = m.group("a2")
        keep = a2[:1].upper() + a2[1:] if m.group("a1")[:1].isupper() else a2
        yield Hit(
            m.start(),
            m.end(),
            f"Two articles in a row: '{m.group(0)}'",
            suggestion=keep,
            fix=Fix((Edit(m.start(), m.end(), keep),), Applicability.UNSAFE, "Keep the second article"),
        )


# --------------------------------------------------------------------------- GRAM007 more + comparative
#: comparatives used after "more" in good English ("more later", "no more further")
_MORE_OK = frozenset({"later", "further", "farther", "lesser", "elder", "latter", "former", "sooner"})
_MORE_COMP_RE = lazy_compile(
    r"(?<![\w-])(?P<more>more|most|More|Most) (?P<adj>[a-z]{1,25}(?:er|st|se))(?![\w'’-])"
    r"(?P<after> than\b|[.,;:!?)]| (?:and|or|but|to|for|in|when|if|because|now|today|still|ever|yet)\b|[ \t]{0,3}$"
    r"| (?=[a-z]))?"
)


@rule(
    code="GRAM007",
    triggers=_start_triggers(_MORE_COMP_RE),  # every finding is a match of it, starting with one
    name="double-comparative",
    category="grammar",
    summary="\"more\" before a comparative or \"most\" before a superlative (\"more better than\", \"most largest\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("The new plan is [[more better]] than the old one.", fixed="The new plan is better than the old one."),
        bad("It was [[more worse]] for the farmers.", fixed="It was worse for the farmers."),
        bad("It is the [[most largest]] city in the region.", fixed="It is the largest city in the region."),
        good("More older workers are staying on."),
        good("The new plan is better than the old one."),
        good("We will say more later."),
        good("Most lower courts agreed, and most older people voted."),
        good("It is the most interesting city."),
    ),
)
def double_comparative(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`more` before an adjective that is already comparative (`more better than`, `more worse`),
    or `most` before one that is already superlative (`the most largest`).

    ## Why it matters
    The comparative and the superlative are marked once: `better`, not `more better`; `the
    largest`, not `the most largest`. Doubled marking is typical of machine translation from
    languages that build every comparative with a separate word.

    ## What it does not flag
    `more` and `most` as quantifiers before a noun phrase (`more older workers`, `most lower
    courts`): a comparative counts only when `than`, punctuation, a conjunction or the end of
    the line follows it. Words the inflection lexicon does not list as comparatives or
    superlatives (`more power`, `most interest`), and `more later`, `no more further`.

    ## How to fix
    Delete `more` or `most`. Marked unsafe because a quantifier reading is possible in odd
    sentences.
    """
    for m in _MORE_COMP_SCAN.finditer(doc):
        adj = m.group("adj")
        more = m.group("more")
        t = inflection.tags(adj)
        if more.lower() == "more":
            if "JJR" not in t or adj in _MORE_OK or m.group("after") is None or m.group("after").startswith(" ") and not m.group("after").strip():
                continue
        elif "JJS" not in t or adj in ("least", "last", "most") or t & inflection.NOUN:
            continue
        keep = adj[:1].upper() + adj[1:] if more[:1].isupper() else adj
        kind = "comparative" if more.lower() == "more" else "superlative"
        yield Hit(
            m.start(),
            m.start("adj") + len(adj),
            f"Double {kind} '{more} {adj}': '{adj}' is already {kind}",
            suggestion=keep,
            fix=Fix((Edit(m.start(), m.start("adj") + len(adj), keep),), Applicability.UNSAFE, f"Replace with '{keep}'"),
        )


# --------------------------------------------------------------------------- GRAM008 there is + plural
#: words after a noun that end its noun phrase (so the noun is not a modifier: "sales tax")
_NP_END = ruledata.tagged("word_classes", "np_end")
_NEXT_TOKEN_RE = lazy_compile(r"[ \t]*(?:(?P<word>[A-Za-z]+)(?![\w'’-])|(?P<punct>[.,;:!?)\"”]|\n|$))")


def _ends_phrase(text: str, pos: int) -> bool:
    """Whether the noun phrase ends at ``pos``: punctuation, the end of the line, or a word that
    cannot continue a noun phrase follows."""
    m = _NEXT_TOKEN_RE.match(text, pos)
    if m is None:
        return False
    if m.group("punct") is not None:
        return True
    word = m.group("word").lower()
    if word in _NP_END:
        return True
    # a word that can only be a past, a participle or a third-person verb ends the phrase ("many
    # student failed"); -ing forms and base forms may belong to it ("these problem solving skills")
    if not m.group("word").islower():
        return False
    t = inflection.tags(word)
    return bool(t) and t <= {"VBD", "VBN", "VBZ"}


@lru_cache(maxsize=8192)
def _plural_only(word: str, verb_ok: bool) -> bool:
    """``word`` is a plural noun and nothing else (a third-person verb reading is allowed where
    the position rules verbs out)."""
    t = inflection.tags(word)
    return "NNS" in t and t <= ({"NNS", "VBZ"} if verb_ok else {"NNS"})


#: words that look like adjectives but quantify a plural ("a few days", "every few weeks")
_QUANT_ADJ = ruledata.tagged("word_classes", "quantity_adjective")


def _plural_at(text: str, m: re.Match, g1: str, g2: str, verb_ok: bool = True) -> int | None:
    """The end of a plural noun phrase in group ``g1`` (a plural noun) or ``g1 g2`` (an
    adjective and a plural noun) that ends there, else ``None``."""
    w1, w2 = m.group(g1), m.group(g2)
    if w1 not in _PLURAL_NOUN_OK and _plural_only(w1, verb_ok) and _ends_phrase(text, m.end(g1)):
        return m.end(g1)
    if (w2 is not None and w2 not in _PLURAL_NOUN_OK and w1 not in _QUANT_ADJ and inflection.tags(w1) == frozenset({"JJ"})
            and _plural_only(w2, verb_ok=True) and _ends_phrase(text, m.end(g2))):
        return m.end(g2)
    return None


_THERE_IS_RE = lazy_compile(
    r"(?<![\w'’-])(?P<there>[Tt]here)(?P<verb> is| was|['’]s) (?:(?:also|still|only|now|already|always|often|usually|"
    r"sometimes|currently) )?(?:(?P<q>many|several|numerous|various)(?! a\b)(?= [a-z])"
    r"|(?P<w1>[a-z]{1,30})(?![\w'’-])(?: (?P<w2>[a-z]{1,30})(?![\w'’-]))?)"
)
_PLURAL_NOUN_OK = frozenset({"thanks", "savings", "odds", "means", "whereabouts", "headquarters", "lots", "loads",
                             "plenty", "tons", "kudos", "yes", "nos"})


@rule(
    code="GRAM008",
    triggers=_start_triggers(_THERE_IS_RE),  # every finding is a match of it, starting with one
    name="there-is-with-plural",
    category="grammar",
    summary="\"there is/was\" before a plural (\"there is many reasons\", \"there is problems\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("[[There is many]] reasons to doubt it.", fixed="There are many reasons to doubt it."),
        bad("[[there was several]] attempts", fixed="there were several attempts"),
        bad("[[There is problems]] with the plan.", fixed="There are problems with the plan."),
        bad("[[There was serious doubts]] about it.", fixed="There were serious doubts about it."),
        good("There was many a time when he doubted it."),
        good("There are many reasons to doubt it."),
        good("There is news from the front, and there is sales tax to pay."),
        good("There is physics in it, and there is a lot of problems."),
        good("There's lots to do, and there's always exceptions."),
    ),
)
def there_is_with_plural(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`there is` or `there was` followed by `many`, `several`, `numerous` or `various`, or by
    a plural noun (with at most one adjective before it) that ends its noun phrase.

    ## Why it matters
    The verb agrees with the plural that follows: `there are many reasons`, `there were
    problems`. A singular verb there is a common agreement slip of machine translation.

    ## What it does not flag
    The idiom `many a` (`there was many a time`); nouns the inflection lexicon also knows as
    singular (`news`, `physics`, `means`, `series`); plurals that modify a following noun
    (`there is sales tax`); `a lot of`, `lots`, `plenty`; words that may be an adjective or a
    verb before the noun; the contraction `there's` before a plural noun, which informal English
    uses (`there's always exceptions`), though not before `many` or `several`.

    ## How to fix
    Use the plural verb: `there are`, `there were`. Unsafe fix (a quote may keep the speaker's
    words).
    """
    text = doc.text
    for m in _THERE_IS_SCAN.finditer(doc):
        verb = m.group("verb")
        if m.group("q") is None:
            if verb not in (" is", " was"):
                continue  # "there's always exceptions": informal English says it, so only "there's many"
            end = _plural_at(text, m, "w1", "w2")
            if end is None:
                continue
        else:
            end = m.end("q")
        plural = "were" if verb == " was" else "are"
        new = f" {plural}"
        yield Hit(
            m.start(),
            end,
            f"'{text[m.start():end]}': the verb should agree with the plural that follows ('there {plural}')",
            suggestion=f"{m.group('there')} {plural}",
            fix=Fix((Edit(m.start("verb"), m.end("verb"), new),), Applicability.UNSAFE, f"Replace with '{plural}'"),
        )


# --------------------------------------------------------------------------- GRAM009 a/an
# "a" before a vowel-initial word, "an" before a consonant-initial word. Only lower-case words of
# three or more letters: capitals and short tokens are often letters or abbreviations ("an MP",
# "a B-movie"). Words whose first sound differs from their first letter are excluded.
# (the word-start test follows the article's letter, so the regex engine can skip ahead to 'a's)
_A_VOWEL_RE = lazy_compile(
    r"(?P<art>[Aa])(?<![\w'’-][Aa]) (?P<word>(?!one|once|eu|ewe|ouija|oui\b|otr|ell|est|esa|ese|eso|aqu|alg|amb)[aeio][a-z]{2,})(?![\w'’-])"
)
_AN_CONS_RE = lazy_compile(r"(?P<art>[Aa](?<![\w'’-][Aa])n) (?P<word>[bcdgjkpqtvwyz][a-z]{2,})(?![\w'’-])")
#: where each can match: the same tests on the lower-cased text (``_lower_starts``), the
#: article and its space first (a literal the search skips ahead to in C), the word looked ahead at
_A_VOWEL_LOW_RE = lazy_compile(r"a (?<![\w'’-]a )(?=[aeio][a-z]{2,}(?![\w'’-]))")
_AN_CONS_LOW_RE = lazy_compile(r"an (?<![\w'’-]an )(?=[bcdgjkpqtvwyz][a-z]{2,}(?![\w'’-]))")


@rule(
    code="GRAM009",
    name="a-an-mismatch",
    category="grammar",
    summary="\"a\" before a vowel sound or \"an\" before a consonant (\"a apparatus\", \"an book\")",
    severity="info",
    fixable=True,
    examples=(
        bad("They built [[a apparatus]] for the test.", fixed="They built an apparatus for the test."),
        bad("She wrote [[an book]] about it.", fixed="She wrote a book about it."),
        good("It was a one-off, a European first and an hour-long talk."),
        good("He has an MBA and a B-grade."),
        good("An honest man ate an egg from a ewe farm."),
        good("The patients were split into groups A and B."),
        good("See step 3.a above, then option a in the list."),
        good("Type A is rarer than type B. Plan A or plan B?"),
        bad("[[An basic]] rule."),
    ),
)
def a_an_mismatch(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The article `a` before a word that starts with a vowel sound (`a apparatus`) or `an`
    before one that starts with a consonant (`an book`).

    ## Why it matters
    The article agrees with the sound that follows. A mismatch is a slip that machine translation
    makes when it chooses the article before the noun.

    ## What it does not flag
    Words whose first letter does not give their first sound (`a one-off`, `a European`,
    `a ewe`, `an hour`, `an honest`), words starting with *u* (`a union`, `an umbrella` differ),
    capitalised words and abbreviations (`an MBA`), `an` before *f, h, l, m, n, r, s, x*
    (letters that are read with a vowel sound: `an f-stop`), and letter labels that look like
    the article: a capital *A* inside a sentence (`groups A and B`), a letter after a number or
    a bracket (`step 3.a`, `(a)`) or after a label noun (`option a`, `type A`).

    ## How to fix
    Swap the article. Marked unsafe: a word read in an unusual way can fool the pattern.
    """
    text = doc.text
    for rx, low_rx, new in ((_A_VOWEL_RE, _A_VOWEL_LOW_RE, "an"), (_AN_CONS_RE, _AN_CONS_LOW_RE, "a")):
        for m in _at_starts(rx, text, _lower_starts(doc, low_rx)):
            art = m.group("art")
            if _is_letter_label(text, m.start("art"), art):
                continue
            repl = new.capitalize() if art[:1].isupper() else new
            yield Hit(
                m.start(),
                m.end(),
                f"'{art} {m.group('word')}': use '{repl}' before a word that starts with "
                f"{'a vowel' if new == 'an' else 'a consonant'} sound",
                suggestion=f"{repl} {m.group('word')}",
                fix=Fix((Edit(m.start("art"), m.end("art"), repl),), Applicability.UNSAFE, f"Replace with '{repl}'"),
            )


_LABEL_NOUNS = lazy_compile(
    r"(?:option|step|item|part|section|group|groups|type|class|grade|plan|appendix|annex|figure|table|column|row|"
    r"point|exhibit|schedule|list|vitamin|hepatitis|category|level|phase|stage|model|version|block|zone|"
    r"building|gate|wing|division|series|size|letter|and|or)[ \t]+$",
    re.IGNORECASE,
)
_SENTENCE_START = lazy_compile(r"(?:^|[.!?:;][\"”’)\]]*\s+|\n\s*|[\"“(]\s*)$")


def _is_letter_label(text: str, at: int, art: str) -> bool:
    """Whether the 'a'/'A' at ``at`` is a letter label rather than the article: a capital A
    inside a sentence, a letter after a digit, a point or a bracket ("3.a", "(a)"), or after a
    label noun ("option a", "groups A and B")."""
    before = text[max(0, at - 30):at]
    if before and (before[-1] in ".(" or before[-1].isdigit()):
        return True
    if art[0] == "A" and not _SENTENCE_START.search(before):
        return True
    return bool(_LABEL_NOUNS.search(before))


# --------------------------------------------------------------------------- GRAM010 there are X think
_PEOPLE = (
    "people|buyers|home buyers|residents|users|netizens|experts|analysts|scholars|investors|citizens|"
    "students|parents|consumers|officials|members|observers|commentators|critics|companies|countries|"
    "voices|customers|fans|players|workers|families|voters|economists|insiders"
)
_THERE_ARE_RE = lazy_compile(
    rf"(?<![\w'’-])(?P<head>[Tt]here (?:are|were|is|was) (?:also )?(?:many |some |a lot of |few |more |other |still )?"
    rf"(?:(?:home|young|local|foreign|ordinary|older|elderly|private|individual|industry|retail|potential|prospective) )?"
    rf"(?:{_PEOPLE})) (?P<verb>believe|think|say|said|believed|thought|argue|argued|feel|felt|worry|"
    rf"worried|hope|hoped|want|wanted|expect|expected|suggest|suggested|claim|claimed)(?![\w'’-])"
)


@rule(
    code="GRAM010",
    triggers=_start_triggers(_THERE_ARE_RE),  # every finding is a match of it, starting with one
    name="there-are-people-think",
    category="grammar",
    summary="\"there are many people think\": a missing \"who\" after an existential",
    severity="info",
    fixable=True,
    examples=(
        bad("[[There are many buyers believe]] that prices will fall.",
            fixed="There are many buyers who believe that prices will fall."),
        good("There are many buyers who believe that prices will fall."),
        good("Many buyers believe that prices will fall."),
        good("There are things people believe without proof."),
    ),
)
def there_are_people_think(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`There are (many) people/buyers/experts` followed directly by a verb of saying or
    thinking, as in `There are many buyers believe that...`.

    ## Why it matters
    English needs a relative pronoun (`There are many buyers who believe`) or no existential
    (`Many buyers believe`). The bare construction is a calque of Chinese *有很多…认为* and of
    similar structures in other languages, frequent in machine-translated news.

    ## How to fix
    Insert `who` (or `that`) before the verb, or drop `there are`. The fix inserts `who`; it is
    unsafe only because the sentence may read better rewritten.
    """
    for m in _THERE_ARE_SCAN.finditer(doc):
        yield Hit(
            m.start(),
            m.end(),
            f"'{m.group(0)}': a relative pronoun is missing before '{m.group('verb')}'",
            suggestion=f"{m.group('head')} who {m.group('verb')}",
            fix=Fix((Edit(m.start("verb"), m.start("verb"), "who "),), Applicability.UNSAFE, "Insert 'who'"),
        )


# --------------------------------------------------------------------------- GRAM011 although ..., but
_PAIRED_CONJ_RE = lazy_compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?][\"”’]\s)|(?<=\n))(?P<first>Although|Though|Even though|Because|Since)\b"
    r"[^.!?\n,;]{3,200}(?P<second>, (?:but|yet|so|therefore))\b"
)
_PAIRS = {"although": "but", "though": "but", "even though": "but", "because": "so", "since": "so"}


@rule(
    code="GRAM011",
    triggers=_start_triggers(_PAIRED_CONJ_RE),  # every finding is a match of it, starting with one
    name="doubled-conjunction",
    category="grammar",
    summary="A clause conjunction answered by a second one (\"Although X, but Y\", \"Because X, so Y\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("Although the talks failed[[, but]] both sides stayed calm.",
            fixed="Although the talks failed, both sides stayed calm."),
        bad("Because prices rose[[, so]] sales fell.", fixed="Because prices rose, sales fell."),
        good("Although the talks failed, both sides stayed calm."),
        good("Since May, sales have risen, so the firm is hiring."),
        good("Because prices rose, sales fell, but profits held."),
        good("Because prices rose, sales fell, so the firm cut jobs."),
    ),
)
def doubled_conjunction(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A sentence that opens with `Although`/`Though` and continues with `, but`, or opens with
    `Because`/`Since` and continues with `, so`.

    ## Why it matters
    English marks the relation once: `Although X, Y` or `X, but Y`. Chinese (*虽然…但是*,
    *因为…所以*), Russian and other languages mark it twice, and machine translation keeps both.

    ## What it does not flag
    `Since` as a time word (`Since May, ...`): the second conjunction must be the one that pairs
    with the first, and only the first `, but`/`, so` of the sentence is considered.

    ## How to fix
    Delete the second conjunction. Unsafe fix: sometimes the first one is the better to drop.
    """
    text = doc.text
    for m in _PAIRED_CONJ_SCAN.finditer(doc):
        first = m.group("first").lower()
        second = m.group("second")[2:]
        if _PAIRS[first] == "but" and second not in ("but", "yet"):
            continue
        if _PAIRS[first] == "so" and second not in ("so", "therefore"):
            continue
        if first == "since" and re.match(r"Since (?:\d|January|February|March|April|May|June|July|August|September|"
                                         r"October|November|December|then|last|the (?:start|beginning|end))",
                                         text[m.start():m.start() + 40]):
            continue  # "Since May, ..." is about time
        yield Hit(
            m.start("second"),
            m.end("second"),
            f"'{m.group('first')} ..., {second}': the relation is marked twice; keep one conjunction",
            suggestion=",",
            fix=Fix((Edit(m.start("second") + 1, m.end("second"), ""),), Applicability.UNSAFE, f"Delete '{second}'"),
        )


# --------------------------------------------------------------------------- GRAM013-015 determiners
_DET_WORDS = ("this", "these", "those", "each", "every", "another", "much", "many")
#: words that need a plural noun after them (GRAM021)
_PLURAL_QUANT = ("several", "various", "numerous", "few", "both", "two", "three", "four", "five", "six", "seven",
                 "eight", "nine", "ten", "twelve", "twenty")
# (with the character before the word, so that "ten" inside "often" is not looked at; a word at
# the very start of the text is missed)
_ONE_OF = ("one of the", "one of my", "one of his", "one of her", "one of our", "one of their", "one of your",
           "one of its")
_QUANT_BEFORE = " \n\"“("
_QUANT_LITERALS = _prefixed(_PLURAL_QUANT + _ONE_OF, _QUANT_BEFORE)
_QUANT_RE = lazy_compile(
    r"(?<![\w'’.(\u2010-\u2015-])(?P<q>" + "|".join(w + "|" + w.capitalize() for w in _PLURAL_QUANT)
    + "|" + "|".join(w + "|" + w.capitalize() for w in _ONE_OF) + ") "
    r"(?P<w1>[a-z]{1,30})(?![\w'’-])(?: (?P<w2>[a-z]{1,30})(?![\w'’-]))?(?: (?P<w3>[a-z]{1,30})(?![\w'’-]))?"
)
#: singular nouns that follow a number or "several" in good English ("two hundred", "ten percent")
_UNIT_SINGULAR = ruledata.tagged("word_classes", "unit_singular")
_DET_LITERALS = tuple(f"{w} " for w in _DET_WORDS)
_DET_RE = lazy_compile(  # tried only where the one scan found one of the words (_det_starts)
    r"(?<![\w'’.(-])(?:" + "|".join(w + "|" + w.capitalize() for w in _DET_WORDS) + ") "
    r"(?P<w1>[a-z]{1,30})(?![\w'’-])(?: (?P<w2>[a-z]{1,30})(?![\w'’-]))?"
)
#: "a/an" + (adjective) + a word in -s that may be a plural: no literal to gate on, so the
#: article's letter comes first (the regex engine skips ahead to it)
_DET_A_RE = lazy_compile(
    r"[Aa](?<![\w'’.(-][Aa])n? (?:(?P<w1>[a-z]{1,30}) )?"
    r"(?P<w2>[a-z]{1,30}s)(?![\w'’-])"
)
#: where it can match (``_lower_starts``)
_DET_A_LOW_RE = lazy_compile(r"a(?<![\w'’.(-]a)n? (?=(?:[a-z]{1,30} )?[a-z]{1,30}s(?![\w'’-]))")
#: count nouns with a zero plural that the mass-noun test cannot tell apart ("many aircraft")
_ZERO_PLURAL = frozenset({"aircraft", "spacecraft", "hovercraft", "watercraft", "deer", "yen", "offspring", "fish",
                          "sheep", "moose", "swine", "police", "personnel", "cattle", "livestock", "clergy"})


#: the triggers of GRAM013 (this/these/those), GRAM015 (much/many), GRAM021 (many, the
#: quantifiers with the character before them, or one at the start of the text) and GRAM014
#: (``_EACH_LITERALS``, and "a/an" before a space as a regex: a gate, in nearly every text)
_THIS_TRIGGERS = literal_triggers(("this ", "these ", "those "))
_MUCH_TRIGGERS = literal_triggers(("much ", "many "))
_PLURAL_TRIGGERS = Triggers(literals=tuple(sorted(set(_QUANT_LITERALS) | {"many "})),
                            patterns=(_text_starts_with(_PLURAL_QUANT + _ONE_OF),))
_EACH_LITERALS = ("another ", "each ", "every ")
_EACH_LONGEST = max(map(len, _EACH_LITERALS))
_EACH_TRIGGERS = Triggers(literals=_EACH_LITERALS, patterns=(("[Aa]n? ", 0),))
_DET_TRIGGERS = (("GRAM013", _THIS_TRIGGERS), ("GRAM015", _MUCH_TRIGGERS), ("GRAM021", _PLURAL_TRIGGERS))


def _det_starts(doc: Document) -> tuple[list[int] | None, list[int] | None]:
    """Where ``_DET_RE`` and ``_QUANT_RE`` can match: the candidates of the three rules' triggers
    (every occurrence of every determiner and quantifier literal, from the document's one scan,
    or searched here for a rule the scan does not answer for), GRAM014's among them. A hit
    starting with one of
    ``_QUANT_BEFORE`` is a quantifier after its character; the start of the text is tried too.
    ``None``: no answer, the whole text is scanned."""
    text = doc.text
    det: list[int] = []
    quant: list[int] = [0]
    got = [candidates(doc, code, trig) for code, trig in _DET_TRIGGERS]
    if any(found is None for found in got):
        return None, None
    each = candidates(doc, "GRAM014", _EACH_TRIGGERS)
    if each is None:
        return None, None
    # (GRAM014's words, less the one hit covering the text of its "a/an" gate, unless the text is
    # one of the words: ``str.lower`` never shortens a text, so a longer one is lower-cased for
    # nothing, and a document's whole text is not lower-cased again here)
    n = len(text)
    whole = n <= _EACH_LONGEST and text.lower() in _EACH_LITERALS
    got.append([(a, b) for a, b in each if (a, b) != (0, n) or whole])
    for found in got:
        for a, _b in found:  # type: ignore[union-attr]
            if text[a] in _QUANT_BEFORE:
                quant.append(a + 1)
            else:
                det.append(a)
    return det, quant


_PREPOSITIONS = ruledata.tagged("word_classes", "preposition")


def _after_preposition(text: str, at: int) -> bool:
    prev = _PREV_WORD_RE.search(text, max(0, at - 30), at)
    return prev is not None and prev.group(1).lower() in _PREPOSITIONS and "," not in text[prev.end(1):at]


@lru_cache(maxsize=8192)
def _singular_count(word: str, verb_ok: bool = False) -> bool:
    """``word`` is a singular count noun and nothing else (or also a base verb, where ``verb_ok``):
    its noun reading is singular only and it has a plural of its own."""
    if inflection.tags(word) not in ({frozenset({"NN"}), frozenset({"NN", "VB"})} if verb_ok else {frozenset({"NN"})}):
        return False
    plurals = _noun_plurals(word)
    return bool(plurals) and word not in plurals


_tags = inflection.tags


@lru_cache(maxsize=8192)
def _noun_plurals(word: str) -> tuple[str, ...]:
    """The plurals the lexicon lists for the noun ``word`` (one look-up per word for the three
    tests that read them: the lexicon finds a row by searching its whole text)."""
    return inflection.forms(word, "noun").get("NNS", ())


def _det_hits(doc: Document, kinds: frozenset[str]) -> Iterator[tuple[str, re.Match, int, str]]:
    """(kind, match, end of the noun phrase, what is wrong) for each determiner-noun mismatch of
    the kinds asked for: 'this' (this/these/those), 'a' (a/an/each/every/another), 'much'."""
    text = doc.text
    if "a" in kinds:
        for m in _at_starts(_DET_A_RE, text, _lower_starts(doc, _DET_A_LOW_RE)):
            if "NNS" not in _tags(m.group("w2")) and not (m.group("w1") and "NNS" in _tags(m.group("w1"))):
                continue
            art = text[m.start():m.start("w1") if m.group("w1") else m.start("w2")].strip()
            if _is_letter_label(text, m.start(), art):
                continue
            end = _plural_at(text, m, "w1", "w2", verb_ok=True) if m.group("w1") else \
                _plural_at(text, m, "w2", "w1", verb_ok=True)
            if end is not None:
                yield "a", m, end, f"a plural noun after '{art}', which takes a singular"
    det_starts, quant_starts = _det_starts(doc)
    for m in _at_starts(_DET_RE, text, det_starts):
        det = text[m.start():m.start("w1") - 1].lower()
        if det in ("this", "these", "those"):
            kind = "this"
        elif det in ("much", "many"):
            kind = "much"
        else:
            kind = "a"
        if kind not in kinds:
            continue
        w1 = m.group("w1")
        t1 = _tags(w1)
        if det in ("these", "those"):
            if "NN" not in t1:
                continue
        elif det == "many":
            if "NN" not in t1:
                continue
        elif "NNS" not in t1 and (m.group("w2") is None or "NNS" not in _tags(m.group("w2"))):
            continue  # nothing plural: the common case, decided without more work
        # after a preposition the determiner starts a noun phrase, so a verb reading of the
        # next word is impossible ("in this days", "of these problem"); elsewhere "this
        # results in", "these reason that" may be a pronoun and a verb
        # (each test with a verb reading allowed accepts whatever the test without does, so the
        # word before is looked at only when that test passes)
        if det == "this":
            end = _plural_at(text, m, "w1", "w2", verb_ok=True)
            if end is not None and not _after_preposition(text, m.start()):
                end = _plural_at(text, m, "w1", "w2", verb_ok=False)
            if end is not None:
                yield kind, m, end, "a plural noun after the singular 'this'"
        elif det in ("these", "those"):
            if (_singular_count(w1, verb_ok=True) and _ends_phrase(text, m.end("w1"))
                    and not text.startswith((" and ", " or "), m.end("w1"))  # "these mom and pop shops"
                    and (_singular_count(w1, verb_ok=False) or _after_preposition(text, m.start()))):
                yield kind, m, m.end("w1"), f"a singular noun after the plural '{det}'"
        elif det == "every":
            end = _plural_at(text, m, "w1", "w2", verb_ok=True)
            if end is not None:
                yield kind, m, end, f"a plural noun after '{det}', which takes a singular"
        elif det in ("each", "another"):
            end = _plural_at(text, m, "w1", "w2", verb_ok=True)
            if end is not None and not _after_preposition(text, m.start()):
                end = _plural_at(text, m, "w1", "w2", verb_ok=False)
            if end is not None:
                yield kind, m, end, f"a plural noun after '{det}', which takes a singular"
        elif det == "much":
            end = _plural_at(text, m, "w1", "w2", verb_ok=True)
            if end is None:
                continue
            before = _PREV_WORD_RE.search(text, max(0, m.start() - 20), m.start())
            if before is not None and before.group(1).lower() in ("how", "so", "too", "very", "as", "that", "this"):
                continue  # "how much students have improved": an adverb
            if not _after_preposition(text, m.start()):
                end = _plural_at(text, m, "w1", "w2", verb_ok=False)
            if end is not None:
                yield kind, m, end, "a plural count noun after 'much' ('many' counts)"
        elif det == "many":
            if (w1 not in _ZERO_PLURAL and inflection.is_mass_noun(w1) and _ends_phrase(text, m.end("w1"))):
                yield kind, m, m.end("w1"), f"'{w1}' is a mass noun; 'many' needs a plural count noun ('much' measures)"
            elif w1 not in ("a", "an") and _count_singular(w1, False) and w1 not in _UNIT_SINGULAR and _ends_phrase(text, m.end("w1")) \
                    and not text.startswith((" and ", " or "), m.end("w1")):
                yield "plural", m, m.end("w1"), "a singular noun after 'many', which needs a plural"
    if "plural" in kinds:
        for m in _at_starts(_QUANT_RE, text, quant_starts):
            q = m.group("q").lower()
            if q == "both":
                before = text[max(0, m.start() - 12):m.start()].lower()
                if re.search(r"(?:\b(?:are|were|is|was|be|been|they|we|you|them|us|these|those)|['’]re|['’]s)\s+$", before):
                    continue  # "they're both food": "both" floats after the subject
            words = [(m.group(g), m.end(g)) for g in ("w1", "w2", "w3") if m.group(g)]
            if q.startswith("one of "):
                before = _PREV_WORD_RE.search(text, max(0, m.start() - 30), m.start())
                if before is not None and (t := _tags(before.group(1).lower())) and t <= inflection.NOUN:
                    continue  # "day one of your new career": a numeral after a noun
                # adjectives, then the noun: "one of the most important thing"
                i = 0
                while i < len(words) - 1 and (words[i][0] in ("most", "more", "very", "least")
                                              or _tags(words[i][0]) & inflection.ADJ and not _tags(words[i][0]) & inflection.NOUN):
                    i += 1
                noun, end = words[i]
            else:
                noun, end = words[0]
            # after "one of the" or "several" a verb reading is impossible; after a number or "both"
            # it is not ("the two work together", "they both agree")
            if noun in _UNIT_SINGULAR or noun in _COLLECTIVE or not _count_singular(
                    noun, verb_ok=q.startswith("one of ") or q in ("several", "various", "numerous")):
                continue
            if not _ends_phrase(text, end) or text.startswith((" and ", " or "), end):
                continue
            yield "plural", m, end, f"a singular noun after '{m.group('q')}', which needs a plural"




@lru_cache(maxsize=8192)
def _count_singular(word: str, verb_ok: bool) -> bool:
    """A singular noun that has a plural in common use, so that a quantifier needs that plural:
    the lexicon knows it as a noun (and perhaps a base verb, where ``verb_ok``), it has a plural
    other than itself, and where the lexicon also lists it as its own plural (a mass or a zero
    plural use: ``thing``, ``fish``) the other plural is at most ten times rarer in English text
    than the noun (``things`` is common, ``fishes`` and ``peoples`` are not)."""
    t = inflection.tags(word)
    if "NN" not in t or not t <= ({"NN", "NNS", "VB"} if verb_ok else {"NN", "NNS"}) or word in _ZERO_PLURAL:
        return False
    plurals = _noun_plurals(word)
    others = [p for p in plurals if p != word]
    if not others:
        return False
    if word in plurals:
        from qa.lexicons import zipf_en

        return max(zipf_en(p) for p in others) >= zipf_en(word) - 1.0
    return True


def _det_rule(kind: str):
    def check(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
        text = doc.text
        # one scan serves GRAM013, GRAM014 and GRAM015 (cached on the document)
        hits = doc.facts.once("determiner_hits",
                              lambda: list(_det_hits(doc, frozenset({"this", "a", "much", "plural"}))))
        for k, m, end, what in hits:
            if k != kind:
                continue
            det = text[m.start():m.end()].split(" ", 1)[0].lower()
            yield Hit(m.start(), end, f"'{text[m.start():end]}': {what}",
                      suggestion=_DET_SUGGEST.get(det, "the plural of the noun"))
    return check


_DET_SUGGEST = {
    "this": "these + plural, or this + singular", "these": "this + singular, or these + plural",
    "those": "that + singular, or those + plural", "a": "drop the article or use the singular",
    "an": "drop the article or use the singular", "each": "each + singular noun",
    "every": "every + singular noun", "another": "another + singular, or other + plural",
    "much": "many + plural count noun", "many": "much + mass noun, or many + plural count noun",
}


@rule(
    code="GRAM013",
    triggers=_THIS_TRIGGERS,  # every finding starts at one of them
    name="this-these-number-mismatch",
    category="grammar",
    summary="\"this\" before a plural or \"these/those\" before a singular noun (\"this days\", \"these problem\")",
    severity="info",
    examples=(
        bad("In [[this days]] of crisis, few travel."),
        bad("We discussed [[these problem]] at length."),
        bad("All of [[this new rules]] are wrong."),
        good("This results in delays, and this means trouble."),
        good("This news is old; this series ended; these software tools work."),
        good("These kind of remarks and this sales team."),
        good("Those present and those interested stayed."),
        good("These mom and pop shops need help."),
    ),
)
def this_these_number_mismatch(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`this` followed by a plural noun (`this days`), or `these`/`those` by a singular count
    noun (`these problem`), where the noun ends its noun phrase.

    ## Why it matters
    The demonstrative agrees with its noun: `these days`, `this problem`. Machine translation
    from languages without number marking on demonstratives (Chinese, Japanese) produces the
    mismatch.

    ## What it does not flag
    A noun the inflection lexicon also knows as a verb (`this results in`, `this means`) or as
    both singular and plural (`this news`, `this series`); a noun that modifies the next one
    (`this sales team`, `these software tools`); `these kind of`; `those present`.

    ## How to fix
    Make the two agree: `these days`, `this problem`. No automatic fix: either word may be wrong.
    """
    return _det_rule("this")(doc, opts)


@rule(
    code="GRAM014",
    triggers=_EACH_TRIGGERS,  # every finding starts with one
    name="singular-determiner-with-plural",
    category="grammar",
    summary="\"a/an\", \"each\", \"every\" or \"another\" before a plural noun (\"a problems\", \"each members\")",
    severity="info",
    examples=(
        bad("It was [[a problems]] for the team."),
        bad("[[Each members]] of the board voted."),
        bad("It happens [[every years]] in May."),
        good("It is a means to an end, a series of talks and a news item."),
        good("She made a sales pitch and a savings of ten percent."),
        good("Each says no, and another thinks yes."),
        good("See groups A and B, and step 3.a items."),
        good("A lot of people came, and a few stayed."),
    ),
)
def singular_determiner_with_plural(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`a`, `an`, `each`, `every` or `another` followed by a plural noun (with at most one
    adjective before it) that ends its noun phrase, as in `a problems` or `each members of`.

    ## Why it matters
    These determiners take a singular noun. A plural after them is an agreement error typical
    of machine translation, or a leftover of an edit.

    ## What it does not flag
    Nouns the inflection lexicon also knows as singular (`a means`, `a series`, `a news item`)
    or, after *each* and *another*, as a verb (`each says`); plurals that modify a noun (`a sales
    pitch`); `a savings of`, `a thanks`; letter labels (`groups A and B`, `step 3.a`).

    ## How to fix
    Drop the determiner or use the singular. No automatic fix.
    """
    return _det_rule("a")(doc, opts)


@rule(
    code="GRAM015",
    triggers=_MUCH_TRIGGERS,  # every finding starts at one of them
    name="much-many-count-mismatch",
    category="grammar",
    summary="\"much\" before a plural or \"many\" before a mass noun (\"much problems\", \"many information\")",
    severity="info",
    examples=(
        bad("There is [[much problems]] with the plan."),
        bad("They gave us [[many information]] about it."),
        bad("He took [[many equipment]] with him."),
        good("Much remains to be done, and much needs to change."),
        good("Many fish, many sheep and many aircraft were lost."),
        good("Many information systems failed."),
        good("Much thanks to you."),
        good("It shows how much students have improved."),
    ),
)
def much_many_count_mismatch(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`much` followed by a plural noun (`much problems`), or `many` by a mass noun (`many
    information`), where the noun ends its noun phrase.

    ## Why it matters
    *Many* counts (`many problems`), *much* measures (`much information`). Mixing them is an
    agreement error of machine translation from languages with one word for both.

    ## What it does not flag
    After *much*, words the inflection lexicon also knows as a verb (`much remains`, `much
    needs to change`). After *many*, nouns with a zero plural (`many fish`, `many aircraft`).
    A mass noun is one the lexicon lists with itself as its plural and whose *-s* plural is at
    least a hundred times rarer in English than the noun (`information`, `equipment`, `advice`).
    Nouns that modify the next one (`many information systems`).

    ## How to fix
    `many problems`, `much information` (or `a lot of`). No automatic fix.
    """
    return _det_rule("much")(doc, opts)


@rule(
    code="GRAM021",
    triggers=_PLURAL_TRIGGERS,  # every finding starts at one of them
    name="plural-quantifier-with-singular",
    category="grammar",
    summary="A singular noun after a word that needs a plural (\"many problem\", \"two book\", \"one of the best player\")",
    severity="info",
    examples=(
        bad("There are [[many problem]] with it."),
        bad("She found [[two problem]] in the plan."),
        bad("It is [[one of the most important thing]] in life."),
        bad("We met [[several time]] in May."),
        good("Many problems remain; two books and one of the best players."),
        good("Two hundred people came; ten percent left; both sides agreed."),
        good("One of the family was there, and one of the best is here."),
        good("Today can be day one of your new career."),
        good("A two year old child and many software companies."),
        good("The two work well together, and they both agree; they're both food."),
        good("It is a top\u2011five carrier."),
        good("There was many a time when we doubted it."),
    ),
)
def plural_quantifier_with_singular(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A word that needs a plural noun (`many`, `several`, `various`, `both`, `few`, the numbers
    `two` to `twenty`, `one of the`) followed by a singular count noun that ends its noun
    phrase: `many problem`, `two book`, `one of the most important thing`.

    ## Why it matters
    These words count several things, so the noun takes its plural: `many problems`, `one of the
    best players`. A singular there is a number error typical of machine translation from
    languages without plural marking and of learners.

    ## What it does not flag
    Nouns the inflection lexicon also knows as a plural, a verb (after a number) or an
    adjective; units that stay singular (`two hundred`, `ten percent`, `six foot`); collectives
    (`one of the family`); nouns that modify the next word (`a two year old child`, `many
    software companies`); `many a`.

    ## How to fix
    Use the plural of the noun. No automatic fix.
    """
    return _det_rule("plural")(doc, opts)


# --------------------------------------------------------------------------- GRAM016 subject-verb agreement
_SUBJ_VERB_RE = lazy_compile(
    r"(?P<det>[Tt](?<![\w'’-][Tt])h(?:e|ese|ose|eir)) "
    r"(?P<head>[a-z]{2,30}) (?P<prep>of|in|on|for|from|with|at|about|between|among|across|under|over|near|behind) "
    r"(?P<np>(?:[A-Za-z0-9][\w'’-]{0,30} ){0,4}?[A-Za-z0-9][\w'’-]{0,30}) "
    r"(?:(?P<verb>" + _aux_alt("is was has does isn['’]t wasn['’]t hasn['’]t doesn['’]t") + ")"
    r"|(?P<pverb>" + _aux_alt("are were have aren['’]t weren['’]t haven['’]t") + ")"
    # a verb in -s is a verb (not a plural noun) when a determiner or "that" follows it
    r"|(?P<sverb>[a-z]{2,30}s)(?= (?:that|the|a|an|this|these|its|their|his|her|our|no|how|what|why|whether)\b))"
)
#: heads that take a plural verb in good English ("the majority of voters are", "the rest of them
#: were") or that a collective reading allows with one ("the team of experts are")
_COLLECTIVE = ruledata.tagged("word_classes", "collective")
#: closed-class words allowed inside the prepositional phrase (anything else must be a noun or an adjective)
_NP_INNER = ruledata.tagged("word_classes", "np_inner")
_NP_STOP = ruledata.tagged("word_classes", "np_stop")
#: words before the subject that make it something else: a preposition (an inversion: "among
#: the causes of the fire was") or a clause word
_BEFORE_SUBJECT_STOP = ruledata.tagged("word_classes", "before_subject_stop")


@rule(
    code="GRAM016",
    name="plural-subject-singular-verb",
    category="grammar",
    summary="A plural subject noun with a singular verb after a prepositional phrase (\"the results of the survey is\")",
    severity="info",
    fixable=True,
    examples=(
        bad("The [[results of the survey is]] clear.", fixed="The results of the survey are clear."),
        bad("The [[prices of oil and gas has]] risen.", fixed="The prices of oil and gas have risen."),
        bad("Their [[costs in the first year was]] high.", fixed="Their costs in the first year were high."),
        bad("The [[results of the survey shows]] that prices rose.", fixed="The results of the survey show that prices rose."),
        good("The results of the survey are clear."),
        good("Among the causes of the fire was a faulty wire."),
        good("One of the results of the survey is clear."),
        good("The series of talks is over, and the news of his death was sad."),
        good("The details of what he said is unclear."),
        good("The Pirates of the Caribbean is a film."),
        good("The races of the characters in The Moon is a Harsh Mistress were odd."),
    ),
)
def plural_subject_singular_verb(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`the`, `these`, `those` or `their` and a plural noun (`the results`), a prepositional phrase of up to five
    words (`of the survey`), then `is`, `was`, `has` or `does`, or a verb in *-s* followed by
    `that` or a determiner (`shows that`): the verb agrees with the noun of the phrase instead
    of the subject.

    ## Why it matters
    The verb agrees with the head of the subject, not with the nearest noun: `the results of
    the survey are`. Attraction to the nearer noun is a frequent agreement error of machine
    translation and of hurried writing.

    ## What it does not flag
    Heads the inflection lexicon also knows as singular (`series`, `news`, `means`) or as an
    adjective; subjects after a preposition or a quantifier (`among the causes of the fire was`
    is an inversion, `one of the results ... is` agrees with *one*); phrases that hold a verb,
    a pronoun or a clause word (`the details of what he said`); capitalised heads (titles).

    ## How to fix
    Use the plural verb: `are`, `were`, `have`, `do`. Unsafe fix (the subject might be meant
    as a unit).
    """
    for kind, m, head, verb, vstart, vend, repl in _subject_verb_hits(doc):
        if kind != "plural":
            continue
        yield Hit(
            m.start("head"),
            vend,
            f"'{head}' is plural, but the verb '{verb}' is singular: it agrees with the nearer noun",
            suggestion=repl or "the plural form of the verb",
            fix=Fix((Edit(vstart, vend, repl),), Applicability.UNSAFE, f"Replace with '{repl}'") if repl else None,
        )


@lru_cache(maxsize=8192)
def _singular_head(word: str) -> bool:
    """A noun after *the* that is singular: the lexicon knows it as a noun (and perhaps a base
    verb, which *the* rules out) with a plural of its own; listed as its own plural too it is a
    mass use (``quality``), still singular. Zero plurals (``sheep``, ``series``) and collectives
    (``people``, ``team``, ``majority``) are left out."""
    t = inflection.tags(word)
    if "NN" not in t or not t <= {"NN", "NNS", "VB"} or word.endswith("s"):
        return False
    if word in _COLLECTIVE or word in _ZERO_PLURAL:
        return False
    return any(p != word for p in _noun_plurals(word))


_PLURAL_OF = {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't", "isn’t": "aren’t",
              "wasn't": "weren't", "wasn’t": "weren’t", "hasn't": "haven't", "hasn’t": "haven’t",
              "doesn't": "don't", "doesn’t": "don’t"}
_SINGULAR_OF = {"are": "is", "were": "was", "have": "has", "aren't": "isn't", "aren’t": "isn’t",
                "weren't": "wasn't", "weren’t": "wasn’t", "haven't": "hasn't", "haven’t": "hasn’t"}


def _subject_verb_hits(doc: Document) -> list[tuple]:
    """(kind, match, head, verb, verb start, verb end, replacement) for GRAM016 ('plural': a
    plural head with a singular verb) and GRAM018 ('singular'); one scan, cached on the document."""
    return doc.facts.once("subject_verb_hits", lambda: _find_subject_verb(doc))


#: where ``_SUBJ_VERB_RE`` can match (``_lower_starts``): its determiner, head and preposition
_SUBJ_VERB_LOW_RE = lazy_compile(
    r"th(?<![\w'’-]th)(?=(?:e|ese|ose|eir) [a-z]{2,30} "
    r"(?:of|in|on|for|from|with|at|about|between|among|across|under|over|near|behind) )"
)


def _find_subject_verb(doc: Document) -> list[tuple]:
    hits: list[tuple] = []
    text = doc.text
    for m in _at_starts(_SUBJ_VERB_RE, text, _lower_starts(doc, _SUBJ_VERB_LOW_RE)):
        head = m.group("head")
        pverb = m.group("pverb")
        if pverb is None:
            if not head.endswith("s") or head in _PLURAL_NOUN_OK or not _plural_only(head, verb_ok=True):
                continue
        elif not _singular_head(head):
            continue
        prev = _PREV_WORD_RE.search(text, max(0, m.start() - 30), m.start())
        if prev is not None and (prev.group(1).lower() in _BEFORE_SUBJECT_STOP or prev.group(1).lower() in (
                "one", "each", "none", "neither", "either", "any", "every")):
            continue
        words = m.group("np").split()
        ok = True
        for w in words:
            lw = w.lower()
            if lw in _NP_STOP:
                ok = False
                break
            if w[:1].isupper():
                ok = False  # a name or a title may hold its own verb ("the races in The Moon is a Harsh Mistress")
                break
            if lw in _NP_INNER or w[:1].isdigit():
                continue
            t = inflection.tags(lw)
            if not t or not (t & (inflection.NOUN | inflection.ADJ)):
                ok = False
                break
        if not ok:
            continue
        if pverb is not None:
            # a singular head: only where the phrase holds the plural the verb agrees with, and
            # no "and" that could make the whole subject plural
            if any(w.lower() in ("and", "or", "as", "well") for w in words) or not any(
                    w.islower() and _plural_only(w, verb_ok=True) for w in words):
                continue
            verb = pverb[:-1]
            hits.append(("singular", m, head, verb, m.start("pverb"), m.end("pverb") - 1, _SINGULAR_OF[verb]))
        elif m.group("verb") is not None:
            verb = m.group("verb")[:-1]
            hits.append(("plural", m, head, verb, m.start("verb"), m.end("verb") - 1, _PLURAL_OF[verb]))
        else:
            verb = m.group("sverb")
            if "VBZ" not in inflection.tags(verb):
                continue
            base = inflection.base_form(verb)
            hits.append(("plural", m, head, verb, m.start("sverb"), m.end("sverb"), base))
    return hits


@rule(
    code="GRAM018",
    name="singular-subject-plural-verb",
    category="grammar",
    summary="A singular subject noun with a plural verb after a phrase that ends in a plural (\"the quality of the products are\")",
    severity="info",
    fixable=True,
    examples=(
        bad("The [[quality of the products are]] poor.", fixed="The quality of the products is poor."),
        bad("The [[price of the tickets were]] high.", fixed="The price of the tickets was high."),
        good("The quality of the products is poor."),
        good("The majority of the voters are young, and the rest of the seats were empty."),
        good("The head of the company and his wife are here."),
        good("The team of experts are divided."),
        good("The price of the ticket is fair."),
    ),
)
def singular_subject_plural_verb(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`the` (`these`, `those`, `their`) and a singular count noun (`the quality`), a
    prepositional phrase of up to five words that holds a plural (`of the products`), then
    `are`, `were` or `have`: the verb agrees with the plural of the phrase instead of the
    subject.

    ## Why it matters
    The verb agrees with the head of the subject: `the quality of the products is`. Attraction
    to the nearer plural is a frequent agreement error of machine translation.

    ## What it does not flag
    Heads that take a plural verb in good English or allow one as collectives (`the majority
    of`, `the rest of`, `a number of`, `the team of experts are`); heads the inflection lexicon
    also knows as a verb or an adjective; phrases with `and` or `or` (the subject may be a
    pair); phrases with a verb, a pronoun or a clause word; subjects after a preposition or
    `one of`.

    ## How to fix
    Use the singular verb: `is`, `was`, `has`. Unsafe fix.
    """
    for kind, m, head, verb, vstart, vend, repl in _subject_verb_hits(doc):
        if kind != "singular":
            continue
        yield Hit(
            m.start("head"),
            vend,
            f"'{head}' is singular, but the verb '{verb}' is plural: it agrees with the nearer noun",
            suggestion=repl,
            fix=Fix((Edit(vstart, vend, repl),), Applicability.UNSAFE, f"Replace with '{repl}'"),
        )


# --------------------------------------------------------------------------- GRAM017 should of
_MODAL_OF_RE = lazy_compile(
    r"(?<![\w'’-])(?P<modal>should|could|would|must|might|may|Should|Could|Would|Must|Might)(?P<neg>n['’]t| not)? "
    r"(?P<of>of) (?P<next>[a-z]{1,30})(?![\w'’-])"
)


@rule(
    code="GRAM017",
    triggers=_start_triggers(_MODAL_OF_RE),  # every finding is a match of it, starting with one
    name="modal-of-for-modal-have",
    category="grammar",
    summary="\"should of\", \"could of\", \"must of\" where \"should have\" was meant",
    severity="info",
    fixable=True,
    examples=(
        bad("We [[should of]] known it.", fixed="We should have known it."),
        bad("She [[must of]] been tired.", fixed="She must have been tired."),
        bad("They [[couldn't of]] done more.", fixed="They couldn't have done more."),
        good("It would of course be late."),
        good("The will of the people, the might of the army."),
        good("We should have known it."),
    ),
)
def modal_of(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A modal verb followed by `of` and a past participle (`should of known`, `must of been`).

    ## Why it matters
    *Should've* sounds like *should of*; the written form is *should have*. It is a spelling of
    speech that transcripts and some translations keep.

    ## What it does not flag
    `would of course`, and `of` not followed by a word the inflection lexicon knows as a past
    participle (`the will of the people`, `the might of the army`).

    ## How to fix
    Write `have`: `should have known`. The fix is safe in meaning but marked unsafe (a quotation
    may keep the speaker's words).
    """
    for m in _MODAL_OF_SCAN.finditer(doc):
        nxt = m.group("next")
        if nxt != "been" and "VBN" not in inflection.tags(nxt):
            continue
        yield Hit(
            m.start(),
            m.end("of"),
            f"'{m.group(0)[: m.end('of') - m.start()]}': the perfect after a modal is '{m.group('modal')}{m.group('neg') or ''} have'",
            suggestion=f"{m.group('modal')}{m.group('neg') or ''} have",
            fix=Fix((Edit(m.start("of"), m.end("of"), "have"),), Applicability.UNSAFE, "Replace 'of' with 'have'"),
        )


# --------------------------------------------------------------------------- GRAM019 pronoun + verb
# only pronouns that cannot be objects: "it" and "you" can ("show you is", "in it are")
_SUBJECT_PRONOUNS = ("he", "she", "they", "we")
_PRONOUN_LITERALS = _prefixed(_SUBJECT_PRONOUNS, " \n\"“")
#: a match starts after one of the literals' first characters, or at the start of the text
_PRONOUN_TRIGGERS = Triggers(literals=tuple(sorted(_PRONOUN_LITERALS)), patterns=(_text_starts_with(_SUBJECT_PRONOUNS),))
_PRONOUN_VERB_RE = lazy_compile(
    r"(?<![^ \n\"“])(?P<pron>[Hh]e|[Ss]he|[Tt]hey|[Ww]e) (?P<verb>[a-z]{1,30}(?:n['’]t)?)(?![\w'’-])(?! of\b)"
)
#: words before a pronoun after which a bare or plural verb form is right ("does he go", "that he
#: be told", "had it been", "let it be")
_PRON_BEFORE_OK = ruledata.tagged("word_classes", "pronoun_before_ok")
_SINGULAR_PRON = frozenset({"he", "she"})
_PLURAL_PRON = frozenset({"they", "we"})
_PRON_FIX = {("he", "are"): "is", ("he", "have"): "has", ("he", "don't"): "doesn't", ("he", "don’t"): "doesn’t",
             ("they", "was"): "were", ("they", "wasn't"): "weren't", ("they", "wasn’t"): "weren’t",
             ("they", "is"): "are", ("they", "isn't"): "aren't", ("they", "isn’t"): "aren’t",
             ("they", "has"): "have", ("they", "hasn't"): "haven't", ("they", "hasn’t"): "haven’t",
             ("they", "does"): "do", ("they", "doesn't"): "don't", ("they", "doesn’t"): "don’t"}


@rule(
    code="GRAM019",
    triggers=_PRONOUN_TRIGGERS,  # every finding starts at one of them
    name="pronoun-verb-agreement",
    category="grammar",
    summary="A subject pronoun with a verb of the wrong person (\"they was\", \"he have\", \"she go\", \"we has\")",
    severity="info",
    fixable=True,
    examples=(
        bad("Last year [[they was]] in Rome.", fixed="Last year they were in Rome."),
        bad("I think [[he have]] a point.", fixed="I think he has a point."),
        bad("Every day [[she go]] to work."),
        bad("In the end [[we has]] to pay.", fixed="In the end we have to pay."),
        bad("Now [[they says]] no."),
        good("Does he have a point? Did she go to work?"),
        good("They insisted that he go home, and we asked that she be told."),
        good("If it were true, as it were, he put it down and she read it."),
        good("Let it be, and make it work; I saw it happen."),
        good("Thank you notes were sent; he also came; she alone knew; he sort of goes along."),
        good("The picture I want to show you is here, and the ideas in it are odd."),
        good("She and he are friends; you or we decide."),
        good("He need not worry, and she dare not speak."),
        good("Why would he have left? Had he known, he would have stayed."),
    ),
)
def pronoun_verb_agreement(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A subject pronoun followed by a verb form of the wrong person or number: `they/we` with
    `was`, `is`, `has`, `does` or a verb in *-s* (`they says`); `he/she` with `are`, `have`,
    `don't` or a bare verb (`she go`).

    ## Why it matters
    The finite verb agrees with its subject pronoun. Mismatches are among the commonest
    agreement errors of learners and of machine translation from languages without person
    marking.

    ## What it does not flag
    A pronoun after a modal, *do*, *have* or *be* (questions: `does he have`, `had he known`),
    after `that`, `if`, `lest` (subjunctive: `insisted that he go`), after `let`, `make`, `see`,
    `hear` (a bare infinitive: `let it be`), after `and`/`or` (`she and he are`), the
    semi-modals `need` and `dare` (`he need not worry`); `were` after *he/she/it* (`if it were`); verbs
    whose past is their base (`he put`, `she read`); words the inflection lexicon also knows as
    an adjective or an adverb (`he also`, `she alone`); a verb before `of` (`he sort of
    goes`). *It* and *you* are never checked: they can be objects (`show you is`, `in it are`).

    ## How to fix
    Use the form that agrees: `they were`, `he has`, `she goes`. Unsafe fix, where there is
    one (for the auxiliaries).
    """
    text = doc.text
    found = candidates(doc, "GRAM019", _PRONOUN_TRIGGERS)
    starts = None if found is None else [0] + [a + 1 for a, _b in found]
    for m in _at_starts(_PRONOUN_VERB_RE, text, starts):
        pron = m.group("pron").lower()
        verb = m.group("verb")
        # (the verb first: it rules out most matches with set look-ups, the word before needs a search)
        if pron in _SINGULAR_PRON:
            if verb in ("are", "have", "don't", "don’t", "aren't", "aren’t", "haven't", "haven’t"):
                what = "a plural verb"
            elif verb.isalpha():
                t = inflection.tags(verb)
                if ("VB" not in t or t & {"VBD", "VBZ", "VBG", "JJ", "JJR", "JJS", "RB", "MD"} or verb in inflection.AUXILIARIES
                        or verb in ("need", "dare", "ought", "please", "bless")):
                    continue
                what = "a bare verb"
            else:
                continue
        else:
            if verb in ("was", "is", "has", "does", "wasn't", "wasn’t", "isn't", "isn’t", "hasn't", "hasn’t",
                        "doesn't", "doesn’t"):
                what = "a singular verb"
            elif verb.isalpha():
                t = inflection.tags(verb)
                if "VBZ" not in t or t & {"VB", "VBD", "VBN", "JJ", "RB", "MD"} or verb in inflection.AUXILIARIES:
                    continue
                what = "a third-person verb"
            else:
                continue
        prev = _PREV_WORD_RE.search(text, max(0, m.start() - 30), m.start())
        pw = prev.group(1).lower() if prev is not None and not text[prev.end(1):m.start("pron")].strip(" \t") else None
        if pw is not None:
            if pw in _PRON_BEFORE_OK or text[prev.end(1):prev.end(1) + 3] in ("n't", "n’t"):
                continue
        key = ("he" if pron in _SINGULAR_PRON else "they", verb)
        repl = _PRON_FIX.get(key)
        if repl is None and key[0] == "he" and verb in ("are", "aren't", "aren’t", "haven't", "haven’t", "have"):
            repl = {"are": "is", "aren't": "isn't", "aren’t": "isn’t", "haven't": "hasn't", "haven’t": "hasn’t",
                    "have": "has"}[verb]
        yield Hit(
            m.start("pron"),
            m.end("verb"),
            f"'{m.group('pron')} {verb}': {what} after the {'singular' if key[0] == 'he' else 'plural'} subject '{m.group('pron')}'",
            suggestion=f"{m.group('pron')} {repl}" if repl else "the verb form that agrees with the subject",
            fix=Fix((Edit(m.start("verb"), m.end("verb"), repl),), Applicability.UNSAFE, f"Replace with '{repl}'")
            if repl else None,
        )


# --------------------------------------------------------------------------- GRAM020 to + past
@rule(
    code="GRAM020",
    triggers=_PAST_TRIGGERS,  # every finding holds one of the pasts
    name="simple-past-after-to",
    category="grammar",
    summary="An irregular simple past after the infinitive marker \"to\" (\"wanted to went\", \"to took part\")",
    severity="info",
    fixable=True,
    examples=(
        bad("She wanted [[to went]] home.", fixed="She wanted to go home."),
        bad("They agreed [[to took]] part.", fixed="They agreed to take part."),
        good("She wanted to go home, and he went to the shop."),
        good("It came to light; they took to the streets."),
        good("Next to him sat a man; to rose bushes we add mulch."),
    ),
)
def simple_past_after_to(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The infinitive marker `to` followed by an irregular simple past (`to went`, `to took`).

    ## Why it matters
    After `to` English needs the base form: `to go`, `to take`. The past there is a verb-form
    error of machine translation.

    ## What it does not flag
    Only pasts that the inflection lexicon knows as nothing else count (`took`, `went`, `wrote`),
    so `to` as a preposition before a noun never matches (`to rose bushes`).

    ## How to fix
    Use the base form. Unsafe fix.
    """
    text = doc.text
    for m in _irregular_pasts_in(doc, "GRAM020"):
        if text[max(0, m.start() - 3):m.start()] != "to " or (m.start() > 3 and (text[m.start() - 4].isalnum() or text[m.start() - 4] in "'’-")):
            continue
        verb = m.group(0)
        base = inflection.base_form(verb)
        if not base:
            continue
        yield Hit(
            m.start() - 3,
            m.end(),
            f"'to {verb}': '{verb}' is a past form; after 'to' English needs the base form '{base}'",
            suggestion=f"to {base}",
            fix=Fix((Edit(m.start(), m.end(), base),), Applicability.UNSAFE, f"Replace with '{base}'"),
        )


# the regexes are tried only where the one scan found the words they start with (qa.scan)
_STACKED_SCAN = _StartScanner(_STACKED_RE, "GRAM002")
_MODAL_VERB_SCAN = _StartScanner(_MODAL_VERB_RE, "GRAM003")
_HAVE_VERB_SCAN = _StartScanner(_HAVE_VERB_RE, "GRAM004")
_MORE_COMP_SCAN = _StartScanner(_MORE_COMP_RE, "GRAM007")
_THERE_IS_SCAN = _StartScanner(_THERE_IS_RE, "GRAM008")
_THERE_ARE_SCAN = _StartScanner(_THERE_ARE_RE, "GRAM010")
_PAIRED_CONJ_SCAN = _StartScanner(_PAIRED_CONJ_RE, "GRAM011")
_NUMBER_OF_SCAN = _StartScanner(_NUMBER_OF_RE, "GRAM005")
_MODAL_OF_SCAN = _StartScanner(_MODAL_OF_RE, "GRAM017")


@loader
def _warm_grammar() -> None:
    """The inflection lexicon, its irregular-verb table and the word frequencies behind
    ``is_mass_noun`` (loaded before the time limits start: ``qa.warmup``)."""
    from qa.lexicons import load_frequencies

    inflection.load()
    inflection.irregular_pasts()
    load_frequencies()


WARM_UP = (_warm_grammar,)
