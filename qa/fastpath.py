"""Fast paths shared by rule kinds: skip a pattern scan when its required literal is absent.

A pattern-list rule (a false-friend entry, a phrase list) usually finds nothing in a document:
most documents never contain the word the rule looks for. ``literal_prefixes`` reads each regex
fragment (with ``sre_parse``) and returns, per fragment, the longest literal text every match of it
must contain (a required literal, not only a prefix);
``may_match`` then asks whether any of those literals occurs in the document's lower-cased text,
a substring search that runs at memory speed, before the rule runs its regular expression.

The skip is exact: a fragment without a required literal of at least ``MIN_LITERAL`` ASCII
characters disables it for the rule, and a document holding a character whose case mapping could
make a case-insensitive regex match differ from ``str.lower`` (the Kelvin sign, long s, dotted
capital I, dotless i) is always scanned in full.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator

try:  # Python 3.11+: the parser lives in re._parser
    from re import _constants as _sre_c  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

from qa.document import Document

MIN_LITERAL = 3
#: ``QA_NO_FASTPATH=1`` turns the skips off (to compare outputs; the tests do).
ENABLED = not os.environ.get("QA_NO_FASTPATH")
_LOWER_KEY = "_qa_lower"


#: The only non-ASCII characters a case-insensitive regex matches to an ASCII letter (İ ı ſ and
#: the Kelvin sign; ``tests/test_fastpath.py`` recomputes this over all of Unicode). A document
#: holding one is always scanned in full.
CASE_SPECIAL = "\u0130\u0131\u017f\u212a"
_SPECIAL_RE = re.compile(f"[{CASE_SPECIAL}]")


_REPEATS = tuple(getattr(_sre_c, n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_sre_c, n))


def _literal_text(items) -> str | None:
    """The text of a parsed pattern made only of literals (and groups of them), else ``None``."""
    out: list[str] = []
    for op, av in items:
        if op is _sre_c.LITERAL:
            out.append(chr(av))
        elif op is _sre_c.SUBPATTERN:
            inner = _literal_text(av[-1])
            if inner is None:
                return None
            out.append(inner)
        else:
            return None
    return "".join(out)


def _runs(items) -> Iterator[str]:
    """Runs of literal text that every match of the parsed sequence ``items`` contains: the
    one-member sets of ``_literal_sets`` (a group of literals joins its run; a repeat taken at
    least once contributes its runs; classes, optional parts and assertions end a run)."""
    for s in _literal_sets(items):
        if len(s) == 1:
            yield next(iter(s))


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")


def _required_literal(items) -> str:
    """The longest ASCII literal run every match contains ('' if none)."""
    pieces = (p for run in _runs(items) for p in _NON_ASCII_RE.split(run))
    return max(pieces, key=len, default="")


def literal_prefixes(fragments: Iterable[str], flags: int = re.IGNORECASE) -> tuple[str, ...] | None:
    """Lower-cased literals, one per fragment, that every match must contain; ``None`` when some
    fragment has no usable literal (then the rule must always run)."""
    out: set[str] = set()
    for frag in fragments:
        try:
            parsed = _sre_parse.parse(frag, flags)
        except Exception:  # noqa: BLE001 - an odd pattern only loses the fast path
            return None
        items = list(parsed)
        # a top-level alternation: every branch needs its own literal
        if len(items) == 1 and items[0][0] is _sre_c.BRANCH:
            branches = items[0][1][1]
        elif len(items) == 1 and items[0][0] is _sre_c.IN:
            return None
        else:
            branches = [items]
        for br in branches:
            lit = _required_literal(list(br))
            if len(lit) < MIN_LITERAL or not lit.isascii() or "\n" in lit:
                return None
            out.add(lit.lower())
    return tuple(sorted(out)) if out else None


def lowered(doc: Document) -> str | None:
    """The document's text lower-cased (cached on the document), or ``None`` when the text holds a
    character for which ``str.lower`` and case-insensitive regex matching could disagree."""
    d = doc.__dict__
    if _LOWER_KEY not in d:
        text = doc.text
        d[_LOWER_KEY] = None if (not text.isascii() and _SPECIAL_RE.search(text)) else text.lower()
    return d[_LOWER_KEY]


def may_match(doc: Document, literals: tuple[str, ...] | None) -> bool:
    """False only when no match is possible: none of ``literals`` occurs in the lower-cased text
    (this holds for case-sensitive patterns too)."""
    if not literals or not ENABLED:
        return True
    low = lowered(doc)
    if low is None:
        return True
    return any(lit in low for lit in literals)


def literal_spans(low: str, literals: Iterable[str]) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` spans of every occurrence of ``literals`` (lower case) in ``low``,
    found with ``str.find`` (a C search at memory speed, no regex)."""
    out: list[tuple[int, int]] = []
    for lit in literals:
        k = len(lit)
        i = low.find(lit)
        while i >= 0:
            out.append((i, i + k))
            i = low.find(lit, i + 1)
    out.sort()
    return out


_INF = float("inf")
_ONE = tuple(getattr(_sre_c, n) for n in ("LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY") if hasattr(_sre_c, n))
_ZERO = tuple(getattr(_sre_c, n) for n in ("AT",) if hasattr(_sre_c, n))
_ASSERTS = tuple(getattr(_sre_c, n) for n in ("ASSERT", "ASSERT_NOT") if hasattr(_sre_c, n))


def reach(items) -> float:
    """An upper bound on how many characters a match of the parsed pattern ``items`` reads,
    look-arounds included (``inf`` when unbounded or unknown)."""
    total = 0.0
    for op, av in items:
        if op in _ONE:
            total += 1
        elif op in _ZERO:
            continue
        elif op is _sre_c.SUBPATTERN:
            total += reach(av[-1])
        elif op is _sre_c.BRANCH:
            total += max((reach(b) for b in av[1]), default=0)
        elif op in _REPEATS:
            lo, hi, item = av
            if hi == _sre_c.MAXREPEAT:
                return _INF
            total += hi * reach(item)
        elif op in _ASSERTS:
            total += reach(av[1])
        elif getattr(_sre_c, "ATOMIC_GROUP", None) is op:
            total += reach(av)
        else:  # back-references, conditionals: no bound we trust
            return _INF
        if total == _INF:
            return _INF
    return total


# --------------------------------------------------------------------------- literals of lexicons
def _usable_pieces(run: str) -> list[str]:
    """Pieces of a literal run safe to look up in ``str.lower`` text for a case-insensitive
    pattern: ASCII text (3 characters or more) or characters without case (``©``)."""
    out: list[str] = []
    for piece in re.split(r"[^\x00-\x7f]+", run):
        if len(piece) >= 3 and "\n" not in piece and "\r" not in piece:
            out.append(piece.lower())
    out += [c for c in run if not c.isascii() and c.lower() == c == c.upper() and c.isprintable()]
    return out


def fragment_literals(fragments: list[str], flags: int = re.IGNORECASE) -> tuple[str, ...] | None:
    """Per fragment (and per branch of a top-level alternation), the longest literal every match
    of it holds; ``None`` when some branch has none (then every line must be searched). Used for
    the boilerplate lexicons: unlike ``literal_prefixes`` it also accepts characters without case
    (``©``) as literals."""
    out: set[str] = set()
    for frag in fragments:
        try:
            items = list(_sre_parse.parse(frag, flags))
        except Exception:  # noqa: BLE001 - an odd pattern only loses the gate
            return None
        if len(items) == 1 and items[0][0] is _sre_c.BRANCH:
            branches = [list(b) for b in items[0][1][1]]
        else:
            branches = [items]
        for br in branches:
            best = max((p for run in _runs(br) for p in _usable_pieces(run)), key=len, default="")
            if not best:
                return None
            out.add(best)
    return tuple(sorted(out))


def _literal_sets(items) -> list[set[str]]:
    """Sets of literals such that every match of the parsed sequence ``items`` contains at least
    one member of each set (runs of literal text give one-member sets; an alternation whose
    every branch has a set gives the union of the branches' best sets)."""
    out: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is _sre_c.LITERAL:
            run.append(chr(av))
            continue
        if op is _sre_c.SUBPATTERN:
            inner = _literal_text(av[-1])
            if inner is not None:
                run.append(inner)
                continue
            flush()
            out.extend(_literal_sets(av[-1]))
            continue
        flush()
        if op is _sre_c.BRANCH:
            best = [_best_set(_literal_sets(list(b))) for b in av[1]]
            if all(best):
                out.append(set().union(*best))  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            out.extend(_literal_sets(list(av[2])))
        elif getattr(_sre_c, "ATOMIC_GROUP", None) is op:
            out.extend(_literal_sets(list(av)))
    flush()
    return out


def _best_set(sets: list[set[str]]) -> set[str] | None:
    """The most selective usable set: every member at least ``MIN_LITERAL`` ASCII characters
    without a line break; the longest shortest member wins, then the fewest members."""
    ok = [x for x in sets if x and all(len(s) >= MIN_LITERAL and s.isascii() and "\n" not in s for s in x)]
    if not ok:
        return None
    return max(ok, key=lambda x: (min(len(s) for s in x), -len(x)))


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-cased literals of which every match of ``pattern`` contains at least one, or
    ``None`` when the pattern has no such set."""
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
    except Exception:  # noqa: BLE001
        return None
    best = _best_set(_literal_sets(list(parsed)))
    if not best:
        return None
    return tuple(sorted({s.lower() for s in best}))


class Scanner:
    """``pattern.finditer(doc.text)``, run only near the pattern's required literals.

    When every match of ``pattern`` must contain one of a set of literals of at least
    ``MIN_LITERAL`` ASCII characters (``required_literals``) and a match (look-arounds included)
    reads at most ``max_reach`` characters, the literals are found with ``str.find`` in the
    lower-cased text and the regex runs only in windows of that reach around them: a document
    without the literals costs one C search per literal instead of a regex pass that tries
    every position. With an unbounded reach the literals only decide whether the whole text is
    scanned. Without required literals, or with ``QA_NO_FASTPATH=1``, it is a plain
    ``finditer`` over the whole text. The matches are the
    same either way (``tests/test_fastpath.py`` compares them on real text).
    """

    def __init__(self, pattern: re.Pattern[str], max_reach: int = 1000) -> None:
        self.pattern = pattern
        self.literals: tuple[str, ...] | None = None
        self.margin = 0
        try:
            parsed = _sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
        except Exception:  # noqa: BLE001 - an odd pattern only loses the fast path
            return
        self.literals = required_literals(pattern)
        r = reach(list(parsed))
        # margin 0: the reach is unbounded, so the literals only decide whether to scan at all
        self.margin = int(r) + 1 if r <= max_reach else 0

    def finditer(self, doc: Document) -> Iterator[re.Match[str]]:
        text = doc.text
        low = lowered(doc) if self.literals and ENABLED else None
        if low is None:
            yield from self.pattern.finditer(text)
            return
        if not self.margin:
            if any(lit in low for lit in self.literals):  # type: ignore[union-attr]
                yield from self.pattern.finditer(text)
            return
        found = literal_spans(low, self.literals)  # type: ignore[arg-type]
        if not found:
            return
        n, m = len(text), self.margin
        # windows [literal start - reach, literal end + reach], merged; a match found in a
        # window ending before the text does is kept only when it ends inside the part the
        # window vouches for, so a look-ahead is never cut short by the window's end
        windows: list[list[int]] = []
        for la, lb in found:
            a, b = max(0, la - m), min(n, lb + m)
            if windows and a <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], b)
            else:
                windows.append([a, b])
        last = -1
        for a, b in windows:
            for mt in self.pattern.finditer(text, max(a, last), min(n, b + m)):
                if mt.start() >= b and b < n:
                    break
                last = mt.end() if mt.end() > mt.start() else mt.end() + 1
                yield mt
