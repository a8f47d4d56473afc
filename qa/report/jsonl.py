"""JSON Lines: one object per document, in input order (the versioned output contract).

Contract version 2 (see README, "Output contract")::

  {"path", "id", "language", "score", "verdict", "counts", "error", "findings": [
     {"rule", "name", "category", "severity", "start", "end", "line", "column", "end_line",
      "end_column", "text", "message", "suggestion", "confidence", "fix",
      "segment", "source_start", "source_end"}]}

The last three keys (version 2) are written only for findings in bilingual documents (XLIFF,
PO, TMX, source/target JSON Lines): the segment id and the span in the source text (or nulls).

``confidence`` is the rule's measured precision from ``rules/evidence.yaml`` (version 2; version 1
had a confidence the rule set itself), or null when the rule has no or too little evidence.
Keys are written in this order, without timestamps, so the same input and configuration give
byte-identical output.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Iterable
from typing import IO

from qa.document import Document
from qa.model import FileResult, Finding

CONTRACT_VERSION = 2


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
    } | ({"segment": f.segment, "source_start": f.source_start, "source_end": f.source_end}
         if f.segment is not None else {})


def duplicate_field(findings) -> dict[str, object] | None:
    """The document-level ``duplicate`` object, from a duplicate rule's finding (DUP101, DUP102):
    ``{"kind": "exact"|"near", "of": earlier document, "cluster": first document, "similarity"}``."""
    for f in findings:
        if f.data and f.category == "duplicate":
            return dict(f.data)
    return None


def result_dict(r: FileResult) -> dict[str, object]:
    out: dict[str, object] = {
        "path": r.path,
        "id": r.id,
        "language": r.language,
        "score": r.score,
        "verdict": r.verdict,
        "counts": r.counts,
        "error": r.error,
    }
    dup = duplicate_field(r.findings)
    if dup is not None:
        out["duplicate"] = dup
    out["findings"] = [finding_dict(f, r.doc) for f in r.findings]
    return out


#: the string encoder ``json.dumps(..., ensure_ascii=False)`` uses (C); numbers are written as
#: ``json`` writes them (``int.__repr__``, ``float.__repr__`` for finite floats)
_enc = json.encoder.encode_basestring
#: the JSON text of the leading keys (rule, name, category, severity) of each rule's findings
_HEADS: dict[tuple[object, ...], str] = {}


def _num(x: object) -> str:
    t = type(x)
    if t is int:
        return int.__repr__(x)  # type: ignore[arg-type]
    if t is float and math.isfinite(x):  # type: ignore[arg-type]
        return float.__repr__(x)  # type: ignore[arg-type]
    return json.dumps(x)


#: the JSON text that opens each kind of fix (applicability and title), up to its edits
_FIX_HEADS: dict[tuple[str, object], str] = {}
_INF = (math.inf, -math.inf)


def _fix_json(fix) -> str:
    key = (str(fix.applicability), fix.title)
    head = _FIX_HEADS.get(key)
    if head is None:
        head = f'{{"applicability": {_enc(key[0])}, "title": {_enc(fix.title)}, "edits": ['
        if len(_FIX_HEADS) < 8192:
            _FIX_HEADS[key] = head
    parts = []
    for e in fix.edits:
        a, b = e.start, e.end
        parts.append(f'{{"start": {a if type(a) is int else _num(a)}, "end": {b if type(b) is int else _num(b)}, '
                     f'"replacement": {_enc(e.replacement)}}}')
    return head + ", ".join(parts) + "]}"


def _seg_json(f: Finding) -> str:
    if f.segment is None:
        return ""
    a, b = f.source_start, f.source_end
    return (f', "segment": {_enc(f.segment)}, "source_start": {"null" if a is None else _num(a)}, '
            f'"source_end": {"null" if b is None else _num(b)}')


def finding_json(f: Finding, doc: Document | None) -> str:
    """One finding as JSON text: what ``dumps`` writes for it, byte for byte the same as
    ``json.dumps(finding_dict(f, doc), ensure_ascii=False)``, written directly (several times
    faster: a corpus run writes tens of thousands of findings per megabyte of text). What is the
    same for every finding of a rule (its leading keys) and of a kind of fix is written once;
    integers and finite floats are written as ``json`` writes them (``int.__repr__``,
    ``float.__repr__``), anything else by ``json`` itself."""
    try:
        sev = f.severity
        key = (f.rule, f.name, f.category, sev if type(sev) is str else str(sev))
        head = _HEADS.get(key)
        if head is None:
            head = _head_json(key)
        start, end = f.start, f.end
        if doc is not None:
            starts = doc.line_starts
            i = bisect_right(starts, start) - 1
            j = bisect_right(starts, end) - 1
            pos = (f'"line": {i + 1}, "column": {start - starts[i] + 1}, '
                   f'"end_line": {j + 1}, "end_column": {end - starts[j] + 1}, "text": {_enc(doc.text[start:end])}')
        else:
            pos = '"line": 0, "column": 0, "end_line": 0, "end_column": 0, "text": ""'
        sug = f.suggestion
        fix = f.fix
        conf = f.confidence
        if type(conf) is float and conf == conf and conf not in _INF:
            conf_text = float.__repr__(conf)
        else:
            conf_text = "null" if conf is None else _num(conf)
        return (f'{head}{start if type(start) is int else _num(start)}, "end": {end if type(end) is int else _num(end)}, '
                f'{pos}, "message": {_enc(f.message)}, '
                f'"suggestion": {"null" if sug is None else _enc(sug)}, "confidence": {conf_text}, '
                f'"fix": {"null" if fix is None else _fix_json(fix)}{"" if f.segment is None else _seg_json(f)}}}')
    except (TypeError, AttributeError):  # an unusual value (not a str, an int or a float)
        return json.dumps(finding_dict(f, doc), ensure_ascii=False)


def findings_json(findings: Iterable[Finding], doc: Document | None) -> list[str]:
    """``[finding_json(f, doc) for f in findings]``: the same texts, made in one loop that keeps
    what the findings of a document share at hand (its line starts and text, each rule's leading
    keys) and writes the usual fix, one edit, without a list of its parts."""
    if doc is None:
        return [finding_json(f, None) for f in findings]
    starts = doc.line_starts
    n_lines = len(starts)
    text = doc.text
    enc, num, fix_json, br = _enc, _num, _fix_json, bisect_right
    fix_heads = _FIX_HEADS
    heads: dict[str, tuple[object, object, object, str]] = {}  # rule -> (name, category, severity, head)
    out: list[str] = []
    append = out.append
    for f in findings:
        try:
            code = f.rule
            got = heads.get(code)
            if got is not None and got[0] is f.name and got[1] is f.category and got[2] is f.severity:
                head = got[3]
            else:
                sev = f.severity
                key = (code, f.name, f.category, sev if type(sev) is str else str(sev))
                head = _HEADS.get(key)
                if head is None:
                    head = _head_json(key)
                heads[code] = (f.name, f.category, sev, head)
            start, end = f.start, f.end
            i = br(starts, start) - 1
            j = i if start <= end and (i + 1 == n_lines or end < starts[i + 1]) else br(starts, end) - 1
            conf = f.confidence
            if type(conf) is float and conf == conf and conf not in _INF:
                conf_text = float.__repr__(conf)
            else:
                conf_text = "null" if conf is None else num(conf)
            fix = f.fix
            if fix is None:
                fix_text = "null"
            else:
                edits = fix.edits
                if len(edits) == 1 and type(edits) is tuple:
                    fkey = (str(fix.applicability), fix.title)
                    fhead = fix_heads.get(fkey)
                    if fhead is None:
                        fix_text = fix_json(fix)
                    else:
                        e = edits[0]
                        a, b = e.start, e.end
                        fix_text = (f'{fhead}{{"start": {a if type(a) is int else num(a)}, '
                                    f'"end": {b if type(b) is int else num(b)}, "replacement": {enc(e.replacement)}}}]}}')
                else:
                    fix_text = fix_json(fix)
            sug = f.suggestion
            append(f'{head}{start if type(start) is int else num(start)}, "end": {end if type(end) is int else num(end)}, '
                   f'"line": {i + 1}, "column": {start - starts[i] + 1}, "end_line": {j + 1}, '
                   f'"end_column": {end - starts[j] + 1}, "text": {enc(text[start:end])}, "message": {enc(f.message)}, '
                   f'"suggestion": {"null" if sug is None else enc(sug)}, "confidence": {conf_text}, '
                   f'"fix": {fix_text}{"" if f.segment is None else _seg_json(f)}}}')
        except (TypeError, AttributeError):  # an unusual value (not a str, an int or a float)
            append(json.dumps(finding_dict(f, doc), ensure_ascii=False))
    return out


def _head_json(key: tuple[str, str, str, str]) -> str:
    """The JSON text of a finding's leading keys (rule, name, category, severity), up to its start."""
    rule, name, category, sev = key
    head = (f'{{"rule": {json.dumps(rule, ensure_ascii=False)}, '
            f'"name": {json.dumps(name, ensure_ascii=False)}, '
            f'"category": {json.dumps(category, ensure_ascii=False)}, '
            f'"severity": {json.dumps(sev, ensure_ascii=False)}, "start": ')
    if len(_HEADS) < 8192:
        _HEADS[key] = head
    return head


def dumps(r: FileResult) -> str:
    """The result as one JSON line. Findings rendered in a worker (``r.rendered``) are joined as
    they are; the text is the same as ``json.dumps(result_dict(r))`` either way."""
    head, parts = line_parts(r)
    return safe_line(head + ", ".join(parts) + "]}")


def line_parts(r: FileResult) -> tuple[str, list[str]]:
    """``dumps(r)`` before it is made safe (``safe_line``) as its two parts: the text up to the
    findings' ``[`` and each finding's JSON text (the line is the head, the findings' texts joined
    by ``", "``, then ``]}``)."""
    head = head_json(r.path, r.id, r.language, r.score, r.verdict, r.error, r.counts, duplicate_field(r.findings))
    if r.rendered:
        done = {id(f): t for f, t in zip(*r.rendered)}  # by identity: no hashing of findings
        parts = [done.get(id(f)) or finding_json(f, r.doc) for f in r.findings]
    else:
        parts = findings_json(r.findings, r.doc)
    return head, parts


def head_json(path: str, id: str, language: str | None, score: float, verdict: str, error: str | None,
              counts: dict[str, int], duplicate: dict[str, object] | None) -> str:
    """The JSON text of a result up to its findings' ``[`` (``counts``: findings per rule;
    ``duplicate``: ``duplicate_field`` of its findings)."""
    head = result_dict(FileResult(path, id, None, [], language, score, verdict, error))
    head["counts"] = counts
    if duplicate is not None:
        del head["findings"]
        head["duplicate"] = duplicate
        head["findings"] = []
    text = json.dumps(head, ensure_ascii=False)
    assert text.endswith(', "findings": []}')
    return text[:-3] + "["


#: characters ``str.splitlines`` breaks a line at that JSON leaves unescaped (the C0 ones it
#: escapes): written as escapes, so one JSON line is one line for every reader
_SEPARATORS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def safe_line(text: str) -> str:
    """A JSON text with NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR escaped (they can only be
    inside strings, where the escape means the same character)."""
    if text.isascii():
        return text
    for ch, esc in _SEPARATORS:
        if ch in text:
            text = text.replace(ch, esc)
    return text


def encode_line(text: str) -> bytes:
    """A JSON line as the bytes written to a file: UTF-8 with its newline (a lone surrogate, which
    UTF-8 cannot hold, written as its escape)."""
    return (text + "\n").encode("utf-8", "backslashreplace")


def write(results: Iterable[FileResult], out: IO[str]) -> None:
    for r in results:
        out.write(dumps(r))
        out.write("\n")
