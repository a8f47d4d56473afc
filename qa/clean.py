"""``qa clean``: cleaned copies of the inputs, with an auditable fix log.

The inputs are never opened for writing. Cleaned files mirror the input tree under ``--out``;
the command refuses an output folder that is an input folder, inside one, or would overwrite an
input file. Every output (cleaned file, fix log) is written atomically.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from qa.config import Settings
from qa.engine import Plan, check_document, make_plan
from qa.fixes import CleanResult, clean_document_text
from qa.fsutil import atomic_write_text
from qa.readers import JSONL_SUFFIXES, InputError, iter_files, make_document, read_path


class CleanError(ValueError):
    pass


@dataclass
class CleanSummary:
    files: int = 0
    documents: int = 0
    changed: int = 0
    edits: int = 0
    errors: int = 0
    log_path: str | None = None


def clean_text(text: str, settings: Settings | None = None, unsafe: bool = False,
               plan: Plan | None = None, markdown: bool = False) -> CleanResult:
    """Apply the fixes of the selected rules to ``text`` until nothing changes."""
    plan = plan or make_plan(settings or Settings())

    def check(t: str):
        return check_document(make_document(t, markdown=markdown), plan)

    return clean_document_text(text, check, unsafe=unsafe)


def cleaned_texts(results, plan: Plan, unsafe: bool = False) -> dict[str, str]:
    """Cleaned text per document id (for the HTML report's original/cleaned toggle). Only
    documents that have a fixable finding are cleaned; the others map to their own text."""
    out: dict[str, str] = {}
    for r in results:
        doc = getattr(r, "doc", None)
        if doc is None:
            continue
        if not any(f.fix is not None for f in r.findings):
            out[r.id] = doc.text
            continue
        md = doc.path.lower().endswith((".md", ".markdown"))
        out[r.id] = clean_text(doc.text, plan=plan, unsafe=unsafe, markdown=md).text
    return out


def _out_path(path: str, roots: Sequence[str], out_dir: Path) -> Path:
    p = os.path.abspath(path)
    for root in roots:
        r = os.path.abspath(root)
        if os.path.isdir(r) and p.startswith(r.rstrip(os.sep) + os.sep):
            return out_dir / os.path.relpath(p, r)
    return out_dir / os.path.basename(p)


def _guard(paths: Sequence[str], files: Sequence[str], out_dir: Path) -> None:
    out_abs = os.path.realpath(out_dir)
    for p in paths:
        ap = os.path.realpath(p)
        if os.path.isdir(ap) and (out_abs == ap or out_abs.startswith(ap.rstrip(os.sep) + os.sep)):
            raise CleanError(f"refusing to write into the input folder {p!r}; choose --out elsewhere")
    inputs = {os.path.realpath(f) for f in files}
    for f in files:
        target = os.path.realpath(_out_path(f, paths, out_dir))
        if target in inputs:
            raise CleanError(f"refusing to overwrite the input file {f!r}")


def clean_paths(paths: Sequence[str], settings: Settings, out_dir: Path | None, diff: bool = False,
                unsafe: bool = False, fix_log: Path | None = None, stdout: IO[str] | None = None) -> CleanSummary:
    plan = make_plan(settings)
    from qa.bilingual.readers import bilingual_kind

    files = [f for f in iter_files(paths) if not bilingual_kind(f, settings.text_field)]  # not written back
    if out_dir is not None and not diff:
        _guard(paths, files, out_dir)
    summary = CleanSummary()
    log_lines: list[str] = []
    for path in files:
        summary.files += 1
        is_jsonl = Path(path).suffix.lower() in JSONL_SUFFIXES
        out_records: list[str] = []
        for rec in read_path(path, settings.text_field, settings.id_field):
            if isinstance(rec, InputError):
                summary.errors += 1
                continue
            summary.documents += 1
            res = clean_text(rec.text, plan=plan, unsafe=unsafe, markdown=path.lower().endswith((".md", ".markdown")))
            if res.text != rec.text:
                summary.changed += 1
            summary.edits += len(res.log)
            for e in res.log:
                entry = e.to_json(path)
                if is_jsonl:
                    entry["id"] = rec.id
                log_lines.append(json.dumps(entry, ensure_ascii=False))
            if diff and stdout is not None and res.text != rec.text:
                label = path if not is_jsonl else f"{path}[{rec.id}]"
                stdout.writelines(difflib.unified_diff(rec.text.splitlines(True), res.text.splitlines(True),
                                                       fromfile=f"a/{label}", tofile=f"b/{label}"))
            if is_jsonl:
                obj = dict(rec.meta)
                obj[settings.text_field] = res.text
                out_records.append(json.dumps(obj, ensure_ascii=False))
            elif out_dir is not None and not diff:
                atomic_write_text(_out_path(path, paths, out_dir), res.text, root=out_dir)
        if is_jsonl and out_dir is not None and not diff:
            atomic_write_text(_out_path(path, paths, out_dir), "".join(r + "\n" for r in out_records), root=out_dir)
    if not diff and (fix_log is not None or out_dir is not None):
        target = fix_log or (out_dir / "qa-fixes.jsonl")  # type: ignore[operator]
        atomic_write_text(target, "".join(ln + "\n" for ln in log_lines), root=None if fix_log else out_dir)
        summary.log_path = str(target)
    return summary
