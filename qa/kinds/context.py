"""The ``context`` kind: a word that is suspicious only in certain company (false friends).

A false friend such as *rape* for Spanish *violación* (breach) is a perfectly good English word;
it is wrong only when the words around it show that the text is about something else (phones,
privacy, a contract). An entry says which word to look for, which nearby words make it suspicious
and which clear it.

Keys:

* ``word`` (string or list of regex fragments): what to look for; word-bounded, case-insensitive
  unless ``ignorecase: false``. If a fragment has a named group ``w``, the finding (and the fix)
  covers only that group, so ``"of (?P<w>the first) to"`` can require context inside the match.
* ``replace``: a mapping from an inflection of the word (lower case) to a list of suggestions,
  or a plain list used for every inflection. The first suggestion becomes an **unsafe** fix that
  keeps the initial capital (or all capitals) of the matched text.
* ``when_near`` (list of regex fragments or ``{file: lexicon.txt}``): at least one must occur in
  the window, outside the matched word itself. Without ``when_near`` the word fires wherever it
  is not cleared, for phrases that are wrong on their own.
* ``unless_near`` (same form): none may occur in the window (anywhere, the match included).
* ``window``: ``sentence`` (default), ``paragraph``, ``document``, or an integer number of words
  on either side of the match. A match inside the title line always uses the whole document as
  its window: a headline's context is the article below it.
* ``unless_window``: a wider window for ``unless_near`` only (same values as ``window``; default:
  ``window``). ``unless_window: document`` lets one word anywhere in the article clear the entry,
  so that a real crime report stays silent even in a sentence that lacks the clearing words.
* ``source``: the likely source-language cause, e.g. ``"es violación / pt violação"``.
* ``message``: a template with ``{match}``, ``{context}`` (the ``when_near`` text found),
  ``{suggestion}`` and ``{source}``.

All patterns are compiled once when the pack loads. A check is one ``finditer`` over the text for
``word`` and at most two bounded ``search`` calls per match (results per window are cached).
When every fragment of ``word`` has a literal that all its matches contain (``qa.fastpath``),
those literals are the rule's triggers (``qa.scan``): the engine skips a document without any
of them, and in one with them the regex runs only near their occurrences, which the document's
one scan found; most false friends never occur in a given document. When every match also
starts with one of a set of texts that each hold such a literal (``qa.fastpath.leading_literals``:
``absolute exit`` for ``(?:absolute|big) exit``), those texts are the triggers and the regex is
tried at their occurrences only.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping

from qa.lazyre import lazy_compile
from qa.document import Document, Span
from qa.fastpath import leading_literals, literal_prefixes
from qa.textfind import finditer_at
from qa.model import Applicability, Edit, Fix, Hit
from qa.packs import PackContext, format_message, register_kind
from qa.scan import candidates, literal_triggers

KEYS = {"word", "replace", "when_near", "unless_near", "window", "unless_window", "source", "ignorecase"}
_WINDOWS = ("sentence", "paragraph", "document")

DEFAULT_MESSAGE = (
    "'{match}' is probably a wrong-sense translation here (likely source: {source}); "
    "the context ('{context}') suggests '{suggestion}'"
)
DEFAULT_MESSAGE_NO_CONTEXT = (
    "'{match}' is probably a wrong-sense translation (likely source: {source}); did you mean "
    "'{suggestion}'?"
)


def _alternation(ctx: PackContext, fld: str, items: list[str], flags: int) -> re.Pattern[str] | None:
    if not items:
        return None
    for i, p in enumerate(items):
        ctx.check_fragment(f"{fld}[{i}]", p, flags)
    body = "|".join(f"(?:{p})" for p in sorted(items, key=len, reverse=True))
    return ctx.compile(fld, rf"(?<!\w)(?:{body})(?!\w)", flags)


def _replacements(ctx: PackContext, raw: object) -> tuple[dict[str, list[str]], list[str]]:
    """``(by_inflection, for_any)`` from the ``replace`` key."""
    if raw is None:
        return {}, []
    if isinstance(raw, list):
        if not raw or not all(isinstance(s, str) and s for s in raw):
            raise ctx.error("replace", "a list of replace suggestions must hold non-empty strings")
        return {}, [str(s) for s in raw]
    if isinstance(raw, Mapping):
        out: dict[str, list[str]] = {}
        for key, val in raw.items():
            vals = [val] if isinstance(val, str) else val
            if not isinstance(vals, list) or not vals or not all(isinstance(s, str) and s for s in vals):
                raise ctx.error(f"replace.{key}", "expected a suggestion or a list of suggestions")
            out[" ".join(str(key).lower().split())] = [str(s) for s in vals]
        return out, []
    raise ctx.error("replace", "expected a mapping {inflection: [suggestions]} or a list")


def _match_case(matched: str, repl: str) -> str:
    if len(matched) > 1 and matched.isupper():
        return repl.upper()
    if matched[:1].isupper():
        return repl[:1].upper() + repl[1:]
    return repl


def _window_spec(ctx: PackContext, raw: object, fld: str = "window") -> str | int:
    if raw is None:
        return "sentence"
    if isinstance(raw, bool):
        raise ctx.error(fld, "must be sentence, paragraph, document or a number of words")
    if isinstance(raw, int):
        if raw < 1:
            raise ctx.error(fld, "a word window must be at least 1")
        return raw
    if isinstance(raw, str) and raw in _WINDOWS:
        return raw
    raise ctx.error(fld, f"must be sentence, paragraph, document or a number of words, not {raw!r}")


def window_span(doc: Document, start: int, end: int, window: str | int) -> Span:
    """The text span around ``[start, end)`` that a context entry looks at."""
    n = len(doc.text)
    if window == "document":
        return 0, n
    ts = doc.title_span
    if ts is not None and ts[0] <= start < ts[1]:
        return 0, n  # a headline's context is the article
    if window == "sentence":
        return doc.sentence_of(start) or doc.paragraph_of(start) or (0, n)
    if window == "paragraph":
        return doc.paragraph_of(start) or (0, n)
    words = doc.words
    i = bisect_right(words, start, key=_first) - 1  # the word holding (or before) the match start
    j = bisect_left(words, end, key=_first) - 1  # the last word starting before the match end
    i = max(i, 0)
    j = max(j, i)
    lo = words[max(0, i - int(window))][0] if words else 0
    hi = words[min(len(words) - 1, j + int(window))][1] if words else n
    return min(lo, start), max(hi, end)


#: how far around an occurrence of the required literal a match can reach
_MARGIN = 400


def _candidates(doc: Document, word: re.Pattern[str], lit_re: re.Pattern[str] | None,
                found: list[tuple[int, int]] | None) -> Iterator[re.Match[str]]:
    """Matches of ``word``: over the whole text, or only near the occurrences of its literals.

    ``found`` holds the occurrences (the rule's candidates from the document's scan,
    ``qa.scan.candidates``); without them (a text with a character that lower-casing could
    shift) they are searched with the case-insensitive ``lit_re``. Searching with
    ``pos``/``endpos`` keeps look-behinds correct (they see the real text); the margin is wider
    than any match the packs' patterns can make around their literal.
    """
    text = doc.text
    if lit_re is None:
        yield from word.finditer(text)
        return
    n = len(text)
    if found is None:
        found = [lm.span() for lm in lit_re.finditer(text)]
    spans: list[list[int]] = []
    for la, lb in found:
        a, b = max(0, la - _MARGIN), min(n, lb + _MARGIN)
        if spans and a <= spans[-1][1]:
            spans[-1][1] = b
        else:
            spans.append([a, b])
    for a, b in spans:
        yield from word.finditer(text, a, b)


def _first(span: Span) -> int:
    return span[0]


@register_kind("context", KEYS)
def build_context(spec: Mapping[str, object], ctx: PackContext):
    flags = re.IGNORECASE if spec.get("ignorecase", True) else 0
    raw_word = spec.get("word")
    words = [raw_word] if isinstance(raw_word, str) else raw_word
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
        raise ctx.error("word", "is required: a regex fragment or a list of them")
    for i, w in enumerate(words):
        ctx.check_fragment(f"word[{i}]", str(w), flags)
    # each fragment may mark its own (?P<w>...) group: number them so the alternation compiles
    renamed = [str(w).replace("(?P<w>", f"(?P<w{i}>") for i, w in enumerate(words)]
    word = _alternation(ctx, "word", renamed, flags)
    assert word is not None
    literals = literal_prefixes(renamed, flags)  # every match holds one of these (lower case)
    # when every match also starts with one of a set of texts that each hold such a literal
    # (so they are no commoner), those are the triggers and the regex is tried at their
    # occurrences only; else it runs in windows around the literals' occurrences
    leading = leading_literals(word) if literals else None
    at_starts = bool(leading) and all(any(lit in t for lit in literals) for t in leading)  # type: ignore[union-attr]
    if at_starts:
        literals = leading
    triggers = literal_triggers(literals)  # the engine skips documents without them (qa.scan)
    lit_re = (lazy_compile("|".join(re.escape(x) for x in sorted(literals, key=len, reverse=True)), re.IGNORECASE)
              if literals else None)
    groups = sorted(g for g in word.groupindex if g[:1] == "w" and g[1:].isdigit())
    when = _alternation(ctx, "when_near", ctx.lexicon("when_near", spec["when_near"]), flags) \
        if spec.get("when_near") is not None else None
    unless = _alternation(ctx, "unless_near", ctx.lexicon("unless_near", spec["unless_near"]), flags) \
        if spec.get("unless_near") is not None else None
    window = _window_spec(ctx, spec.get("window"))
    clear_window = _window_spec(ctx, spec.get("unless_window"), "unless_window") if spec.get("unless_window") is not None else window
    by_form, for_any = _replacements(ctx, spec.get("replace"))
    source = str(spec.get("source") or "")
    if not source:
        raise ctx.error("source", "is required: the likely source-language cause")
    template = str(spec.get("message") or (DEFAULT_MESSAGE if when else DEFAULT_MESSAGE_NO_CONTEXT))
    extra_suggestion = spec.get("suggestion")
    confidence = float(spec.get("confidence", 1.0))  # type: ignore[arg-type]
    code = ctx.code

    def check(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
        found = candidates(doc, code, triggers)  # occurrences of the literals, from the one scan
        if found is not None and not found:
            return
        text = doc.text
        cleared: dict[Span, bool] = {}
        matches = (word.finditer(text) if found is None else finditer_at(word, text, [a for a, _b in found])) \
            if at_starts else _candidates(doc, word, lit_re, found)
        for m in matches:
            a, b = m.span()
            for g in groups:
                if m.start(g) >= 0:
                    a, b = m.span(g)
                    break
            ws, we = window_span(doc, m.start(), m.end(), window)
            if unless is not None:
                cs, ce = (ws, we) if clear_window == window else window_span(doc, m.start(), m.end(), clear_window)
                if (cs, ce) not in cleared:
                    cleared[(cs, ce)] = unless.search(text, cs, ce) is not None
                if cleared[(cs, ce)]:
                    continue
            context = ""
            if when is not None:
                cm = when.search(text, ws, m.start()) or when.search(text, m.end(), we)
                if cm is None:
                    continue
                context = cm.group(0)
            matched = text[a:b]
            sugg = by_form.get(" ".join(matched.lower().split())) or for_any
            suggestions = [_match_case(matched, s) for s in sugg]
            shown = " / ".join(suggestions) if suggestions else str(extra_suggestion or "")
            fix = None
            if suggestions:
                fix = Fix((Edit(a, b, suggestions[0]),), Applicability.UNSAFE,
                          f"Replace with '{suggestions[0]}'")
            yield Hit(
                a,
                b,
                format_message(template, match=matched, context=context, suggestion=shown or "?",
                               source=source),
                suggestion=shown or None,
                fix=fix,
                confidence=confidence,
            )

    check.fixable = bool(by_form or for_any)  # type: ignore[attr-defined]
    check.triggers = triggers  # type: ignore[attr-defined]
    check.at_starts = at_starts  # type: ignore[attr-defined]  # (the tests read how it searches)
    return check
