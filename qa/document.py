"""The document model: text exactly as decoded, plus lazily built segmentations.

All spans are ``(start, end)`` pairs of 0-based code-point offsets into ``Document.text``, end
exclusive, so ``text[start:end]`` is always the span's text. Nothing here normalises the text.

Segmentation:

* **lines** split at ``\\r\\n``, ``\\r`` or ``\\n``; line/column derive from offsets by bisection.
* **blocks** are runs of non-blank lines separated by blank lines.
* **paragraphs** are blocks, except that a block whose lines mostly end like sentences (scraped
  text that lost its blank lines, one paragraph per line) is split into one paragraph per line.
  Hard-wrapped prose, whose lines end mid-sentence, stays one paragraph.
* **sentences** come from a compiled-regex splitter with an abbreviation list (``Mr.``, ``U.S.``,
  ``Rs.``, initials, decimals and quotes handled); they never cross a paragraph.
* **words** are runs of word characters with inner apostrophes or hyphens.

A text of at least ``VECTOR_MIN_CHARS`` characters gets its line starts, lines and words from
numpy passes over its code points instead of a regex match per line or word;
the spans are the same. Its words are then a ``SpanArray`` (two arrays of integers, no tuple per
word), which reads like the list of tuples it stands for.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice

from qa import ruledata
from qa.facts import Facts
from qa.words import WORD_RE

Span = tuple[int, int]

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
#: the line break of a text without carriage returns
_LF_RE = re.compile("\n")
_BLANK_SPLIT_RE = re.compile(r"(?:\r\n|\r|\n)[ \t\u00a0]*(?:\r\n|\r|\n)(?:[ \t\u00a0]*(?:\r\n|\r|\n))*")
#: ``_BLANK_SPLIT_RE`` for a text without carriage returns (a literal first character: the regex
#: engine skips from one line break to the next instead of trying every position)
_BLANK_SPLIT_LF_RE = re.compile(r"\n[ \t\u00a0]*\n(?:[ \t\u00a0]*\n)*")

# A candidate sentence end: terminal punctuation, optional closing quotes/brackets, whitespace,
# then something that can start a sentence (optional opening quote/bracket, capital or digit).
# The run of punctuation is taken whole: the character before its first one is not terminal
# punctuation (the look-behind, written after that first character so that the search skips
# from one punctuation mark to the next instead of trying a match at every character).
_BOUNDARY_RE = re.compile(  # (split_sentences reads its groups by number: keep their order)
    r"(?P<end>[.!?…](?<![.!?…]{2})[.!?…]*+)(?P<close>[\"'”’»)\]]*+)(?P<ws>\s++)(?=[\"'“‘«(\[]?[A-Z0-9À-ÖØ-Þ])"
)
_LAST_TOKEN_RE = re.compile(r"(\S+)$")
#: a line's text without the white space around it (a line holding only white space: no match);
#: ``\s`` is the white space of ``str.strip``
_LINE_CONTENT_RE = re.compile(r"\S(?:[^\r\n]*\S)?")
#: sentence ends a sentence break is never taken after (``_BOUNDARY_RE``'s look-behind)
_ENDS = frozenset(".!?…")
_span = re.Match.span

#: Abbreviations after which a period does not end a sentence (lower-cased, without the dot;
#: ``rules/data/word_classes.txt``, tag ``sentence_abbreviation``).
ABBREVIATIONS = ruledata.tagged("word_classes", "sentence_abbreviation")


def _is_abbreviation(token: str) -> bool:
    core = token.strip("\"'“‘«([").rstrip(".")
    low = core.lower()
    if low in ABBREVIATIONS:
        return True
    if len(core) == 1 and core.isalpha():  # an initial: "J. K. Rowling", "Paul G. Allen"
        return True
    if "." in core and all(len(p) <= 2 for p in core.split(".")):  # U.S., e.g., Ph.D
        return True
    return False


@dataclass
class Document:
    id: str
    text: str
    path: str = ""
    meta: dict[str, object] = field(default_factory=dict)
    lang: str | None = None
    #: span of the title line's text (without Markdown '#'), if the reader found one
    title_span: Span | None = None
    #: metadata fields found in the head: name -> (key_span, value_span)
    fields: dict[str, tuple[Span, Span]] = field(default_factory=dict)

    # ---------------------------------------------------------------- facts
    @cached_property
    def facts(self) -> Facts:
        """The document's facts, each computed at most once (``qa.facts``)."""
        return Facts(self)

    # ---------------------------------------------------------------- lines
    @cached_property
    def line_starts(self) -> list[int]:
        if _many_lines(self.text):  # compact: 8 bytes a line instead of about 36
            return array("q", _line_starts_iter(self.text))  # type: ignore[return-value]
        text = self.text
        if len(text) >= VECTOR_MIN_CHARS:
            return _vector_line_starts(text)
        starts = [0]
        if "\r" in text:
            starts.extend(m.end() for m in _NEWLINE_RE.finditer(text))
        else:  # (one literal: the regex engine skips to each line break)
            starts.extend(m.end() for m in _LF_RE.finditer(text))
        return starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of ``offset``."""
        i = bisect_right(self.line_starts, offset) - 1
        return i + 1, offset - self.line_starts[i] + 1

    @cached_property
    def lines(self) -> list[Span]:
        """Each line's span without its line break."""
        if _many_lines(self.text):  # compact: 16 bytes a line instead of about 120
            return SpanArray.of(_line_spans_iter(self.text, len(self.text)))  # type: ignore[return-value]
        text = self.text
        if "\r" not in text:  # every break is one character: a line ends where the next starts, less one
            starts = self.line_starts
            out = list(zip(starts, [s - 1 for s in islice(starts, 1, None)]))
            if starts[-1] < len(text) or not out:
                out.append((starts[-1], len(text)))
            return out
        out: list[Span] = []
        start = 0
        for m in _NEWLINE_RE.finditer(self.text):
            out.append((start, m.start()))
            start = m.end()
        if start < len(self.text) or not out:
            out.append((start, len(self.text)))
        return out

    # ---------------------------------------------------------------- blocks / paragraphs
    @cached_property
    def blocks(self) -> list[Span]:
        out: list[Span] = []
        start = 0
        text = self.text
        for m in (_BLANK_SPLIT_RE if "\r" in text else _BLANK_SPLIT_LF_RE).finditer(text):
            out.append((start, m.start()))
            start = m.end()
        out.append((start, len(text)))
        return [s for s in (_strip_span(text, a, b) for a, b in out) if s[1] > s[0]]

    @cached_property
    def paragraphs(self) -> list[Span]:
        text = self.text
        out: list[Span] = []
        for a, b in self.blocks:
            if text.find("\n", a, b) < 0 and text.find("\r", a, b) < 0:
                out.append((a, b))
                continue
            if b - a > _BIG_BLOCK_CHARS and not _splits_into_lines(text, a, text[a:b]):
                out.append((a, b))  # decided without a list of the block's lines
                continue
            # the block's non-blank lines, stripped: one regex pass over the block
            lines = list(map(_span, _LINE_CONTENT_RE.finditer(text, a, b)))
            # the last line always ends the paragraph; look at the others
            ends_like_sentence = sum(1 for s, e in lines[:-1] if text[e - 1] in ".!?\"”’:)…")
            if len(lines) > 1 and ends_like_sentence * 2 >= len(lines) - 1 and ends_like_sentence:
                out.extend(lines)
            else:
                out.append((a, b))
        return out

    def paragraph_of(self, offset: int) -> Span | None:
        paras = self.paragraphs
        i = bisect_right([p[0] for p in paras], offset) - 1
        if i >= 0 and paras[i][0] <= offset < paras[i][1]:
            return paras[i]
        return None

    # ---------------------------------------------------------------- sentences
    @cached_property
    def sentences(self) -> list[Span]:
        text = self.text
        out: list[Span] = []
        for a, b in self.paragraphs:
            out.extend(split_sentences(text, a, b))
        return out

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s[0] for s in self.sentences]

    def sentence_of(self, offset: int) -> Span | None:
        i = bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i][0] <= offset < self.sentences[i][1]:
            return self.sentences[i]
        return None

    # ---------------------------------------------------------------- words
    @cached_property
    def words(self) -> list[Span]:
        """Each word's span (``qa.words.WORD_RE``), in text order: a list of tuples, or for a text
        of at least ``VECTOR_MIN_CHARS`` characters the same spans as a ``SpanArray``."""
        text = self.text
        if len(text) >= VECTOR_MIN_CHARS and _VECTOR_WORDS:
            return SpanArray(*_vector_word_bounds(text))  # type: ignore[return-value]
        return list(map(_span, WORD_RE.finditer(text)))

    def span_text(self, span: Span) -> str:
        return self.text[span[0] : span[1]]

    @property
    def title(self) -> str | None:
        return self.span_text(self.title_span) if self.title_span else None

    @property
    def body_start(self) -> int:
        """Offset where the article body starts (after title and head metadata)."""
        end = self.title_span[1] if self.title_span else 0
        for key_span, value_span in self.fields.values():
            end = max(end, value_span[1], key_span[1])
        return end


#: a document with more line breaks than this keeps its line spans and starts in compact arrays
COMPACT_LINES = 1 << 18
#: a text at least this long is segmented with numpy passes over its code points; a shorter one
#: with the regexes (numpy's fixed cost per call would outweigh them)
VECTOR_MIN_CHARS = 4096


def code_points(text: str):
    """The text's code points as a numpy array (bytes for an ASCII text; read-only: it is a view
    of the encoded text)."""
    import numpy as np

    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _vector_line_starts(text: str) -> list[int]:
    """``Document.line_starts`` (the end of every ``\\r\\n``, ``\\r`` or ``\\n``) in one numpy
    pass: a line starts after each LF, and after each CR that no LF follows."""
    import numpy as np

    cps = code_points(text)
    ends = cps == 10
    if "\r" in text:
        cr = cps == 13
        cr[:-1] &= ~ends[1:]
        ends |= cr
    out = [0]
    out.extend((np.flatnonzero(ends) + 1).tolist())
    return out


#: a word character (what ``\\w`` matches in ``WORD_RE``)
_WORD_CHAR_RE = re.compile(r"\w")
#: the characters ``WORD_RE`` lets inside a word, between two word characters
_JOINERS = ("'", "\u2019", "-")
#: ``_vector_word_bounds`` gives the matches of this pattern (of ``WORD_RE`` while it is this one)
_VECTOR_WORD_PATTERN = r"\w+(?:['’\-]\w+)*"
_VECTOR_WORDS = WORD_RE.pattern == _VECTOR_WORD_PATTERN and WORD_RE.flags == re.UNICODE


@lru_cache(maxsize=1)
def _ascii_word_table():
    import numpy as np

    return np.array([_WORD_CHAR_RE.match(chr(c)) is not None for c in range(128)])


def _word_chars(cps):
    """Per code point, whether ``\\w`` matches it: ASCII from a table, every other character that
    occurs asked of the regex engine once."""
    import numpy as np

    table = _ascii_word_table()
    if cps.dtype == np.uint8:
        return table[cps]
    hi = cps >= 128
    w = table[np.minimum(cps, 127)]  # (127, DEL, is not a word character)
    if hi.any():
        chars, where = np.unique(cps[hi], return_inverse=True)
        known = np.array([_WORD_CHAR_RE.match(chr(c)) is not None for c in chars.tolist()], dtype=bool)
        w[hi] = known[where]
    return w


def _vector_word_bounds(text: str) -> tuple[array, array]:
    """The starts and ends of the matches of ``WORD_RE`` (``\\w+(?:['’\\-]\\w+)*``), in numpy
    passes: a word is a maximal run of word characters and of joiners that have a word character
    on both sides (the pattern is greedy and nothing follows it, so its matches are exactly those
    runs)."""
    import numpy as np

    cps = code_points(text)
    w = _word_chars(cps)
    if len(w) > 2:
        joiner = np.zeros(len(w) - 2, dtype=bool)
        for ch in _JOINERS:
            if ord(ch) < 128 or cps.dtype != np.uint8:
                joiner |= cps[1:-1] == ord(ch)
        w[1:-1] |= joiner & w[:-2] & w[2:]
    edges = np.diff(w.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1).astype(np.int64)
    ends = np.flatnonzero(edges == -1).astype(np.int64)
    return array("q", starts.tobytes()), array("q", ends.tobytes())


def _many_lines(text: str) -> bool:
    return len(text) > COMPACT_LINES and text.count("\n") + text.count("\r") > COMPACT_LINES


def _line_starts_iter(text: str):
    yield 0
    for m in _NEWLINE_RE.finditer(text):
        yield m.end()


def _line_spans_iter(text: str, n: int):
    """``Document.lines``, one span at a time."""
    start = 0
    any_break = False
    for m in _NEWLINE_RE.finditer(text):
        any_break = True
        yield start, m.start()
        start = m.end()
    if start < n or not any_break:
        yield start, n


class SpanArray(Sequence):
    """A read-only sequence of ``(start, end)`` spans held in two arrays of 64-bit integers
    (16 bytes a span; a list of tuples takes about 120): what ``Document.lines`` returns for a
    document of very many lines. Items, slices and iteration give tuples, as the list would; it
    compares equal to the list of the same spans."""

    __slots__ = ("_a", "_b")

    def __init__(self, starts: array, ends: array) -> None:
        self._a, self._b = starts, ends

    @classmethod
    def of(cls, spans) -> "SpanArray":
        a, b = array("q"), array("q")
        for s, e in spans:
            a.append(s)
            b.append(e)
        return cls(a, b)

    def __len__(self) -> int:
        return len(self._a)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(zip(self._a[i], self._b[i]))
        return self._a[i], self._b[i]

    def __iter__(self):
        return zip(self._a, self._b)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SpanArray):
            return self._a == other._a and self._b == other._b
        if isinstance(other, (list, tuple)):
            return len(other) == len(self) and all(x == y for x, y in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other):
        return list(self) + list(other)

    def __radd__(self, other):
        return list(other) + list(self)

    def __repr__(self) -> str:
        return f"SpanArray({len(self)} spans)"


#: a block longer than this is first tested without a list of its lines (``_splits_into_lines``)
_BIG_BLOCK_CHARS = 1 << 20


def _splits_into_lines(text: str, a: int, chunk: str) -> bool:
    """Whether ``Document.paragraphs`` splits the block ``chunk`` (at ``a``) into its lines: the
    same test, counted in one pass without holding the lines (10 MB of 'a\\n' is five million)."""
    n = ends = 0
    last_end = False
    for m_a, m_b in _iter_line_spans(chunk):
        s, e = _strip_span(text, a + m_a, a + m_b)
        if e > s:
            n += 1
            last_end = text[e - 1] in ".!?\"”’:)…"
            ends += last_end
    ends -= last_end  # the last line always ends the paragraph; look at the others
    return n > 1 and ends * 2 >= n - 1 and ends > 0


def _iter_line_spans(chunk: str):
    start = 0
    for m in _NEWLINE_RE.finditer(chunk):
        yield start, m.start()
        start = m.end()
    yield start, len(chunk)


def _line_spans(chunk: str) -> list[Span]:
    out: list[Span] = []
    start = 0
    for m in _NEWLINE_RE.finditer(chunk):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(chunk)))
    return out


def _strip_span(text: str, a: int, b: int) -> Span:
    if a < b and not text[a].isspace() and not text[b - 1].isspace():
        return a, b  # (nothing to strip: no copy of the span)
    chunk = text[a:b]
    stripped = chunk.lstrip()
    a2 = a + (len(chunk) - len(stripped))
    stripped = stripped.rstrip()
    return a2, a2 + len(stripped)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentence spans (absolute offsets, whitespace trimmed)."""
    if end is None:
        end = len(text)
    if start > 0 and text[start - 1] in _ENDS:  # the look-behind must not see the text before
        return [(start + a, start + b) for a, b in split_sentences(text[start:end])]
    out: list[Span] = []
    s = start
    # one regex pass over the span, in the text itself (no copy); a piece between two breaks
    # starts and ends with a character that is not white space (the break's look-ahead and its
    # punctuation), so only the first and the last piece are stripped
    for m in _BOUNDARY_RE.finditer(text, start, end):
        e, after = m.span(1)  # (the groups by number: "end", then "ws")
        if after - e == 1 and text[e] == ".":
            token = _last_token(text, s, e)
            if token and _is_abbreviation(token):
                continue
        cut, after = m.span(3)
        if cut > s:
            out.append((s, cut))
        s = after
    if s < end:
        out.append((s, end))
    if out:
        a, b = out[0]
        if a == start:
            out[0] = _strip_span(text, a, b)
        a, b = out[-1]
        if b == end:
            out[-1] = _strip_span(text, a, b)
        if out[0][1] <= out[0][0] or out[-1][1] <= out[-1][0]:
            out = [sp for sp in out if sp[1] > sp[0]]
    return out


#: how far back ``_last_token`` looks first (a token is rarely longer)
_TOKEN_WINDOW = 64


def _last_token(chunk: str, s: int, e: int) -> str:
    """What ``_LAST_TOKEN_RE.search(chunk, s, e)`` captures: the run of non-space characters
    that ends ``chunk[s:e]`` (or ends it but for one final line break), else ''. A string split
    instead of a regex search, which would try every position of the sentence; it reads the last
    ``_TOKEN_WINDOW`` characters, and all of ``chunk[s:e]`` only when they hold no white space."""
    w = max(s, e - _TOKEN_WINDOW)
    seg = chunk[w:e]
    if seg.endswith("\n"):
        seg = seg[:-1]
    if not seg or seg[-1].isspace():
        return ""
    parts = seg.rsplit(None, 1)
    if len(parts) == 1 and w > s:  # no white space in the window: the token may start before it
        return _last_token_full(chunk, s, e)
    return parts[-1]


def _last_token_full(chunk: str, s: int, e: int) -> str:
    seg = chunk[s:e]
    if seg.endswith("\n"):
        seg = seg[:-1]
    if not seg or seg[-1].isspace():
        return ""
    return seg.rsplit(None, 1)[-1]


# --------------------------------------------------------------------------- head metadata
_LEADING_BLANK = r"\A(?:[ \t]*+(?:\r\n|\r|\n))*+"
# (possessive runs and a greedy title that ends at its last non-blank: linear on long blank runs)
_TITLE_MD_RE = re.compile(_LEADING_BLANK + r"[ \t]*+#{1,6}[ \t]++(?P<title>[^\r\n]*[^ \t#\r\n]|[^\r\n])[ \t#]*+(?=\r?\n|\r|\Z)")
_FIRST_LINE_RE = re.compile(_LEADING_BLANK + r"[ \t]*+([^\r\n]{3,200}?)[ \t]*+(\r\n|\r|\n)[ \t]*+(\r\n|\r|\n)")
_FIELD_RE = re.compile(
    r"^[ \t]*(?:\*\*|__)?(?P<key>[A-Z][A-Za-z ]{1,30}?)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*"
    r"(?P<value>(?:[^\r\n]*[^ \t\r\n])?)[ \t]*$",  # = lazy value + trailing blanks, but linear
    re.M,
)
#: Keys that mark a metadata line in the head of a scraped article.
METADATA_KEYS = frozenset(
    [
        "author", "authors", "by", "byline", "published", "published at", "publish date",
        "date", "updated", "updated at", "modified", "last updated", "posted on", "posted by",
        "written by", "source", "original", "url", "link", "tags", "tag", "category",
        "categories", "section", "keywords", "description", "title", "language", "credit",
        "photo", "image", "caption",
    ]
)
_HEAD_LINES = 12  # metadata lives in the first lines; later "Key: value" lines are prose


def find_head(text: str, markdown: bool) -> tuple[Span | None, dict[str, tuple[Span, Span]]]:
    """Find the title line and the head's ``Key: value`` metadata lines."""
    title: Span | None = None
    m = _TITLE_MD_RE.match(text)
    if m:
        title = m.span("title")
    else:
        # plain text: a short first line without final period, followed by a blank line
        first = _FIRST_LINE_RE.match(text)
        if first and not first.group(1).rstrip().endswith((".", ",", ";")):
            title = first.span(1)
    fields: dict[str, tuple[Span, Span]] = {}
    head_end = 0
    for _ in range(_HEAD_LINES):
        nl = _NEWLINE_RE.search(text, head_end)
        if not nl:
            head_end = len(text)
            break
        head_end = nl.end()
    for fm in _FIELD_RE.finditer(text, 0, head_end):
        key = fm.group("key").strip().lower()
        if key in METADATA_KEYS and key not in fields:
            fields[key] = (fm.span("key"), fm.span("value"))
    return title, fields
