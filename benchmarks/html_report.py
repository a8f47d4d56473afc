#!/usr/bin/env python3
"""What the HTML report costs on top of the check.

One command, from the repository root::

    .venv/bin/python benchmarks/html_report.py [--files 300] [--repeat 3] [--jobs N] [--source DIR]

It writes ``--files`` short text files into ``benchmarks/.work/html-corpus/`` (git-ignored),
then times, each a fresh process with ``--no-cache`` and best of ``--repeat``:

* ``qa check DIR`` (its findings written to ``/dev/null``);
* ``qa check DIR --html OUT`` (the same, and the HTML report: one page per file, the index, the
  rule pages, and the cleaned view of every file with a fix).

The overhead is (html - check) / check, of the wall time and of the CPU time (user + system, of
the process and its workers: steadier than the wall time on a busy machine).

Without ``--source`` the files are made from a few sentences written for this benchmark; in a
third of the files most paragraphs hold a defect (a doubled word, two sentences glued together,
a no-break space: all fixed by ``qa clean``; or a double space). With ``--source`` the files are
cut from the ``.txt`` / ``.md`` files found there (about 600 characters each).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work" / "html-corpus"

SENTENCES = [
    "The committee met on Tuesday to review the budget for the coming year.",
    "Several members asked whether the new library would open before the winter.",
    "Our team spent most of the afternoon testing the updated release.",
    "The river rose quickly after three days of heavy rain in the hills.",
    "She wrote the report in one evening and sent it to the editor the next morning.",
    "Most of the visitors came by train, although the station is far from the centre.",
    "The museum keeps its oldest maps in a cool room without windows.",
    "A short walk from the harbour leads to a small square with a fountain.",
    "He said the plan was sound but the schedule was far too tight.",
    "The results will be published once every school has sent its numbers.",
]
DEFECTS = [
    lambda s: s.replace(" the ", " the the ", 1),  # GRAM001, a safe fix
    lambda s: s.replace(". ", ".", 1) if ". " in s else s.replace(" was ", " was was ", 1),  # PUN002 (safe fix)
    lambda s: s.replace(" ", "\u00a0", 1),  # WS001, a safe fix
    lambda s: s.replace(" ", "  ", 1),  # a double space (no rule)
]


def synthetic(n: int, out: Path) -> None:
    rnd = random.Random(18)
    for i in range(n):
        paras = []
        for _ in range(rnd.randint(2, 4)):
            sents = [rnd.choice(SENTENCES) for _ in range(rnd.randint(2, 4))]
            line = " ".join(sents)
            if i % 3 == 0 and rnd.random() < 0.7:
                line = rnd.choice(DEFECTS)(line)
            paras.append(line)
        (out / f"doc{i:04d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")


def from_source(n: int, out: Path, source: Path) -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(source.rglob("*"))
             if p.suffix in (".txt", ".md") and p.is_file()]
    if not texts:
        sys.exit(f"no .txt or .md files in {source}")
    pieces = [t[k:k + 600] for t in texts for k in range(0, max(1, len(t) - 300), 600)]
    for i in range(n):
        (out / f"doc{i:04d}.txt").write_text(pieces[i % len(pieces)], encoding="utf-8")


def timed(cmds: list[list[str]], repeat: int) -> list[tuple[float, float]]:
    """(best wall time, best CPU time of the process and its workers) of each command; the
    commands take turns, so a slower spell of a shared machine falls on all of them alike."""
    best = [(float("inf"), float("inf"))] * len(cmds)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(repeat):
        for i, cmd in enumerate(cmds):
            t = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
            _, _, use = os.wait4(proc.pid, 0)
            proc.returncode = 0
            wall, cpu = time.perf_counter() - t, use.ru_utime + use.ru_stime
            best[i] = (min(best[i][0], wall), min(best[i][1], cpu))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=None, help="passed to qa check --jobs (default: qa's own)")
    ap.add_argument("--source", type=Path, default=None)
    a = ap.parse_args()
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    (from_source(a.files, WORK, a.source) if a.source else synthetic(a.files, WORK))
    base = [sys.executable, "-m", "qa", "check", str(WORK), "--no-cache", "--quiet", "--fail-on", "never"]
    if a.jobs:
        base += ["--jobs", str(a.jobs)]
    with tempfile.TemporaryDirectory(prefix="qa-html-bench-") as tmp:
        check, html = timed([base, base + ["--html", f"{tmp}/report"]], a.repeat)
        pages = sum(1 for _ in Path(tmp, "report").rglob("*.html"))
    print(f"files: {a.files}  html pages written: {pages}  best of {a.repeat}")
    print(f"{'':26}{'wall s':>8}{'CPU s':>8}")
    print(f"{'qa check DIR':26}{check[0]:8.2f}{check[1]:8.2f}")
    print(f"{'qa check DIR --html OUT':26}{html[0]:8.2f}{html[1]:8.2f}")
    print(f"{'HTML overhead':26}{100 * (html[0] - check[0]) / check[0]:7.1f}%{100 * (html[1] - check[1]) / check[1]:7.1f}%")

if __name__ == "__main__":
    main()
