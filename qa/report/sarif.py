"""SARIF 2.1.0: one run, for GitHub code scanning and other SARIF viewers.

* ``tool.driver.rules[]`` describes every rule that ran (plus ``QA000`` when a rule crashed):
  ``id``, ``name``, ``shortDescription`` (the summary), ``fullDescription`` (the first paragraph
  of the rule's documentation), ``help`` (text and Markdown from ``qa.docs.rule_markdown``),
  ``defaultConfiguration.level`` and ``properties`` (category, tags, fixable).
* each finding is a result with ``ruleId``/``ruleIndex``, ``level`` (error, warning, note),
  ``message``, a ``physicalLocation`` whose ``region`` gives start/end line and column (1-based,
  end exclusive, ``columnKind: unicodeCodePoints``) and ``charOffset``/``charLength`` in code
  points, ``fixes`` as ``replacements``, and ``partialFingerprints`` from ``qa.baseline``.
* a document inside a JSON Lines file has offsets into its record's text, not into the file: its
  results name the file and the record (``logicalLocations``) and carry the offsets as
  properties, without a region or fixes.
* an unreadable input is a ``toolExecutionNotifications`` entry of level ``error``.

With a baseline, every reported result has ``baselineState: "new"``. No timestamps or absolute
paths are written, so the same input gives byte-identical output.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from qa.version import __version__
from qa.baseline import SARIF_KEY, fingerprint
from qa.docs import rule_markdown
from qa.model import FileResult, Rule
from qa.readers import JSONL_SUFFIXES
from qa.report.jsonl import finding_dict

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def artifact_uri(path: str) -> str:
    """A relative POSIX URI for relative paths (``%SRCROOT%``-based), a file URI otherwise."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    rel = os.path.normpath(path).replace(os.sep, "/")
    if rel.startswith("./"):
        rel = rel[2:]
    return quote(rel, safe="/")


def _artifact(path: str) -> dict[str, object]:
    loc: dict[str, object] = {"uri": artifact_uri(path)}
    if not os.path.isabs(path):
        loc["uriBaseId"] = "%SRCROOT%"
    return loc


def _first_paragraph(md: str) -> str:
    for block in md.split("\n\n"):
        b = block.strip()
        if b and not b.startswith("#"):
            return " ".join(b.split())
    return ""


def rule_descriptor(rule: Rule) -> dict[str, object]:
    md = rule_markdown(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(rule.doc) or rule.summary},
        "help": {"text": md, "markdown": md},
        "defaultConfiguration": {"level": LEVELS[str(rule.severity)]},
        "properties": {"category": rule.category, "tags": [rule.category], "fixable": rule.fixable},
    }


def _synthetic_descriptor(code: str, name: str, category: str, severity: str) -> dict[str, object]:
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": name.replace("-", " ")},
        "fullDescription": {"text": name.replace("-", " ")},
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
        "properties": {"category": category, "tags": [category], "fixable": False},
    }


def is_record(r: FileResult) -> bool:
    """True for a document inside a JSON Lines file (its offsets are into the record)."""
    return Path(r.path).suffix.lower() in JSONL_SUFFIXES


def sarif_log(results: Sequence[FileResult], rules: Sequence[Rule], baseline_used: bool = False) -> dict[str, object]:
    descriptors = [rule_descriptor(r) for r in rules]
    index = {r.code: i for i, r in enumerate(rules)}
    for r in results:  # a crash finding or a rule outside the plan still needs a descriptor
        for f in r.findings:
            if f.rule not in index:
                index[f.rule] = len(descriptors)
                descriptors.append(_synthetic_descriptor(f.rule, f.name, f.category, str(f.severity)))
    out_results: list[dict[str, object]] = []
    notes: list[dict[str, object]] = []
    for r in results:
        if r.error:
            notes.append({
                "level": "error",
                "message": {"text": f"{r.path}: {r.error}" if r.id == os.path.basename(r.path) else f"{r.path} [{r.id}]: {r.error}"},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(r.path)}}],
            })
            continue
        # a bilingual file too: its offsets are into the joined targets; findings name their segment
        record = is_record(r) or any(f.segment is not None for f in r.findings)
        artifact = _artifact(r.path)  # shared by this document's results (serialised, never mutated)
        for f in r.findings:
            fd = finding_dict(f, r.doc)
            res: dict[str, object] = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": LEVELS[str(f.severity)],
                "message": {"text": f.message},
            }
            phys: dict[str, object] = {"artifactLocation": artifact}
            props: dict[str, object] = {"category": f.category, "confidence": f.confidence}
            if f.suggestion is not None:
                props["suggestion"] = f.suggestion
            if f.segment is not None:  # a bilingual file: the segment, and the span in its source
                props["segment"] = f.segment
                if f.source_start is not None:
                    props["sourceStart"], props["sourceEnd"] = f.source_start, f.source_end
            if record:
                props.update({"recordId": r.id, "start": f.start, "end": f.end, "line": fd["line"],
                              "column": fd["column"]})
                res["locations"] = [{"physicalLocation": phys,
                                     "logicalLocations": [{"name": r.id, "kind": "object"}]}]
            else:
                phys["region"] = {
                    "startLine": fd["line"], "startColumn": fd["column"],
                    "endLine": fd["end_line"], "endColumn": fd["end_column"],
                    "charOffset": f.start, "charLength": f.end - f.start,
                    "snippet": {"text": fd["text"]},
                }
                res["locations"] = [{"physicalLocation": phys}]
                if f.fix is not None and f.fix.edits:
                    res["fixes"] = [{
                        "description": {"text": f.fix.title or "Apply the suggested fix"},
                        "artifactChanges": [{
                            "artifactLocation": artifact,
                            "replacements": [{"deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                                              "insertedContent": {"text": e.replacement}} for e in f.fix.edits],
                        }],
                    }]
                    props["fixApplicability"] = str(f.fix.applicability)
            if f.segment is not None:  # the segment as a logical location
                loc = res["locations"][0]  # type: ignore[index]
                loc.setdefault("logicalLocations", []).append(  # type: ignore[union-attr]
                    {"name": f.segment, "kind": "element", "fullyQualifiedName": f"{r.id}#{f.segment}"})
            res["partialFingerprints"] = {SARIF_KEY: fingerprint(r, fd)}
            if baseline_used:
                res["baselineState"] = "new"
            res["properties"] = props
            out_results.append(res)
    invocation: dict[str, object] = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run: dict[str, object] = {
        "tool": {"driver": {"name": "qa", "version": __version__, "semanticVersion": __version__,
                            "rules": descriptors}},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": out_results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def dumps(results: Sequence[FileResult], rules: Sequence[Rule], baseline_used: bool = False,
          ensure_ascii: bool = False) -> str:
    """Compact JSON on one line (the C encoder: a large corpus gives tens of thousands of
    results), ending with a newline."""
    log = sarif_log(results, rules, baseline_used)
    return json.dumps(log, ensure_ascii=ensure_ascii, separators=(",", ":")) + "\n"


def render(results: Sequence[FileResult], rules: Sequence[Rule], baseline_used: bool = False) -> bytes:
    text = dumps(results, rules, baseline_used)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from a JSON Lines input: escape them
        return dumps(results, rules, baseline_used, ensure_ascii=True).encode("ascii")
