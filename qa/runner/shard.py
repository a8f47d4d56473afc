"""``--shard I/N``: the documents whose id hashes (BLAKE2b, stable across machines, Python
versions and runs) to ``I`` modulo ``N``, with ``0 <= I < N``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

def parse_shard(value: str) -> tuple[int, int]:
    """``"I/N"`` -> ``(I, N)`` with ``0 <= I < N``; ``ValueError`` otherwise."""
    try:
        i_s, n_s = value.split("/", 1)
        i, n = int(i_s), int(n_s)
    except ValueError:
        raise ValueError(f"--shard takes I/N (e.g. 0/4), not {value!r}") from None
    if n < 1 or not 0 <= i < n:
        raise ValueError(f"--shard {value}: need 0 <= I < N")
    return i, n


def shard_of(doc_id: str, n: int) -> int:
    """The shard (0..n-1) a document id belongs to: a stable hash, the same on every machine."""
    h = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(h, "big") % n


def sharded(records: Iterable, shard: tuple[int, int] | None, stats) -> Iterable:
    """The records of ``shard`` (all with None); the others are counted in ``stats.skipped_by_shard``."""
    if shard is None:
        yield from records
        return
    i, n = shard
    for rec in records:
        if shard_of(rec.id, n) == i:
            yield rec
        else:
            stats.skipped_by_shard += 1
            stats.skip()
