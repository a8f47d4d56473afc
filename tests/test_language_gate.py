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
