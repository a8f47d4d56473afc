"""PUN: punctuation damage typical of machine translation and of scrapers joining paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from qa.lazyre import lazy_compile
from qa.document import Document
from qa.textfind import finditer_at
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule
from qa.scan import Triggers, literal_triggers

# A sentence mark, white space, then a second stray mark that is followed by white space or the
# end ("respectively. ."). A spaced ellipsis (". . .") is excluded by the lookarounds.
#: (the look-behind comes after the first mark, not before it, so the regex engine can skip to the
#: next punctuation mark instead of trying every position: five times faster, same matches)
_DOUBLED_RE = lazy_compile(r"(?P<first>[.!?,;:])(?<=\w[.!?,;:])(?P<gap>[ \t\u00a0]+)(?P<second>[.,;:])(?=\s|$)(?!\s*\.\s)")
#: the rule's triggers (``qa.scan``): every match holds its second mark right after a space, a
#: tab or a no-break space
_DOUBLED_TRIGGERS = literal_triggers((f"{gap}{mark}" for gap in " \t\u00a0" for mark in ".,;:"), gate=True)


@rule(
    code="PUN001",
    triggers=_DOUBLED_TRIGGERS,
    name="doubled-punctuation",
    category="punctuation",
    summary="A sentence mark followed by a second, stray mark after a space",
    severity="warning",
    fixable=True,
    examples=(
        bad("They visited in July and September, respectively[[. .]]", fixed="They visited in July and September, respectively."),
        bad("The deal is off[[, ,]] he said.", fixed="The deal is off, he said."),
        good("He paused . . . and then went on."),
        good("The vote was 3.5 to 1. Nobody objected."),
        good("Items: a, b, c."),
    ),
)
def doubled_punctuation(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Two sentence marks separated by a space, such as `respectively. .` or `off, ,`.

    ## Why it matters
    Machine translation and careless editing leave a stray second mark after the real one. Readers
    see a typo; tokenisers see an empty sentence.

    ## How to fix
    Delete the space and the second mark. The fix is safe: it keeps the first mark.
    """
    text = doc.text
    for m in _DOUBLED_RE.finditer(text):
        a, b = m.start("first"), m.end("second")
        # A spaced ellipsis ". . ." has a third mark after the second: leave it alone.
        if text[b : b + 2] in (" .", ".") or text[max(0, a - 2) : a].endswith(". "):
            continue
        yield Hit(
            a,
            b,
            f"Doubled punctuation '{text[a:b]}': a stray '{m.group('second')}' follows the "
            f"'{m.group('first')}'",
            suggestion=m.group("first"),
            fix=Fix((Edit(m.end("first"), b, ""),), Applicability.SAFE, "Delete the stray mark"),
        )


# A lower-case word of 2+ letters, a sentence end, then a capitalised word with no space between:
# "breach.A member", "Parliament.Special". Upper-case before the dot (U.S.A, ASP.NET) and a
# lower-case letter right after a single capital (".Net") are not matched by construction.
_GLUED_RE = lazy_compile(r"(?<![\w.@/\\:-])(?P<prev>(?>[A-Za-z]+)(?<=[a-z]{2})[)\"”’]?)(?P<mark>[.!?])(?P<next>[A-Z](?:[a-z]+|(?=[\s,]))\w*)")
#: the seam every match holds: a lower-case letter, perhaps a closing quote, the mark, a capital.
#: It starts with the mark (rare in text), so the regex engine skips ahead to the next one
_SEAM_RE = lazy_compile(r"[.!?](?:(?<=[a-z][.!?])|(?<=[a-z][)\"”’][.!?]))[A-Z]")
#: the rule's trigger: every seam is a lower-case letter, perhaps a closing mark, the mark and a capital
_GLUED_TRIGGERS = Triggers(patterns=(("[a-z][)\"”’]?[.!?][A-Z]", 0),))
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def glued_matches(text: str) -> Iterator[re.Match[str]]:
    """``_GLUED_RE.finditer(text)``, tried only where a seam is: a match's word is the whole run
    of ASCII letters before the seam's mark (its look-behind rules out a letter before it), so
    the regex is matched from the start of that run; a run starting inside the previous match is
    skipped, as ``finditer`` would."""
    starts = []
    for seam in _SEAM_RE.finditer(text):
        q = seam.start()
        r = q - 1 if text[q - 1] in _ASCII_LETTERS else q - 2  # the word's last letter
        while r > 0 and text[r - 1] in _ASCII_LETTERS:
            r -= 1
        starts.append(r)
    return finditer_at(_GLUED_RE, text, starts)


_URLISH_RE = lazy_compile(r"(?:https?://|www\.|\S@\S)")
_FILE_EXT = frozenset({"pdf", "doc", "docx", "txt", "html", "htm", "jpg", "jpeg", "png", "gif",
                       "csv", "xls", "xlsx", "zip", "py", "js", "com", "org", "net", "io", "in"})


@rule(
    code="PUN002",
    triggers=_GLUED_TRIGGERS,
    name="missing-space-after-sentence",
    category="punctuation",
    summary="A sentence ends and the next begins with no space between them",
    severity="warning",
    fixable=True,
    examples=(
        bad("Moitra spoke about the privacy [[breach.A]] member of the committee agreed.",
            fixed="Moitra spoke about the privacy breach. A member of the committee agreed."),
        bad("It ended [[there.She]] left.", fixed="It ended there. She left."),
        bad("The rain stopped at [[noon.The]] match began an hour later."),
        good("He moved to the U.S.A in 2010."),
        good("Tools such as e.g. Word or i.e. Excel."),
        good("See www.example.Com/Page for details."),
        good("The rate rose to 3.5 per cent."),
        good("Open report.Pdf to read it."),
        good("She works at ASP.NET shops."),
    ),
)
def missing_space_after_sentence(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A lower-case word, a full stop (or `!`/`?`) and a capitalised word glued together, as in
    `breach.A member`.

    ## Why it matters
    Scrapers that drop paragraph breaks, and pipelines that join lines, glue the last sentence of
    one paragraph to the first of the next. Sentence splitters then see one sentence, and
    everything downstream (alignment, language ID, deduplication) works on the wrong unit.

    ## What it does not flag
    Abbreviations in capitals (`U.S.A`), `e.g.`, web addresses, e-mail addresses and file names.

    ## How to fix
    Insert a space after the mark. Safe: no letter is changed.
    """
    text = doc.text
    for m in glued_matches(text):
        nxt = m.group("next")
        if nxt.lower() in _FILE_EXT:
            continue  # "report.Pdf", "example.Com"
        ws = text.rfind(" ", 0, m.start()) + 1
        token_end = text.find(" ", m.end())
        token = text[ws : token_end if token_end != -1 else len(text)]
        if _URLISH_RE.search(token):
            continue  # part of a web or e-mail address
        a, b = m.start("prev"), m.end("next")
        mark_end = m.end("mark")
        yield Hit(
            a,
            b,
            f"No space after '{m.group('mark')}' between '{m.group('prev')}' and '{nxt}': two "
            "sentences (or paragraphs) were glued together",
            suggestion=f"{m.group('prev')}{m.group('mark')} {nxt}",
            fix=Fix((Edit(mark_end, mark_end, " "),), Applicability.SAFE, "Insert a space"),
        )


# punctuation, white space, a closing curly quote, then a letter: `, ”said`
_QUOTE_SPACE_RE = lazy_compile(r"(?P<punct>[,.!?;:…])(?P<ws>[ \t\u00a0]+)(?P<q>[”»])(?P<next>\w)")


@rule(
    code="PUN003",
    triggers=literal_triggers(("”", "»"), gate=True),  # every match holds a closing quote
    name="misplaced-space-at-closing-quote",
    category="punctuation",
    summary="A space before a closing quotation mark and none after it",
    severity="warning",
    fixable=True,
    examples=(
        bad("“It is a rearguard action by WhatsApp[[, ”s]]aid the source.",
            fixed="“It is a rearguard action by WhatsApp,” said the source."),
        bad("“We will appeal the ruling[[, ”s]]he told reporters."),
        bad("“The budget is final[[, ”a]]dded the mayor."),
        good("“It is a rearguard action,” said the source."),
        good("He said: “Go.” Then he left."),
    ),
)
def misplaced_space_at_closing_quote(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A closing quotation mark separated from the quote's last punctuation by a space and glued
    to the next word, as in `, ”said the source`.

    ## Why it matters
    Machine translation often moves the space to the wrong side of a closing quote. The quote then
    looks like it opens, which confuses readers and quote-matching tools.

    ## How to fix
    Move the space after the quotation mark: `,” said`. Safe: only the space moves.
    """
    text = doc.text
    for m in _QUOTE_SPACE_RE.finditer(text):
        a, b = m.start("punct"), m.start("next") + 1
        q = m.group("q")
        yield Hit(
            a,
            b,
            f"Space before the closing quote '{q}' and none after it",
            suggestion=f"{m.group('punct')}{q} {m.group('next')}",
            fix=Fix(
                (Edit(m.start("ws"), m.end("q"), q + " "),),
                Applicability.SAFE,
                "Move the space after the closing quote",
            ),
        )


_OPEN_Q, _CLOSE_Q = "“", "”"


@rule(
    code="PUN004",
    triggers=literal_triggers((_OPEN_Q,), gate=True),  # every finding is an opening quote
    name="unclosed-quotation",
    category="punctuation",
    summary="An opening quotation mark that is never closed in its paragraph",
    severity="info",
    examples=(
        bad("[[“]]It has invoked its concern for privacy, officials said.\n\nThe meeting took place later."),
        good("“It has invoked its concern,” officials said."),
        good("“The first paragraph of a long quote continues\n\n“into the next one,” he said."),
    ),
)
def unclosed_quotation(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """An opening curly quote (“) with no closing quote (”) after it in the same paragraph.

    ## Why it matters
    An unclosed quote leaves the reader unsure where the speaker's words end; in machine
    translation it often means the closing quote was moved or dropped.

    ## What it does not flag
    News style opens every paragraph of a multi-paragraph quote and closes only the last: a
    paragraph whose quote is continued by a next paragraph starting with “ is fine.

    ## How to fix
    Add the closing quote where the speaker's words end. No automatic fix: only a person knows where.
    """
    text = doc.text
    paras = doc.paragraphs
    for i, (a, b) in enumerate(paras):
        chunk = text[a:b]
        if _OPEN_Q not in chunk:
            continue
        depth = 0
        last_open = -1
        for m in re.finditer("[“”]", chunk):
            if m.group(0) == _OPEN_Q:
                if depth == 0:
                    last_open = m.start()
                depth = 1
            else:
                depth = 0
        if depth == 0:
            continue
        nxt = text[paras[i + 1][0]] if i + 1 < len(paras) else ""
        if nxt == _OPEN_Q:
            continue  # a quote continued in the next paragraph (news convention)
        yield Hit(a + last_open, a + last_open + 1,
                  "Quotation opened here is not closed before the end of the paragraph",
                  confidence=0.8)
