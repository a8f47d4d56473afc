"""LANG002's English gate computed for every paragraph and sentence at once equals the gate
computed passage by passage."""

from __future__ import annotations

from bisect import bisect_left

from qa.checks.language import _EN_GATE, _english_looking, passage_in_other_language
from qa.readers import make_document
from qa.scope import function_word_starts

_TEXT = (
    "The ministry summoned the officials on Monday to explain the delay.\n\n"
    "Die Regierung hat gestern neue Maßnahmen gegen die Inflation angekündigt. Die Verhandlungen "
    "dauerten die ganze Nacht.\n\n"
    "Emoji 😀 and an odd \ud800 character sit in this line with the words of a sentence.\n"
    "Apple, Samsung, Xiaomi, Huawei, Oppo, Vivo, Realme.\n\n"
    "Il governo ha annunciato ieri nuove misure per controllare l'inflazione. The mayor thanked "
    "the officials and said that the city would pay for it."
)


def _one_by_one(text: str, spans, func_pos) -> list[bool]:
    out = []
    for a, b in spans:
        n = text.count(" ", a, b) + text.count("\n", a, b) + 1
        out.append(bisect_left(func_pos, b) - bisect_left(func_pos, a) >= _EN_GATE * n)
    return out


def test_gate_for_all_spans_equals_gate_span_by_span():
    doc = make_document(_TEXT, doc_id="x")
    func_pos = function_word_starts(doc, 0)
    spans = list(doc.sentences) + list(doc.paragraphs)
    spans += [(a, b) for a in range(0, len(_TEXT), 37) for b in (a, a + 1, a + 50, len(_TEXT)) if b <= len(_TEXT)]
    got = _english_looking(_TEXT, spans, func_pos)
    assert got == _one_by_one(_TEXT, spans, func_pos)
    assert True in got and False in got
    assert _english_looking(_TEXT, [], func_pos) == []


def test_foreign_passages_are_still_found_past_the_gate():
    doc = make_document(_TEXT, doc_id="x")
    found = [(_TEXT[h.start:h.end], h.message.split(" is in ")[1][:7]) for h in passage_in_other_language(doc, {})]
    assert ("Die Regierung hat gestern neue Maßnahmen gegen die Inflation angekündigt. Die Verhandlungen "
            "dauerten die ganze Nacht.", "German ") in found
    assert any(t.startswith("Il governo ha annunciato") for t, _ in found)
