"""The names of the runner as they were before it was split into ``qa.runner``; new code imports
from the ``qa.runner`` modules (see ``qa.runner``)."""

from __future__ import annotations

from qa.runner.checker import STEP_RESULT, STEP_SEGMENT, Checked, Checker, RenderedResult, timed_plan
from qa.runner.corpus import REBUILD_BATCH, REBUILD_INFLIGHT, REBUILD_QUEUE, Spool, assemble
from qa.runner.options import CHUNK_CHARS, CHUNK_DOCS, INFLIGHT_PER_WORKER, RunOptions, RunStats, default_jobs
from qa.runner.pipeline import read_records, run
from qa.runner.shard import parse_shard, shard_of
from qa.runner.terminal import JsonlStream, ProgressBar, format_rule_times, format_run_stats, light

__all__ = ["CHUNK_CHARS", "CHUNK_DOCS", "INFLIGHT_PER_WORKER", "REBUILD_BATCH", "REBUILD_INFLIGHT", "REBUILD_QUEUE",
           "STEP_RESULT", "STEP_SEGMENT", "Checked", "Checker", "JsonlStream", "ProgressBar", "RenderedResult",
           "RunOptions", "RunStats", "Spool", "assemble", "default_jobs", "format_rule_times", "format_run_stats",
           "light", "parse_shard", "read_records", "run", "shard_of", "timed_plan"]
