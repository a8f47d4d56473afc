"""The worker pool: ``jobs`` processes, each with one ``Checker``, fed documents in chunks."""

from __future__ import annotations

import gc
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator

from qa import inputs
from qa.document import Document
from qa.engine import Plan, make_plan
from qa.fsutil import block_stop_signals, unblock_stop_signals
from qa.lifeline import bind_to_parent
from qa.model import FileResult, Finding
from qa.readers import InputError
from qa.runner.checker import Checked, Checker, RenderedResult, merge, merge_rendered
from qa.runner.collector import CHECKING_GC_THRESHOLD, tune_for_worker
from qa.runner.options import CHUNK_CHARS, CHUNK_DOCS, INFLIGHT_PER_WORKER, RunOptions, RunStats

# worker-process state (one Checker per process, built by the initializer)
_WORKER: Checker | None = None

#: a worker's threshold for the collector's youngest generation (``qa.runner.collector``)
WORKER_GC_THRESHOLD = CHECKING_GC_THRESHOLD


def _init_worker(plan: Plan | None, settings, cache_dir: str | None, profile: bool, policy,
                 render_jsonl: bool = False, lines_only: bool = False, parent: int | None = None,
                 cleaned: bool = False, clean=None) -> None:
    global _WORKER
    unblock_stop_signals()  # blocked by the parent around the fork (forking_submit)
    bind_to_parent(parent)  # a parent killed with kill -9 takes its workers with it
    tune_for_worker()
    if policy is not None:
        inputs.set_policy(encoding=policy.encoding, max_bytes=policy.max_bytes or 0)
    if plan is None:
        plan = make_plan(settings)
    _WORKER = Checker(plan, cache_dir, profile, render_jsonl=render_jsonl, lines_only=lines_only, cleaned=cleaned,
                      clean=clean)


def _work_chunk(docs: list[Document]) -> tuple[list[Checked], tuple[dict[str, float], int, int]]:
    assert _WORKER is not None, "worker not initialised"
    out = [_WORKER.check_to_send(d) for d in docs]
    _WORKER.flush()
    return out, _WORKER.take_counters()


def _chunks(records: Iterable[Document | InputError]) -> Iterator[list[Document | InputError]]:
    chunk: list[Document | InputError] = []
    chars = 0
    for rec in records:
        chunk.append(rec)
        if isinstance(rec, Document):
            chars += len(rec.text)
        if len(chunk) >= CHUNK_DOCS or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def executor(plan: Plan, opts: RunOptions):
    """The worker pool: ``opts.jobs`` processes, each with one ``Checker``."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    methods = mp.get_all_start_methods()
    if "fork" in methods:  # workers inherit the loaded rules: nothing to pickle or re-import
        ctx, initargs = mp.get_context("fork"), (plan, None, opts.cache_dir, opts.profile_rules, None,
                                                 opts.render_jsonl, opts.lines_only, os.getpid(), opts.cleaned,
                                                 opts.clean)
    else:  # pragma: no cover - spawn: workers rebuild the plan from the settings
        ctx = mp.get_context("spawn")
        initargs = (None, plan.settings, opts.cache_dir, opts.profile_rules, inputs.policy(), opts.render_jsonl,
                    opts.lines_only, os.getpid(), opts.cleaned, opts.clean)
    return ProcessPoolExecutor(max_workers=opts.jobs, mp_context=ctx, initializer=_init_worker,
                               initargs=initargs)


def forking_submit(ex, fn, *args):
    """``ex.submit(fn, *args)`` with every object alive here moved out of the garbage collector's
    reach (``gc.freeze``) while the call runs: the first task of a pool that forks its workers
    starts them, and a worker then never walks the rules, tables and models it inherited in its
    full collections (half its collection time on a large corpus), nor copies the memory pages that
    hold them by writing their collector headers. This process takes the objects back at once.

    SIGINT and SIGTERM are blocked in this thread while the workers are forked: a signal handled
    in the middle of a fork runs the handler inside the interpreter's at-fork callbacks (logging's
    lock release), where the exception it raises to stop the run is printed and lost. A signal
    that arrives meanwhile is delivered when the mask is restored, here, in plain code; the
    workers, which inherit the mask, unblock the signals first thing."""
    old = block_stop_signals()
    gc.freeze()
    try:
        return ex.submit(fn, *args)
    finally:
        gc.unfreeze()
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def pool_stream(records: Iterable[Document | InputError], opts: RunOptions, stats: RunStats, ex):
    window = max(2, opts.jobs * INFLIGHT_PER_WORKER)
    inflight: deque = deque()
    first = True

    def drain_one():
        chunk, fut = inflight.popleft()
        checked, (times, hits, misses) = fut.result()
        stats.add_times(times)
        stats.cache_hits += hits
        stats.cache_misses += misses
        it = iter(checked)
        for rec in chunk:
            c = None if isinstance(rec, InputError) else next(it)
            stats.count(rec)
            yield rec, c

    for chunk in _chunks(records):
        docs = [r for r in chunk if isinstance(r, Document)]
        # the pool forks its workers at its first task
        fut = forking_submit(ex, _work_chunk, docs) if first else ex.submit(_work_chunk, docs)
        first = False
        inflight.append((chunk, fut))
        while len(inflight) >= window:
            yield from drain_one()
    while inflight:
        yield from drain_one()


def rebuild_lines(jobs: list[tuple[bytes | FileResult | RenderedResult, Document, list[Finding]]]) -> list[RenderedResult]:
    """In a worker: results that corpus findings joined, merged, scored and written as JSON
    Lines: what the parent would do alone at the end of the run, while the workers sit idle. A
    result that is its line with its findings' keys is joined into the line (``merge_rendered``),
    any other rebuilt from its findings (``merge``)."""
    assert _WORKER is not None, "worker not initialised"
    plan = _WORKER.base_plan
    return [merge_rendered(light.unpacked(), doc, extra, plan) if isinstance(light, RenderedResult)
            else RenderedResult.of(merge(light, doc, extra, plan)) for light, doc, extra in jobs]
