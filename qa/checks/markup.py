"""META11x: leftover markup and placeholders: the scraper's HTML, entities, Markdown debris,
template placeholders and stray indentation lines."""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping

from qa.lazyre import lazy_compile
from qa.document import Document
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule
from qa.scan import Triggers, candidates, literal_triggers

_TAG_RE = lazy_compile(
    r"</?(?:a|abbr|b|br|div|span|p|i|em|strong|img|ul|ol|li|table|tr|td|th|tbody|thead|h[1-6]|"
    r"script|style|iframe|figure|figcaption|section|article|header|footer|nav|aside|small|sup|sub|"
    r"u|blockquote|pre|code|font|center|noscript|meta|link|source|video|picture|svg|path|button|"
    r"input|form|label|hr)\b(?:\s+[\w:-]+(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s<>\"']+))?)*\s*/?>",
    re.IGNORECASE,
)


@rule(
    code="META110",
    name="leftover-html-tag",
    category="metadata",
    summary="An HTML tag left in the extracted text",
    severity="warning",
    fixable=True,
    triggers=literal_triggers(("<",), gate=True),  # every tag starts with one
    examples=(
        bad("The vote passed.[[<br/>]]The council met.", fixed="The vote passed. The council met."),
        bad("It was [[<strong>]]very[[</strong>]] close.", fixed="It was very close."),
        bad("The minister resigned on Monday.[[</p>]][[<p>]]Her deputy will take over."),
        good("The ratio was a < b and c > d in every test."),
    ),
)
def leftover_html_tag(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """An HTML element tag (`<br>`, `<p class="x">`, `</strong>`) in text that should be plain.
    Only known HTML element names count, so comparisons such as `a < b` stay clean.

    ## Why it matters
    The extraction did not finish its job; tags break tokenisation and show up in outputs.

    ## How to fix
    Delete the tag (a line-break tag `<br>`, `<p>` or `</p>` between words becomes a space). Safe:
    the tag is markup, not text.
    """
    text = doc.text
    for m in _TAG_RE.finditer(text):
        a, b = m.span()
        name = re.match(r"</?(\w+)", m.group(0)).group(1).lower()  # type: ignore[union-attr]
        repl = ""
        if name in ("br", "p", "div", "li", "hr") and a > 0 and b < len(text) and not text[a - 1].isspace() and not text[b].isspace():
            repl = " "
        yield Hit(a, b, f"Leftover HTML tag {m.group(0)[:40]}",
                  fix=Fix((Edit(a, b, repl),), Applicability.SAFE, "Delete the tag"), confidence=0.9)


_ENTITY_RE = lazy_compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


@rule(
    code="META111",
    name="html-entity",
    category="encoding",
    summary="An HTML entity such as &amp; or &nbsp; left undecoded",
    severity="warning",
    fixable=True,
    triggers=literal_triggers(("&",), gate=True),  # every reference starts with one
    examples=(
        bad("Johnson [[&amp;]] Johnson rose[[&nbsp;]]3%.", fixed="Johnson & Johnson rose 3%."),
        bad("He said [[&#8220;]]no[[&#8221;]].", fixed="He said “no”."),
        bad("Tickets cost [[&pound;]]20 and the show starts at 8[[&nbsp;]]pm."),
        good("Johnson & Johnson rose 3%; AT&T fell."),
    ),
)
def html_entity(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A character reference (`&amp;`, `&nbsp;`, `&#8220;`, `&#x2019;`) that the extraction left
    undecoded. Only references that HTML defines are flagged.

    ## How to fix
    Replace it with the character it stands for (`&nbsp;` becomes an ordinary space). Safe.
    """
    text = doc.text
    for m in _ENTITY_RE.finditer(text):
        ent = m.group(0)
        dec = html.unescape(ent)
        if dec == ent:
            continue  # not a known entity
        if dec in ("\u00a0", "\u2009", "\u202f"):
            dec = " "
        yield Hit(m.start(), m.end(), f"Undecoded HTML entity {ent}", suggestion=dec,
                  fix=Fix((Edit(m.start(), m.end(), dec),), Applicability.SAFE, "Decode the entity"))


_PLACEHOLDER_RE = lazy_compile(
    r"(?:^|(?<=[\s:(\[]))(?:null|undefined|NaN|None|\[object Object\]|\{\{\s*[\w.]+\s*\}\}|%[A-Z_]{3,}%|"
    r"\${[\w.]+}|(?i:lorem ipsum)(?: dolor sit amet)?[\w ,.]*)(?=$|[\s.,;)\]])",
)


#: every match of ``_PLACEHOLDER_RE`` holds one of these: only lines holding one are searched
_PLACEHOLDER_GATE_RE = lazy_compile(r"null|undefined|NaN|None|\[object|\{\{|%[A-Z_]{3,}%|\$\{|(?i:lorem ipsum)")
#: ``_PLACEHOLDER_GATE_RE``'s alternatives one by one, each starting with a literal or one class
#: (``(?i:l)`` is ``[lL]``), so that each search skips ahead in C: none crosses a line break, so
#: the lines holding a match of one of them are the lines holding a match of the gate
_PLACEHOLDER_GATES = tuple(lazy_compile(p) for p in (
    r"null", r"undefined", r"NaN", r"None", r"\[object", r"\{\{", r"%[A-Z_]{3,}%", r"\$\{", r"[lL](?i:orem ipsum)"))

#: the rule's triggers (``qa.scan``, any case): the gates' literals, "%" for ``%[A-Z_]{3,}%``
_PLACEHOLDER_TRIGGERS = literal_triggers(("null", "undefined", "nan", "none", "[object", "{{", "${", "lorem ipsum", "%"))
#: the gates that are plain literals, in their case
_PLACEHOLDER_LITERALS = frozenset(("null", "undefined", "NaN", "None", "[object", "{{", "${"))
_PERCENT_GATE_RE = _PLACEHOLDER_GATES[6]


def _placeholder_gate(doc: Document) -> list[int]:
    """Offsets in ``doc.text`` where a match of ``_PLACEHOLDER_GATE_RE`` starts, on every line
    that holds one (``template_placeholder`` reads only the lines): the candidates of the
    document's one scan that are a gate in its case, or, without a scan's answer, every match
    of every gate."""
    text = doc.text
    found = candidates(doc, "META112", _PLACEHOLDER_TRIGGERS)
    if found is None:
        return [g.start() for rx in _PLACEHOLDER_GATES for g in rx.finditer(text)]
    out = []
    for a, b in found:
        piece = text[a:b]
        # (a scan answers only for texts where "lorem ipsum" in any case is what str.lower finds)
        if (piece in _PLACEHOLDER_LITERALS or (piece == "%" and _PERCENT_GATE_RE.match(text, a))
                or (b - a == 11 and piece.lower() == "lorem ipsum")):
            out.append(a)
    return out


@rule(
    code="META112",
    triggers=_PLACEHOLDER_TRIGGERS,  # every match holds one
    name="template-placeholder",
    category="metadata",
    summary="A template placeholder (null, undefined, NaN, {{name}}, Lorem ipsum) in the text",
    severity="warning",
    examples=(
        bad("Posted by [[undefined]] on Monday.\nThe council met."),
        bad("[[Lorem ipsum dolor sit amet]]\nThe council met."),
        bad("Price: [[NaN]]\n"),
        good("The value is undefined in law, the judge said, and null and void."),
        good("The function returns None when the list is empty."),
    ),
)
def template_placeholder(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A value the page template never filled in: `undefined`, `null`, `NaN`, `None`,
    `[object Object]`, `{{author}}`, `${name}`, `%TITLE%`, or Lorem ipsum filler, standing alone
    in a short line or as the value after a label (`Posted by undefined`).

    ## Why it matters
    It marks a field whose real value is missing; downstream it reads as a word.

    ## What it does not flag
    The words in ordinary sentences (`null and void`, `undefined in law`): in prose, only
    template syntax (`{{x}}`, `${x}`, `[object Object]`) and Lorem ipsum count.

    ## How to fix
    Fill in the value or delete the fragment; no automatic fix (the right repair depends on the
    sentence).
    """
    text = doc.text
    gate = _placeholder_gate(doc)
    if not gate:
        return
    lines = doc.lines
    starts = doc.line_starts
    for k in sorted({bisect_right(starts, g) - 1 for g in gate}):
        a, b = lines[k]
        line = text[a:b]
        if not line.strip():
            continue
        words = len(line.split())
        for m in _PLACEHOLDER_RE.finditer(line):
            tok = m.group(0)
            templ = tok.startswith(("{{", "${", "%", "[object")) or tok.lower().startswith("lorem ipsum")
            if not templ:
                before = line[: m.start()].rstrip()
                after = line[m.end():].strip(" .,;")
                # alone on a short line, or the value after a label ("Price: NaN", "Posted by null")
                label_value = before.endswith((":", " by", "By")) and len(after.split()) <= 3
                if not (words <= 3 or label_value):
                    continue
                if tok == "None" and words > 1 and not label_value:
                    continue
            yield Hit(a + m.start(), a + m.end(), f"Template placeholder '{tok[:40]}' in the text")


_MD_RE = lazy_compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)"  # image embed
    r"|\[\s*\]\([^)\n]*\)"  # link without text
    r"|(?<![*\w])\*{4,}(?![*\w])|(?<![_\w])_{4,}(?![_\w])"  # empty emphasis
    r"|^[ \t]*(?:#{1,6}|>|[-*+])[ \t]*$",  # empty heading, quote or bullet marker (one line)
    re.MULTILINE,
)
# The same matches, found faster: _MD_RE's first four branches, each starting with its literal
# character (so the scan skips to "!", "[", "*" or "_"), and its last branch (a marker alone on a
# line) searched from each line break. Their matches never overlap, so together they are exactly
# _MD_RE's matches.
_MD_INLINE_RE = lazy_compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)"
    r"|\[\s*\]\([^)\n]*\)"
    r"|\*(?<![*\w]\*)\*{3,}(?![*\w])|_(?<![_\w]_)_{3,}(?![_\w])"
)
_MD_MARKER_RE = lazy_compile(r"\A[ \t]*(?:#{1,6}|>|[-*+])[ \t]*$", re.MULTILINE)
_MD_MARKER_AFTER_BREAK_RE = lazy_compile(r"\n([ \t]*(?:#{1,6}|>|[-*+])[ \t]*)$", re.MULTILINE)


#: the rule's triggers (``qa.scan``): what every inline match holds, and a marker alone on a line
_MD_TRIGGERS = Triggers(literals=("****", "](", "____"), patterns=((r"^[ \t]*(?:#{1,6}|>|[-*+])[ \t]*$", re.MULTILINE),))


def _md_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``_MD_RE.finditer(text)``, in order."""
    # every inline match holds "](" (an embed, a link) or four "*" or "_": without them, no search
    if "](" in text or "****" in text or "____" in text:
        spans = [m.span() for m in _MD_INLINE_RE.finditer(text)]
    else:
        spans = []
    m0 = _MD_MARKER_RE.match(text)
    marks = [m0.span()] if m0 else []
    marks += [m.span(1) for m in _MD_MARKER_AFTER_BREAK_RE.finditer(text)]
    if marks:
        spans = sorted(spans + marks)
    return spans


@rule(
    code="META113",
    triggers=_MD_TRIGGERS,  # every finding holds one
    name="markdown-artefact",
    category="metadata",
    summary="Markdown debris: image embeds, links without text, empty emphasis or markers",
    severity="info",
    fixable=True,
    examples=(
        bad("The council met.\n[[![chart](https://example.com/a.png)]]\nIt voted.", fixed="The council met.\n\nIt voted."),
        bad("See [[[](https://example.com)]] the vote.", fixed="See  the vote."),
        good("The council met. See [the minutes](https://example.com/m) for details."),
    ),
)
def markdown_artefact(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Markdown that carries no text: image embeds `![alt](url)`, links without text
    `[](url)`, empty emphasis `****`, a heading, quote or bullet marker alone on a line.
    Metadata fields in the head (`Author: ****`) are left to META001.

    ## How to fix
    Delete it. Safe: it has no words of the article.
    """
    text = doc.text
    head_fields = [vs for _ks, vs in doc.fields.values()]
    for a, b in _md_spans(text):
        if any(va <= a <= vb for va, vb in head_fields):
            continue
        if text[a:b].strip() == "" or b <= a:
            continue
        if text[a:b].strip() in ("-", "*", "+", ">", "#") :
            a = a + (len(text[a:b]) - len(text[a:b].lstrip()))
            b = a + 1 if text[a] != "#" else a + len(text[a:b].rstrip())
        yield Hit(a, b, f"Markdown debris '{text[a:b][:40]}'",
                  fix=Fix((Edit(a, b, ""),), Applicability.SAFE, "Delete the Markdown debris"), confidence=0.85)


_INDENT_LINE_RE = lazy_compile(r"^[ \t\u00a0]{2,}(?=\r?\n|\r|$)", re.MULTILINE)
#: the same lines after the first: ``^`` (multi-line) matches after a line feed, so the search
#: looks for the line feed (a literal: it skips ahead in C) and the run is group 1
_INDENT_AFTER_BREAK_RE = lazy_compile(r"\n([ \t\u00a0]{2,})(?=\r?\n|\r|$)", re.MULTILINE)


def _indent_lines(text: str) -> list[tuple[int, int]]:
    """The spans of ``_INDENT_LINE_RE.finditer(text)``, in order."""
    first = _INDENT_LINE_RE.match(text)
    return ([first.span()] if first else []) + [m.span(1) for m in _INDENT_AFTER_BREAK_RE.finditer(text)]


@rule(
    code="META114",
    name="stray-indentation-line",
    category="metadata",
    summary="A line of only spaces or tabs (indentation left by the page's HTML)",
    severity="info",
    fixable=True,
    examples=(
        bad("The council met.\n[[      ]]\nIt voted.", fixed="The council met.\n\nIt voted."),
        good("The council met.\n\nIt voted."),
    ),
)
def stray_indentation_line(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A line holding nothing but two or more spaces, tabs or no-break spaces: indentation of
    the page's HTML source that survived extraction.

    ## How to fix
    Empty the line (keep it as a blank line). Safe.
    """
    for a, b in _indent_lines(doc.text):
        if b == a:
            continue
        yield Hit(a, b, "Line of only white space (stray indentation)",
                  fix=Fix((Edit(a, b, ""),), Applicability.SAFE, "Empty the line"))
