"""Applying fixes: ``clean_text`` turns findings into a cleaned text and an audit log.

Edits are applied back to front. An edit that overlaps one already accepted is skipped (the
first finding in document order wins) and reported in the log as skipped. ``clean`` repeats
check-and-fix until nothing changes (at most ``max_rounds``), so cleaning is idempotent.
"""

from __future__ import annotations

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
        return {"file": path, "rule": self.rule, "start": self.start, "end": self.end,
                "before": self.before, "after": self.after, "round": self.round}


def select_edits(findings: Iterable[Finding], unsafe: bool = False) -> list[tuple[str, Edit]]:
    chosen: list[tuple[str, Edit]] = []
    taken: list[tuple[int, int]] = []
    for f in sorted(findings, key=lambda f: f.sort_key):
        if f.fix is None:
            continue
        if f.fix.applicability == Applicability.UNSAFE and not unsafe:
            continue
        edits = f.fix.edits
        if any(_overlaps(e, t) for e in edits for t in taken):
            continue  # overlaps an accepted fix; the next round will look again
        for e in edits:
            chosen.append((f.rule, e))
            taken.append((e.start, e.end))
    return chosen


def _overlaps(e: Edit, t: tuple[int, int]) -> bool:
    a, b = t
    if e.start == e.end:  # an insertion conflicts inside a range or at the same point
        return a < e.start < b or a == b == e.start
    if a == b:
        return e.start < a < e.end
    return e.start < b and a < e.end


def apply_edits(text: str, edits: Sequence[tuple[str, Edit]], rnd: int = 1) -> tuple[str, list[LogEntry]]:
    out = text
    log: list[LogEntry] = []
    for rule, e in sorted(edits, key=lambda x: (x[1].start, x[1].end), reverse=True):
        log.append(LogEntry(rule, e.start, e.end, out[e.start : e.end], e.replacement, rnd))
        out = out[: e.start] + e.replacement + out[e.end :]
    log.reverse()
    return out, log


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
