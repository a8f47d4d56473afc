"""WS: odd spaces and invisible characters inside prose."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from qa.lazyre import lazy_compile
from qa.document import Document
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule

#: character -> (name, replacement). Zero-width characters are deleted, the rest become a space.
ODD_SPACES: dict[str, tuple[str, str]] = {
    "\u00a0": ("no-break space", " "),
    "\u2000": ("en quad", " "),
    "\u2001": ("em quad", " "),
    "\u2002": ("en space", " "),
    "\u2003": ("em space", " "),
    "\u2004": ("three-per-em space", " "),
    "\u2005": ("four-per-em space", " "),
    "\u2006": ("six-per-em space", " "),
    "\u2007": ("figure space", " "),
    "\u2008": ("punctuation space", " "),
    "\u2009": ("thin space", " "),
    "\u200a": ("hair space", " "),
    "\u202f": ("narrow no-break space", " "),
    "\u205f": ("medium mathematical space", " "),
    "\u3000": ("ideographic space", " "),
    "\u200b": ("zero-width space", ""),
    "\u2060": ("word joiner", ""),
    "\ufeff": ("zero-width no-break space (BOM)", ""),
    "\u00ad": ("soft hyphen", ""),
}
_ODD_RE = lazy_compile("[" + "".join(ODD_SPACES) + "]+")


@rule(
    code="WS001",
    name="odd-space-in-prose",
    category="whitespace",
    summary="No-break, zero-width or other unusual space characters inside prose",
    severity="info",
    fixable=True,
    examples=(
        bad("A[[\u00a0]]former banker, she returned.", fixed="A former banker, she returned."),
        bad("zero[[\u200b]]width", fixed="zerowidth"),
        good("A plain sentence with ordinary spaces."),
    ),
)
def odd_space_in_prose(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """No-break spaces (U+00A0), thin and other typographic spaces, and zero-width characters
    between words.

    ## Why it matters
    They look like ordinary spaces (or like nothing) but break tokenisers, search, deduplication
    and exact matching: `A\u00a0former` and `A former` hash differently.

    ## How to fix
    Replace each with an ordinary space; delete zero-width characters and soft hyphens. Safe for
    prose. Typesetting that relies on no-break spaces (French punctuation, `10\u00a0km`) loses
    only its line-breaking hint.
    """
    text = doc.text
    for m in _ODD_RE.finditer(text):
        chars = m.group(0)
        names = sorted({ODD_SPACES[c][0] for c in chars})
        repl = "" if all(ODD_SPACES[c][1] == "" for c in chars) else " "
        yield Hit(
            m.start(),
            m.end(),
            f"Unusual space character ({', '.join(names)}) in the text",
            suggestion="(delete)" if repl == "" else "an ordinary space",
            fix=Fix((Edit(m.start(), m.end(), repl),), Applicability.SAFE,
                    "Delete the invisible character" if repl == "" else "Replace with an ordinary space"),
        )
