"""Word lists shipped under ``rules/lexicons/`` (``qa/_packs/lexicons/`` in a wheel).

A lexicon is a UTF-8 text file with one entry per line; ``#`` starts a comment line. Each file
names its source and licence in its header. ``load("first_names")`` returns a frozenset.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


class LexiconError(FileNotFoundError):
    pass


def lexicon_dir() -> Path:
    from qa.registry import default_pack_dirs

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


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str = "en") -> float:
    """Word frequency on the Zipf scale (0 = unknown, 7 = 'the') from the ``wordfreq`` package."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)
