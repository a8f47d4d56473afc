"""The worker pool's fork: workers inherit the parent's objects frozen out of the garbage
collector (``gc.freeze``) and collect their young objects less often; the parent gets its
objects back and keeps its collector settings."""

from __future__ import annotations

import gc
import multiprocessing as mp

import pytest

from qa.config import Settings
from qa.engine import make_plan
from qa.readers import make_document
from qa.report.jsonl import dumps
from qa.runner.options import RunOptions, RunStats
from qa.runner.pipeline import run_records
from qa.runner.pool import WORKER_GC_THRESHOLD, executor, pool_stream

TEXTS = [
    "The harbour bridge reopened on Monday after six months of repairs.Drivers welcomed the news.",
    "The city library will open until nine in the evening from May. Readers asked for the change , , last year.",
    "Farmers in the valley expect a good harvest this year. The rain came early and the the weather stayed mild.",
]


def _docs(n: int):
    return [make_document(f"{TEXTS[i % 3]} Report number {i}.", path="corpus.jsonl", doc_id=f"r{i}")
            for i in range(n)]


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="workers are forked only where fork exists")
def test_forked_workers_inherit_frozen_objects_and_the_parent_unfreezes():
    plan = make_plan(Settings(select=("PUN", "GRAM001")))
    opts = RunOptions(jobs=2)
    stats = RunStats()
    assert gc.get_freeze_count() == 0
    with executor(plan, opts) as ex:
        got = list(pool_stream(_docs(40), opts, stats, ex))
        # the objects alive at the fork (the plan, its rules, the loaded modules) are frozen there
        assert ex.submit(gc.get_freeze_count).result() > 1000
        assert ex.submit(gc.get_threshold).result()[0] == WORKER_GC_THRESHOLD
    assert gc.get_freeze_count() == 0  # and given back here at once
    assert gc.get_threshold()[0] != WORKER_GC_THRESHOLD  # the parent's collector is left as it was
    assert stats.documents == 40 and len(got) == 40
    assert [rec.id for rec, _ in got] == [f"r{i}" for i in range(40)]


def test_two_workers_give_the_serial_lines():
    plan = make_plan(Settings(select=("PUN", "GRAM001")))
    docs = _docs(3 * 32)
    serial = [dumps(r) for r in run_records(docs, plan)]
    pooled = [dumps(r) for r in run_records(docs, plan, RunOptions(jobs=2))]
    assert pooled == serial
    assert any('"GRAM001"' in line or '"PUN' in line for line in serial)
