#!/usr/bin/env python3
"""The trigger scan alone, and the full check, on a corpus given by path (one core, in process).

    python benchmarks/scan.py DIR [DIR ...] [--repeat N] [--full] [--backend hyperscan|fallback|both]

``DIR`` holds text files (``.txt`` / ``.md``, searched recursively; a file is one document).
It reports:

* ``scan``: ``ScanPlan.scan`` over every document with the default rule set's triggers, per
  backend, in MB/s of UTF-8 text per CPU second of this process (the best of ``--repeat`` passes), then the same with every
  rule's candidate hits turned into code-point spans (``ScanHits.as_dict``; a run asks only for
  the rules that read them), with the plan's compile time and its load time from the on-disk
  cache;
* ``full`` (with ``--full``): ``check_document`` with every default rule over the same documents,
  in MB/s per CPU second, once with the scan's rule skipping and once without it (``plan.scan = None``: every
  rule runs, each gating itself from its triggers). ``--full-only`` times the check as the code
  on ``PYTHONPATH`` runs it, also an older checkout without ``qa.scan`` (a before/after pair).

The corpus is read once into memory; start-up (imports, rule loading) is not counted, except in
the compile and load times it prints. Run it from the repository root, with the package on
``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path


def _docs(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        root = Path(p)
        files = sorted(f for f in root.rglob("*") if f.suffix in (".txt", ".md")) if root.is_dir() else [root]
        for f in files:
            out.append(f.read_text(encoding="utf-8", errors="replace"))
    return out


def _mb(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8", "surrogatepass")) for t in texts) / 1e6


def bench_scan(texts: list[str], backend: str, repeat: int) -> dict[str, float]:
    import qa.scan
    from qa.registry import all_rules
    from qa.scan import ScanPlan

    rules = all_rules()
    with tempfile.TemporaryDirectory() as d:
        qa.scan._COMPILED.clear()
        t = time.perf_counter()
        plan = ScanPlan.for_rules(rules, backend=backend, cache_dir=d)
        compile_s = time.perf_counter() - t
        qa.scan._COMPILED.clear()  # as a new process would: from the disk cache
        t = time.perf_counter()
        again = ScanPlan.for_rules(rules, backend=backend, cache_dir=d)
        load_s = time.perf_counter() - t
        assert backend == "fallback" or again.loaded_from_cache
    best = best_all = float("inf")
    hits = 0
    for _ in range(repeat):  # CPU time of this process: the machine may be shared
        t = time.process_time()
        for text in texts:
            plan.scan(text)
        best = min(best, time.process_time() - t)
        t = time.process_time()
        n = 0
        for text in texts:
            got = plan.scan(text)
            n += sum(len(v) for v in got.as_dict().values()) if got else 0
        best_all = min(best_all, time.process_time() - t)
        hits = n
    mb = _mb(texts)
    return {"mb": mb, "seconds": best, "mb_s": mb / best, "all_mb_s": mb / best_all, "compile_s": compile_s,
            "load_s": load_s, "hits": hits, "patterns": len(plan.entries), "rules": len(plan.codes)}


def bench_full(texts: list[str], skip: bool) -> dict[str, float]:
    from qa.config import Settings
    from qa.engine import check_document, make_plan
    from qa.readers import make_document

    plan = make_plan(Settings())
    if not skip:
        plan = replace(plan, scan=None)
    elif os.environ.get("QA_SCAN", "") == "fallback" and getattr(plan, "scan", None) is not None:
        assert plan.scan.backend == "fallback"
    docs = [make_document(t, path=f"d{i}.txt", doc_id=f"d{i}.txt") for i, t in enumerate(texts)]
    check_document(docs[0], plan)  # warm-up: models and lexicons load outside the timing
    docs = [make_document(t, path=f"d{i}.txt", doc_id=f"d{i}.txt") for i, t in enumerate(texts)]
    t = time.process_time()
    n = 0
    for doc in docs:
        n += len(check_document(doc, plan))
    s = time.process_time() - t
    mb = _mb(texts)
    return {"mb": mb, "seconds": s, "mb_s": mb / s, "findings": n}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--backend", choices=("hyperscan", "fallback", "both"), default="both")
    ap.add_argument("--full", action="store_true", help="also time the full check, with and without skipping")
    ap.add_argument("--full-only", action="store_true",
                    help="time only the full check as the code on PYTHONPATH runs it (also code without qa.scan)")
    a = ap.parse_args(argv)
    texts = _docs(a.paths)
    if not texts:
        print("no .txt or .md files under the given paths", file=sys.stderr)
        return 2
    print(f"corpus: {len(texts)} documents, {_mb(texts):.2f} MB; cpu: {os.cpu_count()} core(s)")
    if a.full_only:
        r = bench_full(texts, True)
        print(f"full check as is: {r['mb_s']:6.3f} MB/s  ({r['seconds']:.2f} s, {r['findings']} findings)")
        return 0
    from qa.scan import hyperscan_available

    backends = ["hyperscan", "fallback"] if a.backend == "both" else [a.backend]
    for b in backends:
        if b == "hyperscan" and not hyperscan_available():
            print("scan hyperscan: skipped (the hyperscan package is not installed)")
            continue
        r = bench_scan(texts, b, a.repeat)
        print(f"scan {b:9s}: {r['mb_s']:8.1f} MB/s  ({r['seconds'] * 1000:.1f} ms; with every rule's hits in "
              f"code points {r['all_mb_s']:.1f} MB/s, {r['hits']} hits, "
              f"{r['patterns']} patterns of {r['rules']} rules; compile {r['compile_s'] * 1000:.0f} ms, "
              f"load from cache {r['load_s'] * 1000:.1f} ms)")
    if a.full:
        for skip in (False, True):
            r = bench_full(texts, skip)
            what = "with rule skipping" if skip else "every rule runs   "
            print(f"full check {what}: {r['mb_s']:6.3f} MB/s  ({r['seconds']:.2f} s, {r['findings']} findings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
