"""JUnit XML, as Jenkins (junit plugin) and GitLab (``artifacts:reports:junit``) read it.

* ``<testsuites name="qa">`` holds one ``<testsuite>`` per input file (``name`` = its path);
* each finding is a failing ``<testcase>`` (``classname`` = the file, ``name`` = rule code, rule
  name and ``line:column``; the record id first for a document inside a JSON Lines file) whose
  ``<failure type=SEVERITY message=...>`` text repeats ``path:line:column: CODE message``, the
  matched text and the suggestion;
* a document without findings is one passing ``<testcase name="no findings">``;
* an unreadable input is a ``<testcase name="read">`` with an ``<error>``.

Characters XML 1.0 cannot carry (control characters, lone surrogates) are written as ``\\uXXXX``
escapes. No timestamps or durations are written, so the output is byte-identical across runs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from qa.model import FileResult
from qa.report.jsonl import finding_dict
from qa.report.sarif import is_record

# Everything outside XML 1.0's Char production.
_INVALID_XML_RE = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(s: str) -> str:
    return _INVALID_XML_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


def _one_line(s: str, limit: int = 200) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _suite_groups(results: Sequence[FileResult]) -> list[tuple[str, list[FileResult]]]:
    groups: dict[str, list[FileResult]] = {}
    for r in results:
        groups.setdefault(r.path, []).append(r)
    return list(groups.items())  # input order (dicts keep insertion order)


def junit_tree(results: Sequence[FileResult]) -> ET.Element:
    root = ET.Element("testsuites", {"name": "qa"})
    totals = {"tests": 0, "failures": 0, "errors": 0}
    suites: list[ET.Element] = []
    for path, group in _suite_groups(results):
        suite = ET.Element("testsuite", {"name": xml_safe(path)})
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for r in group:
            bilingual = any(f.segment is not None for f in r.findings)  # one file; findings name a segment
            prefix = f"[{r.id}] " if is_record(r) and not bilingual else ""
            if r.error:
                case = ET.SubElement(suite, "testcase", {"classname": xml_safe(path), "name": xml_safe(prefix + "read"),
                                                         "file": xml_safe(path)})
                err = ET.SubElement(case, "error", {"type": "input-error", "message": xml_safe(_one_line(r.error))})
                err.text = xml_safe(f"{path}{' [' + r.id + ']' if prefix else ''}: {r.error}")
                counts["tests"] += 1
                counts["errors"] += 1
                continue
            if not r.findings:
                ET.SubElement(suite, "testcase", {"classname": xml_safe(path), "name": xml_safe(prefix + "no findings"),
                                                  "file": xml_safe(path)})
                counts["tests"] += 1
                continue
            for f in r.findings:
                fd = finding_dict(f, r.doc)
                where = f"{fd['line']}:{fd['column']}"
                seg = f"[segment {f.segment}] " if f.segment is not None else ""
                attrs = {"classname": xml_safe(path), "name": xml_safe(f"{prefix}{seg}{f.rule} {f.name} at {where}"),
                         "file": xml_safe(path)}
                if not prefix:
                    attrs["line"] = str(fd["line"])
                case = ET.SubElement(suite, "testcase", attrs)
                fail = ET.SubElement(case, "failure", {"type": str(f.severity), "message": xml_safe(_one_line(f.message))})
                body = [f"{path}{' [' + r.id + ']' if prefix else ''}:{where}: {f.rule} [{f.severity}] {f.message}",
                        f"text: {fd['text']!r}"]
                if f.suggestion is not None:
                    body.append(f"suggestion: {f.suggestion!r}")
                fail.text = xml_safe("\n".join(body))
                counts["tests"] += 1
                counts["failures"] += 1
        for k in ("tests", "failures", "errors"):
            suite.set(k, str(counts[k]))
            totals[k] += counts[k]
        suite.set("skipped", "0")
        suites.append(suite)
    for k in ("tests", "failures", "errors"):
        root.set(k, str(totals[k]))
    root.extend(suites)
    return root


def render(results: Sequence[FileResult]) -> bytes:
    root = junit_tree(results)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
