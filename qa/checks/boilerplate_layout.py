"""Page layout of extracted text: which lines are article prose, which are page furniture.

Scraped text keeps one HTML block per line: menus, share buttons and related-article lists sit
around (and sometimes inside) the article. ``layout(doc)`` describes every line once per document
(cached on the document) so that the boilerplate rules and pack kinds share one analysis:

* per-line features: word count, stop-word share, capitalisation, sentence-final punctuation,
  link-like shape (``A | B | C``, ``Home > News``);
* ``prose``: a line that reads like article sentences;
* the **article body**: the run of lines with the highest prose mass (a maximum-sum segment over
  line scores, prose positive, furniture negative), so that a few short lines inside the article
  (sub-headings, a list) stay in it while menus at the head and link lists at the tail fall out;
* the **head** (before the body) and the **tail** (after it), where page furniture is likelier.

Everything here is computed with compiled regular expressions over lines; no per-character loops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.document import Document

_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_SENT_END_RE = re.compile(r"[.!?…][\"'”’)\]]*$")
_INNER_SENT_RE = re.compile(r"[a-z0-9)”’\"][.!?]\s+[\"“‘(]?[A-Z]")
_LINKISH_RE = re.compile(r"(?:\s[|•·»›>/]\s|\s[|•·»›]\s*$|^\s*[|•·»›]\s)")
_LETTER_RE = re.compile(r"[^\W\d_]")
_UPPER_RE = re.compile(r"[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]")
_LISTITEM_RE = re.compile(r"\d.*[,;(]|[,;(].*\d|^\d+[.)]\s+\w+\s+\w+")
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


@dataclass(slots=True)
class LineInfo:
    index: int
    start: int  # stripped span
    end: int
    text: str  # stripped text
    words: int
    stop_ratio: float
    cap_ratio: float  # share of words starting with a capital or digit
    upper_ratio: float  # share of letters in upper case
    sentence_end: bool
    inner_sentences: int
    linkish: bool
    prose: bool
    score: float = 0.0


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
    words = _WORD_RE.findall(text)
    nw = len(words)
    if nw:
        stop = sum(1 for w in words if w.lower() in STOPWORDS) / nw
        cap = sum(1 for w in words if w[0].isupper() or w[0].isdigit()) / nw
    else:
        stop = cap = 0.0
    if len(text) < 400:
        letters = len(_LETTER_RE.findall(text))
        upper = len(_UPPER_RE.findall(text)) / letters if letters else 0.0
    else:
        upper = 0.0
    send = bool(_SENT_END_RE.search(text))
    inner = len(_INNER_SENT_RE.findall(text))
    linkish = bool(_LINKISH_RE.search(text))
    prose = (
        (nw >= 7 and (send or inner) and stop >= 0.12 and cap < 0.7)
        or (nw >= 18 and stop >= 0.2 and cap < 0.6)
    )
    return LineInfo(i, start, end, text, nw, stop, cap, upper, send, inner, linkish, prose)


def _score(ln: LineInfo) -> float:
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


def _cut_at_section_end(infos: list[LineInfo], body: tuple[int, int]) -> tuple[int, int]:
    """End the body at a "Related articles" / "Most read" header when little prose follows it."""
    a, b = body
    total = sum(max(0.0, infos[i].score) for i in range(a, b))
    seen = 0.0
    for i in range(a, b):
        ln = infos[i]
        seen += max(0.0, ln.score)
        if not ln.prose and ln.words <= 6 and seen >= 0.5 * total and is_section_end(ln.text):
            after = total - seen
            if after <= 0.35 * total:
                return a, i
    return body


def compute_layout(doc: Document) -> Layout:
    text = doc.text
    infos: list[LineInfo] = []
    for a, b in doc.lines:
        raw = text[a:b]
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        s = a + lead
        infos.append(line_info(len(infos), s, s + len(stripped), stripped))
    for ln in infos:
        ln.score = _score(ln)
    n_prose = sum(1 for ln in infos if ln.prose)
    scores = [ln.score for ln in infos]
    segs = _segments(scores, 0, len(scores))
    if segs:
        best = max(m for _, _, m in segs)
        keep = [(a, b) for a, b, m in segs if m >= max(MIN_SEGMENT_MASS, SEGMENT_SHARE * best)]
        body = (min(a for a, _ in keep), max(b for _, b in keep))
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


_SECTION_END_RE: re.Pattern[str] | None = None


def _section_end_re() -> re.Pattern[str]:
    global _SECTION_END_RE
    if _SECTION_END_RE is None:
        from qa.registry import default_pack_dirs

        phrases: list[str] = []
        for d in default_pack_dirs():
            p = d / "boilerplate" / "section_ends.txt"
            if p.is_file():
                phrases += [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()
                            if ln.strip() and not ln.startswith("#")]
        body = "|".join(sorted(phrases, key=len, reverse=True)) or r"(?!)"
        _SECTION_END_RE = re.compile(rf"^(?:{body})\W*$", re.IGNORECASE)
    return _SECTION_END_RE


def is_section_end(text: str) -> bool:
    """A header that starts the page's tail: related content, comments, tags, newsletter."""
    return bool(_section_end_re().match(strip_bullets(text).strip()))


def strip_bullets(s: str) -> str:
    return _BULLET_RE.sub("", s)
