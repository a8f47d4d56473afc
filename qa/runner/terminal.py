"""Terminal and stream output of a run: JSON Lines as results arrive, the progress bar, run
statistics."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import replace

from qa.fsutil import AtomicFile
from qa.model import FileResult
from qa.report.jsonl import dumps, encode_line
from qa.runner.checker import RenderedResult
from qa.runner.options import RunStats


class JsonlStream:
    """Writes JSON Lines as results arrive (the same bytes as the ``jsonl`` format), to a file
    (atomically: a temporary file renamed when complete) or to a text stream."""

    def __init__(self, output: str | None, stdout) -> None:
        self.out = None
        if output and output != "-":
            self.out = AtomicFile(output)
            self.fh = self.out.fh
            self.text = None
        else:
            self.fh = None
            self.text = stdout

    def write(self, res: FileResult | RenderedResult) -> None:
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
        return replace(res, data=b"", keys=None)
    res.doc = None
    res.meta = {}
    return res


#: ``QA_PROGRESS=1`` shows the progress bar even when standard error is not a terminal (tests,
#: logs that keep terminal codes); ``QA_PROGRESS=0`` never shows it
PROGRESS_ENV = "QA_PROGRESS"


def progress_wanted(quiet: bool = False, stream=None) -> bool:
    """The progress bar is shown on a terminal only (never into a pipe or a file), and not with
    ``--quiet``, unless ``QA_PROGRESS`` says otherwise."""
    forced = os.environ.get(PROGRESS_ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    stream = sys.stderr if stream is None else stream
    return not quiet and stream.isatty()


def _mb(n: int, scale: int | None = None) -> str:
    """Megabytes, with as many decimals as ``scale`` (the total; default ``n``) needs."""
    scale = n if scale is None else scale
    return f"{n / 1e6:,.{2 if scale < 10e6 else 1 if scale < 1e9 else 0}f}"


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


@contextmanager
def loading(quiet: bool = False, label: str = "loading rules"):
    """A spinner with ``label`` while the block runs (the seconds before the check starts, such as
    loading the rules), removed after it; shown where the progress bar is."""
    if not progress_wanted(quiet):
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    forced = os.environ.get(PROGRESS_ENV, "").strip() == "1"
    progress = Progress(SpinnerColumn(), TextColumn(label), TimeElapsedColumn(), transient=True,
                        console=Console(stderr=True, force_terminal=True if forced else None),
                        redirect_stdout=False, redirect_stderr=False, refresh_per_second=5)
    progress.add_task(label, total=None)
    progress.start()
    try:
        yield
    finally:
        progress.stop()


class ProgressBar:
    """The progress of a run on standard error (a terminal), from the first second to the end of
    the HTML report: documents and input bytes done / in all, the time left, the time taken.

    The total of bytes is known before the run (``RunOptions.measure_input``: the files' sizes);
    the documents are known when every input is one document, else estimated from the bytes
    (``~``). ``finish`` leaves the last state on screen; ``phase`` adds a line for a later
    step over a known number of items (``writing HTML n/N``)."""

    def __init__(self, stats: RunStats, stream=None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress_bar import ProgressBar as Bar
        from rich.text import Text

        self.stats = stats
        forced = os.environ.get(PROGRESS_ENV, "").strip() == "1"
        # standard error only: standard output may be the JSON Lines a pipeline reads
        where = {"stderr": True} if stream is None else {"file": stream}
        self.console = Console(**where, force_terminal=True if forced else None)
        bar = self

        class RunBar(ProgressColumn):  # drawn from the run's counters at each refresh
            def render(self, task):
                _what, total, done = bar.describe()
                if task.finished or total == 0:
                    total = done = 1
                return Bar(total=total, completed=done, width=24, animation_time=task.get_time())

        class RunText(ProgressColumn):
            def render(self, task):
                return Text(bar.describe()[0])

        common = dict(console=self.console, redirect_stdout=False, redirect_stderr=False, refresh_per_second=5)
        self.progress = Progress(SpinnerColumn(finished_text=" "), TextColumn("{task.description}"), RunBar(),
                                 RunText(), TimeElapsedColumn(), **common)
        self._phase = lambda: Progress(SpinnerColumn(finished_text=" "), TextColumn("{task.description}"),
                                       BarColumn(bar_width=24), TextColumn("{task.fields[what]}"), TimeElapsedColumn(),
                                       **common)
        self.task = None
        self.stopped = False

    # ----------------------------------------------------------------------- the check
    def describe(self) -> tuple[str, int | None, int]:
        """(the text after the bar, its total, its completed) from the run's counters."""
        st = self.stats
        meter = st.meter
        total = st.input_total
        done = st.input_done
        docs = f"{st.documents:,}"
        if meter is not None and meter.documents_known:
            docs += f"/{meter.files - st.skipped_by_shard:,}"
        elif total and done and st.documents:
            docs += f"/~{max(st.documents, round(st.documents * total / done)):,}"
        what = f"{docs} docs"
        if total is not None and meter is not None:
            what += f"  {_mb(done, total)}/{_mb(total)} MB"
            elapsed = st.seconds
            if done and total > done and elapsed > 1:
                what += f"  ETA {_clock(elapsed * (total - done) / done)}"
        else:
            what += f"  {_mb(st.bytes)} MB"
        elapsed = st.seconds
        if st.documents and elapsed > 0:
            what += f"  {st.documents / elapsed:,.0f} docs/s"
        if st.errors:
            what += f"  {st.errors} unreadable"
        return what, total, done

    def update(self) -> None:
        """Show the bar (the first call); it then follows the run's counters by itself."""
        if self.task is None and not self.stopped:
            self.task = self.progress.add_task("checking", total=None)
            self.progress.start()  # its first frame already shows the task

    def finish(self) -> None:
        """The check is over: its line stays on screen, complete."""
        if self.task is None or self.stopped:
            return
        st = self.stats
        if st.meter is not None and st.input_total is not None:
            st.input_done = st.input_total
        self.progress.update(self.task, description="checked", total=1, completed=1)
        self.progress.stop()
        self.stopped = True

    def close(self) -> None:
        if self.task is not None and not self.stopped:
            self.progress.stop()
            self.stopped = True

    # ----------------------------------------------------------------------- later steps
    def phase(self, label: str, items):
        """``items`` (a sized iterable), with a line ``label n/N`` that advances as they are taken."""
        items = list(items)
        n = len(items)
        progress = self._phase()
        task = progress.add_task(label, total=max(n, 1), what=f"0/{n:,}")
        progress.start()
        try:
            for i, item in enumerate(items, 1):
                yield item
                progress.update(task, completed=i, what=f"{i:,}/{n:,}")
            progress.update(task, completed=max(n, 1), what=f"{n:,}/{n:,}")
        finally:
            progress.stop()


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


def process_seconds() -> float | None:
    """Seconds since this process started (Linux ``/proc``), or None where that is not known:
    the interpreter's start-up and qa's imports included."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        with open("/proc/uptime", "rb") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def command_seconds(started: float) -> float:
    """The wall-clock time of the command: since the process started when it is the ``qa``
    program (``python -m qa``, the ``qa`` script), else since ``started`` (``perf_counter``; the
    command run inside another program, as the tests do)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    own = (spec is not None and spec.name == "qa.__main__") or os.path.basename(sys.argv[0] if sys.argv else "") == "qa"
    elapsed = time.perf_counter() - started
    if own:
        whole = process_seconds()
        if whole is not None and whole >= elapsed:
            return whole
    return elapsed
