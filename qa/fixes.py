"""Applying fixes: ``clean_text`` turns findings into a cleaned text and an audit log.

Edits are applied back to front. Fixes that remove text claim their ranges first; an edit that
overlaps or touches one already accepted waits for the next round (see ``select_edits``).
``clean_document_text`` repeats check-and-fix until nothing changes (at most ``max_rounds``), so
cleaning is idempotent. Log offsets refer to the text as it was at the start of their round.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qa.model import Applicability, Edit, Finding


@dataclass(frozen=True)
class LogEntry:
    rule: str
    start: int
    end: int
    before: str
    after: str
    round: int

    def to_json(self, path: str) -> dict[str, object]:
        return {"file": path, "rule": self.rule, "span": [self.start, self.end], "start": self.start,
                "end": self.end, "before": self.before, "after": self.after, "round": self.round}


def _priority(f: Finding) -> tuple[int, int, int, str]:
    """Order in which fixes claim text: removals first (outermost first), then the rest.

    A fix that deletes text (boilerplate lines, glued debris, empty fields) makes any smaller
    repair inside or at the edge of that text moot: inserting a space after ``Parliament.``
    before deleting the promotion glued there would leave a trailing space. So deletions claim
    their ranges before insertions and replacements; within each group the first finding in
    document order wins, and of two deletions starting together the longer one.
    """
    assert f.fix is not None
    removal = all(e.replacement == "" and e.end > e.start for e in f.fix.edits)
    return (0 if removal else 1, f.start, -f.end, f.rule)


def select_edits(findings: Iterable[Finding], unsafe: bool = False) -> list[tuple[str, Edit]]:
    """The edits to apply in one round: no two of them overlap or touch (see ``_overlaps``).

    An edit that conflicts with one already chosen is left out; the next round of checking sees
    the text after the chosen edits and proposes it again if it still applies. The accepted
    ranges are kept sorted (no two of them conflict, so their ends ascend with their starts), and
    an edit is compared only with those that can reach it: a document with thousands of fixes
    costs n log n, not n squared.
    """
    chosen: list[tuple[str, Edit]] = []
    starts: list[int] = []  # the accepted ranges, by start
    ends: list[int] = []
    fixable = [f for f in findings if f.fix is not None and f.fix.edits
               and (unsafe or f.fix.applicability != Applicability.UNSAFE)]
    for f in sorted(fixable, key=_priority):
        edits = f.fix.edits  # type: ignore[union-attr]
        if any(_conflicts(e, starts, ends) for e in edits):
            continue  # conflicts with an accepted fix; the next round will look again
        if _collide(edits):
            continue  # a fix whose own edits collide is malformed: skip it
        for e in edits:
            chosen.append((f.rule, e))
            i = bisect_left(starts, e.start)
            starts.insert(i, e.start)
            ends.insert(i, e.end)
    return chosen


def _conflicts(e: Edit, starts: list[int], ends: list[int]) -> bool:
    """Does ``e`` conflict with one of the accepted ranges? Only a range that ends at or after
    ``e`` starts and starts at or before ``e`` ends can (every case of ``_overlaps``)."""
    i = bisect_left(ends, e.start)
    n = len(starts)
    while i < n and starts[i] <= e.end:
        if _overlaps(e, (starts[i], ends[i])):
            return True
        i += 1
    return False


def _collide(edits: Sequence[Edit]) -> bool:
    """Do two edits of one fix conflict (``_overlaps``, which is symmetric)? In start order, if
    any two do, two neighbours do; a fix of two or three edits is compared pair by pair."""
    if len(edits) <= 3:
        return any(_overlaps(e, (o.start, o.end)) for i, e in enumerate(edits) for o in edits[i + 1 :])
    order = sorted(edits, key=lambda e: (e.start, e.end))
    return any(_overlaps(e, (o.start, o.end)) for e, o in zip(order, order[1:]))


def _overlaps(e: Edit, t: tuple[int, int]) -> bool:
    """Do edit ``e`` and the accepted range ``t`` conflict?

    Two replacements of non-empty ranges conflict when the ranges share a character (adjacent
    ranges do not). An insertion (empty range) conflicts with a range it touches, including its
    edges, and with another insertion at the same point: applied together, the result would
    depend on the order (an inserted space would survive next to deleted text).
    """
    a, b = t
    if e.start == e.end:
        return a <= e.start <= b
    if a == b:
        return e.start <= a <= e.end
    return e.start < b and a < e.end


def apply_edits(text: str, edits: Sequence[tuple[str, Edit]], rnd: int = 1) -> tuple[str, list[LogEntry]]:
    """``text`` with ``edits`` applied back to front (of two at the same place, the one given
    first is applied first), and the log of the round, in text order. Edits that do not overlap
    (``select_edits``'s) are joined in one pass; others are applied one by one, each on the text
    the previous ones left."""
    order = sorted(edits, key=lambda x: (x[1].start, x[1].end), reverse=True)
    order.reverse()  # the order of the log: front to back
    if all(e.end <= o.start for (_, e), (_, o) in zip(order, order[1:])):
        parts: list[str] = []
        log: list[LogEntry] = []
        pos = 0
        for rule, e in order:
            parts.append(text[pos : e.start])
            parts.append(e.replacement)
            log.append(LogEntry(rule, e.start, e.end, text[e.start : e.end], e.replacement, rnd))
            pos = e.end
        parts.append(text[pos:])
        return "".join(parts), log
    out = text
    log = []
    for rule, e in reversed(order):
        log.append(LogEntry(rule, e.start, e.end, out[e.start : e.end], e.replacement, rnd))
        out = out[: e.start] + e.replacement + out[e.end :]
    log.reverse()
    return out, log


def undo(text: str, log: Sequence[LogEntry]) -> str:
    """The text before cleaning, rebuilt from the cleaned text and its log (the audit trail).

    Rounds are undone last first. Within a round, entries hold offsets into the round's input;
    each is shifted by the length change of the entries before it, then reversed (in one pass
    when the shifted entries do not overlap, as ``apply_edits`` writes them).
    """
    out = text
    for rnd in sorted({e.round for e in log}, reverse=True):
        entries = sorted((e for e in log if e.round == rnd), key=lambda e: (e.start, e.end))
        shift = 0
        located: list[tuple[int, LogEntry]] = []
        for e in entries:
            located.append((e.start + shift, e))
            shift += len(e.after) - (e.end - e.start)
        separate = all(p + len(e.after) <= q for (p, e), (q, _) in zip(located, located[1:]))
        if separate:
            for pos, e in reversed(located):  # the same entry is named as one by one would name it
                if out[pos : pos + len(e.after)] != e.after:
                    raise ValueError(f"log does not match the text at {pos} ({e.rule})")
            parts: list[str] = []
            cur = 0
            for pos, e in located:
                parts.append(out[cur:pos])
                parts.append(e.before)
                cur = pos + len(e.after)
            parts.append(out[cur:])
            out = "".join(parts)
            continue
        for pos, e in reversed(located):
            if out[pos : pos + len(e.after)] != e.after:
                raise ValueError(f"log does not match the text at {pos} ({e.rule})")
            out = out[:pos] + e.before + out[pos + len(e.after) :]
    return out


@dataclass
class CleanResult:
    text: str
    log: list[LogEntry]
    rounds: int


def clean_document_text(text: str, check, unsafe: bool = False, max_rounds: int = 5) -> CleanResult:
    """Check, fix, and check again until no fix applies. ``check(text)`` returns findings."""
    log: list[LogEntry] = []
    current = text
    rnd = 0
    for rnd in range(1, max_rounds + 1):
        edits = select_edits(check(current), unsafe)
        if not edits:
            break
        current, entries = apply_edits(current, edits, rnd)
        log.extend(entries)
    return CleanResult(current, log, rnd)
