"""The Dask engine (``qa check --engine dask``): partitions of the input checked on a cluster.

The client cuts the inputs into partitions (``qa.corpus_readers.partitions``: byte ranges of
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

Dask is optional: ``pip install 'qa[dask]'``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from dataclasses import replace

from qa.corpus_readers import Partition, partitions, read_partition
from qa.document import Document
from qa.readers import InputError

#: worker-process state: settings fingerprint -> Checker
_CHECKERS: dict[tuple, object] = {}

#: bytes of JSON Lines per partition (small enough that the last ones spread over the workers:
#: with 8 MB, 20 MB made three partitions for two workers)
PARTITION_BYTES = 1 << 20


class DaskUnavailable(RuntimeError):
    pass


def _checker(settings, cache_dir: str | None, profile: bool, lines_only: bool = False):
    from qa.engine import make_plan
    from qa.parallel import Checker

    key = (settings.fingerprint(), tuple(settings.packs), cache_dir, profile, lines_only)
    if key not in _CHECKERS:
        _CHECKERS[key] = Checker(make_plan(settings), cache_dir, profile, lines_only=lines_only)
    return _CHECKERS[key]


def check_partition(part: Partition, settings, text_field: str, id_field: str, cache_dir: str | None,
                    profile: bool, shard: tuple[int, int] | None, policy, codes: tuple[str, ...],
                    lines_only: bool = False):
    """Runs on a worker: read one partition and check its documents."""
    from qa import inputs
    from qa.parallel import shard_of

    if policy is not None and inputs.policy() != policy:
        inputs.set_policy(encoding=policy.encoding, max_bytes=policy.max_bytes or 0)
    checker = _checker(settings, cache_dir, profile, lines_only)
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
    from qa.parallel import _count

    parts = list(partitions(files, target_bytes=PARTITION_BYTES))
    client, cluster = _client(opts)
    try:
        stats.workers = max(1, len(client.nthreads()) if opts.scheduler else opts.jobs)
        cache_dir = None if opts.scheduler else opts.cache_dir
        window = max(2, 2 * stats.workers)
        args = (plan.settings, opts.text_field, opts.id_field, cache_dir, opts.profile_rules, opts.shard,
                inputs.policy(), tuple(r.code for r in plan.rules), opts.lines_only)
        pending: deque = deque()
        it = iter(parts)

        def submit_next() -> bool:
            part = next(it, None)
            if part is None:
                return False
            pending.append(client.submit(check_partition, part, *args, pure=False))
            return True

        for _ in range(window):
            if not submit_next():
                break
        while pending:
            fut = pending.popleft()
            rows, (times, hits, misses), skipped = fut.result()
            fut.release()
            submit_next()
            stats.add_times(times)
            stats.cache_hits += hits
            stats.cache_misses += misses
            stats.skipped_by_shard += skipped
            for rec, checked in rows:
                _count(stats, rec, checked)
                yield rec, checked
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
