#!/usr/bin/env python3
"""``qa clean`` with one worker and with several: wall and CPU seconds, and the same output tree.

    python benchmarks/clean_jobs.py INPUT... [--jobs 1,2] [--engine local|dask] [--json]

Runs ``qa clean INPUT... --out TMP --isolated --no-cache --jobs N`` as a separate process for each
``N`` (back to back, so the runs share the machine's load as evenly as they can), measures its
wall time and the CPU time of the process and its worker processes (``os.wait4``: user + system
of the children that ended), and compares the output trees byte for byte (the copies, the fix
log and the manifest): every run must write the same bytes. Prints a Markdown table (``--json``:
the numbers). On a machine that other work shares, wall time counts the waits too; CPU time is
the fairer comparison of the work done.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_clean(inputs: list[str], out: Path, jobs: int, engine: str) -> dict[str, float]:
    cmd = [sys.executable, "-m", "qa", "clean", *inputs, "--out", str(out), "--isolated", "--no-cache",
           "--jobs", str(jobs), "--engine", engine, "-q"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2):  # 2: some records were copied unchanged (reported), the copies are written
        raise SystemExit(f"qa clean --jobs {jobs} failed ({code}): {err}")
    return {"jobs": jobs, "wall": round(wall, 2), "cpu": round(usage.ru_utime + usage.ru_stime, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--jobs", default="1,2", help="comma-separated worker counts (default: 1,2)")
    ap.add_argument("--engine", default="local", choices=("local", "dask"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    counts = [int(x) for x in args.jobs.split(",") if x.strip()]
    rows, trees = [], []
    with tempfile.TemporaryDirectory(prefix="qa-clean-bench-") as tmp:
        for n in counts:
            out = Path(tmp, f"out-{n}")
            rows.append(run_clean(args.inputs, out, n, args.engine))
            trees.append(tree(out))
    same = all(t == trees[0] for t in trees[1:])
    size = sum(os.path.getsize(os.path.join(r, f)) for p in args.inputs
               for r, _d, fs in (os.walk(p) if os.path.isdir(p) else [(os.path.dirname(p) or ".", [], [os.path.basename(p)])])
               for f in fs)
    if args.json:
        print(json.dumps({"input_bytes": size, "engine": args.engine, "runs": rows, "same_output": same}))
    else:
        print(f"qa clean, {size / 1e6:.2f} MB of input, engine {args.engine}\n")
        print("| jobs | wall s | CPU s (all processes) |\n|---:|---:|---:|")
        for r in rows:
            print(f"| {r['jobs']} | {r['wall']:.2f} | {r['cpu']:.2f} |")
        print(f"\nsame output tree for every run: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
