#!/usr/bin/env python3
"""What the corpus phase of a JSON Lines run costs: CPU seconds of its parts, in one process.

    python benchmarks/corpus_phase.py CORPUS [QA CHECK FLAGS...]

Runs ``qa check CORPUS --format jsonl -o TMP --jobs 1 --isolated --no-cache -q --fail-on never``
(and any flags given after the corpus, e.g. ``--no-language-id --ignore MT104`` for the fast
profile) in this process, with the parts of the run that the corpus rules (``collect`` /
``finalize``) add timed in CPU seconds (``time.process_time``):

* **line**: writing each result as its JSON line where it is checked (``RenderedResult.of``, with
  its findings' keys when the plan has corpus rules);
* **spool write** / **spool read**: the pending results and the collected values, pickled to the
  spool and read back (``qa.runner.corpus.Spool``);
* **join**: joining corpus findings to the results they reach (``merge_rendered`` on a line,
  ``merge`` where the result is rebuilt) and, for a rebuilt result, writing it;
* **pickle**: any other ``pickle.dumps`` of the run (one inside a part above is that part's).

The parts are the whole cost of holding results back until the corpus rules are done; the rest
of the run (reading, checking, writing the lines out) is the same with or without them. Prints a
Markdown table. Whole-run times swing by 15% between identical runs on a shared machine: a change
to these parts is seen here, not in the run's total.
"""

from __future__ import annotations

import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

clock = time.process_time
SECONDS: dict[str, float] = {}
CALLS: dict[str, int] = {}


#: how many timed parts are running now: a part called inside another (the spool's own
#: ``pickle.dumps``) is the outer part's time, not counted twice
_DEPTH = [0]


def timed(owner, name: str, label: str) -> None:
    """Replace ``owner.name`` by the same callable, its CPU time added to ``SECONDS[label]``
    unless it runs inside another timed part (nothing when ``owner`` has no ``name``: a tree
    from before that part existed)."""
    fn = getattr(owner, name, None)
    if fn is None:
        return

    def wrapper(*args, **kwargs):
        if _DEPTH[0]:
            return fn(*args, **kwargs)
        _DEPTH[0] += 1
        t = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            SECONDS[label] = SECONDS.get(label, 0.0) + clock() - t
            CALLS[label] = CALLS.get(label, 0) + 1
            _DEPTH[0] -= 1

    setattr(owner, name, wrapper)


def timed_iteration(cls, label: str) -> None:
    """``cls.__iter__`` with the time of producing each item added to ``SECONDS[label]``."""
    fn = cls.__iter__

    def iterate(self):
        it = fn(self)
        while True:
            _DEPTH[0] += 1
            t = clock()
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                SECONDS[label] = SECONDS.get(label, 0.0) + clock() - t
                _DEPTH[0] -= 1
            yield item

    cls.__iter__ = iterate


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    corpus, flags = sys.argv[1], sys.argv[2:]
    from qa.runner import checker, corpus as corpus_phase

    timed(checker.RenderedResult, "of", "line")
    timed(corpus_phase.Spool, "append", "spool write")
    timed_iteration(corpus_phase.Spool, "spool read")
    timed(corpus_phase, "merge", "join")
    timed(corpus_phase, "merge_rendered", "join")
    timed(pickle, "dumps", "pickle")
    from qa.runner import terminal

    timed(terminal, "dumps", "join")  # (a rebuilt result is written from its findings)
    from qa.cli import run

    with tempfile.TemporaryDirectory(prefix="qa-corpus-phase-") as tmp:
        sys.argv = ["qa", "check", corpus, "--format", "jsonl", "-o", str(Path(tmp) / "out.jsonl"), "--jobs", "1",
                    "--isolated", "--no-cache", "-q", "--fail-on", "never", *flags]
        t0 = clock()
        try:
            run()
        except SystemExit:
            pass
        total = clock() - t0
    parts = sum(SECONDS.values())
    print(f"`qa check {Path(corpus).name} --jobs 1 {' '.join(flags)}`: {total:.2f} CPU seconds in all.\n")
    print("| part | CPU seconds | calls |")
    print("|---|---:|---:|")
    for label in ("line", "spool write", "spool read", "join", "pickle"):
        if label in SECONDS:
            print(f"| {label} | {SECONDS[label]:.2f} | {CALLS.get(label, '-')} |")
    print(f"| **the parts** | **{parts:.2f}** | |")


if __name__ == "__main__":
    main()
