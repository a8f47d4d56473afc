"""META10x: bylines, datelines and credits: metadata lines standing in the text.

They are not article prose, and not junk either: they are reported as ``metadata`` so that a
pipeline can move them into fields. Their fixes are unsafe (only with ``--unsafe-fixes``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from qa.lazyre import LazyPattern, lazy_compile
from qa.checks.boilerplate_layout import layout
from qa.document import Document
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule

_NAME = r"[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|de|van|von|der|da|al|bin|la|le))*"
_BYLINE_RE = lazy_compile(
    rf"^(?i:by|written by|posted by|words by|story by|reporting by|report by)\s*:?\s+{_NAME}"
    rf"(?:\s*(?:,|and|&)\s*{_NAME})*(?:\s*[,|\-–—]\s*.{{0,60}})?$",
)
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_TIME = r"(?:\s*(?:at\s+|,\s*|[-–|]\s*)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4}|\s*(?:UTC|GMT)[+-]?\d*)?)"
_DATE = (rf"(?:{_DAY}\s*)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
         rf"|\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|{_MONTH}\s+\d{{4}})")
_CREDITS_RE = lazy_compile(
    r"^\(?(?:additional\s+)?(?:reporting|writing|editing|research|compiled|contributing|edited)\s*(?:by|:)\s+[A-Z]"
    r"[^()]{0,300}\)?\.?$",
    re.IGNORECASE,
)
# what a date line may hold: dates, times, zones, and the words that introduce them
_DATE_TOKEN_RE = lazy_compile(
    rf"{_MONTH}|{_DAY}|\b(?:updated|posted|published|first|last|modified|edited|date|on|at|am|pm|a\.m|p\.m|"
    r"ist|est|edt|pst|pdt|cet|cest|bst|gmt|utc|et|pt|cst|cdt|mst|mdt|z)\b|\d+(?:st|nd|rd|th)?|[\s,.;:/|\-–—+()T]",
    re.IGNORECASE,
)
_DIGIT_RE = lazy_compile(r"\d")
_HAS_DIGIT = _DIGIT_RE.search  # a gate: the line holds a digit (``LineInfo.has_digit``)
_HAS_DATE_RE = lazy_compile(rf"\b{_MONTH}\s*\d|\d\s*{_MONTH}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}", re.IGNORECASE)


def is_dateline(text: str) -> bool:
    """Only dates, times, zones and the words that introduce them (`Updated: Sat 8:31 PM, Feb 17`)."""
    if len(text) > 120 or not _DIGIT_RE.search(text) or not _HAS_DATE_RE.search(text):
        return False  # (every date holds a digit: most lines are ruled out by one C scan)
    return _DATE_TOKEN_RE.sub("", text) == ""


_NAME_DATE_RE = lazy_compile(rf"^{_NAME}\s*[-–—|,]\s*{_DATE}{_TIME}?.{{0,12}}$")
_CREDIT_RE = lazy_compile(
    r"^\(?(?:(?:photo|image|picture|video|graphic|illustration|main image|featured image|top image|header image)s?"
    r"(?:\s+credits?|\s+by|\s+courtesy(?:\s+of)?|\s+source)?\s*[:\-–—]\s*\S.{0,80}"
    r"|(?:photo|image|picture)s?\s+(?:credit|courtesy|by)\b.{0,80}"
    r"|credits?\s*:\s*\S.{0,60}|source\s*:\s*\S.{0,80})\)?$"
    r"|^.{0,60}\b(?:getty images|shutterstock|istock(?:photo)?|ap photo|afp(?: via getty images)?|reuters/\w+)\)?$",
    re.IGNORECASE,
)


#: what every match of ``_CREDIT_RE`` holds, in lower case: a line of ASCII without one of them
#: is not tried (in ASCII, the pattern's case-insensitive matching is lower-casing)
_CREDIT_WORDS_RE = lazy_compile("photo|image|picture|video|graphic|illustration|credit|source|getty|shutterstock|"
                              "istock|afp|reuters/")


def _may_be_credit(text: str) -> bool:
    return not text.isascii() or _CREDIT_WORDS_RE.search(text.lower()) is not None


def _meta_hits(doc: Document, pattern: "re.Pattern[str] | LazyPattern | Callable[[str], bool]", what: str, max_words: int,
               any_prose: bool = False, skip_fields: bool = False,
               gate: "Callable[[str], object] | None" = None) -> Iterator[Hit]:
    """Hits on the short lines of the layout that ``pattern`` matches (``gate``: a quicker test
    that every line the pattern matches passes)."""
    lay = layout(doc)
    fields = [(ks[0], vs[1]) for ks, vs in doc.fields.values()] if skip_fields else []
    if any_prose:
        lines = [ln for ln in lay.lines if ln.words <= max_words]
    else:
        lines = [ln for ln in lay.lines if ln.words <= max_words and not (ln.prose and ln.words > 14)]
    if gate is _HAS_DIGIT:  # (the layout knows which lines hold a digit)
        lines = [ln for ln in lines if ln.has_digit]
    elif gate is not None:
        lines = [ln for ln in lines if gate(ln.text)]
    if not lines:
        return  # (before ``pattern.match`` is read: a lazy pattern no line reaches is never compiled)
    test = pattern.match if isinstance(pattern, (re.Pattern, LazyPattern)) else pattern
    for ln in lines:
        if fields and any(a <= ln.start <= b for a, b in fields):
            continue  # a metadata field of the document head: where metadata belongs
        if not test(ln.text):
            continue
        a, b = ln.ext_start, ln.ext_end
        yield Hit(ln.start, ln.end, f"{what}: '{ln.text[:60]}'",
                  fix=Fix((Edit(a, b, ""),), Applicability.UNSAFE, "Delete the line (move it to metadata)"),
                  confidence=0.85)


@rule(
    code="META101",
    name="byline-in-text",
    category="metadata",
    summary="A byline ('By Jane Doe') standing as a line of the text",
    severity="info",
    fixable=True,
    examples=(
        bad("Budget approved\n[[By Jane Doe and John Smith]]\nThe council approved the budget.",
            fixed="Budget approved\nThe council approved the budget."),
        bad("Title\n[[Chris Davies - Nov 19, 2019, 10:31 pm CST]]\nThe car is new.",
            fixed="Title\nThe car is new."),
        good("By the end of the year the council had approved the budget."),
    ),
)
def byline_in_text(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A line that is only a byline: `By Jane Doe`, `Written by A and B`, `Jane Doe - Nov 19,
    2019`.

    ## Why it matters
    The author's name is metadata. In the text it reads as a sentence fragment, and repeated on
    every article by that author it skews counts.

    ## How to fix
    Move it into the document's metadata and delete the line (unsafe fix: some pipelines keep
    bylines in the text).
    """
    yield from _meta_hits(doc, _BYLINE_RE, "Byline in the text", 16)
    yield from _meta_hits(doc, _NAME_DATE_RE, "Byline and date in the text", 14, gate=_HAS_DIGIT)  # (a date has a digit)
    yield from _meta_hits(doc, _CREDITS_RE, "Reporting credits in the text", 60, any_prose=True)


@rule(
    code="META102",
    name="dateline-in-text",
    category="metadata",
    summary="A line that is only a date (publication or update time)",
    severity="info",
    fixable=True,
    examples=(
        bad("Budget approved\n[[Updated November 18, 2019 11:03 PM]]\nThe council approved it.",
            fixed="Budget approved\nThe council approved it."),
        bad("Title\n[[2019-11-06]]\nBody.", fixed="Title\nBody."),
        good("On November 18, 2019 the council approved the budget."),
    ),
)
def dateline_in_text(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A line holding only a date and time, optionally introduced by `Published`/`Updated`:
    `November 18, 2019 11:03 PM`, `Updated Sat 8:31 PM, Feb 17, 2018`. Metadata fields of the
    document head (`Published at: ...` in a Markdown export) are where dates belong and are not
    flagged.

    ## Why it matters
    The publication date is metadata; as a line of text it is a fragment.

    ## How to fix
    Move it into the metadata and delete the line (unsafe fix).
    """
    yield from _meta_hits(doc, is_dateline, "Date line in the text", 16, skip_fields=True, gate=_HAS_DIGIT)


@rule(
    code="META103",
    name="photo-credit-in-text",
    category="metadata",
    summary="A photo or image credit line ('Photo: Reuters', 'Image credit: Getty')",
    severity="info",
    fixable=True,
    examples=(
        bad("The company is under investigation.\n[[Image Credit: WeWork]]\nMore text.",
            fixed="The company is under investigation.\nMore text."),
        bad("Text.\n[[(Photo by Jane Doe/Getty Images)]]\n", fixed="Text.\n"),
        good("The photo was taken by a tourist, police said."),
    ),
)
def photo_credit_in_text(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A line that credits an image: `Photo: Reuters`, `Image credit: Getty`, `(Photo by X/AFP)`,
    a line ending in an agency name such as `Getty Images`.

    ## Why it matters
    The image is gone; its credit is metadata left in the text.

    ## How to fix
    Delete the line or move it into the metadata (unsafe fix).
    """
    yield from _meta_hits(doc, _CREDIT_RE, "Photo credit in the text", 20, gate=_may_be_credit)


def is_metadata_line(text: str) -> bool:
    """A byline, a date line, reporting credits or a photo credit (the lines of this module)."""
    t = text.strip()
    return bool(_BYLINE_RE.match(t) or _NAME_DATE_RE.match(t) or _CREDITS_RE.match(t)
                or _CREDIT_RE.match(t) or is_dateline(t))


#: loaded before any time limit starts (qa.warmup)
from qa.checks.boilerplate_layout import WARM_UP  # noqa: E402,F401
