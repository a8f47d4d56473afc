"""Baselines: adopt qa on a corpus that already has findings, and gate only new ones.

``qa baseline PATH... -o qa-baseline.json`` records today's findings; ``qa check --baseline
qa-baseline.json`` suppresses them and reports (and gates) only findings that are not in it.

A finding is matched by its **document** and its **fingerprint**, never by its line or offset,
so edits elsewhere in the file (a paragraph added at the top, a fix three sentences away) leave
it matched. The fingerprint holds only what belongs to the finding itself::

    sha256("qa-fp-2" | rule | normalised matched text | hash(words around it in its sentence))[:32]

* the normalised matched text is the finding's text with Unicode NFC and runs of white space
  (including no-break spaces) collapsed to one space, stripped;
* the words around it are up to ``CONTEXT_WORDS`` words before its start and after its end,
  lower-cased, taken only from the sentence it starts in (before) and the sentence it ends in
  (after): nothing from another sentence, and never the message (a rule may word its message
  from the rest of the document, as the context rules do).

The document is named by where it is, not by its file name alone (``sub/doc.txt`` and
``doc.txt`` are two documents):

* a file: its path **relative to the folder of the baseline file** (so the corpus and its
  baseline can move together, and ``qa check`` may run from any folder);
* a record of a JSON Lines, CSV or Parquet file with an id field: the id alone (a record keeps
  its findings when it moves to another line or file);
* a record without an id (named ``FILE:LINE`` or ``FILE:ROW``): the file's relative path and
  that name.

Two findings with the same document and fingerprint (the same slip in the same words, twice in
one document) are counted: the baseline stores a count, and a third occurrence is new.

File format (JSON, version 2)::

    {"version": 2, "fingerprint": "qa-fp-2",
     "entries": [{"fingerprint", "path", "id", "rule", "text", "count"}, ...],
     "decisions": [{"fingerprint", "decision": "dismiss" | "accept"}, ...]}

``path`` is relative to the baseline file's folder with ``/`` between folders (empty for a
record found by its id), ``id`` is the record id (empty for a whole file). ``entries`` come
from ``qa baseline``; ``decisions`` come from the HTML review page's "Export decisions" button
(a file with only ``decisions`` is a valid baseline too; ``qa review`` writes one). A decision
may also carry ``rule``, ``path``, ``text``, ``reviewer``, ``reason`` and ``time``, which are kept
for people and ignored when matching. A decision with ``"similar"`` instead of ``"fingerprint"``
("ignore all similar") holds ``similar_key(rule, text)``: the rule and the normalised text
without any context, so it dismisses that rule on those words in every document. A *dismissed* fingerprint is
suppressed wherever it occurs (the same rule on the same words in the same sentence context);
*accept* records that a finding is real and suppresses nothing. ``--baseline`` may be given
several times, and may name a folder (every ``*.json`` in it) or a glob; the files are merged.

Version 1 files (documents named by file name, four words of context across sentences) are
still read: their entries and decisions are matched with the version 1 fingerprint, as before,
and ``qa baseline`` rewrites such a file as version 2 (keeping the decisions whose findings it
finds).

Entries that match nothing in this run are **stale** (the finding was fixed or its text
changed); they are reported so the baseline can be regenerated. Only entries for documents that
were checked, and for rules that ran, can be stale.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from qa.model import FileResult

FORMAT_VERSION = 2
#: baseline file versions this qa reads (1: documents by file name, ``FINGERPRINT_V1``)
READS_VERSIONS = (1, 2)
FINGERPRINT_VERSION = "qa-fp-2"
FINGERPRINT_V1 = "qa-fp-1"
#: SARIF ``partialFingerprints`` key for this fingerprint.
SARIF_KEY = "qaFingerprint/v2"
CONTEXT_WORDS = 4
DECISIONS = ("dismiss", "accept")

_WS_RE = re.compile(r"\s+")


class BaselineError(ValueError):
    """A baseline or decisions file that cannot be read or has the wrong shape."""


def normalise(text: str) -> str:
    return _WS_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def similar_key(rule: str, text: str) -> str:
    """The key of "ignore all similar": the rule and the normalised matched text, nothing else
    (not the document, not the words around it)."""
    return _hash("qa-sim-2", str(rule), normalise(text))


def _word_key(span: tuple[int, int]) -> int:
    return span[1]


def _start_key(span: tuple[int, int]) -> int:
    return span[0]


def _words_around(result: FileResult, start: int, end: int, n: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    doc = result.doc
    if doc is None:
        return [], []
    words = doc.words
    i = bisect_right(words, start, key=_word_key)  # words[:i] end at or before start
    j = bisect_left(words, end, key=_start_key)  # words[j:] start at or after end
    return words[max(0, i - n) : i], words[j : j + n]


def context_words(result: FileResult, start: int, end: int, n: int = CONTEXT_WORDS) -> tuple[list[str], list[str]]:
    """Up to ``n`` words before ``start`` in the sentence that holds ``start``, and up to ``n``
    after ``end`` in the sentence that holds the finding's last character (none on a side that
    lies outside every sentence)."""
    doc = result.doc
    if doc is None:
        return [], []
    before, after = _words_around(result, start, end, n)
    first = doc.sentence_of(start)
    last = doc.sentence_of(max(start, end - 1))
    text = doc.text
    return ([text[a:b].lower() for a, b in before if first is not None and a >= first[0]],
            [text[a:b].lower() for a, b in after if last is not None and b <= last[1]])


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _text(result: FileResult, finding: Mapping[str, object]) -> str:
    text = finding.get("text")
    if isinstance(text, str):
        return text
    start, end = int(finding["start"]), int(finding["end"])  # type: ignore[call-overload]
    return result.doc.text[start:end] if result.doc else ""


def fingerprint(result: FileResult, finding: Mapping[str, object]) -> str:
    """The content key of one finding (``finding`` is a ``qa.report.jsonl.finding_dict``): its
    rule, its text and the words around it in its own sentence; not its document, offsets or
    message."""
    start, end = int(finding["start"]), int(finding["end"])  # type: ignore[call-overload]
    before, after = context_words(result, start, end)
    around = _hash(" ".join(before), " ".join(after))[:16]
    return _hash(FINGERPRINT_VERSION, str(finding["rule"]), normalise(_text(result, finding)), around)


def fingerprint_v1(result: FileResult, finding: Mapping[str, object]) -> str:
    """The version 1 fingerprint (document id, rule, text, four words each side across
    sentences), for reading version 1 baselines and decision files."""
    start, end = int(finding["start"]), int(finding["end"])  # type: ignore[call-overload]
    doc = result.doc
    before_spans, after_spans = _words_around(result, start, end, CONTEXT_WORDS)
    text = doc.text if doc is not None else ""
    before = [text[a:b].lower() for a, b in before_spans]
    after = [text[a:b].lower() for a, b in after_spans]
    around = hashlib.sha256((" ".join(before) + "\x1f" + " ".join(after)).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return _hash(FINGERPRINT_V1, result.id, str(finding["rule"]), normalise(_text(result, finding)), around)


def result_fingerprints(result: FileResult, version: int = FORMAT_VERSION) -> list[str]:
    """Fingerprints of ``result.findings``, in order."""
    from qa.report.jsonl import finding_dict

    fp = fingerprint if version == FORMAT_VERSION else fingerprint_v1
    return [fp(result, finding_dict(f, result.doc)) for f in result.findings]


def _abs(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def document_key(result: FileResult) -> tuple[str, str]:
    """``(file, record id)`` naming a result's document: ``(absolute path, "")`` for a file,
    ``(absolute path, "FILE:LINE")`` for a record without an id, ``("", id)`` for a record with
    one (and for a text given without a path)."""
    path = result.path
    if not path or path == "-":
        return "", result.id
    name = Path(path).name
    if result.id == name:
        return _abs(path), ""
    rest = result.id[len(name) + 1 :] if result.id.startswith(name + ":") else ""
    if rest.isdigit():
        return _abs(path), result.id
    return "", result.id


# --------------------------------------------------------------------------- the file
@dataclass(frozen=True)
class Entry:
    fingerprint: str
    id: str  # the record id ("" for a whole file); version 1: the document id
    rule: str
    path: str = ""  # the file, absolute ("" for a record found by its id); version 1: as recorded
    text: str = ""
    count: int = 1
    legacy: bool = field(default=False, compare=False)  # read from a version 1 file

    @property
    def key(self) -> tuple[str, str, str]:
        return self.path, self.id, self.fingerprint

    def shown(self) -> str:
        """The document as the terminal shows it: relative to the current folder."""
        if self.legacy:
            return self.path or self.id
        if not self.path:
            return self.id
        try:
            rel = os.path.relpath(self.path)
        except ValueError:  # another drive
            rel = self.path
        return f"{rel}[{self.id}]" if self.id else rel

    def to_json(self, root: str | None = None) -> dict[str, object]:
        path = self.path
        if path and root is not None:
            try:
                path = os.path.relpath(path, root)
            except ValueError:  # another drive: keep the absolute path
                pass
            path = path.replace(os.sep, "/")
        return {"fingerprint": self.fingerprint, "path": path, "id": self.id, "rule": self.rule,
                "text": self.text, "count": self.count}


@dataclass
class Baseline:
    #: (file, record id, fingerprint) -> entry (see ``document_key``)
    entries: dict[tuple[str, str, str], Entry] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    #: entries and decisions of version 1 files, by their version 1 fingerprint
    legacy: dict[str, Entry] = field(default_factory=dict)
    legacy_decisions: dict[str, str] = field(default_factory=dict)
    #: "ignore all similar" decisions: similar_key -> decision
    similar: dict[str, str] = field(default_factory=dict)

    @property
    def dismissed(self) -> frozenset[str]:
        return frozenset(k for k, v in self.decisions.items() if v == "dismiss")

    @property
    def has_legacy(self) -> bool:
        return bool(self.legacy or self.legacy_decisions)

    def merge(self, other: "Baseline") -> "Baseline":
        def join(mine: dict, theirs: dict) -> dict:
            out = dict(mine)
            for k, e in theirs.items():
                if k in out:  # the same finding recorded twice: keep the larger count
                    e = replace(e, count=max(e.count, out[k].count))
                out[k] = e
            return out

        return Baseline(join(self.entries, other.entries), {**self.decisions, **other.decisions},
                        self.sources + other.sources, join(self.legacy, other.legacy),
                        {**self.legacy_decisions, **other.legacy_decisions},
                        {**self.similar, **other.similar})


def _entry(obj: object, where: str, root: str | None) -> Entry:
    if not isinstance(obj, Mapping) or not isinstance(obj.get("fingerprint"), str):
        raise BaselineError(f"{where}: each entry needs a string 'fingerprint'")
    count = obj.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f"{where}: 'count' must be a positive integer")
    path = str(obj.get("path") or "")
    if root is not None and path:  # version 2: relative to the baseline file's folder
        path = os.path.normpath(os.path.join(root, path.replace("/", os.sep)))
    return Entry(fingerprint=obj["fingerprint"], id=str(obj.get("id") or ""), rule=str(obj.get("rule", "")),
                 path=path, text=str(obj.get("text", "")), count=count, legacy=root is None)


def parse_baseline(data: object, origin: str = "baseline", root: str | os.PathLike[str] | None = None) -> Baseline:
    """Check and convert a decoded baseline or decisions file; ``root`` is the folder its paths
    are relative to (the file's folder; default: the current folder)."""
    if not isinstance(data, Mapping):
        raise BaselineError(f"{origin}: a baseline is a JSON object with 'entries' and/or 'decisions'")
    version = data.get("version", FORMAT_VERSION)
    if version not in READS_VERSIONS or isinstance(version, bool):
        raise BaselineError(f"{origin}: unsupported baseline version {version!r} (this qa reads "
                            f"{' and '.join(map(str, READS_VERSIONS))})")
    if "entries" not in data and "decisions" not in data:
        raise BaselineError(f"{origin}: neither 'entries' nor 'decisions' found; is this a qa baseline?")
    raw_entries = data.get("entries", [])
    raw_decisions = data.get("decisions", [])
    if not isinstance(raw_entries, list) or not isinstance(raw_decisions, list):
        raise BaselineError(f"{origin}: 'entries' and 'decisions' must be lists")
    legacy = version == 1
    base = None if legacy else _abs(str(root) if root is not None else ".")
    entries: dict = {}
    for i, obj in enumerate(raw_entries):
        e = _entry(obj, f"{origin}: entries[{i}]", base)
        k = e.fingerprint if legacy else e.key
        if k in entries:
            e = replace(e, count=e.count + entries[k].count)
        entries[k] = e
    decisions: dict[str, str] = {}
    similar: dict[str, str] = {}
    for i, obj in enumerate(raw_decisions):
        is_similar = isinstance(obj, Mapping) and isinstance(obj.get("similar"), str) and "fingerprint" not in obj
        if not isinstance(obj, Mapping) or not (is_similar or isinstance(obj.get("fingerprint"), str)):
            raise BaselineError(f"{origin}: decisions[{i}] needs a string 'fingerprint' (or 'similar')")
        d = obj.get("decision")
        if d not in DECISIONS:
            raise BaselineError(f"{origin}: decisions[{i}]: decision must be 'dismiss' or 'accept', not {d!r}")
        if is_similar:
            similar[obj["similar"]] = str(d)
        else:
            decisions[obj["fingerprint"]] = str(d)
    if legacy:
        return Baseline(sources=(origin,), legacy=entries, legacy_decisions=decisions, similar=similar)
    return Baseline(entries, decisions, (origin,), similar=similar)


_GLOB_CHARS = re.compile(r"[*?\[]")


def expand_baseline_paths(paths: Sequence[str | Path]) -> list[Path]:
    """A folder stands for every ``*.json`` file in it, a pattern with ``*``, ``?`` or ``[`` for
    the files it matches (sorted); a pattern that matches nothing is an error."""
    import glob

    out: list[Path] = []
    for p in paths:
        s = str(p)
        if os.path.isdir(s):
            found = sorted(Path(s).glob("*.json"))
            if not found:
                raise BaselineError(f"{s}: no *.json baseline or decisions file in this folder")
            out.extend(found)
        elif not os.path.exists(s) and _GLOB_CHARS.search(s):
            found = sorted(Path(x) for x in glob.glob(s, recursive=True) if os.path.isfile(x))
            if not found:
                raise BaselineError(f"{s}: no baseline or decisions file matches this pattern")
            out.extend(found)
        else:
            out.append(Path(s))
    return out


def load_baseline(paths: Sequence[str | Path]) -> Baseline:
    """Read and merge one or more baseline / decisions files."""
    out = Baseline()
    for p in expand_baseline_paths(paths):
        try:
            data = json.loads(Path(p).read_text(encoding="utf-8"))
        except OSError as exc:
            raise BaselineError(f"{p}: cannot read baseline: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise BaselineError(f"{p}: not valid JSON: {exc}") from None
        out = out.merge(parse_baseline(data, str(p), Path(p).absolute().parent))
    return out


def build_baseline(results: Iterable[FileResult], decisions: Mapping[str, str] | None = None,
                   legacy_decisions: Mapping[str, str] | None = None) -> Baseline:
    """A baseline holding every finding of ``results`` (unreadable inputs have none).

    ``legacy_decisions`` (from a version 1 file) become decisions on the findings they match."""
    entries: dict[tuple[str, str, str], Entry] = {}
    kept = dict(decisions or {})
    for r in results:
        if r.error or r.doc is None:
            continue
        path, rec = document_key(r)
        fps = result_fingerprints(r)
        for f, fp in zip(r.findings, fps):
            k = (path, rec, fp)
            if k in entries:
                entries[k] = replace(entries[k], count=entries[k].count + 1)
            else:
                entries[k] = Entry(fp, rec, f.rule, path, normalise(r.doc.text[f.start : f.end]))
        if legacy_decisions:
            for fp, old in zip(fps, result_fingerprints(r, 1)):
                if old in legacy_decisions:
                    kept.setdefault(fp, legacy_decisions[old])
    return Baseline(entries, kept)


def dumps(baseline: Baseline, root: str | os.PathLike[str] | None = None) -> str:
    """Deterministic JSON, paths relative to ``root`` (the baseline file's folder; default: the
    current folder): entries sorted by document, rule and fingerprint; decisions by fingerprint."""
    base = _abs(str(root) if root is not None else ".")
    rows = sorted((e.to_json(base) for e in baseline.entries.values()),
                  key=lambda d: (str(d["path"]), str(d["id"]), str(d["rule"]), str(d["fingerprint"])))
    data: dict[str, object] = {"version": FORMAT_VERSION, "fingerprint": FINGERPRINT_VERSION, "entries": rows}
    if baseline.decisions or baseline.similar:
        data["decisions"] = ([{"fingerprint": k, "decision": v} for k, v in sorted(baseline.decisions.items())]
                             + [{"similar": k, "decision": v} for k, v in sorted(baseline.similar.items())])
    try:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    except UnicodeEncodeError:  # pragma: no cover - json.dumps does not encode
        return json.dumps(data, indent=2) + "\n"


def write_baseline(baseline: Baseline, path: str | Path) -> None:
    from qa.fsutil import atomic_write_bytes

    text = dumps(baseline, Path(path).absolute().parent)
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
    legacy: bool = False  # a version 1 file was read

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
        from qa.report.text import safe

        out.write(f"  {self.describe()}\n")
        if self.legacy:
            out.write("  baseline: a version 1 file (documents named by file name only) was read; "
                      "rerun `qa baseline` to rewrite it as version 2\n")
        for e in self.stale[:limit]:
            times = f" (x{e.count})" if e.count > 1 else ""
            out.write(f"  stale: {safe(e.shown())}: {safe(e.rule)} {safe(repr(e.text))}{times}\n")
        if len(self.stale) > limit:
            out.write(f"  ... and {len(self.stale) - limit} more stale entries\n")


def apply_baseline(results: Sequence[FileResult], baseline: Baseline, settings: object | None = None,
                   rules_run: Iterable[str] | None = None) -> tuple[list[FileResult], Outcome]:
    """Drop findings the baseline knows; rescore each document on its remaining findings.

    ``rules_run`` (codes) limits which entries can be stale; by default every rule counts.
    """
    from qa.config import Settings
    from qa.scoring import score_result

    remaining = {k: e.count for k, e in baseline.entries.items()}
    legacy_left = {k: e.count for k, e in baseline.legacy.items()}
    dismissed = baseline.dismissed
    similar_dismissed = frozenset(k for k, v in baseline.similar.items() if v == "dismiss")
    legacy_dismissed = frozenset(k for k, v in baseline.legacy_decisions.items() if v == "dismiss")
    out: list[FileResult] = []
    outcome = Outcome(legacy=baseline.has_legacy)
    checked: set[tuple[str, str]] = set()
    checked_ids: set[str] = set()
    for r in results:
        if r.error or r.doc is None:
            out.append(r)
            continue
        path, rec = document_key(r)
        checked.add((path, rec))
        checked_ids.add(r.id)
        fps = result_fingerprints(r)
        olds = result_fingerprints(r, 1) if baseline.has_legacy else [""] * len(fps)
        keep = []
        text = r.doc.text
        for f, fp, old in zip(r.findings, fps, olds):
            if (fp in dismissed or old in legacy_dismissed
                    or (similar_dismissed and similar_key(f.rule, text[f.start:f.end]) in similar_dismissed)):
                outcome.dismissed += 1
            elif remaining.get((path, rec, fp), 0) > 0:
                remaining[(path, rec, fp)] -= 1
                outcome.suppressed += 1
            elif legacy_left.get(old, 0) > 0:
                legacy_left[old] -= 1
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
    for k, left in sorted(remaining.items()):
        e = baseline.entries[k]
        if left > 0 and (e.path, e.id) in checked and (codes is None or e.rule in codes):
            outcome.stale.append(replace(e, count=left))
    for k, left in sorted(legacy_left.items()):
        e = baseline.legacy[k]
        if left > 0 and e.id in checked_ids and (codes is None or e.rule in codes):
            outcome.stale.append(replace(e, count=left))
    outcome.stale.sort(key=lambda e: (e.path, e.id, e.rule, e.fingerprint))
    return out, outcome


def decided_findings(result: FileResult, baseline: Baseline) -> list:
    """The findings of ``result`` as review decisions leave them for ``qa clean``: dismissed
    ones dropped (their fixes are not applied), and the unsafe fix of an accepted finding made
    safe (a reviewer has looked at it)."""
    from qa.model import Applicability
    from qa.report.jsonl import finding_dict

    if result.doc is None or not (baseline.decisions or baseline.similar):
        return list(result.findings)
    text = result.doc.text
    out = []
    for f in result.findings:
        fp = fingerprint(result, finding_dict(f, result.doc))
        sim = baseline.similar.get(similar_key(f.rule, text[f.start:f.end]))
        d = baseline.decisions.get(fp) or sim
        if d == "dismiss":
            continue
        if d == "accept" and f.fix is not None and f.fix.applicability == Applicability.UNSAFE:
            f = replace(f, fix=replace(f.fix, applicability=Applicability.SAFE))
        out.append(f)
    return out


__all__ = ["decided_findings", "Baseline", "BaselineError", "Entry", "Outcome", "apply_baseline", "build_baseline", "document_key",
           "dumps", "expand_baseline_paths", "fingerprint", "similar_key", "fingerprint_v1", "load_baseline", "parse_baseline", "result_fingerprints",
           "write_baseline"]
