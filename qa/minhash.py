"""MinHash signatures for near-duplicate documents, behind one small interface.

The library is rensa (``RMinHash``, Rust): measured with ``benchmarks/dedupe.py`` on the same
shingles, it signs about 40 times faster than datasketch's ``MinHash.update_batch``, and its
hashes do not depend on the process (no per-process string-hash seed), so signatures made in
worker processes or on Dask workers are identical. Only this module imports it.

Text is normalised before shingling: case folded, punctuation and white space removed (words are
runs of letters and digits; each Chinese, Japanese or Korean character is a word of its own).
"""

from __future__ import annotations

import hashlib
import struct

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where arrays are made (start-up: a one-file run never needs it)
    import numpy as np

from qa.words import SHINGLE_WORD_RE

NUM_PERM = 128
SEED = 20240521
#: word n-grams
SHINGLE = 2

_WORD_RE = SHINGLE_WORD_RE


def words(text: str) -> list[str]:
    """The normalised words of ``text``: case folded, punctuation and spaces dropped."""
    return _WORD_RE.findall(text.casefold())


def exact_key(ws: list[str]) -> int:
    """A 64-bit hash of the normalised text (equal for texts that differ only in case, white
    space and punctuation)."""
    return int.from_bytes(hashlib.blake2b(" ".join(ws).encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "big")


def shingles(ws: list[str], n: int = SHINGLE) -> list[str]:
    if len(ws) <= n:
        return [" ".join(ws)]
    if n == 2:
        return list(map(" ".join, zip(ws, ws[1:])))
    return list(map(" ".join, zip(*(ws[i:] for i in range(n)))))


def signature(ws: list[str], num_perm: int = NUM_PERM, seed: int = SEED, n: int = SHINGLE) -> bytes:
    """The MinHash signature of the word n-grams of ``ws``: ``num_perm`` little-endian uint32."""
    from rensa import RMinHash

    m = RMinHash(num_perm, seed)
    m.update(shingles(ws, n))
    d = m.digest()
    return struct.pack(f"<{len(d)}I", *d)  # little-endian uint32, as numpy's "<u4"


def jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signature rows (the share of equal minima)."""
    return (a == b).mean(axis=-1)
