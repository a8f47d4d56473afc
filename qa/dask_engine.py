"""The Dask engine (``qa check --engine dask``): partitions of the input checked on a cluster.

The client cuts the inputs into partitions (``qa.partitions.partitions``: byte ranges of
JSON Lines files, Parquet row groups, batches of small files) and submits one task per
partition. Each worker reads its partitions itself, builds the rule plan once per process from
the settings, checks the documents and sends back, per partition, the documents (without their
segmentations) and their light results. The client takes the partitions back in input order
(a bounded window of them in flight) and assembles the results exactly as the local engine does,
corpus rules included, so the output is byte-for-byte the same.

``--scheduler tcp://host:8786`` uses a running ``dask.distributed`` scheduler; the workers
must see the input paths (a shared file system) and have the same qa version installed.
Without an address a ``LocalCluster`` with ``--jobs`` single-threaded worker processes is
started for the run. The result cache is used only with the local cluster.

The reading options of bilingual files (``--source-field``, ``--target-field``, ``--source-lang``,
``--target-lang``) are sent with each task like the input policy; the glossary (``--glossary``)
travels in the settings as the SRC013/SRC014 rule option, and each worker reads the file at that
path (a shared file system, as for the inputs).

The HTML report's Cleaned view (``RunOptions.cleaned``) and ``qa clean``'s check and fix
(``RunOptions.clean``: its options, review decisions and corpus findings scattered to every worker
once) are made on the workers, where each document is checked, as in the local engine.

Rule time limits (``--rule-timeout``) are sent with each task and hold on the workers as in the
local engine: a Dask worker runs tasks in threads, where ``SIGALRM`` cannot stop a rule, so each
worker thread checks its partitions in a checker process of its own (started on first use, ended
with the worker), in that process's main thread.

Dask is optional: ``pip install 'qa[dask]'``.
"""

from __future__ import annotations

import gc
import logging
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import replace

from qa.partitions import Partition, partition_bytes, partitions, read_partition
from qa.document import Document
from qa.readers import InputError
from qa.runner.checker import Checker
from qa.runner.collector import tune_for_worker
from qa.runner.shard import shard_of

#: worker-process state: settings fingerprint -> Checker
_CHECKERS: dict[tuple, Checker] = {}

#: bytes of JSON Lines per partition (small enough that the last ones spread over the workers:
#: with 8 MB, 20 MB made three partitions for two workers)
PARTITION_BYTES = 1 << 20


class DaskUnavailable(RuntimeError):
    pass


def _checker(settings, cache_dir: str | None, profile: bool, lines_only: bool = False, cleaned: bool = False,
             clean=None):
    from qa.engine import make_plan

    key = (settings.fingerprint(), tuple(settings.packs), cache_dir, profile, lines_only, cleaned,
           None if clean is None else clean.token)
    if key not in _CHECKERS:
        if clean is not None:  # only the latest qa clean run's checker stays (its options hold corpus findings)
            for k in [k for k in _CHECKERS if k[-1] is not None]:
                del _CHECKERS[k]
        _CHECKERS[key] = Checker(make_plan(settings), cache_dir, profile, lines_only=lines_only, cleaned=cleaned,
                                 clean=clean)
    return _CHECKERS[key]


def check_partition(part: Partition, settings, text_field: str, id_field: str, cache_dir: str | None,
                    profile: bool, shard: tuple[int, int] | None, policy, codes: tuple[str, ...],
                    lines_only: bool = False, limits: tuple[float, float] | None = None, bilingual=None,
                    cleaned: bool = False, clean=None):
    """Runs on a worker: read one partition and check its documents.

    The time limits of rules (``qa.guard``) need the main thread of a process, and a Dask worker
    runs tasks in other threads: so with limits set, the partition is checked by this worker's
    checker process (``_Child``: one per worker thread, started on first use, kept for the
    worker's life), whose main thread checks it under the limits. The result comes back pickled
    (``bytes``); the client unpickles it."""
    import threading

    from qa import guard

    if limits is not None and guard.limits() != limits:
        guard.set_limits(rule_seconds=limits[0], document_seconds=limits[1])
    args = (part, settings, text_field, id_field, cache_dir, profile, shard, policy, codes, lines_only, bilingual,
            cleaned, clean)
    if any(guard.limits()) and threading.current_thread() is not threading.main_thread():
        return _child().run((args, guard.limits()))
    return _check_partition_here(*args)


def _check_partition_here(part: Partition, settings, text_field: str, id_field: str, cache_dir: str | None,
                          profile: bool, shard: tuple[int, int] | None, policy, codes: tuple[str, ...],
                          lines_only: bool = False, bilingual=None, cleaned: bool = False, clean=None):
    from qa import inputs
    from qa.bilingual import readers as bilingual_readers

    if policy is not None and inputs.policy() != policy:
        inputs.set_policy(encoding=policy.encoding, max_bytes=policy.max_bytes or 0)
    if bilingual is not None and bilingual_readers.options() != bilingual:
        bilingual_readers.use_options(bilingual)  # --source-field, --target-field, the languages
    checker = _checker(settings, cache_dir, profile, lines_only, cleaned, clean)
    have = tuple(r.code for r in checker.base_plan.rules)  # type: ignore[attr-defined]
    if have != codes:
        raise RuntimeError(f"this worker's qa has other rules than the client's ({len(have)} vs {len(codes)} "
                           "selected); install the same qa version on the workers")
    out: list[tuple[Document | InputError, object]] = []
    skipped = 0
    for rec in read_partition(part, text_field, id_field):
        if shard is not None and shard_of(rec.id, shard[1]) != shard[0]:
            skipped += 1
            continue
        if isinstance(rec, InputError):
            out.append((rec, None))
            continue
        checked = checker.check_to_send(rec)  # type: ignore[attr-defined]
        out.append((replace(rec), checked))  # a fresh copy: no cached segmentations to send
    checker.flush()  # type: ignore[attr-defined]
    return out, checker.take_counters(), skipped  # type: ignore[attr-defined]


class CheckerProcessDied(RuntimeError):
    pass


class _Child:
    """A checker process for one Dask worker thread: partitions are checked in its main thread,
    where the time limits of rules work. Requests and answers are length-prefixed pickles on its
    standard input and output; it ends with its parent (``qa.lifeline``) or when its input closes."""

    def __init__(self) -> None:
        import subprocess
        import sys

        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", f"from qa.dask_engine import child_main; child_main({os.getpid()})"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def run(self, request) -> bytes:
        import pickle

        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _send(self.proc.stdin, data)
            kind, payload = pickle.loads(_receive(self.proc.stdout))
        except (OSError, EOFError) as exc:
            code = self.proc.poll()
            raise CheckerProcessDied(f"qa's checker process on this Dask worker ended (exit status {code})") from exc
        if kind == "error":
            raise RuntimeError(payload)
        return payload


_LOCAL = None


def _child() -> _Child:
    import threading

    global _LOCAL
    if _LOCAL is None:
        _LOCAL = threading.local()
    child = getattr(_LOCAL, "child", None)
    if child is None or child.proc.poll() is not None:
        child = _LOCAL.child = _Child()
    return child


def _send(fh, data: bytes) -> None:
    fh.write(len(data).to_bytes(8, "big"))
    fh.write(data)
    fh.flush()


def _receive(fh) -> bytes:
    head = fh.read(8)
    if len(head) < 8:
        raise EOFError("the other end closed the pipe")
    n = int.from_bytes(head, "big")
    data = fh.read(n)
    if len(data) < n:
        raise EOFError("the other end closed the pipe")
    return data


def child_main(parent: int) -> None:
    """The checker process's loop (see ``_Child``)."""
    import pickle
    import sys
    import traceback

    from qa import guard
    from qa.lifeline import bind_to_parent

    bind_to_parent(parent)
    tune_for_worker()  # the collector as in a worker of the local pool (qa.runner.collector)
    frozen = False
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to standard error, not into the answers
    inp = sys.stdin.buffer
    while True:
        try:
            args, limits = pickle.loads(_receive(inp))
        except EOFError:
            return
        try:
            guard.set_limits(rule_seconds=limits[0], document_seconds=limits[1])
            answer = ("ok", pickle.dumps(_check_partition_here(*args), protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # noqa: BLE001 - sent back to the task, which raises it
            answer = ("error", traceback.format_exc())
        if not frozen:  # the modules, rules and models the first partition loaded: frozen for good
            gc.freeze()
            frozen = True
        _send(out, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


def _client(opts):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DaskUnavailable("the dask engine needs dask.distributed: pip install 'qa[dask]'") from None
    if opts.scheduler:
        return Client(opts.scheduler), None
    cluster = LocalCluster(n_workers=max(1, opts.jobs), threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.ERROR)
    return Client(cluster), cluster


def dask_stream(files: list[str], plan, opts, stats) -> Iterator[tuple[Document | InputError, object]]:
    """(record, checked) pairs in input order, computed on a Dask cluster."""
    from qa import inputs

    parts = list(partitions(files, target_bytes=PARTITION_BYTES))
    client, cluster = _client(opts)
    try:
        stats.workers = max(1, len(client.nthreads()) if opts.scheduler else opts.jobs)
        cache_dir = None if opts.scheduler else opts.cache_dir
        window = max(2, 2 * stats.workers)
        from qa.guard import limits

        from qa.bilingual.readers import options as bilingual_options

        # qa clean's options (its review decisions, its corpus findings) go to every worker once
        clean = None if opts.clean is None else client.scatter(opts.clean, broadcast=True, hash=False)
        args = (plan.settings, opts.text_field, opts.id_field, cache_dir, opts.profile_rules, opts.shard,
                inputs.policy(), tuple(r.code for r in plan.rules), opts.lines_only, limits(), bilingual_options(),
                opts.cleaned, clean)
        pending: deque = deque()
        it = iter(parts)

        def submit_next() -> bool:
            part = next(it, None)
            if part is None:
                return False
            pending.append((part, client.submit(check_partition, part, *args, pure=False)))
            return True

        for _ in range(window):
            if not submit_next():
                break
        while pending:
            part, fut = pending.popleft()
            got = fut.result()
            if isinstance(got, bytes):  # from a worker's checker process (time limits on)
                import pickle

                got = pickle.loads(got)
            rows, (times, hits, misses), skipped = got
            fut.release()
            submit_next()
            stats.add_times(times)
            stats.cache_hits += hits
            stats.cache_misses += misses
            stats.skipped_by_shard += skipped
            for rec, checked in rows:
                stats.count(rec)
                yield rec, checked
            if stats.meter is not None:  # the progress bar: this partition's input is done
                stats.input_done += partition_bytes(part, stats.meter.size)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
