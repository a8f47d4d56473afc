"""Pack kinds for page furniture: ``furniture`` (a boilerplate line) and ``glued_tail`` (debris
glued onto the end of a prose line).

A phrase only counts where boilerplate lives, so that prose *about* cookies, coupons or menus
stays clean.

``furniture`` keys:

* ``phrases`` (list or ``{file: x.txt}``): regex fragments, compiled once into one alternation.
* ``fuzzy`` (list or file): plain phrases compared with the whole (normalised) line by
  ``rapidfuzz`` (``fuzzy_threshold``, default 90), for labels whose spelling varies
  ("Sign-in", "Signin", "Sign In"). Only lines up to ``fuzzy_max_chars`` (default 40) are tried.
* ``match``: ``line`` (the phrase is the whole line, apart from bullets, punctuation, arrows and a
  trailing count such as "(12)"), ``start`` (the line starts with the phrase and has at most
  ``max_words`` words: "Tags: economy, trade"), or ``contains`` (the phrase anywhere in a line of
  at most ``max_words`` words that does not read like article prose).
* ``where``: ``anywhere`` (default), or ``outside_body`` (only in the page head or tail, see
  ``qa.checks.boilerplate_layout``; never the first line, which is the page title).
* ``max_words`` (default 12 for ``start``/``contains``).
* ``allow_prose`` (default false): with ``start``/``contains``, also lines that read like prose
  (for phrases that never occur in article sentences, such as a copyright sign).
* ``keep_in_article`` (list of ``credit``, ``price``, ``quantity``): lines of that content shape
  (``qa.checks.boilerplate_layout.content_shape``) are left alone inside the article, between
  prose lines (``inside_article``): a photo credit under a picture is not the site's footer.

``glued_tail`` keys:

* ``phrases`` (list or file): regex fragments of promotional or furniture wording.
* ``min_hits`` (default 2): distinct phrase hits the debris must hold in total.

The tail is found by walking back from the end of a line over its sentences (split at sentence
ends, with or without a space: ``Parliament.Special``): each sentence of the debris must hold a
phrase. Words glued inside the debris (``NovEarly``) do not split it, so the debris always starts
right after a sentence mark and never inside a word. The debris must either start at a
glued seam (no space) or hold ``min_hits + 1`` hits; the finding covers exactly the debris and the
fix deletes it, leaving the prose sentence whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

from rapidfuzz import fuzz, process

from qa.lazyre import LazyPattern, lazy_compile
from qa import fastpath
from qa.checks.boilerplate_layout import Layout, LineColumns, columns, inside_article, layout, line_starts
from qa.document import Document
from qa.model import Applicability, Edit, Fix, Hit
from qa.packs import PackContext, fix_from_spec, format_message, register_kind
from qa.scan import Triggers, candidates, literal_triggers
from qa.scan import enabled as scan_enabled

_NORM_RE = lazy_compile(r"[\W_]+")
#: ``_NORM_RE`` within the lines of a text whose underscores were made spaces (a run stops at a
#: line break; one class, which the regex engine scans much faster than ``[^\w\n]|_``)
_NORM_IN_LINES_RE = lazy_compile(r"[^\w\n]+")
#: characters whose case-insensitive match differs from ``str.lower`` ("ſ" matches "s")
_SPECIAL_RE = fastpath.CASE_SPECIAL_RE


def _matching(rx: re.Pattern[str], ix: LineColumns, tried: Iterable[int] | None) -> list[int]:
    """The lines of ``tried`` (``None``: all) whose label, or bare line where it differs, ``rx``
    matches."""
    labels, bares, bare_lows = ix.labels, ix.bares, ix.bare_lows  # (bare_lows[i] is None: the bare line is the label)
    search = rx.search
    if tried is None:
        hit = [i for i, m in enumerate(map(search, labels)) if m is not None]
        hit += [i for i, b in enumerate(bare_lows) if b is not None and search(bares[i]) is not None]
        return hit
    return [i for i in tried if search(labels[i]) or (bare_lows[i] is not None and search(bares[i]))]


def _outside_body(lay: Layout) -> list[int]:
    """Indices of the lines outside the body, without the first line (the page title)."""
    got = lay.extra.get("_outside")
    if got is None:
        a, b = lay.body
        got = lay.extra["_outside"] = [*range(1, a), *range(max(b, 1), len(lay.lines))]
    return got  # type: ignore[return-value]


def _short_lines(lay: Layout, idx: Iterable[int], max_words: int, allow_prose: bool) -> list[int]:
    """The lines of ``idx`` with at most ``max_words`` words that are not prose (unless
    ``allow_prose``)."""
    lines = lay.lines
    if allow_prose:
        return [i for i in idx if lines[i].words <= max_words]
    return [i for i in idx if lines[i].words <= max_words and not lines[i].prose]


def _alternation(ctx: PackContext, fld: str, phrases: list[str]) -> re.Pattern[str]:
    for i, p in enumerate(phrases):
        ctx.check_fragment(f"{fld}[{i}]", p)
    body = "|".join(f"(?:{p})" for p in sorted(phrases, key=len, reverse=True))
    return ctx.compile(fld, body, re.IGNORECASE)


@register_kind("furniture", {"phrases", "fuzzy", "fuzzy_threshold", "fuzzy_max_chars", "match",
                             "where", "max_words", "allow_prose", "keep_in_article"})
def build_furniture(spec: Mapping[str, object], ctx: PackContext):
    phrases = ctx.lexicon("phrases", spec.get("phrases")) if spec.get("phrases") else []
    fuzzy = ctx.lexicon("fuzzy", spec.get("fuzzy")) if spec.get("fuzzy") else []
    if not phrases and not fuzzy:
        raise ctx.error("phrases", "needs phrases or fuzzy phrases")
    match = str(spec.get("match", "line"))
    if match not in ("line", "start", "contains"):
        raise ctx.error("match", "must be line, start or contains")
    where = str(spec.get("where", "anywhere"))
    if where not in ("anywhere", "outside_body"):
        raise ctx.error("where", "must be anywhere or outside_body")
    if fuzzy and match != "line":
        raise ctx.error("fuzzy", "fuzzy phrases need match: line")
    alt = _alternation(ctx, "phrases", phrases) if phrases else None
    has_phrases = alt is not None  # (the checks keep this, not the unanchored alternation, never searched)
    if alt is not None:  # the phrases as ``match`` reads them: compiled on first use (a ``match: line``
        # rule with plain phrases needs it only for a label with a case-special character)
        if match == "line":
            anchored = rf"^(?:{alt.pattern})$"
        elif match == "start":
            anchored = rf"^(?:{alt.pattern})(?!\w)"
        else:
            anchored = rf"(?<!\w)(?:{alt.pattern})(?!\w)"
        anchored_rx = lazy_compile(anchored, re.IGNORECASE)

        def pattern_of() -> LazyPattern:
            return anchored_rx
    fuzzy_norm = sorted({_NORM_RE.sub(" ", f.lower()).strip() for f in fuzzy})
    threshold = float(spec.get("fuzzy_threshold", 90))  # type: ignore[arg-type]
    fuzzy_max = int(spec.get("fuzzy_max_chars", 40))  # type: ignore[arg-type]
    # the key lengths that can score ``threshold`` against a phrase: ``fuzz.ratio`` of texts of
    # lengths a and b is at most 200 * min(a, b) / (a + b) (their Indel distance is at least
    # |a - b|); the other lengths are left out, with a margin for rounding
    # (beyond ``200 / threshold`` times the longest phrase no key can score it)
    fuzzy_lengths = frozenset(
        n for n in range(int(max(map(len, fuzzy_norm), default=0) * 200 / max(threshold, 1.0)) + 2)
        if any(200 * min(n, m) / (n + m) >= threshold - 1e-6 for m in map(len, fuzzy_norm) if n + m))
    max_words = int(spec.get("max_words", 12))  # type: ignore[arg-type]
    template = str(spec.get("message") or "Page furniture '{match}'")
    suggestion = spec.get("suggestion")
    confidence = float(spec.get("confidence", 0.9))  # type: ignore[arg-type]
    fix_default = spec.get("fix") is None
    allow_prose = bool(spec.get("allow_prose", False))
    keep = spec.get("keep_in_article") or []
    if isinstance(keep, str):
        keep = [keep]
    if not isinstance(keep, list) or any(k not in ("credit", "price", "quantity") for k in keep):
        raise ctx.error("keep_in_article", "must be a list of credit, price, quantity")
    keep_shapes = frozenset(keep)
    code = ctx.code
    # every match holds one of these literals (lower case): a line without one cannot match
    # (the label, the bare line and the line without bullets are all parts of the line)
    literals = fastpath.fragment_literals(phrases) if phrases else None
    # a whole-line phrase that is plain text ("close", "read more") is looked up in a set; the
    # others go through the regex, only on the lines holding one of their literals (or, for a
    # plain non-ASCII phrase such as "δ", on labels with a non-ASCII character)
    exact: frozenset[str] = frozenset()
    rest_pattern = wide_pattern = None
    rest_literals: tuple[str, ...] = ()
    rest_always = rest_non_ascii = False
    if match == "line" and alt is not None:
        pieces = [a for p in phrases for a in fastpath.split_alternatives(p)]
        plain = {a: fastpath.plain_literal(a) for a in pieces}
        exact = frozenset(t.lower() for t in plain.values() if t and t.isascii())
        rest = [a for a in pieces if not (plain[a] and plain[a].isascii())]
        if rest:
            rest_pattern = lazy_compile(rf"^(?:{'|'.join(f'(?:{a})' for a in rest)})$", re.IGNORECASE)
        gated: list[str] = []
        wide: list[str] = []
        for a in rest:
            t = plain[a]
            if t and not any(c.isascii() or c in fastpath.CASE_SPECIAL for c in t):
                rest_non_ascii = True  # only a label with a non-ASCII character can match
                wide.append(a)
            elif fastpath.fragment_literals([a]):
                gated.append(a)
            else:
                rest_always = True  # no gate: tried on every line
        rest_literals = fastpath.fragment_literals(gated) or () if gated else ()
        if wide:  # (those phrases alone: what a non-ASCII line without a rest literal can match)
            wide_pattern = lazy_compile(rf"^(?:{'|'.join(f'(?:{a})' for a in wide)})$", re.IGNORECASE)
    # the rule's triggers (qa.scan). Without fuzzy phrases and with ``literals``, no line can
    # match without one of them: the lines holding one are the candidates (in the page head and
    # tail too). ``rest_literals`` join them, so that the lines where ``rest_pattern`` is tried
    # come from the same scan. Without ``literals`` (a phrase without a required literal,
    # fuzzy phrases) any line may match: a regex trigger that any non-empty text holds keeps the
    # rule running, and the lines holding a rest literal still come from the scan.
    line_gate = bool(literals) and not fuzzy
    if line_gate:
        triggers = literal_triggers(literals + tuple(rest_literals))  # type: ignore[operator]
    else:
        triggers = Triggers(literals=tuple(sorted({x.lower() for x in rest_literals})), patterns=((".", re.DOTALL),))
    rest_set = frozenset(rest_literals)
    #: the longest rest literal: a longer hit (the whole text, for the ``.`` trigger) is none of
    #: them (``str.lower`` never shortens a text), and is not lower-cased to find that out
    rest_max = max(map(len, rest_set), default=0)

    def whole_line(label: str, cand_rest: set[int] | None, index: int) -> str | None:
        """The label when the whole of it is a phrase (same answer as ``pattern``)."""
        ascii_ = label.isascii()
        if not ascii_ and _SPECIAL_RE.search(label) is not None:  # "ſhare" is "share"
            m = pattern_of().search(label)
            return m.group(0) if m else None
        if label.lower() in exact:
            return label
        if rest_pattern is not None and (rest_always or cand_rest is None or index in cand_rest
                                         or (rest_non_ascii and not ascii_)):
            m = rest_pattern.search(label)
            if m:
                return m.group(0)
        return None

    def phrase_lines(ix: LineColumns, cand_rest: set[int] | None) -> dict[int, str]:
        """``whole_line`` of the label, then of the bare line, for every line of the document
        with a label: only the lines it can answer for at all are tried (a label or bare line in
        ``exact``, one with a case-special character, one where ``rest_pattern`` is tried and
        matches); every other line yields ``None``. Line index -> the match."""
        maybe: set[int] = set(ix.special)
        if exact:
            maybe.update(i for i, k in enumerate(ix.lows) if k in exact)
            maybe.update(i for i, k in enumerate(ix.bare_lows) if k is not None and k in exact)
        if rest_pattern is not None:
            if rest_always or cand_rest is None:
                maybe.update(_matching(rest_pattern, ix, None))
            else:
                maybe.update(_matching(rest_pattern, ix, cand_rest))
                if wide_pattern is not None:  # (a line with a case-special character is in ``maybe`` already)
                    maybe.update(_matching(wide_pattern, ix, ix.non_ascii - cand_rest))
        labels, bares = ix.labels, ix.bares
        out: dict[int, str] = {}
        for i in sorted(maybe):
            label = labels[i]
            if not label:
                continue
            got = whole_line(label, cand_rest, i)
            if got is None and bares[i] != label:
                got = whole_line(bares[i], cand_rest, i)
            if got is not None:
                out[i] = got
        return out

    def fuzzy_lines(ix: LineColumns, skip: Mapping[int, str]) -> list[int]:
        """The lines outside ``skip`` whose label, at most ``fuzzy_max`` characters, is one of
        the fuzzy phrases (``fuzz.ratio`` of the normalised label at least ``threshold``); the
        unique keys are scored in one ``cdist`` call (the same scores as ``extractOne``)."""
        labels = ix.labels
        todo = [i for i, lab in enumerate(labels) if lab and len(lab) <= fuzzy_max and i not in skip]
        lows = ix.lows
        # ``_NORM_RE.sub(" ", low).strip()`` of each label, in one pass over them joined by line
        # breaks (a label holds none, and the runs replaced stop at them)
        joined = "\n".join([lows[i] for i in todo]).replace("_", " ")
        keys = [k.strip() for k in _NORM_IN_LINES_RE.sub(" ", joined).split("\n")] if todo else []
        # (a key whose length no phrase's allows cannot score ``threshold``: not scored)
        keep = [j for j, k in enumerate(keys) if len(k) >= 4 and (len(k) in fuzzy_lengths or threshold <= 1.0)]
        uniq = sorted({keys[j] for j in keep})
        if not uniq:
            return []
        import numpy as np  # (loaded by the layout already)

        scores = process.cdist(uniq, fuzzy_norm, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.float64,
                               workers=1)
        good = {k for k, best in zip(uniq, scores.max(axis=1).tolist()) if best >= threshold}
        return [todo[j] for j in keep if keys[j] in good]

    def check(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
        lay = layout(doc)
        lines = lay.lines
        if not lines:
            return
        fast = scan_enabled()
        split = fast and match == "line" and has_phrases
        cand = cand_rest = None
        if fast:  # the lines holding a literal, from the document's one scan
            found = candidates(doc, code, triggers)
            if found is not None:
                starts = line_starts(doc, lines)
                if line_gate:  # (lines with a rest literal only: they cannot match either)
                    cand = {bisect_right(starts, a) - 1 for a, _ in found}
                if split and rest_literals:
                    text = doc.text
                    cand_rest = {bisect_right(starts, a) - 1 for a, b in found
                                 if b - a <= rest_max and text[a:b].lower() in rest_set}
        if split and not rest_literals:
            cand_rest = set()
        n = len(lines)
        if cand is not None and not fuzzy_norm:  # the candidate lines, in order, where the rule looks
            if where == "outside_body":  # not the body, nor the first line (the page title)
                a, b = lay.body
                b = max(b, 1)
                idx: Iterable[int] = sorted(i for i in cand if 1 <= i < a or b <= i < n)
            else:
                idx = sorted(i for i in cand if 0 <= i < n)
        elif where == "outside_body":
            idx = _outside_body(lay)
        else:
            idx = range(n)
        if match != "line":
            idx = _short_lines(lay, idx, max_words, allow_prose)
        matched: dict[int, str] | None = None
        if split and cand is None:  # every line: the label index, made once per document
            ix = columns(lay)  # (shared with the layout's markers)
            matched = phrase_lines(ix, cand_rest)
            if fuzzy_norm:
                for i in fuzzy_lines(ix, matched):
                    matched[i] = ix.labels[i]
            idx = sorted(matched) if isinstance(idx, range) else [i for i in idx if i in matched]
        for i in idx:
            ln = lines[i]
            if matched is not None:
                found = matched[i]
            else:
                label = ln.label if match == "line" else ln.unbulleted
                if not label:
                    continue
                found = None
                if split:
                    found = whole_line(label, cand_rest, i)
                    if found is None and ln.bare != label:
                        found = whole_line(ln.bare, cand_rest, i)
                elif has_phrases:
                    pattern = pattern_of()
                    m = pattern.search(label)
                    if m is None and match == "line" and ln.bare != label:
                        m = pattern.search(ln.bare)  # "Image 1 of 9": the number belongs to the label
                    if m:
                        found = m.group(0)
                if found is None and fuzzy_norm and len(label) <= fuzzy_max:
                    key = _NORM_RE.sub(" ", label.lower()).strip()
                    if key and len(key) >= 4:
                        best = process.extractOne(key, fuzzy_norm, scorer=fuzz.ratio, score_cutoff=threshold)
                        if best is not None:
                            found = label
                if found is None:
                    continue
            if keep_shapes and ln.shape in keep_shapes and inside_article(lay, i):
                continue  # a credit (or price) between paragraphs of the article is content
            ls, le = ln.ext_start, ln.ext_end
            if fix_default:
                fix = Fix((Edit(ls, le, ""),), Applicability.SAFE, "Delete the line")
            else:
                fix = fix_from_spec(ctx, spec, ls, le)
            yield Hit(ln.start, ln.end, format_message(template, match=found, line=ln.text[:80]),
                      suggestion=str(suggestion) if suggestion else None, fix=fix,
                      confidence=confidence)

    check.triggers = triggers  # type: ignore[attr-defined]
    return check


# a seam inside a line: a sentence end, with or without a space after it
_SEAM_RE = lazy_compile(r"(?<=[a-z0-9)”’\"])(?P<mark>[.!?])(?P<ws>\s*)(?=[\"“‘(]?[A-Z])")


@register_kind("glued_tail", {"phrases", "min_hits"})
def build_glued_tail(spec: Mapping[str, object], ctx: PackContext):
    phrases = ctx.lexicon("phrases", spec.get("phrases"))
    if not phrases:
        raise ctx.error("phrases", "needs at least one phrase")
    alt = _alternation(ctx, "phrases", phrases)
    pattern = lazy_compile(rf"(?<!\w)(?:{alt.pattern})(?!\w)", re.IGNORECASE)
    min_hits = int(spec.get("min_hits", 2))  # type: ignore[arg-type]
    template = str(spec.get("message") or "Debris glued onto the sentence: '{match}'")
    confidence = float(spec.get("confidence", 0.9))  # type: ignore[arg-type]
    literals = fastpath.fragment_literals(phrases)
    triggers = literal_triggers(literals)  # every phrase hit holds one (qa.scan)
    code = ctx.code

    def check(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
        text = doc.text
        found = candidates(doc, code, triggers) if scan_enabled() else None  # from the one scan
        if found is not None and not found:
            return
        lines = layout(doc).lines
        last_hit: dict[int, int] | None = None
        if found is not None:
            # each match holds its own occurrence of a literal (matches do not overlap), so a
            # line with fewer than ``min_hits`` occurrences cannot have ``min_hits`` matches
            starts = line_starts(doc, lines)
            at = [bisect_right(starts, a) - 1 for a, _ in found]
            per_line = Counter(at)
            last_hit = dict(zip(at, (a for a, _ in found)))  # the last occurrence in each line
            lines = [lines[i] for i, k in sorted(per_line.items()) if i >= 0 and k >= min_hits]
        for ln in lines:
            if ln.words < 8:
                continue  # a glued tail needs a sentence of prose before it
            chunk = ln.text
            seams = list(_SEAM_RE.finditer(chunk))
            if not seams:
                continue
            last_piece = seams[-1].end()
            if last_hit is not None and last_hit[ln.index] < ln.start + last_piece:
                continue  # the last piece holds no occurrence, so no phrase: the walk back stops there
            if pattern.search(chunk, last_piece) is None:
                continue  # no phrase starts in the last piece (a search from its start would find
                # one that the scan of the whole line finds there): the walk back stops there too
            # cuts: (where the next piece starts, where the previous one ends, kind)
            cuts = [(m.end(), m.end("mark"), "glued" if m.group("ws") == "" else "sentence") for m in seams]
            hit_pos = [h.start() for h in pattern.finditer(chunk)]
            if len(hit_pos) < min_hits:
                continue
            bounds = [0, *(c[0] for c in cuts), len(chunk)]
            # walk back from the end over pieces while each holds a phrase
            first = None
            k = len(bounds) - 2
            while k >= 1 and any(bounds[k] <= p < bounds[k + 1] for p in hit_pos):
                first = k
                k -= 1
            if first is None:
                continue
            start_rel, prev_end, kind = cuts[first - 1]
            phrases_in = {chunk[p : p + 40].lower().split(" ")[0] for p in hit_pos if p >= start_rel}
            n_hits = sum(1 for p in hit_pos if p >= start_rel)
            if n_hits < min_hits or len(phrases_in) < 2 or (kind != "glued" and n_hits < min_hits + 1):
                continue
            if len(chunk[:prev_end].split()) < 4:
                continue  # nothing of a sentence before it: a furniture line, not a glued tail
            a, b = ln.start + prev_end, ln.end
            debris_start = ln.start + start_rel
            yield Hit(
                debris_start,
                b,
                format_message(template, match=text[debris_start:b][:60]),
                suggestion="delete the debris; the sentence before it is complete",
                fix=Fix((Edit(a, b, ""),), Applicability.SAFE, "Delete the glued debris"),
                confidence=confidence,
            )

    check.triggers = triggers  # type: ignore[attr-defined]
    return check
