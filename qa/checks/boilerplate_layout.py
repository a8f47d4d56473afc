"""Page layout of extracted text: which lines are article prose, which are page furniture.

Scraped text keeps one HTML block per line: menus, share buttons and related-article lists sit
around (and sometimes inside) the article. ``layout(doc)`` describes every line once per document
(cached on the document) so that the boilerplate rules and pack kinds share one analysis:

* per-line features: word count, stop-word share, capitalisation, sentence-final punctuation,
  link-like shape (``A | B | C``, ``Home > News``);
* ``prose``: a line that reads like article sentences;
* the **article body**: line scores (prose positive by length; menu entries, link lists,
  listing time stamps and copyright lines negative; list items of the article neutral) are cut
  into maximum-sum segments; strong segments (at least a fifth of the best) form the body,
  except those beyond a *barrier* (a copyright line or a "Related articles" header) that follows
  enough prose: that is the page footer with its teaser paragraphs. The body then ends at a
  section-end header or a copyright line once most of its prose has been seen. A few short
  lines inside the article (sub-headings, a list) stay in it;
* the **head** (before the body) and the **tail** (after it), where page furniture is likelier.

``line_info`` defines a line's features with compiled regular expressions; ``line_infos`` computes
the same features for all lines of a document at once with numpy over the text's code points
(``_line_features``), and the ``legal``, ``consent`` and ``prompts`` lexicons are only searched
in lines holding a literal that every match of the lexicon holds (``qa.fastpath.fragment_literals``):
the rules that read the layout declare those literals as scan triggers (``layout_triggers``), so
the document's one scan (``qa.scan``) finds them. No per-character Python loops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bisect import bisect_right
from itertools import chain, repeat

from qa.lazyre import lazy_compile
from qa import ruledata
from qa.document import Document
from qa.fastpath import fragment_literals, has_case_special, plain_literal, split_alternatives
from qa.scan import Triggers, hits_for
from qa.scan import enabled as scan_enabled
from qa.warmup import loader
from qa.words import LETTER_DIGIT_WORD_RE, stopwords

_WORD_RE = LETTER_DIGIT_WORD_RE
_CAP_START_RE = lazy_compile(r"(?<![^\W_])[A-Z0-9À-ÖØ-ÞΑ-ΩА-Я]")
_SENT_END_RE = lazy_compile(r"[.!?…][\"'”’)\]]*$")
_INNER_SENT_RE = lazy_compile(r"[a-z0-9)”’\"][.!?]\s+[\"“‘(]?[A-Z]")
_LINKISH_RE = lazy_compile(r"(?:\s[|•·»›>/]\s|\s[|•·»›]\s*$|^\s*[|•·»›]\s)")
# "a digit and one of , ; (" (in either order), anchored so a long line is scanned once
_LISTITEM_RE = lazy_compile(r"^(?=[^\d\n]*+\d)(?=[^,;(\n]*+[,;(])|^\d+[.)]\s+\w+\s+\w+")
_BULLET_RE = lazy_compile(r"^[\s•·*\-–—>|#]+")
_DIGIT_RE = lazy_compile(r"\d")

#: English function words (the measure of "reads like a sentence", as in jusText): the list
#: ``layout`` of ``rules/data/stopwords.txt``.
STOPWORDS = stopwords("layout")


_IS_STOP = STOPWORDS.__contains__


@dataclass(slots=True)
class LineInfo:
    index: int
    start: int  # stripped span
    end: int
    text: str  # stripped text
    words: int
    stop_ratio: float
    cap_ratio: float  # share of words starting with a capital or digit
    sentence_end: bool
    inner_sentences: int
    linkish: bool
    prose: bool
    score: float = 0.0
    ext_start: int = 0  # the whole line with its line break: ``ext``
    ext_end: int = 0
    _label: str | None = None
    _bare: str | None = None
    _digit: bool | None = None  # see ``has_digit``
    _marker: bool | None = None
    _section_end: bool | None = None
    _legal: bool | None = None
    _prompt: bool | None = None  # False: holds no literal of the consent and prompts lexicons
    _unbulleted: str | None = None
    _shape: str | None = "?"  # "?": not computed yet
    _row: bool | None = None
    _cases: tuple[int, int] | None = None  # (capitals, small letters): see ``case_counts``

    @property
    def shape(self) -> str | None:
        """``content_shape(self.text)``, computed once for every rule (a price and an amount
        hold a decimal digit or a vulgar fraction: a line with neither can only be a credit)."""
        if self._shape == "?":
            text = self.text
            if self.has_digit or not text.isascii() and _FRACTION_RE.search(text):
                self._shape = content_shape(text)
            else:
                self._shape = "credit" if len(text) <= 120 and is_credit(text) else None
        return self._shape

    @property
    def bare(self) -> str:
        """The line without bullets, arrows and edge punctuation (a trailing number kept)."""
        if self._bare is None:
            self._bare = self.text.strip(_EDGE_CHARS)
        return self._bare

    @property
    def ext(self) -> tuple[int, int]:
        """(start, end) of the whole line with its line break (two numbers on the line, not a
        tuple: one object fewer per line for the garbage collector)."""
        return self.ext_start, self.ext_end

    @ext.setter
    def ext(self, span: tuple[int, int]) -> None:
        self.ext_start, self.ext_end = span

    @property
    def has_digit(self) -> bool:
        """The line holds a decimal digit (``\\d``), computed once."""
        if self._digit is None:
            self._digit = _DIGIT_RE.search(self.text) is not None
        return self._digit

    @property
    def label(self) -> str:
        if self._label is None:
            self._label = label_of(self.text)
        return self._label

    @property
    def unbulleted(self) -> str:
        """The line without leading bullets (``strip_bullets``), computed once for every rule."""
        if self._unbulleted is None:
            self._unbulleted = strip_bullets(self.text)
        return self._unbulleted


@dataclass
class Layout:
    lines: list[LineInfo]  # non-blank lines only, in order
    body: tuple[int, int]  # indices into ``lines`` (inclusive start, exclusive end) of the body
    n_prose: int
    extra: dict[str, object] = field(default_factory=dict)

    def in_body(self, i: int) -> bool:
        return self.body[0] <= i < self.body[1]

    def position(self, i: int) -> str:
        """``head``, ``body`` or ``tail``."""
        if i < self.body[0]:
            return "head"
        if i >= self.body[1]:
            return "tail"
        return "body"

    def index_at(self, offset: int) -> int | None:
        from bisect import bisect_right

        starts = self.extra.get("_starts")
        if starts is None:
            starts = [ln.start for ln in self.lines]
            self.extra["_starts"] = starts
        i = bisect_right(starts, offset) - 1  # type: ignore[arg-type]
        if i >= 0 and self.lines[i].start <= offset <= self.lines[i].end:
            return i
        return None


_LAYOUT = ruledata.constants("layout")
_PROSE_MIN_WORDS = _LAYOUT["prose_min_words"]
_PROSE_MIN_STOP = _LAYOUT["prose_min_stop_share"]
_PROSE_MAX_CAP = _LAYOUT["prose_max_cap_share"]
_LONG_MIN_WORDS = _LAYOUT["long_min_words"]
_LONG_MIN_STOP = _LAYOUT["long_min_stop_share"]
_LONG_MAX_CAP = _LAYOUT["long_max_cap_share"]


def _is_prose(nw: int, send: bool, inner: int, stop: float, cap: float) -> bool:
    """A line that reads like article sentences (``[layout]`` of ``rules/data/constants.toml``)."""
    return (
        (nw >= _PROSE_MIN_WORDS and bool(send or inner) and stop >= _PROSE_MIN_STOP and cap < _PROSE_MAX_CAP)
        or (nw >= _LONG_MIN_WORDS and stop >= _LONG_MIN_STOP and cap < _LONG_MAX_CAP)
    )


def line_info(i: int, start: int, end: int, text: str) -> LineInfo:
    """The features of one stripped line (the reference definition; see ``line_infos``)."""
    words = _WORD_RE.findall(text.lower())
    nw = len(words)
    if nw:
        stop = sum(map(_IS_STOP, words)) / nw
        cap = len(_CAP_START_RE.findall(text)) / nw
    else:
        stop = cap = 0.0
    send = bool(_SENT_END_RE.search(text))
    inner = len(_INNER_SENT_RE.findall(text))
    linkish = bool(_LINKISH_RE.search(text))
    prose = _is_prose(nw, send, inner, stop, cap)
    return LineInfo(i, start, end, text, nw, stop, cap, send, inner, linkish, prose)


#: a listing's time stamp ("32M ago", "updated 16M ago", "2 days ago", "Nov 18")
_TIMESTAMP_RE = lazy_compile(
    r"^(?:updated\s+)?(?:\d+\s*(?:[smhdw]|mins?|minutes?|hrs?|hours?|days?|weeks?|months?)\s+ago|just now|yesterday)"
    r"(?:\s+\d+\s+(?:photos|videos))?$"
    r"|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,\s+\d{4})?$",
    re.IGNORECASE,
)


#: the capitals and small letters of the Latin-1 range that ``case_counts`` counts
UPPER_RE = lazy_compile(r"[A-ZÀ-ÖØ-Þ]")
LOWER_RE = lazy_compile(r"[a-zß-öø-ÿ]")
_UPPER_BYTES = bytes(c for c in range(256) if UPPER_RE.match(chr(c)))
_LOWER_BYTES = bytes(c for c in range(256) if LOWER_RE.match(chr(c)))


def case_counts(ln: LineInfo) -> tuple[int, int]:
    """How many characters of the line ``UPPER_RE`` and ``LOWER_RE`` match: both classes lie in
    Latin-1, so the line is encoded as Latin-1 (any other character becomes ``?``, in neither)
    and the bytes of each class are deleted (``bytes.translate``) and counted; computed once."""
    got = ln._cases
    if got is None:
        b = ln.text.encode("latin-1", "replace")
        n = len(b)
        got = ln._cases = (n - len(b.translate(None, _UPPER_BYTES)), n - len(b.translate(None, _LOWER_BYTES)))
    return got


def is_timestamp(text: str) -> bool:
    return len(text) <= 40 and bool(_TIMESTAMP_RE.match(text))


#: the characters besides a digit (``\d``) that a text ``_TIMESTAMP_RE`` matches can end in:
#: "ago", "now", "yesterday", "photos" or "videos" in either case (and ``ſ``, an ``s`` to a
#: case-insensitive regex: ``qa.fastpath.CASE_SPECIAL``)
_TIMESTAMP_LAST = frozenset("oOwWyYsS\u017f")


def timestamp_lines(lines: list[LineInfo]) -> set[int]:
    """The indices of the lines that are time stamps (``is_timestamp``): the regex is only tried
    on a line that can end a match."""
    match, last = _TIMESTAMP_RE.match, _TIMESTAMP_LAST
    return {ln.index for ln in lines
            if len(ln.text) <= 40 and (ln.text[-1] in last or ln.text[-1].isdecimal()) and match(ln.text)}


def _is_legal(ln: LineInfo) -> bool:
    """A copyright line (``legal`` lexicon) that is not a photo credit (``is_credit``);
    ``compute_layout`` presets ``False`` on lines that hold none of the lexicon's required
    literals."""
    if ln._legal is None:
        ln._legal = ln.words <= 40 and bool(lexicon_re("legal", "contains").search(ln.text)) and not is_credit(ln.text)
    return ln._legal


def is_legal_line(ln: LineInfo) -> bool:
    """A site's copyright line (not a photo credit)."""
    return _is_legal(ln)


# ----------------------------------------------------------------------------- content look-alikes
# Lines of an article that share a shape with page furniture: a photo credit looks like a
# copyright line, a price or a quantity like a menu entry, a venue's phone number like a footer's
# contact line. Inside the article (``inside_article``) they are content unless a second signal
# (a furniture lexicon phrase, a run of furniture around them) says otherwise.

#: a site's copyright footer, not a credit: legal words, a company or site
_NOT_CREDIT_RE = lazy_compile(
    r"rights reserved|may not be|reproduc|republish|redistribut|\bterms\b|privacy|cookies?\b|"
    r"\b(?:inc|ltd|llc|gmbh|plc|corp|co)\b\.?|\b(?:media|group|network|publishing|website|site|newspapers?)\b",
    re.IGNORECASE,
)
#: agencies and credit words, or "Name / Agency"
_CREDIT_RE = lazy_compile(
    r"\s/\s|\b(?:getty|shutterstock|istock|reuters|afp|ap photo|associated press|unsplash|alamy|epa|pexels|"
    r"pixabay|courtesy|photo(?:graph)?s?|images?|pictures?|illustrations?)\b",
    re.IGNORECASE,
)
_CAPTION_RE = lazy_compile(r"[^\W\d_]{2}")


def is_credit(text: str) -> bool:
    """A photo credit: a short line with ``©`` that names a photographer or an agency
    (`© J. Doe / Example Images`, `Harbour at dawn | © 2012 J. Doe`), not a site's footer
    (`© 2019 Example Media. All rights reserved`)."""
    if "©" not in text or len(text.split()) > 20 or _NOT_CREDIT_RE.search(text):
        return False
    before = text.split("©", 1)[0].strip(" |-–—,:;(").lower()
    if before and before != "copyright" and _CAPTION_RE.search(before):
        return True  # a caption, then the credit
    return bool(_CREDIT_RE.search(text))


# An amount followed by a currency: tried only where a run of digits, points and commas starts
# (the look-behind), and the run read once (possessive), so a long run of "1.1.1..." costs linear time.
_PRICE_RE = lazy_compile(
    r"(?:[$€£¥₹]\s?\d|(?<![\d.,])[.,]*\d[\d.,]*+(?<=\d)\s?(?:€|£|\$|usd|eur|gbp|chf|dollars?|euros?|pounds)\b)",
    re.IGNORECASE)
#: the vulgar fractions an amount may start with instead of a digit
_FRACTIONS = "½¼¾⅓⅔⅛"
_FRACTION_RE = lazy_compile(f"[{_FRACTIONS}]")
_QUANTITY_RE = lazy_compile(
    rf"^(?:[-•*]\s*)?(?:\d+(?:[./,]\d+)?|[{_FRACTIONS}]|\d+\s?[½¼¾⅓⅔])\s*(?:-\s*\d+\s*)?"
    r"(?:g|kg|mg|ml|l|cl|dl|oz|lb|lbs|cups?|tbsp|tsp|tablespoons?|teaspoons?|pinch(?:es)?|cloves?|slices?|"
    r"cans?|packs?|sticks?|bunch(?:es)?|handfuls?|large|medium|small|whole|grams?|litres?|liters?|ounces?|"
    r"pounds?|pieces?|eggs?|sprigs?|drops?|dash(?:es)?)\b",
    re.IGNORECASE,
)


def content_shape(text: str) -> str | None:
    """The content look-alike a short line is shaped as: ``credit``, ``price`` or ``quantity``
    (a recipe ingredient, an item of a list of amounts); ``None`` otherwise."""
    if len(text) > 120:
        return None
    if is_credit(text):
        return "credit"
    if _PRICE_RE.search(text):
        return "price"
    if _QUANTITY_RE.match(text):
        return "quantity"
    return None


def inside_article(lay: "Layout", i: int, reach: int = 8) -> bool:
    """Line ``i`` sits inside the article: in the body, with a prose line before it and one after
    it, each within ``reach`` lines (a table, an ingredient list or a venue's details between
    paragraphs)."""
    a, b = lay.body
    if not a < i < b - 1:
        return False
    lines = lay.lines
    before = any(lines[k].prose for k in range(max(a, i - reach), i))
    return before and any(lines[k].prose for k in range(i + 1, min(b, i + 1 + reach)))


def is_running_prose(lay: "Layout", i: int, min_words: int = 20) -> bool:
    """Line ``i`` is running prose: a sentence line of at least ``min_words`` words, a quarter of
    them function words, ending in sentence punctuation, next to another such line (a paragraph
    among paragraphs). Running prose is never page furniture."""
    lines = lay.lines

    def para(k: int) -> bool:
        if not 0 <= k < len(lines):
            return False
        ln = lines[k]
        return ln.prose and ln.sentence_end and ln.words >= min_words and ln.stop_ratio >= 0.25 and not _is_legal(ln)

    return para(i) and (para(i - 1) or para(i + 1))


#: line scores (``[layout.score]`` of ``rules/data/constants.toml``)
_S = ruledata.constants("layout.score")


def _score(ln: LineInfo, s=_S) -> float:
    if is_timestamp(ln.text):
        return s["timestamp"]
    if _is_legal(ln):
        return s["legal"]
    if ln.prose:
        return s["prose_base"] + min(ln.words, s["prose_cap_words"]) / s["prose_words_per_point"]
    if ln.words >= s["short_sentence_words"] and ln.sentence_end and ln.stop_ratio >= s["short_sentence_stop_share"]:
        return s["short_sentence"]  # a short sentence
    if ln.linkish:
        return s["linkish"]
    if _LISTITEM_RE.search(ln.text) and ln.cap_ratio < s["list_item_max_cap_share"]:
        return s["list_item"]  # an item of a list inside the article: "2 eggs, 1 cup milk (warm)"
    if ln.words <= s["few_words_max"]:
        return s["few_words"]
    return s["other"]


def _set_scores(infos: list[LineInfo], stamps: set[int], s=_S) -> None:
    """``ln.score = _score(ln)`` for every line, in one loop (the same tests in the same order;
    ``stamps``: the ``timestamp_lines``)."""
    item_search = _LISTITEM_RE.search
    timestamp, legal, prose_base = s["timestamp"], s["legal"], s["prose_base"]
    cap_words, per_point = s["prose_cap_words"], s["prose_words_per_point"]
    short_words, short_stop, short = s["short_sentence_words"], s["short_sentence_stop_share"], s["short_sentence"]
    linkish, item_cap, item = s["linkish"], s["list_item_max_cap_share"], s["list_item"]
    few_max, few, other = s["few_words_max"], s["few_words"], s["other"]
    for ln in infos:
        if ln.index in stamps:
            ln.score = timestamp
        elif ln._legal if ln._legal is not None else _is_legal(ln):
            ln.score = legal
        elif ln.prose:
            ln.score = prose_base + min(ln.words, cap_words) / per_point
        elif ln.words >= short_words and ln.sentence_end and ln.stop_ratio >= short_stop:
            ln.score = short
        elif ln.linkish:
            ln.score = linkish
        elif ln.cap_ratio < item_cap and item_search(ln.text):
            ln.score = item
        elif ln.words <= few_max:
            ln.score = few
        else:
            ln.score = other


MIN_SEGMENT_MASS = _LAYOUT["min_segment_mass"]
SEGMENT_SHARE = _LAYOUT["segment_share"]


def _best_segment(scores: list[float], lo: int, hi: int) -> tuple[int, int, float]:
    best, span = 0.0, (lo, lo)
    cur, cur_start = 0.0, lo
    for i in range(lo, hi):
        if cur <= 0:
            cur, cur_start = 0.0, i
        cur += scores[i]
        if cur > best:
            best, span = cur, (cur_start, i + 1)
    return span[0], span[1], best


def _segments(scores: list[float], lo: int, hi: int, depth: int = 0) -> list[tuple[int, int, float]]:
    """Disjoint maximum-sum segments: the best one, then recursively those left and right of it."""
    if hi <= lo or depth > 12:
        return []
    a, b, m = _best_segment(scores, lo, hi)
    if m <= 0:
        return []
    return _segments(scores, lo, a, depth + 1) + [(a, b, m)] + _segments(scores, b, hi, depth + 1)


def _is_barrier(ln: LineInfo) -> bool:
    """A line the article does not continue past: a copyright line or a related-content header."""
    return _is_legal(ln) or (not ln.prose and ln.words <= 6 and is_section_end(ln))


def _drop_footer_segments(infos: list[LineInfo], segs: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Drop the prose segments of the page footer: those after a barrier (copyright line,
    related-content header) that follows at least half as much prose as they hold."""
    for k in range(1, len(segs)):
        before = sum(m for _, _, m in segs[:k])
        after = max(m for _, _, m in segs[k:])
        gap = range(segs[k - 1][1], segs[k][0])
        if before >= 0.5 * after and any(_is_barrier(infos[i]) for i in gap):
            return segs[:k]
    return segs


def _merge_segments(infos: list[LineInfo], main: tuple[int, int], keep: list[tuple[int, int]]) -> tuple[int, int]:
    """Grow the main segment by the other strong segments, as long as no barrier separates them
    (a teaser list after the footer's copyright line is not the article)."""
    a, b = main
    for sa, sb in sorted((s for s in keep if s[0] >= b), key=lambda s: s[0]):
        if any(_is_barrier(infos[i]) for i in range(b, sa)):
            break
        b = sb
    for sa, sb in sorted((s for s in keep if s[1] <= a), key=lambda s: -s[1]):
        if any(_is_barrier(infos[i]) for i in range(sb, a)):
            break
        a = sa
    return a, b


def _cut_at_section_end(infos: list[LineInfo], body: tuple[int, int]) -> tuple[int, int]:
    """End the body at a "Related articles" / "Most read" header when little prose follows it,
    or at a copyright line once most of the prose has been seen."""
    a, b = body
    total = sum(max(0.0, infos[i].score) for i in range(a, b))
    seen = 0.0
    for i in range(a, b):
        ln = infos[i]
        seen += max(0.0, ln.score)
        if seen >= 0.5 * total and _is_legal(ln):
            return a, i
        if not ln.prose and ln.words <= 6 and seen >= 0.5 * total and is_section_end(ln):
            after = total - seen
            if after <= 0.35 * total:
                return a, i
    return body


def _reference_infos(doc: Document) -> list[LineInfo]:
    """Every non-blank line through ``line_info`` (the reference path)."""
    text = doc.text
    infos: list[LineInfo] = []
    spans = doc.lines
    for k, (a, b) in enumerate(spans):
        raw = text[a:b]
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        s = a + lead
        ln = line_info(len(infos), s, s + len(stripped), stripped)
        ln.ext = (a, spans[k + 1][0] if k + 1 < len(spans) else len(text))
        infos.append(ln)
    return infos


#: below this many characters the reference path is as fast as the vectorised one
_MIN_VECTOR_CHARS = 600


#: the vectorised features hold about 60 bytes per character: they are computed over runs of
#: whole lines of at most this many characters, and a longer line takes the reference path (about
#: 10 bytes per character), so a 20 MB document stays within a few hundred MB
_VECTOR_CHUNK_CHARS = 1 << 20


def line_infos(doc: Document) -> list[LineInfo]:
    """``line_info`` of every non-blank line, in order, with ``ext`` set."""
    text = doc.text
    if len(text) < _MIN_VECTOR_CHARS:
        return _reference_infos(doc)
    if len(text) <= _VECTOR_CHUNK_CHARS:
        feats = _line_features(text, doc.lines)
        return _reference_infos(doc) if feats is None else _infos_of(text, feats, [])
    infos: list[LineInfo] = []
    spans = doc.lines
    k = 0
    while k < len(spans):  # runs of whole lines (a line's features never look past its line)
        j = k + 1
        while j < len(spans) and spans[j][1] - spans[k][0] <= _VECTOR_CHUNK_CHARS:
            j += 1
        c0 = spans[k][0]
        c1 = spans[j][0] if j < len(spans) else len(text)
        part = spans[k:j]
        feats = None
        if c1 - c0 <= _VECTOR_CHUNK_CHARS or j - k > 1:
            feats = _line_features(text[c0:c1], [(a - c0, b - c0) for a, b in part])
        if feats is None:  # one very long line, or characters the vector path does not handle
            _reference_infos_of(text, part, c1, infos)
        else:
            _infos_of(text, feats, infos, c0)
        k = j
    return infos


def _reference_infos_of(text: str, spans: list[tuple[int, int]], after: int, infos: list[LineInfo]) -> None:
    """``_reference_infos`` for the lines ``spans`` (the next line starts at ``after``)."""
    for k, (a, b) in enumerate(spans):
        raw = text[a:b]
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        s = a + lead
        ln = line_info(len(infos), s, s + len(stripped), stripped)
        ln.ext = (a, spans[k + 1][0] if k + 1 < len(spans) else after)
        infos.append(ln)


def _infos_of(text: str, feats, infos: list[LineInfo], offset: int = 0) -> list[LineInfo]:
    """``LineInfo`` objects from ``_line_features`` (offsets relative to ``offset``), appended:
    each field computed for all lines at once, as ``line_info`` defines it."""
    S, E, XA, XE, W, stop, cap, SE, IN, LK, prose, digit = feats
    if offset:
        S, E, XA, XE = ([x + offset for x in v] for v in (S, E, XA, XE))
    base = len(infos)
    texts = list(map(text.__getitem__, map(slice, S, E)))
    bares = [t.strip(_EDGE_CHARS) for t in texts]  # ``LineInfo.bare`` and ``.label``, made here for all lines
    # (a trailing count holds a digit: a line without one is its own label)
    labels = [_label_of_bare(b) if d and (b[-1:] in _COUNT_TAIL or b[-1:].isdigit()) else b
              for b, d in zip(bares, digit)]
    infos.extend(map(LineInfo, range(base, base + len(S)), S, E, texts, W, stop, cap,
                     SE, IN, LK, prose, repeat(0.0), XA, XE, labels, bares, digit))
    return infos


def line_starts(doc: Document, infos: list[LineInfo]) -> list[int]:
    """``[ln.start for ln in infos]``, made once per document for the list of lines every rule
    reads (cached on the document with the list itself, so its id cannot be reused)."""
    facts = doc.facts
    got = facts.layout_line_starts if facts.has("layout_line_starts") else None
    if got is not None and got[0] is infos:
        return got[1]
    starts = [ln.start for ln in infos]
    facts.once("layout_line_starts", lambda: (infos, starts))
    return starts


def compute_layout(doc: Document) -> Layout:
    infos = line_infos(doc)
    maybe_legal, maybe_prompt = _lexicon_lines(doc, infos)
    if maybe_legal is not None:
        for ln in infos:
            if ln.index not in maybe_legal:
                ln._legal = False
    if maybe_prompt is not None:
        for ln in infos:
            if ln.index not in maybe_prompt:
                ln._prompt = False
    stamps = timestamp_lines(infos)
    _set_scores(infos, stamps)
    n_prose = sum(1 for ln in infos if ln.prose)
    scores = [ln.score for ln in infos]
    segs = _segments(scores, 0, len(scores))
    if segs:
        best = max(m for _, _, m in segs)
        strong = [sg for sg in segs if sg[2] >= max(MIN_SEGMENT_MASS, SEGMENT_SHARE * best)] or \
            [sg for sg in segs if sg[2] == best][:1]
        strong = _drop_footer_segments(infos, strong)
        top = max(m for _, _, m in strong)
        main = next((a, b) for a, b, m in strong if m == top)
        body = _merge_segments(infos, main, [(a, b) for a, b, _ in strong])
        body = _cut_at_section_end(infos, body)
    else:
        body = (0, len(infos)) if not n_prose else (0, 0)
    return Layout(infos, body, n_prose, extra={"_starts": line_starts(doc, infos), "_timestamps": stamps})


#: the most lines a document's layout describes: each line's description costs about 500 bytes,
#: so this keeps the layout under about 50 MB. A document with more lines (10 MB of 'a\n' has
#: five million) is not described: the page-layout rules stop on it with a QA000 finding.
MAX_LAYOUT_LINES = 100_000


def layout(doc: Document) -> Layout:
    """The document's layout, computed once and cached on the document."""
    return doc.facts.once("layout", lambda: _new_layout(doc))


def _new_layout(doc: Document) -> Layout:
    n = len(doc.lines)
    if n > MAX_LAYOUT_LINES:
        from qa.guard import DocumentTooLarge

        raise DocumentTooLarge(f"the document has {n:,} lines, over the limit of {MAX_LAYOUT_LINES:,} "
                               "lines of the page-layout rules (a memory bound per document)")
    return compute_layout(doc)


_LEXICON_RES: dict[tuple[str, str], re.Pattern[str]] = {}


def lexicon_re(name: str, mode: str = "line") -> re.Pattern[str]:
    """A lexicon of ``rules/boilerplate/NAME.txt`` (regex fragments, one a line) compiled once:
    ``line`` matches a whole label, ``contains`` anywhere at word boundaries."""
    pat = _LEXICON_RES.get((name, mode))
    return pat if pat is not None else _build_lexicon_re(name, mode)


@loader  # built when a document first needs it: not counted against the rule's time limit
def _build_lexicon_re(name: str, mode: str) -> re.Pattern[str]:
    phrases = _lexicon_phrases(name)
    body = "|".join(f"(?:{x})" for x in sorted(phrases, key=len, reverse=True)) or r"(?!)"
    if mode == "line":
        pat = re.compile(rf"^(?:{body})$", re.IGNORECASE)
    else:
        pat = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    _LEXICON_RES[(name, mode)] = pat
    return pat


class LineLexicon:
    """``lexicon_re(name, "line")`` as a yes/no test of a whole label, with the same answers:
    a label whose lower case is one of the lexicon's plain ASCII alternatives (``close``,
    ``read more``) is found in a set; the other alternatives go through one regex of their own
    (``rest``), and a label holding a character whose case-insensitive match differs from its
    lower case (``qa.fastpath.CASE_SPECIAL``: "ſhare" is "share") through the whole one. A
    lexicon of few plain alternatives (under half) is only matched with the whole regex."""

    __slots__ = ("exact", "rest", "whole", "split")

    def __init__(self, phrases: list[str], whole: re.Pattern[str]) -> None:
        pieces = [a for p in phrases for a in split_alternatives(p)]
        plain = {a: plain_literal(a) for a in pieces}
        self.exact = frozenset(t.lower() for t in plain.values() if t and t.isascii())
        rest = [a for a in pieces if not (plain[a] and plain[a].isascii())]  # type: ignore[union-attr]
        self.rest = re.compile(rf"^(?:{'|'.join(f'(?:{a})' for a in rest)})$", re.IGNORECASE) if rest else None
        self.whole = whole
        self.split = 2 * (len(pieces) - len(rest)) >= len(pieces)

    def matches(self, label: str) -> bool:
        if not self.split:
            return self.whole.match(label) is not None
        if has_case_special(label):
            return self.whole.match(label) is not None
        if label.lower() in self.exact:
            return True
        return self.rest is not None and self.rest.match(label) is not None


_LINE_LEXICONS: dict[str, LineLexicon] = {}


def line_lexicon(name: str) -> LineLexicon:
    """The lexicon ``rules/boilerplate/NAME.txt`` as a ``LineLexicon``, built once."""
    got = _LINE_LEXICONS.get(name)
    return got if got is not None else _build_line_lexicon(name)


@loader
def _build_line_lexicon(name: str) -> LineLexicon:
    got = _LINE_LEXICONS[name] = LineLexicon(_lexicon_phrases(name), lexicon_re(name, "line"))
    return got


_LEXICON_LITERALS: dict[str, tuple[str, ...] | None] = {}


def lexicon_literals(name: str) -> tuple[str, ...] | None:
    """Lower-cased literals of which every match of the lexicon ``name`` holds one (see
    ``qa.fastpath.fragment_literals``), or ``None``."""
    if name not in _LEXICON_LITERALS:
        _build_lexicon_literals(name)
    return _LEXICON_LITERALS[name]


@loader
def _build_lexicon_literals(name: str) -> None:
    _LEXICON_LITERALS[name] = fragment_literals(_lexicon_phrases(name))


#: the rules that read the layout (``qa.checks.boilerplate``): each declares ``LAYOUT_TRIGGERS``,
#: so that the document's one scan also finds the literals of the layout's lexicons
LAYOUT_RULES = ("BP001", "BP002", "BP003", "BP004", "BP005", "BP006", "BP007", "BP008", "BP112")


def layout_triggers() -> Triggers:
    """The scan triggers of a rule that reads the layout: any character (a page-layout rule can
    report on any text, so it is never skipped), and the literals of which every match of the
    ``legal``, ``consent`` and ``prompts`` lexicons holds one. The lines holding one of those
    are the only ones ``compute_layout`` searches with the lexicons."""
    lits: set[str] = set()
    for name in ("legal", "consent", "prompts"):
        lits.update(lexicon_literals(name) or ())
    return Triggers(literals=tuple(sorted({x.lower() for x in lits})), patterns=((".", re.DOTALL),))


def _lexicon_lines(doc: Document, infos: list[LineInfo]) -> tuple[set[int] | None, set[int] | None]:
    """The lines that may hold a match of the ``legal`` lexicon, and those that may hold one of
    ``consent`` or ``prompts`` (``None``: every line may): those holding one of the lexicon's
    literals, read from the document's one scan (the hits of a rule of ``LAYOUT_RULES``), or
    searched here when no such rule is in the scan plan."""
    legal = lexicon_literals("legal")
    c_lits, p_lits = lexicon_literals("consent"), lexicon_literals("prompts")
    prompt = c_lits + p_lits if c_lits and p_lits else None
    if not legal and not prompt or not scan_enabled():
        return None, None
    found = None
    hits = hits_for(doc)
    if hits is not None:
        code = next((c for c in LAYOUT_RULES if c in hits.codes), None)
        if code is not None:
            found = hits.get(code)
    if found is None:
        found = Triggers(literals=tuple(sorted({x.lower() for x in (legal or ()) + (prompt or ())}))).find(doc.text)
    if found is None:
        return None, None
    text = doc.text
    starts = line_starts(doc, infos)
    legal_set = frozenset(legal or ())
    prompt_set = frozenset(prompt or ())
    # a longer hit (the whole text, of the rules' ``.`` trigger) is none of the literals
    # (``str.lower`` never shortens a text), and is not lower-cased to find that out
    longest = max(map(len, legal_set | prompt_set))
    in_legal: set[int] = set()
    in_prompt: set[int] = set()
    for a, b in found:
        if b - a > longest:
            continue
        lit = text[a:b].lower()
        if lit in legal_set:
            in_legal.add(bisect_right(starts, a) - 1)
        if lit in prompt_set:
            in_prompt.add(bisect_right(starts, a) - 1)
    return (in_legal if legal else None), (in_prompt if prompt else None)


def _lexicon_phrases(name: str) -> list[str]:
    from qa.ruledata import default_pack_dirs

    phrases: list[str] = []
    for d in default_pack_dirs():
        p = d / "boilerplate" / f"{name}.txt"
        if p.is_file():
            phrases += [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()
                        if ln.strip() and not ln.lstrip().startswith("#")]
    return phrases


_EDGE_CHARS = " \t\u00a0•·*-–—>|#:;,.!?()[]{}«»›‹→←↑↓▶►▸▾▼✕×❯❮"
_TRAILING_COUNT_RE = lazy_compile(r"(?<!\s)\s*[(\[]?\d[\d,.]*[kKmM]?[)\]]?\s*$")  # (?<!\s): linear on blank runs


#: the last characters (with digits) after which a label may end in a count
_COUNT_TAIL = ")]kKmM"


def label_of(text: str) -> str:
    """A line reduced to its label: no bullets, arrows, edge punctuation or trailing count."""
    return _label_of_bare(text.strip(_EDGE_CHARS))


def _label_of_bare(s: str) -> str:
    """``label_of`` of a text already stripped of ``_EDGE_CHARS``."""
    if s[-1:].isdigit() or s[-1:] in _COUNT_TAIL:
        s2 = _TRAILING_COUNT_RE.sub("", s).strip(_EDGE_CHARS)
        return s2 or s
    return s


def is_section_end(line: "LineInfo | str") -> bool:
    """A header that starts the page's tail: related content, comments, tags, newsletter."""
    if isinstance(line, str):
        return line_lexicon("section_ends").matches(label_of(line))
    if line._section_end is None:
        line._section_end = line_lexicon("section_ends").matches(line.label)
    return line._section_end


def is_marker(ln: LineInfo) -> bool:
    """A line that is certainly page furniture (used to find where the head ends and the tail
    begins): a UI label, a related-content header, a legal/consent line or a link list."""
    if ln._marker is None:
        ln._marker = _is_marker(ln)
    return ln._marker


def _is_marker(ln: LineInfo) -> bool:
    if ln.prose:
        return _is_legal(ln)
    label = ln.label
    if not label:
        return True  # only symbols
    ui = line_lexicon("ui_labels")
    if ui.matches(label) or (ln.bare != label and ui.matches(ln.bare)) or is_section_end(ln):
        return True
    if _is_legal(ln) or is_timestamp(ln.text):
        return True
    if ln.words <= 25 and ln._prompt is not False and (lexicon_re("consent", "contains").search(ln.text)
                                                       or lexicon_re("prompts", "contains").search(ln.text)):
        return True
    return ln.linkish and is_link_list(ln.text)


class LineColumns:
    """Values of every line of a layout, as lists indexed by line (made once per layout, see
    ``columns``): ``labels`` and ``bares`` (``LineInfo.label`` / ``.bare``), ``lows`` (the
    labels in lower case), ``bare_lows`` (the bare lines in lower case, ``None`` where the bare
    line is the label), ``non_ascii`` (the lines whose label or bare line holds a non-ASCII
    character) and ``special`` (those of them with a case-special character,
    ``qa.fastpath.CASE_SPECIAL``: their lexicon tests take the whole regex)."""

    __slots__ = ("labels", "bares", "lows", "bare_lows", "special", "non_ascii", "texts")

    def __init__(self, lines: list[LineInfo]) -> None:
        labels = [ln._label for ln in lines]
        if None in labels:  # (lines of the reference path)
            labels = [ln.label for ln in lines]
        bares = [ln._bare for ln in lines]
        if None in bares:
            bares = [ln.bare for ln in lines]
        self.labels, self.bares = labels, bares
        # (one ``str.lower`` a label: an ASCII label takes its fast path, where the labels
        # lower-cased as one text would take the slow one for all once any is not ASCII)
        self.lows = list(map(str.lower, labels))
        self.bare_lows = [None if bare == lab else bare.lower() for lab, bare in zip(labels, bares)]
        self.texts = texts = [ln.text for ln in lines]
        wide = [i for i, t in enumerate(texts) if not t.isascii()]  # (a label and a bare line are parts of the text)
        self.non_ascii = {i for i in wide if not labels[i].isascii() or not bares[i].isascii()}
        self.special = {i for i in self.non_ascii if has_case_special(labels[i]) or has_case_special(bares[i])}


def columns(lay: Layout) -> LineColumns:
    """The ``LineColumns`` of ``lay``, made once."""
    got = lay.extra.get("_columns")
    if got is None:
        got = lay.extra["_columns"] = LineColumns(lay.lines)
    return got  # type: ignore[return-value]


def _lexicon_matches(lex: LineLexicon, texts: list[str], lows: list[str | None], idx: list[int],
                     special: set[int]) -> list[int]:
    """The lines of ``idx`` whose text (``texts[i]``, in lower case ``lows[i]``) the line lexicon
    ``lex`` matches: ``lex.matches(texts[i])``, with the lower case made once."""
    if not lex.split:
        whole = lex.whole.match
        return [i for i in idx if whole(texts[i]) is not None]
    exact, rest = lex.exact, lex.rest
    plain = [i for i in idx if i not in special] if special else idx
    out = [i for i in plain if lows[i] in exact]
    if rest is not None:
        done = set(out)
        rest_m = rest.match
        out += [i for i in plain if i not in done and rest_m(texts[i]) is not None]
    if special:  # (the whole regex for them: ``LineLexicon.matches``)
        out += [i for i in idx if i in special and lex.matches(texts[i])]
    return out


def markers(lay: Layout) -> list[bool]:
    """``is_marker`` of the lines before the page's tail (index below ``lay.body[1]``: the head
    and the body, where the rules read every line's), computed at once: the tests of
    ``_is_marker`` (an "or" of them) one after the other, each on the lines that no earlier one
    marked; the lines' own caches are filled too. Made once per layout. (The tail is read line
    by line up to its first marker: ``is_marker``.)"""
    got = lay.extra.get("_markers")
    if got is not None:
        return got  # type: ignore[return-value]
    lines = lay.lines[:lay.body[1]]
    out = [ln._legal if ln._legal is not None else _is_legal(ln) for ln in lines]
    todo = [i for i, ln in enumerate(lines) if not out[i] and not ln.prose]  # (a prose line: legal or not)
    if todo:
        col = columns(lay)
        labels = col.labels

        def mark(hit: list[int]) -> list[int]:
            for i in hit:
                out[i] = True
            return [i for i in todo if not out[i]] if hit else todo

        todo = mark([i for i in todo if not labels[i]])  # only symbols
        ui = line_lexicon("ui_labels")
        todo = mark(_lexicon_matches(ui, labels, col.lows, todo, col.special))
        bare_lows = col.bare_lows
        todo = mark(_lexicon_matches(ui, col.bares, bare_lows, [i for i in todo if bare_lows[i] is not None],
                                     col.special))
        todo = mark(_lexicon_matches(line_lexicon("section_ends"), labels, col.lows, todo, col.special))
        texts = col.texts
        stamps = lay.extra.get("_timestamps")
        if stamps is None:
            stamps = timestamp_lines(lines)
        todo = mark([i for i in todo if i in stamps])
        consent, prompts = lexicon_re("consent", "contains").search, lexicon_re("prompts", "contains").search
        todo = mark([i for i in todo if lines[i].words <= 25 and lines[i]._prompt is not False
                     and (consent(texts[i]) or prompts(texts[i]))])
        mark([i for i in todo if lines[i].linkish and is_link_list(texts[i])])
    for ln, m in zip(lines, out):
        ln._marker = m
    lay.extra["_markers"] = out
    return out


_SEPARATOR_RE = lazy_compile(r"\s(?:[|•·»›]|>|/)\s")


def is_link_list(text: str) -> bool:
    """Three or more short, capitalised items joined by separators: `About | Contact | Jobs`."""
    parts = [p.strip() for p in _SEPARATOR_RE.split(text)]
    items = [p for p in parts if p]
    if len(items) < 3 or any(len(p.split()) > 5 for p in items):
        return False
    return sum(1 for p in items if p[:1].isupper() or p[:1].isdigit()) >= 0.75 * len(items)


def is_navlike(ln: LineInfo) -> bool:
    """A short title-case line without a sentence end: a menu entry or a headline link; not a
    price, an amount or a credit (``content_shape``), which share the shape."""
    return (not ln.prose and not ln.sentence_end and 1 <= ln.words <= 4 and ln.cap_ratio >= 0.99
            and ln.shape is None)


def strip_bullets(s: str) -> str:
    return _BULLET_RE.sub("", s)


# ----------------------------------------------------------------------------- vectorised features
# ``line_info`` is the reference definition of a line's features. ``_line_features`` computes the
# same numbers for every line of a document at once, with numpy over the text's code points (a
# per-code-point flag table instead of per-line regex scans); ``tests/test_boilerplate.py`` checks
# that both agree. A document holding a character whose lower case is not one character (İ) takes
# the reference path.

_F_ALNUM = 1 << 0  # ``[^\W_]`` (``str.isalnum``) of the character itself
_F_ALNUM_LOW = 1 << 1  # ... of its lower case (words are read from the lower-cased line)
_F_JOIN_LOW = 1 << 2  # its lower case joins a word: ' ’ -
_F_BADLOW = 1 << 3  # its lower case is not one character
_F_CAP = 1 << 4  # _CAP_START_RE's class
_F_WS = 1 << 5  # ``\s`` (``str.isspace``)
_F_SENTMARK = 1 << 6  # . ! ?
_F_SET1 = 1 << 7  # a-z 0-9 ) ” ’ "
_F_UPPER = 1 << 8  # A-Z
_F_QUOTE = 1 << 9  # " “ ‘ (
_F_SEP1 = 1 << 10  # | • · » › > /
_F_SEP2 = 1 << 11  # | • · » ›
_F_CLOSER = 1 << 12  # " ' ” ’ ) ]
_F_SENDCH = 1 << 13  # . ! ? …
_F_BREAK = 1 << 14  # \n \r
_F_DIGIT = 1 << 15  # ``\\d`` (``str.isdecimal``)

_CLASS_CHARS = (
    (_F_SENTMARK, ".!?"),
    (_F_SET1, "abcdefghijklmnopqrstuvwxyz0123456789)”’\""),
    (_F_UPPER, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    (_F_QUOTE, "\"“‘("),
    (_F_SEP1, "|•·»›>/"),
    (_F_SEP2, "|•·»›"),
    (_F_CLOSER, "\"'”’)]"),
    (_F_SENDCH, ".!?…"),
    (_F_BREAK, "\n\r"),
)
_CAP_RANGES = ((0x41, 0x5A), (0x30, 0x39), (0xC0, 0xD6), (0xD8, 0xDE), (0x391, 0x3A9), (0x410, 0x42F))
_STOP_MAXLEN = max(map(len, STOPWORDS))
if _STOP_MAXLEN > 11:  # _stop_codes reads 16 letters and packs 5 bits each into 64
    raise ValueError(f"a stop word of the layout list is longer than 11 letters ({_STOP_MAXLEN})")


def _char_flags(c: str) -> tuple[int, int]:
    """Flags and lower-cased ASCII letter number (1-26, else 0) of one character."""
    low = c.lower()
    f = _F_ALNUM if c.isalnum() else 0
    if len(low) != 1:
        f |= _F_BADLOW
    else:
        if low.isalnum():
            f |= _F_ALNUM_LOW
        if low in "'’-":
            f |= _F_JOIN_LOW
    if c.isspace():
        f |= _F_WS
    if c.isdecimal():
        f |= _F_DIGIT
    o = ord(c)
    if any(a <= o <= b for a, b in _CAP_RANGES):
        f |= _F_CAP
    for flag, chars in _CLASS_CHARS:
        if c in chars:
            f |= flag
    letter = ord(low) - 96 if len(low) == 1 and "a" <= low <= "z" else 0
    return f, letter


_TABLES: list = []


def _tables():
    """Flag and letter tables for the Basic Multilingual Plane, built on first use (vectorised;
    ``_char_flags`` is the per-character definition, used for characters beyond the BMP)."""
    if not _TABLES:
        _build_tables()
    return _TABLES


@loader
def _build_tables() -> None:
    if not _TABLES:
        import numpy as np

        chars = "".join(map(chr, range(0x10000)))
        lows = list(map(str.lower, chars))
        one = np.fromiter(map(len, lows), dtype=np.int64, count=0x10000) == 1
        low1 = [x if len(x) == 1 else "\0" for x in lows]
        low_cp = np.fromiter(map(ord, low1), dtype=np.int64, count=0x10000)
        flags = np.zeros(0x10000, dtype=np.uint16)

        def put(mask, flag):
            flags[mask] |= flag

        put(np.fromiter(map(str.isalnum, chars), dtype=bool, count=0x10000), _F_ALNUM)
        put(~one, _F_BADLOW)
        put(one & np.fromiter(map(str.isalnum, low1), dtype=bool, count=0x10000), _F_ALNUM_LOW)
        put(one & np.isin(low_cp, [ord(c) for c in "'’-"]), _F_JOIN_LOW)
        put(np.fromiter(map(str.isspace, chars), dtype=bool, count=0x10000), _F_WS)
        put(np.fromiter(map(str.isdecimal, chars), dtype=bool, count=0x10000), _F_DIGIT)
        for lo, hi in _CAP_RANGES:
            flags[lo : hi + 1] |= _F_CAP
        for flag, cls in _CLASS_CHARS:
            flags[[ord(c) for c in cls]] |= flag
        letters = np.where(one & (low_cp >= 97) & (low_cp <= 122), low_cp - 96, 0).astype(np.uint8)
        codes = []
        for w in STOPWORDS:
            if len(w) > _STOP_MAXLEN or not ("a" <= min(w) and max(w) <= "z"):
                raise ValueError(f"stop word {w!r} is not lower-case ASCII")
            codes.append(_word_code([ord(ch) - 96 for ch in w]))
        byte_masks = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
        _STOP8.append(_hash_table(np, [_short_code([ord(ch) - 96 for ch in w]) for w in STOPWORDS if len(w) <= 8]))
        _STOP8.append(_hash_table(np, [c for w, c in zip(STOPWORDS, codes) if len(w) > 8]))
        _TABLES.extend([np, flags, letters, np.array(sorted(codes), dtype=np.int64), byte_masks])
        _FLAGS_LETTERS.append(flags.astype(np.uint32) | (letters.astype(np.uint32) << _LETTER_SHIFT))


#: the flags and the letter number of each BMP character in one table (the letter number above
#: the flags, from bit ``_LETTER_SHIFT``): one look-up a character reads both (made with ``_TABLES``)
_FLAGS_LETTERS: list = []
_LETTER_SHIFT = 16


#: the stop words as two ``_hash_table``: those of at most 8 letters by ``_short_code``, the
#: longer ones by ``_word_code`` (made with ``_TABLES``)
_STOP8: list = []
_HASH_BITS = 13
_NO_CODE = (1 << 64) - 1  # an empty slot: no code is all ones (a letter number is at most 26)


def _hash_table(np, codes: list[int]):
    """``codes`` (distinct 64-bit numbers) as a table of ``2 ** _HASH_BITS`` slots, each code in
    slot ``(code * mult mod 2 ** 64) >> (64 - _HASH_BITS)`` and no two in one slot (``mult``: the
    first odd multiplier of a fixed sequence that separates them), the other slots ``_NO_CODE``:
    a number is a code if and only if its slot holds it (``_is_listed``)."""
    keys = np.array(sorted(codes), dtype=np.uint64)
    shift = np.uint64(64 - _HASH_BITS)
    mult = 0x9E3779B97F4A7C15
    for _ in range(10_000):
        slots = (keys * np.uint64(mult)) >> shift
        if len(np.unique(slots)) == len(keys):
            table = np.full(1 << _HASH_BITS, _NO_CODE, dtype=np.uint64)
            table[slots] = keys
            return np.uint64(mult), shift, table
        mult = ((mult * 6364136223846793005 + 1442695040888963407) % (1 << 64)) | 1
    raise ValueError("no multiplier separates the stop-word codes")  # pragma: no cover


def _is_listed(tab, codes):
    """Which of ``codes`` (uint64) the ``_hash_table`` ``tab`` holds."""
    mult, shift, table = tab
    return table[(codes * mult) >> shift] == codes


def _short_code(letters: list[int]) -> int:
    """A word of 1 to 8 letter numbers (1-26) as one 64-bit number: letter ``j`` in byte ``j``,
    the length less one in the top 3 bits (above the 5 bits of the last letter)."""
    code = (len(letters) - 1) << 61
    for j, v in enumerate(letters):
        code |= v << (8 * j)
    return code


def _word_code(letters: list[int]) -> int:
    code = len(letters) << (5 * _STOP_MAXLEN)
    for j, v in enumerate(letters):
        code |= v << (5 * j)
    return code


def _pack5(np, x):
    """Eight letter numbers (1-26), one a byte of ``x`` (uint64), packed 5 bits each (40 bits)."""
    x = (x & np.uint64(0x001F001F001F001F)) | ((x & np.uint64(0x1F001F001F001F00)) >> np.uint64(3))
    x = (x & np.uint64(0x000003FF000003FF)) | ((x & np.uint64(0x03FF000003FF0000)) >> np.uint64(6))
    return (x & np.uint64(0xFFFFF)) | ((x >> np.uint64(32)) << np.uint64(20))


def _stop_codes(np, lt, st, ln, masks):
    """``_word_code`` of each token (start ``st``, length ``ln`` <= ``_STOP_MAXLEN``) from the
    letter numbers ``lt`` (uint8, one a character): its first 8 and next 8 letters read as one
    64-bit word each, cut to the token's length (``masks[k]``: the low 8 * k bits set) and packed
    5 bits a letter."""
    buf = np.concatenate((lt, np.zeros(16, dtype=np.uint8)))
    words8 = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    head = _pack5(np, words8[st] & masks[np.minimum(ln, 8)])
    tail = _pack5(np, words8[st + 8] & masks[np.maximum(ln - 8, 0)])
    code = head | (tail << np.uint64(40)) | (ln.astype(np.uint64) << np.uint64(5 * _STOP_MAXLEN))
    return code.astype(np.int64)


def _line_features(text: str, spans: list[tuple[int, int]]):
    """Per non-blank line: (start, end, ext_start, ext_end, words, stop-word share, capital share,
    sentence end, inner sentences, link-like, prose, holds a digit), all as lists; ``None`` when the reference
    path must run."""
    np, _flags, _letters, _codes, byte_masks = _tables()
    n = len(text)
    if n == 0 or not spans:
        return None
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    astral = cp.max() > 0xFFFF
    both = _FLAGS_LETTERS[0][np.minimum(cp, 0xFFFF) if astral else cp]
    if astral:
        for c in np.unique(cp[cp > 0xFFFF]).tolist():
            f, letter = _char_flags(chr(c))
            both[cp == c] = f | (letter << _LETTER_SHIFT)
    fl = both.astype(np.uint16)  # the flags: the low 16 bits (half the bytes for every test of a flag)
    lt = (both >> _LETTER_SHIFT).astype(np.uint8)
    if (fl & _F_BADLOW).any():
        return None

    def has(flag):
        return (fl & flag) != 0

    def at(pos, flag):
        """``has(flag)`` at the positions ``pos`` only (a flag read at a few places)."""
        return (fl[pos] & flag) != 0

    def after_flag(pos, flag):
        """The positions of ``pos`` (> 0) where the character before holds ``flag``."""
        return pos[(pos > 0) & at(pos - 1, flag)]

    # runs of whitespace: the edges of the flags with a character outside the text at either
    # end alternate a run's start (``ws_on``) and its end (``ws_off``, exclusive)
    padded = np.zeros(n + 2, dtype=bool)
    ws = padded[1:-1]
    np.not_equal(fl & _F_WS, 0, out=ws)
    if ws.all():
        return None
    ws_edges = np.flatnonzero(padded[1:] != padded[:-1])
    ws_on, ws_off = ws_edges[0::2], ws_edges[1::2]

    def run_of(pos):
        """The whitespace run of each position of ``pos`` (each a whitespace character)."""
        return np.searchsorted(ws_on, pos, side="right") - 1

    ab = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans))
    a, b = ab[0::2], ab[1::2]
    # the stripped span: a line's first and last characters, moved over a run of whitespace
    # where the line starts or ends with one (a blank line's first character is at its end or
    # beyond)
    filled = b > a
    first, last = a.copy(), b - 1
    lead = np.flatnonzero(filled & ws[np.minimum(a, n - 1)])
    if len(lead):
        first[lead] = ws_off[run_of(a[lead])]
    trail = np.flatnonzero(filled & ws[np.maximum(b - 1, 0)])
    if len(trail):
        last[trail] = ws_on[run_of(b[trail] - 1)] - 1
    keep = filled & (first < b)
    ext_end = np.empty_like(a)
    ext_end[:-1] = a[1:]
    ext_end[-1] = n
    S = first[keep]
    E = last[keep] + 1
    XA = a[keep]
    XE = ext_end[keep]

    def count_in(pos, lo, hi):
        return np.searchsorted(pos, hi) - np.searchsorted(pos, lo)

    # words: _WORD_RE over the lower-cased text: runs of characters in a token (a letter or a
    # digit, or a joiner between two), whose edges alternate start, end in ``edges`` (the token
    # flags with a character outside the text at either end)
    tok_padded = np.zeros(n + 2, dtype=bool)
    in_tok = tok_padded[1:-1]
    np.not_equal(fl & _F_ALNUM_LOW, 0, out=in_tok)
    join = np.flatnonzero(has(_F_JOIN_LOW))
    join = join[(join > 0) & (join < n - 1)]
    in_tok[join[in_tok[join - 1] & in_tok[np.minimum(join + 1, n - 1)]]] = True  # (a joiner is no letter)
    edges = np.flatnonzero(tok_padded[1:] != tok_padded[:-1])
    starts, ends = edges[0::2], edges[1::2]
    words = count_in(starts, S, E)
    # stop words: a token of up to 8 letters read as one 64-bit word (``_short_codes``); a longer
    # one (up to ``_STOP_MAXLEN``) with its letters packed 5 bits each, with its length
    length = ends - starts
    short = length <= 8
    st, ln = starts[short], length[short]
    buf = np.concatenate((lt, np.zeros(8, dtype=np.uint8)))
    words8 = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    code8 = (words8[st] & byte_masks[ln]) | ((ln - 1).astype(np.uint64) << np.uint64(61))
    stops = count_in(st[_is_listed(_STOP8[0], code8)], S, E)
    longer = (length > 8) & (length <= _STOP_MAXLEN)
    if longer.any():
        st, ln = starts[longer], length[longer]
        code = _stop_codes(np, lt, st, ln, byte_masks).astype(np.uint64)
        stops += count_in(st[_is_listed(_STOP8[1], code)], S, E)
    # capitals: _CAP_START_RE
    cap_pos = np.flatnonzero(has(_F_CAP))
    caps = count_in(cap_pos[(cap_pos == 0) | ~at(cap_pos - 1, _F_ALNUM)], S, E)
    # sentence end: _SENT_END_RE (the last character that is not a closer)
    # (closers are rare: the runs of them give, for a line ending in one, the character before)
    closer = has(_F_CLOSER)
    cl = np.flatnonzero(closer)
    p = E - 1
    if len(cl):
        new_run = np.ones(len(cl), dtype=bool)
        new_run[1:] = cl[1:] != cl[:-1] + 1
        run_first = cl[np.flatnonzero(new_run)[np.cumsum(new_run) - 1]]  # the first closer of each one's run
        ends_in = closer[p]
        k = np.searchsorted(cl, p[ends_in])
        p = p.copy()
        p[ends_in] = run_first[k] - 1
    send = (p >= S) & at(np.maximum(p, 0), _F_SENDCH)
    # inner sentence ends: _INNER_SENT_RE (matches cannot overlap, so count their marks)
    cand = after_flag(np.flatnonzero(has(_F_SENTMARK)), _F_SET1)
    inner_pos = cand[:0]
    if len(cand):
        # (``\s+``: whitespace after the mark, and the first character after that run)
        nxt = np.minimum(cand + 1, n - 1)
        ok = (cand + 1 < n) & ws[nxt]
        j = ws_off[run_of(nxt)]
        ok &= j < n
        j = np.minimum(j, n - 1)
        jq = np.minimum(j + 1, n - 1)
        u = np.where(at(j, _F_UPPER), j, np.where(at(j, _F_QUOTE) & at(jq, _F_UPPER) & (j + 1 < n), j + 1, -1))
        ok &= u >= 0
        li = np.searchsorted(S, cand, side="right") - 1
        ok &= li >= 0
        lim = E[np.maximum(li, 0)]
        ok &= (cand < lim) & (u < lim)
        inner_pos = cand[ok]
    inner = count_in(inner_pos, S, E)
    # link-like: _LINKISH_RE
    sep = np.flatnonzero(has(_F_SEP1))
    mid = sep[(sep > 0) & (sep < n - 1)]
    mid = mid[ws[mid - 1] & ws[np.minimum(mid + 1, n - 1)]]
    link = count_in(mid, S + 1, E - 1) > 0
    e2 = np.maximum(E - 2, 0)
    link |= at(E - 1, _F_SEP2) & ws[e2] & (E - 2 >= S)
    s1 = np.minimum(S + 1, n - 1)
    link |= at(S, _F_SEP2) & ws[s1] & (S + 1 < E)
    # decimal digits: ``LineInfo.has_digit``
    digit = count_in(np.flatnonzero(has(_F_DIGIT)), S, E) > 0
    # shares of stop words and capitals (``n / w`` of ``line_info``: the same IEEE division), prose
    wf = words.astype(np.float64)
    has_w = words > 0
    stop = np.divide(stops, wf, out=np.zeros(len(wf)), where=has_w)
    cap = np.divide(caps, wf, out=np.zeros(len(wf)), where=has_w)
    prose = (((words >= _PROSE_MIN_WORDS) & (send | (inner != 0)) & (stop >= _PROSE_MIN_STOP) & (cap < _PROSE_MAX_CAP))
             | ((words >= _LONG_MIN_WORDS) & (stop >= _LONG_MIN_STOP) & (cap < _LONG_MAX_CAP)))
    return (S.tolist(), E.tolist(), XA.tolist(), XE.tolist(), words.tolist(), stop.tolist(), cap.tolist(),
            send.tolist(), inner.tolist(), link.tolist(), prose.tolist(), digit.tolist())


@loader
def _warm_layout() -> None:
    """The layout of a small document: builds the tables and literal sets on first use."""
    from qa.readers import make_document

    lay = layout(make_document("Home | News | Sport\nA title of the page\n\nThe council met on Monday. It agreed.\n"
                               "Close\nShare this article\n", doc_id="warm-up"))
    for ln in lay.lines:  # the line lexicons of the markers
        is_marker(ln)
    line_lexicon("ui_labels")
    line_lexicon("section_ends")


#: loaded before any time limit starts (qa.warmup)
WARM_UP = (_build_tables, _warm_layout)
