"""The garbage collector's settings while documents are checked.

Checking a document allocates its segmentation, facts and findings, most of them short-lived;
the rules, tables and models loaded before the first document live for the whole run. Python's
default collector runs a young collection every 700 allocations and, now and then, a full one
that walks every object alive, the loaded rules and models included. While documents are
checked, ``checking()`` moves the objects alive at its start out of the collector's reach
(``gc.freeze``) and spaces young collections ten times further apart; both are undone when the
last run in the process ends. Nothing is kept alive that would otherwise be freed by reference
counting, so memory per document is unchanged; only cycles wait a little longer.

Worker processes of the pool (``qa.runner.pool``) get the same settings for their whole life.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: the threshold of the youngest generation while documents are checked (Python's default is
#: 700): ten times fewer young collections about halve the collector's time (0.45 s -> 0.23 s
#: per worker on an 11.7 MB corpus)
CHECKING_GC_THRESHOLD = 7000

_LOCK = threading.Lock()
_DEPTH = [0]
_SAVED: list[tuple[int, ...]] = []


@contextmanager
def checking() -> Iterator[None]:
    """The collector tuned for checking documents, for the duration of the block (nested and
    concurrent blocks: the settings of the first block to start are restored when the last ends)."""
    with _LOCK:
        if _DEPTH[0] == 0:
            _SAVED[:] = [gc.get_threshold()]
            gc.freeze()
            gc.set_threshold(max(CHECKING_GC_THRESHOLD, _SAVED[0][0]), *_SAVED[0][1:])
        _DEPTH[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH[0] -= 1
            if _DEPTH[0] == 0:
                gc.set_threshold(*_SAVED[0])
                gc.unfreeze()


def settled() -> None:
    """Inside ``checking()``: freeze what is alive now too (the models and tables the first
    document loaded on first use)."""
    if _DEPTH[0]:
        gc.freeze()


def tune_for_worker() -> None:
    """A worker process's settings, for its whole life (its inherited objects were frozen at
    the fork, ``qa.runner.pool.forking_submit``)."""
    gc.set_threshold(CHECKING_GC_THRESHOLD, *gc.get_threshold()[1:])


__all__ = ["CHECKING_GC_THRESHOLD", "checking", "settled", "tune_for_worker"]
