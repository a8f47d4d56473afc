"""Corpus-level cleaning for ``qa clean``: duplicate documents dropped (``--dedupe``) and template
lines repeated across documents removed (``--unsafe-fixes``).

Both need the whole batch, so ``qa clean`` first runs the corpus rules over every input (the
same collect/finalize phase as ``qa check``) and keeps, per document, only the findings that
drive these removals: DUP101/DUP102 for ``--dedupe``; DUP001's cross-document findings (its fixes
are unsafe) for ``--unsafe-fixes``. Each removal is logged with the rule's message as its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from qa.config import Settings
from qa.engine import make_plan
from qa.runner.options import RunOptions
from qa.runner.pipeline import read_records, run_records
from qa.fixes import LogEntry, apply_edits, select_edits
from qa.model import Applicability, Edit, Finding

DEDUPE_RULES = ("DUP101", "DUP102")
TEMPLATE_RULE = "DUP001"


class CorpusFindings:
    """Per (path, id): the corpus findings that ``qa clean`` acts on."""

    def __init__(self, files: Sequence[str], settings: Settings, dedupe: bool, templates: bool) -> None:
        self.dedupe = dedupe
        codes = (DEDUPE_RULES if dedupe else ()) + ((TEMPLATE_RULE,) if templates else ())
        self.by_doc: dict[tuple[str, str], list[Finding]] = {}
        if not codes:
            return
        plan = make_plan(replace(settings, select=codes, ignore=()))
        records = read_records(files, settings.text_field, settings.id_field)
        opts = RunOptions(text_field=settings.text_field, id_field=settings.id_field)
        for res in run_records(records, plan, opts):
            keep = [f for f in res.findings
                    if (f.rule in DEDUPE_RULES and dedupe)
                    or (f.rule == TEMPLATE_RULE and templates and f.fix is not None
                        and f.fix.applicability == Applicability.UNSAFE)]
            if keep:
                self.by_doc[(res.path, res.id)] = keep

    def duplicate(self, path: str, doc_id: str) -> Finding | None:
        for f in self.by_doc.get((path, doc_id), ()):
            if f.rule in DEDUPE_RULES:
                return f
        return None

    def template_lines(self, path: str, doc_id: str, text: str) -> tuple[str, list[LogEntry], list[str]]:
        """``text`` without the repeated template lines; the log (round 0) and each entry's reason."""
        found = [f for f in self.by_doc.get((path, doc_id), ()) if f.rule == TEMPLATE_RULE]
        if not found:
            return text, [], []
        whole: list[Finding] = []
        reasons: dict[tuple[int, int], str] = {}
        for f in found:  # the whole line goes, with its line break
            a, b = f.start, f.end
            while a > 0 and text[a - 1] in " \t":
                a -= 1
            while b < len(text) and text[b] in " \t":
                b += 1
            if a == 0 or text[a - 1] in "\r\n":
                b += 2 if text.startswith("\r\n", b) else 1 if b < len(text) and text[b] in "\r\n" else 0
            whole.append(replace(f, start=a, end=b, fix=replace(f.fix, edits=(Edit(a, b, ""),))))  # type: ignore[arg-type]
            reasons[(a, b)] = f.message
        out, log = apply_edits(text, select_edits(whole, unsafe=True), 0)
        return out, log, [reasons.get((e.start, e.end), "") for e in log]


def drop_entry(path: str, doc_id: str, f: Finding) -> dict[str, object]:
    """The log entry of a dropped duplicate document."""
    entry: dict[str, object] = {"file": path, "id": doc_id, "rule": f.rule, "action": "drop", "reason": f.message}
    entry.update(dict(f.data or ()))
    return entry
