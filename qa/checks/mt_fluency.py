"""MT3xx / GRAM2xx: fluency and accuracy symptoms of machine translation visible without the source.

Machine translation of news leaves traces that a reader sees in the English alone: a transliterated
name spelt two or three different ways in one article, a phrase repeated inside one sentence
because the decoder lost its place, clauses strung together with commas the way the source
language runs them on. Each rule here looks for one such trace with a cheap, explainable test.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from functools import lru_cache

from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

from qa.document import Document
from qa.model import Hit, bad, good
from qa.registry import rule

# --------------------------------------------------------------------------- MT300 name spelling
_CAP_TOKEN_RE = re.compile(r"(?<![\w'’.-])([A-Z][a-z]{2,}(?:-[a-z]{2,})?)(?![\w-])")
#: endings that make an adjective or plural of a name, not a different spelling of it
_DERIV_SUFFIXES = frozenset("s es n an ian ean ese i ic ish ns ans ians ite ites ist ists".split())


@lru_cache(maxsize=65536)
def _rare_in_english(low: str) -> bool:
    return zipf_frequency(low, "en") < 3.0


def _name_like(tok: str, lower_words: set[str]) -> bool:
    low = tok.lower()
    return low not in lower_words and _rare_in_english(low)


def _derived(a: str, b: str) -> bool:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if long_.startswith(short) and long_[len(short):] in _DERIV_SUFFIXES:
        return True
    # "Tunisia"/"Tunisian": the common stem plus endings on both sides
    stem = short.rstrip("aeiouy")
    return len(stem) >= 4 and long_.startswith(stem) and long_[len(stem):] in _DERIV_SUFFIXES | {"ia", "ian", "a"}


def _variant_groups(doc: Document, min_similarity: float, min_len: int) -> dict[str, set[str]]:
    text = doc.text
    tokens = Counter(m.group(1) for m in _CAP_TOKEN_RE.finditer(text))
    lower_words = set(re.findall(r"(?<![\w'’-])[a-z]{3,}(?![\w-])", text))
    names = sorted(t for t in tokens if len(t) >= min_len and _name_like(t, lower_words))
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for t in names:
        by_prefix[t[:2].lower()].append(t)
    parent = {t: t for t in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for group in by_prefix.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                la, lb = a.lower(), b.lower()
                if abs(len(a) - len(b)) > 3 or _derived(a, b) or la.startswith(lb) or lb.startswith(la):
                    continue  # "Zelensky"/"Zelenskyy": one spelling extends the other
                if f"{a} {b}" in text or f"{b} {a}" in text:
                    continue  # "Osas Osaro": two parts of one name
                if sorted(la) == sorted(lb):
                    continue  # "Rukban"/"Rubkan": a typing slip, not a second transliteration
                if Levenshtein.normalized_similarity(a.lower(), b.lower()) >= min_similarity:
                    parent[find(a)] = find(b)
    clusters: dict[str, set[str]] = defaultdict(set)
    for t in names:
        clusters[find(t)].add(t)
    out: dict[str, set[str]] = {}
    for members in clusters.values():
        if len(members) > 1:
            for t in members:
                out[t] = members - {t}
    return out


@rule(
    code="MT300",
    name="name-spelled-several-ways",
    category="mistranslation",
    summary="A rare proper name spelt in two or more ways in one document (Trinh / Trung)",
    severity="warning",
    examples=(
        bad(
            "Minister Pham Van [[Trinh]] visited the port. Later Pham Van [[Trung]] met the mayor."
        ),
        good("Minister Pham Van Trinh visited the port. Later Pham Van Trinh met the mayor."),
        good("The Tunisian team flew to Tunisia on Monday."),
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
    least `min_similarity` (0.6). Plurals and adjectives of a name (`Tunisia`/`Tunisian`) are not
    variants. Names of at least `min_length` (5) letters are compared, because short romanised
    syllables (`Pham`/`Phan`) differ by one letter without being variants. Every occurrence of
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
_SURNAMES = (
    "Li Lee Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Zhu Hu Guo Lin Luo Gao Zheng Liang "
    "Xie Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu "
    "Ding Ren Shen Yao Jin Fu Zhong Cui Tan Liao Fan Xi Kong Qian Bai Lei Mao Hao Gu Meng Qin Duan "
    "Hou Shao Wan Xiong Shi Kim Park Choi Jung Kang Cho Yoon Jang Lim Seo Shin Kwon Hwang Ahn Ri "
    "Nguyen Tran Pham Hoang Phan Vu Dang Bui Ngo Duong"
).split()
#: English words that a literal translation makes of the characters of a given name
_NAME_GLOSSES = (
    "Lord Master Love Host Beauty Bright Brightness Spring Autumn Winter Snow Jade Pearl Treasure "
    "Peace Virtue Wisdom Glory Heaven Cloud Rain Golden Silver Flower Plum Orchid Lotus Happiness "
    "Joy Hero Victory Light Star Forest Wind Strong Little Friend Rising Swallow Crane Loyal Kind "
    "Gentle Brave Pure Fragrance Fortune Prosperity Harmony"
).split()
_LITERAL_NAME_RE = re.compile(
    rf"(?<![\w-])(?:{'|'.join(_SURNAMES)})(?: [A-Z][a-z]+(?:-[a-z]+)?)? (?:{'|'.join(_NAME_GLOSSES)})(?![\w-])"
)


@rule(
    code="MT301",
    name="given-name-translated-literally",
    category="mistranslation",
    summary="An East Asian family name followed by an English word as given name (\"Li Xue Master\")",
    severity="warning",
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
    (Lord, Master, Love, Spring, Jade, Peace...). Organisation or place words (Group, Dynasty,
    River) are not on the list.

    ## How to fix
    Replace the gloss with the person's romanised name, checked against a reliable source.
    """
    for m in _LITERAL_NAME_RE.finditer(doc.text):
        yield Hit(m.start(), m.end(), f"'{m.group(0)}' looks like a personal name whose given name was translated word for word",
                  suggestion="use the romanised name", confidence=0.7)


# --------------------------------------------------------------------------- MT302 self relation
_SELF_RELATION_RE = re.compile(
    r"(?<![\w-])(?:(?P<a>[A-Z][a-z]{2,})-(?P=a)|(?P<b>[A-Z][a-z]{2,}) and (?P=b)"
    r"|between (?:the )?(?P<c>[A-Za-z]{3,}) and (?:the )?(?P=c)"
    r"|(?P<d>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})['’]s (?:daughter|son|wife|husband|father|mother|brother|sister)"
    r",? (?P=d))(?![\w-])"
)


@rule(
    code="MT302",
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
    in the list below and are skipped; names joined by a space (`Walla Walla`) are not pairs.

    ## How to fix
    Check both names against the source and correct the wrong one.
    """
    text = doc.text
    for m in _SELF_RELATION_RE.finditer(text):
        word = m.group("a") or m.group("b") or m.group("c") or m.group("d")
        if word in _REDUPLICATED_NAMES:
            continue
        yield Hit(m.start(), m.end(), f"'{word}' is paired with itself: one of the two names is probably wrong",
                  suggestion="check both names", confidence=0.8)


#: real names made of a repeated word joined by a hyphen
_REDUPLICATED_NAMES = frozenset("Baden Bora Walla Wagga Pago Kuala".split())


# --------------------------------------------------------------------------- MT303 phrase twice in a row
_BACK_TO_BACK_RE = re.compile(
    r"(?<![\w'’-])(?P<p>[A-Za-z][\w'’-]*(?: [A-Za-z][\w'’-]*){1,3}),? (?P=p)(?![\w'’-])"
)


@rule(
    code="MT303",
    name="phrase-repeated-back-to-back",
    category="mistranslation",
    summary="A phrase of two to four words written twice in a row (\"the city hall, the city hall\")",
    severity="warning",
    examples=(
        bad("They toured [[the Grand Hall, the Grand Hall]] and the park."),
        bad("She said [[the old bridge the old bridge]] had been closed."),
        good("They toured the Grand Hall and the park."),
        good("Well, go on, go on, tell me."),
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
    Two-word repeats of lower-case words (`go on, go on`, `very, very`), which people write for
    emphasis; a two-word phrase is flagged only when it holds a capitalised word.

    ## How to fix
    Delete the second copy and check the sentence against the source for what is missing.
    """
    text = doc.text
    for m in _BACK_TO_BACK_RE.finditer(text):
        phrase = m.group("p")
        words = phrase.split()
        if len(words) < 3 and not any(w[:1].isupper() for w in words):
            continue
        yield Hit(m.start(), m.end(), f"'{phrase}' written twice in a row",
                  suggestion=phrase, confidence=0.8)


# --------------------------------------------------------------------------- GRAM200 correlative pairs
_CLAUSE_STOP = r"[^.!?;:,\"“”\n]"  # the subordinate clause ends at its first comma
_CORRELATIVE_RE = re.compile(
    rf"(?i)(?<![\w-])(?P<first>although|even though|though|because)(?![\w-]){_CLAUSE_STOP}{{3,200}}?"
    rf", (?P<second>but|so)(?![\w-])"
)
_BUT_ALSO_RE = re.compile(r"(?i)(?<![\w-])but also(?![\w-])")
_NOT_BEFORE_RE = re.compile(r"(?i)(?:(?<![\w-])not|n't) (?:only|just|merely|simply|solely|alone)(?![\w-])")
_PAIRS = {"although": "but", "even though": "but", "though": "but", "because": "so"}


@rule(
    code="GRAM200",
    name="doubled-correlative-conjunction",
    category="grammar",
    summary="\"Although ..., but\", \"because ..., so\", or \"but also\" with no \"not only\" before it",
    severity="warning",
    examples=(
        bad("[[Although the rent is low, but]] the flat is small."),
        bad("[[Because the road was closed, so]] we walked."),
        bad("The team lost the match, [[but also]] lost its captain."),
        good("Although the rent is low, the flat is small."),
        good("The team not only lost the match but also lost its captain."),
        good("Because the road was closed, we walked, but so did everyone else."),
    ),
)
def doubled_correlative_conjunction(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Two conjunctions doing one job: `Although X, but Y`, `Because X, so Y`, and `but also`
    in a sentence with no `not only` (or other negation) before it.

    ## Why it matters
    Chinese pairs its conjunctions (*suiran ... danshi*, *yinwei ... suoyi*, *budan ... erqie*),
    and a literal translation keeps both halves. English uses one: `Although X, Y` or `X, but Y`.
    A `but also` without `not only` is the second half of a pair whose first half was lost.

    ## How to fix
    Drop one of the two conjunctions (`Although X, Y`), or add `not only` before the first
    member of the `but also` pair.
    """
    text = doc.text
    for m in _CORRELATIVE_RE.finditer(text):
        first, second = m.group("first").lower(), m.group("second").lower()
        if _PAIRS[first] != second:
            continue
        yield Hit(m.start(), m.end(), f"'{m.group('first')} ... , {m.group('second')}': two conjunctions for one link",
                  suggestion=f"drop '{m.group('second')}'", confidence=0.8)
    for s, e in doc.sentences:
        for m in _BUT_ALSO_RE.finditer(text, s, e):
            if _NOT_BEFORE_RE.search(text, s, m.start()):
                continue
            yield Hit(m.start(), m.end(), "'but also' without 'not only' before it in the sentence",
                      suggestion="add 'not only' to the first member, or write 'and also'", confidence=0.7)
