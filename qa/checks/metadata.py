"""META: damaged metadata fields in the head of a scraped article."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from qa.lazyre import lazy_compile
from qa.document import Document
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.packs import line_extent
from qa.registry import rule

# A value that carries no information: empty, only Markdown emphasis, or a placeholder word.
_EMPTY_VALUE_RE = lazy_compile(
    r"^(?:[*_`~\s]*|(?:[*_`]*\s*(?:null|none|undefined|nan|n/?a|tbd|unknown|-+|\?+|lorem ipsum.*)\s*[*_`]*))$",
    re.IGNORECASE,
)


@rule(
    code="META001",
    name="empty-metadata-value",
    category="metadata",
    summary="A metadata field in the head with an empty or placeholder value",
    severity="warning",
    fixable=True,
    examples=(
        bad("# Title\n\nPublished at: 2019-11-06\n\n[[Author: ****]]\n\nBody text.",
            fixed="# Title\n\nPublished at: 2019-11-06\n\n\nBody text."),
        bad("# Title\n\n[[Author: null]]\n\nBody text.", fixed="# Title\n\n\nBody text."),
        bad("# Title\n\n[[Author: N/A]]\n\nBody text."),
        good("# Title\n\nAuthor: **Jane Doe**\n\nBody text."),
        good("# Title\n\nThe author: nobody knows who wrote it.\n\nBody."),
    ),
)
def empty_metadata_value(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A `Key: value` line in the document head (`Author:`, `Published at:`, `Source:` ...)
    whose value is empty, only Markdown emphasis (`****`), or a placeholder (`null`, `undefined`,
    `NaN`, `N/A`, `Lorem ipsum`).

    ## Why it matters
    Scrapers render missing fields as empty markup. The line carries no information, misleads
    whoever builds a citation from it, and adds noise to every downstream count.

    ## How to fix
    Delete the line (safe: it says nothing), or fill in the real value.
    """
    text = doc.text
    for key, ((ka, _kb), (va, vb)) in sorted(doc.fields.items(), key=lambda kv: kv[1][0][0]):
        value = text[va:vb]
        if not _EMPTY_VALUE_RE.match(value):
            continue
        ls, le = line_extent(doc, ka, vb)
        start = ls + (len(text[ls:le]) - len(text[ls:le].lstrip()))
        end = max(vb, start)
        shown = value.strip() or "(nothing)"
        yield Hit(
            start,
            end,
            f"Metadata field '{text[ka:_kb]}' has no real value: {shown}",
            suggestion="delete the line or fill in the value",
            fix=Fix((Edit(ls, le, ""),), Applicability.SAFE, "Delete the empty field line"),
        )
