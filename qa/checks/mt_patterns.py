"""MT306-MT311 / GRAM201: more traces of machine translation from Chinese that English alone shows.

Each rule catches a family of errors that neural translation of Chinese news makes and human
English news does not: a weapon designation translated word for word ("Mars-17 missile" for
*Hwasong-17*), a one-character country abbreviation read as an ordinary word (Macau's 澳 as
"Australia", France's 法 as "law"), a kinship pair calqued onto a name ("Kim Jong Un
father-daughter"), a stray one-word sentence left after a full stop ("... quite high. of."), one
title given to two different names that share their first parts, the dateline formula 综合报道
rendered as "(Comprehensive, 11th)", and "more and more high". Every pattern is compiled once and
starts with a literal word or a narrow character class.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import lru_cache


from qa.lazyre import lazy_compile
from qa import ruledata
from qa.document import Document
from qa.fastpath import leading_literals
from qa.scan import Triggers, literal_triggers
from qa.textfind import compile_on_first_use, find_all
from qa.lexicons import zipf_en
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule


#: a capitalised word at least this frequent is a common word, not a name
#: (``[zipf.mt_patterns]`` of ``rules/data/constants.toml``)
_COMMON_ZIPF = ruledata.constants("zipf.mt_patterns")["common_word"]


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return zipf_en(word.lower())


def _word_start(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "-'’_")


def _sentence_text(doc: Document, offset: int) -> str:
    span = doc.sentence_of(offset)
    if span is None:
        return doc.text[max(0, offset - 200): offset + 200]
    return doc.text[span[0]: span[1]]


# --------------------------------------------------------------------------- MT306 weapon names
#: literal English of a Chinese or Korean weapon designation -> the designation English news uses
_WEAPONS = {
    "Mars": "Hwasong (North Korea's 火星)",
    "East Wind": "Dongfeng / DF (China's 东风)",
    "Red Flag": "Hongqi / HQ (China's 红旗)",
    "Giant Wave": "Julang / JL (China's 巨浪)",
    "Long Sword": "Changjian / CJ (China's 长剑)",
    "North Star": "Pukguksong (North Korea's 北极星)",
    "Polar Star": "Pukguksong (North Korea's 北极星)",
}
_WEAPON_RE = lazy_compile(
    r"(?P<name>Mars|East Wind|Red Flag|Giant Wave|Long Sword|North Star|Polar Star)[- ]?\d{1,2}[A-Z]?(?![\w-])"
)


# the sentence tests below run only around a weapon name, and are compiled on first use
_military_re = compile_on_first_use(
        r"(?i)\b(?:missiles?|rockets?|ICBMs?|ballistic|launch\w*|test-?fir\w*|fired|warheads?|weapons?|"
        r"air[- ]defen[cs]e|military|army|parade|nuclear)\b"
    )


_space_re = compile_on_first_use(r"(?i)\b(?:probes?|landers?|orbiters?|rovers?|spacecraft|planet|martian|NASA|Soviet)\b")


@rule(
    code="MT306",
    triggers=literal_triggers(leading_literals(_WEAPON_RE), gate=True),  # every match starts with one
    name="weapon-name-translated",
    category="mistranslation",
    summary="A Chinese or North Korean weapon designation translated word for word (\"Mars-17 missile\")",
    severity="info",
    examples=(
        bad("Pyongyang test-fired a [[Mars-17]] missile on Friday."),
        bad("The parade showed the [[East Wind-41]] intercontinental missile."),
        good("Pyongyang test-fired a Hwasong-17 missile on Friday."),
        good("The Soviet Mars 3 probe landed on the planet in 1971."),
        good("The East Wind 5 bus leaves at noon."),
    ),
)
def weapon_name_translated(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A weapon designation whose name part was translated instead of romanised: `Mars-17
    missile` (*Hwasong-17*, 火星 = Mars), `East Wind-41` (*Dongfeng-41*, DF-41), `Red Flag-9`
    (*HQ-9*), `Giant Wave-2` (*JL-2*), `Long Sword-10` (*CJ-10*), `North Star-3` (*Pukguksong-3*).

    ## Why it matters
    English news uses the romanised designations. Machine translation from Chinese translates
    the characters, and the reader gets a missile called *Mars* that no source in English knows.

    ## What it does not flag
    The pattern needs a number right after the name and a military word in the same sentence
    (missile, rocket, launch, parade...); sentences about space probes, landers or rovers (the
    Soviet *Mars 3*) are left alone.

    ## How to fix
    Use the established designation named in the message (`Hwasong-17`, `DF-41`).
    """
    for m in _WEAPON_RE.finditer(doc.text):
        sent = _sentence_text(doc, m.start())
        if not _military_re().search(sent) or _space_re().search(sent):
            continue
        yield Hit(m.start(), m.end(), f"'{m.group(0)}' translates a weapon name word for word",
                  suggestion=_WEAPONS[m.group("name")], confidence=0.8)


# --------------------------------------------------------------------------- MT307 country abbreviations
_MACAU_RE = lazy_compile(r"Maca[uo](?![\w-])")
_AUSTRALIA_RE = lazy_compile(r"Australian?s?(?![\w-])")


#: Places and words that show a text really speaks of Australia (compiled on first use).
_real_australia_re = compile_on_first_use(
        r"\b(?:Sydney|Melbourne|Canberra|Brisbane|Adelaide|Queensland|New South Wales|Tasmania|Hobart|"
        r"Albanese|Aussies?|Australian dollars?|Oceania|Down Under)\b"
    )


_BAY_AREA_RE = lazy_compile(r"Guangdong[-, ]+Hong Kong[-, ]+(?:and )?Australia(?![\w-])")
_LAW_UNION_RE = lazy_compile(r"aw (?:trade )?unions?(?![\w-])")
_COMMON_LAW_RE = lazy_compile(r"(?:common|civil) $", re.IGNORECASE)
_LANGS = (
    "English|French|German|Spanish|Japanese|Korean|Russian|Chinese|Mandarin|Cantonese|Arabic|Italian|"
    "Portuguese|Vietnamese|Thai|Malay|Hindi|Dutch|Indonesian"
)
_MORAL_LITERALS = ("oral education", "oral Education", "orality", "irtue")


#: every finding holds one of these (an "Australia", a "law union", a "moral education"...)
_COUNTRY_TRIGGERS = literal_triggers(("Australia", "aw union", "aw trade union") + _MORAL_LITERALS, gate=True)


_langs_before_re = compile_on_first_use(rf"(?:(?:{_LANGS}),? ){{1,8}}$")


_langs_after_re = compile_on_first_use(rf"(?:,? (?:and |or )?(?:{_LANGS})){{1,8}}(?![\w-])")


@rule(
    code="MT307",
    triggers=_COUNTRY_TRIGGERS,
    name="country-abbreviation-misread",
    category="mistranslation",
    summary="A one-character Chinese country name read as another word (Macau as \"Australia\", France as \"law\")",
    severity="warning",
    examples=(
        bad("Macau hopes Hong Kong visitors will stay longer. The two cities will expand the "
            "Hong Kong-[[Australia]] travel market, officials in Macao said."),
        bad("[[Law]] unions call a new strike against the pension reform"),
        bad("Students learn English, French, [[moral education]], Japanese and Korean."),
        good("Macau hopes Hong Kong visitors will stay longer. Flights from Macao to Sydney and "
             "Australia's other cities resume in May."),
        good("Students learn English, French, moral education and maths."),
        good("Labour unions call a new strike, and the common law union of the couple was recognised."),
    ),
)
def country_abbreviation_misread(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Chinese shortens country and region names to one character, and each character is also
    an ordinary word or another country's abbreviation. Machine translation picks the wrong
    reading:

    - 澳 (*Ao*) is Macau in 港澳 (*Hong Kong and Macau*) and 粤港澳 (the Greater Bay Area) but
      also Australia: "Hong Kong-Australia travel market" in an article about Macau;
    - 法 (*Fa*) is France but also *law*: "Law unions" for *French unions*;
    - 德 (*De*) is Germany but also *virtue, morals*: "English, French, moral education,
      Japanese and Korean" for *German*.

    ## How it decides
    *Australia* is flagged in a document that names Macau (or Macao) at least twice and no
    Australian city, state or leader; "Guangdong-Hong Kong-Australia" is flagged everywhere.
    *Law union(s)* is flagged everywhere (English says *trade union*, *bar association*).
    *Moral education* (*morality*, *virtue*) is flagged inside a list of language names.

    ## What it does not flag
    Australia in texts that also speak of Sydney, Canberra and so on; moral education in a list
    of school subjects that are not all languages.

    ## How to fix
    Use the name the source meant: Macau, French, German.
    """
    text = doc.text
    macau = sum(1 for _ in zip(range(2), _MACAU_RE.finditer(text))) >= 2
    seen: set[int] = set()
    for m in _BAY_AREA_RE.finditer(text):
        a = m.end() - len("Australia")
        seen.add(a)
        yield Hit(a, m.end(), "'Guangdong, Hong Kong and Australia': 粤港澳 is Guangdong, Hong Kong and Macau",
                  suggestion="Macau", confidence=0.85)
    if macau and not _real_australia_re().search(text):
        for m in _AUSTRALIA_RE.finditer(text):
            if m.start() in seen:
                continue
            yield Hit(m.start(), m.end(),
                      f"'{m.group(0)}' in an article about Macau: 澳 (Ao) abbreviates Macau as well as Australia",
                      suggestion="Macau", confidence=0.7)
    for m in _LAW_UNION_RE.finditer(text):
        a = m.start() - 1
        if a < 0 or text[a] not in "Ll" or not _word_start(text, a):
            continue
        if _COMMON_LAW_RE.search(text, max(0, a - 8), a):
            continue  # "a common law union": a marriage-like partnership
        yield Hit(a, a + 3, f"'{text[a:m.end()]}': 法 (Fa) abbreviates France as well as 'law'",
                  suggestion="French", confidence=0.75)
    for lit in _MORAL_LITERALS:
        for i in find_all(text, lit):
            a, end = i - 1, i + len(lit)
            if a < 0 or text[a] not in ("Vv" if lit == "irtue" else "Mm") or not _word_start(text, a):
                continue
            if not (_langs_before_re().search(text, max(0, a - 120), a) and _langs_after_re().match(text, end)):
                continue
            odd = text[a:end]
            yield Hit(a, end, f"'{odd}' in a list of languages: 德 (De) abbreviates German as well as 'virtue'",
                      suggestion="German", confidence=0.8)


# --------------------------------------------------------------------------- MT308 kinship pair calque
_KIN_PAIR_RE = lazy_compile(r"(?:father|mother)(?:-| and )(?:daughter|son)(?![\w-])|husband and wife(?![\w-])")
_KIN_LITERALS = ("father", "mother", "husband and wife")


_name_before_re = compile_on_first_use(
        r"(?:^|(?<=[\s\"“(]))(?P<name>[A-Z][\w-]{0,24}(?:['’][A-Z][\w-]{0,24})?(?: [A-Z][\w-]{0,24}(?:['’][A-Z][\w-]{0,24})?){0,2})(?P<poss>['’]s)? $"
    )


_det_before_re = compile_on_first_use(r"(?i)\b(?:the|a|an|this|that|these|their|his|her|its|our|famous|proud)\s+$")


_NOT_NAMES = ruledata.tagged("word_classes", "not_name")


@rule(
    code="MT308",
    triggers=literal_triggers(_KIN_LITERALS, gate=True),  # every match starts with one
    name="kinship-pair-calque",
    category="mistranslation",
    summary="A Chinese kinship pair calqued onto a name (\"Kim Jong Un father-daughter\", \"X's father and daughter\")",
    severity="info",
    examples=(
        bad("[[Ri Chol Ho father-daughter]] visit thrills crowds"),
        bad("[[Zhang Wenhua's father and son]] opened a noodle shop."),
        good("The father-daughter duo opened a noodle shop."),
        good("Zhang Wenhua and his daughter opened a noodle shop."),
        good("Proud father-son teams took part."),
    ),
)
def kinship_pair_calque(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A name followed by a kinship pair: `Kim Jong Un father-daughter interaction`, `Kim
    Jong-un's father and daughter interact`, `Li Ming's husband and wife`.

    ## Why it matters
    Chinese writes *金正恩父女* (Kim Jong Un + father-daughter) for *Kim Jong Un and his
    daughter*. Rendered word for word, the name seems to own a father and a daughter, so the
    reader meets two people who are not there (Kim Jong Un's father) and loses the one who is.

    ## What it does not flag
    The pair used as an ordinary modifier after an article or possessive (`the father-daughter
    duo`, `their mother-son bond`), or after a capitalised common word (`Proud father-son
    teams`): a one-word name must be rare in English to count as a name.

    ## How to fix
    Name both people: `Kim Jong Un and his daughter`.
    """
    text = doc.text
    starts = sorted({i for lit in _KIN_LITERALS for i in find_all(text, lit)})
    for i in starts:
        m = _KIN_PAIR_RE.match(text, i)
        if not m:
            continue
        head = text[max(0, m.start() - 60): m.start()]
        nm = _name_before_re().search(head)
        if not nm:
            continue
        name = nm.group("name")
        tokens = name.split()
        if tokens[0] in _NOT_NAMES:
            continue
        if len(tokens) == 1 and _zipf(tokens[0]) >= _COMMON_ZIPF:
            continue  # a capitalised common word, not a name
        pair = m.group(0)
        if not nm.group("poss") and "-" not in pair:
            continue  # "Kim father and daughter": too rare to judge; the hyphenated pair is the calque
        if not nm.group("poss") and _det_before_re().search(head, 0, len(head) - len(nm.group(0))):
            continue  # "the Bush father-son presidencies": an ordinary modifier
        a = m.start() - len(head) + nm.start("name")
        yield Hit(a, m.end(), f"'{text[a:m.end()]}' renders a Chinese kinship pair word for word",
                  suggestion=f"{name} and his/her {pair.split('-')[-1].split()[-1]}", confidence=0.7)


# --------------------------------------------------------------------------- MT309 stray word sentence
_STRAY_RE = lazy_compile(r"(?m)[.!?] (?P<w>[a-z]{2,})[.!?](?=[ \t]+[A-Z\"“]|[ \t]*$)")
#: every match is one of these, less its look-ahead (a regex gate: few documents hold one)
_STRAY_TRIGGERS = Triggers(patterns=((r"[.!?] [a-z]{2,}[.!?]", 0),))
_ABBREV_WORDS = ruledata.tagged("word_classes", "abbreviation_word")


@rule(
    code="MT309",
    triggers=_STRAY_TRIGGERS,
    name="stray-word-sentence",
    category="fragment",
    summary="A single lower-case word standing as a sentence after a full stop (\"... quite high. of.\")",
    severity="warning",
    examples=(
        bad("Prices rose in every district of the city. [[of.]] Buyers were worried."),
        bad("Attendance at the rallies has gradually increased. [[reduce.]]"),
        good("Bring pens, paper, glue, etc. Lessons start at nine."),
        good("The study by Lee et al. was published in May."),
        good("It rose by 5 p.m. yesterday."),
    ),
)
def stray_word_sentence(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A lower-case word alone between a full stop and the next sentence or the end of the
    line: `... the threshold is still quite high. of.`, `... has gradually increased. reduce.`

    ## Why it matters
    Machine translation sometimes closes a sentence early and emits the last source word (a
    particle, a verb that belonged elsewhere) on its own. The word is either lost meaning (the
    turnout *decreased*, not increased) or noise; a reader cannot tell which.

    ## What it does not flag
    Abbreviations (`etc.`, `et al.`, `p.m.`), words after an abbreviation, and capitalised
    one-word sentences (`Yes.`, `Enough.`), which writers use on purpose.

    ## How to fix
    Check the source: fold the word into the sentence where it belongs, or delete it.
    """
    text = doc.text
    for m in _STRAY_RE.finditer(text):
        w = m.group("w")
        if w in _ABBREV_WORDS:
            continue
        p = m.start()
        prev = text[max(0, p - 4): p]
        if not prev[-3:].isalpha() or not prev[-3:].islower():
            continue  # "p.m. yesterday", "U.S. officials": an abbreviation ends before
        if text[max(0, p - 6): p].split(" ")[-1].lower() in _ABBREV_WORDS:
            continue
        yield Hit(m.start("w"), m.end(), f"'{w}.' stands alone as a sentence: a word left over from the translation",
                  suggestion="fold the word into the sentence it belongs to, or delete it", confidence=0.75)


# --------------------------------------------------------------------------- MT310 title with two names
#: titles that one person holds at a time in a country or organisation: two different holders
#: sharing the first two parts of their name in one article are unlikely
_TITLE_LITERALS = ("Prime Minister", "President", "Premier", "First Lady", "first lady", "First lady",
                   "Secretary of State", "Foreign Minister", "Chancellor", "Secretary-General")


#: The three-part name after a title (compiled on first use: most texts hold no title).
_three_name_re = compile_on_first_use(r",? (?P<a>[A-Z][a-z]+) (?P<b>[A-Z][a-z]+) (?P<c>[A-Z][a-z]{2,})(?![\w'’-])")


_CALENDAR = ruledata.tagged("word_classes", "calendar_name")


@rule(
    code="MT310",
    triggers=literal_triggers(_TITLE_LITERALS, gate=True),  # every finding follows one
    name="one-title-two-names",
    category="mistranslation",
    summary="One title introduces names that share their first two parts but end differently",
    severity="info",
    examples=(
        bad("Prime Minister Dao Van [[Tri]] arrived on Monday. Later Prime Minister Dao Van "
            "[[Duong]] met students."),
        good("Prime Minister Dao Van Tri arrived on Monday. Later Prime Minister Dao Van Tri met students."),
        good("Prime Minister Dao Van Tri met Prime Minister Le Van Duong on Monday."),
    ),
)
def one_title_two_names(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The same title (`Prime Minister`, `President`, `First Lady`...) followed in one document
    by three-part names that agree in their first two parts and differ in the last one:
    `Prime Minister Van Minh Tri` ... `Prime Minister Van Minh Duong`.

    ## Why it matters
    Machine translation transliterates Vietnamese, Chinese and Korean names sentence by sentence
    and often gets only the last syllable different each time. A news article gives its prime
    minister one name. Unlike MT300 this also catches short last syllables (`Tri`), because the
    shared title and the shared first parts make the match safe.

    ## What it does not flag
    Titles that many people hold at once (minister, general, mayor, ambassador), names that
    differ in their first parts (two presidents meet often in news), last parts of one or two letters (`Kim Jong Un` / `Kim Jong Il`), weekdays and months,
    and common English words after the name.

    ## How to fix
    Check the person's name against the source or a reliable reference and use it throughout.
    """
    text = doc.text
    groups: dict[tuple[str, str, str], dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for title in _TITLE_LITERALS:
        for i in find_all(text, title):
            if not _word_start(text, i):
                continue
            m = _three_name_re().match(text, i + len(title))
            if not m:
                continue
            c = m.group("c")
            if c in _CALENDAR or _zipf(c) >= _COMMON_ZIPF:
                continue
            key = ("vice president" if text[max(0, i - 5):i] == "Vice " else title.lower(), m.group("a"), m.group("b"))
            groups[key][c].append(m.span("c"))
    for (_title, a, b), ends in groups.items():
        if len(ends) < 2:
            continue
        names = sorted(ends)
        for c, spans in sorted(ends.items()):
            spans = sorted(set(spans))
            others = [o for o in names if o != c and not o.startswith(c) and not c.startswith(o)]
            if not others:
                continue
            alt = ", ".join(f"'{a} {b} {o}'" for o in others)
            for s, e in spans:
                yield Hit(s, e, f"'{a} {b} {c}' has the same title as {alt} in this document: "
                                "one person, several transliterations?",
                          suggestion="use one checked spelling throughout", confidence=0.7)


# --------------------------------------------------------------------------- MT311 dateline formula
# (both run only where "Comprehensive" is written, and are compiled on first use)
_comp_paren_re = compile_on_first_use(r"Comprehensive(?:,[^()\n]{1,30})?\)")


_comp_reports_re = compile_on_first_use(r"Comprehensive [^,.\n]{3,60}? (?:and other|etc\.?) reports?(?![\w-])")


@rule(
    code="MT311",
    triggers=literal_triggers(("Comprehensive",), gate=True),  # every finding starts with it
    name="comprehensive-report-calque",
    category="mistranslation",
    summary="The Chinese dateline formula 综合报道 rendered as \"(Comprehensive, 11th)\" or \"Comprehensive X and other reports\"",
    severity="info",
    examples=(
        bad("[[(Comprehensive, 9th)]] Seoul said the talks would resume."),
        bad("[[Comprehensive Yonhap and other reports]], the talks will resume."),
        good("A comprehensive report on the talks was published on the 9th."),
        good("(Compiled from wire reports) Seoul said the talks would resume."),
    ),
)
def comprehensive_report_calque(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Chinese news opens compiled stories with 综合报道 (*zonghe baodao*, "compiled report") or
    综合 X 等报道 ("compiled from X and other reports"). Machine translation renders it as
    `(Comprehensive, 11th)` or `Comprehensive South Korea "North Korea News" and other reports, ...`.

    ## Why it matters
    *Comprehensive* is not a dateline in English; the reader takes it for an adjective without
    a noun, and the sentence that follows looks broken.

    ## What it does not flag
    *comprehensive report* used as an ordinary noun phrase, and the parenthesised form when
    *report* follows (`(Comprehensive report on the 11th)` reads as a dateline, if a clumsy one).

    ## How to fix
    Write `(Compiled from reports)` or `According to X and other reports, ...`.
    """
    text = doc.text
    for i in find_all(text, "Comprehensive"):
        if i > 0 and text[i - 1] == "(":
            m = _comp_paren_re().match(text, i)
            a = i - 1
        else:
            m = _comp_reports_re().match(text, i) if _word_start(text, i) else None
            a = i
        if not m:
            continue
        yield Hit(a, m.end(), f"'{text[a:m.end()]}' renders the Chinese dateline 综合报道 word for word",
                  suggestion="compiled from reports / according to ... reports", confidence=0.75)


# --------------------------------------------------------------------------- GRAM201 more + plain adjective
_SHORT_ADJ = (
    "high|low|big|small|large|fast|slow|cheap|strong|weak|rich|poor|young|old|long|short|tall|deep|"
    "wide|hard|hot|cold|great|tight|busy|heavy|near|late|early|quick|loud|bright|dark|thick|thin|"
    "warm|cool|soft|few"
)
_MORE_PLAIN_RE = lazy_compile(
    rf"(?P<more>[Mm]ore and more|[Mm]ore) (?P<adj>{_SHORT_ADJ})"
    r"(?=[.,;:!?]| (?:than|for|in|at|to|as|now|every|each|with|from|because|since)\b)"
)
_COMPARATIVE = {"big": "bigger", "hot": "hotter", "fat": "fatter", "thin": "thinner", "few": "fewer",
                "busy": "busier", "heavy": "heavier", "early": "earlier", "wide": "wider", "late": "later",
                "large": "larger", "near": "nearer", "loose": "looser"}


def _comparative(adj: str) -> str:
    return _COMPARATIVE.get(adj) or (adj + "r" if adj.endswith("e") else adj + "er")


@rule(
    code="GRAM201",
    triggers=literal_triggers(leading_literals(_MORE_PLAIN_RE), gate=True),  # every match starts with one
    name="more-with-short-adjective",
    category="grammar",
    summary="\"more\" or \"more and more\" before a short adjective that takes -er (\"more and more high\")",
    severity="info",
    fixable=True,
    examples=(
        bad("The risk has become [[more and more high]] for years.",
            fixed="The risk has become higher and higher for years."),
        bad("Rents here are [[more cheap]] than in the capital.",
            fixed="Rents here are cheaper than in the capital."),
        good("More and more young people move to the city."),
        good("The risk has become higher and higher."),
        good("They need more small and medium firms."),
    ),
)
def more_with_short_adjective(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """`more` or `more and more` before a one-syllable adjective whose comparative takes *-er*:
    `more and more high`, `more cheap than`, `more big,`.

    ## Why it matters
    English forms these comparatives with *-er* (`higher and higher`, `cheaper than`). The
    analytic form is a calque of languages that mark every comparative with a separate word
    (Chinese 越来越高, *yuelaiyue gao*), common in machine translation.

    ## What it does not flag
    `more` as a quantifier before a noun phrase (`more and more young people`, `more small
    firms`): the adjective must be followed by punctuation, *than* or a preposition. `more
    better` (a doubled comparative) is GRAM007.

    ## How to fix
    Use the *-er* form: `higher and higher`, `cheaper than`. The fix is unsafe because the
    sentence may need more rewording.
    """
    for m in _MORE_PLAIN_RE.finditer(doc.text):
        adj = m.group("adj")
        comp = _comparative(adj)
        repl = f"{comp} and {comp}" if "and" in m.group("more") else comp
        if m.group("more")[0].isupper():
            repl = repl[0].upper() + repl[1:]
        yield Hit(m.start(), m.end(), f"'{m.group(0)}': '{adj}' forms its comparative with -er ('{comp}')",
                  suggestion=repl,
                  fix=Fix((Edit(m.start(), m.end(), repl),), Applicability.UNSAFE, f"Replace with '{repl}'"))


#: loaded before any time limit starts (qa.warmup)
from qa.lexicons import load_frequencies as _load_frequencies  # noqa: E402

WARM_UP = (_load_frequencies,)
