"""Run summaries: ``qa check --summary FILE`` (JSON), ``qa report RESULTS... --out DIR`` (HTML and
Markdown with inline SVG plots) and ``qa.to_frame`` (pandas).

``Tally`` reads each result as it arrives (a ``FileResult``, or a ``RenderedResult`` of a
streaming JSON Lines run, whose line it parses) and keeps only counts: findings per rule, per
category and per severity, documents with a finding of each category, verdicts, a histogram of
scores in one-point bins, the lowest-scoring documents and counts per source. Memory does not
grow with the corpus. Everything in the summary but the ``timing`` object is deterministic.
"""

from __future__ import annotations

import heapq
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping

SUMMARY_VERSION = 1
WORST = 20


def source_of(path: str, doc_id: str) -> str:
    """The group a document is counted under: its folder for a file, its file for a record."""
    base = os.path.basename(path)
    return path if doc_id != base else (os.path.dirname(path) or ".")


class Tally:
    def __init__(self) -> None:
        self.documents = 0
        self.errors = 0
        self.rules: Counter[str] = Counter()
        self.names: dict[str, tuple[str, str]] = {}
        self.categories: Counter[str] = Counter()
        self.category_docs: Counter[str] = Counter()
        self.severities: Counter[str] = Counter()
        self.verdicts: Counter[str] = Counter()
        self.bins = [0] * 101
        self.score_sum = 0.0
        self.sources: dict[str, Counter[str]] = {}
        self._worst: list[tuple[float, int, str, str]] = []  # max-heap by (-score): the lowest WORST
        self._n = 0

    def add(self, res: object) -> None:
        """Count one result: a ``FileResult``, a ``RenderedResult`` or a JSON Lines result object."""
        if isinstance(res, Mapping):
            from types import SimpleNamespace

            res = SimpleNamespace(path=res.get("path", ""), id=res.get("id", ""), error=res.get("error"),
                                  verdict=res.get("verdict", "pass"), score=res.get("score", 100.0), findings=None,
                                  data=b"", obj=res)
        path, doc_id = getattr(res, "path", ""), getattr(res, "id", "")
        src = self.sources.setdefault(source_of(path, doc_id), Counter())
        if getattr(res, "error", None):
            self.errors += 1
            src["errors"] += 1
            return
        counts, cats, sev, names = self._counts(res)
        self.documents += 1
        src["documents"] += 1
        src["findings"] += sum(counts.values())
        self.rules.update(counts)
        self.names.update(names)
        self.categories.update(cats)
        self.category_docs.update(c for c, n in cats.items() if n)
        self.severities.update(sev)
        verdict, score = getattr(res, "verdict", "pass"), float(getattr(res, "score", 100.0))
        self.verdicts[verdict] += 1
        src[verdict] += 1
        self.bins[min(100, max(0, int(score)))] += 1
        self.score_sum += score
        self._n += 1
        item = (-score, -self._n, path, doc_id)
        if len(self._worst) < WORST:
            heapq.heappush(self._worst, item)
        elif item > self._worst[0]:
            heapq.heapreplace(self._worst, item)

    @staticmethod
    def _counts(res: object):
        findings = getattr(res, "findings", None)
        if findings is not None:
            counts: Counter[str] = Counter(f.rule for f in findings)
            cats: Counter[str] = Counter(f.category for f in findings)
            sev: Counter[str] = Counter(str(f.severity) for f in findings)
            names = {f.rule: (f.name, f.category) for f in findings}
            return counts, cats, sev, names
        obj = getattr(res, "obj", None)
        if obj is None:
            data = getattr(res, "data", b"")  # a streamed JSON line: read the counts it holds
            obj = json.loads(data) if data else {}
        fs = obj.get("findings") or []
        return (Counter(f["rule"] for f in fs), Counter(f["category"] for f in fs),
                Counter(f["severity"] for f in fs), {f["rule"]: (f["name"], f["category"]) for f in fs})

    def quantile(self, q: float) -> float:
        """The score below which a share ``q`` of documents fall (one-point bins: lower bound)."""
        if not self._n:
            return 0.0
        need = q * self._n
        acc = 0
        for i, n in enumerate(self.bins):
            acc += n
            if acc >= need and n:
                return float(i)
        return 100.0

    def as_dict(self, timing: Mapping[str, object] | None = None) -> dict[str, object]:
        n = max(self.documents, 1)
        worst = sorted(self._worst, reverse=True)
        return {
            "version": SUMMARY_VERSION,
            "documents": self.documents,
            "errors": self.errors,
            "findings": sum(self.rules.values()),
            "severities": dict(sorted(self.severities.items())),
            "verdicts": dict(sorted(self.verdicts.items())),
            "rules": [{"rule": r, "name": self.names.get(r, ("", ""))[0], "category": self.names.get(r, ("", ""))[1],
                       "findings": c} for r, c in sorted(self.rules.items(), key=lambda x: (-x[1], x[0]))],
            "categories": {c: {"findings": self.categories[c], "documents": self.category_docs[c],
                               "document_rate": round(self.category_docs[c] / n, 4),
                               "findings_per_document": round(self.categories[c] / n, 4)}
                           for c in sorted(self.categories)},
            "scores": {"mean": round(self.score_sum / n, 2) if self.documents else None,
                       "min": self.quantile(0.0) if self.documents else None,
                       "p10": self.quantile(0.1), "median": self.quantile(0.5), "p90": self.quantile(0.9),
                       "histogram": [{"from": 10 * i, "to": 10 * i + 10,
                                      "documents": sum(self.bins[10 * i:10 * i + 10]) + (self.bins[100] if i == 9 else 0)}
                                     for i in range(10)]},
            "worst": [{"path": p, "id": i, "score": -s} for s, _k, p, i in worst],
            "sources": {k: dict(sorted(v.items())) for k, v in sorted(self.sources.items())},
            "timing": dict(timing or {}),
        }


def write_summary(tally: Tally, path, timing: Mapping[str, object] | None = None) -> None:
    from pathlib import Path

    from qa.fsutil import atomic_write_text

    atomic_write_text(Path(path), json.dumps(tally.as_dict(timing), ensure_ascii=False, indent=1) + "\n")


# --------------------------------------------------------------------------- pandas
FINDING_COLUMNS = ("path", "id", "rule", "name", "category", "severity", "start", "end", "line", "column",
                   "end_line", "end_column", "text", "message", "suggestion", "confidence",
                   "fix_applicability", "fix_title", "fix_edits", "fix_start", "fix_end", "fix_replacement")


def to_frame(results: Iterable[object], documents: bool = False):
    """A tidy DataFrame of results (``FileResult``s, or result objects read from JSON Lines).

    One row per finding (columns ``FINDING_COLUMNS``: the fix flattened into its applicability,
    title, number of edits, and the span and replacement of its edits joined: ``fix_start`` is
    the first edit's start, ``fix_end`` the last edit's end, ``fix_replacement`` the text the
    first edit puts in); or with ``documents=True`` one row per document (path, id, language,
    score, verdict, error, findings, a count per severity and per category, and the duplicate
    cluster columns ``duplicate_kind``, ``duplicate_of``, ``duplicate_cluster``,
    ``duplicate_similarity``)."""
    import pandas as pd

    from qa.model import CATEGORIES
    from qa.report.jsonl import result_dict

    dicts = (r if isinstance(r, Mapping) else result_dict(r) for r in results)  # type: ignore[arg-type]
    rows: list[dict[str, object]] = []
    if documents:
        for d in dicts:
            fs = d.get("findings") or []
            row: dict[str, object] = {k: d.get(k) for k in ("path", "id", "language", "score", "verdict", "error")}
            row["findings"] = len(fs)
            for s in ("error", "warning", "info"):
                row[f"{s}_findings"] = sum(1 for f in fs if f["severity"] == s)
            for c in CATEGORIES:
                row[f"cat_{c}"] = sum(1 for f in fs if f["category"] == c)
            dup = d.get("duplicate") or {}
            for k in ("kind", "of", "cluster", "similarity"):
                row[f"duplicate_{k}"] = dup.get(k)
            rows.append(row)
        return pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
    for d in dicts:
        for f in d.get("findings") or []:
            fix = f.get("fix") or {}
            edits = fix.get("edits") or []
            row = {k: f.get(k) for k in FINDING_COLUMNS[2:16]}
            row = {"path": d["path"], "id": d["id"], **row,
                   "fix_applicability": fix.get("applicability"), "fix_title": fix.get("title"),
                   "fix_edits": len(edits),
                   "fix_start": edits[0]["start"] if edits else None,
                   "fix_end": edits[-1]["end"] if edits else None,
                   "fix_replacement": edits[0]["replacement"] if edits else None}
            rows.append(row)
    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    for col in ("fix_edits",):
        frame[col] = frame[col].astype("int64")
    for col in ("fix_start", "fix_end"):
        frame[col] = frame[col].astype("Int64")
    return frame
