"""The ``phrases`` kind: any listed phrase (a regex fragment) in a given place.

Keys:

* ``phrases`` (list, or ``{file: lexicon.txt}``): regex fragments, joined longest-first into one
  compiled alternation, word-bounded unless ``nonword: true``.
* ``ignorecase`` (default true).
* ``scope``: ``match`` (the finding covers the match) or ``line`` (the whole line).
* ``whole_line`` (default false): the phrase must be the whole line, apart from surrounding white
  space, bullets and final punctuation. This is how a pack says "a UI label on a line of its own",
  so that prose *about* the same words stays clean.
* ``max_line_chars``: the line holding the match is at most this long.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from qa.document import Document
from qa.fastpath import fragment_literals
from qa.model import Hit
from qa.packs import PackContext, fix_from_spec, format_message, line_extent, register_kind
from qa.scan import literal_triggers

_LINE_TRIM = " \t\u00a0•·*-–—|>#:;,.!?()[]"


@register_kind("phrases", {"phrases", "ignorecase", "nonword", "scope", "whole_line", "max_line_chars"})
def build_phrases(spec: Mapping[str, object], ctx: PackContext):
    phrases = ctx.lexicon("phrases", spec.get("phrases"))
    if not phrases:
        raise ctx.error("phrases", "needs at least one phrase")
    for i, p in enumerate(phrases):
        ctx.check_fragment(f"phrases[{i}]", p)
    flags = re.IGNORECASE if spec.get("ignorecase", True) else 0
    body = "|".join(f"(?:{p})" for p in sorted(phrases, key=len, reverse=True))
    if not spec.get("nonword"):
        body = rf"(?<!\w)(?:{body})(?!\w)"
    pattern = ctx.compile("phrases", body, flags)
    scope = str(spec.get("scope", "match"))
    if scope not in ("match", "line"):
        raise ctx.error("scope", "must be match or line")
    whole_line = bool(spec.get("whole_line", False))
    max_line = int(spec.get("max_line_chars", 0) or 0)  # type: ignore[arg-type]
    template = str(spec.get("message") or "'{match}'")
    suggestion = spec.get("suggestion")
    confidence = float(spec.get("confidence", 1.0))  # type: ignore[arg-type]

    def check(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
        text = doc.text
        last_line = -1
        for m in pattern.finditer(text):
            ls, le = line_extent(doc, m.start(), m.end())
            line = text[ls:le]
            if max_line and len(line.strip()) > max_line:
                continue  # a long line is prose, not a label
            if whole_line and line.strip(_LINE_TRIM + "\r\n").lower() != m.group(0).strip(_LINE_TRIM).lower():
                continue  # the phrase is part of a sentence, not the whole line
            if scope == "line":
                if ls == last_line:
                    continue
                last_line = ls
                stripped = line.rstrip("\r\n")
                a = ls + (len(stripped) - len(stripped.lstrip()))
                b = ls + len(stripped.rstrip())
                fix = fix_from_spec(ctx, spec, ls, le)
            else:
                a, b = m.span()
                fix = fix_from_spec(ctx, spec, a, b)
            yield Hit(
                a,
                b,
                format_message(template, match=m.group(0)),
                suggestion=str(suggestion) if suggestion else None,
                fix=fix,
                confidence=confidence,
            )

    # every match holds one of the phrases' literals: they are the rule's triggers (qa.scan)
    check.triggers = literal_triggers(fragment_literals(phrases, flags or re.NOFLAG), gate=True)  # type: ignore[attr-defined]
    return check
