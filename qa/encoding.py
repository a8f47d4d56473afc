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

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from qa.document import Document

@lru_cache(maxsize=1)
def _ftfy():
    """ftfy and its configuration, imported when a document first holds a damaged-looking line
    (start-up: most runs never need it). Only its encoding repairs: entities (META111), C1
    controls, widths, ligatures and quotes are other rules' business."""
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


def _regions(line: str, fixed: str, offset: int, steps) -> list[Region]:
    ops = [op for op in difflib.SequenceMatcher(None, line, fixed, autojunk=False).get_opcodes() if op[0] != "equal"]
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
    if not text.isascii() and GATE_RE.search(text):
        ftfy, config = _ftfy()
        for a, b in doc.lines:
            line = text[a:b]
            if not GATE_RE.search(line):
                continue
            res = ftfy.fix_encoding_and_explain(line, config=config)
            found = _regions(line, res.text, a, res.explanation) if res.text != line else []
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
            out.extend(found)
    return out


def inside(regions: list[Region], pos: int) -> bool:
    return any(r.start <= pos < r.end for r in regions)
