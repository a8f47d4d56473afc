"""Encoding damage found and explained with ftfy: mojibake regions of a document.

Mojibake is what UTF-8 text looks like after its bytes were decoded with another codec
(Windows-1252 or Latin-1), once or twice: ``café`` becomes ``cafÃ©``, ``’`` becomes ``â€™``.
ftfy (``fix_encoding_and_explain``) undoes it and names the steps it took. This module runs it
only on the lines that can hold mojibake (a UTF-8 lead byte read as a character, followed by a
continuation byte read as one), splits each fixed line into the regions that changed, and tells
for each region whether the fix is exact: re-encoding the fixed text as UTF-8 and decoding it
again the wrong way (once or twice) gives back the damaged text character for character.

The analysis is computed once per document and cached on it (ENC001 reports the regions, the
other ENC rules skip characters inside them).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from qa.document import Document
from qa.warmup import loader

@lru_cache(maxsize=1)
@loader
def load_ftfy():
    """ftfy and its configuration, imported when a document first holds a damaged-looking line
    (start-up: most runs never need it; a lazy loader, ``qa.warmup``: ENC001 declares it, so it
    is imported outside the time limits, and up front where loaders run eagerly). Only its
    encoding repairs: entities (META111), C1 controls, widths, ligatures and quotes are other
    rules' business."""
    import ftfy
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    return ftfy, ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_c1_controls=False,
        fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False,
        fix_line_breaks=False, fix_surrogates=False, remove_control_chars=False, normalization=None,
    )

#: the characters a UTF-8 continuation byte (0x80-0xBF) becomes when read as Windows-1252 or
#: Latin-1 (and a space, for a no-break space byte that was turned into one)
_CONT = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
         "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122 ")
#: a lead byte (0xC2-0xF4) read as a character, then a continuation byte: every line ftfy can
#: repair holds one, so only those lines are sent to it
GATE_RE = re.compile(f"[\u00c2-\u00f4][{_CONT}]")

#: a three-byte UTF-8 sequence (lead byte 0xE0-0xEF) read as three characters. ftfy leaves some
#: alone when little else on the line is damaged ('â–º' for '►', 'á»§' for Vietnamese 'ủ');
#: correct text does not hold such a letter followed by two continuation-byte characters
_3BYTE_RE = re.compile(f"[\u00e0-\u00ef][{_CONT.rstrip()}]{{2}}")

_WRONG = ("sloppy-windows-1252", "latin-1")
_CODEC_WORDS = {"sloppy-windows-1252": "Windows-1252 (cp1252)", "windows-1252": "Windows-1252 (cp1252)",
                "latin-1": "Latin-1 (ISO-8859-1)", "utf-8": "UTF-8", "utf-8-variants": "UTF-8 (or CESU-8)"}
_APPLY_WORDS = {
    "restore_byte_a0": "a no-break-space byte that had become an ordinary space was restored",
    "replace_lossy_sequences": "a sequence that lost a byte was replaced by U+FFFD",
    "decode_inconsistent_utf8": "the mojibake pieces were decoded one by one (the line mixes them with correct text)",
}


@dataclass(frozen=True, slots=True)
class Region:
    start: int
    end: int
    fixed: str
    exact: bool  # the damage re-made from ``fixed`` equals the text: the fix is safe
    how: str  # what happened, in words


def explain_steps(steps) -> str:
    """ftfy's explanation steps as words: ``[('encode', 'latin-1'), ('decode', 'utf-8')]`` ->
    ``UTF-8 text was decoded as Latin-1 (ISO-8859-1)``."""
    parts: list[str] = []
    pending: str | None = None
    rounds = 0
    for kind, what in steps or ():
        if kind == "encode":
            pending = what
        elif kind == "decode" and pending is not None:
            rounds += 1
            parts.append(f"{_CODEC_WORDS.get(what, what)} text was decoded as {_CODEC_WORDS.get(pending, pending)}")
            pending = None
        elif kind in ("apply", "transcode"):
            parts.append(_APPLY_WORDS.get(what, f"ftfy applied {what}"))
    text = "; ".join(parts) if parts else "ftfy repaired the encoding"
    if rounds >= 2:
        text = "double-encoded: " + text + " (twice)"
    return text


def _remake(fixed: str) -> dict[str, str]:
    """The damage that decoding ``fixed``'s UTF-8 wrongly once or twice makes, by description."""
    out: dict[str, str] = {}
    for a in _WRONG:
        try:
            once = fixed.encode("utf-8").decode(a)
        except UnicodeDecodeError:
            continue
        out.setdefault(once, f"its UTF-8 bytes were decoded as {_CODEC_WORDS[a]}")
        for b in _WRONG:
            try:
                twice = once.encode("utf-8").decode(b)
            except UnicodeDecodeError:
                continue
            out.setdefault(twice, f"double-encoded: its UTF-8 bytes were decoded as {_CODEC_WORDS[a]}, "
                                  f"and the result's UTF-8 bytes again as {_CODEC_WORDS[b]}")
    return out


def _common_right(a: str, i: int, b: str, j: int, lo: int, hi: int) -> int:
    """The largest ``r`` in ``[lo, hi]`` with ``a[i:i+r] == b[j:j+r]``, given that ``lo`` holds
    (a binary search over slice comparisons, no per-character loop)."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[i + lo:i + mid] == b[j + lo:j + mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_left(a: str, i: int, b: str, j: int, hi: int) -> int:
    """The largest ``l`` in ``[0, hi]`` with ``a[i-l:i] == b[j-l:j]``."""
    lo = 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[i - mid:i - lo] == b[j - mid:j - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _longest_match(a: str, alo: int, ahi: int, b: str, blo: int, bhi: int) -> tuple[int, int, int]:
    """``difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(alo, ahi, blo,
    bhi)``, the same answer (the longest common block; of those, the first in ``a``, then in
    ``b``), found without comparing every pair of positions. A block of ``2s - 1`` characters or
    more holds a piece ``a[p:p+s]`` for a ``p`` on a grid of step ``s``: each grid piece is looked
    up in ``b`` (``str.find``) and grown both ways, so every block that long is found, and when
    the longest found is that long no shorter one can win. Otherwise the step halves; below 4,
    difflib decides on the two windows (a short block: a few characters of damage)."""
    n, m = ahi - alo, bhi - blo
    if n <= 0 or m <= 0:
        return alo, blo, 0
    find = b.find
    s = min(n, m) // 2
    while s >= 4:
        best = (0, alo, blo)  # (-size, i, j): the smallest is the answer
        for p in range(alo, ahi - s + 1, s):
            piece = a[p:p + s]
            q = find(piece, blo, bhi)
            while q >= 0:
                left = _common_left(a, p, b, q, min(p - alo, q - blo))
                size = left + _common_right(a, p, b, q, s, min(ahi - p, bhi - q))
                cand = (-size, p - left, q - left)
                if cand < best:
                    best = cand
                q = find(piece, q + 1, bhi)
        if -best[0] >= 2 * s - 1:
            return best[1], best[2], -best[0]
        s //= 2
    import difflib

    i, j, k = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False).find_longest_match(0, n, 0, m)
    return alo + i, blo + j, k


def diff_ops(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """The opcodes other than ``equal`` of ``difflib.SequenceMatcher(None, a, b,
    autojunk=False).get_opcodes()``, the same list: difflib's recursion over the longest common
    blocks, with each block found by ``_longest_match`` (a damaged line and its fix share long
    blocks, which difflib's search finds in time quadratic in the line)."""
    la, lb = len(a), len(b)
    queue = [(0, la, 0, lb)]
    blocks = []
    while queue:
        alo, ahi, blo, bhi = queue.pop()
        i, j, k = found = _longest_match(a, alo, ahi, b, blo, bhi)
        if k:
            blocks.append(found)
            if alo < i and blo < j:
                queue.append((alo, i, blo, j))
            if i + k < ahi and j + k < bhi:
                queue.append((i + k, ahi, j + k, bhi))
    blocks.sort()
    merged = []
    i1 = j1 = k1 = 0
    for i2, j2, k2 in blocks:  # adjacent blocks are one
        if i1 + k1 == i2 and j1 + k1 == j2:
            k1 += k2
        else:
            if k1:
                merged.append((i1, j1, k1))
            i1, j1, k1 = i2, j2, k2
    if k1:
        merged.append((i1, j1, k1))
    merged.append((la, lb, 0))
    ops = []
    i = j = 0
    for ai, bj, size in merged:
        if i < ai and j < bj:
            ops.append(("replace", i, ai, j, bj))
        elif i < ai:
            ops.append(("delete", i, ai, j, bj))
        elif j < bj:
            ops.append(("insert", i, ai, j, bj))
        i, j = ai + size, bj + size
    return ops


def _regions(line: str, fixed: str, offset: int, steps) -> list[Region]:
    ops = diff_ops(line, fixed)
    merged: list[list[int]] = []
    for _tag, i1, i2, j1, j2 in ops:
        # pieces of one damaged word (no space between them) are one region
        if merged and i1 - merged[-1][1] <= 2 and not any(c.isspace() for c in line[merged[-1][1]:i1]):
            merged[-1][1], merged[-1][3] = i2, j2
            continue
        merged.append([i1, i2, j1, j2])
    general = explain_steps(steps)
    out: list[Region] = []
    for k, (i1, i2, j1, j2) in enumerate(merged):
        # the diff may have matched a character of the damage with the same character of the fix
        # ('Â©' -> '©' reads as 'Â' deleted): widen the region over up to 3 equal characters on
        # each side until the damage re-made from the fix is exactly the damaged text
        lo = merged[k - 1][1] if k else 0
        hi = merged[k + 1][0] if k + 1 < len(merged) else len(line)
        best = None
        for grow in range(0, 7):
            for left in range(0, min(grow, 3) + 1):
                right = grow - left
                if right > 3 or i1 - left < lo or i2 + right > hi:
                    continue
                a, b, c, d = i1 - left, i2 + right, j1 - left, j2 + right
                how = _remake(fixed[c:d]).get(line[a:b])
                if how is not None:
                    best = (a, b, c, d, how)
                    break
            if best:
                break
        if best:
            a, b, c, d, how = best
            out.append(Region(offset + a, offset + b, fixed[c:d], True, how))
        else:
            out.append(Region(offset + i1, offset + i2, fixed[j1:j2], False, general))
    return out


def mojibake_regions(doc: Document) -> list[Region]:
    """The mojibake regions of the document, in text order (computed once per document)."""
    return doc.facts.once("mojibake_regions", lambda: _find_regions(doc))


def _find_regions(doc: Document) -> list[Region]:
    text = doc.text
    out: list[Region] = []
    if text.isascii():
        return out
    first = GATE_RE.search(text)
    if first is None:
        return out
    # the lines holding a gate match: those where the matches in the whole text start (a match
    # never overlaps another, its two characters being of disjoint sets, so every match inside
    # a line is one of them; each such line is still tested on its own)
    lines, starts = doc.lines, doc.line_starts
    picked: list[int] = []
    for m in GATE_RE.finditer(text, first.start()):
        k = bisect_right(starts, m.start()) - 1
        if not picked or picked[-1] != k:
            picked.append(k)
    ftfy, config = load_ftfy()
    for k in picked:
        if k >= len(lines):
            continue
        a, b = lines[k]
        out.extend(_line_regions(ftfy, config, text[a:b], a))
    return out


#: a line with more damaged places than this is aligned with its repair a piece at a time
PIECE_GATES = 8
#: a space between two printable ASCII characters: damage does not reach it (mojibake is made of
#: characters that are not ASCII), so the repair keeps it
_CUT_RE = re.compile(r"(?<=[\x21-\x7e]) (?=[\x21-\x7e])")
#: what a repair leaves as it was: the printable ASCII characters other than the space and '?'
#: (a byte that a damaged sequence lost may have been written as '?': ftfy replaces them together)
_NOT_KEPT_RE = re.compile(r"[^\x21-\x3e\x40-\x7e]+")


def _aligned_pieces(line: str, fixed: str) -> list[tuple[int, int, int, int]] | None:
    """``line`` and its repair ``fixed`` cut at the same places (``_CUT_RE``, the n-th cut of
    one at the n-th of the other): pieces ``(p, q, p2, q2)`` where ``line[p:q]`` was repaired as
    ``fixed[p2:q2]``. ``None`` unless both have as many cuts and every pair of pieces keeps the
    same printable ASCII characters (a repair that turned ASCII into something else, or made a
    cut, cannot be split this way)."""
    cuts = [m.start() for m in _CUT_RE.finditer(line)]
    cuts2 = [m.start() for m in _CUT_RE.finditer(fixed)]
    if len(cuts) != len(cuts2):
        return None
    pieces = list(zip([0, *cuts], [*cuts, len(line)], [0, *cuts2], [*cuts2, len(fixed)]))
    kept = _NOT_KEPT_RE.sub
    if any(kept("", line[p:q]) != kept("", fixed[p2:q2]) for p, q, p2, q2 in pieces):
        return None
    return pieces


def _line_regions(ftfy, config, line: str, a: int) -> list[Region]:
    """The mojibake regions of one line, which starts at ``a``. ftfy repairs the whole line;
    the repair is aligned with the line as a whole, or, when the line holds more than
    ``PIECE_GATES`` damaged places, piece by piece between spaces that the damage never
    reaches (the alignment's time grows with the line's length times its damaged places: a long
    line full of mojibake took minutes)."""
    if not GATE_RE.search(line):
        return []
    res = ftfy.fix_encoding_and_explain(line, config=config)
    fixed = res.text
    found: list[Region] = []
    if fixed != line:
        pieces = None
        if next(islice(GATE_RE.finditer(line), PIECE_GATES, None), None) is not None:  # more than that many
            pieces = _aligned_pieces(line, fixed)
        if pieces is None:
            found = _regions(line, fixed, a, res.explanation)
        else:
            for p, q, p2, q2 in pieces:
                if line[p:q] != fixed[p2:q2]:
                    found.extend(_regions(line[p:q], fixed[p2:q2], a + p, res.explanation))
    for m in _3BYTE_RE.finditer(line):
        s, e = a + m.start(), a + m.end()
        if any(r.start < e and s < r.end for r in found):
            continue
        for codec in _WRONG:
            try:
                ch = m.group(0).encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            if len(ch) == 1 and unicodedata.category(ch)[0] in "LMNPS":
                found.append(Region(s, e, ch, True, f"its UTF-8 bytes were decoded as {_CODEC_WORDS[codec]}"))
                break
    found.sort(key=lambda r: r.start)
    return found


def inside(regions: list[Region], pos: int) -> bool:
    return any(r.start <= pos < r.end for r in regions)
