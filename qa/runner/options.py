"""Run options and run statistics (counters, time per rule)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.readers import InputError

if TYPE_CHECKING:
    from qa.cleaning import CleanOptions
    from qa.runner.meter import InputMeter

#: documents per chunk sent to a worker, and the most text a chunk holds (characters)
CHUNK_DOCS = 32
CHUNK_CHARS = 64 << 10
#: chunks in flight per worker
INFLIGHT_PER_WORKER = 4


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class RunOptions:
    jobs: int = 1
    engine: str = "local"  # "local" or "dask"
    scheduler: str | None = None  # a dask.distributed scheduler address
    shard: tuple[int, int] | None = None
    cache_dir: str | None = None  # None: no cache
    profile_rules: bool = False
    text_field: str = "text"
    id_field: str = "id"
    #: inputs with fewer documents than this are checked in-process even with jobs > 1
    min_parallel_docs: int = 2 * CHUNK_DOCS
    #: render each finding's JSON Lines text where the document is checked (set when JSON Lines
    #: is the only output, so the parent process only joins text)
    render_jsonl: bool = False
    #: measure the input files first (their sizes) and the input bytes done as the run goes
    #: (``RunStats.meter``, ``RunStats.input_done``): for the progress bar
    measure_input: bool = False
    #: the caller only writes JSON Lines and reads counts (summary, gates; no other format): a
    #: result arrives as its line and counts (``RenderedResult``), its findings never unpickled
    lines_only: bool = False
    #: also make each document's cleaned text where it is checked (the HTML report's Cleaned view)
    cleaned: bool = False
    #: ``qa clean``: each document is checked and fixed where it is checked, and its result
    #: carries only its ``CleanedDocument`` (``FileResult.cleaned``; no findings, language or
    #: score); the corpus phase is not run (``qa clean`` runs its own first)
    clean: CleanOptions | None = None


@dataclass
class RunStats:
    """Counters of one run; ``rule_seconds`` is filled with ``profile_rules``."""

    documents: int = 0
    errors: int = 0
    bytes: int = 0
    skipped_by_shard: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    started: float = field(default_factory=time.perf_counter)
    rule_seconds: dict[str, float] = field(default_factory=dict)
    workers: int = 1
    engine: str = "local"
    #: input bytes done and in all (``qa.runner.meter``; set with ``RunOptions.measure_input``)
    meter: InputMeter | None = None
    input_done: int = 0

    def count(self, rec) -> None:
        """Count one record checked (in input order): a document (and its bytes) or an unreadable
        input."""
        self.skip()
        if isinstance(rec, InputError):
            self.errors += 1
            return
        self.documents += 1
        self.bytes += len(rec.text.encode("utf-8", "surrogatepass"))

    def skip(self) -> None:
        """One record passed, checked or not (another shard's): the input bytes done move on."""
        if self.meter is not None:
            done = self.meter.take()
            if done is not None:
                self.input_done = done

    @property
    def input_total(self) -> int | None:
        return self.meter.total if self.meter is not None else None

    def add_times(self, times: dict[str, float]) -> None:
        for k, v in times.items():
            self.rule_seconds[k] = self.rule_seconds.get(k, 0.0) + v

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def as_dict(self) -> dict[str, object]:
        s = max(self.seconds, 1e-9)
        return {"documents": self.documents, "errors": self.errors, "bytes": self.bytes,
                "seconds": round(s, 3), "documents_per_second": round(self.documents / s, 1),
                "mb_per_second": round(self.bytes / s / 1e6, 3), "cache_hits": self.cache_hits,
                "cache_misses": self.cache_misses, "skipped_by_shard": self.skipped_by_shard,
                "workers": self.workers, "engine": self.engine}
