"""BP0xx: page furniture found by the shape and the position of lines (what phrase lists miss).

All rules here read the shared line analysis of ``qa.checks.boilerplate_layout``: the article
body is the run of lines with the most prose; the head is what comes before it and the tail what
comes after. Furniture is likelier there, so position sets the confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from qa.checks.boilerplate_layout import (
    Layout,
    LineInfo,
    is_link_list,
    is_marker,
    is_navlike,
    is_section_end,
    layout,
)
from qa.document import Document
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule

_BODY = (
    "The council approved the new budget on Tuesday after a long debate about the cost of schools.\n"
    "Members said the plan would raise spending on roads by a fifth over the next three years.\n"
    "The mayor said the vote was a good day for the city and thanked the officials who wrote it.\n"
)


def _delete_line(doc: Document, ln: LineInfo, app: Applicability = Applicability.SAFE) -> Fix:
    a, b = ln.ext
    return Fix((Edit(a, b, ""),), app, "Delete the line")


def _field_lines(doc: Document) -> set[int]:
    """Start offsets of lines holding the title or a head metadata field."""
    out: set[int] = set()
    text = doc.text
    spans = [doc.title_span] if doc.title_span else []
    spans += [ks for ks, _vs in doc.fields.values()]
    for a, _b in spans:  # type: ignore[misc]
        out.add(max(text.rfind("\n", 0, a), text.rfind("\r", 0, a)) + 1)
    return out


def _line_start(doc: Document, ln: LineInfo) -> int:
    text = doc.text
    return max(text.rfind("\n", 0, ln.start), text.rfind("\r", 0, ln.start)) + 1


def head_furniture(doc: Document, lay: Layout) -> list[int]:
    """Indices of head lines up to the last certain furniture line before the body."""
    start = lay.body[0]
    if start == 0 or not lay.n_prose:
        return []
    last = -1
    for i in range(start):
        ln = lay.lines[i]
        if is_marker(ln) or is_navlike(ln):
            last = i
    if last < 0:
        return []
    fields = _field_lines(doc)
    out = []
    for i in range(last + 1):
        ln = lay.lines[i]
        if _line_start(doc, ln) in fields or (start - i <= 4 and is_meta_line(ln.text)):
            continue  # the article's own title fields, byline and date (reported as metadata)
        if i == 0 and not is_marker(ln):
            continue  # the first line is the page title
        out.append(i)
    return out


def tail_furniture(doc: Document, lay: Layout) -> list[int]:
    """Indices of tail lines from the first certain furniture line after the body."""
    end = lay.body[1]
    if not lay.n_prose or end >= len(lay.lines):
        return []
    first = None
    for i in range(end, len(lay.lines)):
        if is_marker(lay.lines[i]):
            first = i
            break
    if first is None:
        return []
    return list(range(first, len(lay.lines)))


def is_meta_line(text: str) -> bool:
    """Bylines, datelines and credits are metadata, reported by their own rules (META101-103)."""
    from qa.checks.boilerplate_meta import is_metadata_line

    return is_metadata_line(text)


@rule(
    code="BP001",
    name="page-head-furniture",
    category="boilerplate",
    summary="Menus and other page furniture before the article body",
    severity="warning",
    fixable=True,
    examples=(
        bad("[[Menu]]\n[[Home]]\n[[News]]\n[[Sport]]\n[[Business]]\n[[Sign in]]\nBudget approved\n" + _BODY,
            fixed="Budget approved\n" + _BODY),
        good("Budget approved after a long debate\nBy Jane Doe\n" + _BODY),
    ),
)
def page_head_furniture(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Lines before the article body that are not part of the article: site menus, section
    links, sign-in and search boxes. The body is the run of lines with the most prose; the head
    ends at the last line before it that is certainly furniture (a UI label, a link list, a
    short title-case menu entry). Lines between that point and the body (the headline, a byline,
    a date, a standfirst) are left alone, and so is the first line (the page title) unless it
    is itself a UI label.

    ## Why it matters
    Extracted text starts with the site's navigation; it is not the article and repeats on every
    page of the site.

    ## How to fix
    Delete the lines. Safe: each is furniture by position and shape; the fix log lists them.
    """
    lay = layout(doc)
    for i in head_furniture(doc, lay):
        ln = lay.lines[i]
        yield Hit(ln.start, ln.end, f"Page furniture before the article: '{ln.text[:60]}'",
                  fix=_delete_line(doc, ln), confidence=0.85 if is_marker(ln) or is_navlike(ln) else 0.7)


@rule(
    code="BP002",
    name="page-tail-furniture",
    category="boilerplate",
    summary="Related links, footers and other page furniture after the article body",
    severity="warning",
    fixable=True,
    examples=(
        bad(_BODY + "[[Most Read]]\n[[Floods close the coast road again]]\n[[A new bakery opens in the old mill]]\n",
            fixed=_BODY),
        good(_BODY + "Budget at a glance\nRoads: up a fifth\nSchools: unchanged\n"),
    ),
)
def page_tail_furniture(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Lines after the article body, from the first line that is certainly furniture (a
    "Most read" or "Related articles" header, a share button, a copyright line, a link list) to
    the end of the page: lists of other headlines, footers, legal links.

    ## Why it matters
    The tail of a scraped page is the site template: headlines of other articles, newsletter
    boxes, footers. It is not part of the article.

    ## What it does not flag
    Short lines right after the body with no furniture line before them (a fact box, a list
    that ends the article) stay: the tail only starts at certain furniture.

    ## How to fix
    Delete the lines. Safe; the fix log lists them.
    """
    lay = layout(doc)
    for i in tail_furniture(doc, lay):
        ln = lay.lines[i]
        yield Hit(ln.start, ln.end, f"Page furniture after the article: '{ln.text[:60]}'",
                  fix=_delete_line(doc, ln), confidence=0.85 if not ln.prose else 0.65)


def body_furniture_blocks(doc: Document, lay: Layout) -> list[int]:
    """Indices of furniture lines in runs of non-prose lines inside the body.

    In each run: a related-content header flags the rest of the run (the list it heads); any
    other certain furniture line flags itself and the adjacent menu-like lines (a cluster of
    share buttons, a gallery widget). Lists of the article itself hold neither and stay.
    """
    out: set[int] = set()
    a, b = lay.body
    i = a
    while i < b:
        if lay.lines[i].prose:
            i += 1
            continue
        j = i
        while j < b and not lay.lines[j].prose:
            j += 1
        for k in range(i, j):
            ln = lay.lines[k]
            if is_section_end(ln):
                out.update(range(k, j))
                break
        for k in range(i, j):
            if k in out or not is_marker(lay.lines[k]):
                continue
            lo = k
            while lo - 1 >= i and (is_marker(lay.lines[lo - 1]) or is_navlike(lay.lines[lo - 1])):
                lo -= 1
            hi = k + 1
            while hi < j and (is_marker(lay.lines[hi]) or is_navlike(lay.lines[hi])):
                hi += 1
            if hi - lo >= 2:
                out.update(range(lo, hi))
        i = j
    return sorted(out)


@rule(
    code="BP005",
    name="furniture-block-in-body",
    category="boilerplate",
    summary="A block of short non-prose lines inside the article that holds page furniture",
    severity="warning",
    fixable=True,
    examples=(
        bad(_BODY + "[[Related]]\n[[Floods close the coast road again]]\n[[A new bakery opens in the old mill]]\n" + _BODY,
            fixed=_BODY + _BODY),
        good(_BODY + "Budget at a glance\nRoads: up a fifth\nSchools: unchanged\n" + _BODY),
    ),
)
def furniture_block_in_body(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A run of three or more consecutive short, non-prose lines inside the article body, one of
    which is certainly furniture (a UI label, a "Related" header, a share button, a link list):
    a related-links box, a newsletter box or a gallery widget embedded in the article.

    ## Why it matters
    Such boxes interrupt the article with other pages' headlines and calls to action.

    ## What it does not flag
    Lists and fact boxes of the article itself: without a furniture line in the run, nothing is
    flagged.

    ## How to fix
    Delete the lines. Safe: the run is bounded by prose on both sides.
    """
    lay = layout(doc)
    for i in body_furniture_blocks(doc, lay):
        ln = lay.lines[i]
        yield Hit(ln.start, ln.end, f"Furniture block inside the article: '{ln.text[:60]}'",
                  fix=_delete_line(doc, ln), confidence=0.7)


@rule(
    code="BP003",
    name="link-list-line",
    category="boilerplate",
    summary="A line of links joined by separators (breadcrumbs, footer links)",
    severity="warning",
    fixable=True,
    examples=(
        bad("The budget passed.\n[[Home > News > Local]]\nThe council met on Tuesday.",
            fixed="The budget passed.\nThe council met on Tuesday."),
        bad("Text.\n[[About | Advertise | Contact | Careers]]\n", fixed="Text.\n"),
        good("The score was 3 | 2 after the break, a close game."),
        good("Opening hours: 9 am / 5 pm"),
    ),
)
def link_list_line(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A short line that is a list of link labels joined by `|`, `•`, `»`, `>` or `/`:
    breadcrumbs (`Home > News > Local`) and footer link rows (`About | Contact | Careers`).
    Needs at least two separators and short title-case items.

    ## Why it matters
    It is navigation, not text.

    ## How to fix
    Delete the line. Safe.
    """
    lay = layout(doc)
    for ln in lay.lines:
        if ln.prose or ln.words > 25 or ln.sentence_end:
            continue
        if not is_link_list(ln.text):
            continue
        yield Hit(ln.start, ln.end, f"Line of links: '{ln.text[:60]}'", fix=_delete_line(doc, ln),
                  confidence=0.85)


_COUNT_LINE_RE = re.compile(
    r"^(?:\d[\d,.]*\s*[kKmM]?\s*(?:shares?|comments?|views?|likes?|reads?|reactions?|responses?)?|"
    r"(?:shares?|comments?|views?|likes?)\s*[:(]?\s*\d[\d,.]*[kKmM]?\)?)$",
    re.IGNORECASE,
)


@rule(
    code="BP004",
    name="share-count-line",
    category="boilerplate",
    summary="A line that is only a share, comment or view count",
    severity="warning",
    fixable=True,
    examples=(
        bad("The budget passed on Tuesday after a long and heated debate in the chamber.\n[[12 Shares]]\nThe council met on Tuesday.",
            fixed="The budget passed on Tuesday after a long and heated debate in the chamber.\nThe council met on Tuesday."),
        good("The budget passed on Tuesday after a long and heated debate in the chamber.\nShares in the company rose.\n"),
    ),
)
def share_count_line(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A line holding only a counter: `0`, `12 Shares`, `1.2K views`, `Comments (3)`. A bare
    number counts only outside the article body (inside it, it may be a list number).

    ## Why it matters
    Counters belong to share and comment widgets, not to the article.

    ## How to fix
    Delete the line. Safe.
    """
    lay = layout(doc)
    for ln in lay.lines:
        if ln.words > 3 or not _COUNT_LINE_RE.match(ln.text):
            continue
        bare = ln.text.replace(",", "").replace(".", "").isdigit()
        if bare and lay.in_body(ln.index):
            continue
        yield Hit(ln.start, ln.end, f"Share or view counter: '{ln.text}'", fix=_delete_line(doc, ln),
                  confidence=0.8 if bare else 0.9)


_CAPTION_RE = re.compile(
    r"^(?:above|below|top|pictured|left|right|inset|main|file photo|file picture|in pictures|"
    r"gallery|slideshow|watch|video)\s*(?:\(\w+\))?\s*:\s+\S",
    re.IGNORECASE,
)


@rule(
    code="BP007",
    name="image-caption-line",
    category="boilerplate",
    summary="An image caption or video teaser line ('Above: ...', 'Pictured: ...')",
    severity="info",
    fixable=True,
    examples=(
        bad("[[Above: A coworking space in San Francisco.]]\nThe company is under investigation.",
            fixed="The company is under investigation."),
        good("Above all, the company must cut costs, the report said."),
    ),
)
def image_caption_line(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A line introduced by a caption marker: `Above:`, `Pictured:`, `File photo:`, `Watch:`.

    ## Why it matters
    Captions describe an image the text no longer has; read as prose they interrupt the
    article.

    ## How to fix
    Delete the line (unsafe: some pipelines keep captions).
    """
    lay = layout(doc)
    for ln in lay.lines:
        if ln.words > 40 or not _CAPTION_RE.match(ln.text):
            continue
        yield Hit(ln.start, ln.end, f"Image caption: '{ln.text[:60]}'",
                  fix=_delete_line(doc, ln, Applicability.UNSAFE), confidence=0.8)


_CONTACT_RE = re.compile(
    r"^(?:(?:phone|tel|telephone|fax|e-?mail|email|contact|twitter|instagram|facebook)\s*[:.]?\s*)?"
    r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+|(?:[\w-]+\.)+(?:com|org|net|co|io|uk|in|de)(?:/\S*)?|@\w{2,30}|\+?[\d()][\d\s().-]{6,20}\d)$",
    re.IGNORECASE,
)


@rule(
    code="BP008",
    name="contact-or-address-line",
    category="boilerplate",
    summary="A line that is only an e-mail address, a web address, a handle or a phone number",
    severity="info",
    fixable=True,
    examples=(
        bad(_BODY + "[[paul.takahashi@example.com]]\n[[twitter.com/paultakahashi]]\n[[Phone +41 41 544 78 00]]\n",
            fixed=_BODY),
        good(_BODY + "Readers can write to letters@example.com with their views on the budget.\n"),
    ),
)
def contact_or_address_line(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A line holding only contact details: an e-mail address, a web address, a social handle
    (`@name`), a phone or fax number, optionally labelled (`Phone: ...`, `E-mail: ...`).

    ## Why it matters
    Author boxes and site footers leave these lines; they are not article text.

    ## How to fix
    Delete the line. Safe: the line holds nothing but the address.
    """
    lay = layout(doc)
    for ln in lay.lines:
        if ln.words > 12 or not _CONTACT_RE.match(ln.text):
            continue
        yield Hit(ln.start, ln.end, f"Contact line: '{ln.text[:60]}'", fix=_delete_line(doc, ln), confidence=0.8)


_BIO_RE = re.compile(
    r"^[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+){0,3}(?:\s+\(@\w+\))?\s+(?:is|was|has been|writes|covers)\s+"
    r"(?:(?:a|an|the|our)\s+)?(?:[\w\-]+\s+){0,5}"
    r"(?:writer|journalist|editor|reporter|correspondent|contributor|columnist|author|producer|photographer|"
    r"blogger|freelancer|critic|anchor|host|editor-in-chief|staff writer)s?\b"
)


@rule(
    code="BP112",
    name="author-bio",
    category="boilerplate",
    summary="An author biography after the article ('Jane Doe is a reporter for ...')",
    severity="info",
    fixable=True,
    examples=(
        bad(_BODY + "[[Jane Doe is a staff reporter covering city hall for the Example Times.]]\n",
            fixed=_BODY),
        good("Jane Doe is a writer who moved to the city in 1990, and the council gave her a prize on Tuesday.\n" + _BODY),
    ),
)
def author_bio(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A line that introduces the author (`Jane Doe is a reporter for ...`, `X has been
    covering tech for a decade`) in the page's tail or among the last lines of the body, where
    author boxes sit.

    ## Why it matters
    The author box is site template; it is not the article. Article prose about a writer sits
    earlier in the body and is not flagged.

    ## How to fix
    Delete the line (unsafe: some corpora keep author bios as metadata).
    """
    lay = layout(doc)
    _a, b = lay.body
    for ln in lay.lines:
        if ln.index < b - 3 or ln.words > 80 or not _BIO_RE.match(ln.text):
            continue
        yield Hit(ln.start, ln.end, f"Author biography: '{ln.text[:60]}'",
                  fix=_delete_line(doc, ln, Applicability.UNSAFE), confidence=0.75)


_LOWER_RE = re.compile(r"[a-zß-öø-ÿ]")
_UPPER_RE = re.compile(r"[A-ZÀ-ÖØ-Þ]")


def _mostly_capitals(ln: LineInfo) -> bool:
    if ln.prose and ln.words > 20 or ln.words < 2:
        return False
    upper = len(_UPPER_RE.findall(ln.text))
    lower = len(_LOWER_RE.findall(ln.text))
    return upper >= 6 and upper >= 4 * lower


@rule(
    code="BP006",
    name="capitalised-line-run",
    category="boilerplate",
    summary="Consecutive lines in capitals (kickers and teaser headlines)",
    severity="info",
    fixable=True,
    examples=(
        bad(_BODY + "[[RANDY ANDY]]\n[[PRINCE PARTIES IN UNEARTHED PICTURES]]\n" + _BODY,
            fixed=_BODY + _BODY),
        good("BAAR, SWITZERLAND\n" + _BODY),
        good(_BODY + "GIRLS BASKETBALL\nPalm Bay beat Rockledge 70-44 on Friday night.\n"),
    ),
)
def capitalised_line_run(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Two or more consecutive lines written mostly in capital letters: teaser headlines and
    their kickers in a related-stories box. A single capitalised line (a dateline such as
    `BAAR, SWITZERLAND`, a section heading) is left alone. Confidence is higher outside the
    article body.

    ## Why it matters
    Pages shout their navigation and teaser boxes; articles rarely print two lines in a row in
    capitals.

    ## How to fix
    Delete the lines. Safe.
    """
    lay = layout(doc)
    lines = lay.lines
    caps = [_mostly_capitals(ln) for ln in lines]
    end = lay.body[1]
    for i, ln in enumerate(lines):
        if not caps[i]:
            continue
        run = (i > 0 and caps[i - 1]) or (i + 1 < len(lines) and caps[i + 1])
        if run:
            yield Hit(ln.start, ln.end, f"Line in capitals: '{ln.text[:60]}'", fix=_delete_line(doc, ln),
                      confidence=0.7 if i >= end or i < lay.body[0] else 0.6)


#: loaded before any time limit starts (qa.warmup)
from qa.checks.boilerplate_layout import WARM_UP  # noqa: E402,F401
