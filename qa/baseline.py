"""Baselines: adopt qa on a corpus that already has findings, and gate only new ones.

``qa baseline PATH... -o qa-baseline.json`` records today's findings; ``qa check --baseline
qa-baseline.json`` suppresses them and reports (and gates) only findings that are not in it.

A finding is matched by its **fingerprint**, never by its line or offset, so edits elsewhere in
the file (a paragraph added at the top, a fix three sentences away) leave it matched::

    sha256("qa-fp-1" | document id | rule | normalised matched text | hash(words around it))[:32]

* the normalised matched text is the finding's text with Unicode NFC and runs of white space
  (including no-break spaces) collapsed to one space, stripped;
* the words around it are the ``CONTEXT_WORDS`` words before its start and after its end
  (lower-cased; white space and punctuation between them do not count);
* the document id is the file name for ``.txt``/``.md`` inputs, the id field for JSON Lines.

Two findings with the same fingerprint (the same slip in the same words, twice in one document)
are counted: the baseline stores a count, and a third occurrence is new.

File format (JSON, version 1)::

    {"version": 1,
     "entries": [{"fingerprint", "id", "path", "rule", "text", "count"}, ...],
     "decisions": [{"fingerprint", "decision": "dismiss" | "accept"}, ...]}

``entries`` come from ``qa baseline``; ``decisions`` come from the HTML review page's
"Export decisions" button (a file with only ``decisions`` is a valid baseline too). A
*dismissed* fingerprint is suppressed wherever it occurs; *accept* records that a finding is real
and suppresses nothing. ``--baseline`` may be given several times; the files are merged.

Entries that match nothing in this run are **stale** (the finding was fixed or its text
changed); they are reported so the baseline can be regenerated. Only entries for documents that
were checked, and for rules that ran, can be stale.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from qa.model import FileResult

FORMAT_VERSION = 1
FINGERPRINT_VERSION = "qa-fp-1"
#: SARIF ``partialFingerprints`` key for this fingerprint.
SARIF_KEY = "qaFingerprint/v1"
CONTEXT_WORDS = 4
DECISIONS = ("dismiss", "accept")

_WS_RE = re.compile(r"\s+")


class BaselineError(ValueError):
    """A baseline or decisions file that cannot be read or has the wrong shape."""


def normalise(text: str) -> str:
    return _WS_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _word_key(span: tuple[int, int]) -> int:
    return span[1]


def _start_key(span: tuple[int, int]) -> int:
    return span[0]


def context_words(result: FileResult, start: int, end: int, n: int = CONTEXT_WORDS) -> tuple[list[str], list[str]]:
    """The ``n`` words that end at or before ``start`` and the ``n`` that begin at or after ``end``."""
    doc = result.doc
    if doc is None:
        return [], []
    words = doc.words
    i = bisect_right(words, start, key=_word_key)  # words[:i] end at or before start
    j = bisect_left(words, end, key=_start_key)  # words[j:] start at or after end
    text = doc.text
    before = [text[a:b].lower() for a, b in words[max(0, i - n) : i]]
    after = [text[a:b].lower() for a, b in words[j : j + n]]
    return before, after


def fingerprint(result: FileResult, finding: Mapping[str, object]) -> str:
    """The content key of one finding (``finding`` is a ``qa.report.jsonl.finding_dict``)."""
    start, end = int(finding["start"]), int(finding["end"])  # type: ignore[call-overload]
    text = finding.get("text")
    if not isinstance(text, str):
        text = result.doc.text[start:end] if result.doc else ""
    before, after = context_words(result, start, end)
    around = hashlib.sha256((" ".join(before) + "\x1f" + " ".join(after)).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    raw = "\x1e".join((FINGERPRINT_VERSION, result.id, str(finding["rule"]), normalise(text), around))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def result_fingerprints(result: FileResult) -> list[str]:
    """Fingerprints of ``result.findings``, in order."""
    from qa.report.jsonl import finding_dict

    return [fingerprint(result, finding_dict(f, result.doc)) for f in result.findings]


# --------------------------------------------------------------------------- the file
@dataclass(frozen=True)
class Entry:
    fingerprint: str
    id: str
    rule: str
    path: str = ""
    text: str = ""
    count: int = 1

    def to_json(self) -> dict[str, object]:
        return {"fingerprint": self.fingerprint, "id": self.id, "path": self.path, "rule": self.rule,
                "text": self.text, "count": self.count}


@dataclass
class Baseline:
    entries: dict[str, Entry] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    @property
    def dismissed(self) -> frozenset[str]:
        return frozenset(k for k, v in self.decisions.items() if v == "dismiss")

    def merge(self, other: "Baseline") -> "Baseline":
        entries = dict(self.entries)
        for fp, e in other.entries.items():
            if fp in entries:  # the same finding recorded twice: keep the larger count
                e = replace(e, count=max(e.count, entries[fp].count))
            entries[fp] = e
        return Baseline(entries, {**self.decisions, **other.decisions}, self.sources + other.sources)


def _entry(obj: object, where: str) -> Entry:
    if not isinstance(obj, Mapping) or not isinstance(obj.get("fingerprint"), str):
        raise BaselineError(f"{where}: each entry needs a string 'fingerprint'")
    count = obj.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f"{where}: 'count' must be a positive integer")
    return Entry(fingerprint=obj["fingerprint"], id=str(obj.get("id", "")), rule=str(obj.get("rule", "")),
                 path=str(obj.get("path", "")), text=str(obj.get("text", "")), count=count)


def parse_baseline(data: object, origin: str = "baseline") -> Baseline:
    """Check and convert a decoded baseline or decisions file."""
    if not isinstance(data, Mapping):
        raise BaselineError(f"{origin}: a baseline is a JSON object with 'entries' and/or 'decisions'")
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise BaselineError(f"{origin}: unsupported baseline version {version!r} (this qa reads {FORMAT_VERSION})")
    if "entries" not in data and "decisions" not in data:
        raise BaselineError(f"{origin}: neither 'entries' nor 'decisions' found; is this a qa baseline?")
    raw_entries = data.get("entries", [])
    raw_decisions = data.get("decisions", [])
    if not isinstance(raw_entries, list) or not isinstance(raw_decisions, list):
        raise BaselineError(f"{origin}: 'entries' and 'decisions' must be lists")
    entries: dict[str, Entry] = {}
    for i, obj in enumerate(raw_entries):
        e = _entry(obj, f"{origin}: entries[{i}]")
        if e.fingerprint in entries:
            e = replace(e, count=e.count + entries[e.fingerprint].count)
        entries[e.fingerprint] = e
    decisions: dict[str, str] = {}
    for i, obj in enumerate(raw_decisions):
        if not isinstance(obj, Mapping) or not isinstance(obj.get("fingerprint"), str):
            raise BaselineError(f"{origin}: decisions[{i}] needs a string 'fingerprint'")
        d = obj.get("decision")
        if d not in DECISIONS:
            raise BaselineError(f"{origin}: decisions[{i}]: decision must be 'dismiss' or 'accept', not {d!r}")
        decisions[obj["fingerprint"]] = str(d)
    return Baseline(entries, decisions, (origin,))


def load_baseline(paths: Sequence[str | Path]) -> Baseline:
    """Read and merge one or more baseline / decisions files."""
    out = Baseline()
    for p in paths:
        try:
            data = json.loads(Path(p).read_text(encoding="utf-8"))
        except OSError as exc:
            raise BaselineError(f"{p}: cannot read baseline: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise BaselineError(f"{p}: not valid JSON: {exc}") from None
        out = out.merge(parse_baseline(data, str(p)))
    return out


def build_baseline(results: Iterable[FileResult], decisions: Mapping[str, str] | None = None) -> Baseline:
    """A baseline holding every finding of ``results`` (unreadable inputs have none)."""
    entries: dict[str, Entry] = {}
    for r in results:
        if r.error or r.doc is None:
            continue
        for f, fp in zip(r.findings, result_fingerprints(r)):
            if fp in entries:
                entries[fp] = replace(entries[fp], count=entries[fp].count + 1)
            else:
                entries[fp] = Entry(fp, r.id, f.rule, r.path, normalise(r.doc.text[f.start : f.end]))
    return Baseline(entries, dict(decisions or {}))


def dumps(baseline: Baseline) -> str:
    """Deterministic JSON: entries sorted by document, rule and fingerprint; decisions by fingerprint."""
    entries = sorted(baseline.entries.values(), key=lambda e: (e.id, e.path, e.rule, e.fingerprint))
    data: dict[str, object] = {"version": FORMAT_VERSION, "fingerprint": FINGERPRINT_VERSION,
                               "entries": [e.to_json() for e in entries]}
    if baseline.decisions:
        data["decisions"] = [{"fingerprint": k, "decision": v} for k, v in sorted(baseline.decisions.items())]
    try:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    except UnicodeEncodeError:  # pragma: no cover - json.dumps does not encode
        return json.dumps(data, indent=2) + "\n"


def write_baseline(baseline: Baseline, path: str | Path) -> None:
    from qa.fsutil import atomic_write_bytes

    text = dumps(baseline)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from a JSON Lines input
        data = json.dumps(json.loads(text), indent=2, ensure_ascii=True).encode("ascii") + b"\n"
    atomic_write_bytes(path, data)


# --------------------------------------------------------------------------- applying it
@dataclass
class Outcome:
    """What a baseline did to a run."""

    suppressed: int = 0  # findings matched by an entry
    dismissed: int = 0  # findings matched by a dismiss decision
    stale: list[Entry] = field(default_factory=list)  # entries (with the unmatched count) matching nothing
    new: int = 0  # findings left

    def describe(self) -> str:
        parts = [f"{self.new} new finding(s)", f"{self.suppressed} in the baseline"]
        if self.dismissed:
            parts.append(f"{self.dismissed} dismissed")
        if self.stale:
            n = sum(e.count for e in self.stale)
            parts.append(f"{n} stale baseline entr{'y' if n == 1 else 'ies'} (fixed or changed; "
                         "rerun `qa baseline` to drop them)")
        return "baseline: " + ", ".join(parts)

    def report(self, out: "IO[str]", limit: int = 10) -> None:
        """The summary line and the first ``limit`` stale entries, for the terminal."""
        out.write(f"  {self.describe()}\n")
        for e in self.stale[:limit]:
            times = f" (x{e.count})" if e.count > 1 else ""
            from qa.report.text import safe

            out.write(f"  stale: {safe(e.path or e.id)}: {safe(e.rule)} {safe(repr(e.text))}{times}\n")
        if len(self.stale) > limit:
            out.write(f"  ... and {len(self.stale) - limit} more stale entries\n")


def apply_baseline(results: Sequence[FileResult], baseline: Baseline, settings: object | None = None,
                   rules_run: Iterable[str] | None = None) -> tuple[list[FileResult], Outcome]:
    """Drop findings the baseline knows; rescore each document on its remaining findings.

    ``rules_run`` (codes) limits which entries can be stale; by default every rule counts.
    """
    from qa.config import Settings
    from qa.scoring import score_result

    remaining = {fp: e.count for fp, e in baseline.entries.items()}
    dismissed = baseline.dismissed
    out: list[FileResult] = []
    outcome = Outcome()
    checked: set[str] = set()
    for r in results:
        if r.error or r.doc is None:
            out.append(r)
            continue
        checked.add(r.id)
        keep = []
        for f, fp in zip(r.findings, result_fingerprints(r)):
            if fp in dismissed:
                outcome.dismissed += 1
            elif remaining.get(fp, 0) > 0:
                remaining[fp] -= 1
                outcome.suppressed += 1
            else:
                keep.append(f)
        outcome.new += len(keep)
        if len(keep) == len(r.findings):
            out.append(r)
            continue
        nr = replace(r, findings=keep)
        score_result(nr, settings if isinstance(settings, Settings) else Settings())
        out.append(nr)
    codes = set(rules_run) if rules_run is not None else None
    for fp, left in sorted(remaining.items()):
        e = baseline.entries[fp]
        if left > 0 and e.id in checked and (codes is None or e.rule in codes):
            outcome.stale.append(replace(e, count=left))
    outcome.stale.sort(key=lambda e: (e.id, e.rule, e.fingerprint))
    return out, outcome


__all__ = ["Baseline", "BaselineError", "Entry", "Outcome", "apply_baseline", "build_baseline", "dumps",
           "fingerprint", "load_baseline", "parse_baseline", "result_fingerprints", "write_baseline"]
