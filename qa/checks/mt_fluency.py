"""MT3xx / GRAM2xx: symptoms of machine translation that the English alone reveals.

Machine translation of news leaves traces a reader sees without the source: a transliterated
name spelt two or three ways in one article (MT300), a given name translated word for word
(MT301), a name paired with itself (MT302), a phrase emitted twice in a row (MT303), a pronoun
that contradicts the gender the article gave a person (MT304), a Chinese expression rendered
literally (MT305), and Chinese paired conjunctions kept in English (GRAM200). Each rule is one
cheap, explainable test with compiled patterns.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import accumulate, compress
from operator import eq

from rapidfuzz.distance import Levenshtein

from qa.lazyre import lazy_compile
from qa.document import Document
from qa.fastpath import leading_literals
from qa.scan import RuleScanner, Triggers, candidates, literal_triggers
from qa.textfind import compile_on_first_use, find_all, finditer_at
from qa import lexicons, ruledata
from qa.lexicons import zipf_en
from qa.model import Hit, bad, good
from qa.registry import rule


# --------------------------------------------------------------------------- exact fast scans
# The helpers below give exactly what ``pattern.finditer(doc.text)`` gives (the same matches in
# the same order) while the regex runs on a small part of the text. Each states the property of
# the pattern it relies on; ``tests/test_mt_fluency_scans.py`` compares them with ``finditer``.


class _Literals:
    """The case-sensitive ``literals`` a rule looks up, declared as its scan triggers (``qa.scan``:
    lower-cased, every occurrence reported, plus any regex ``patterns`` that only gate the rule).

    ``starts(doc, literal)`` gives the start offsets, ascending, of every occurrence of one of
    them: the occurrences of its lower case that the document's one scan found, kept where the
    text has the literal's own case (the scan finds every occurrence in any case, so none is
    missed); ``str.find`` when the scan has no answer. They are remembered on the document
    (``literal_starts``): several rules look for the same kinship words."""

    def __init__(self, code: str, literals: tuple[str, ...], patterns: tuple[tuple[str, int], ...] = ()) -> None:
        self.code = code
        self.literals = literals
        self.triggers = Triggers(literals=tuple(sorted({x.lower() for x in literals})), patterns=patterns)

    def starts(self, doc: Document, literal: str) -> list[int]:
        memo = doc.facts.once("literal_starts", dict)
        got = memo.get(literal)
        if got is not None:
            return got
        if literal not in self.literals:
            raise ValueError(f"{literal!r} is not one of {self.code}'s literals")
        text = doc.text
        found = candidates(doc, self.code, self.triggers)
        if found is None:  # no answer from the scan: search each literal
            for lit in self.literals:
                if lit not in memo:
                    memo[lit] = list(find_all(text, lit))
        else:
            by: dict[str, list[int]] = {}
            prev = None
            for span in found:  # ascending
                if span != prev:
                    prev = span
                    by.setdefault(text[span[0]:span[1]], []).append(span[0])
            for lit in self.literals:
                if lit not in memo:
                    memo[lit] = by.get(lit, [])
        return memo[literal]

    def needle_starts(self, doc: Document, needles: tuple[tuple[str, tuple[int, ...]], ...]) -> list[int]:
        """Offsets ``p + shift`` for every occurrence ``p`` of each needle and each of its shifts."""
        return [p + d for lit, shifts in needles for p in self.starts(doc, lit) for d in shifts if p + d >= 0]


def _finditer_lines(pattern: re.Pattern[str], text: str, positions: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that cannot read a line break (no part of it,
    look-arounds included, matches ``\\n``), when every match lies on a line holding one of
    ``positions``: the regex runs on those lines only, each with its line break, so that every
    look-around sees the same characters as in the whole text."""
    n = len(text)
    end = -1
    for p in sorted(positions):
        if p < end:
            continue  # on the line just scanned
        a = text.rfind("\n", 0, p) + 1
        end = text.find("\n", p)
        end = n if end < 0 else end + 1
        yield from pattern.finditer(text, a, end)


# --------------------------------------------------------------------------- MT300 name spelling
#: word-frequency thresholds (``[zipf.mt_fluency]`` of ``rules/data/constants.toml``)
_ZIPF = ruledata.constants("zipf.mt_fluency")
_COMPOUND_PART = _ZIPF["compound_part"]
#: (the word-start test follows the capital, so the regex engine can skip ahead to capitals)
_CAP_TOKEN_RE = lazy_compile(r"([A-Z](?<![\w'’.-][A-Z])[a-z]{2,}(?:-[a-z]{2,})?)(?![\w-])")
#: endings that make an adjective or plural of a name, not a different spelling of it
_DERIV_SUFFIXES = ruledata.tagged("word_classes", "name_suffix")


@lru_cache(maxsize=65536)
def _rare_in_english(low: str) -> bool:
    return zipf_en(low) < _ZIPF["name_rare"]


@lru_cache(maxsize=65536)
def _rare_prefix(low: str) -> bool:
    """A leading name part ("Pham", "Minh") rare enough in English not to be a common word."""
    return zipf_en(low) < _ZIPF["name_part_rare"]


_THREE_PART_RE = lazy_compile(r"(?=(?<![\w'’.-])([A-Z][a-z]+) ([A-Z][a-z]+) ([A-Z][a-z]{2,})(?![\w-]))")
#: ``_THREE_PART_RE``'s "A B " read backwards from where C starts: " b B a A" then no word
#: character (the look-behind of the forward pattern)
_TWO_PARTS_BEFORE_REV = lazy_compile(r" ([a-z]++[A-Z]) ([a-z]++[A-Z])(?![\w'’.-])")


@lru_cache(maxsize=65536)
def _name_shaped(tok: str) -> bool:
    """Rare in English, not two English words run together, not a form of a common stem."""
    low = tok.lower()
    if not _rare_in_english(low) or _english_compound(low):
        return False
    stem = _stem(low)
    return stem == low or _rare_in_english(stem)  # "Freezers", "Captioning": English word forms


def _written_lower(text: str, tok: str) -> bool:
    """Whether ``tok`` lower-cased stands in ``text`` as a word of ``_LOWER_TOKEN_RE`` (a whole
    run of three or more letters a-z, outside a longer word); a substring test first."""
    low = tok.lower()
    if "-" in low or low not in text:
        return False
    # the word first, then the test of the character before it: the engine searches for the
    # literal word instead of trying the look-behind at every position
    return re.search(rf"{low}(?<![\w'’-]{low})(?![\w-])", text) is not None


_EN_SUFFIXES = sorted(ruledata.tagged("word_classes", "english_suffix"), key=lambda s: (-len(s), s))  # the longest first


def _stem(low: str) -> str:
    for suf in _EN_SUFFIXES:
        if low.endswith(suf) and len(low) - len(suf) >= 4:
            return low[: -len(suf)]
    return low


@lru_cache(maxsize=65536)
def _english_compound(low: str) -> bool:
    """`workflows`, `ghostwriting`: two common English words run together, not a name."""
    return any(
        zipf_en(low[:i]) >= _COMPOUND_PART and zipf_en(low[i:]) >= _COMPOUND_PART
        for i in range(3, len(low) - 2)
    )


_PROSE_LINE_RE = lazy_compile(r"[^\n]+")
_LOWER_TOKEN_RE = lazy_compile(r"(?<![\w'’-])[a-z]{3,}(?![\w-])")
_LINE_WORD_RE = lazy_compile(r"([A-Za-z])[\w'’-]*")


def _is_prose(line: str) -> bool:
    """Six words or more with enough lower-case words to be a sentence, not a menu or a heading."""
    firsts = _LINE_WORD_RE.findall(line)  # the first letter of each word
    lower = sum(map(str.islower, firsts))
    return len(firsts) >= 6 and lower >= max(3, 0.3 * len(firsts))


def _derived(a: str, b: str) -> bool:
    sa, sb = _stem(a.lower()), _stem(b.lower())
    if sa == sb or sa.startswith(sb) or sb.startswith(sa):
        return True  # "Thrifting"/"Thrifty", "Psoriatic"/"Psoriasis"
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if long_.startswith(short) and long_[len(short):] in _DERIV_SUFFIXES:
        return True
    # "Tunisia"/"Tunisian": the common stem plus endings on both sides
    stem = short.rstrip("aeiouy")
    return len(stem) >= 4 and long_.startswith(stem) and long_[len(stem):] in _DERIV_SUFFIXES | {"ia", "ian", "a"}


def _variant_groups(doc: Document, min_similarity: float, min_len: int) -> dict[str, set[str]]:
    """Each name spelt several ways -> its other spellings.

    Names are rare capitalised words (``_name_shaped``), never written in lower case in the
    document, standing on at least one line of prose: menus and title-case headings of web
    pages repeat English word forms ("Freezers", "Fryers") that look like rare names. Two names
    are linked when ``_spelling_variants`` says so, or when they end two three-part names with
    the same rare first parts. Both links depend only on the two names, so they are first found
    among all the name-shaped words, and the costlier tests (written in lower case? on a prose
    line?) run only on the words that have a link.
    """
    text = doc.text
    # one pass: the capitalised tokens at odd indexes, the text between them at even ones
    parts = _CAP_TOKEN_RE.split(text)
    toks = parts[1::2]
    long_toks = [t for t in set(toks) if len(t) >= min_len]
    if len(long_toks) < 2:  # no pair to compare: no word frequency is asked (nor loaded)
        return {}
    shaped = sorted(t for t in long_toks if _name_shaped(t))
    if len(shaped) < 2:
        return {}
    pairs: list[tuple[str, str]] = []
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for t in shaped:
        by_prefix[t[:2].lower()].append(t)
    for group in by_prefix.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if _spelling_variants(text, a, b, min_similarity):
                    pairs.append((a, b))
    first_at: dict[str, list[int]] = defaultdict(list)
    shaped_set = set(shaped)
    offsets = list(accumulate(map(len, parts), initial=0))  # offsets[j]: where parts[j] starts
    for i in compress(range(len(toks)), map(shaped_set.__contains__, toks)):
        first_at[toks[i]].append(offsets[2 * i + 1])
    pairs = [(a, b) for a, b in pairs if not _distinct_entities(text, a, b, first_at)]
    # "Pham Minh Trinh" / "Pham Minh Thanh": the same two leading name parts, a different last one;
    # the "A B " before each occurrence of C, read backwards from C (the triples ``_THREE_PART_RE``
    # finds, without trying every position of the text)
    endings: dict[tuple[str, str], set[str]] = defaultdict(set)
    rev = text[::-1]
    n = len(text)
    for c in shaped:
        if "-" in c:
            continue  # the third part is letters only
        for q in first_at[c]:
            m = _TWO_PARTS_BEFORE_REV.match(rev, n - q)
            if m is None:
                continue
            a, b = m.group(2)[::-1], m.group(1)[::-1]
            if _rare_prefix(a.lower()) and _rare_prefix(b.lower()):
                endings[(a, b)].add(c)
    linked = {t for pair in pairs for t in pair} | {c for ends in endings.values() if len(ends) > 1 for c in ends}
    if not linked:
        return {}
    prose: dict[int, bool] = {}

    def on_prose_line(pos: int) -> bool:
        a = text.rfind("\n", 0, pos) + 1
        if a not in prose:
            b = text.find("\n", pos)
            prose[a] = _is_prose(text[a : b if b >= 0 else len(text)])
        return prose[a]

    names = {t for t in linked if not _written_lower(text, t) and any(map(on_prose_line, first_at[t]))}
    parent = {t: t for t in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        if a in names and b in names:
            parent[find(a)] = find(b)
    for ends in endings.values():
        kept = sorted(ends & names)
        for other in kept[1:]:
            parent[find(other)] = find(kept[0])
    clusters: dict[str, set[str]] = defaultdict(set)
    for t in names:
        clusters[find(t)].add(t)
    out: dict[str, set[str]] = {}
    for members in clusters.values():
        if len(members) > 1:
            for t in members:
                out[t] = members - {t}
    return out


#: both spellings at least this frequent in English text (wordfreq Zipf): two established
#: names ("Jiangsu"/"Jiangxi", "Shaanxi"/"Shanxi", "Viera"/"Viegas"), not one name spelt twice
_ATTESTED_ZIPF = _ZIPF["attested_pair"]
_GIVEN_BEFORE_RE = lazy_compile(r"(?<![\w'’.-])([A-Z][a-z]+) $")


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    return lexicons.load("first_names")


def _given_names_before(text: str, positions: list[int]) -> set[str]:
    """The given names ("Daniel", "Maria") written right before the occurrences of a surname."""
    first = _given_names()
    out = set()
    for p in positions:
        m = _GIVEN_BEFORE_RE.search(text, max(0, p - 24), p)
        if m is not None and m.group(1) in first:
            out.add(m.group(1))
    return out


def _distinct_entities(text: str, a: str, b: str, first_at: Mapping[str, list[int]]) -> bool:
    """``a`` and ``b`` name two different things: both are established names in English text
    (two provinces, a town and a family name), or each stands after its own given names and
    the two sets share none (two people with similar surnames: "Anna Szymanska", "Peter Szymanik")."""
    if zipf_en(a.lower()) >= _ATTESTED_ZIPF and zipf_en(b.lower()) >= _ATTESTED_ZIPF:
        return True
    ga = _given_names_before(text, first_at.get(a, []))
    if not ga:
        return False
    gb = _given_names_before(text, first_at.get(b, []))
    return bool(gb) and not (ga & gb)


def _spelling_variants(text: str, a: str, b: str, min_similarity: float) -> bool:
    """``a`` and ``b`` (same first two letters, ``a`` sorting first) are two spellings of one
    name: close in edit distance, not one extending the other, not a stem and its derivative,
    not two parts of one name, not an anagram (a typing slip)."""
    la, lb = a.lower(), b.lower()
    if abs(len(a) - len(b)) > 3 or _derived(a, b) or la.startswith(lb) or lb.startswith(la):
        return False  # "Zelensky"/"Zelenskyy": one spelling extends the other
    if f"{a} {b}" in text or f"{b} {a}" in text:
        return False  # "Osas Osaro": two parts of one name
    if sorted(la) == sorted(lb):
        return False  # "Rukban"/"Rubkan": a typing slip, not a second transliteration
    return Levenshtein.normalized_similarity(la, lb) >= min_similarity


@rule(
    code="MT300",
    name="name-spelled-several-ways",
    category="mistranslation",
    summary="A rare proper name spelt in two or more ways in one document (Trinh / Trung)",
    severity="warning",
    examples=(
        bad(
            "Minister Pham Minh [[Trinh]] visited the port. Later Pham Minh [[Trung]] met the mayor."
        ),
        good("Minister Pham Minh Trinh visited the port. Later Pham Minh Trinh met the mayor."),
        good("The Tunisian team flew to Tunisia on Monday."),
        good(
            "Anna Szymanska, the club's captain, scored twice in the first half of the match. "
            "Her coach, Peter Szymanik, said the team had trained for the final all winter."
        ),
        good(
            "The relay set out from Xuzhou in Jiangsu province and passed through Anhui and Hubei. "
            "It then crossed Jiangxi and Hunan before reaching Shaanxi and Shanxi in the north."
        ),
    ),
    options={"min_similarity": 0.6, "minority_only": True, "min_length": 5},
)
def name_spelled_several_ways(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A capitalised word that is not an English word (a transliterated name) appears in the same
    document in a second, slightly different spelling: `Trinh` and `Trung`, `Sugiyama` and `Sugyu`.

    ## Why it matters
    Machine translation transliterates names from Chinese, Korean or Vietnamese sentence by
    sentence, and the same person or company comes out spelt differently each time. Human news
    keeps one spelling. At least one spelling is wrong, and usually all are suspect.

    ## How it decides
    Capitalised words are kept when they are rare in English (word frequency) and never written
    in lower case in the document. Two of them are variants when they start with the same two
    letters, differ in length by at most three letters, and their edit-distance similarity is at
    least `min_similarity` (0.6). Plurals and adjectives of a name (`Tunisia`/`Tunisian`), forms
    of one English stem (`Thrifting`/`Thrifty`) and compounds of two common English words
    (`Workflows`, `Ghostwriting`, frequent in title-case headings) are not variants, and only
    lines that read as prose (six words or more, at least 30% of them lower case) are searched
    for names. Three-part names that share their first two parts and differ in the last one
    (`Pham Minh Trinh` / `Pham Minh Thanh`) are variants too, when the shared parts are rare
    in English. Names of at least `min_length` (5) letters are compared, because short romanised
    syllables (`Pham`/`Phan`) differ by one letter without being variants. Two established names
    are not variants of each other: when both spellings are attested in English text (wordfreq
    Zipf >= 1.2: `Jiangsu`/`Jiangxi`, `Shaanxi`/`Shanxi`), or when each stands after given names
    of its own and the two sets share none (`Anna Szymanska`, `Peter Szymanik`: two people).
    Every occurrence of
    each spelling is flagged, with the other spellings named, except the spelling that clearly
    dominates the document (`minority_only`, on by default), which is probably the intended one.

    ## How to fix
    Check the name against the source or a reliable reference and use one spelling throughout.
    """
    groups = _variant_groups(doc, float(opts.get("min_similarity", 0.6)), int(opts.get("min_length", 5)))
    if not groups:
        return
    counts = Counter(m.group(1) for m in _CAP_TOKEN_RE.finditer(doc.text))
    minority_only = bool(opts.get("minority_only", True))
    for m in _CAP_TOKEN_RE.finditer(doc.text):
        tok = m.group(1)
        others = groups.get(tok)
        if others and minority_only and counts[tok] > max(counts[o] for o in others):
            continue  # the clearly dominant spelling is probably the intended one
        if others:
            alt = ", ".join(f"'{o}'" for o in sorted(others))
            yield Hit(
                m.start(1),
                m.end(1),
                f"Name '{tok}' is also spelt {alt} in this document: inconsistent transliteration",
                suggestion="use one checked spelling throughout",
                confidence=0.7,
            )


# --------------------------------------------------------------------------- MT301 literal given name
#: common family names of Chinese, Korean and Vietnamese people, as romanised in English news
#: (``rules/data/cjk_surnames.txt``)
_SURNAMES = ruledata.words("cjk_surnames")
#: English words that a literal translation makes of the characters of a given name
#: (``rules/data/name_glosses.txt``)
_NAME_GLOSSES = ruledata.words("name_glosses")
_literal_name_re = compile_on_first_use(
    rf"(?<![\w-])(?:{'|'.join(_SURNAMES)})(?: [A-Z][a-z]+(?:-[a-z]+)?)? (?:{'|'.join(_NAME_GLOSSES)})(?![\w-])"
)


def _by_first_letter(words: list[str]) -> str:
    """``Lord|Love|Master`` as ``L(?:ord|ove)|M(?:aster)``: the regex engine then tries only the
    words that start with the letter at hand."""
    groups: dict[str, list[str]] = defaultdict(list)
    for w in words:
        groups[w[0]].append(re.escape(w[1:]))
    return "|".join(f"{c}(?:{'|'.join(rest)})" for c, rest in groups.items())


#: a capitalised gloss after a space (the literal space first lets the engine search fast)
_GLOSS_RE = lazy_compile(rf" (?:{_by_first_letter(_NAME_GLOSSES)})(?![\w-])")


@rule(
    code="MT301",
    triggers=literal_triggers([" " + g.lower() for g in _NAME_GLOSSES], gate=True),  # every match ends with " Gloss"
    name="given-name-translated-literally",
    category="mistranslation",
    summary="An East Asian family name followed by an English word as given name (\"Li Xue Master\")",
    severity="info",
    examples=(
        bad("The actress [[Wang Spring]] arrived late."),
        bad("The first lady, [[Lee Mei Lord]], stayed behind."),
        good("Wang Chunhua arrived late."),
        good("Kim Jong Un inspected the Tang Dynasty exhibit with the Jin family."),
    ),
)
def given_name_translated_literally(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A Chinese, Korean or Vietnamese family name followed by a capitalised English word that
    reads like a gloss of a name character: `Wang Spring`, `Li Xue Master`, `Kim Lord Love`.

    ## Why it matters
    Given names written in Chinese characters mean something, and machine translation sometimes
    translates them instead of transliterating them, so a person called *Chunhua* turns into
    *Spring Flower*. The name is then wrong everywhere it occurs.

    ## How it decides
    A family name from a list of common Chinese, Korean and Vietnamese surnames, an optional
    romanised syllable, then one word from a list of glosses typical of given-name characters
    (Lord, Master, Love, Spring, Jade, Peace...). Words that often follow a family name in names
    of newspapers, companies or places (Star, Light, Golden, Group, Dynasty, River) are not on
    the list.

    ## How to fix
    Replace the gloss with the person's romanised name, checked against a reliable source.
    """
    text = doc.text
    # every match ends with " Gloss" (capitalised) and lies on one line: scan only the lines that
    # hold such a gloss
    glosses = [m.start() for m in _GLOSS_RE.finditer(text)]
    if not glosses:
        return
    for m in _finditer_lines(_literal_name_re(), text, glosses):
        yield Hit(m.start(), m.end(),
                  f"'{m.group(0)}' looks like a personal name whose given name was translated word for word",
                  suggestion="use the romanised name", confidence=0.7)


# --------------------------------------------------------------------------- MT302 self relation
_self_relation_re = compile_on_first_use(
    r"(?<![\w-])(?:(?P<a>[A-Z][a-z]{2,})-(?P=a)|(?P<b>[A-Z][a-z]{2,}) and (?P=b)(?! [A-Z])"
    r"|between (?:the )?(?P<c>[A-Za-z]{3,}) and (?:the )?(?P=c)"
    r"|(?P<d>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})['’]s (?:daughter|son|wife|husband|father|mother|brother|sister)"
    r",? (?P=d))(?![\w-])"
)


#: every match of ``_self_relation_re()`` holds "X-X" (a hyphen before a capital), "X and X" (" and "
#: before a capital), "between " or "'s <relative>"; the positions of the last two are read
_SELF_RELATION_LITERALS = _Literals("MT302", ("between ", "'s ", "’s "),
                                    patterns=((r"-[A-Z]| and [A-Z]", 0),))


@rule(
    code="MT302",
    triggers=_SELF_RELATION_LITERALS.triggers,
    name="name-paired-with-itself",
    category="mistranslation",
    summary="The same name on both sides of a pair (\"Peru and Peru\", \"Lisbon-Lisbon\", \"X's son X\")",
    severity="warning",
    examples=(
        bad("Trade [[between Peru and Peru]] grew last year."),
        bad("The [[Lisbon-Lisbon]] rail link opens in May."),
        bad("He posed with [[Ana Lima's daughter Ana Lima]] at the gala."),
        good("Trade between Peru and Chile grew last year."),
        good("Baden-Baden and Walla Walla are spa towns."),
        good("He posed with Ana Lima's daughter Sofia Lima at the gala."),
    ),
)
def name_paired_with_itself(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A pair whose two members are the same name: `Peru and Peru`, `between Peru and Peru`,
    `Lisbon-Lisbon link`, or a relative named like the person it relates to (`Ana Lima's
    daughter Ana Lima`).

    ## Why it matters
    A relation between a place and itself makes no sense; it appears when machine translation
    renders two different names (often abbreviations such as the one-character names of Chinese
    places) as the same English word. One of the two is a wrong name.

    ## What it does not flag
    Reduplicated place names written with a hyphen that a language uses (`Baden-Baden`) appear
    in the list below and are skipped; names joined by a space (`Walla Walla`) are not pairs,
    and `Sport and Sport Touring` is not flagged, because the second copy may begin a longer
    name.

    ## How to fix
    Check both names against the source and correct the wrong one.
    """
    for m in _self_relations(doc):
        word = m.group("a") or m.group("b") or m.group("c") or m.group("d")
        if word in _REDUPLICATED_NAMES:
            continue
        yield Hit(m.start(), m.end(), f"'{word}' is paired with itself: one of the two names is probably wrong",
                  suggestion="check both names", confidence=0.8)


_KIN_WORDS = ("daughter", "son", "wife", "husband", "father", "mother", "brother", "sister")
_HYPHEN_CAP_RE = lazy_compile(r"-(?=[A-Z])")
_AND_CAP_RE = lazy_compile(r" and (?=[A-Z])")


def _may_repeat(text: str, end: int, copy_at: int) -> bool:
    """False only when no word ``[A-Z][a-z]{2,}`` ending at ``end`` is written again at
    ``copy_at``. Such a word starts with the capital found at ``copy_at`` and holds no other
    capital, so ``rfind`` of that capital finds its start (within 64 characters; when it is not
    there, only 64 lower-case letters in a row can still be the end of such a word)."""
    lo = max(0, end - 64)
    s = text.rfind(text[copy_at], lo, end)
    if s < 0:
        tail = text[lo:end]
        return lo > 0 and tail.isalpha() and tail.islower()
    return text.startswith(text[s:end], copy_at)


def _between_same(text: str, at: int) -> bool:
    """False only when "between [the ]X and [the ]X" cannot start at ``at`` (after "between ")."""
    for start in (at, at + 4) if text.startswith("the ", at) else (at,):
        sp = text.find(" ", start, start + 100)
        if sp < 0:
            return True  # a long stretch without a space: let the regex decide
        word = text[start:sp]
        if sp > start and text.startswith(" and ", sp) and (
            text.startswith(word, sp + 5) or text.startswith("the " + word, sp + 5)
        ):
            return True
    return False


def _self_relations(doc: Document) -> Iterator[re.Match[str]]:
    """``_self_relation_re().finditer(doc.text)``. Every match lies on one line and holds "X-X",
    "X and X", "between " or "'s <relative>": only the lines holding one of these are scanned
    (for the first two, only where the word after the hyphen or the "and" starts like the word
    before it)."""
    text = doc.text
    where = [g for g in (m.start() for m in _HYPHEN_CAP_RE.finditer(text)) if _may_repeat(text, g, g + 1)]
    where += [g for g in (m.start() for m in _AND_CAP_RE.finditer(text)) if _may_repeat(text, g, g + 5)]
    lits = _SELF_RELATION_LITERALS
    where += [p for p in lits.starts(doc, "between ") if _between_same(text, p + 8)]
    # a relative right after "'s " or "’s "
    where += [q + 3 for s in ("'s ", "’s ") for q in lits.starts(doc, s)
              if text.startswith(_KIN_WORDS, q + 3)]  # (a tuple: any of them)
    return _finditer_lines(_self_relation_re(), text, where) if where else iter(())


#: real names made of a repeated word joined by a hyphen
_REDUPLICATED_NAMES = ruledata.tagged("word_classes", "reduplicated_name")


# --------------------------------------------------------------------------- MT303 phrase twice in a row
#: a repeated phrase with these words is usually rhetoric ("things we know, things we know")
_SPEAKER_WORDS = ruledata.tagged("word_classes", "speaker_word")
#: three or four words, then the same words again; the word-start test sits after the first
#: letter so that the regex engine can skip ahead to letters, and words are matched
#: possessively (a word never gives back letters: the next character must be a space or comma)
_back_to_back_re = compile_on_first_use(
    r"(?P<p>[A-Za-z](?<![\w'’-][A-Za-z])[\w'’-]*+(?: [A-Za-z][\w'’-]*+){2,3}),? (?P=p)(?![\w'’-])"
)


def _back_to_back(text: str) -> Iterator[re.Match[str]]:
    """``_back_to_back_re().finditer(text)``, with the regex run only around repeated words.

    Split at single spaces, a match "A B C, A B C" (or "A B C D A B C D") gives the tokens
    ``..xA, B, C|C,, A, B, Cy..``: the token of each inner word of the first copy equals the
    token ``k`` places later (``k`` words a copy), and the token before ends with the second
    copy's first word. Those positions are found with C-level comparisons of the token list
    with itself shifted; the regex runs only on the few stretches that pass, each ending just
    before a space so that no match or look-ahead is cut short.
    """
    if len(text) > _B2B_PIECE_CHARS:  # a long text: the same matches, a piece at a time
        yield from _back_to_back_pieces(text)
        return
    toks = text.split(" ")
    if len(toks) < 6:
        return
    cands = _b2b_cands(toks)  # (index of the first copy's second word, words a copy), sorted
    if not cands:
        return
    # token j starts at the length of the tokens before it plus one space each: chars[j] + j
    chars = list(accumulate(map(len, toks), initial=0))
    n = len(text)
    windows: list[list[int]] = []
    for i, k in cands:
        if i + 2 * k - 2 >= len(toks):
            continue  # the text ends inside the second copy
        j = i + 2 * k - 1
        a, b = chars[i - 1] + i - 1, min(n, chars[j] + j)  # b: just after the last token's space
        if windows and a <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], b)
        else:
            windows.append([a, b])
    last = 0
    for a, b in windows:
        for m in _back_to_back_re().finditer(text, max(a, last), b):
            yield m
            last = m.end()


#: ``_back_to_back`` splits a text longer than this a piece at a time (cut at a space), each
#: piece with the last ``_B2B_OVERLAP`` tokens of the one before: a candidate needs the token
#: before it and at most seven after it
_B2B_PIECE_CHARS = 1 << 20
_B2B_OVERLAP = 10


def _b2b_cands(toks: list[str]) -> list[tuple[int, int]]:
    cands: list[tuple[int, int]] = []
    same3 = bytes(map(eq, toks, toks[3:]))
    i = same3.find(1)
    while i >= 0:
        if i and toks[i + 2] and toks[i - 1].endswith(toks[i + 2]):
            cands.append((i, 3))
        i = same3.find(1, i + 1)
    same4 = bytes(map(eq, toks, toks[4:]))
    i = same4.find(b"\x01\x01")
    while i >= 0:
        if i and toks[i + 3] and toks[i - 1].endswith(toks[i + 3]):
            cands.append((i, 4))
        i = same4.find(b"\x01\x01", i + 1)
    cands.sort()
    return cands


def _back_to_back_pieces(text: str) -> Iterator[re.Match[str]]:
    """``_back_to_back`` over pieces of a long text (not a list of every token at once): the
    candidates of each piece (with the tail of the one before) whose copies end inside it, their
    windows merged in order as the whole-text version merges them."""
    n = len(text)
    tail: list[str] = []
    tail_at = 0  # offset of tail[0] in the text
    g0 = 0  # index in the whole token list of tail[0]
    done = 0  # candidates below this whole-list index were taken from an earlier piece
    window: list[int] | None = None
    last = 0
    a = 0
    while True:
        b = text.find(" ", a + _B2B_PIECE_CHARS)
        final = b < 0
        b = n if final else b
        toks = tail + text[a:b].split(" ")
        starts = list(accumulate((len(t) + 1 for t in toks), initial=tail_at))
        m = len(toks)
        for i, k in _b2b_cands(toks):
            if g0 + i < done:
                continue  # taken from the piece before
            if not final and i + 8 >= m:
                break  # this and later ones may need tokens of the next piece: taken from it, in order
            if i + 2 * k - 2 >= m:
                continue  # the text ends inside the second copy
            wa, wb = starts[i - 1], min(n, starts[i + 2 * k - 1])
            if window is not None and wa <= window[1]:
                window[1] = max(window[1], wb)
                continue
            if window is not None:
                for mm in _back_to_back_re().finditer(text, max(window[0], last), window[1]):
                    yield mm
                    last = mm.end()
            window = [wa, wb]
        if final:
            break
        keep = min(_B2B_OVERLAP, m)
        done = max(done, g0 + m - 8)
        g0 += m - keep
        tail_at = starts[m - keep]
        tail = toks[m - keep:]
        a = b + 1
    if window is not None:
        for mm in _back_to_back_re().finditer(text, max(window[0], last), window[1]):
            yield mm
            last = mm.end()


@rule(
    code="MT303",
    name="phrase-repeated-back-to-back",
    category="mistranslation",
    summary="A phrase of three or four words written twice in a row (\"the city hall, the city hall\")",
    severity="info",
    examples=(
        bad("They toured [[the Grand Hall, the Grand Hall]] and the park."),
        bad("She said [[the old bridge the old bridge]] had been closed."),
        good("They toured the Grand Hall and the park."),
        good("Well, go on, go on, tell me."),
        good("There are things we know, things we know we know."),
        good("It was very, very cold."),
    ),
)
def phrase_repeated_back_to_back(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The same phrase twice in a row, with or without a comma between the copies:
    `the Samba Hall, the Samba Hall`, `the old bridge the old bridge`.

    ## Why it matters
    Neural decoders stutter: they emit a phrase, lose their place and emit it again. The doubled
    copy usually stands where a different item of a list or a different phrase of the source
    belonged. A single doubled word is GRAM001; four or more copies are MT105.

    ## What it does not flag
    Two-word repeats (`go on, go on`), phrases with *I*, *we* or *you* (`things we know, things
    we know`), which people repeat for emphasis, and repeated title-case labels of web pages
    (`Start Free Trial Start Free Trial`), which are boilerplate, not translation.

    ## How to fix
    Delete the second copy and check the sentence against the source for what is missing.
    """
    text = doc.text
    for m in _back_to_back(text):
        phrase = m.group("p")
        words = phrase.split()
        if len(words) < 3 or any(w.lower() in _SPEAKER_WORDS for w in words):
            continue  # short, or rhetorical ("things we know, things we know")
        if all(w[0].isupper() for w in words):
            continue  # a repeated title-case label of a web page ("Start Free Trial")
        after = text[m.end():m.end() + len(phrase) + 3].lstrip(", ")
        before = text[max(0, m.start() - len(phrase) - 3):m.start()].rstrip(", ")
        if after.startswith(phrase) or before.endswith(phrase):
            continue  # three or more copies: a translation loop, reported by MT105
        yield Hit(m.start(), m.end(), f"'{phrase}' written twice in a row",
                  suggestion=phrase, confidence=0.8)


# --------------------------------------------------------------------------- MT304 pronoun gender
_PERSON_NAME = r"[A-Z][\w'’-]*[a-z](?: [A-Z][\w'’-]*[a-z]){0,2}"
_female_intro_re = compile_on_first_use(
    rf"(?<![\w-])(?:daughter|wife|mother|sister|girlfriend|[Ff]irst [Ll]ady|Ms\.|Mrs\.|Madam|actress|"
    rf"queen|princess|granddaughter|niece|widow),? (?P<n>{_PERSON_NAME})"
)
_male_intro_re = compile_on_first_use(
    rf"(?<![\w-])(?:son|husband|father|brother|boyfriend|Mr\.|king|prince|grandson|nephew|widower),? "
    rf"(?P<n>{_PERSON_NAME})"
)
#: a name that owns a wife / husband ("X's wife", "X and his wife")
_spouse_of_re = compile_on_first_use(
    rf"(?<![\w'’-])(?P<n>{_PERSON_NAME})(?:['’]s| and (?:his|her)) (?P<s>wife|husband|widow|widower|girlfriend|boyfriend)(?![\w-])"  # starts at a word start: linear
)
_POSSESSIVE_RE = lazy_compile(r"(?<![\w'’-])(?:his|her|himself|herself)(?![\w'’-])")
#: anything between the name and the pronoun that could be the pronoun's antecedent or start a report
_INTERVENING_RE = lazy_compile(
    r"(?<![\w-])(?:[A-Z][a-z]+|father|mother|husband|wife|son|daughter|brother|sister|man|woman|boy|girl|"
    r"leader|president|minister|mayor|official|officer|chairman|coach|teacher|doctor|friend|partner|"
    r"parents?|family|king|queen|and|with|said|says|told|tells|added|asked|according)(?![\w-])"
)
# Where a match of each pattern can start: (needle, shifts from the needle to the match start).
# Every alternative of the pattern's opening word holds one needle ("granddaughter" holds
# "daughter" 5 letters in, "Mrs." and "Mr." start with "Mr", "girlfriend" holds "friend").
_FEMALE_NEEDLES = (
    ("daughter", (0, -5)), ("wife", (0,)), ("mother", (0,)), ("sister", (0,)), ("friend", (-4,)),
    ("irst Lady", (-1,)), ("irst lady", (-1,)), ("Ms.", (0,)), ("Mr", (0,)), ("Madam", (0,)),
    ("actress", (0,)), ("queen", (0,)), ("prince", (0,)), ("niece", (0,)), ("widow", (0,)),
)
_MALE_NEEDLES = (
    ("son", (0, -5)), ("husband", (0,)), ("father", (0,)), ("brother", (0,)), ("friend", (-3,)),
    ("Mr", (0,)), ("king", (0,)), ("prince", (0,)), ("nephew", (0,)), ("widow", (0,)),
)
#: where the relative named after "X's" / "X and his" starts
_SPOUSE_NEEDLES = (("wife", (0,)), ("husband", (0,)), ("widow", (0,)), ("friend", (-4, -3)))
#: "her father": the pronoun starts 4 characters before the relative
_KIN_FLIP_NEEDLES = tuple((k, (-4,)) for k in ("father", "mother", "parents", "husband", "wife"))
_SENTENCE_STOP_RE = lazy_compile(r"[.!?;\n]")
#: a name right after one of these is an object, and a later pronoun more likely points to the subject
_OBJECT_BEFORE_RE = lazy_compile(r"(?:with|and|to|of|by|for|from|at|beside|behind|next to|than)\s+$", re.IGNORECASE)
_SWAP_GENDER = {"his": "her", "himself": "herself", "her": "his", "herself": "himself"}
#: one relative called "her father" and "his father" within a sentence
_kin_flip_re = compile_on_first_use(
    r"(?<![\w'’-])(?P<a>[Hh]er|[Hh]is) (?P<k>father|mother|parents|husband|wife)(?![\w-])[^.!?;\n]{0,200}?"
    r"(?<![\w'’-])(?P<b>(?!(?P=a)\b)(?:her|his)) (?P=k)(?![\w-])"
)


#: every literal MT304 looks up: a document with none of them has no finding
_GENDER_LITERALS = _Literals("MT304", tuple(sorted({
    lit for needles in (_FEMALE_NEEDLES, _MALE_NEEDLES, _SPOUSE_NEEDLES, _KIN_FLIP_NEEDLES) for lit, _ in needles})))


def _spouses(doc: Document) -> Iterator[re.Match[str]]:
    """``_spouse_of_re().finditer(doc.text)``: a match lies on one line, and the two characters
    before its relative ("X's wife", "X and his wife", "X and her husband") are "s " or "r "."""
    text = doc.text
    where = [q for q in _GENDER_LITERALS.needle_starts(doc, _SPOUSE_NEEDLES) if text[q - 2:q] in ("s ", "r ")]
    return _finditer_lines(_spouse_of_re(), text, where) if where else iter(())


@rule(
    code="MT304",
    triggers=_GENDER_LITERALS.triggers,  # an introduction, a spouse or a relative holds one of them
    name="pronoun-contradicts-gender",
    category="mistranslation",
    summary="A person introduced as a daughter, wife, Ms... gets 'his' (or a son, Mr... gets 'her')",
    severity="info",
    examples=(
        bad("The coach's daughter Mia Tanaka won. Later Mia Tanaka lifted [[his]] trophy."),
        bad("Her son Leo Park spoke first. Leo Park thanked [[her]] teachers."),
        bad("She held her father's arm and kissed [[his]] father's cheek."),
        good("The coach's daughter Mia Tanaka won. Later Mia Tanaka lifted her trophy."),
        good("Ms. Mia Tanaka said his client was innocent."),
        good("She held her father's arm; he kissed his father's cheek."),
    ),
)
def pronoun_contradicts_gender(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A person the document introduces as female (`daughter X`, `wife X`, `Ms. X`, `First Lady
    X`) followed in the same sentence by `his`/`himself` with nothing in between that could be
    its antecedent; or the same with a male introduction (`son X`, `Mr. X`) and `her`.

    ## Why it matters
    Chinese spoken pronouns do not mark gender, and Korean or Chinese names do not tell an
    English reader the person's sex, so machine translation often picks the wrong pronoun.
    The document itself says who is a daughter or a son; a pronoun that contradicts it is a
    mistranslation.

    ## How it decides
    Only the exact name written right after the introducing word (or before `'s wife`, `and
    his wife`, `'s husband`...) is tracked, and only when the document never introduces it the
    other way. A name right after a preposition or `and` is an object and is skipped: a later
    pronoun more likely points to the subject. The pronoun must be the first possessive or
    reflexive pronoun after the name in the sentence, with no other capitalised word, person
    noun (`father`, `leader`...), `and`/`with` (a second person) or reporting verb (`said`) in
    between.

    A second, simpler test flags `his father` after `her father` (or the reverse) in one
    sentence: the same relative seen from one person with both genders.

    ## How to fix
    Use the pronoun that matches the person (`her` for a daughter), after checking the source.
    """
    text = doc.text
    seen: set[int] = set()
    kin_at = _GENDER_LITERALS.needle_starts(doc, _KIN_FLIP_NEEDLES)
    for m in finditer_at(_kin_flip_re(), text, kin_at) if kin_at else ():
        if m.group("a").lower() == m.group("b"):
            continue
        seen.add(m.start("b"))
        yield Hit(m.start("b"), m.end("b"),
                  f"'{m.group('b')} {m.group('k')}' after '{m.group('a')} {m.group('k')}' in the same sentence: "
                  "one person's relative gets both genders", suggestion=m.group("a").lower(), confidence=0.7)
    female_at = _GENDER_LITERALS.needle_starts(doc, _FEMALE_NEEDLES)
    male_at = _GENDER_LITERALS.needle_starts(doc, _MALE_NEEDLES)
    female = {m.group("n") for m in finditer_at(_female_intro_re(), text, female_at)} if female_at else set()
    male = {m.group("n") for m in finditer_at(_male_intro_re(), text, male_at)} if male_at else set()
    for m in _spouses(doc):
        (male if m.group("s") in ("wife", "widow", "girlfriend") else female).add(m.group("n"))
    people = [(n, "female") for n in sorted(female - male)] + [(n, "male") for n in sorted(male - female)]
    for name, gender in people:
        if " " not in name and len(name) < 5:
            continue  # a lone short word is too often a surname shared by relatives
        for m in re.finditer(re.escape(name) + r"(?![\w'’-])", text):
            if _OBJECT_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()):
                continue
            stop = _SENTENCE_STOP_RE.search(text, m.end())
            end = stop.start() if stop else len(text)
            p = _POSSESSIVE_RE.search(text, m.end(), end)
            if not p or p.start() in seen or _INTERVENING_RE.search(text, m.end(), p.start()):
                continue
            word = p.group(0)
            if (gender == "female") == word.startswith("hi"):  # his/himself for a woman, her/herself for a man
                seen.add(p.start())
                yield Hit(p.start(), p.end(),
                          f"'{word}' after {name}, whom the document introduces as {gender}",
                          suggestion=_SWAP_GENDER[word], confidence=0.75)


# --------------------------------------------------------------------------- MT305 Chinese calques
#: (pattern, source expression, what English says instead). Each pattern is a word-for-word
#: rendering of a Chinese expression that English does not use in that sense
#: (``rules/data/zh_calques.txt``).
_CALQUES: tuple[tuple[str, ...], ...] = ruledata.table("zh_calques", 3)
_CALQUE_RE = lazy_compile(
    "|".join(f"(?P<c{i}>(?<![\\w-])(?:{pat})(?![\\w-]))" for i, (pat, _src, _en) in enumerate(_CALQUES)),
    re.IGNORECASE,
)
#: text that every match of each calque holds, lower-cased (the literals ``Scanner`` finds on its
#: own, such as "red" or "just", occur in most documents; these occur in almost none)
_CALQUE_LITERALS = (
    "new crown ",
    "net red", "netred", "web red", "webred", "online red", "onlinered",
    "c position", "c seat", "just-need", "just need",
    "calm pill", "reassurance pill", "settling pill", "heart pill", "mind pill",
    "hot search ", "people mountain", "add oil", "eat bitterness", "eating bitterness",
    "touch fish", "touch the fish", "touching fish", "touching the fish",
    "single dog", "a new situation", "big data kill", "face project", "old hundred ",
    "public number", "wechat public account",
)


_CALQUE_SCAN = RuleScanner(_CALQUE_RE, "MT305", _CALQUE_LITERALS)  # the regex runs only near these


@rule(
    code="MT305",
    triggers=_CALQUE_SCAN.triggers,  # every match holds one of _CALQUE_LITERALS
    name="chinese-literal-calque",
    category="mistranslation",
    summary="A word-for-word rendering of a Chinese expression (\"new crown epidemic\", \"net red\")",
    severity="warning",
    examples=(
        bad("Cases of the [[new crown virus]] fell in March."),
        bad("A popular [[net red]] promoted the noodles."),
        bad("The deal gave investors a [[reassurance pill]]."),
        good("Cases of the coronavirus fell in March."),
        good("The new crown jewels and the online red flags were discussed."),
    ),
)
def chinese_literal_calque(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """An expression that is a word-for-word rendering of a Chinese one: `new crown virus`
    (*xinguan*, COVID-19), `net red` (*wanghong*, influencer), `C position` (*C wei*, the centre
    spot), `just-needed house` (*gangxu*, first-home buyers), `reassurance pill` (*dingxinwan*,
    reassurance), `hot search list` (*resou*, trending topics), `WeChat public number`
    (*gongzhonghao*, official account) and a few more.

    ## Why it matters
    Machine translation from Chinese renders idioms and new coinages literally; an English
    reader does not understand them, or understands something else.

    ## How to fix
    Use the English expression named in the message, after checking the source.
    """
    for m in _CALQUE_SCAN.finditer(doc):
        idx = int(m.lastgroup[1:])  # type: ignore[index]
        _pat, src, english = _CALQUES[idx]
        yield Hit(m.start(), m.end(), f"'{m.group(0)}' renders the Chinese '{src}' word for word",
                  suggestion=english, confidence=0.8)


# --------------------------------------------------------------------------- GRAM200 correlative pairs
_CLAUSE_STOP = r"[^.!?;:,\"“”\n]"  # the subordinate clause ends at its first comma
_CORRELATIVE_RE = lazy_compile(
    rf"(?:(?<![\w-])(?P<first>[Aa]lthough|[Ee]ven though|[Tt]hough)|(?:^|(?<=[.!?\n] )|(?<=\n)|(?<=[\"“(]))"
    rf"(?P<first2>Because))(?![\w-]){_CLAUSE_STOP}{{3,200}}?, (?P<second>but|so)(?![\w-])",
    re.MULTILINE,
)
_PAIRS = {"although": "but", "even though": "but", "though": "but", "because": "so"}
#: every match starts with one of the openers (its look-behinds aside), found by the document's
#: one scan; the regex is tried only there (``_correlatives``)
_CORRELATIVE_TRIGGERS = literal_triggers(leading_literals(_CORRELATIVE_RE))


def _correlatives(doc: Document) -> Iterator[re.Match[str]]:
    """``_CORRELATIVE_RE.finditer(doc.text)``, the regex tried only where an opener starts (each
    attempt reads at most one clause) instead of in windows of the clause's reach around every
    opener and conjunction."""
    found = candidates(doc, "GRAM200", _CORRELATIVE_TRIGGERS)
    if found is None:
        return _CORRELATIVE_RE.finditer(doc.text)
    return finditer_at(_CORRELATIVE_RE, doc.text, [a for a, _b in found])


@rule(
    code="GRAM200",
    triggers=_CORRELATIVE_TRIGGERS,  # every finding is a match of it, starting with one
    name="doubled-correlative-conjunction",
    category="grammar",
    summary="Two conjunctions for one link: \"Although ..., but\", \"Because ..., so\"",
    severity="info",
    examples=(
        bad("[[Although the rent is low, but]] the flat is small."),
        bad("[[Because the road was closed, so]] we walked."),
        bad("The shop stayed open, [[even though it lost money, but]] the owner was proud."),
        good("Although the rent is low, the flat is small."),
        good("Because the road was closed, we walked, but so did everyone else."),
        good("Just because a brand is famous doesn't mean it is good, so compare prices."),
    ),
)
def doubled_correlative_conjunction(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A subordinate clause opened by *although*, *even though* or *though* and continued after
    its comma with *but*, or a sentence opened by *Because* and continued after the comma
    with *so*: `Although X, but Y`, `Because X, so Y`.

    ## Why it matters
    Chinese pairs its conjunctions (*suiran ... danshi*, *yinwei ... suoyi*), and a literal
    translation keeps both halves. English uses one: `Although X, Y` or `X, but Y`.

    ## What it does not flag
    The clause must end at its first comma, so `Although X, Y, but Z` is left alone; *because*
    counts only at the start of a sentence (`Just because X doesn't mean Y, so Z` is fine).
    `but also` without `not only` is left alone too: English writers use it freely.

    ## How to fix
    Drop one of the two conjunctions: `Although X, Y` or `X, but Y`.
    """
    for m in _correlatives(doc):
        opener = m.group("first") or m.group("first2")
        second = m.group("second")
        if _PAIRS[opener.lower()] != second:
            continue
        yield Hit(m.start(), m.end(), f"'{opener} ..., {second}': two conjunctions for one link",
                  suggestion=f"drop '{second}'", confidence=0.8)


#: loaded before any time limit starts (qa.warmup)
from qa.lexicons import load_frequencies as _load_frequencies  # noqa: E402

WARM_UP = (_load_frequencies,)
