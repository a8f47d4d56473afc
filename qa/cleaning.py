"""A checked document cleaned as ``qa clean`` cleans it, from the findings it was checked with.

The HTML report's Cleaned view is made where each document is checked (a worker of the pool,
``RunOptions.cleaned``), so the parent never checks a document twice. This module sits below
both the runner and ``qa.clean``, which imports it.
"""

from __future__ import annotations

from qa.engine import Plan, check_document
from qa.fixes import CleanResult, clean_document_text
from qa.records import make_document


def cleaned_result_of(doc, findings, plan: Plan) -> CleanResult:
    """``doc`` cleaned as ``qa clean`` cleans it (safe fixes, no decisions), given the findings
    it was checked with: its own text and no edits when none of them has a fix, else what
    ``qa.clean.clean_text`` gives (the text and the log of every edit, with the rule that made it)."""
    if not any(f.fix is not None for f in findings):
        return CleanResult(doc.text, [], 0)
    md = doc.path.lower().endswith((".md", ".markdown"))

    def check(text: str):
        return check_document(make_document(text, markdown=md), plan)

    fresh = make_document(doc.text, markdown=md)
    if not (type(doc) is type(fresh) and doc.meta == fresh.meta and doc.lang == fresh.lang
            and doc.title_span == fresh.title_span and doc.fields == fresh.fields):
        return clean_document_text(doc.text, check)
    # the document is what qa clean checks (its path and id aside, which no per-document rule
    # reads): its findings are those of the first round of cleaning, so that round is not run again
    rounds = iter([findings])
    return clean_document_text(doc.text, lambda t: next(rounds, None) or check(t))
