"""Terminal and stream output of a run: JSON Lines as results arrive, the progress bar, run
statistics."""

from __future__ import annotations

import time
from dataclasses import replace

from qa.model import FileResult
from qa.runner.checker import RenderedResult
from qa.runner.options import RunStats


class JsonlStream:
    """Writes JSON Lines as results arrive (the same bytes as the ``jsonl`` format), to a file
    (atomically: a temporary file renamed when complete) or to a text stream."""

    def __init__(self, output: str | None, stdout) -> None:
        self.out = None
        if output and output != "-":
            from qa.fsutil import AtomicFile

            self.out = AtomicFile(output)
            self.fh = self.out.fh
            self.text = None
        else:
            self.fh = None
            self.text = stdout

    def write(self, res: FileResult | RenderedResult) -> None:
        from qa.report.jsonl import dumps, encode_line

        data = res.data if isinstance(res, RenderedResult) else encode_line(dumps(res))
        if self.fh is not None:
            self.fh.write(data)
        else:
            self.text.write(data.decode("utf-8"))

    def close(self, ok: bool = True) -> None:
        """Rename the finished file over the target (``ok``), or remove the temporary file."""
        if self.out is None:
            return
        out, self.out, self.fh = self.out, None, None
        if ok:
            out.commit()
        else:
            out.discard()


def light(res: FileResult | RenderedResult) -> FileResult | RenderedResult:
    """The result without its document or its line (what summaries and gates need), to keep
    memory small."""
    if isinstance(res, RenderedResult):
        return replace(res, data=b"")
    res.doc = None
    res.meta = {}
    return res


class ProgressBar:
    """documents, documents/s and MB/s on standard error (a TTY), updated a few times a second."""

    def __init__(self, stats: RunStats) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.stats = stats
        # standard error only: standard output may be the JSON Lines a pipeline reads
        self.progress = Progress(SpinnerColumn(), TextColumn("checking"),
                                 TextColumn("{task.fields[docs]} docs"),
                                 TextColumn("{task.fields[dps]} docs/s"),
                                 TextColumn("{task.fields[mbps]} MB/s"), TimeElapsedColumn(),
                                 transient=True, console=Console(stderr=True))
        self.task = None
        self.last = 0.0

    def update(self) -> None:
        now = time.perf_counter()
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("checking", total=None, docs=0, dps="-", mbps="-")
        if now - self.last < 0.2:
            return
        self.last = now
        s = max(self.stats.seconds, 1e-9)
        self.progress.update(self.task, docs=f"{self.stats.documents:,}",
                             dps=f"{self.stats.documents / s:,.0f}", mbps=f"{self.stats.bytes / s / 1e6:.2f}")

    def close(self) -> None:
        if self.task is not None:
            self.progress.stop()


def format_run_stats(stats: RunStats) -> str:
    d = stats.as_dict()
    line = (f"run: {d['documents']:,} document(s), {d['errors']} unreadable, {stats.bytes / 1e6:.2f} MB in "
            f"{d['seconds']:.2f}s: {d['documents_per_second']:,} docs/s, {d['mb_per_second']} MB/s "
            f"({stats.engine} engine, {stats.workers} worker(s))")
    if stats.cache_hits or stats.cache_misses:
        line += f"; cache: {stats.cache_hits} hit(s), {stats.cache_misses} miss(es)"
    if stats.skipped_by_shard:
        line += f"; {stats.skipped_by_shard} record(s) in other shards"
    return line + "\n"


def format_rule_times(stats: RunStats, names: dict[str, str] | None = None, top: int = 0) -> str:
    """A table of time per rule, slowest first, with its share of all rule time."""
    items = sorted(stats.rule_seconds.items(), key=lambda kv: (-kv[1], kv[0]))
    if top:
        items = items[:top]
    total = sum(stats.rule_seconds.values()) or 1e-9
    mb = stats.bytes / 1e6
    lines = ["time per rule (summed over workers; slowest first):",
             f"  {'seconds':>9}  {'share':>6}  {'MB/s':>8}  rule"]
    for code, sec in items:
        rate = f"{mb / sec:8.1f}" if sec > 0 else "       -"
        label = f"{code} {names.get(code, '')}".rstrip() if names else code
        lines.append(f"  {sec:9.3f}  {100 * sec / total:5.1f}%  {rate}  {label}")
    return "\n".join(lines) + "\n"
