"""JSON Lines: one object per document, in input order (the versioned output contract).

Contract version 1 (see README, "Output contract")::

  {"path", "id", "language", "score", "verdict", "counts", "error", "findings": [
     {"rule", "name", "category", "severity", "start", "end", "line", "column", "end_line",
      "end_column", "text", "message", "suggestion", "confidence", "fix"}]}

Keys are written in this order, without timestamps, so the same input and configuration give
byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from qa.document import Document
from qa.model import FileResult, Finding

CONTRACT_VERSION = 1


def finding_dict(f: Finding, doc: Document | None) -> dict[str, object]:
    line, col = doc.line_col(f.start) if doc else (0, 0)
    end_line, end_col = doc.line_col(f.end) if doc else (0, 0)
    return {
        "rule": f.rule,
        "name": f.name,
        "category": f.category,
        "severity": str(f.severity),
        "start": f.start,
        "end": f.end,
        "line": line,
        "column": col,
        "end_line": end_line,
        "end_column": end_col,
        "text": doc.text[f.start : f.end] if doc else "",
        "message": f.message,
        "suggestion": f.suggestion,
        "confidence": f.confidence,
        "fix": f.fix.to_json() if f.fix else None,
    }


def result_dict(r: FileResult) -> dict[str, object]:
    return {
        "path": r.path,
        "id": r.id,
        "language": r.language,
        "score": r.score,
        "verdict": r.verdict,
        "counts": r.counts,
        "error": r.error,
        "findings": [finding_dict(f, r.doc) for f in r.findings],
    }


def finding_json(f: Finding, doc: Document | None) -> str:
    """One finding as JSON text: what ``dumps`` writes for it."""
    return json.dumps(finding_dict(f, doc), ensure_ascii=False)


def dumps(r: FileResult) -> str:
    """The result as one JSON line. Findings rendered in a worker (``r.rendered``) are joined as
    they are; the text is the same as ``json.dumps(result_dict(r))`` either way."""
    if not r.rendered:
        return json.dumps(result_dict(r), ensure_ascii=False)
    head = result_dict(FileResult(r.path, r.id, None, [], r.language, r.score, r.verdict, r.error))
    head["counts"] = r.counts
    text = json.dumps(head, ensure_ascii=False)
    assert text.endswith(', "findings": []}')
    done = {id(f): t for f, t in zip(*r.rendered)}  # by identity: no hashing of findings
    parts = [done.get(id(f)) or finding_json(f, r.doc) for f in r.findings]
    return text[:-3] + "[" + ", ".join(parts) + "]}"


def write(results: Iterable[FileResult], out: IO[str]) -> None:
    for r in results:
        out.write(dumps(r))
        out.write("\n")
