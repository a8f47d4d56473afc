"""ENC: encoding damage: mojibake, replacement characters, control characters, surrogates and
compatibility characters. Mojibake is found and explained by ftfy (see ``qa.encoding``).

HTML entities left in the text are META111 (category ``encoding``); the rules here never report
them, and no two rules report the same characters: ENC002-ENC005 skip what ENC001 repairs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from functools import lru_cache

from qa.lazyre import lazy_compile
from qa.document import Document
from qa.encoding import GATE_RE, inside, load_ftfy, mojibake_regions
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule
from qa.scan import Triggers


#: the one scan's triggers (``qa.scan``; regexes, each a class of the characters a finding holds)
#: of ENC001 (a line ftfy may repair holds a match of ``qa.encoding.GATE_RE``), ENC003 and ENC005
_MOJIBAKE_TRIGGERS = Triggers(patterns=((GATE_RE.pattern, 0),))


@rule(
    code="ENC001",
    triggers=_MOJIBAKE_TRIGGERS,  # no finding outside a line that holds a match
    name="mojibake",
    category="encoding",
    summary="Mojibake: UTF-8 text decoded as Windows-1252 or Latin-1 (once or twice), e.g. 'cafÃ©'",
    severity="warning",
    fixable=True,
    examples=(
        bad("The caf[[Ã©]] opened in May.", fixed="The café opened in May."),
        bad("The owner[[â€™]]s dog barked.", fixed="The owner’s dog barked."),
        bad("Tickets cost [[â‚¬]]3 each.", fixed="Tickets cost €3 each."),
        bad("He moved to M[[ÃƒÂ¼]]nchen last year.", fixed="He moved to München last year."),
        bad("She said it[[â\u0080\u0099]]s late.", fixed="She said it’s late."),
        bad("He said voil[[Ã ]] and left.", fixed="He said voilà and left.",
            note="the no-break-space byte of 'à' was lost: restoring it is a guess, so the fix is unsafe"),
        good("The naïve café owner measured it in Ångström."),
        good("A mâine e o zi nouă, spuse Ștefan; pâine și câine."),
        good("São Paulo é a maior cidade; o ônibus chegou às três. NÃO ENTRE."),
        good("Une tâche, un château, une fenêtre, «à bientôt»."),
        good("Москва, Αθήνα, 東京 and Łódź are cities; ¿Qué tal? ¡Olé!"),
    ),
)
def mojibake(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Characters that are the bytes of UTF-8 text decoded with the wrong codec: `cafÃ©` for
    `café`, `â€™` for `’`, `â‚¬` for `€`, `Ã¼` for `ü`; double-encoded text (`ÃƒÂ¼`) went
    through it twice. ftfy finds the damage and explains the steps; the message says what
    happened in words.

    Correct text is left alone in any language: Latin-1 letters (café, naïve, Ångström), `â` in
    Portuguese, French or Romanian, capital `Ã` in Portuguese, other scripts.

    ## Why it matters
    Mojibake turns every accented letter, curly quote and currency sign into two or three junk
    characters: words stop matching, tokenisers split them, and a model learns the junk.

    ## How to fix
    Re-encode the characters as the wrong codec and decode them as UTF-8 (what ftfy does). The
    fix is safe when it is exact: decoding the repaired text's UTF-8 bytes the wrong way again
    gives back the damaged text character for character. Repairs that had to guess (a lost
    no-break-space byte restored, a lost byte replaced by U+FFFD) are unsafe.
    """
    for r in mojibake_regions(doc):
        bad_text = doc.text[r.start:r.end]
        applic = Applicability.SAFE if r.exact else Applicability.UNSAFE
        yield Hit(r.start, r.end, f"Mojibake {bad_text!r} for {r.fixed!r}: {r.how}",
                  suggestion=r.fixed,
                  fix=Fix((Edit(r.start, r.end, r.fixed),), applic, "Decode the mojibake as UTF-8"),
                  confidence=1.0 if r.exact else 0.8)


_FFFD_RE = lazy_compile("\ufffd+")
#: a replacement character standing for an apostrophe in an English contraction (don�t, it�s)
_FFFD_APOS_RE = lazy_compile(r"(?<=[A-Za-z])\ufffd(?=(?:s|t|ll|re|ve|d|m)\b)")


@rule(
    code="ENC002",
    name="replacement-character",
    category="encoding",
    summary="U+FFFD replacement characters: bytes that could not be decoded were lost",
    severity="warning",
    fixable=True,
    examples=(
        bad("We don[[\ufffd]]t know yet.", fixed="We don’t know yet."),
        bad("The caf[[\ufffd\ufffd]] closed.", fixed="The caf closed."),
        good("The café closed; we don’t know why."),
    ),
)
def replacement_character(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """U+FFFD (`�`), the character a decoder puts where bytes were not valid in the codec it
    used: the original characters are gone. Replacement characters inside mojibake that ENC001
    repairs are reported there.

    ## Why it matters
    The text lost characters: words are broken (`caf�`) and cannot be matched or counted.

    ## How to fix
    Re-extract the document from its source with the right encoding. A replacement character
    between a word and an English contraction ending (`don�t`, `it�s`) was almost always an
    apostrophe and gets an unsafe fix to `’`; other runs get an unsafe fix that deletes them.
    """
    text = doc.text
    first = text.find("\ufffd")
    if first < 0:
        return
    regions = mojibake_regions(doc)
    for m in _FFFD_RE.finditer(text, first):
        if inside(regions, m.start()):
            continue
        if len(m.group(0)) == 1 and _FFFD_APOS_RE.match(text, m.start()):
            fix = Fix((Edit(m.start(), m.end(), "\u2019"),), Applicability.UNSAFE, "Replace with an apostrophe")
            sug = "\u2019"
        else:
            fix = Fix((Edit(m.start(), m.end(), ""),), Applicability.UNSAFE, "Delete the replacement character(s)")
            sug = "re-extract the text with the right encoding"
        n = len(m.group(0))
        yield Hit(m.start(), m.end(),
                  f"{n} replacement character(s) U+FFFD: bytes that were not valid in the codec used to "
                  "decode the text were replaced, and the original characters are lost",
                  suggestion=sug, fix=fix)


#: C0 controls other than tab, line feed, form feed and carriage return; DEL; C1 controls
_CONTROL_RE = lazy_compile("(\x1b\\[[0-9;?]*[ -/]*[@-~])|[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]+")
#: the character every match of ``_CONTROL_RE`` starts with (ESC is one of them): one class, so
#: the search skips ahead in C instead of trying the alternation at every character
_CONTROL_START_RE = lazy_compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
#: (the C0 controls written as escapes: a scan pattern is a C string, which a NUL would end)
_CONTROL_TRIGGERS = Triggers(patterns=(("[\\x00-\\x08\\x0b\\x0e-\\x1f\x7f-\x9f]", 0),))
#: Windows-1252 bytes 0x80-0x9F that are printable characters there
_CP1252_C1 = {chr(b): bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
              if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


@rule(
    code="ENC003",
    triggers=_CONTROL_TRIGGERS,  # every finding starts with one
    name="control-character",
    category="encoding",
    summary="C0/C1 control characters or terminal escape sequences in the text",
    severity="warning",
    fixable=True,
    examples=(
        bad("He said it[[\x92]]s over[[\x85]]", fixed="He said it’s over…"),
        bad("Total:[[\x1b[31m]] 5[[\x1b[0m]] items.", fixed="Total: 5 items."),
        bad("Page one[[\x07\x08]] ends here.", fixed="Page one ends here."),
        good("Tabs\tand line breaks\r\nare ordinary; so is a form feed\f here."),
    ),
)
def control_character(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Control characters that text does not use: C0 controls other than tab, line feed, form
    feed and carriage return, DEL, C1 controls (U+0080-U+009F), and ANSI terminal escape
    sequences (`ESC[31m`). C1 controls that are part of mojibake are ENC001's.

    A C1 control that Windows-1252 maps to a printable character (`\\x92` -> `’`, `\\x85` ->
    `…`, `\\x96` -> `–`) is text that was in Windows-1252 and got decoded as Latin-1.

    ## Why it matters
    Control characters are invisible in most viewers, break tokenisers and JSON consumers, and
    escape sequences recolour or move a terminal.

    ## How to fix
    C1 controls that are Windows-1252 characters become that character, other controls and escape
    sequences are deleted (ftfy's `fix_c1_controls` and `remove_terminal_escapes`). Safe.
    """
    text = doc.text
    first = _CONTROL_START_RE.search(text)
    if first is None:
        return
    regions = mojibake_regions(doc)
    for m in _CONTROL_RE.finditer(text, first.start()):
        if inside(regions, m.start()):
            continue
        chars = m.group(0)
        if m.group(1):
            yield Hit(m.start(), m.end(), f"Terminal escape sequence {chars!r} left in the text",
                      suggestion="(delete)",
                      fix=Fix((Edit(m.start(), m.end(), ""),), Applicability.SAFE, "Delete the escape sequence"))
            continue
        if all(c in _CP1252_C1 for c in chars):
            repl = "".join(_CP1252_C1[c] for c in chars)
            yield Hit(m.start(), m.end(),
                      f"C1 control character(s) {chars!r}: Windows-1252 text decoded as Latin-1; "
                      f"in Windows-1252 they are {repl!r}",
                      suggestion=repl,
                      fix=Fix((Edit(m.start(), m.end(), repl),), Applicability.SAFE,
                              "Decode as Windows-1252"))
            continue
        names = ", ".join(f"U+{ord(c):04X}" for c in chars[:5]) + (" ..." if len(chars) > 5 else "")
        yield Hit(m.start(), m.end(), f"Control character(s) {names} in the text",
                  suggestion="(delete)",
                  fix=Fix((Edit(m.start(), m.end(), ""),), Applicability.SAFE, "Delete the control character(s)"))


_SURROGATE_RE = lazy_compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")
_SURROGATE_START_RE = lazy_compile("[\ud800-\udfff]")  # what every match starts with (one class: a fast search)


@rule(
    code="ENC004",
    name="surrogate-code-point",
    category="encoding",
    summary="Surrogate code points: a UTF-16 pair left as two characters, or a broken half of one",
    severity="warning",
    fixable=True,
    examples=(
        bad("Great news [[\ud83d\ude00]] today.", fixed="Great news \U0001f600 today."),
        bad("Broken [[\ud83d]] here.", fixed="Broken  here."),
        good("Great news \U0001f600 today."),
    ),
)
def surrogate_code_point(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Code points U+D800-U+DFFF. They exist only as halves of a UTF-16 pair; in decoded text a
    correct pair is one character. Two halves in a row are a pair that was never joined (text
    that went through UTF-16 or JSON escapes by pieces); a lone half is broken.

    ## Why it matters
    Surrogates cannot be written as UTF-8: files, databases and tokenisers reject or mangle them.

    ## How to fix
    Join a high-low pair into its character (ftfy's `fix_surrogates`): safe. A lone half cannot
    be repaired; deleting it is unsafe.
    """
    text = doc.text
    first = None if text.isascii() else _SURROGATE_START_RE.search(text)
    if first is None:
        return
    for m in _SURROGATE_RE.finditer(text, first.start()):
        s = m.group(0)
        if len(s) == 2:
            joined = s.encode("utf-16", "surrogatepass").decode("utf-16")
            yield Hit(m.start(), m.end(),
                      f"UTF-16 surrogate pair U+{ord(s[0]):04X} U+{ord(s[1]):04X} not joined into "
                      f"its character U+{ord(joined):04X}",
                      suggestion=joined,
                      fix=Fix((Edit(m.start(), m.end(), joined),), Applicability.SAFE, "Join the surrogate pair"))
        else:
            yield Hit(m.start(), m.end(), f"Lone surrogate U+{ord(s):04X}: half of a UTF-16 pair, the character is lost",
                      suggestion="(delete)",
                      fix=Fix((Edit(m.start(), m.end(), ""),), Applicability.UNSAFE, "Delete the lone surrogate"))


_LIGATURE_RE = lazy_compile("[\ufb00-\ufb06]")
_FULLWIDTH_RE = lazy_compile("[\uff01-\uff5e]+")
#: every character ENC005 reports is one of these
_COMPAT_RE = lazy_compile("[\ufb00-\ufb06\uff01-\uff5e]")
_COMPAT_TRIGGERS = Triggers(patterns=((_COMPAT_RE.pattern, 0),))


@lru_cache(maxsize=1)
def _cjk_re() -> re.Pattern[str]:
    """Chinese, Japanese or Korean text (compiled when a text first holds a full-width form: its
    ranges take longer to compile than every other pattern of the module together)."""
    return re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff66-\uff9f]")


@rule(
    code="ENC005",
    triggers=_COMPAT_TRIGGERS,  # every finding holds one
    name="compatibility-character",
    category="encoding",
    summary="Latin ligatures (ﬁ, ﬂ) or full-width Latin letters and digits in non-CJK text",
    severity="info",
    fixable=True,
    examples=(
        bad("The [[ﬁ]]nal [[ﬂ]]oor is in.", fixed="The final floor is in."),
        bad("Call [[ＡＢＣ１２３]] now.", fixed="Call ABC123 now."),
        good("The final figure is in; call ABC123 now."),
        good("東京都のＡＢＣ社は２０２０年に設立された。"),
    ),
)
def compatibility_character(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Compatibility characters that PDF and legacy East Asian encodings leave in Latin text:
    the ligatures U+FB00-U+FB06 (`ﬁ`, `ﬂ`, `ﬀ`, `ﬃ`, `ﬄ`, `ﬅ`, `ﬆ`) and full-width Latin letters
    and digits (`ＡＢＣ１２３`) on a line without Chinese, Japanese or Korean text (where
    full-width forms are ordinary typography).

    ## Why it matters
    `ﬁnal` and `final` are different strings to search, deduplication and tokenisers.

    ## How to fix
    Replace them with their ordinary letters (ftfy's `fix_latin_ligatures` and
    `fix_character_width`, Unicode NFKC for these characters). Safe.
    """
    text = doc.text
    if text.isascii() or not _COMPAT_RE.search(text):
        return
    hits: list[Hit] = []
    for m in _LIGATURE_RE.finditer(text):
        repl = unicodedata.normalize("NFKC", m.group(0))
        hits.append(Hit(m.start(), m.end(), f"Ligature {m.group(0)!r} (U+{ord(m.group(0)):04X}) for {repl!r}",
                        suggestion=repl,
                        fix=Fix((Edit(m.start(), m.end(), repl),), Applicability.SAFE, "Spell out the ligature")))
    if _FULLWIDTH_RE.search(text):
        cjk = _cjk_re()
        for a, b in doc.lines:
            line = text[a:b]
            if cjk.search(line):
                continue
            for m in _FULLWIDTH_RE.finditer(line):
                run = m.group(0)
                if not any(c.isalnum() for c in run):
                    continue
                repl = unicodedata.normalize("NFKC", run)
                s, e = a + m.start(), a + m.end()
                hits.append(Hit(s, e, f"Full-width characters {run!r} in Latin text, for {repl!r}",
                                suggestion=repl,
                                fix=Fix((Edit(s, e, repl),), Applicability.SAFE, "Use ordinary-width characters")))
    hits.sort(key=lambda h: (h.start, h.end))
    yield from hits


WARM_UP = (load_ftfy,)  # ftfy, imported by the first document that holds a damaged-looking line
