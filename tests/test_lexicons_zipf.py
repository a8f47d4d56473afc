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


def test_zipf_en_equals_wordfreq_on_hyphenated_words():
    """Words of ASCII letters and hyphens are combined from the tokens between the hyphens, as
    wordfreq's tokeniser splits them: the same numbers on compounds, slices of compounds (with
    leading, trailing and doubled hyphens) and random ones."""
    common = top_n_list("en", 3000)
    rnd = random.Random(11)
    words = ["e-mail", "well-known", "Xi-jin", "-jin", "jin-", "a--b", "-", "--", "-a-", "Well-Known",
             "state-of-the-art", "x-ray"]
    words += [f"{rnd.choice(common)}-{rnd.choice(common)}" for _ in range(1500)]
    words += [f"{rnd.choice(common)}-{rnd.choice(common)}-{rnd.choice(common)}" for _ in range(300)]
    letters = string.ascii_letters + "---"
    words += ["".join(rnd.choice(letters) for _ in range(rnd.randint(1, 10))) for _ in range(2000)]
    compounds = [w for w in words if "-" in w and len(w) > 4]
    words += [w[i:j] for w in compounds[:300] for i in range(0, 3) for j in range(len(w) - 2, len(w) + 1)]
    assert [zipf_en(w) for w in words] == [zipf_frequency(w, "en") for w in words]


def test_zipf_en_remembers_words_and_gives_the_same_number_again():
    from qa import lexicons

    words = ["the", "Nguyen", "well-known", "naïve", "zzqx", "Phone"]
    first = [zipf_en(w) for w in words]
    assert all(w in lexicons._ZIPF_MEMO for w in words)
    lexicons._ZIPF_MEMO.clear()
    assert [zipf_en(w) for w in words] == first == [zipf_frequency(w, "en") for w in words]


def test_zipf_en_equals_wordfreq_on_words_wordfreq_tokenises():
    """Apostrophes (straight and curly), digits, accents, other scripts, symbols: tokenised by
    wordfreq, looked up in the table read directly."""
    rnd = random.Random(5)
    words = ["don't", "i’d", "I'D", "'tis", "rock'n'roll", "dogs'", "o'clock", "l'été", "d'heure", "can't-stop",
             "sc2kadbl", "mp3", "covid-19", "2024", "1990s", "x1", "a1b22c333", "naïve", "café", "Zürich", "İstanbul",
             "straße", "ΣΑΣ", "東京", "ベルン", "😀", "@s", "e.g.", "U.S.", "a/b", "", " ", "Ⅻ", "ﬁnance", "Ｆｕｌｌ"]
    common = top_n_list("en", 2000)
    alphabet = string.ascii_letters + "'’" + string.digits + "éüßñ-."
    words += [f"{rnd.choice(common)}'{rnd.choice(['s', 't', 'll', 'd', 're', 've'])}" for _ in range(500)]
    words += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 9))) for _ in range(3000)]
    words += [w for w in top_n_list("fr", 500) + top_n_list("de", 500) if not w.isascii()]
    assert [zipf_en(w) for w in words] == [zipf_frequency(w, "en") for w in words]
