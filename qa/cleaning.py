"""A checked document cleaned as ``qa clean`` cleans it, where it is checked.

* The HTML report's Cleaned view is made where each document is checked (a worker of the pool,
  ``RunOptions.cleaned``), from the findings it was checked with (``cleaned_result_of``), so the
  parent never checks a document twice.
* ``qa clean`` itself runs through the runner (``RunOptions.clean``: a ``CleanOptions``): each
  document is checked and fixed, round after round, in the process that checks it (a worker of
  the pool, a Dask worker, or the parent with one job), and comes back as a ``CleanedDocument``
  (``clean_record``). The writers of ``qa.clean`` take them in input order.

This module sits below both the runner and ``qa.clean``, which imports it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.engine import Plan, check_document
from qa.fixes import CleanResult, clean_document_text
from qa.model import FileResult
from qa.records import make_document

if TYPE_CHECKING:
    from qa.bilingual.writers import BilingualClean

MD_SUFFIXES = (".md", ".markdown")


def is_markdown(path: str) -> bool:
    """Does ``qa clean`` read the file at ``path`` as Markdown (its title and head fields)?"""
    return path.lower().endswith(MD_SUFFIXES)


def checked_findings(doc, plan: Plan, decisions=None) -> list:
    """The findings of ``doc`` whose fixes ``qa clean`` may apply (review decisions respected)."""
    return decided(doc, check_document(doc, plan), decisions)


def decided(doc, found: list, decisions=None) -> list:
    """``found`` (the findings of ``doc``) as review ``decisions`` leave them for ``qa clean``."""
    if decisions is None:
        return found
    from qa.baseline import decided_findings  # loaded only when there are decisions

    return decided_findings(FileResult(doc.path, doc.id, doc, found), decisions)


def clean_text_with(text: str, plan: Plan, unsafe: bool = False, markdown: bool = False, decisions=None,
                    first=None) -> CleanResult:
    """``text`` cleaned as ``qa.clean.clean_text`` cleans it. ``first``: the findings of the
    first round (``check_document`` of ``text`` read as a fresh document, from the result cache),
    so that round is not checked again."""

    def check(t: str):
        return checked_findings(make_document(t, markdown=markdown), plan, decisions)

    if first is None:
        return clean_document_text(text, check, unsafe=unsafe)
    rounds = iter([first])

    def check_first(t: str):
        found = next(rounds, None)
        if found is None:
            return check(t)
        return decided(make_document(t, markdown=markdown), list(found), decisions)

    return clean_document_text(text, check_first, unsafe=unsafe)


def checks_as_fresh(doc) -> bool:
    """Is ``doc`` checked exactly as ``qa clean`` checks its text (a fresh document of it: no
    fields, metadata or language from a record), its path and id aside, which no per-document
    rule reads? Then the findings it was checked with are those of the first round of cleaning."""
    fresh = make_document(doc.text, markdown=is_markdown(doc.path))
    return (type(doc) is type(fresh) and doc.meta == fresh.meta and doc.lang == fresh.lang
            and doc.title_span == fresh.title_span and doc.fields == fresh.fields)


def cleaned_result_of(doc, findings, plan: Plan) -> CleanResult:
    """``doc`` cleaned as ``qa clean`` cleans it (safe fixes, no decisions), given the findings
    it was checked with: its own text and no edits when none of them has a fix, else what
    ``qa.clean.clean_text`` gives (the text and the log of every edit, with the rule that made it)."""
    if not any(f.fix is not None for f in findings):
        return CleanResult(doc.text, [], 0)
    md = is_markdown(doc.path)
    if not checks_as_fresh(doc):
        return clean_text_with(doc.text, plan, markdown=md)
    return clean_text_with(doc.text, plan, markdown=md, first=findings)


# --------------------------------------------------------------------------- qa clean in the runner
@dataclass(frozen=True)
class CleanOptions:
    """How ``qa clean`` cleans each document where it is checked (``RunOptions.clean``)."""

    unsafe: bool = False
    #: review decisions (``qa.baseline.Baseline``): fixes of dismissed findings skipped
    decisions: object = None
    #: ``qa.curation.CorpusFindings``: template lines removed before the check, duplicates
    #: (``--dedupe``) not checked; None when there are none
    corpus: object = None
    text_field: str = "text"
    id_field: str = "id"
    #: names these options in a worker (a Dask worker keeps one checker per options)
    token: str = field(default_factory=lambda: secrets.token_hex(8))


def text_digest(text: str) -> bytes:
    """What a cleaned document is matched on with the record a writer reads (with path and id)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass
class CleanedDocument:
    """One document as ``qa clean`` cleans it, made where it was checked."""

    #: ``text_digest`` of the text as read, and whether it was read as Markdown
    digest: bytes
    markdown: bool
    #: the cleaned text of the text without its template lines; None: a duplicate left out
    #: (``--dedupe``), or a bilingual file
    result: CleanResult | None = None
    #: a bilingual file: its cleaned result and the bytes of its copy, or why there is none
    bilingual: "tuple[BilingualClean, bytes] | None" = None
    unwritable: str | None = None


def clean_record(doc, plan: Plan, opts: CleanOptions, first=None) -> CleanedDocument:
    """``doc`` (a record as read) cleaned as ``qa clean`` cleans it. ``first``: the findings of
    the first round, known from the result cache (only for a record that ``checks_as_fresh``
    and has no template line to remove)."""
    md = is_markdown(doc.path)
    out = CleanedDocument(text_digest(doc.text), md)
    kind = None
    if hasattr(doc, "segments"):  # a bilingual document: the whole file, written back in its format
        from qa.bilingual.readers import bilingual_kind

        kind = bilingual_kind(doc.path, opts.text_field)
    if kind:
        from qa.bilingual.writers import Unwritable, clean_copy

        try:
            res, _data, copy = clean_copy(doc.path, kind, lambda d: checked_findings(d, plan, opts.decisions),
                                          opts.unsafe, opts.id_field)
        except Unwritable as exc:
            out.unwritable = str(exc)
        else:
            out.bilingual = (res, copy)
        return out
    corpus = opts.corpus
    if corpus is not None and corpus.dedupe and corpus.duplicate(doc.path, doc.id) is not None:
        return out
    text0 = corpus.template_lines(doc.path, doc.id, doc.text)[0] if corpus is not None else doc.text
    out.result = clean_text_with(text0, plan, opts.unsafe, md, opts.decisions, first if text0 == doc.text else None)
    return out
