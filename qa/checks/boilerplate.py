"""BP0xx: page furniture found by the shape and the position of lines (what phrase lists miss).

All rules here read the shared line analysis of ``qa.checks.boilerplate_layout``: the article
body is the run of lines with the most prose; the head is what comes before it and the tail what
comes after. Furniture is likelier there, so position sets the confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from qa.lazyre import lazy_compile
from qa.checks.boilerplate_layout import (
    Layout,
    LineInfo,
    case_counts,
    inside_article,
    is_legal_line,
    is_link_list,
    is_marker,
    is_navlike,
    is_section_end,
    layout,
    layout_triggers,
    markers,
)
from qa.document import Document
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule

#: every rule here reads the layout: never skipped, and the scan finds the layout's lexicon
#: literals for it (``qa.checks.boilerplate_layout.LAYOUT_RULES``)
LAYOUT_TRIGGERS = layout_triggers()

_BODY = (
    "The council approved the new budget on Tuesday after a long debate about the cost of schools.\n"
    "Members said the plan would raise spending on roads by a fifth over the next three years.\n"
    "The mayor said the vote was a good day for the city and thanked the officials who wrote it.\n"
)


# Known look-alikes of page furniture (invented text): an article whose body the layout starts
# after a results table, with running prose before the table (BP001 stops at the prose); a
# photo credit between paragraphs (not a copyright footer, so no tail starts there: BP002); a
# recipe whose ingredient, price and serving lines sit next to two real buttons (BP005 flags
# only the buttons).
_SPORT_TABLE = (
    "Menu\n"
    "Home\n"
    "Sport\n"
    "Weekend results: the valley league\n"
    "Rovers kept their lead at the top of the valley league with a narrow win over Albion on Saturday afternoon at the river ground.\n"
    "The only goal came ten minutes from the end, when the home side's young striker headed in a corner from the left wing.\n"
    "League table\n"
    "Team\n"
    "Played\n"
    "Points\n"
    "Rovers 12 30\n"
    "Albion 12 27\n"
    "Town 12 19\n"
    "County 12 17\n"
    "Harbour 12 15\n"
    "Mill Lane 12 12\n"
    "Forest 12 10\n"
    "Valley 12 8\n"
    "Bridge 12 4\n"
    "The title will be decided on the last day of the season, when the two sides meet again at the river ground in May, and both coaches expect a full house for the game.\n"
    "Rovers coach Dana Whitfield said her players had learned from the defeat at the same ground last season, and that the squad was fitter and more patient than it had been a year ago.\n"
    "Albion will be without their captain, who was sent off in the second half for a late tackle and is banned for the next two matches, so the young reserve will start in his place.\n"
    "The league said a record crowd of four thousand people had watched the match, and that tickets for the final were selling faster than for any game since the ground was rebuilt.\n"
    "Supporters of both clubs have asked for extra buses on the day of the final, because the car park at the river ground holds only a few hundred cars and the road is narrow.\n"
    "The council said it would look at the request this week, and that the police had already agreed a plan with the two clubs to keep the rival fans apart before and after the game.\n"
    "Town, in third place, can no longer catch the leaders, but their manager said the team would play the last three matches to win, because a place in the cup next season is still open.\n"
    "The cup draw will be made in June, and the league hopes that the final between the two leaders will persuade the regional television channel to show more of its matches next year.\n"
)
_CREDIT_MID_ARTICLE = (
    "Harbour town rebuilds its sea wall\n"
    "The old harbour wall was rebuilt in 1880 after a winter storm broke it in two places, and it has stood ever since then.\n"
    "Engineers say the stone is sound, but the foundations have been washed out by a century of tides and will need new concrete.\n"
    "The council voted on Tuesday to spend four million pounds on the repairs, which will start in the spring and last two years.\n"
    "Residents told the meeting that the wall protects more than two hundred homes, and that the work cannot wait for another winter.\n"
    "The harbour master said that boats would be moved to the outer basin while the builders work on the inner side of the wall.\n"
    "Fishing boats moored behind the wall | © 2014 Marta Lindqvist / Example Images\n"
    "A public exhibition of the plans will open in the library next month, and the council will take comments until the end of June.\n"
    "The builders will also repair the slipway, which has been closed to the lifeboat since a crack opened in it last autumn.\n"
)
_RECIPE = (
    "Spring lamb with peas and mint\n"
    "This is the dish my grandmother made every Easter, and it is still the one my family asks for when the first peas arrive.\n"
    "The lamb cooks slowly for three hours, so start in the morning if you want to eat at lunchtime with the rest of the family.\n"
    "Ingredients\n"
    "2 Cups Peas\n"
    "4 Cloves Garlic\n"
    "1 Bunch Mint\n"
    "Print\n"
    "Save\n"
    "Price: $18\n"
    "Serves: 4\n"
    "Brown the lamb in a heavy pan, then add the garlic and a glass of water, cover it and put it in a low oven for three hours.\n"
    "Stir the peas and the chopped mint into the juices for the last ten minutes, and season the dish well before you serve it.\n"
    "Leftovers keep for two days in the fridge, and the sauce is even better the next day when it is warmed through slowly.\n"
)


def _delete_line(doc: Document, ln: LineInfo, app: Applicability = Applicability.SAFE) -> Fix:
    return Fix((Edit(ln.ext_start, ln.ext_end, ""),), app, "Delete the line")


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
    """Where the line starts, before its indent: right after the line break before it (the
    stripped text holds no line break, so that is the start of its span in ``doc.lines``)."""
    return ln.ext_start


def head_furniture(doc: Document, lay: Layout) -> list[int]:
    """Indices of head lines up to the last certain furniture line before the body."""
    start = lay.body[0]
    if start == 0 or not lay.n_prose:
        return []
    # running prose in the head: the article may have begun there (its body cut short by a
    # table or a list), so after it only a certain marker (a UI label, a breadcrumb, a link
    # list) extends the furniture; short title-case lines (table headers, section labels) do not
    lines = lay.lines
    para = _paragraph_lines(lay, 0, start + 1)
    limit = next((i for i in range(start) if para[i] and ((i > 0 and para[i - 1]) or para[i + 1])), start)
    marks = markers(lay)
    last = -1
    n_markers = navlike = 0
    for i in range(start):
        if marks[i]:
            last = i
            n_markers += 1
        elif i < limit and is_navlike(lines[i]) and not _in_table(lines, i):
            last = i
            navlike += 1
    if last < 0 or (not n_markers and navlike < 2):
        return []  # one short title-case line (a dateline, a section label) is not a menu
    fields = _field_lines(doc)
    out = []
    for i in range(last + 1):
        ln = lines[i]
        if _line_start(doc, ln) in fields or (start - i <= 4 and is_meta_line(ln.text)):
            continue  # the article's own title fields, byline and date (reported as metadata)
        if i == 0 and not marks[i]:
            continue  # the first line is the page title
        out.append(i)
    return out


def _paragraph_lines(lay: Layout, lo: int, hi: int) -> list[bool]:
    """For the lines ``lo`` to ``hi - 1`` (``False`` beyond the last line): a line of running
    prose, as ``is_running_prose`` tests each line and its neighbours."""
    lines = lay.lines
    out = [ln.prose and ln.sentence_end and ln.words >= 20 and ln.stop_ratio >= 0.25 and not is_legal_line(ln)
           for ln in lines[lo:hi]]
    return out + [False] * (hi - lo - len(out))


_NUMBER_RE = lazy_compile(r"\d+")


def _table_row(ln: LineInfo) -> bool:
    """A row of a table or a list of amounts: a short line with two numbers (`Rovers 12 30`),
    or a price or a recipe amount."""
    row = ln._row
    if row is None:
        row = ln._row = not (ln.prose or ln.words > 8) and (
            (ln.has_digit and len(_NUMBER_RE.findall(ln.text)) >= 2) or ln.shape in ("price", "quantity"))
    return row


def _in_table(lines: list[LineInfo], i: int, reach: int = 4) -> bool:
    """Line ``i`` belongs to a table or a list of amounts: it is a row (``_table_row``), or two
    rows stand together within ``reach`` lines after it (a header, a label over the list) or
    right before it (the label of the next part: "Method"). Such a line is article content,
    not evidence of a menu."""
    if _table_row(lines[i]):
        return True
    n = len(lines)
    for k in range(i + 1, min(n - 1, i + 1 + reach)):
        if _table_row(lines[k]) and _table_row(lines[k + 1]):
            return True
    return i >= 2 and _table_row(lines[i - 1]) and _table_row(lines[i - 2])


def tail_furniture(doc: Document, lay: Layout) -> list[int]:
    """Indices of tail lines from the first certain furniture line after the body."""
    end = lay.body[1]
    n = len(lay.lines)
    if not lay.n_prose or end >= n:
        return []
    # the last line of running prose: after a marker that is neither a section-end header nor a
    # copyright footer (a UI label, a "Read more" link inside the article), running prose means
    # that the article goes on
    lo = max(end - 1, 0)
    para = _paragraph_lines(lay, lo, n + 1)  # (the line before the tail and one past the end)
    last_running = max((i for i in range(end, n)
                        if para[i - lo] and ((i > lo and para[i - lo - 1]) or para[i - lo + 1])), default=-1)
    first = None
    for i in range(end, n):
        ln = lay.lines[i]
        if is_marker(ln) and (i > last_running or is_section_end(ln) or is_legal_line(ln)):
            first = i
            break
    if first is None:
        return []
    return list(range(first, n))


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
    triggers=LAYOUT_TRIGGERS,
    examples=(
        bad("[[Menu]]\n[[Home]]\n[[News]]\n[[Sport]]\n[[Business]]\n[[Sign in]]\nBudget approved\n" + _BODY,
            fixed="Budget approved\n" + _BODY),
        good("Budget approved after a long debate\nBy Jane Doe\n" + _BODY),
        bad("[[Menu]]\n[[Home]]\n[[Sport]]\n" + _SPORT_TABLE.split("\n", 3)[3], fixed=_SPORT_TABLE.split("\n", 3)[3]),
        good("Budget approved\nOSLO, NORWAY\n" + _BODY),
    ),
)
def page_head_furniture(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Lines before the article body that are not part of the article: site menus, section
    links, sign-in and search boxes. The body is the run of lines with the most prose; the head
    ends at the last line before it that is certainly furniture (a UI label, a link list, a
    short title-case menu entry). Lines between that point and the body (the headline, a byline,
    a date, a standfirst) are left alone, and so is the first line (the page title) unless it
    is itself a UI label.

    ## What it does not flag
    Position is not enough. When the head holds running prose (two adjacent sentence lines of
    20 words or more), the article has begun there, its body cut short by a table or a list:
    after that prose only a certain marker (a UI label, a breadcrumb, a link list) extends the
    head, and the table headers, section labels and rows in between stay. The rows of a table
    or a list of amounts (short lines with two numbers, prices, recipe amounts), the header and
    label lines over them and the label right after them are no menu entries either. One short
    title-case line alone (a dateline such as `OSLO, NORWAY`) is no menu.

    ## Why it matters
    Extracted text starts with the site's navigation; it is not the article and repeats on every
    page of the site.

    ## How to fix
    Delete the lines. Safe: each is furniture by position and shape; the fix log lists them.
    """
    lay = layout(doc)
    heads = head_furniture(doc, lay)
    marks = markers(lay) if heads else ()
    for i in heads:
        ln = lay.lines[i]
        yield Hit(ln.start, ln.end, f"Page furniture before the article: '{ln.text[:60]}'",
                  fix=_delete_line(doc, ln), confidence=0.85 if marks[i] or is_navlike(ln) else 0.7)


@rule(
    code="BP002",
    name="page-tail-furniture",
    category="boilerplate",
    summary="Related links, footers and other page furniture after the article body",
    severity="warning",
    fixable=True,
    triggers=LAYOUT_TRIGGERS,
    examples=(
        bad(_BODY + "[[Most Read]]\n[[Floods close the coast road again]]\n[[A new bakery opens in the old mill]]\n",
            fixed=_BODY),
        good(_BODY + "Budget at a glance\nRoads: up a fifth\nSchools: unchanged\n"),
        good(_CREDIT_MID_ARTICLE),
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
    that ends the article) stay: the tail only starts at certain furniture. A weak marker (a UI
    label, a "Read more:" line) followed by running prose (two adjacent sentence lines of 20
    words or more) is inside the article, and the tail starts at a later marker; a section-end
    header or a site's copyright line starts it even when prose (teasers, comments) follows. A
    photo credit (`Harbour at dawn | © 2014 J. Doe`) is not a copyright line.

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
    lines = lay.lines
    marks = markers(lay)
    i = a
    while i < b:
        if lines[i].prose:
            i += 1
            continue
        j = i
        while j < b and not lines[j].prose:
            j += 1
        for k in range(i, j):
            ln = lines[k]
            if is_section_end(ln):
                out.update(range(k, j))
                break
        for k in range(i, j):
            if k in out or not marks[k]:
                continue
            lo = k
            while lo - 1 >= i and (marks[lo - 1] or is_navlike(lines[lo - 1])):
                lo -= 1
            hi = k + 1
            while hi < j and (marks[hi] or is_navlike(lines[hi])):
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
    triggers=LAYOUT_TRIGGERS,
    examples=(
        bad(_BODY + "[[Related]]\n[[Floods close the coast road again]]\n[[A new bakery opens in the old mill]]\n" + _BODY,
            fixed=_BODY + _BODY),
        good(_BODY + "Budget at a glance\nRoads: up a fifth\nSchools: unchanged\n" + _BODY),
        bad(_RECIPE.replace("\nPrint\nSave\n", "\n[[Print]]\n[[Save]]\n"), fixed=_RECIPE.replace("\nPrint\nSave\n", "\n")),
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
    flagged. Next to a furniture line, recipe amounts (`2 Cups Peas`), prices (`Price: $18`) and
    credits are content, not menu entries, and only the furniture lines are flagged.

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
    triggers=LAYOUT_TRIGGERS,
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
        if ln.prose or ln.words > 25 or ln.sentence_end or not ln.linkish:
            continue  # (a link list has a separator between spaces: it is link-like)
        if not is_link_list(ln.text):
            continue
        yield Hit(ln.start, ln.end, f"Line of links: '{ln.text[:60]}'", fix=_delete_line(doc, ln),
                  confidence=0.85)


_COUNT_LINE_RE = lazy_compile(
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
    triggers=LAYOUT_TRIGGERS,
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
        if ln.words > 3 or not ln.has_digit or not _COUNT_LINE_RE.match(ln.text):  # (every count has a digit)
            continue
        bare = ln.text.replace(",", "").replace(".", "").isdigit()
        if bare and lay.in_body(ln.index):
            continue
        yield Hit(ln.start, ln.end, f"Share or view counter: '{ln.text}'", fix=_delete_line(doc, ln),
                  confidence=0.8 if bare else 0.9)


_CAPTION_RE = lazy_compile(
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
    triggers=LAYOUT_TRIGGERS,
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


_CONTACT_RE = lazy_compile(
    r"^(?:(?:phone|tel|telephone|fax|e-?mail|email|contact|twitter|instagram|facebook)\s*[:.]?\s*)?"
    r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+|(?:[\w-]+\.)+(?:com|org|net|co|io|uk|in|de)(?:/\S*)?|@\w{2,30}|"
    r"(?!\d{4}-\d{1,2}-\d{1,2}$|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$)\+?[\d()][\d\s().-]{6,20}\d)$",  # a date is not a phone number
    re.IGNORECASE,
)


@rule(
    code="BP008",
    name="contact-or-address-line",
    category="boilerplate",
    summary="A line that is only an e-mail address, a web address, a handle or a phone number",
    severity="info",
    fixable=True,
    triggers=LAYOUT_TRIGGERS,
    examples=(
        bad(_BODY + "[[paul.takahashi@example.com]]\n[[twitter.com/paultakahashi]]\n[[Phone +41 41 544 78 00]]\n",
            fixed=_BODY),
        good(_BODY + "Readers can write to letters@example.com with their views on the budget.\n"),
        good(
            "The harvest festival returns to the old market hall on Saturday, with forty stalls and a brass band.\n"
            "Tickets cost five pounds at the door, and children under twelve go in free with an adult.\n"
            "+44 1632 960 184\n"
            "www.example-markethall.org\n"
            "The organisers say the hall can hold about two thousand visitors over the whole weekend.\n"
            "Parking is limited, so visitors are asked to come by bus or on foot where they can.\n"
        ),
    ),
)
def contact_or_address_line(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A line holding only contact details: an e-mail address, a web address, a social handle
    (`@name`), a phone or fax number, optionally labelled (`Phone: ...`, `E-mail: ...`).

    ## Why it matters
    Author boxes and site footers leave these lines; they are not article text.

    ## What it does not flag
    Contact details inside the article, between its paragraphs: the phone number and web
    address of a venue in an events article, a product's name that is a web address
    (`Example.com` as a sub-heading of a review). A date (`2024-11-06`) is not a phone number.

    ## How to fix
    Delete the line. Safe: the line holds nothing but the address.
    """
    lay = layout(doc)
    for ln in lay.lines:
        if ln.words > 12 or not _CONTACT_RE.match(ln.text) or inside_article(lay, ln.index):
            continue
        yield Hit(ln.start, ln.end, f"Contact line: '{ln.text[:60]}'", fix=_delete_line(doc, ln), confidence=0.8)


_BIO_RE = lazy_compile(
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
    triggers=LAYOUT_TRIGGERS,
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


def _mostly_capitals(ln: LineInfo) -> bool:
    if ln.prose and ln.words > 20 or ln.words < 2:
        return False
    upper, lower = case_counts(ln)  # UPPER_RE and LOWER_RE
    return upper >= 6 and upper >= 4 * lower


def _capital_lines(lines: list[LineInfo]) -> list[bool]:
    """``_mostly_capitals`` of every line, in one loop."""
    out = []
    append = out.append
    for ln in lines:
        w = ln.words
        if ln.prose and w > 20 or w < 2:
            append(False)
            continue
        upper, lower = ln._cases or case_counts(ln)  # UPPER_RE and LOWER_RE
        append(upper >= 6 and upper >= 4 * lower)
    return out


@rule(
    code="BP006",
    name="capitalised-line-run",
    category="boilerplate",
    summary="Consecutive lines in capitals (kickers and teaser headlines)",
    severity="info",
    fixable=True,
    triggers=LAYOUT_TRIGGERS,
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
    caps = _capital_lines(lines)
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
