"""The worker pool's fork: workers inherit the parent's objects frozen out of the garbage
collector (``gc.freeze``) and collect their young objects less often; the parent gets its
objects back and keeps its collector settings."""

from __future__ import annotations

import gc
import multiprocessing as mp
import signal
import subprocess
import sys
import textwrap

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
        # the stop signals were blocked around the fork only: the workers unblocked them
        blocked_in_worker = ex.submit(signal.pthread_sigmask, signal.SIG_BLOCK, set()).result()
        assert signal.SIGTERM not in blocked_in_worker and signal.SIGINT not in blocked_in_worker
    blocked_here = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    assert signal.SIGTERM not in blocked_here and signal.SIGINT not in blocked_here
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


FORK_UNDER_SIGTERM = textwrap.dedent("""
    import os, signal, sys
    from qa.config import Settings
    from qa.engine import make_plan
    from qa.fsutil import Interrupted, run_interruptible
    from qa.readers import make_document
    from qa.runner.options import RunOptions, RunStats
    from qa.runner.pool import executor, pool_stream

    plan = make_plan(Settings(select=("PUN",)))
    opts = RunOptions(jobs=2)
    # the signal arrives while the workers are being forked: in the parent's before-fork hooks
    os.register_at_fork(before=lambda: os.kill(os.getpid(), signal.SIGTERM))

    def main():
        docs = [make_document("It ended there.She left.", path="a.txt", doc_id="a")]
        with executor(plan, opts) as ex:
            list(pool_stream(docs, opts, RunStats(), ex))
        print("not interrupted")

    run_interruptible(main)
""")


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="workers are forked only where fork exists")
def test_a_sigterm_during_the_fork_stops_the_run_cleanly():
    """Without the mask, the handler runs inside the interpreter's at-fork callbacks, where the
    exception that stops the run is printed as "Exception ignored" and lost."""
    proc = subprocess.run([sys.executable, "-c", FORK_UNDER_SIGTERM], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert "interrupted (SIGTERM)" in proc.stderr
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr
    assert "not interrupted" not in proc.stdout


def test_a_serial_run_checks_with_the_collector_tuned_and_gives_it_back():
    """``--jobs 1``: while documents are checked, the objects alive at the start (the rules and
    models) are frozen and young collections are spaced out; when the run ends, both are undone,
    and the results are those of an untuned run."""
    from qa.runner.collector import CHECKING_GC_THRESHOLD, checking

    plan = make_plan(Settings(select=("PUN", "GRAM001")))
    docs = _docs(12)
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    stream = run_records(docs, plan)
    first = next(stream)  # the run is inside its document loop now
    assert gc.get_threshold()[0] == CHECKING_GC_THRESHOLD and gc.get_freeze_count() > 1000
    rest = list(stream)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    tuned = [dumps(r) for r in [first, *rest]]
    # nested blocks (a run inside a run, as the library allows) restore the outer settings once
    with checking():
        with checking():
            assert gc.get_threshold()[0] == CHECKING_GC_THRESHOLD
        assert gc.get_threshold()[0] == CHECKING_GC_THRESHOLD
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    gc.disable()
    try:
        untuned = [dumps(r) for r in run_records(docs, plan)]
    finally:
        gc.enable()
    assert tuned == untuned and any('"PUN' in line or '"GRAM001"' in line for line in tuned)
