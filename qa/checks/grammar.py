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

from qa.document import Document
from qa.fastpath import Scanner
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule

# --------------------------------------------------------------------------- GRAM001 doubled word
_NEXT_WORD_RE = re.compile(r"[ \t,]+([A-Za-z]+)")
_PREV_WORD_RE = re.compile(r"(?<![A-Za-z])([A-Za-z]+)[ \t,]+$")
#: (possessive: ``first`` is a whole word anyway, and backtracking into it or into the gap can
#: never match, so it is cut off; a quarter faster)
_DOUBLED_RE = re.compile(r"(?<![\w'’-])(?P<first>[A-Za-z]++)[ \t]++(?P<second>(?P=first))(?![\w'’-])", re.IGNORECASE)

#: Words whose doubling is grammatical ("had had", "that that", "what it is is") or a set phrase.
_DOUBLED_OK = frozenset(
    """
    had that is do did was been bye no so ha haha ho hee la knock chop tut yada blah pooh hush
    boo dum tsk goody pom yum bling tom cha choo dee doo fro la na pee poo rah shh tick tock
    tsk wah woo yeah yo
    very really many much more long far now again out round over on off away bit by little
    you her them it there night ylang mahi bora aye chin yo
    """.split()
)


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
    (`bye bye`, `ha ha`), and capitalised repeats, which are usually names (`Duran Duran`,
    `Walla Walla`). Words across a line break or punctuation are never compared.

    ## How to fix
    Delete the second copy. Safe: the text keeps exactly one copy of the word.
    """
    text = doc.text
    for m in _DOUBLED_RE.finditer(text):
        first, second = m.group("first"), m.group("second")
        if second[:1].isupper() or first.lower() in _DOUBLED_OK:
            continue
        a, b = m.start("first"), m.end("second")
        third = _NEXT_WORD_RE.match(text, b)
        before = _PREV_WORD_RE.search(text, max(0, a - 40), a)
        if (third and third.group(1).lower() == first.lower()) or (before and before.group(1).lower() == first.lower()):
            continue  # "layers layers layers": deliberate repetition
        yield Hit(
            a,
            b,
            f"Doubled word '{first} {second}'",
            suggestion=first,
            fix=Fix((Edit(m.end("first"), b, ""),), Applicability.SAFE, "Delete the repeated word"),
        )


# --------------------------------------------------------------------------- GRAM002 stacked modals
_MODALS = "will|would|can|could|shall|should|may|might|must"
# modal + (not) + modal; modal + be + have/has/modal ("will be have to"); to + modal ("to must")
_STACKED_RE = re.compile(
    rf"(?<![\w'’-])(?:(?P<m1>{_MODALS})(?: not)? (?P<m2>will|would|can|could|shall|should|may|must)"
    rf"|(?P<m3>{_MODALS}) be (?P<m4>have|has|can|could|must|will|should|shall)"
    rf"|to (?P<m5>must|should|could|might|shall|can be able|would))(?![\w'’-])"
)
#: a noun reading of will/can/must/may before the pair ("the will can", "free will would")
_NOUN_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|his|her|their|its|my|your|our|this|that|free|good|ill|political|popular|general|"
    r"last|whose|one's|people's|public|soda|tin|beer|trash|garbage|spray|watering|oil)\s+)$",
    re.IGNORECASE,
)


@rule(
    code="GRAM002",
    name="stacked-modal-verbs",
    category="grammar",
    summary="Two modal verbs stacked (\"will can\", \"will be have to\", \"to must\")",
    severity="warning",
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


# --------------------------------------------------------------------------- GRAM003/4/5 verb forms
#: simple past -> (base form, past participle) for irregular verbs whose past differs from both
_IRREGULAR = {
    "went": ("go", "gone"), "came": ("come", "come"), "saw": ("see", "seen"), "took": ("take", "taken"),
    "gave": ("give", "given"), "wrote": ("write", "written"), "spoke": ("speak", "spoken"),
    "ate": ("eat", "eaten"), "drank": ("drink", "drunk"), "drove": ("drive", "driven"),
    "flew": ("fly", "flown"), "grew": ("grow", "grown"), "threw": ("throw", "thrown"),
    "chose": ("choose", "chosen"), "began": ("begin", "begun"), "ran": ("run", "run"),
    "became": ("become", "become"), "forgot": ("forget", "forgotten"), "knew": ("know", "known"),
    "broke": ("break", "broken"), "stole": ("steal", "stolen"), "froze": ("freeze", "frozen"),
    "sang": ("sing", "sung"), "swam": ("swim", "swum"), "rode": ("ride", "ridden"),
    "rose": ("rise", "risen"), "fell": ("fall", "fallen"), "shook": ("shake", "shaken"),
    "woke": ("wake", "woken"), "hid": ("hide", "hidden"), "bit": ("bite", "bitten"),
}
#: simple past forms that equal their participle: wrong after a modal or "did", fine after "have"
_REGULARISH = {
    "made": "make", "said": "say", "told": "tell", "thought": "think", "brought": "bring",
    "bought": "buy", "heard": "hear", "kept": "keep", "met": "meet", "paid": "pay", "sent": "send",
    "sold": "sell", "stood": "stand", "understood": "understand", "won": "win", "taught": "teach",
    "caught": "catch", "sought": "seek", "fought": "fight", "held": "hold", "spent": "spend",
}
_NOT_AFTER_MODAL = {**{k: v[0] for k, v in _IRREGULAR.items() if k not in ("fell", "bit", "rose")}, **_REGULARISH}
_PAST_ALT = "|".join(sorted(_NOT_AFTER_MODAL, key=len, reverse=True))
_MODAL_PAST_RE = re.compile(
    rf"(?<![\w'’-])(?P<aux>{_MODALS}|did|didn['’]t|does|doesn['’]t|do|don['’]t)(?P<neg> not)? (?P<verb>{_PAST_ALT})(?![\w'’-])"
)
_HAVE_PAST_ALT = "|".join(sorted((k for k, v in _IRREGULAR.items() if v[1] != k and k not in ("fell", "bit", "rose", "hid")),
                                 key=len, reverse=True))
_HAVE_PAST_RE = re.compile(
    rf"(?<![\w'’-])(?P<aux>has|have|had|having|hasn['’]t|haven['’]t|hadn['’]t)(?P<neg> not)? (?P<verb>{_HAVE_PAST_ALT})(?![\w'’-])"
)


@rule(
    code="GRAM003",
    name="past-form-after-modal-or-do",
    category="grammar",
    summary="A simple-past verb after a modal or do/did (\"did not went\", \"can made\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("The minister [[did not went]] to the meeting.", fixed="The minister did not go to the meeting."),
        bad("We [[can made]] the change today.", fixed="We can make the change today."),
        good("The minister did not go to the meeting."),
        good("His will gave everything to charity."),
        good("The can made of steel rusted."),
    ),
)
def past_form_after_modal(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A modal verb (`can`, `will`, `must`...) or `do/does/did` followed by a simple-past form
    (`went`, `made`, `said`), as in `did not went` or `can made`.

    ## Why it matters
    After a modal or *do*, English needs the base form. Machine translation produces the past
    form when the source marks tense on the main verb.

    ## What it does not flag
    Noun readings of *will*, *can* and *must* (`his will gave`, `the can made of steel`); the
    capitalised month *May*. Forms that are also base forms (`put`, `read`, `found`) never match.

    ## How to fix
    Use the base form: `did not go`, `can make`. The fix is unsafe: it assumes the modal is
    right and the verb form is wrong.
    """
    text = doc.text
    for m in _MODAL_PAST_SCAN.finditer(doc):
        aux = m.group("aux")
        if aux in ("will", "can", "must", "may") and _NOUN_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        verb = m.group("verb")
        base = _NOT_AFTER_MODAL[verb]
        yield Hit(
            m.start(),
            m.end(),
            f"'{verb}' is a past form; after '{aux}{m.group('neg') or ''}' English needs the base form '{base}'",
            suggestion=f"{aux}{m.group('neg') or ''} {base}",
            fix=Fix((Edit(m.start("verb"), m.end("verb"), base),), Applicability.UNSAFE, f"Replace with '{base}'"),
        )


@rule(
    code="GRAM004",
    name="simple-past-after-have",
    category="grammar",
    summary="A simple-past form where the perfect needs a participle (\"has went\", \"had took\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("Prices [[have went]] up since May.", fixed="Prices have gone up since May."),
        bad("She [[had took]] the train.", fixed="She had taken the train."),
        good("Prices have gone up since May."),
        good("They had fell trees for years."),
    ),
)
def simple_past_after_have(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`have/has/had` followed by a simple-past form that differs from the participle, as in
    `have went`, `had took`, `has became`.

    ## Why it matters
    The perfect needs the past participle (`gone`, `taken`). The simple-past form reads as an
    error to every reader.

    ## What it does not flag
    Verbs whose past and participle are the same (`made`, `said`) and forms that are also other
    words (`fell`, `bit`, `rose`, `hid`).

    ## How to fix
    Use the participle: `have gone`. Unsafe fix: it keeps the tense the writer chose.
    """
    text = doc.text
    for m in _HAVE_PAST_SCAN.finditer(doc):
        verb = m.group("verb")
        part = _IRREGULAR[verb][1]
        yield Hit(
            m.start(),
            m.end(),
            f"'{verb}' is the simple past; after '{m.group('aux')}' the perfect needs the participle '{part}'",
            suggestion=f"{m.group('aux')}{m.group('neg') or ''} {part}",
            fix=Fix((Edit(m.start("verb"), m.end("verb"), part),), Applicability.UNSAFE, f"Replace with '{part}'"),
        )


# --------------------------------------------------------------------------- GRAM005 number of + mass noun
_MASS = (
    "information|equipment|money|evidence|advice|furniture|research|progress|software|luggage|baggage|"
    "knowledge|homework|feedback|traffic|pollution|garbage|rubbish|electricity|unemployment|violence|"
    "damage|funding|machinery|merchandise|news|weather|health|safety|housing|infrastructure|legislation"
)
_NUMBER_OF_RE = re.compile(
    rf"(?<![\w-])(?P<head>[Nn]umber) of (?P<noun>{_MASS}|[a-z]{{3,60}}ing)"
    r"(?=[.,;:!?)]| (?:to|in|on|at|per|from|by|for|was|is|has|had|have|will|would|and|or|that|which|as|has|were|are|with)\b)"
)
_ING_NOUNS_OK = re.compile(r"(?:thing|ring|king|wing|spring|string|sibling|offspring|duckling|seedling|ceiling|"
                           r"evening|morning|building|beijing|viking|sling|sting|swing|darling|earring|pudding|"
                           r"herring|shilling|farthing|lemming|dumpling|gosling|inning|nothing)$")


@rule(
    code="GRAM005",
    name="number-of-mass-noun",
    category="grammar",
    summary="\"the number of\" before a gerund or a mass noun (\"the number of forwarding\")",
    severity="warning",
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
    text = doc.text
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
_TWO_ARTICLES_RE = re.compile(
    r"(?<![\w'’-])(?P<a1>[Tt]he|[Aa]n?) (?P<a2>the|an?)(?![\w'’-])(?! (?:priori|posteriori|fortiori|cappella|capella|la)\b)"
)


@rule(
    code="GRAM006",
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
    for m in _TWO_ARTICLES_RE.finditer(text):
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
_COMPARATIVES = (
    "better|worse|bigger|smaller|larger|higher|lower|greater|easier|harder|faster|slower|cheaper|"
    "stronger|weaker|richer|poorer|happier|safer|healthier|wider|deeper|heavier|lighter|cleaner|nearer"
)
_MORE_COMP_RE = re.compile(rf"(?<![\w-])(?P<more>[Mm]ore) (?P<adj>{_COMPARATIVES})(?= than\b|[.,;:!?])")


@rule(
    code="GRAM007",
    name="double-comparative",
    category="grammar",
    summary="\"more\" before a comparative adjective (\"more better than\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("The new plan is [[more better]] than the old one.", fixed="The new plan is better than the old one."),
        good("More older workers are staying on."),
        good("The new plan is better than the old one."),
    ),
)
def double_comparative(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`more` before an adjective that is already comparative, as in `more better than`.

    ## Why it matters
    The comparative is marked once: `better`, not `more better`. Doubled marking is typical of
    machine translation from languages that build every comparative with a separate word.

    ## What it does not flag
    `more` as a quantifier before a noun phrase (`more older workers`): the pattern fires only
    when `than` or punctuation follows the adjective.

    ## How to fix
    Delete `more`. Safe in meaning, but marked unsafe because a quantifier reading is possible
    in odd sentences.
    """
    text = doc.text
    for m in _MORE_COMP_SCAN.finditer(doc):
        adj = m.group("adj")
        keep = adj[:1].upper() + adj[1:] if m.group("more")[:1].isupper() else adj
        yield Hit(
            m.start(),
            m.end(),
            f"Double comparative '{m.group(0)}': '{adj}' is already comparative",
            suggestion=keep,
            fix=Fix((Edit(m.start(), m.end(), keep),), Applicability.UNSAFE, f"Replace with '{keep}'"),
        )


# --------------------------------------------------------------------------- GRAM008 there is + plural
_THERE_IS_RE = re.compile(
    r"(?<![\w'’-])(?P<there>[Tt]here) (?P<verb>is|was) (?P<q>many|several|numerous|various)(?! a\b)(?= [a-z])"
)


@rule(
    code="GRAM008",
    name="there-is-with-plural",
    category="grammar",
    summary="\"there is/was\" before a plural quantifier (\"there is many reasons\")",
    severity="warning",
    fixable=True,
    examples=(
        bad("[[There is many]] reasons to doubt it.", fixed="There are many reasons to doubt it."),
        bad("[[there was several]] attempts", fixed="there were several attempts"),
        good("There was many a time when he doubted it."),
        good("There are many reasons to doubt it."),
    ),
)
def there_is_with_plural(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`there is` or `there was` followed by `many`, `several`, `numerous` or `various`.

    ## Why it matters
    The verb agrees with the plural that follows: `there are many reasons`. A singular verb
    there is a common agreement slip of machine translation.

    ## What it does not flag
    The idiom `many a` (`there was many a time`).

    ## How to fix
    Use the plural verb: `there are`, `there were`. Unsafe fix (a quote may keep the speaker's
    words).
    """
    text = doc.text
    for m in _THERE_IS_SCAN.finditer(doc):
        verb = m.group("verb")
        plural = "are" if verb == "is" else "were"
        yield Hit(
            m.start(),
            m.end(),
            f"'{m.group(0)}': the verb should agree with the plural that follows ('there {plural}')",
            suggestion=f"{m.group('there')} {plural} {m.group('q')}",
            fix=Fix((Edit(m.start("verb"), m.end("verb"), plural),), Applicability.UNSAFE, f"Replace with '{plural}'"),
        )


# --------------------------------------------------------------------------- GRAM009 a/an
# "a" before a vowel-initial word, "an" before a consonant-initial word. Only lower-case words of
# three or more letters: capitals and short tokens are often letters or abbreviations ("an MP",
# "a B-movie"). Words whose first sound differs from their first letter are excluded.
# (the word-start test follows the article's letter, so the regex engine can skip ahead to 'a's)
_A_VOWEL_RE = re.compile(
    r"(?P<art>[Aa])(?<![\w'’-][Aa]) (?P<word>(?!one|once|eu|ewe|ouija|oui\b|otr|ell|est|esa|ese|eso|aqu|alg|amb)[aeio][a-z]{2,})(?![\w'’-])"
)
_AN_CONS_RE = re.compile(r"(?P<art>[Aa](?<![\w'’-][Aa])n) (?P<word>[bcdgjkpqtvwyz][a-z]{2,})(?![\w'’-])")


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
    capitalised words and abbreviations (`an MBA`), and `an` before *f, h, l, m, n, r, s, x*
    (letters that are read with a vowel sound: `an f-stop`).

    ## How to fix
    Swap the article. Marked unsafe: a word read in an unusual way can fool the pattern.
    """
    text = doc.text
    for rx, new in ((_A_VOWEL_RE, "an"), (_AN_CONS_RE, "a")):
        for m in rx.finditer(text):
            art = m.group("art")
            repl = new.capitalize() if art[:1].isupper() else new
            yield Hit(
                m.start(),
                m.end(),
                f"'{art} {m.group('word')}': use '{repl}' before a word that starts with "
                f"{'a vowel' if new == 'an' else 'a consonant'} sound",
                suggestion=f"{repl} {m.group('word')}",
                fix=Fix((Edit(m.start("art"), m.end("art"), repl),), Applicability.UNSAFE, f"Replace with '{repl}'"),
            )


# --------------------------------------------------------------------------- GRAM010 there are X think
_PEOPLE = (
    "people|buyers|home buyers|residents|users|netizens|experts|analysts|scholars|investors|citizens|"
    "students|parents|consumers|officials|members|observers|commentators|critics|companies|countries|"
    "voices|customers|fans|players|workers|families|voters|economists|insiders"
)
_THERE_ARE_RE = re.compile(
    rf"(?<![\w'’-])(?P<head>[Tt]here (?:are|were|is|was) (?:also )?(?:many |some |a lot of |few |more |other |still )?"
    rf"(?:(?:home|young|local|foreign|ordinary|older|elderly|private|individual|industry|retail|potential|prospective) )?"
    rf"(?:{_PEOPLE})) (?P<verb>believe|think|say|said|believed|thought|argue|argued|feel|felt|worry|"
    rf"worried|hope|hoped|want|wanted|expect|expected|suggest|suggested|claim|claimed)(?![\w'’-])"
)


@rule(
    code="GRAM010",
    name="there-are-people-think",
    category="grammar",
    summary="\"there are many people think\": a missing \"who\" after an existential",
    severity="warning",
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
    text = doc.text
    for m in _THERE_ARE_SCAN.finditer(doc):
        yield Hit(
            m.start(),
            m.end(),
            f"'{m.group(0)}': a relative pronoun is missing before '{m.group('verb')}'",
            suggestion=f"{m.group('head')} who {m.group('verb')}",
            fix=Fix((Edit(m.start("verb"), m.start("verb"), "who "),), Applicability.UNSAFE, "Insert 'who'"),
        )


# --------------------------------------------------------------------------- GRAM011 although ..., but
_PAIRED_CONJ_RE = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?][\"”’]\s)|(?<=\n))(?P<first>Although|Though|Even though|Because|Since)\b"
    r"[^.!?\n,;]{3,200}(?P<second>, (?:but|yet|so|therefore))\b"
)
_PAIRS = {"although": "but", "though": "but", "even though": "but", "because": "so", "since": "so"}


@rule(
    code="GRAM011",
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


# the regexes with required words run only near those words (qa.fastpath.Scanner)
_STACKED_SCAN = Scanner(_STACKED_RE)
_MODAL_PAST_SCAN = Scanner(_MODAL_PAST_RE)
_HAVE_PAST_SCAN = Scanner(_HAVE_PAST_RE)
_MORE_COMP_SCAN = Scanner(_MORE_COMP_RE)
_THERE_IS_SCAN = Scanner(_THERE_IS_RE)
_THERE_ARE_SCAN = Scanner(_THERE_ARE_RE)
_PAIRED_CONJ_SCAN = Scanner(_PAIRED_CONJ_RE)
_NUMBER_OF_SCAN = Scanner(_NUMBER_OF_RE)
