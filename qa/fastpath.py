"""Fast paths shared by rule kinds: skip a pattern scan when its required literal is absent.

A pattern-list rule (a false-friend entry, a phrase list) usually finds nothing in a document:
most documents never contain the word the rule looks for. ``literal_prefixes`` reads each regex
fragment (with ``sre_parse``) and returns, per fragment, a literal text every match of it must
contain (a required literal, not only a prefix; the longest one that is not a common word).
Those literals are a rule's triggers (``qa.scan``): the document's one scan finds them for every
rule at once; a ``Scanner`` used outside a scan plan finds them with ``str.find`` in the
lower-cased text (``doc.facts.lower``). Nothing here writes to a document's ``__dict__``.

The skip is exact: a fragment without a required literal of at least ``MIN_LITERAL`` ASCII
characters disables it for the rule, and a document holding a character whose case mapping could
make a case-insensitive regex match differ from ``str.lower`` (the Kelvin sign, long s, dotted
capital I, dotless i) is always scanned in full.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator

from typing import TYPE_CHECKING

from qa import ruledata
from qa.lazyre import LazyPattern
from qa.textfind import find_all

if TYPE_CHECKING:
    from qa.document import Document

try:  # Python 3.11+: the parser lives in re._parser
    from re import _constants as _sre_c  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]


MIN_LITERAL = 3
#: ``QA_NO_FASTPATH=1`` turns the skips off (to compare outputs; the tests do).
ENABLED = not os.environ.get("QA_NO_FASTPATH")


# --------------------------------------------------------------------------- the memo
# What the functions below derive from a pattern depends only on the pattern, its flags, this
# module and the ``common`` word list: a process works it out once per pattern, and the results
# are kept in a signed file of the start-up cache (``qa.cache.start_up_folder``, the format of
# ``qa.signed.write_cached``) that later processes read instead of parsing every rule's patterns
# again. JSON only: a file that does not decode to what a function returns is ignored.

#: part of the memo file's key: bump it when what the file holds or how it is read changes
MEMO_FORMAT = 1
#: at most this many results are kept in the file (a run with many user packs stops adding)
MEMO_LIMIT = 20_000

_MEMO: dict[tuple, object] | None = None
_MEMO_NEW = 0
_MEMO_LOCK = threading.Lock()


def _memo_where() -> tuple[str, object] | None:
    """(key, path) of the memo file, or ``None`` (``QA_NO_CACHE``, no cache folder)."""
    from qa.cache import start_up_file

    def inputs() -> Iterator[bytes]:
        for path in (__file__, ruledata.data_dir() / "stopwords.txt"):
            with open(path, "rb") as fh:
                yield fh.read()

    return start_up_file("tables", "fastpath", f"qa fastpath memo {MEMO_FORMAT}", inputs)


def _frozen(x: object) -> object:
    """A JSON value with its lists as tuples (hashable, and what the functions return)."""
    return tuple(_frozen(v) for v in x) if isinstance(x, list) else x


def _memo() -> dict[tuple, object]:
    global _MEMO
    if _MEMO is None:
        with _MEMO_LOCK:
            if _MEMO is None:
                memo: dict[tuple, object] = {}
                where = _memo_where()
                if where is not None:
                    from qa.signed import read_cached_json

                    payload = read_cached_json(where[1], where[0], MEMO_FORMAT)  # type: ignore[arg-type]
                    rows = payload.get("rows") if payload is not None else None
                    if isinstance(rows, list):
                        for row in rows:
                            if isinstance(row, list) and len(row) == 2 and isinstance(row[0], list):
                                memo[_frozen(row[0])] = _frozen(row[1])  # type: ignore[index]
                    import atexit

                    atexit.register(_save_memo, os.getpid())
                _MEMO = memo
    return _MEMO


def _save_memo(pid: int) -> None:
    """Write the memo file when this process (not a forked child) added results to it."""
    if _MEMO_NEW == 0 or os.getpid() != pid or _MEMO is None:
        return
    where = _memo_where()
    if where is None:
        return
    from qa.signed import json_blob, write_cached

    rows = sorted(([list(k), v] for k, v in _MEMO.items()), key=repr)[:MEMO_LIMIT]
    try:
        write_cached(where[1], where[0], json_blob({"format": MEMO_FORMAT, "rows": rows}))  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - best effort: a later process works the results out again
        pass


def _source(pattern: "re.Pattern[str] | LazyPattern") -> tuple[str, int]:
    """(text, flags) to parse a compiled or lazy pattern with (``re.UNICODE`` aside, which the
    parser adds itself to a text pattern); a lazy pattern is not compiled for it."""
    if isinstance(pattern, LazyPattern):
        return pattern.pattern, pattern.given_flags & ~re.UNICODE
    return pattern.pattern, pattern.flags & ~re.UNICODE


def _arg(x: object) -> object:
    """A hashable, JSON-able form of an argument: a compiled pattern as its text and flags."""
    if isinstance(x, LazyPattern):
        return ("lazy", x.pattern, x.given_flags)
    if isinstance(x, re.Pattern):
        if not isinstance(x.pattern, str):
            raise TypeError
        return ("re", x.pattern, x.flags)
    if isinstance(x, (list, tuple)):
        return tuple(_arg(v) for v in x)
    if x is None or isinstance(x, (str, int, float)):
        return x
    raise TypeError


def _returns(x: object) -> bool:
    """Whether ``x`` is a value a memoized function returns (None, str, int, float, tuples)."""
    if isinstance(x, tuple):
        return all(_returns(v) for v in x)
    return x is None or (isinstance(x, (str, int, float)) and not isinstance(x, bool))


def memoized(fn: Callable) -> Callable:
    """Keep ``fn``'s results (a pure function of patterns, texts and numbers returning ``None``,
    texts, numbers or tuples of them) in the memo, by its name and arguments."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        global _MEMO_NEW
        try:
            key = (name, *map(_arg, args), *((k, _arg(v)) for k, v in sorted(kwargs.items())))
        except TypeError:  # an argument the memo does not keep (bytes patterns): work it out
            return fn(*args, **kwargs)
        memo = _memo()
        got = memo.get(key, memo)
        if got is not memo:
            return got
        got = fn(*args, **kwargs)
        if _returns(got) and len(memo) < MEMO_LIMIT:
            memo[key] = got
            _MEMO_NEW += 1
        return got

    return wrapper


#: The only non-ASCII characters a case-insensitive regex matches to an ASCII letter (İ ı ſ and
#: the Kelvin sign; ``tests/test_fastpath.py`` recomputes this over all of Unicode). A document
#: holding one is always scanned in full.
CASE_SPECIAL = "\u0130\u0131\u017f\u212a"
#: a character of ``CASE_SPECIAL``
CASE_SPECIAL_RE = re.compile(f"[{CASE_SPECIAL}]")


def has_case_special(text: str) -> bool:
    """Whether ``text`` holds a character of ``CASE_SPECIAL`` (four substring searches, each a
    C scan much faster than the regex class over a long text)."""
    return not text.isascii() and any(c in text for c in CASE_SPECIAL)


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


def _rank(lit: str) -> tuple[int, int]:
    """How selective a literal is likely to be: any literal before a common word, then the
    longer first."""
    core = lit.strip().lower()
    return (0 if not core or core in ruledata.tagged("stopwords", "common") else 1, len(lit))


def _required_literal(items) -> str:
    """The most selective ASCII literal run (``_rank``; the words of the ``common`` list of
    ``rules/data/stopwords.txt`` rank last) of at least ``MIN_LITERAL`` characters
    that every match contains, else the longest one ('' if none)."""
    pieces = [p for run in _runs(items) for p in _NON_ASCII_RE.split(run)]
    return max((p for p in pieces if len(p) >= MIN_LITERAL), key=_rank, default=None) or \
        max(pieces, key=len, default="")


@memoized
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
    """The document's text lower-cased (``doc.facts.lower``, made once), or ``None`` when the
    text holds a character for which ``str.lower`` and case-insensitive regex matching could
    disagree."""
    if has_case_special(doc.text):
        return None
    return doc.facts.lower


def trie_alternation(words: Iterable[str]) -> str:
    """A regex alternation matching exactly ``words``, written as a trie: ``(?:the|they|this)``
    becomes ``th(?:e(?:y)?|is)``. The regex engine tries the branches of an alternation one by
    one at each position, so a long word list written flat costs a comparison per word there;
    as a trie it costs one per letter. Matches are the same as the flat list's when the result
    is followed by a word boundary (every word can still be reached by backtracking)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        if len(alts) == 1 and not end:
            return alts[0]
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if end else body

    return build(trie)


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
    """Sorted ``(start, end)`` spans of every occurrence of ``literals`` (lower case) in ``low``."""
    out = [(i, i + len(lit)) for lit in literals for i in find_all(low, lit)]
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
#: ASCII symbols rare enough in prose that a one- or two-character piece holding one of them and
#: no letter, digit or space (``@``, ``/-``, ``$``) still makes a useful gate for a lexicon
_RARE_SYMBOLS = frozenset("@$#%|/\\&*+=~^<>_`{}[]")


def _usable_pieces(run: str) -> list[str]:
    """Pieces of a literal run safe to look up in ``str.lower`` text for a case-insensitive
    pattern: ASCII text (3 characters or more, or a shorter piece made of rare symbols such as
    ``@``) or characters without case (``©``)."""
    out: list[str] = []
    for piece in re.split(r"[^\x00-\x7f]+", run):
        if "\n" in piece or "\r" in piece or not piece:
            continue
        if len(piece) >= 3 or (any(c in _RARE_SYMBOLS for c in piece) and not any(c.isalnum() or c.isspace() for c in piece)):
            out.append(piece.lower())
    out += [c for c in run if not c.isascii() and c.lower() == c == c.upper() and c.isprintable()]
    return out


def _gate_piece(member: str) -> str | None:
    """The longest usable piece of a literal (``_usable_pieces``), or ``None``."""
    return max(_usable_pieces(member), key=_rank, default=None)


def _strict_piece(member: str) -> str | None:
    """The literal itself when it has ``MIN_LITERAL`` ASCII characters or more and no line break."""
    return member if len(member) >= MIN_LITERAL and member.isascii() and "\n" not in member else None


def split_alternatives(fragment: str) -> list[str]:
    """The top-level alternatives of a regex fragment: ``a|b(?:c|d)`` -> ``["a", "b(?:c|d)"]``
    (a ``|`` inside a group, a character class or an escape does not split)."""
    out: list[str] = []
    depth = 0
    start = 0
    i, n = 0, len(fragment)
    in_class = False
    while i < n:
        c = fragment[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if fragment[i + 1 : i + 2] == "^":
                i += 1
            if fragment[i + 1 : i + 2] == "]":  # a leading ] is a member
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(fragment[start:i])
            start = i + 1
        i += 1
    out.append(fragment[start:])
    return out


@memoized
def plain_literal(fragment: str, flags: int = re.IGNORECASE) -> str | None:
    """The text ``fragment`` matches when it is plain literal text (``loading\\.\\.\\.``,
    ``x \\(formerly twitter\\)``), else ``None``."""
    try:
        items = list(_sre_parse.parse(fragment, flags))
    except Exception:  # noqa: BLE001
        return None
    return _literal_text(items) if items else None


@memoized
def fragment_literals(fragments: list[str], flags: int = re.IGNORECASE) -> tuple[str, ...] | None:
    """Lower-cased literals of which every match of some fragment holds one: per fragment, the
    most selective set of ``_literal_sets`` whose members all have a usable piece (a run of
    literal text, or the alternatives of a group such as ``(?:pro|premium|gold)``); ``None`` when
    some fragment has none (then every line must be searched). Used for the boilerplate
    lexicons: unlike ``literal_prefixes`` it also accepts characters without case (``©``) and
    rare symbols (``@``) as literals."""
    out: set[str] = set()
    for frag in fragments:
        try:
            items = list(_sre_parse.parse(frag, flags))
        except Exception:  # noqa: BLE001 - an odd pattern only loses the gate
            return None
        best = _best_set(_literal_sets(items, _gate_piece), _gate_piece)
        if not best:
            return None
        out |= best
    return tuple(sorted(out))


def _literal_sets(items, piece=_strict_piece) -> list[set[str]]:
    """Sets of literals such that every match of the parsed sequence ``items`` contains at least
    one member of each set (runs of literal text give one-member sets; an alternation whose
    every branch has a set, or a class of plain characters, gives the union of the branches'
    best sets by ``piece``)."""
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
            out.extend(_literal_sets(av[-1], piece))
            continue
        flush()
        if op is _sre_c.BRANCH:
            best = [_best_set(_literal_sets(list(b), piece), piece) for b in av[1]]
            if all(best):
                out.append(set().union(*best))  # type: ignore[arg-type]
        elif op is _sre_c.IN and av and all(o is _sre_c.LITERAL for o, _ in av):
            out.append({chr(c) for _, c in av})  # [$€£]: one of these characters
        elif op in _REPEATS and av[0] >= 1:
            out.extend(_literal_sets(list(av[2]), piece))
        elif getattr(_sre_c, "ATOMIC_GROUP", None) is op:
            out.extend(_literal_sets(list(av), piece))
    flush()
    return out


def _best_set(sets: list[set[str]], piece=_strict_piece) -> set[str] | None:
    """The most selective set whose every member has a usable ``piece`` (by default: at least
    ``MIN_LITERAL`` ASCII characters without a line break), as the set of those pieces; the set
    whose least selective piece (``_rank``) ranks highest wins, then the fewest members."""
    ok: list[set[str]] = []
    for x in sets:
        pieces = {piece(m) for m in x}
        if x and None not in pieces:
            ok.append(pieces)  # type: ignore[arg-type]
    if not ok:
        return None
    return max(ok, key=lambda x: (min(map(_rank, x)), -len(x)))


@memoized
def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-cased literals of which every match of ``pattern`` contains at least one, or
    ``None`` when the pattern has no such set."""
    try:
        parsed = _sre_parse.parse(*_source(pattern))
    except Exception:  # noqa: BLE001
        return None
    best = _best_set(_literal_sets(list(parsed)))
    if not best:
        return None
    return tuple(sorted({s.lower() for s in best}))


def _leading(items, limit: int) -> tuple[set[str], bool] | None:
    """(the texts every match of the parsed sequence ``items`` starts with one of, whether they
    are the whole of every match); ``None`` past ``limit`` texts. Zero-width items (anchors,
    look-arounds) consume nothing and are passed over; literals, groups, alternations and small
    classes of literal characters extend the texts; anything else ends them."""
    out = {""}
    for op, av in items:
        if op is _sre_c.LITERAL:
            out = {p + chr(av) for p in out}
        elif op is _sre_c.IN and 0 < len(av) <= 4 and all(o is _sre_c.LITERAL for o, _ in av):
            out = {p + chr(c) for p in out for _, c in av}
        elif op is _sre_c.SUBPATTERN or op is _sre_c.BRANCH:
            parts = [av[-1]] if op is _sre_c.SUBPATTERN else av[1]
            subs = [_leading(list(b), limit) for b in parts]
            if any(x is None for x in subs):
                return None
            out = {p + t for p in out for sub, _done in subs for t in sub}  # type: ignore[misc]
            if not all(done for _sub, done in subs):  # type: ignore[misc]
                return (out, False) if len(out) <= limit else None
        elif op in _ZERO or op in _ASSERTS:
            continue
        else:
            return out, False
        if len(out) > limit:
            return None
    return out, True


@memoized
def leading_literals(pattern: re.Pattern[str], limit: int = 256) -> tuple[str, ...] | None:
    """Lower-cased texts of which every match of ``pattern`` *starts* with one (its look-behinds
    and other zero-width parts aside): ``(?<!\\w)(?:will|can['’]t) (?P<v>\\w+)`` gives
    ``("can't ", "can’t ", "will ")``. ``None`` when some match could start otherwise, or with a
    text shorter than ``MIN_LITERAL`` characters, holding a line break or a non-ASCII letter with
    case (``str.lower`` and case-insensitive matching may disagree on it). A match then starts at
    an occurrence of one of them, so trying the pattern at those offsets only
    (``finditer_at``) finds every match."""
    try:
        parsed = _sre_parse.parse(*_source(pattern))
    except Exception:  # noqa: BLE001 - an odd pattern only loses the fast path
        return None
    got = _leading(list(parsed), limit)
    if got is None:
        return None
    lits = {t.lower() for t in got[0]}
    if not lits or any(len(t) < MIN_LITERAL or "\n" in t or "\r" in t for t in lits):
        return None
    if not all(c.isascii() or c.lower() == c == c.upper() for t in lits for c in t):
        return None  # a letter with case outside ASCII: case-insensitive matching may differ from str.lower
    # a text that starts with another is implied by it: only the shortest are kept
    return tuple(t for t in sorted(lits) if not any(t != u and t.startswith(u) for u in lits))


@memoized
def _scanner_facts(pattern: re.Pattern[str], max_reach: int) -> tuple[tuple[str, ...] | None, int]:
    """(``required_literals(pattern)``, the margin of a ``Scanner``: one more than the most
    characters a match reads, 0 past ``max_reach`` or unbounded); (None, 0) for an odd pattern."""
    try:
        parsed = _sre_parse.parse(*_source(pattern))
    except Exception:  # noqa: BLE001 - an odd pattern only loses the fast path
        return None, 0
    r = reach(list(parsed))
    # margin 0: the reach is unbounded, so the literals only decide whether to scan at all
    return required_literals(pattern), int(r) + 1 if r <= max_reach else 0


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
        self.literals, self.margin = _scanner_facts(pattern, max_reach)

    def finditer(self, doc: Document) -> Iterator[re.Match[str]]:
        low = lowered(doc) if self.literals and ENABLED else None
        if low is None:
            return self.pattern.finditer(doc.text)
        if not self.margin:
            return self.pattern.finditer(doc.text) if may_match(doc, self.literals) else iter(())
        return self.near(doc, literal_spans(low, self.literals))

    def near(self, doc: Document, found: list[tuple[int, int]] | None) -> Iterator[re.Match[str]]:
        """The matches, given ``found``, the sorted spans of every occurrence of the literals in the
        text (``None``: unknown, the whole text is scanned)."""
        text = doc.text
        if found is None:
            yield from self.pattern.finditer(text)
            return
        if not found:
            return
        if not self.margin:
            yield from self.pattern.finditer(text)
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
