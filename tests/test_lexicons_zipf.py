"""``qa.lexicons.zipf_en`` reads wordfreq's table directly: it must give wordfreq's numbers."""

from __future__ import annotations

import random
import re
import string
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

from qa.lexicons import zipf, zipf_en

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_zipf_en_equals_wordfreq_on_thousands_of_words():
    words = top_n_list("en", 5000) + [w.capitalize() for w in top_n_list("en", 1000)]
    for p in sorted(SAMPLES.glob("*.txt")):
        words += re.findall(r"[A-Za-z]+", p.read_text(encoding="utf-8"))
    rnd = random.Random(7)
    words += ["".join(rnd.choice(string.ascii_letters) for _ in range(rnd.randint(1, 9))) for _ in range(2000)]
    words += ["Nguyen", "Jinping", "WhatsApp", "naïve", "café", "don't", "e-mail", "x1", "", "Ⅻ"]
    assert [zipf_en(w) for w in words] == [zipf_frequency(w, "en") for w in words]
    assert zipf_en("the") > 7 and zipf_en("Qzxv") == 0.0 and zipf("Phone") == zipf_frequency("phone", "en")
