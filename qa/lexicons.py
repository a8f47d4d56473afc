"""Word lists shipped under ``rules/lexicons/`` (``qa/_packs/lexicons/`` in a wheel).

A lexicon is a UTF-8 text file with one entry per line; ``#`` starts a comment line. Each file
names its source and licence in its header. ``load("first_names")`` returns a frozenset.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path


class LexiconError(FileNotFoundError):
    pass


def lexicon_dir() -> Path:
    from qa.ruledata import default_pack_dirs

    for d in default_pack_dirs():
        cand = d / "lexicons"
        if cand.is_dir():
            return cand
    raise LexiconError("qa's lexicon folder (rules/lexicons) is missing from this installation")


@lru_cache(maxsize=None)
def load(name: str, lower: bool = False) -> frozenset[str]:
    path = lexicon_dir() / f"{name}.txt"
    if not path.is_file():
        raise LexiconError(f"lexicon {name!r} not found at {path}")
    out: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        out.add(line.lower() if lower else line)
    return frozenset(out)


_EN_TABLE: list = []


def zipf_en(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")``, the same number. A word of ASCII letters is one
    token, its lower case, so its frequency is read straight from wordfreq's table and rounded as
    wordfreq rounds it (about 30 times faster than tokenising it); any other word goes through
    wordfreq. ``tests/test_lexicons_zipf.py`` compares both on thousands of words."""
    if word.isascii() and word.isalpha():
        if not _EN_TABLE:
            from wordfreq import freq_to_zipf, get_frequency_dict, zipf_to_freq

            _EN_TABLE.extend((get_frequency_dict("en", "best"), freq_to_zipf, zipf_to_freq(0)))
        table, freq_to_zipf, minimum = _EN_TABLE
        f = table.get(word.lower())
        if f is None:
            freq = minimum  # wordfreq returns the minimum as it is, unrounded
        else:
            unrounded = max(1.0 / (1.0 / f), minimum)
            if unrounded == 0.0:
                freq = 0.0
            else:
                freq = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
        return round(freq_to_zipf(freq), 2)
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def load_frequencies() -> None:
    """Load wordfreq's English table now (``qa.warmup``: before any time limit starts)."""
    zipf_en("the")


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str = "en") -> float:
    """Word frequency on the Zipf scale (0 = unknown, 7 = 'the') from the ``wordfreq`` package."""
    if lang == "en":
        return zipf_en(word)
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)
