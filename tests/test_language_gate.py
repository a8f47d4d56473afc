"""LANG002 past its English gate: the foreign passages of a mixed document are found."""

from __future__ import annotations

from qa.checks.language import passage_in_other_language
from qa.readers import make_document

_TEXT = (
    "The ministry summoned the officials on Monday to explain the delay.\n\n"
    "Die Regierung hat gestern neue Maßnahmen gegen die Inflation angekündigt. Die Verhandlungen "
    "dauerten die ganze Nacht.\n\n"
    "Emoji 😀 and an odd \ud800 character sit in this line with the words of a sentence.\n"
    "Apple, Samsung, Xiaomi, Huawei, Oppo, Vivo, Realme.\n\n"
    "Il governo ha annunciato ieri nuove misure per controllare l'inflazione. The mayor thanked "
    "the officials and said that the city would pay for it."
)


def test_foreign_passages_are_still_found_past_the_gate():
    doc = make_document(_TEXT, doc_id="x")
    found = [(_TEXT[h.start:h.end], h.message.split(" is in ")[1][:7]) for h in passage_in_other_language(doc, {})]
    assert ("Die Regierung hat gestern neue Maßnahmen gegen die Inflation angekündigt. Die Verhandlungen "
            "dauerten die ganze Nacht.", "German ") in found
    assert any(t.startswith("Il governo ha annunciato") for t, _ in found)


def test_unspaced_text_found_with_numpy_as_with_the_regex():
    """A long text is searched for Chinese, Japanese or Thai characters with numpy passes over its
    code points: the same answer as the regex search, from any start (ASCII text, text with only
    other non-ASCII characters, each range's first and last character, a lone surrogate)."""
    from pathlib import Path

    from qa.checks.language import _UNSPACED_RANGES, _UNSPACED_RE, _holds_unspaced
    from qa.document import VECTOR_MIN_CHARS

    samples = [p.read_text(encoding="utf-8")
               for p in sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))]
    long = "\n\n".join(samples) * (VECTOR_MIN_CHARS // len("\n\n".join(samples)) + 1)
    texts = [long, long.encode("ascii", "ignore").decode(), "“é” \ud800 " * VECTOR_MIN_CHARS]
    for a, b in _UNSPACED_RANGES:
        texts += [long + chr(c) for c in (a - 1, a, b, b + 1)]
    texts.append(chr(_UNSPACED_RANGES[-1][1]) + long)
    for text in texts:
        for start in (0, 1, len(text) - VECTOR_MIN_CHARS):
            assert _holds_unspaced(text, start) == (_UNSPACED_RE.search(text, start) is not None)
