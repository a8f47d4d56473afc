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
from collections.abc import Iterable

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


def _runs(items):
    """Runs of literal text that every match of the parsed sequence ``items`` contains."""
    cur: list[str] = []
    for op, av in items:
        if op is _sre_c.LITERAL:
            cur.append(chr(av))
            continue
        if op is _sre_c.SUBPATTERN:
            inner = _literal_text(av[-1])
            if inner is not None:
                cur.append(inner)
                continue
            yield "".join(cur)
            cur = []
            yield from _runs(av[-1])
            continue
        yield "".join(cur)
        cur = []
        if op in _REPEATS and av[0] >= 1:
            yield from _runs(av[2])  # repeated at least once: its literals are required
        # anything else (classes, alternations, optional parts, assertions) ends a run
    yield "".join(cur)


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
