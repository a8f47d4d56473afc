"""The library API: ``check_paths`` and ``check_text`` (re-exported by ``qa``), run by the same
runner as ``qa check`` (``qa.runner.pipeline``): the same results, and the same ``jobs`` and
result cache when asked for."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from qa.config import Settings
from qa.engine import make_plan
from qa.model import FileResult
from qa.readers import make_document
from qa.runner.options import RunOptions
from qa.runner.pipeline import run, run_records


def check_paths(paths: Sequence[str], settings: Settings | None = None, strict: bool = False, *,
                jobs: int = 1, cache_dir: str | None = None) -> Iterator[FileResult]:
    """Check files and folders; yields one ``FileResult`` per document (or unreadable input), in
    input order. ``jobs`` worker processes (1: this process); ``cache_dir`` a result cache
    folder (None: no cache)."""
    settings = settings or Settings()
    plan = make_plan(settings)
    opts = RunOptions(jobs=max(1, jobs), cache_dir=cache_dir, text_field=settings.text_field,
                      id_field=settings.id_field)
    yield from run(paths, plan, opts, strict=strict)


def check_text(text: str, settings: Settings | None = None, *, path: str = "", doc_id: str = "text",
               markdown: bool = False, select: Sequence[str] | None = None, strict: bool = False) -> FileResult:
    """Check one text. ``select`` narrows the rules (codes, prefixes or categories)."""
    settings = settings or Settings()
    if select is not None:
        settings = replace(settings, select=tuple(select))
    plan = make_plan(settings)
    doc = make_document(text, path=path, doc_id=doc_id, markdown=markdown)
    return next(run_records([doc], plan, strict=strict))


__all__ = ["check_paths", "check_text"]
