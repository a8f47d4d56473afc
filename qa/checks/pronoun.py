"""PRN: personal pronouns (he/him/his/she/her) that refer to an organisation.

Machine translation from languages whose pronouns carry grammatical gender (Spanish *él*, German
*er*, French *il*) or none at all (Chinese *他/它* sound alike) often turns "it" for a company into
"he". The check finds the pronoun's plausible antecedents in a small window before it and flags the
pronoun only when that window holds an organisation and no possible person.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from qa.lazyre import lazy_compile
from qa import lexicons, ruledata
from qa.document import Document
from qa.textfind import find_all, finditer_at
from qa.model import Hit, bad, good
from qa.registry import rule
from qa.scan import Triggers

#: he, him, his, she, her, He, Him, His, She, Her, HE, HIS, SHE, HER as whole words. Each branch
#: starts with a letter and tests the word start after it, so the regex engine skips ahead to
#: an h, s, H or S instead of trying every position (same matches as ``\b(he|him|...)\b``).
_PRONOUN_RE = lazy_compile(
    r"(h(?<!\wh)(?:e|im|is|er)|s(?<!\ws)he|H(?<!\wH)(?:e|im|is|er|E|IS|ER)|S(?<!\wS)(?:he|HE))\b"
)
#: the rule's trigger (``qa.scan``): one of those words between characters that are not ASCII
#: letters, digits or ``_`` (a superset of ``_PRONOUN_RE``'s matches, without look-arounds, so
#: that the one scan decides whether the rule runs)
_PRONOUN_TRIGGERS = Triggers(patterns=((r"(?:^|[^A-Za-z0-9_])(?:[hH](?:e|im|is|er)|H(?:E|IS|ER)|[sS]he|SHE)(?:[^A-Za-z0-9_]|$)", 0),))
_WORD_CHAR_RE = lazy_compile(r"\w")
_TOKEN_RE = lazy_compile(r"[A-Za-z][A-Za-z0-9&]*(?:['’\-][A-Za-z0-9&]+)*")
_OPEN_QUOTES = "“‘\"'«("
_CONNECTORS = frozenset({"of", "for", "de", "du", "del"})
# agent nouns: "politician", "congressman", "chairwoman" (-ist words are listed: "resist" is a verb)
_PERSON_SUFFIXES = ("ian", "man", "woman")
_IT_WORDS = frozenset({"it", "its", "itself"})
_PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers", "himself", "herself"})
# words after 'her' that show it is an object pronoun ("told her to"), not a possessive
_AFTER_OBJECT = ruledata.tagged("word_classes", "after_object")
# "owned by Facebook", "a unit of Alphabet": the noun before is an organisation
_OWNED_RE = lazy_compile(r"\b(?:owned|run|operated|controlled|acquired|bought|backed)\s+by\b|\b(?:subsidiary|unit|arm|division)\s+of\b")

# (the patterns below test the word start after their first capital, as ``_PRONOUN_RE`` does:
# ``[A-Z](?<!\w[A-Z])`` is ``\b[A-Z]``)
_FULL_NAME_RE = lazy_compile(r"([A-Z](?<!\w[A-Z])[a-z]+)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_LOWER_WORD_RE = lazy_compile(r"\b[a-z]+\b")
_MAX_LOOKBACK = 2000
#: word-frequency thresholds (``[zipf.pronoun]`` of ``rules/data/constants.toml``)
_ZIPF = ruledata.constants("zipf.pronoun")
_SAID_AFTER_RE = lazy_compile(r"\s+(?:said|says|added|told|asked|wrote|explained|argued|noted)\b")
_QUOTE_BEFORE_RE = lazy_compile(r"[”\"’'],?\s*$")

PERSON, ORG, UNKNOWN, IT, PLACE = "person", "org", "unknown", "it", "place"


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str
    start: int
    end: int
    name: str


@lru_cache(maxsize=1)
def _lex() -> dict[str, frozenset[str]]:
    return {
        "orgs": lexicons.load("organisations"),
        "suffixes": lexicons.load("org_suffixes"),
        "org_nouns": lexicons.load("org_nouns", lower=True),
        "person_nouns": lexicons.load("person_nouns", lower=True),
        "titles": lexicons.load("person_titles"),
        "first": lexicons.load("first_names"),
        "places": lexicons.load("places"),
    }


def _with_possessive(words) -> frozenset[str]:
    """``words`` and their possessives: a token whose ``_strip_possessive`` is in ``words`` is in
    the result (a token of ``_TOKEN_RE`` never ends with an apostrophe)."""
    words = list(words)
    return frozenset(words + [w + s for w in words for s in ("'s", "’s")])


@lru_cache(maxsize=1)
def _org_lower_words() -> frozenset[str]:
    """Lower-cased words that make an organisation mention (nouns such as "company") or "its"."""
    return _with_possessive(_lex()["org_nouns"] | {"its"})


@lru_cache(maxsize=1)
def _person_lower_words() -> frozenset[str]:
    """Lower-case words that ``_mentions`` always types as a person: he, she, ... and the person
    nouns ("official", "spokesman")."""
    return frozenset(_PERSON_PRONOUNS | (_lex()["person_nouns"] - _IT_WORDS - _CONNECTORS))


@lru_cache(maxsize=1)
def _org_name_words() -> frozenset[str]:
    """Tokens that, possessive stripped, are known organisation names or suffixes."""
    lex = _lex()
    return _with_possessive(lex["orgs"] | lex["suffixes"])


def _strip_possessive(tok: str) -> str:
    for suf in ("'s", "’s"):
        if tok.endswith(suf):
            return tok[: -len(suf)]
    return tok.rstrip("'’")


def _mentions(text: str, a: int, b: int, sentence_starts: frozenset[int], names: tuple[frozenset[str], frozenset[str], frozenset[str]]) -> list[Mention]:
    """Typed mentions in ``text[a:b]`` in order of position."""
    lex = _lex()
    toks = [(m.start(), m.end(), m.group(0)) for m in _TOKEN_RE.finditer(text, a, b)]
    out: list[Mention] = []
    i = 0
    n = len(toks)
    while i < n:
        s, e, tok = toks[i]
        low = tok.lower()
        if tok[0].isupper() and low not in _PERSON_PRONOUNS and low not in _IT_WORDS:
            # a run of capitalised words, allowing 'of'/'for' inside ("Ministry of Communications")
            j = i + 1
            while j < n:
                t = toks[j][2]
                if t[0].isupper() and toks[j][0] - toks[j - 1][1] <= 2:
                    j += 1
                elif t in _CONNECTORS and j + 1 < n and toks[j + 1][2][0].isupper():
                    j += 2
                else:
                    break
            group = [_strip_possessive(t[2]) for t in toks[i:j]]
            caps = [g for g in group if g[:1].isupper()]
            kind = _classify(group, caps, s in sentence_starts or _after_open_quote(text, s, sentence_starts), names, lex)
            if kind is not None:
                out.append(Mention(kind, s, toks[j - 1][1], " ".join(group)))
            i = j
            continue
        if low in _PERSON_PRONOUNS:
            out.append(Mention(PERSON, s, e, tok))
        elif low in _IT_WORDS:
            out.append(Mention(IT, s, e, tok))
        elif low in lex["person_nouns"] or (len(low) > 5 and low.endswith(_PERSON_SUFFIXES)):
            out.append(Mention(PERSON, s, e, tok))
        elif low in lex["org_nouns"]:
            out.append(Mention(ORG, s, e, _org_phrase(text, toks, i)))
        i += 1
    return out


def _after_open_quote(text: str, s: int, starts: frozenset[int]) -> bool:
    k = s
    while k > 0 and text[k - 1] in _OPEN_QUOTES:
        k -= 1
    return k != s and k in starts


def _org_phrase(text: str, toks: list[tuple[int, int, str]], i: int) -> str:
    """'the entity owned by Facebook' for an org noun, else 'the company'."""
    s, e, tok = toks[i]
    det = ""
    if i > 0 and toks[i - 1][2].lower() in ("the", "this", "that", "a", "an", "its", "our"):
        det = toks[i - 1][2].lower() + " "
    m = _OWNED_RE.match(text, e + 1) if e < len(text) else None
    if m and i + 3 < len(toks):
        k = i + 1
        while k < len(toks) and toks[k][1] <= m.end():
            k += 1
        if k < len(toks) and toks[k][2][:1].isupper():
            return f"{det}{tok} {text[e + 1:m.end()]} {toks[k][2]}"
    return det + tok


def _classify(group: list[str], caps: list[str], initial: bool, names: tuple[frozenset[str], frozenset[str], frozenset[str]],
              lex: dict[str, frozenset[str]]) -> str | None:
    org_names, speakers, lowers = names
    first = group[0]
    # person evidence inside the run wins: "Ousted WeWork CEO Adam Neumann", "Prime Minister X"
    for k, g in enumerate(caps):
        if (g in lex["titles"] or g.lower() in lex["person_nouns"]) and (k + 1 < len(caps) or k > 0):
            return PERSON
        if g in lex["first"] and k + 1 < len(caps) and caps[k + 1] not in lex["suffixes"] \
                and caps[k + 1] not in lex["orgs"] and lexicons.zipf(caps[k + 1].lower()) < _ZIPF["surname_rare"]:
            return PERSON
    if any(g in speakers for g in caps):
        return PERSON
    if any(g in lex["orgs"] or g in org_names for g in caps) or caps[-1] in lex["suffixes"] or first in lex["suffixes"]:
        return ORG
    if len(caps) == 1 and first.lower() in lex["org_nouns"]:
        return ORG  # "the Government"
    if len(caps) == 1 and first.lower() in lex["person_nouns"]:
        return PERSON  # "the CEO", "the President"
    if all(g in lex["places"] for g in caps):
        return PLACE
    if len(caps) == 1:
        if first in lex["titles"] or first.isupper() and len(first) <= 5:
            return None  # a bare title or an acronym
        if first in lex["first"] and (not initial or lexicons.zipf(first.lower()) < _ZIPF["given_name_initial_rare"]):
            return PERSON
        common = lexicons.zipf(first.lower())
        if common >= _ZIPF["common_word"] or (common >= _ZIPF["lower_word"] and first.lower() in lowers):
            return None  # a common word in capitals ("the Internet", "Sources said")
        return UNKNOWN
    if initial and lexicons.zipf(caps[0].lower()) >= _ZIPF["initial_common"] and caps[0] not in lex["first"]:
        # "Sources Close", "Government WhatsApp": the first word may be an ordinary capitalised word
        rest = caps[1:]
        if all(g in lex["places"] for g in rest):
            return PLACE
    return UNKNOWN


#: the name before "its" or "owned by": a capital no word character precedes, then letters, digits
#: and "&" to the end of their run. A match starts only where such a run starts and takes the run's
#: first capital that is at its start or after an "&": every capital of a run goes on the same way
#: after the run, so the first decides (atomic), where trying each one of "A&B&C&..." in turn,
#: each re-reading the run to its end, was quadratic. ``_NAME_RESUME`` is the same from inside a
#: run, where a previous match ended before an "&" (``_finditer_ending``).
_NAME_RUN = r"(?<![A-Za-z0-9&])(?>(?<!\w)(?=[A-Z])|[A-Za-z0-9&]*?&(?=[A-Z]))([A-Z][A-Za-z0-9&]++)"
_NAME_RESUME = r"(?>[A-Za-z0-9&]*?&(?=[A-Z]))([A-Z][A-Za-z0-9&]++)"
_ITS_AFTER = r"(?:\s+(?!and\b|or\b|with\b)[a-z]+){1,3}\s+its\b"
_OWNED_AFTER = r",?\s+(?:which is\s+|that is\s+)?(?:owned|run|operated|controlled|backed)\s+by\b"
_ITS_EVIDENCE_RE = lazy_compile(_NAME_RUN + _ITS_AFTER)
_ITS_EVIDENCE_RESUME_RE = lazy_compile(_NAME_RESUME + _ITS_AFTER)
_SPEAKER_VERBS = "said|says|told|added|argued|explained|noted|recalled|wrote|insisted|claimed|stated|announced|declared|believed|thought|wanted|resigned"
_SPEAKER_RE = lazy_compile(
    rf"\b([A-Z][A-Za-z\-]+)\s+(?:{_SPEAKER_VERBS})\b"
    r"|\b(?:said|says|told|added|according to)\s+([A-Z][A-Za-z\-]+)\b(?!\s+[a-z]+(?:\s+[a-z]+)?\s+its\b)"
)
#: where the first branch of ``_SPEAKER_RE`` can match: a run of letters and hyphens, white space,
#: a reporting verb; ``_speaker_name_starts`` finds each verb with ``str.find`` and reads the white
#: space and the run before it backwards, on the reversed text (each run once)
_SPEAKER_VERB_LIST = tuple(_SPEAKER_VERBS.split("|"))  # (none is the start of another)
_SPACE_RUN_RE = lazy_compile(r"\s++")
_NAME_RUN_RE = lazy_compile(r"[A-Za-z\-]++")
_HYPHEN_CAPITAL_RE = lazy_compile(r"-[A-Z]")
_SPEAKER_AFTER = ("said", "says", "told", "added", "according to")
_OWNED_NAME_RE = lazy_compile(_NAME_RUN + _OWNED_AFTER)
_OWNED_NAME_RESUME_RE = lazy_compile(_NAME_RESUME + _OWNED_AFTER)


#: read backwards from the whitespace before the last word of a match: the (at most) four runs
#: of non-space characters a match of ``_ITS_EVIDENCE_RE`` holds before "its" (the name and one
#: to three words), or the verb and up to three runs (the name, "which is") before "by"; runs
#: are taken whole, from the start of a space run (linear even when searched)
_FOUR_RUNS_BEFORE_REV = lazy_compile(r"(?<!\s)(?:\s++\S++){1,4}")
_OWNED_BEFORE_REV = lazy_compile(r"(?<!\s)\s++(?:denwo|nur|detarepo|dellortnoc|dekcab)(?:\s++\S++){1,3}")


def _finditer_ending(pattern: re.Pattern[str], resume: re.Pattern[str], text: str, rev: str, word: str,
                     back: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose every match ends with ``\\s+`` + ``word`` +
    ``\\b`` and starts no earlier than where ``back``, matched on the reversed text ``rev`` from the
    whitespace before ``word``, ends. The regex runs on those stretches only, each ending one
    character after ``word``: the ``\\b`` reads that character, and no match can end there, as
    ``word`` ("its", "by") cannot occur again one character later. (``str.isspace`` is ``\\s``.)
    ``pattern`` starts only where a run of the name's characters starts (``_NAME_RUN``); where a
    match ended before an "&", inside such a run, ``resume`` is tried there first."""
    n = len(text)
    windows: list[list[int]] = []
    i = text.find(word)
    while i >= 0:
        if i and text[i - 1].isspace():
            m = back.match(rev, n - i)
            if m is not None:
                a, b = n - m.end(), min(n, i + len(word) + 1)
                if windows and a <= windows[-1][1]:
                    windows[-1][1] = b
                else:
                    windows.append([a, b])
        i = text.find(word, i + 1)
    last = 0
    for a, b in windows:
        pos = max(a, last)
        while True:
            m = None
            if pos == last and text.startswith("&", pos):  # inside a run: ``pattern`` starts none there
                m = resume.match(text, pos, b)
            if m is None:
                m = pattern.search(text, pos, b)
                if m is None:
                    break
            yield m
            last = pos = m.end()


def _org_evidence(text: str) -> set[str]:
    """Names the text treats as organisations: 'X has expressed its', 'X, owned by'."""
    lex = _lex()
    names: set[str] = set()
    rev = text[::-1]
    for rx, resume, word, back in ((_ITS_EVIDENCE_RE, _ITS_EVIDENCE_RESUME_RE, "its", _FOUR_RUNS_BEFORE_REV),
                                   (_OWNED_NAME_RE, _OWNED_NAME_RESUME_RE, "by", _OWNED_BEFORE_REV)):
        for m in _finditer_ending(rx, resume, text, rev, word, back):
            name = m.group(1)
            if name in lex["first"] or name in lex["titles"] or name in lex["places"]:
                continue
            if lexicons.zipf(name.lower()) >= _ZIPF["name_common"]:
                continue  # "It", "This", "Government" ...
            names.add(name)
    return names


def _document_names(doc: Document, org_evidence: set[str] | None = None) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Names the document itself treats as organisations ('X has expressed its', 'X, owned by';
    ``_org_evidence``, passed in when already known) and as speakers ('X said', 'said X'). A
    name with both kinds of evidence is in neither."""
    lex = _lex()
    speakers: set[str] = set()
    text = doc.text
    for m in _speaker_matches(text):
        name = m.group(1) or m.group(2)
        if name in lex["orgs"] or name in lex["places"] or name in lex["suffixes"]:
            continue
        if name.lower() in lex["org_nouns"] or lexicons.zipf(name.lower()) >= _ZIPF["name_common"]:
            continue
        speakers.add(name)
    for first, last in _FULL_NAME_RE.findall(text):
        if first in lex["first"] and last not in lex["orgs"] and last not in lex["suffixes"] \
                and last not in lex["places"] and lexicons.zipf(last.lower()) < _ZIPF["surname_rare"]:
            speakers.add(last)
    names = _org_evidence(text) if org_evidence is None else org_evidence
    return frozenset(names - speakers), frozenset(speakers - names), _LowerWords(text)


class _LowerWords:
    """``w in _LowerWords(text)`` is ``w in set(_LOWER_WORD_RE.findall(text))``: whether ``w`` is
    a whole word of the text written in letters a-z only. A rule asks about a few words per
    document, so each is looked up (a substring test, then a regex) instead of listing them all."""

    __slots__ = ("text", "memo")

    def __init__(self, text: str) -> None:
        self.text = text
        self.memo: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        got = self.memo.get(word)  # type: ignore[call-overload]
        if got is None:
            got = (isinstance(word, str) and _AZ_RE.fullmatch(word) is not None and word in self.text
                   and re.search(rf"{word}(?<!\w{word})\b", self.text) is not None)  # the word first: a fast search
            self.memo[word] = got  # type: ignore[index]
        return got


_AZ_RE = lazy_compile(r"[a-z]+")


def _speaker_name_starts(text: str) -> Iterator[int]:
    """Every offset where the first branch of ``_SPEAKER_RE`` matches: a capital that no word
    character precedes, inside a run of letters and hyphens that white space and a reporting verb
    (then no word character) follow, with a letter or hyphen after it. Each run is read once,
    backwards from its verb (a look-ahead from every capital of "A-B-C-..." would re-read the run
    from each one: quadratic)."""
    n = len(text)
    rev = None
    word_at = _WORD_CHAR_RE.match
    for verb in _SPEAKER_VERB_LIST:
        for i in find_all(text, verb):
            j = i + len(verb)
            if not i or not text[i - 1].isspace() or (j < n and word_at(text, j) is not None):
                continue
            if rev is None:
                rev = text[::-1]
            e = n - _SPACE_RUN_RE.match(rev, n - i).end()  # where the run before the white space ends
            run = _NAME_RUN_RE.match(rev, n - e)
            if run is None:
                continue
            s = n - run.end()
            if e - s >= 2 and "A" <= text[s] <= "Z" and (s == 0 or word_at(text, s - 1) is None):
                yield s
            for h in _HYPHEN_CAPITAL_RE.finditer(text, s, e - 1):  # a capital after a hyphen, not last
                yield h.start() + 1


def _speaker_matches(text: str) -> Iterator[re.Match[str]]:
    """``_SPEAKER_RE.finditer(text)``: the pattern is tried only where a match can start (a name
    followed by a reporting verb, or "said", "says", ... itself), in order, skipping the offsets
    inside the previous match, as ``finditer`` does."""
    starts = set(_speaker_name_starts(text))
    starts.update(i for lit in _SPEAKER_AFTER for i in find_all(text, lit))
    yield from finditer_at(_SPEAKER_RE, text, starts)


def _suggest(text: str, start: int, end: int) -> str:
    word = text[start:end]
    low = word.lower()
    if low in ("his",):
        rep = "its"
    elif low in ("he", "she", "him"):
        rep = "it"
    else:  # her: possessive before a noun, object otherwise
        m = _TOKEN_RE.match(text, end + 1) if end + 1 < len(text) and text[end] == " " else None
        rep = "its" if m and m.group(0)[0].islower() and m.group(0) not in _AFTER_OBJECT else "it"
    return rep.capitalize() if word[0].isupper() else rep


def _antecedent(mentions: list[Mention], sent_bounds: list[tuple[int, int]]) -> Mention | None:
    """The subject-most organisation of the nearest sentence that mentions one."""
    for a, b in reversed(sent_bounds):
        orgs = [m for m in mentions if m.kind == ORG and a <= m.start < b]
        if orgs:
            return orgs[0]
    return None


@rule(
    code="PRN001",
    triggers=_PRONOUN_TRIGGERS,  # every finding is a match of _PRONOUN_RE
    name="personal-pronoun-for-organisation",
    category="pronoun",
    summary="'he', 'his', 'she' or 'her' refers to a company, platform, ministry or other organisation",
    severity="info",
    options={"window_sentences": 2},
    examples=(
        bad("WhatsApp has been asked to explain its position, but it has not received approval due to [[his]] inability to comply."),
        bad("The entity owned by Facebook has expressed its inability to do so. But [[he]] has tried to limit forwarding."),
        good("Sources said their top executives, Will Cathcart and Nick Clegg, did not inform the authorities. He later apologised."),
        good("Moitra has sought to be impleaded in the case against the government. She said the ministry had failed."),
        good("The company hired Maria Lopez in May. She said its plans were ambitious."),
        good("Apple said its sales rose. Tim Cook, its chief executive, said he was pleased."),
        good("Northwind Bank's Judith Okafor said she expected more borrowers to refinance their loans this year."),
        good("A spokeswoman for Northwind Bank said she expected more borrowers to refinance their loans."),
    ),
)
def personal_pronoun_for_organisation(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """
    A personal pronoun (`he`, `him`, `his`, `she`, `her`) whose nearest plausible antecedent is an
    organisation: "WhatsApp has been asked to explain its position ... due to **his** inability".

    ## Why it matters
    Languages with gendered pronouns (Spanish, French, German, Italian, Portuguese) call a company
    "he" or "she", and Chinese 他/它 are easily confused; machine translation carries that into
    English, where an organisation is "it". Readers look for a person who is not there.

    ## How it decides
    It reads the pronoun's sentence up to the pronoun and the two sentences before it in the
    paragraph (the previous paragraph's last sentence when there is nothing before it). Mentions
    there are typed with the lexicons in `rules/lexicons/`: organisations (known names, names
    ending in *Group*, *Inc*, *Ministry*..., nouns such as *company*, *platform*, *entity*,
    *government*), names the document treats as organisations (`X has ... its`, `X, owned by`),
    persons (a title such as *Mr* or *Minister*, a first name from the US Census list followed by
    a surname, a person noun such as *official* or *spokesman*, an earlier he/she), places, and
    unknown capitalised names. The pronoun is flagged only when the window holds an organisation
    (or an `its` that refers back to one) and no person and no unknown name, and the rest of the
    sentence names no person either.

    ## How to fix
    Use `it` / `its` for the organisation, or name the person meant. No automatic fix: the
    antecedent is a guess.
    """
    text = doc.text
    body = doc.body_start
    # every pronoun of the text, found once: a match is a whole word, so a scan of a paragraph
    # or a sentence finds the same ones, except a word cut by the end of the span (looked at
    # again by ``pronouns_in``)
    found = list(_PRONOUN_RE.finditer(text))
    found_at = [m.start() for m in found]
    if not found or found[-1].start() < body:
        return

    def pronouns_in(a: int, b: int) -> list[re.Match[str]]:
        """``list(_PRONOUN_RE.finditer(text, a, b))``."""
        if b < len(text) and b > a and _WORD_CHAR_RE.match(text, b - 1) and _WORD_CHAR_RE.match(text, b):
            return list(_PRONOUN_RE.finditer(text, a, b))  # a word cut at b
        out = []
        for i in range(bisect_left(found_at, a), len(found)):
            if found[i].end() > b:
                break
            out.append(found[i])
        return out

    # the speakers and lower-case words of the document are read only when some pronoun gets
    # as far as typing the mentions around it (most are dismissed by ``may_org`` first)
    evidence = _org_evidence(text)
    names_memo: list[tuple[frozenset[str], frozenset[str], frozenset[str]]] = []

    def doc_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        if not names_memo:
            names_memo.append(_document_names(doc, evidence))
        return names_memo[0]

    window = int(opts.get("window_sentences", 2))  # type: ignore[arg-type]
    paras = [p for p in doc.paragraphs if p[1] > body]
    sentences = doc.sentences
    start_list = [s[0] for s in sentences]
    starts = frozenset(start_list)

    def sents_in(a: int, b: int) -> list[tuple[int, int]]:
        return sentences[bisect_left(start_list, a) : bisect_left(start_list, b)]

    flagged: set[int] = set()
    memo: dict[tuple[int, int], list[Mention]] = {}

    def _mentions_at(text: str, a: int, b: int, starts: frozenset[int], names: object = None) -> list[Mention]:
        return _mentions_memo(memo, text, a, b, starts, doc_names())

    org_names = _org_name_words()
    doc_org_names = _with_possessive(evidence)  # a superset of the organisation names kept
    span_memo: dict[tuple[int, int], tuple[bool, bool]] = {}

    def words_in(span: tuple[int, int]) -> tuple[bool, bool]:
        """Two cheap facts about ``_mentions`` of the span, from its words (set operations, no
        typing of mentions): whether it could hold an organisation or an "its" (a word, possessive
        's included, is an organisation name or suffix, one of the document's organisation names,
        or lower-cased an organisation noun or "its"), and whether it surely holds a person (a
        word in lower case is a personal pronoun or a person noun: such a word is a mention of
        its own, never part of a capitalised name)."""
        got = span_memo.get(span)
        if got is None:
            toks = _TOKEN_RE.findall(text, *span)
            got = span_memo[span] = (
                not org_names.isdisjoint(toks) or not doc_org_names.isdisjoint(toks)
                or not _org_lower_words().isdisjoint(map(str.lower, toks)),
                not _person_lower_words().isdisjoint(toks),
            )
        return got

    def window_mentions(bounds: list[tuple[int, int]]) -> list[Mention] | None:
        """The mentions of the spans, without the persons that are pronouns flagged already;
        ``None`` as soon as one span holds a possible person (the pronoun is then skipped
        whatever the other spans hold)."""
        ments: list[Mention] = []
        for a, b in bounds:
            # look back at most _MAX_LOOKBACK characters per sentence: linear time on
            # a run-on "sentence" of megabytes (a real sentence is far shorter)
            got = [x for x in _mentions_at(text, max(a, b - _MAX_LOOKBACK), b, starts)
                   if not (x.kind == PERSON and x.start in flagged)]
            if any(x.kind in (PERSON, UNKNOWN) for x in got):
                return None
            ments.extend(got)
        return ments

    def may_org(span: tuple[int, int]) -> bool:
        return words_in(span)[0]

    def has_person(span: tuple[int, int]) -> bool:
        return words_in(span)[1]

    for pi, (pa, pb) in enumerate(paras):
        if not pronouns_in(pa, pb):
            continue
        psents = sents_in(pa, pb)
        for si, (sa, sb) in enumerate(psents):
            for m in pronouns_in(sa, sb):
                p = m.start()
                if _SAID_AFTER_RE.match(text, m.end()) and _QUOTE_BEFORE_RE.search(text, max(sa, p - 4), p):
                    continue  # '..." she said': a quoted speaker is a person
                bounds = list(psents[max(0, si - window) : si]) + [(sa, p)]
                # a flag needs an organisation or an "its" in the window (with, perhaps, the
                # last sentence of the paragraph before): skip at once when no word there can be one
                near = [(max(a, b - _MAX_LOOKBACK), b) for a, b in bounds]
                if pi > 0:
                    prev = sents_in(*paras[pi - 1])
                    if prev:
                        near.append((max(prev[-1][0], prev[-1][1] - _MAX_LOOKBACK), prev[-1][1]))
                if not any(map(may_org, near)):
                    continue
                if not flagged and any(map(has_person, near[:len(bounds)])):
                    continue  # a person in the window: the check below would skip the pronoun
                ments = window_mentions(bounds)
                if ments is None:
                    continue
                if not any(x.kind in (ORG, IT) for x in ments) and pi > 0:
                    prev = sents_in(*paras[pi - 1])
                    if prev:
                        bounds = [prev[-1]] + bounds
                        ments = _mentions_at(text, max(prev[-1][0], prev[-1][1] - _MAX_LOOKBACK), prev[-1][1], starts) + ments
                if any(x.kind in (PERSON, UNKNOWN) for x in ments):
                    continue
                after = _mentions_at(text, m.end(), min(sb, m.end() + _MAX_LOOKBACK), starts)
                if any(x.kind in (PERSON, UNKNOWN) for x in after if x.kind != PERSON or x.name.lower() not in _PERSON_PRONOUNS):
                    continue
                ante = _antecedent(ments, bounds)
                has_its = any(x.kind == IT and x.name.lower() == "its" for x in ments)
                if ante is None:
                    if not has_its:
                        continue
                    # "It has invoked its concern ... However, he": name the organisation from the
                    # paragraphs before, if they hold one and no person.
                    ante = _wider_antecedent(text, paras, pi, sents_in, starts, doc_names(), _mentions_at)
                    if ante is None:
                        continue
                word = m.group(0)
                sug = _suggest(text, m.start(), m.end())
                if sug.lower() == "it" and word.lower() != "he" and word.lower() != "she" and ante.start >= sa:
                    continue  # an object pronoun does not refer to the subject of its own clause
                flagged.add(p)
                yield Hit(
                    m.start(),
                    m.end(),
                    f"'{word}' seems to refer to {ante.name}, an organisation; an organisation is 'it'",
                    suggestion=sug,
                    confidence=0.7,
                )


def _mentions_memo(memo: dict[tuple[int, int], list[Mention]], text: str, a: int, b: int,
                   sentence_starts: frozenset[int], names) -> list[Mention]:
    """``_mentions`` remembered per span within one document: a sentence is read once, not
    once for every pronoun after it (callers never modify the list)."""
    got = memo.get((a, b))
    if got is None:
        got = memo[(a, b)] = _mentions(text, a, b, sentence_starts, names)
    return got


def _wider_antecedent(text: str, paras: list[tuple[int, int]], pi: int, sents_in,
                      starts: frozenset[int], names: tuple[frozenset[str], frozenset[str], frozenset[str]],
                      mentions=_mentions) -> Mention | None:
    for k in range(pi - 1, max(-1, pi - 3), -1):
        pa, pb = paras[k]
        ments = mentions(text, pa, pb, starts, names)
        if any(x.kind == PERSON for x in ments):
            return None
        ante = _antecedent(ments, sents_in(pa, pb))
        if ante is not None:
            return ante
    return None


#: loaded before any time limit starts (qa.warmup)
WARM_UP = (lexicons.load_frequencies, _lex, _org_lower_words, _person_lower_words, _org_name_words)
