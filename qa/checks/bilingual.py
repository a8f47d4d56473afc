"""SRC: source-aware checks of bilingual documents (XLIFF, PO, TMX, source/target JSON Lines).

Each rule reads ``doc.segments`` (``qa.bilingual.model``) and yields nothing on a monolingual
document. A hit points at the target span and, where one side's item is missing, at the source
span too (``Hit.source_span``, offsets into ``doc.source_text``). Examples are written as
``source ||| target`` lines.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from decimal import Decimal
from collections.abc import Iterator, Mapping

# qa.bilingual.extract (its ~40 pattern tables) is imported by the rules that compare segments,
# when they first have one: a monolingual document never loads it
from qa.lazyre import lazy_compile
from qa.bilingual.glossary import GlossaryError, load_rows  # noqa: F401 - GlossaryError: imported from here by the CLI
from qa.bilingual.model import BilingualDocument, Segment
from qa.document import Document
from qa.model import Hit, bad, good
from qa.registry import rule


def _segments(doc: Document) -> list[Segment]:
    return doc.segments if isinstance(doc, BilingualDocument) else []


def _checked(doc: Document) -> Iterator[Segment]:
    """Segments with a source and a target to compare."""
    for seg in _segments(doc):
        if seg.source.strip() and seg.target.strip():
            yield seg


def _tlang(doc: Document) -> str | None:
    return getattr(doc, "target_lang", None) or doc.lang


def _slang(doc: Document) -> str | None:
    return getattr(doc, "source_lang", None)


def _whole(seg: Segment) -> tuple[int, int]:
    t = seg.target
    a = len(t) - len(t.lstrip())
    return seg.target_start + a, seg.target_start + len(t.rstrip())


def _src(seg: Segment, a: int, b: int) -> tuple[int, int]:
    return seg.source_start + a, seg.source_start + b


# --------------------------------------------------------------------------- numbers
def _number_diff(doc: Document, seg: Segment):
    memo = doc.facts.once("src_numbers", dict)
    key = (seg.source_start, seg.target_start)
    if key not in memo:
        memo[key] = _number_diff_of(doc, seg)
    return memo[key]


def _number_diff_of(doc: Document, seg: Segment):
    from qa.bilingual import extract

    src_demand = extract.numbers(seg.source, _slang(doc), strict=True)
    src_all = extract.numbers(seg.source, _slang(doc), strict=False)
    tgt_demand = extract.numbers(seg.target, _tlang(doc), strict=True)
    tgt_all = extract.numbers(seg.target, _tlang(doc), strict=False)
    src_vals = set().union(*(v for _, _, v in src_all)) if src_all else set()
    tgt_vals = set().union(*(v for _, _, v in tgt_all)) if tgt_all else set()
    extra = [(a, b, v) for a, b, v in tgt_demand if not (v & src_vals)]
    if not any(_YEAR_RE.fullmatch(seg.source[a:b]) for a, b, _ in src_all):
        # a year the source leaves implicit (a dateline's 2020) is added, not changed
        extra = [(a, b, v) for a, b, v in extra if not _YEAR_RE.fullmatch(seg.target[a:b])]
    if extra and not _HAS_MONTH_RE.search(seg.source):
        # a month the source leaves implicit (24日 'on July 24') is added, not changed
        extra = [(a, b, v) for a, b, v in extra if not seg.target[a:b].isalpha()]
    missing = [(a, b, v) for a, b, v in src_demand if not (v & tgt_vals)]
    return extra, missing


_HAS_MONTH_RE = lazy_compile(r"月|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")


_YEAR_RE = lazy_compile(r"(?:19|20)\d\d")


def _fmt(vals) -> str:
    return "/".join(sorted(format(v, "f") for v in vals))


@rule(
    code="SRC001",
    name="number-not-in-source",
    category="mistranslation",
    summary="A number in the target that the source does not have (after converting numerals and scales)",
    severity="error",
    examples=(
        bad("价格上涨了250元。 ||| The price rose by [[520]] yuan."),
        bad("会议于2021年举行。 ||| The meeting was held in [[2012]]."),
        bad("会议下午3点开始。 ||| The meeting starts at [[4 pm]]."),
        bad("会议于2021年3月5日举行。 ||| The meeting was held on [[April]] 5, 2021."),
        good("价格上涨了250元。 ||| The price rose by 250 yuan."),
        good("约有1.5万人参加。 ||| About 15,000 people took part.", note="1.5万 is 15,000"),
        good("共有三千名观众。 ||| There were 3,000 spectators.", note="三千 is 3,000"),
        good("投资超过2亿元。 ||| Investment exceeded 200 million yuan.", note="亿 and million"),
        good("增长了百分之五十。 ||| It grew by 50%."),
        good("The total is 1,5 million. ||| Die Summe beträgt 1,5 Millionen."),
        good("会议下午3点半开始。 ||| The meeting starts at 3:30 pm.", note="times are compared as times of day"),
        good("会议下午3点半开始。 ||| The meeting starts at 15:30."),
        good("会议于2021年3月5日举行。 ||| The meeting was held on March 5, 2021."),
        good("会议于24日举行。 ||| The meeting was held on July 24.", note="a month the source leaves implicit"),
    ),
)
def number_not_in_source(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A number (Arabic digits, possibly with thousands separators, decimals, a percentage or a
    range end) appears in the target but no number of the source has its value. Source numbers
    are read with Chinese and Japanese numerals converted (`三千` = 3000, `1.5万` = 15000,
    `2亿` = 200000000) and target numbers with English scale words (`1.5 million`); separators
    are read in both conventions (`1,5` and `1.5`). Times of day are compared as times
    (`下午3点半`, `3:30 pm` and `15:30` agree; a time without am/pm may be either half of the
    day), and a month name next to a day or year (`March 5`, `5 March 2021`) counts as the
    month's number, unless the source names no month at all (`24日` rendered `July 24`).

    ## Why it matters
    A wrong number (`250` rendered `520`, a wrong year) is a Major accuracy error that reads
    fluently: nobody notices it without the source.

    ## How to fix
    Copy the number from the source, converting its units and scale words as needed.
    """
    for seg in _checked(doc):
        extra, missing = _number_diff(doc, seg)
        for a, b, v in extra:
            src_span = _src(seg, missing[0][0], missing[0][1]) if len(missing) == 1 else None
            yield Hit(seg.target_start + a, seg.target_start + b,
                      f"the number {seg.target[a:b]} is not in the source"
                      + (f" (the source has {seg.source[missing[0][0]:missing[0][1]]})" if len(missing) == 1 else ""),
                      suggestion="check the number against the source", source_span=src_span)


@rule(
    code="SRC002",
    name="number-missing-in-target",
    category="mistranslation",
    summary="A number of the source that the target does not render (in digits or in words)",
    severity="warning",
    examples=(
        bad("共有三千名观众。 ||| [[There were many spectators.]]"),
        bad("The fee is 30 euros. ||| [[Die Gebühr ist gering.]]"),
        good("共有三千名观众。 ||| There were three thousand spectators."),
        good("他一个人去了。 ||| He went alone.", note="a lone 一 is a word, not a number"),
        good("会议在3月5日举行。 ||| The meeting was held on March 5."),
        good("两国同意合作。 ||| Both countries agreed to cooperate.", note="a lone 两"),
    ),
)
def number_missing_in_target(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A number of the source (digits, or a Chinese numeral of two or more characters such as
    `三千`) has no number of equal value in the target, in digits or in words (`three thousand`,
    `March` for `3月`). Lone numerals that are parts of words (`一些`, `两国`) are not counted.

    ## Why it matters
    A dropped number is an omission: the reader loses a fact of the source.

    ## How to fix
    Render the number; when the translation rounds or converts it, say so in a note.
    """
    for seg in _checked(doc):
        extra, missing = _number_diff(doc, seg)
        missing = [m for m in missing if m[2] - {Decimal(1), Decimal(2)}]  # 1美元 'the dollar': often implicit
        if missing and not extra:
            a, b, _ = missing[0]
            names = ", ".join(seg.source[x:y] for x, y, _ in missing)
            yield Hit(*_whole(seg), f"the source number(s) {names} are not in the target",
                      suggestion="render every number of the source", source_span=_src(seg, a, b))


# --------------------------------------------------------------------------- links
@rule(
    code="SRC003",
    name="link-mismatch",
    category="mistranslation",
    summary="A URL, e-mail address, hashtag or @handle that differs between source and target",
    severity="error",
    examples=(
        bad("详情见 https://example.org/news 。 ||| See [[https://example.com/news]] for details."),
        bad("请联系 info@example.org ||| [[Please contact us.]]"),
        good("详情见 https://example.org/news 。 ||| See https://example.org/news for details."),
        good("关注 @qa_team ||| Follow @qa_team"),
        good("Write to Info@Example.org ||| Écrivez à info@example.org", note="e-mail case does not matter"),
    ),
)
def link_mismatch(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A URL, e-mail address, hashtag or @handle of the source is not in the target verbatim, or
    the target has one that the source does not (URL scheme, case of the host and a final `/`
    are ignored).

    ## Why it matters
    An altered link sends readers elsewhere; a dropped one loses the reference.

    ## How to fix
    Copy links, addresses and handles unchanged from the source.
    """
    if not _segments(doc):
        return
    from qa.bilingual import extract

    for seg in _checked(doc):
        src = extract.links(seg.source)
        tgt = extract.links(seg.target)
        skeys = Counter(k for _, _, k in src)
        tkeys = Counter(k for _, _, k in tgt)
        missing = [s for s in src if tkeys[s[2]] == 0]
        kinds = {k[0] for _, _, k in src}
        for a, b, key in tgt:
            # a link the source does not have at all may render a site's name (华声在线 -> www.voc.com.cn)
            if skeys[key] == 0 and key[0] in kinds:
                sp = _src(seg, missing[0][0], missing[0][1]) if missing else None
                yield Hit(seg.target_start + a, seg.target_start + b,
                          f"the {key[0]} {seg.target[a:b]} is not in the source",
                          suggestion=f"the source has {seg.source[missing[0][0]:missing[0][1]]}" if missing else None,
                          source_span=sp)
        if missing and not any(skeys[k] == 0 and k[0] in kinds for _, _, k in tgt):
            a, b, key = missing[0]
            yield Hit(*_whole(seg), f"the {key[0]} {seg.source[a:b]} of the source is missing",
                      suggestion="copy it into the target", source_span=_src(seg, a, b))


# --------------------------------------------------------------------------- placeholders
@rule(
    code="SRC004",
    name="placeholder-mismatch",
    category="mistranslation",
    summary="A placeholder or inline tag ({0}, %s, %(name)s, {{x}}, <b>, XLIFF codes) missing or added",
    severity="error",
    examples=(
        bad("Delete {0} files? ||| [[Dateien löschen?]]"),
        bad("Hello %(name)s ||| Bonjour [[%(nom)s]]"),
        bad("Click {x1}Save{x2} ||| Cliquez sur Enregistrer{x2}[[{x3}]]"),
        good("Delete {0} files? ||| {0} Dateien löschen?"),
        good("%s of %d ||| %s von %d"),
        good("Press <b>OK</b> ||| Drücken Sie <b>OK</b>"),
        good("100% done ||| 100 % erledigt", note="a percent sign is not a format"),
    ),
)
def placeholder_mismatch(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The placeholders and inline tags of the source and the target differ: one is missing
    from the target, or the target has one the source does not. Placeholders: `{0}`, `{name}`,
    `{{name}}`, `%s`, `%1$d`, `%(name)s`, `${name}`, HTML-like tags, and the inline codes of
    XLIFF and TMX as read (`{x1}`, `{g2}...{/g2}`). Order does not matter; count does.

    ## Why it matters
    A lost placeholder crashes string formatting or drops the value; a lost tag breaks the
    formatting of the page.

    ## How to fix
    Keep every placeholder and tag of the source, unchanged, where the target's grammar puts it.
    """
    if not _segments(doc):
        return
    from qa.bilingual import extract

    for seg in _checked(doc):
        src = extract.placeholders(seg.source)
        tgt = extract.placeholders(seg.target)
        if not src and not tgt:
            continue
        need = Counter(k for _, _, k in src)
        have = Counter(k for _, _, k in tgt)
        extra_left = have - need
        missing = need - have
        flagged = False
        for a, b, key in tgt:
            if extra_left[key] > 0:
                extra_left[key] -= 1
                flagged = True
                yield Hit(seg.target_start + a, seg.target_start + b,
                          f"{seg.target[a:b]} is not in the source"
                          + (f" (missing: {', '.join(sorted(missing))})" if missing else ""),
                          suggestion="use the source's placeholders")
        if missing and not flagged:
            first = next((a, b) for a, b, k in src if k in missing)
            yield Hit(*_whole(seg), f"missing {', '.join(sorted(missing))} of the source",
                      suggestion="keep every placeholder of the source", source_span=_src(seg, *first))


# --------------------------------------------------------------------------- untranslated
def _letters(s: str) -> int:
    return sum(map(str.isalpha, s))


@rule(
    code="SRC005",
    name="target-equals-source",
    category="language",
    summary="The target is the source copied unchanged (untranslated)",
    severity="error",
    examples=(
        bad("新华社北京电 ||| [[新华社北京电]]"),
        bad("The file could not be saved. ||| [[The file could not be saved.]]"),
        good("iPhone 12 ||| iPhone 12", note="a product name stays as it is"),
        good("OK ||| OK"),
        good("https://example.org ||| https://example.org"),
    ),
)
def target_equals_source(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The target equals the source (ignoring surrounding spaces) and the source is text: at
    least three words, or any letters of a script other than Latin (a Chinese sentence copied
    into an English target). Names, codes, numbers and links that stay as they are do not count.

    ## Why it matters
    A copied source is an untranslated segment that passes every target-only check.

    ## How to fix
    Translate the segment; if it must stay as it is, mark it so in the file (XLIFF
    `translate="no"`).
    """
    if not _segments(doc):
        return
    from qa.bilingual import extract

    for seg in _checked(doc):
        s = seg.source.strip()
        if s != seg.target.strip() or _letters(s) < 2:
            continue
        bare = extract.URL_RE.sub("", extract.EMAIL_RE.sub("", s))
        non_latin = extract.dominant_script(bare) not in (None, "Latin")
        if non_latin or len(re.findall(r"[^\W\d_]{2,}", bare)) >= 3:
            yield Hit(*_whole(seg), "the target is the source, untranslated",
                      suggestion="translate the segment", source_span=_src(seg, 0, len(seg.source)))


@rule(
    code="SRC006",
    name="source-script-in-target",
    category="language",
    summary="A run of the source's script left in a target of another script (untranslated words)",
    severity="error",
    examples=(
        bad("他在长沙工作。 ||| He works in [[长沙]]."),
        bad("这是一个测试。 ||| This is a [[测试]]."),
        good("他在长沙工作。 ||| He works in Changsha."),
        good("“福”字 ||| The character 福 (fortune)", note="a single character quoted as such"),
        good("Москва ||| Moscow"),
    ),
)
def source_script_in_target(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The source is written in a non-Latin script (Han, Kana, Hangul, Cyrillic, Arabic, ...)
    and the target is mostly in another script, yet the target holds a run of the source's
    script: two or more Han characters, or four or more letters of an alphabet.

    ## Why it matters
    Words left in the source script are untranslated content the reader cannot read.

    ## How to fix
    Translate or transliterate the words (`长沙` -> `Changsha`).
    """
    if not _segments(doc):
        return
    from qa.bilingual import extract

    for seg in _checked(doc):
        sscript = extract.dominant_script(seg.source)
        if sscript in (None, "Latin"):
            continue
        tscript = extract.dominant_script(seg.target)
        if tscript == sscript or tscript is None:
            continue
        minimum = 2 if sscript in ("Han", "Kana", "Hangul") else 4
        for m in extract.SCRIPT_RUN_RES[sscript].finditer(seg.target):
            run = m.group()
            if sum(1 for c in run if not c.isspace()) < minimum:
                continue
            found = seg.source.find(run)
            yield Hit(seg.target_start + m.start(), seg.target_start + m.end(),
                      f"{run} is in the source's script ({sscript}), untranslated",
                      suggestion="translate or transliterate it",
                      source_span=_src(seg, found, found + len(run)) if found >= 0 else None)


@rule(
    code="SRC007",
    name="empty-target",
    category="fragment",
    summary="A segment whose source has text and whose target is empty",
    severity="warning",
    examples=(
        bad("欢迎使用。 ||| [[]]"),
        good("欢迎使用。 ||| Welcome."),
        good(" ||| "),
    ),
)
def empty_target(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The source has text and the target is empty or blank. A template (`.pot`), whose targets
    are empty by design, is not checked.

    ## Why it matters
    An empty target is a missing translation: the user sees the source, or nothing.

    ## How to fix
    Translate the segment.
    """
    if getattr(doc, "format", "") == "pot":
        return
    for seg in _segments(doc):
        if seg.source.strip() and not seg.target.strip():
            yield Hit(seg.target_start, seg.target_end, "the target is empty",
                      suggestion="translate the segment", source_span=_src(seg, 0, len(seg.source)))


# --------------------------------------------------------------------------- punctuation
_CLOSERS = "\"'”’»)]）」』】》 \t"
_FINAL = {"。": ".", "．": ".", ".": ".", "！": "!", "!": "!", "？": "?", "?": "?", "：": ":", ":": ":",
          "；": ";", ";": ";", "…": "…"}


def _final(s: str) -> str:
    t = s.rstrip(_CLOSERS)
    if t.endswith("...") or t.endswith("……"):
        return "…"
    return _FINAL.get(t[-1:], "") if t else ""


@rule(
    code="SRC008",
    name="final-punctuation-mismatch",
    category="punctuation",
    summary="The source ends a sentence with a period or colon and the target ends without one (or the reverse)",
    severity="info",
    examples=(
        bad("文件已保存。 ||| The file has been saved[[]]"),
        bad("请注意： ||| Please note[[]]"),
        good("文件已保存。 ||| The file has been saved."),
        good("中新网 ||| China News"),
        good("他说：“好。” ||| He said, \"Good.\""),
    ),
)
def final_punctuation_mismatch(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The source ends with a period or colon (Chinese `。`, `：` included) and the target ends
    with a letter or digit, so the target lost its final punctuation. Closing quotes and
    brackets are looked through. The span is the empty position at the end of the target.

    ## Why it matters
    Software strings are joined and displayed as they are; a lost period or colon shows.

    ## How to fix
    End the target as the source ends.
    """
    for seg in _checked(doc):
        sf = _final(seg.source)
        if sf not in (".", ":"):
            continue
        t = seg.target.rstrip(_CLOSERS)
        if t and (t[-1].isalnum()) and _final(seg.target) == "":
            end = seg.target_start + len(t)
            yield Hit(end, end, f"the source ends with '{seg.source.rstrip(_CLOSERS)[-1]}', the target with no final punctuation",
                      suggestion=f"end with '{sf}'", source_span=_src(seg, len(seg.source.rstrip(_CLOSERS)) - 1,
                                                                      len(seg.source.rstrip(_CLOSERS))))


_ZH_QUESTION_RE = lazy_compile("能否|是否|可否|吗|呢|为什么|为何|怎么|怎样|如何|什么|谁|哪|多少|难道")


@rule(
    code="SRC009",
    name="question-exclamation-mismatch",
    category="punctuation",
    summary="The source asks a question or exclaims and the target does not (or the reverse)",
    severity="warning",
    examples=(
        bad("你去过北京吗？ ||| [[Have you been to Beijing.]]"),
        bad("Are you sure? ||| [[Êtes-vous sûr.]]"),
        good("你去过北京吗？ ||| Have you been to Beijing?"),
        good("Are you sure? ||| ¿Está seguro?"),
        good("他问我是否去过。 ||| He asked whether I had been there."),
        good("新技术能否解决难题 ||| Can the new technology solve the problem?", note="a headline asks without '？'"),
    ),
)
def question_exclamation_mismatch(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The number of question marks (`?`, `？`) or exclamation marks (`!`, `！`) is not zero on
    both sides: the source has some and the target none, or the reverse. A target that adds a
    question mark to a Chinese source holding a question word (`能否`, `吗`, `为什么`) is not
    flagged: headlines ask without one.

    ## Why it matters
    A question rendered as a statement (or the reverse) changes what the sentence does.

    ## How to fix
    Keep the sentence type of the source.
    """
    for seg in _checked(doc):
        for marks, name in (("?？", "question mark"), ("!！", "exclamation mark")):
            ns = sum(seg.source.count(c) for c in marks)
            nt = sum(seg.target.count(c) for c in marks)
            if (ns == 0) != (nt == 0):
                if nt and name == "question mark" and _ZH_QUESTION_RE.search(seg.source):
                    break  # a Chinese headline asks without a question mark (能否, 吗): the target may add one
                side = "source" if ns else "target"
                yield Hit(*_whole(seg), f"only the {side} has a {name}",
                          suggestion=f"{'add' if ns else 'check'} the {name}",
                          source_span=_src(seg, 0, len(seg.source)))
                break


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("‘", "’"), ("«", "»"), ("（", "）"), ("「", "」"),
          ("《", "》"), ("【", "】"))
#: double quotation marks of every style: paired by count, whatever their direction (a text that
#: opens with " and closes with ” or writes “...“ has its quotes in the wrong shape, not unpaired)
_DOUBLE_QUOTE_RE = lazy_compile('["“”„‟〝〞＂]')


def _balance(s: str) -> list[tuple[int, str]]:
    """Positions of unpaired brackets and quotes in ``s``: brackets by nesting, double quotes of
    any style by an odd count (the last one is named)."""
    out: list[tuple[int, str]] = []
    for op, cl in _PAIRS:
        if op not in s and cl not in s:
            continue
        stack: list[int] = []
        for i, c in enumerate(s):
            if c == op:
                stack.append(i)
            elif c == cl:
                if stack:
                    stack.pop()
                elif not (cl == "’" and i and s[i - 1].isalpha()):  # an apostrophe: don’t
                    out.append((i, c))
        if op != "‘":
            out.extend((i, op) for i in stack)
    q = [m.start() for m in _DOUBLE_QUOTE_RE.finditer(s)]
    if len(q) % 2:
        out.append((q[-1], s[q[-1]]))
    return sorted(out)


@rule(
    code="SRC010",
    name="unpaired-bracket-or-quote",
    category="punctuation",
    summary="A bracket or quotation mark left unpaired in the target when the source pairs it",
    severity="warning",
    examples=(
        bad("他说（明天见）。 ||| He said [[(]]see you tomorrow."),
        bad("“好”他说 ||| [[\"]]Good, he said"),
        good("他说（明天见）。 ||| He said (see you tomorrow)."),
        good("don't ||| don’t stop", note="an apostrophe"),
        good("第（1 ||| item (1", note="unpaired in the source too"),
        good("他说：“好。” ||| He said, \"Good.”", note="quotes of two styles, but paired"),
        good("“新的开始。” ||| “A new start.“", note="a wrong-way closing quote still closes"),
    ),
)
def unpaired_bracket_or_quote(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The target has an unpaired bracket (`(`, `[`, `{`, full-width forms) or an odd number of
    double quotation marks, and the source has all its brackets and quotes paired, so the
    imbalance comes from the translation. Double quotes of all styles (`"`, `“`, `”`, `„`) are
    counted together: a quote opened with `"` and closed with `”` is in the wrong shape, not
    unpaired.

    ## Why it matters
    An unpaired bracket or quote makes the reader lose where a quotation or aside ends.

    ## How to fix
    Close what the target opens, as the source does.
    """
    for seg in _checked(doc):
        if _balance(seg.source):
            continue
        for i, c in _balance(seg.target):
            yield Hit(seg.target_start + i, seg.target_start + i + 1,
                      f"unpaired {c} in the target (the source pairs its brackets and quotes)",
                      suggestion="close or remove it")


# --------------------------------------------------------------------------- Latin tokens
def _norm(s: str) -> str:
    return re.sub(r"[\s\-.’'&]", "", unicodedata.normalize("NFKC", s).lower())


@rule(
    code="SRC011",
    name="latin-token-missing",
    category="mistranslation",
    summary="A Latin-script name, acronym or model number of a non-Latin source missing from the target",
    severity="warning",
    examples=(
        bad("华为发布了Mate 40手机。 ||| [[Huawei released a new phone.]]"),
        bad("GDP增长了。 ||| [[The economy grew.]]"),
        good("华为发布了Mate 40手机。 ||| Huawei released the Mate 40 phone."),
        good("全长10km。 ||| It is 10 kilometres long.", note="a unit may be spelled out"),
        good("苹果的iPhone ||| Apple's IPHONE", note="case does not matter"),
    ),
)
def latin_token_missing(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The source is in a non-Latin script and holds a Latin-script token (a name such as
    `Mate`, an acronym such as `GDP`, a model number such as `A320`, `COVID-19`) that the target
    does not have, ignoring case, hyphens and spaces. Units (`km`, `kg`, `GB`) are not counted.

    ## Why it matters
    Such tokens are copied, not translated: a missing one is a dropped or changed name.

    ## How to fix
    Keep the token as it is written in the source.
    """
    if not _segments(doc):
        return
    from qa.bilingual import extract

    for seg in _checked(doc):
        if extract.dominant_script(seg.source) in (None, "Latin"):
            continue
        tnorm = _norm(seg.target)
        # APEC2020 is found as APEC and 2020: each run of letters or digits must be in the target
        missing = [(a, b, k) for a, b, k in extract.latin_tokens(seg.source)
                   if _norm(k) not in tnorm and not all(p in tnorm for p in re.findall(r"[a-z]+|\d+", _norm(k)))]
        if missing:
            a, b, _ = missing[0]
            names = ", ".join(dict.fromkeys(seg.source[x:y] for x, y, _ in missing))
            yield Hit(*_whole(seg), f"{names} of the source is not in the target",
                      suggestion="keep names, acronyms and model numbers", source_span=_src(seg, a, b))


# --------------------------------------------------------------------------- consistency
def _key(s: str) -> str:
    return " ".join(s.split()).casefold()


@rule(
    code="SRC012",
    name="inconsistent-translation",
    category="mistranslation",
    summary="One source segment translated in different ways within a file",
    severity="warning",
    examples=(
        bad("保存文件 ||| Save file\n打开 ||| Open\n保存文件 ||| [[Store the file]]"),
        good("保存文件 ||| Save file\n保存文件 ||| Save file"),
        good("确定 ||| OK\n确定 ||| Confirm", note="too short to call"),
    ),
)
def inconsistent_translation(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A source text (spaces and case aside; at least four letters) occurs again in the file
    with a different target than at its first occurrence. Plural forms and segments with
    different PO contexts are different sources.

    ## Why it matters
    Translators and reviewers expect one source to read one way: a second rendering is a slip,
    or the first one is wrong.

    ## How to fix
    Use one translation for all occurrences (or give the messages different contexts).
    """
    first: dict[tuple[str, str, int | None], Segment] = {}
    for seg in _checked(doc):
        if _letters(seg.source) < 4:
            continue
        k = (_key(seg.source), seg.context or "", seg.plural)
        prev = first.get(k)
        if prev is None:
            first[k] = seg
        elif _key(prev.target) != _key(seg.target):
            yield Hit(*_whole(seg), f"the same source was translated differently in segment {prev.id}",
                      suggestion=f"use one translation: {prev.target.strip()[:80]}", source_span=_src(seg, 0, len(seg.source)))


# --------------------------------------------------------------------------- glossary


def load_glossary(path: str, source_lang: str | None = None, target_lang: str | None = None):
    """Rows ``(source term, target terms, forbidden terms)`` of a glossary CSV or TBX file
    (``qa.bilingual.glossary``); raises ``GlossaryError``."""
    return load_rows(path, source_lang, target_lang)


def _find_term(text: str, term: str) -> int:
    """Offset of ``term`` in ``text`` (case-insensitive; whole words for Latin terms), else -1."""
    if re.search(r"[A-Za-z0-9]", term):
        m = re.search(rf"(?<![\w]){re.escape(term)}(?![\w])", text, re.I)
        return m.start() if m else -1
    return text.find(term)


def _glossary(opts: Mapping[str, object], doc: Document | None = None):
    path = opts.get("glossary")
    if not path:
        return []
    return load_glossary(str(path), _slang(doc) if doc is not None else None, _tlang(doc) if doc is not None else None)


_GLOSS_EX = os.path.join(os.path.dirname(__file__), "..", "data", "glossary_example.csv")


@rule(
    code="SRC013",
    name="glossary-term-missing",
    category="mistranslation",
    summary="A glossary source term occurs and none of its required target terms is in the target",
    severity="warning",
    options={"glossary": ""},
    examples=(
        bad("请打开设置。 ||| [[Please open the options.]]", note="with a glossary 设置 -> Settings"),
        good("请打开设置。 ||| Please open Settings."),
        good("请打开文件。 ||| Please open the file.", note="no glossary term in the source"),
    ),
)
def glossary_term_missing(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """With `--glossary FILE` (a CSV with `source`, `target` and optionally `forbidden` columns;
    several target variants separated by `|`): a segment whose source holds a glossary source
    term and whose target holds none of its target terms. Latin terms match whole words, case
    aside. Without a glossary the rule is silent (its examples run with a two-line glossary).

    ## Why it matters
    Key terms (product names, UI labels, legal terms) must read the same everywhere.

    ## How to fix
    Use the glossary's target term.
    """
    rows = _glossary(opts, doc) if opts.get("glossary") else (load_glossary(_GLOSS_EX) if getattr(doc, "format", "") == "example" else [])
    for seg in _checked(doc):
        for src, tgt, _forb in rows:
            if not src or not tgt:
                continue
            at = _find_term(seg.source, src)
            if at < 0 or any(_find_term(seg.target, t) >= 0 for t in tgt):
                continue
            yield Hit(*_whole(seg), f"the glossary says {src} -> {' | '.join(tgt)}",
                      suggestion=f"use {tgt[0]}", source_span=_src(seg, at, at + len(src)))


@rule(
    code="SRC014",
    name="glossary-forbidden-term",
    category="mistranslation",
    summary="The target uses a term the glossary forbids",
    severity="warning",
    options={"glossary": ""},
    examples=(
        bad("请打开设置。 ||| Please open the [[preferences]].", note="with a glossary that forbids 'preferences'"),
        good("请打开设置。 ||| Please open Settings."),
    ),
)
def glossary_forbidden_term(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """With `--glossary FILE`: the target holds a term of the `forbidden` column. A row with a
    source term forbids its terms only in segments whose source holds that term; a row with an
    empty source forbids them everywhere.

    ## Why it matters
    Glossaries list deprecated and competitor terms that must not appear.

    ## How to fix
    Use the glossary's target term instead.
    """
    rows = _glossary(opts, doc) if opts.get("glossary") else (load_glossary(_GLOSS_EX) if getattr(doc, "format", "") == "example" else [])
    for seg in _checked(doc):
        for src, tgt, forb in rows:
            if not forb or (src and _find_term(seg.source, src) < 0):
                continue
            for term in forb:
                for m in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", seg.target, re.I):
                    yield Hit(seg.target_start + m.start(), seg.target_start + m.end(),
                              f"the glossary forbids {m.group()}"
                              + (f" (use {tgt[0]})" if tgt else ""), suggestion=f"use {tgt[0]}" if tgt else None)


# --------------------------------------------------------------------------- length ratio
#: read once per process and path
_CALIBRATIONS: dict[str, dict] = {}


@lru_cache(maxsize=1)
def default_calibration_path() -> str:
    """``rules/bilingual/length_ratio.json`` (``qa/_packs/bilingual/`` in a wheel)."""
    from qa.ruledata import default_pack_dirs

    dirs = default_pack_dirs()
    return os.path.join(str(dirs[0]), "bilingual", "length_ratio.json") if dirs else ""


def load_calibration(path: str) -> dict:
    """The fitted length-ratio parameters per language pair (``{"pairs": {"zh-en": {...}}}``);
    an absent file is an empty calibration (SRC015 then stays silent)."""
    import json

    got = _CALIBRATIONS.get(path)
    if got is None:
        try:
            with open(path, encoding="utf-8") as fh:
                got = json.load(fh)
        except FileNotFoundError:
            got = {}
        _CALIBRATIONS[path] = got
    return got


def length_log_ratio(source: str, target: str) -> float:
    """log((target units + 1) / (source units + 1)) in ``extract.length_units``."""
    from qa.bilingual import extract

    return math.log((extract.length_units(target) + 1) / (extract.length_units(source) + 1))


def _pair(doc: Document) -> str | None:
    from qa.bilingual.model import base_lang

    s, t = base_lang(_slang(doc)), base_lang(_tlang(doc))
    return f"{s}-{t}" if s and t else None


@rule(
    code="SRC015",
    name="length-ratio-outlier",
    category="fragment",
    summary="A target far shorter or longer than its source, beyond the range fitted on reference translations of the pair",
    severity="info",
    options={"calibration": ""},
    examples=(
        bad("会议讨论了经济发展、环境保护、教育改革和医疗卫生等多个领域的合作问题。 ||| [[The meeting discussed cooperation.]]"),
        bad("他昨天来了，今天又走了。 ||| [[He came here yesterday evening together with all of his friends and colleagues from the "
            "office in town, and then he left again this morning before any of us had woken up.]]"),
        good("会议讨论了经济发展、环境保护、教育改革和医疗卫生等多个领域的合作问题。 ||| The meeting discussed "
             "cooperation in economic development, environmental protection, education reform, health care and "
             "other fields."),
        good("谢谢。 ||| Thank you very much indeed.", note="a source under ten units is not judged"),
    ),
)
def length_ratio_outlier(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The log ratio of target to source length, in units fair to both scripts (a Han, Kana or
    Hangul character counts one, and so does a word or a number of any other script), lies
    beyond the range fitted for the language pair on reference translations: below the fitted
    low quantile (the target dropped content) or above the high one (it added some). The fitted
    parameters per pair are data (`rules/bilingual/length_ratio.json`, written by
    `benchmarks/fit_length_ratio.py`); a pair without calibration is not checked, and neither is
    a source shorter than the pair's minimum (ten units for zh-en).

    ## Why it matters
    A sentence or clause left out reads fluently: only its length against the source shows it.

    ## How to fix
    Compare the target with the source and render what is missing (or remove what was added).
    """
    pair = _pair(doc)
    if pair is None:
        return
    path = str(opts.get("calibration") or default_calibration_path())
    params = (load_calibration(path).get("pairs") or {}).get(pair)
    if not params:
        return
    from qa.bilingual import extract

    low, high, minimum = float(params["low"]), float(params["high"]), int(params["min_source_units"])
    for seg in _checked(doc):
        su = extract.length_units(seg.source)
        if su < minimum:
            continue
        r = math.log((extract.length_units(seg.target) + 1) / (su + 1))
        if r < low or r > high:
            short = r < low
            yield Hit(*_whole(seg),
                      f"the target is {'much shorter' if short else 'much longer'} than the source "
                      f"(length ratio {math.exp(r):.2f}, the {pair} range is {math.exp(low):.2f}-{math.exp(high):.2f})",
                      suggestion="check for an omission" if short else "check for an addition",
                      source_span=_src(seg, 0, len(seg.source)))


# --------------------------------------------------------------------------- one target, several sources
_PUNCT_RE = lazy_compile(r"[\W_]+")


def _source_key(s: str) -> str:
    return _PUNCT_RE.sub(" ", s.casefold()).strip()


@rule(
    code="SRC016",
    name="one-target-several-sources",
    category="mistranslation",
    summary="One target text used for different source texts within a file",
    severity="info",
    examples=(
        bad("打开文件 ||| Open the file\n关闭文件 ||| Close the file\n删除文件 ||| [[Open the file]]"),
        good("打开文件 ||| Open the file\n打开文件。 ||| Open the file",
             note="the sources differ in punctuation only"),
        good("确定 ||| OK\n好 ||| OK", note="too short to call"),
        good("Open the file ||| Datei öffnen\nOpen the file ||| Datei öffnen"),
    ),
)
def one_target_several_sources(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A target text (spaces and case aside; at least four letters) occurs again in the file for
    a source that differs from the first one in more than spaces, case and punctuation. Plural
    forms of one message are not compared (a language without plurals repeats its target).

    ## Why it matters
    Two different sources rarely mean the same: one of the two targets is likely a copy left
    from a neighbouring segment, or the sources need telling apart.

    ## How to fix
    Check both segments against their sources and translate each one as it reads.
    """
    first: dict[str, Segment] = {}
    for seg in _checked(doc):
        if seg.plural is not None:
            continue
        k = _key(seg.target)
        prev = first.get(k)
        if prev is None:
            first[k] = seg
        elif _letters(seg.target) >= 4 and _source_key(prev.source) != _source_key(seg.source):
            yield Hit(*_whole(seg), f"segment {prev.id} has the same target for a different source",
                      suggestion=f"check it against its source ({prev.source.strip()[:60]} / {seg.source.strip()[:60]})",
                      source_span=_src(seg, 0, len(seg.source)))


# --------------------------------------------------------------------------- target in the source language
#: labels of the language identifier that read as the same language for this check (Chinese text
#: is often split between zh and its regional varieties)
_LANG_KIN = {"zh": ("zh", "yue", "wuu"), "yue": ("zh", "yue", "wuu"), "wuu": ("zh", "yue", "wuu"),
             "no": ("no", "nb", "nn"), "nb": ("no", "nb", "nn"), "nn": ("no", "nb", "nn")}
_KANA_RE = lazy_compile("[\u3040-\u30ff]")
_JUDGE_STRIP_RE = lazy_compile(r"\d+(?:[.,:]\d+)*")
_MIN_JUDGE_LETTERS = 30


def _judge_text(seg: Segment) -> str | None:
    """The target with links, placeholders and numbers removed, when it is long enough for language
    ID: at least 30 letters in four words, or 15 Han or Kana characters."""
    from qa.bilingual import extract

    t = seg.target
    if "://" in t or "www." in t or "@" in t:
        t = extract.URL_RE.sub(" ", extract.EMAIL_RE.sub(" ", t))
    if any(c in t for c in "{}%<$"):
        t = extract.PLACEHOLDER_RE.sub(" ", t)
    t = _JUDGE_STRIP_RE.sub(" ", t)
    letters = _letters(t)
    visible = len(t) - sum(map(str.isspace, t))
    if letters < 0.75 * visible:  # code, tables, symbols
        return None
    if extract.dominant_script(t) in ("Han", "Kana"):
        if letters < _MIN_JUDGE_LETTERS // 2:
            return None
    elif letters < _MIN_JUDGE_LETTERS or len(t.split()) < 4:
        return None
    return " ".join(t.split())


@rule(
    code="SRC017",
    name="target-in-source-language",
    category="language",
    summary="A target written in the source language (language ID), not in the target language",
    severity="warning",
    examples=(
        bad("Die Datei konnte nicht gespeichert werden, weil der Datenträger voll ist. ||| "
            "[[Die Datei wurde nicht gespeichert, da der Datenträger leider voll ist.]]"),
        bad("我们将在明天上午召开全体员工会议，讨论明年的工作计划。 ||| [[我们将于明天上午召开全体员工大会，讨论明年的计划。]]"),
        good("Die Datei konnte nicht gespeichert werden, weil der Datenträger voll ist. ||| "
             "The file could not be saved because the disk is full."),
        good("Besuchen Sie Frankfurt am Main und Baden-Baden. ||| Visit Frankfurt am Main and Baden-Baden.",
             note="names of the source language are too little text to judge"),
        good("Apple iPhone 12 Pro Max ||| Apple iPhone 12 Pro Max", note="a product name"),
    ),
)
def target_in_source_language(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The target, with links, placeholders and numbers removed, is long enough to judge (at
    least 30 letters in four words, or 15 Han or Kana characters) and the language
    identifier (`qa.language`) gives the source language probability >= 0.5 (Chinese counted
    with its regional labels `yue` and `wuu`, and with `ja` for Han text without kana) and the target language under 0.05 (a target in another script than its source is not
    read: it cannot be in the source's language). The source language is the file's, else the one the
    identifier reads in the sources. A target equal to its source is SRC005's. Pairs whose two
    languages are the same, and documents with no target language, are not checked.

    ## Why it matters
    A segment left in the source language (or pasted from the source of another segment) is
    untranslated, even when it is not a copy of its own source.

    ## How to fix
    Translate the segment into the target language.
    """
    from qa import language
    from qa.bilingual.model import base_lang

    tlang = base_lang(_tlang(doc))
    if not tlang or not _segments(doc):
        return
    from qa.bilingual import extract

    slang = base_lang(_slang(doc))
    if not slang:
        slang, p = language.detect(doc.source_text)
        if p < 0.9:
            return
    if slang == tlang:
        return
    for seg in _checked(doc):
        if seg.source.strip() == seg.target.strip():
            continue
        if extract.dominant_script(seg.target) != extract.dominant_script(seg.source):
            continue  # in another script than its source, a target cannot be in the source's language
        judge = _judge_text(seg)
        if judge is None:
            continue
        probs = language.probabilities(judge, k=5)
        kin = _LANG_KIN.get(slang, (slang,))
        if slang == "zh" and not _KANA_RE.search(judge):
            kin = (*kin, "ja")  # Han text without kana read as Japanese is Chinese
        p = sum(q for lab, q in probs if lab in kin)
        if p >= 0.5 and all(q < 0.05 for lab, q in probs if lab == tlang):
            yield Hit(*_whole(seg), f"the target reads as the source language ({slang}, p={p:.2f}), not {tlang}",
                      suggestion=f"translate it into {tlang}", source_span=_src(seg, 0, len(seg.source)))


# --------------------------------------------------------------------------- names in pinyin
#: common Chinese single-character surnames (the usual "hundred family names" list, most frequent first)
ZH_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_PINYIN_NAME_RE = lazy_compile(r"\b([A-Z][a-z]{0,5})[ -]([A-Z][a-z]{1,11})\b")


@lru_cache(maxsize=20000)
def _readings(ch: str) -> frozenset[str]:
    """Toneless pinyin readings of a Han character (all of a polyphone's), ü as u and yu."""
    from pypinyin import Style, pinyin  # imported on the first name to check (a second or so)

    out: set[str] = set()
    for p in pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")[0] if ch else ():
        p = re.sub(r"[^a-zv]", "", p.lower())
        out.add(p.replace("v", "u"))
        if "v" in p:
            out.add(p.replace("v", "yu"))
    return frozenset(out)


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def pinyin_name_mismatches(source: str, target: str) -> list[tuple[int, int, int, int]]:
    """``(target start, end, source start, end)`` of names the target writes in pinyin whose given
    name starts like the source's characters and then departs from them (林小宅 as Lin Xiaojia)."""
    out = []
    surnames = [(i, c) for i, c in enumerate(source) if c in ZH_SURNAMES]
    if not surnames:
        return out
    for m in _PINYIN_NAME_RE.finditer(target):
        sur, giv = m.group(1).lower(), m.group(2).lower()
        cands = [i for i, c in surnames if sur in _readings(c)]
        ok, bad = False, None
        for i in cands:
            c1, c2 = source[i + 1:i + 2], source[i + 2:i + 3]
            if not c1 or not _is_han(c1):
                continue
            r1 = _readings(c1)
            r2 = _readings(c2) if c2 and _is_han(c2) else frozenset()
            if giv in r1 or any(a + b == giv for a in r1 for b in r2):
                ok = True
                break
            if r2 and any(giv.startswith(a) and len(giv) > len(a) for a in r1):
                bad = (m.start(), m.end(), i, i + 3)
        if not ok and bad:
            out.append(bad)
    return out


@rule(
    code="SRC018",
    name="pinyin-name-mismatch",
    category="mistranslation",
    summary="A Chinese name written in pinyin whose given name does not read as the source's characters",
    severity="warning",
    examples=(
        bad("记者林小宅报道。 ||| Reported by [[Lin Xiaojia]]."),
        bad("张继科表示满意。 ||| [[Zhang Jilin]] said he was satisfied."),
        good("记者林小宅报道。 ||| Reported by Lin Xiaozhai."),
        good("张继科表示满意。 ||| Zhang Jike said he was satisfied."),
        good("刘德华出演新片。 ||| Andy Lau stars in a new film.", note="an established English name"),
        good("吕小明说。 ||| Lyu Xiaoming said.", note="ü written as yu"),
        good("他住在长沙。 ||| He lives in Changsha.", note="no name in pinyin"),
    ),
)
def pinyin_name_mismatch(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """The source is Chinese and the target writes a name as a pinyin surname and given name
    (`Lin Xiaojia`); the source has that surname (`林`, read `lin`) followed by two characters,
    the given name starts with the first one's reading (`xiao` for `小`) but then does not read as
    the second (`宅` is `zhai`), and no occurrence of the surname in the source reads as the
    whole name. Every reading of a polyphone counts (pypinyin); names in other romanisations
    (`Andy Lau`, `Tsang`) and names without their surname in the source are not checked.

    ## Why it matters
    A misspelt name is a Major accuracy error that reads fluently: the person becomes someone else.

    ## How to fix
    Write the given name in the pinyin of the source's characters.
    """
    if not _segments(doc):
        return
    from qa.bilingual import extract

    for seg in _checked(doc):
        if extract.dominant_script(seg.source) != "Han" or not _PINYIN_NAME_RE.search(seg.target):
            continue
        for a, b, sa, sb in pinyin_name_mismatches(seg.source, seg.target):
            name = seg.source[sa:sb]
            reading = " ".join("/".join(sorted(_readings(c))) for c in name)
            yield Hit(seg.target_start + a, seg.target_start + b,
                      f"{seg.target[a:b]} does not read as {name} ({reading})",
                      suggestion="write the name in the pinyin of the source", source_span=_src(seg, sa, sb))
