"""Word lists shipped under ``rules/lexicons/`` (``qa/_packs/lexicons/`` in a wheel).

A lexicon is a UTF-8 text file with one entry per line; ``#`` starts a comment line. Each file
names its source and licence in its header. ``load("first_names")`` returns a frozenset.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from qa.warmup import loader


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
#: ``zipf_en`` answers by word (wordfreq's table is fixed, so an answer never changes); emptied
#: when it outgrows ``_MAX_MEMO`` entries, so memory stays bounded
_ZIPF_MEMO: dict[str, float] = {}
_MAX_MEMO = 500_000


def zipf_en(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")``, the same number, remembered by word. A word of
    ASCII letters is one token, its lower case, so its frequency is read straight from wordfreq's
    table and rounded as wordfreq rounds it (about 30 times faster than tokenising it); a word of
    ASCII letters and hyphens is the tokens between its hyphens, combined as wordfreq combines
    them; any other word is tokenised by wordfreq and its tokens looked up in the same table.
    ``tests/test_lexicons_zipf.py`` compares both on thousands of words."""
    z = _ZIPF_MEMO.get(word)
    if z is None:
        z = _zipf_en(word)
        if len(_ZIPF_MEMO) >= _MAX_MEMO:
            _ZIPF_MEMO.clear()
        _ZIPF_MEMO[word] = z
    return z


def _zipf_en(word: str) -> float:
    # ASCII letters, or ASCII letters and hyphens (at least one letter): wordfreq's tokeniser
    # splits such a word at its hyphens and nowhere else
    if word.isascii() and (word.isalpha() or word.replace("-", "").isalpha()):
        if not _EN_TABLE:
            _load_en_table()
        table, freq_to_zipf, minimum = _EN_TABLE
        if word.isalpha():
            f = table.get(word.lower())
            if f is None:
                return _MINIMUM_ZIPF  # wordfreq returns the minimum as it is, unrounded
            return _zipf_of(1.0 / (1.0 / f), minimum, freq_to_zipf)
        one_over = 0.0  # wordfreq's 1 / f = 1 / f1 + 1 / f2 + ... over the tokens
        for token in word.lower().split("-"):
            if token:
                f = table.get(token)
                if f is None:  # any token missing: the minimum
                    return _MINIMUM_ZIPF
                one_over += 1.0 / f
        return _zipf_of(1.0 / one_over, minimum, freq_to_zipf)
    return _zipf_tokenised(word)


def _zipf_tokenised(word: str) -> float:
    """Any other word: wordfreq's tokens of it (``lossy_tokenize``), looked up in the same table
    and combined as wordfreq's ``word_frequency`` combines them (digit runs smashed to zeros and
    given wordfreq's digit frequency), so wordfreq's own copy of the table is never loaded."""
    wf = _wordfreq()
    tokens = wf.lossy_tokenize(word, "en")
    if not tokens:
        return _MINIMUM_ZIPF
    if not _EN_TABLE:
        _load_en_table()
    table, freq_to_zipf, minimum = _EN_TABLE
    one_over = 0.0
    for token in tokens:
        smashed = wf.smash_numbers(token)
        f = table.get(smashed)
        if f is None:  # any token missing: the minimum
            return _MINIMUM_ZIPF
        if smashed != token:
            f *= wf.digit_freq(token)
        one_over += 1.0 / f
    return _zipf_of(1.0 / one_over, minimum, freq_to_zipf)


def _zipf_of(freq: float, minimum: float, freq_to_zipf) -> float:
    """wordfreq's rounding of a combined frequency, then of its Zipf value."""
    unrounded = max(freq, minimum)
    if unrounded == 0.0:
        freq = 0.0
    else:
        freq = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
    return round(freq_to_zipf(freq), 2)


@loader
def _load_en_table() -> None:
    if not _EN_TABLE:
        table = _read_en_table()
        if table is None:  # not the expected file: wordfreq's own reader
            from wordfreq import get_frequency_dict

            table = get_frequency_dict("en", "best")
        _EN_TABLE.extend((table, _freq_to_zipf, 10**0 / 1e9))  # wordfreq's zipf_to_freq(0)


def _freq_to_zipf(freq: float) -> float:
    return math.log(freq, 10) + 9  # wordfreq's freq_to_zipf


#: the Zipf value of a word wordfreq does not know (its minimum frequency, unrounded)
_MINIMUM_ZIPF = round(_freq_to_zipf(10**0 / 1e9), 2)


def _read_en_table() -> dict[str, float] | None:
    """wordfreq's English table (``get_frequency_dict("en", "best")``, the same dict), read
    straight from the package's ``large_en.msgpack.gz`` without importing wordfreq (whose import
    costs a one-file run more than the table). ``None`` when the file is not where it should be
    or not in the format expected: the caller then asks wordfreq."""
    import gzip
    import importlib.util

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "large_en.msgpack.gz"
    try:
        import msgpack

        with gzip.open(path, "rb") as fh:
            data = msgpack.load(fh, raw=False)
    except (OSError, ValueError, ImportError):
        return None
    header = data[0] if isinstance(data, list) and data else None
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        return None
    freqs: dict[str, float] = {}
    for index, bucket in enumerate(data[1:]):  # bucket i: the words at -i centibels
        if bucket:
            freqs.update(dict.fromkeys(bucket, 10 ** (-index / 100)))  # wordfreq's cB_to_freq(-index)
    return freqs


@lru_cache(maxsize=1)
@loader
def _wordfreq():
    """The wordfreq module, imported when a rule first asks a frequency (``qa.warmup``)."""
    import wordfreq

    return wordfreq


@loader
def load_frequencies() -> None:
    """Load wordfreq's English table now (``qa.warmup``: before any time limit starts)."""
    zipf_en("the")


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str = "en") -> float:
    """Word frequency on the Zipf scale (0 = unknown, 7 = 'the') from the ``wordfreq`` package."""
    if lang == "en":
        return zipf_en(word)
    return _wordfreq().zipf_frequency(word, lang)
