"""The one runner: worker processes, shards, the result cache and run statistics.

``run(paths, plan, options)`` (files, folders, globs, ``-``) and ``run_records(records, plan,
options)`` (documents already read: the library, ``check_text``) yield one ``FileResult`` per
input record, in input order, with the same findings, scores and verdicts whatever ``--jobs`` or
``--engine`` is (the tests compare the JSON Lines byte for byte). ``qa check``, ``qa baseline``,
``qa review``, ``qa eval``, ``qa clean`` (its corpus phase, then its check and fix:
``RunOptions.clean``) and ``qa.check_paths`` /
``qa.check_text`` all run through it.

* ``jobs == 1``: documents are checked in this process, one after the other.
* ``jobs > 1``: a process pool; each worker builds the rule plan once (its initializer) and gets
  documents in chunks; at most a few chunks per worker are in flight, so memory stays flat
  however large the input is. Results come back light (no document, no segmentation) and are
  joined with the document the parent read.
* ``engine == "dask"``: see ``qa.dask_engine``; workers read partitions of the input themselves.

Corpus rules (``collect`` / ``finalize``): ``collect`` runs wherever the document is checked;
the parent spools the collected values and the pending results to temporary files (so a corpus
larger than memory can be checked), runs ``finalize`` at the end and then yields every result
with its corpus findings merged and its score recomputed. ``finalize`` gets a sequence it may
read several times and returns (or yields) one list of hits per document, in order; qa takes
them one document at a time.

Lines-only runs (``RunOptions.lines_only``: the caller only writes JSON Lines) go further: each
document's line is written where it was checked and travels as UTF-8 bytes; a result no corpus
finding joins is yielded as that line (``RenderedResult``). The line carries its findings' keys
(``FindingKeys``: spans, rule, severity, confidence), so corpus findings are joined to the line
itself (``merge_rendered``: sorted into place, re-scored, the head written again), and the result
behind the line is never pickled, spooled or rebuilt. Only a line whose findings' text was
changed to make it safe (a separator or a lone surrogate escaped) has no keys: its result is
rebuilt, on a worker pool by the workers, in ordered batches.

``--shard I/N`` keeps the documents whose id hashes (BLAKE2b, stable across machines, Python
versions and runs) to ``I`` modulo ``N``, with ``0 <= I < N``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice

from qa.document import Document
from qa.dask_engine import dask_stream
from qa.engine import Plan
from qa.model import FileResult
from qa.readers import InputError, iter_files, read_path
from qa.runner.checker import Checker
from qa.runner.collector import checking, settled
from qa.runner.corpus import assemble
from qa.runner.meter import InputMeter
from qa.runner.options import RunOptions, RunStats
from qa.runner.pool import executor, pool_stream, rebuild_lines
from qa.runner.shard import sharded
from qa.warmup import warm_up


def read_records(files: Iterable[str], text_field: str, id_field: str,
                 meter: InputMeter | None = None) -> Iterator[Document | InputError]:
    """The records of each file in turn; with ``meter``, each marked with the input bytes done."""
    for p in files:
        if meter is None:
            yield from read_path(p, text_field, id_field)
            continue
        for rec in read_path(p, text_field, id_field):
            meter.mark(p)
            yield rec
        meter.file_done(p)


def _serial(records: Iterable[Document | InputError], checker: Checker, stats: RunStats):
    with checking():  # the rules and models loaded so far out of the collector's way
        first = True
        for rec in records:
            checked = None if isinstance(rec, InputError) else checker.check(rec)
            if first and checked is not None:
                settled()  # and those the first document loaded
                first = False
            stats.count(rec)
            yield rec, checked
    checker.flush()
    times, hits, misses = checker.take_counters()
    stats.add_times(times)
    stats.cache_hits += hits
    stats.cache_misses += misses


def run(paths: Iterable[str], plan: Plan, opts: RunOptions | None = None, stats: RunStats | None = None,
        strict: bool = False) -> Iterator[FileResult]:
    """Check inputs (files, folders, globs, ``-``) and yield results in input order. With
    ``opts.measure_input`` the input files are listed and measured here, before the first result
    is asked for, so a progress bar drawn at once already shows the totals."""
    opts = opts or RunOptions()
    stats = stats if stats is not None else RunStats()
    files = iter_files(paths)
    meter = None
    if opts.measure_input:
        meter = stats.meter = InputMeter()
        files = meter.measure(files)
    return _run(files, meter, plan, opts, stats, strict)


def run_files(files: Iterable[str], plan: Plan, opts: RunOptions | None = None, stats: RunStats | None = None,
              strict: bool = False) -> Iterator[FileResult]:
    """``run`` over input files already listed (``qa.readers.iter_files``), read in this order."""
    opts = opts or RunOptions()
    return _run(files, None, plan, opts, stats if stats is not None else RunStats(), strict)


def _run(files, meter: InputMeter | None, plan: Plan, opts: RunOptions, stats: RunStats,
         strict: bool) -> Iterator[FileResult]:
    if opts.engine == "dask":
        stats.engine, stats.workers = opts.engine, max(1, opts.jobs)
        yield from assemble(dask_stream(list(files), plan, opts, stats), plan, strict, opts.lines_only,
                            corpus_phase=opts.clean is None)
        return
    yield from run_records(read_records(files, opts.text_field, opts.id_field, meter), plan, opts, stats, strict)


def run_records(records: Iterable[Document | InputError], plan: Plan, opts: RunOptions | None = None,
                stats: RunStats | None = None, strict: bool = False) -> Iterator[FileResult]:
    """Check records (documents and unreadable inputs) on the local engine and yield results in
    input order. ``strict``: a rule that raises stops the run (one process, no pool)."""
    opts = opts or RunOptions()
    stats = stats if stats is not None else RunStats()
    stats.engine, stats.workers = opts.engine, max(1, opts.jobs)
    if opts.engine != "local":
        raise ValueError(f"unknown engine {opts.engine!r}; choose local or dask")
    records = sharded(records, opts.shard, stats)
    head: list[Document | InputError] = []
    if opts.jobs > 1 and not strict:  # a small input is checked here: starting workers costs more
        head = list(islice(records, opts.min_parallel_docs))
    records = chain(head, records)
    if opts.jobs <= 1 or strict or len(head) < opts.min_parallel_docs:
        stats.workers = 1
        stream = _serial(records, Checker(plan, opts.cache_dir, opts.profile_rules, strict,
                                          lines_only=opts.lines_only, cleaned=opts.cleaned, clean=opts.clean), stats)
    else:
        warm_up(plan.rules, eager=True)  # loaded once here: forked workers inherit the modules and models
        with executor(plan, opts) as ex:
            rebuild = (lambda jobs: ex.submit(rebuild_lines, jobs)) if opts.lines_only else None
            yield from assemble(pool_stream(records, opts, stats, ex), plan, strict, opts.lines_only, rebuild,
                                corpus_phase=opts.clean is None)
        return
    yield from assemble(stream, plan, strict, opts.lines_only, corpus_phase=opts.clean is None)
