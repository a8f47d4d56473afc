"""What source-aware checks compare: numbers (with Chinese/Japanese numerals and English number
words converted to values), URLs, e-mail addresses, hashtags, handles, placeholders, inline tags
and Latin-script tokens. Every extractor returns ``(start, end, key)`` triples, offsets relative
to the string it was given."""

from __future__ import annotations

import re
from functools import lru_cache
from decimal import Decimal, InvalidOperation

Item = tuple[int, int, object]

# --------------------------------------------------------------------------- numbers
_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "兩": 2, "三": 3, "叁": 3,
              "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
              "九": 9, "玖": 9}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "兆": 10**12}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL) + "".join(_CN_BIG)

#: an Arabic number: thousands groups with , . space or no-break space, an optional decimal part
_ARABIC = r"\d{1,3}(?:(?:,|\.|\u00a0|\u202f| (?=\d{3}(?!\d)))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
#: a number followed by a Chinese multiplier (1.5万, 3亿, 20万亿)
_ARABIC_CN_RE = re.compile(rf"(?<![A-Za-z0-9_])(?<!\d[.,])({_ARABIC})\s*([万萬亿億千百]+)")
_ARABIC_RE = re.compile(rf"(?<![A-Za-z0-9_])(?<!\d[.,])(?<![A-Za-z]-)(?:{_ARABIC})(?!\d)")
#: digits glued to Latin letters (APEC2020, A320): answer a number of the other side, never asked for
_GLUED_RE = re.compile(r"(?<=[A-Za-z])\d+|(?<=[A-Za-z]-)\d+")
_CN_RUN_RE = re.compile(f"[{_CN_CHARS}]+")

_EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
             "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
             "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
             "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "twice": 2, "once": 1, "dozen": 12, "half": Decimal("0.5"), "single": 1,
             "double": 2, "triple": 3, "couple": 2, "both": 2, "pair": 2, "quarter": Decimal("0.25")}
_EN_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
              "k": 10**3, "m": 10**6, "bn": 10**9, "mn": 10**6}
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_SCALE_WORDS = "hundred|thousand|million|billion|trillion"
_EN_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
#: seventy-four, twenty one: a compound read as one number
_EN_COMPOUND_RE = re.compile(rf"\b({_EN_TENS})[ -](one|two|three|four|five|six|seven|eight|nine)\b", re.I)
_EN_NUMBER_WORDS_RE = re.compile(
    r"\b(?:(?:" + "|".join(sorted(set(_EN_UNITS) | set(_MONTHS), key=len, reverse=True)) + r")(?:[ -](?:"
    + _SCALE_WORDS + r"))*|(?:hundreds|thousands|millions|billions|dozens))\b", re.I)
_EN_SCALED_RE = re.compile(rf"(?<![A-Za-z0-9_])(?<!\d[.,])({_ARABIC})[ \u00a0-]?(hundred|thousand|million|billion|trillion|bn|mn|k|m)\b", re.I)

COMMA_DECIMAL_LANGS = frozenset("de fr es it pt nl pl ru uk cs sk sl hr sr bg ro hu da sv nb nn no fi et lv lt tr id vi el".split())


def _values(token: str, comma_decimal: bool) -> frozenset[Decimal]:
    """The values an Arabic number token may mean (both readings when the separator is ambiguous)."""
    t = token.replace("\u00a0", " ").replace("\u202f", " ")
    out: set[Decimal] = set()
    readings = []
    if re.fullmatch(r"\d{1,3}(?:[ ,.]\d{3})+", t):
        readings.append(re.sub(r"[ ,.]", "", t))  # thousands groups
        # 1.500 (English) or 1,500 (German): that locale reads a decimal
        if (t.count(".") == 1 and "," not in t and not comma_decimal) or (t.count(",") == 1 and "." not in t and comma_decimal):
            readings.append(t.replace(",", "."))
    elif re.fullmatch(r"\d{1,3}(?:[ ,.]\d{3})+[.,]\d+", t):
        readings.append(re.sub(r"[ ,.]", "", t[:-len(re.search(r"[.,]\d+$", t).group())]) + "." + re.search(r"\d+$", t).group())
    elif "," in t or "." in t:
        if comma_decimal or "," not in t:
            readings.append(t.replace(",", "."))
        else:
            readings.append(t.replace(",", "."))
    else:
        readings.append(t)
    for r in readings:
        try:
            out.add(Decimal(r).normalize())
        except InvalidOperation:
            pass
    return frozenset(out)


def cn_numeral_value(s: str) -> int | None:
    """The value of a run of Chinese numerals (三千, 十五, 两百万, 二〇二一), or ``None``."""
    if not s:
        return None
    if all(c in _CN_DIGITS for c in s):  # digit by digit: 二〇二一 = 2021
        if len(s) == 1:
            return _CN_DIGITS[s]
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total = section = digit = 0
    seen = False
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
            seen = True
        elif c in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[c]
            digit = 0
            seen = True
        elif c in _CN_BIG:
            section += digit
            total = (total + section) * _CN_BIG[c] if total and _CN_BIG[c] > 10**4 else total + section * _CN_BIG[c]
            section = digit = 0
            seen = True
        else:
            return None
    return total + section + digit if seen else None


def _scale_cn(mult: str) -> int:
    v = 1
    for c in mult:
        v *= _CN_SMALL.get(c) or _CN_BIG.get(c) or 1
    return v


# --------------------------------------------------------------------------- times and dates
#: a time of day is compared as minutes after midnight: ("time", 930) for 15:30, 3:30 pm, 下午3点半
_AMPM = r"(?:([ap])(?:\.\s?m\.|m\b))"
_EN_COLON_TIME_RE = re.compile(r"(?<![\d:.,])([01]?\d|2[0-4])\s?[:：]\s?([0-5]\d)(?![\d:])(?:\s?" + _AMPM + ")?", re.I)
_EN_DOT_TIME_RE = re.compile(r"(?<![\d:.,])(1[0-2]|0?[1-9])\.([0-5]\d)\s?" + _AMPM, re.I)  # 3.30 pm
_EN_HOUR_TIME_RE = re.compile(r"(?<![\d:.,])(1[0-2]|0?[1-9])\s?" + _AMPM, re.I)  # 3 pm
_ZH_PERIODS = {"凌晨": 0, "早上": 0, "早晨": 0, "清晨": 0, "上午": 0, "早": 0, "中午": 1, "午间": 1, "下午": 2,
               "傍晚": 2, "晚上": 2, "晚间": 2, "夜间": 2, "夜里": 2, "晚": 2, "夜": 2}
_ZH_NUM = "零〇一二两三四五六七八九十"
#: (white space only after a period word: a run of blanks before a bare number is not tried
#: once per blank, which made the search quadratic)
_ZH_TIME_RE = re.compile(
    "(?:(" + "|".join(sorted(_ZH_PERIODS, key=len, reverse=True)) + r")\s*)?(?<![\d.," + _ZH_NUM + r"])(\d{1,2}|[" + _ZH_NUM + r"]{1,3})\s*[点點时時]"
    r"(?:\s*(\d{1,2}|[" + _ZH_NUM + r"]{1,3})\s*分|\s*(半)|\s*(钟|鐘|整))?")
#: an English month name next to a day or a year (March 5, 5 March, 5th of March, March 2021):
#: then the month is a number of the date to match, not a word that may answer one
_MONTH_NAMES = ("January|February|March|April|May|June|July|August|September|October|November|December"
                "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_EN_DATE_MONTH_RE = re.compile(
    rf"\b({_MONTH_NAMES})\b\.?(?=\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\s+\d{{4}}\b)"
    rf"|(?<=\d)(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})\b")


def _zh_int(s: str) -> int | None:
    return int(s) if s.isdigit() else cn_numeral_value(s)


def _clock(h: int, m: int, period: int | None) -> set[int]:
    """Minutes after midnight for hour ``h``: ``period`` 0 morning, 1 noon, 2 afternoon/evening,
    ``None`` unknown (1-12 may be either half of the day)."""
    if period == 2 and h < 12:
        h += 12
    elif period == 1 and h < 11:
        h += 12
    elif period == 0 and h == 12:
        h = 0
    out = {(h * 60 + m) % 1440}
    if period is None and 1 <= h <= 12:
        out.add(((h + 12) * 60 + m) % 1440)
    return out


def times(text: str) -> list[tuple[int, int, frozenset]]:
    """Times of day in ``text``: ``(start, end, values)`` with values ``("time", minutes)`` (both
    halves of the day when the text does not say which), and the written hour as a plain number
    when the time is on the hour (``3 pm`` answers ``at 3``). A colon time without am/pm also
    keeps its two numbers (``3:10`` may be a score)."""
    out: list[tuple[int, int, frozenset]] = []
    taken: list[tuple[int, int]] = []

    def add(a: int, b: int, vals: set) -> None:
        if all(b <= x or a >= y for x, y in taken):
            out.append((a, b, frozenset(vals)))
            taken.append((a, b))

    if ":" in text or "：" in text:
        for m in _EN_COLON_TIME_RE.finditer(text):
            h, mi = int(m.group(1)), int(m.group(2))
            ap = m.group(3)
            if ap and not 1 <= h <= 12:
                continue
            period = None if not ap else (0 if ap.lower() == "a" else 2)
            vals: set = {("time", v) for v in _clock(h, mi, period if ap else (None if h <= 12 else 0))}
            if not ap:
                vals |= {Decimal(h)} | ({Decimal(mi)} if mi else set())
            elif mi == 0:
                vals.add(Decimal(h))
            add(m.start(), m.end(), vals)
    if "m" in text or "M" in text:
        for rx in (_EN_DOT_TIME_RE, _EN_HOUR_TIME_RE):
            for m in rx.finditer(text):
                h = int(m.group(1))
                mi = int(m.group(2)) if rx is _EN_DOT_TIME_RE else 0
                period = 0 if m.group(m.lastindex).lower() == "a" else 2
                vals = {("time", v) for v in _clock(h, mi, period)}
                if mi == 0:
                    vals.add(Decimal(h))
                add(m.start(), m.end(), vals)
    if any(c in text for c in "点點时時"):
        for m in _ZH_TIME_RE.finditer(text):
            prefix, hs, ms, half, clock = m.groups()
            if not hs.isdigit() and not (prefix or ms or half or clock):
                continue  # 一点 'a little', 三点建议 'three points': a Chinese numeral needs a time word
            if hs.isdigit() and not (prefix or ms or half or clock) and m.end() < len(text) and text[m.end()] in "多几":
                continue  # 3点多 'after three': vague, left to the numbers
            h = _zh_int(hs)
            mi = 30 if half else (_zh_int(ms) if ms else 0)
            if h is None or mi is None or h > 24 or mi > 59:
                continue
            period = _ZH_PERIODS.get(prefix) if prefix else (None if h <= 12 else 0)
            vals = {("time", v) for v in _clock(h, mi, period)}
            if mi == 0:
                vals.add(Decimal(h))
            a = m.start(2) if prefix else m.start()
            add(a, m.end(), vals)
    out.sort(key=lambda t: t[0])
    return out


def date_months(text: str) -> list[tuple[int, int, frozenset]]:
    """English month names that are part of a date, each with its month number."""
    out = []
    for m in _EN_DATE_MONTH_RE.finditer(text):
        g = 1 if m.group(1) else 2
        name = m.group(g).lower()
        out.append((m.start(g), m.end(g), frozenset({Decimal(_MONTHS[name])})))
    return out


# --------------------------------------------------------------------------- length
_CJK_CHAR = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_LENGTH_UNIT_RE = re.compile(rf"[{_CJK_CHAR}]|[^\W_{_CJK_CHAR}]+(?:['’.,-][^\W_{_CJK_CHAR}]+)*")


def length_units(text: str) -> int:
    """Length in units fair to both scripts of a pair: a Han, Kana or Hangul character counts one,
    and so does a word or number of any other script (``1,500``, ``don't``, ``COVID-19``)."""
    return len(_LENGTH_UNIT_RE.findall(text))


def numbers(text: str, lang: str | None, *, strict: bool) -> list[tuple[int, int, frozenset[Decimal]]]:
    if "{" in text or "%" in text or "<" in text or "$" in text:
        text = PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text)  # {0}, %1$s, {x2}: not numbers
    if "://" in text or "www." in text:
        text = URL_RE.sub(lambda m: " " * len(m.group()), text)
    return _numbers(text, lang, strict=strict)


def _numbers(text: str, lang: str | None, *, strict: bool) -> list[tuple[int, int, frozenset[Decimal]]]:
    """Numbers in ``text``, each with the set of values it may mean.

    ``strict`` keeps only what must be matched on the other side: Arabic numbers, and Chinese
    numerals of two or more characters or with a multiplier (``三千``, ``十五``); a lone ``一``
    or ``三`` (``一些``, ``三方``) and English number words are kept only when not strict (they
    may answer a number of the other side)."""
    comma_decimal = (lang or "").split("-")[0].lower() in COMMA_DECIMAL_LANGS
    out: list[tuple[int, int, frozenset[Decimal]]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for a, b, vals in times(text):  # 15:30, 3 pm, 下午3点半: minutes after midnight
        out.append((a, b, vals))
        taken.append((a, b))
    if strict:
        for a, b, vals in date_months(text):  # March in 'March 5' must be matched, like 3月
            out.append((a, b, vals))
            taken.append((a, b))

    for m in _ARABIC_CN_RE.finditer(text):
        if not free(*m.span()):
            continue
        base = _values(m.group(1), comma_decimal)
        scale = _scale_cn(m.group(2))
        vals = frozenset((v * scale).normalize() for v in base)
        out.append((m.start(), m.end(), vals))
        taken.append(m.span())
    for m in _EN_SCALED_RE.finditer(text):
        if not free(*m.span()):
            continue
        base = _values(m.group(1), comma_decimal)
        scale = _EN_SCALES[m.group(2).lower()]
        vals = frozenset((v * scale).normalize() for v in base) | base
        out.append((m.start(), m.end(), vals))
        taken.append(m.span())
    for m in _ARABIC_RE.finditer(text):
        if not free(*m.span()):
            continue
        vals = _values(m.group(), comma_decimal)
        if strict and vals == {Decimal(0)}:
            continue  # 22:00, 0: an implicit zero is not a fact of its own
        if strict and m.end() < len(text) and text[m.end()] in "日号" and m.group().isdigit() and len(m.group()) <= 2:
            continue  # a day of the month: often rendered as a weekday or 'on the 5th'
        if vals:
            out.append((m.start(), m.end(), vals))
            taken.append(m.span())
    if not strict:
        for m in _GLUED_RE.finditer(text):
            out.append((m.start(), m.end(), frozenset({Decimal(m.group()).normalize()})))
    for m in _CN_RUN_RE.finditer(text):
        run = m.group()
        if not free(*m.span()):
            continue
        v = cn_numeral_value(run)
        if v is None:
            continue
        vals = {Decimal(v)}
        for i in range(len(run) - 1):  # 五六百 'five or six hundred', 四五 'four or five': both readings
            a, b = run[i], run[i + 1]
            if a in _CN_DIGITS and b in _CN_DIGITS and _CN_DIGITS[b] == _CN_DIGITS[a] + 1:
                for drop in (i, i + 1):
                    w = cn_numeral_value(run[:drop] + run[drop + 1:])
                    if w is not None:
                        vals.add(Decimal(w))
        if strict:
            if len(run) < 2 or run[0] in _CN_BIG:
                continue
            if all(c in _CN_DIGITS for c in run) and len(run) < 3:
                continue  # 四五 'four or five', 三三: an estimate or a word, not 45
            nxt = text[m.end()] if m.end() < len(text) else ""
            # idioms and words that hold numerals: 一一, 千万 (by all means), 万一 (in case)
            if run in ("千万", "万一", "一一", "百万", "千千万万", "三三两两", "一二") and nxt not in "元人个名位次年":
                continue
        out.append((m.start(), m.end(), frozenset(vals)))
    if not strict:
        for m in _EN_COMPOUND_RE.finditer(text):
            v = _EN_UNITS[m.group(1).lower()] + _EN_UNITS[m.group(2).lower()]
            out.append((m.start(), m.end(), frozenset({Decimal(v)})))
        for m in _EN_NUMBER_WORDS_RE.finditer(text):
            words = m.group().lower().replace("-", " ").split()
            w = words[0]
            v = _EN_UNITS.get(w, _MONTHS.get(w))
            if v is None:  # hundreds, thousands, dozens: a scale alone
                v = _EN_SCALES.get(w.rstrip("s"), 12)
            for x in words[1:]:
                v = v * _EN_SCALES[x]
            out.append((m.start(), m.end(), frozenset({Decimal(v).normalize()})))
    out.sort(key=lambda t: (t[0], t[1]))
    return out


# --------------------------------------------------------------------------- URLs, e-mail, tags
URL_RE = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>{}\"'“”‘’（）()，。、]+[^\s<>{}\"'“”‘’（）()，。、.,;:!?]", re.I)
EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
HASHTAG_RE = re.compile(r"(?<![\w#&])#[A-Za-z][A-Za-z0-9_]{1,}")
HANDLE_RE = re.compile(r"(?<![\w@.])@[A-Za-z_][A-Za-z0-9_]{1,30}\b(?!\.[A-Za-z])")


def links(text: str) -> list[Item]:
    out: list[Item] = []
    if "://" not in text and "www." not in text and "@" not in text and "#" not in text:
        return out
    taken: list[tuple[int, int]] = []
    for rx, kind in ((URL_RE, "URL"), (EMAIL_RE, "e-mail address"), (HASHTAG_RE, "hashtag"), (HANDLE_RE, "handle")):
        for m in rx.finditer(text):
            if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
                continue
            key = m.group()
            if kind == "URL":
                key = re.sub(r"^https?://", "", key.lower()).rstrip("/")
            elif kind == "e-mail address":
                key = key.lower()
            out.append((m.start(), m.end(), (kind, key)))
            taken.append(m.span())
    out.sort(key=lambda t: t[0])
    return out


# --------------------------------------------------------------------------- placeholders, tags
PLACEHOLDER_RE = re.compile(
    r"\{\{\s*[\w.]+\s*\}\}"  # {{name}}
    r"|\{/?[a-z]{1,3}\d+\}"  # XLIFF/TMX inline codes as read: {x1} {g2} {/g2}
    r"|\{\d+(?:,[^{}]{0,40})?\}|\{[A-Za-z_][\w.]{0,40}\}"  # {0} {0,number} {name}
    r"|%(?:\d+\$)?[-+#0]?\d*(?:\.\d+)?[sdifuxXoeEgGc@](?![A-Za-z])"  # %s %d %1$s %.2f %@
    r"|%\([A-Za-z_]\w*\)[-+#0]?\d*(?:\.\d+)?[sdifr]"  # %(name)s
    r"|\$\{[A-Za-z_]\w*\}"  # ${name}
    r"|</?[A-Za-z][A-Za-z0-9]{0,9}(?:\s[^<>]{0,200})?/?>"  # <b> </b> <br/> <a href=..>
)


def placeholders(text: str) -> list[Item]:
    out: list[Item] = []
    for m in PLACEHOLDER_RE.finditer(text):
        tok = m.group()
        if tok.startswith("%") and m.start() and text[m.start() - 1].isdigit():
            continue  # 50%d... is a percentage before a word, not a format
        key = re.sub(r"\s+", "", tok)
        if key.startswith("<"):
            key = "<" + re.match(r"</?[A-Za-z0-9]+", key).group()[1:].lower() + (">" if not key.endswith("/>") else "/>")
        out.append((m.start(), m.end(), key))
    return out


# --------------------------------------------------------------------------- Latin-script tokens
_LATIN_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9_./@#-])[A-Za-z][A-Za-z0-9]*(?:[-.&'’][A-Za-z0-9]+)*(?![A-Za-z0-9_@])")
#: units and words that a translation may spell out or drop
UNIT_WORDS = frozenset("""km kg mg g m cm mm ml l t h s ms min kmh mph kw kwh w v mah hz khz mhz ghz
gb mb kb tb g5 vs etc ok am pm no an a i x""".split())


def latin_tokens(text: str) -> list[Item]:
    """Latin-script tokens that a translation out of a non-Latin script keeps as they are:
    names, acronyms, product names, model numbers (``GDP``, ``iPhone``, ``A320``, ``COVID-19``)."""
    out: list[Item] = []
    for m in _LATIN_TOKEN_RE.finditer(text):
        tok = m.group()
        if tok.lower() in UNIT_WORDS or len(tok) < 2:
            continue
        out.append((m.start(), m.end(), tok.lower()))
    return out


# --------------------------------------------------------------------------- scripts
_SCRIPT_RANGES = {
    "Han": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
    "Kana": "\u3040-\u30ff",
    "Hangul": "\uac00-\ud7af\u1100-\u11ff",
    "Cyrillic": "\u0400-\u04ff",
    "Arabic": "\u0600-\u06ff\u0750-\u077f",
    "Hebrew": "\u0590-\u05ff",
    "Greek": "\u0370-\u03ff",
    "Thai": "\u0e00-\u0e7f",
    "Devanagari": "\u0900-\u097f",
    "Latin": "A-Za-z\u00c0-\u024f",
}
_SCRIPT_RES = {k: re.compile(f"[{v}]") for k, v in _SCRIPT_RANGES.items()}
SCRIPT_RUN_RES = {k: re.compile(f"[{v}]+(?:[\\s\u3000·・,，、]*[{v}]+)*") for k, v in _SCRIPT_RANGES.items()}


@lru_cache(maxsize=8192)
def dominant_script(text: str) -> str | None:
    best, n_best = None, 0
    for k, rx in _SCRIPT_RES.items():
        n = len(rx.findall(text))
        if n > n_best:
            best, n_best = k, n
    return best
