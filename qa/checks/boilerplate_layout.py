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

Everything here is computed with compiled regular expressions over lines; no per-character loops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.document import Document

_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_CAP_START_RE = re.compile(r"(?<![^\W_])[A-Z0-9À-ÖØ-ÞΑ-ΩА-Я]")
_SENT_END_RE = re.compile(r"[.!?…][\"'”’)\]]*$")
_INNER_SENT_RE = re.compile(r"[a-z0-9)”’\"][.!?]\s+[\"“‘(]?[A-Z]")
_LINKISH_RE = re.compile(r"(?:\s[|•·»›>/]\s|\s[|•·»›]\s*$|^\s*[|•·»›]\s)")
# "a digit and one of , ; (" (in either order), anchored so a long line is scanned once
_LISTITEM_RE = re.compile(r"^(?=[^\d\n]*+\d)(?=[^,;(\n]*+[,;(])|^\d+[.)]\s+\w+\s+\w+")
_BULLET_RE = re.compile(r"^[\s•·*\-–—>|#]+")

#: English function words (the measure of "reads like a sentence", as in jusText).
STOPWORDS = frozenset(
    """
    a about above after again against all also although am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves said says say one
    new like may might must us while since per via among upon whether however
    """.split()
)


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
    ext: tuple[int, int] = (0, 0)  # the whole line with its line break
    _label: str | None = None
    _bare: str | None = None
    _marker: bool | None = None
    _section_end: bool | None = None

    @property
    def bare(self) -> str:
        """The line without bullets, arrows and edge punctuation (a trailing number kept)."""
        if self._bare is None:
            self._bare = self.text.strip(_EDGE_CHARS)
        return self._bare

    @property
    def label(self) -> str:
        if self._label is None:
            self._label = label_of(self.text)
        return self._label


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


def line_info(i: int, start: int, end: int, text: str) -> LineInfo:
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
    prose = (
        (nw >= 7 and (send or inner) and stop >= 0.12 and cap < 0.7)
        or (nw >= 18 and stop >= 0.2 and cap < 0.6)
    )
    return LineInfo(i, start, end, text, nw, stop, cap, send, inner, linkish, prose)


#: a listing's time stamp ("32M ago", "updated 16M ago", "2 days ago", "Nov 18")
_TIMESTAMP_RE = re.compile(
    r"^(?:updated\s+)?(?:\d+\s*(?:[smhdw]|mins?|minutes?|hrs?|hours?|days?|weeks?|months?)\s+ago|just now|yesterday)"
    r"(?:\s+\d+\s+(?:photos|videos))?$"
    r"|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,\s+\d{4})?$",
    re.IGNORECASE,
)


def is_timestamp(text: str) -> bool:
    return len(text) <= 40 and bool(_TIMESTAMP_RE.match(text))


def _is_legal(ln: LineInfo) -> bool:
    return ln.words <= 40 and bool(lexicon_re("legal", "contains").search(ln.text))


def _score(ln: LineInfo) -> float:
    if is_timestamp(ln.text):
        return -2.5
    if _is_legal(ln):
        return -3.0
    if ln.prose:
        return 1.0 + min(ln.words, 60) / 12.0
    if ln.words >= 4 and ln.sentence_end and ln.stop_ratio >= 0.15:
        return 0.3  # a short sentence
    if ln.linkish:
        return -1.0
    if _LISTITEM_RE.search(ln.text) and ln.cap_ratio < 0.9:
        return 0.0  # an item of a list inside the article: "2 eggs, 1 cup milk (warm)"
    if ln.words <= 3:
        return -0.6
    return -0.35


MIN_SEGMENT_MASS = 4.0
SEGMENT_SHARE = 0.2


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


def compute_layout(doc: Document) -> Layout:
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
    for ln in infos:
        ln.score = _score(ln)
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
    return Layout(infos, body, n_prose)


def layout(doc: Document) -> Layout:
    """The document's layout, computed once and cached on the document."""
    cached = doc.__dict__.get("_bp_layout")
    if cached is None:
        cached = compute_layout(doc)
        doc.__dict__["_bp_layout"] = cached
    return cached  # type: ignore[return-value]


_LEXICON_RES: dict[tuple[str, str], re.Pattern[str]] = {}


def lexicon_re(name: str, mode: str = "line") -> re.Pattern[str]:
    """A lexicon of ``rules/boilerplate/NAME.txt`` (regex fragments, one a line) compiled once:
    ``line`` matches a whole label, ``contains`` anywhere at word boundaries."""
    key = (name, mode)
    pat = _LEXICON_RES.get(key)
    if pat is None:
        from qa.registry import default_pack_dirs

        phrases: list[str] = []
        for d in default_pack_dirs():
            p = d / "boilerplate" / f"{name}.txt"
            if p.is_file():
                phrases += [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()
                            if ln.strip() and not ln.lstrip().startswith("#")]
        body = "|".join(f"(?:{x})" for x in sorted(phrases, key=len, reverse=True)) or r"(?!)"
        if mode == "line":
            pat = re.compile(rf"^(?:{body})$", re.IGNORECASE)
        else:
            pat = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
        _LEXICON_RES[key] = pat
    return pat


_EDGE_CHARS = " \t\u00a0•·*-–—>|#:;,.!?()[]{}«»›‹→←↑↓▶►▸▾▼✕×❯❮"
_TRAILING_COUNT_RE = re.compile(r"(?<!\s)\s*[(\[]?\d[\d,.]*[kKmM]?[)\]]?\s*$")  # (?<!\s): linear on blank runs


def label_of(text: str) -> str:
    """A line reduced to its label: no bullets, arrows, edge punctuation or trailing count."""
    s = text.strip(_EDGE_CHARS)
    if s[-1:].isdigit() or s[-1:] in ")]kKmM":
        s2 = _TRAILING_COUNT_RE.sub("", s).strip(_EDGE_CHARS)
        return s2 or s
    return s


def is_section_end(line: "LineInfo | str") -> bool:
    """A header that starts the page's tail: related content, comments, tags, newsletter."""
    if isinstance(line, str):
        return bool(lexicon_re("section_ends").match(label_of(line)))
    if line._section_end is None:
        line._section_end = bool(lexicon_re("section_ends").match(line.label))
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
    ui = lexicon_re("ui_labels")
    if ui.match(label) or (ln.bare != label and ui.match(ln.bare)) or is_section_end(ln):
        return True
    if _is_legal(ln) or is_timestamp(ln.text):
        return True
    if ln.words <= 25 and (lexicon_re("consent", "contains").search(ln.text)
                           or lexicon_re("prompts", "contains").search(ln.text)):
        return True
    return ln.linkish and is_link_list(ln.text)


_SEPARATOR_RE = re.compile(r"\s(?:[|•·»›]|>|/)\s")


def is_link_list(text: str) -> bool:
    """Three or more short, capitalised items joined by separators: `About | Contact | Jobs`."""
    parts = [p.strip() for p in _SEPARATOR_RE.split(text)]
    items = [p for p in parts if p]
    if len(items) < 3 or any(len(p.split()) > 5 for p in items):
        return False
    return sum(1 for p in items if p[:1].isupper() or p[:1].isdigit()) >= 0.75 * len(items)


def is_navlike(ln: LineInfo) -> bool:
    """A short title-case line without a sentence end: a menu entry or a headline link."""
    return (not ln.prose and not ln.sentence_end and 1 <= ln.words <= 4 and ln.cap_ratio >= 0.99)


def strip_bullets(s: str) -> str:
    return _BULLET_RE.sub("", s)
