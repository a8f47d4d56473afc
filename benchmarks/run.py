#!/usr/bin/env python3
"""qa's throughput and memory benchmark, side by side with datatrove's heuristic filters.

One command, from the repository root (after ``make venv``)::

    .venv/bin/python benchmarks/run.py --source DIR [--source DIR ...] [--mode quick|standard|full]

``--source`` folders hold real text (``.txt`` / ``.md`` files, searched recursively); the
benchmark builds JSON Lines corpora of the wanted sizes by repeating those texts, in
``benchmarks/.work/`` (git-ignored: the text belongs to its publishers and is never committed).
It then measures, each run a fresh ``qa check`` process with ``--no-cache``:

* a one-file run (``qa check short.txt -q --isolated``, a one-sentence English file, the default
  rules), median of 5 fresh processes each without the cache, with an empty cache (cold) and with
  the cache holding the file's result (warm);
* a profile per stage (start-up, model loading, read, facts, scan, language ID, each rule family,
  findings, output) over the first ``--profile-size`` of the corpus, in one process
  (``benchmarks/stages.py``);
* the full default rule set and the fast profile (no language ID and no garble-score rules),
  one worker each, so the rate is per core;
* 1 vs 2 workers (``--jobs``) with the full rule set;
* the Dask engine (``--engine dask`` on a 2-worker ``LocalCluster`` started beforehand, so the
  cluster start-up is not counted) vs the local engine with 2 workers, its runs taken in turn
  with the local rows';
* peak RSS of the parent and of each worker on two corpus sizes (default 100 MB and 1 GB),
  to show memory does not grow with the corpus;
* datatrove's heuristic filter stack (Gopher repetition + Gopher quality + C4 + FineWeb), in its
  own virtual environment ``benchmarks/.venv-datatrove`` (created on first use with
  ``pip install "datatrove[processing]" spacy``; never a dependency of qa), on the same corpus.

It writes ``benchmarks/results/benchmark.md`` (a Markdown table with the machine it ran on),
``benchmark.json`` (raw numbers) and ``benchmark.png`` (matplotlib).

Modes (``--mode``; explicit ``--size`` / ``--rss-sizes`` / ``--datatrove-size`` win):

* ``full`` (default): 20 MB throughput corpus, memory runs on 100 MB and 1 GB (about 40 minutes
  on 2 cores: the 1 GB run alone takes about 20);
* ``standard``: 10 MB throughput corpus, memory runs on 10 MB and 50 MB, 2 MB through datatrove
  (about 5 minutes on an idle 2-core machine);
* ``quick`` (or ``--quick``): small sizes, to check that everything works (about two minutes).

The report names the mode and the command that produced it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
RESULTS = ROOT / "benchmarks" / "results"
DT_VENV = ROOT / "benchmarks" / ".venv-datatrove"
QA = Path(sys.executable).with_name("qa")

TARGETS = {"full_per_core": 2.4, "fast_per_core": 8.0, "vs_datatrove": 15.0, "two_workers": 1.8,
           "dask_within": 0.25, "rss_mb": 400.0, "startup_s": 0.5, "scan_mb_s": 50.0}

MODES = {  # size, rss sizes, datatrove size, profile size
    "full": ("20MB", "100MB,1GB", "5MB", "5MB"),
    "standard": ("10MB", "10MB,50MB", "2MB", "3MB"),
    "quick": ("3MB", "4MB,12MB", "1MB", "1MB"),
}

#: the one-file run's document (written for this benchmark)
SHORT_TEXT = "The new bridge over the river opened to traffic on Monday morning.\n"


def qa_env() -> dict[str, str]:
    """The environment of every measured process: Python's compiled bytecode is kept (in
    ``benchmarks/.work/pycache``), as an installed package has its ``.pyc`` files, even where the
    calling shell turns writing bytecode off."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    return env


def parse_size(text: str) -> int:
    t = text.strip().upper().removesuffix("B")
    mult = {"K": 1e3, "M": 1e6, "G": 1e9}.get(t[-1:], 1)
    return int(float(t[:-1] if t[-1:] in "KMG" else t) * mult)


def human(n: float) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


# --------------------------------------------------------------------------- corpus
def load_texts(sources: list[str]) -> list[str]:
    texts = []
    for src in sources:
        for p in sorted(Path(src).rglob("*")):
            if p.suffix.lower() in (".txt", ".md") and p.is_file():
                t = p.read_text(encoding="utf-8", errors="replace")
                if t.strip():
                    texts.append(t)
    if not texts:
        raise SystemExit(f"no .txt or .md files under {sources}")
    return texts


def build_corpus(texts: list[str], size: int, sources: list[str]) -> dict:
    """A JSON Lines file of about ``size`` bytes: the texts repeated in order, one per record."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"corpus-{size}.jsonl"
    manifest_path = path.with_suffix(".json")
    want = {"size": size, "sources": [str(Path(s).resolve()) for s in sources], "texts": len(texts)}
    if path.exists() and manifest_path.exists():
        m = json.loads(manifest_path.read_text())
        if all(m.get(k) == v for k, v in want.items()):
            return m
    written = text_bytes = n = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < size:
            t = texts[n % len(texts)]
            line = json.dumps({"id": f"doc{n:08d}", "text": t}, ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            text_bytes += len(t.encode("utf-8"))
            n += 1
    m = {**want, "path": str(path), "file_bytes": written, "text_bytes": text_bytes, "documents": n}
    manifest_path.write_text(json.dumps(m, indent=1))
    return m


# --------------------------------------------------------------------------- measuring
def median_run(runs: list[dict]) -> dict:
    """The run of median wall time (the lower middle one of an even number): a real run, so its
    seconds, CPU seconds and peak memory belong together."""
    return dict(sorted(runs, key=lambda m: m["seconds"])[(len(runs) - 1) // 2])


#: the machine's speed, probed before every measured run: (what was measured next, seconds)
PROBES: list[tuple[str, float]] = []
#: probes further apart than this ratio mean the machine's speed changed during the benchmark
PROBE_SPREAD_WARN = 1.2


def speed_probe(what: str = "") -> float:
    """Wall seconds of one fixed single-core workload (Python bytecode, a regex scan, string
    building: what a check spends its time on), the best of three: on a virtual machine whose
    host is shared the same work can take twice as long from one minute to the next, and rows
    measured at different times then compare no better than their probes agree. Kept in
    ``PROBES`` with what is measured next."""
    text = ("The council met on Monday, and the minister said the budget would pass. " * 400)
    rx = re.compile(r"\b(?:the|and|would)\b|[A-Z][a-z]+")
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        n = 0
        for _ in range(40):
            n += sum(1 for _ in rx.finditer(text))
            n += sum(len(w) for w in text.split() if w.islower())
            n += len({w.lower(): i for i, w in enumerate(text.split())})
        best = min(best, time.perf_counter() - t0)
    PROBES.append((what, round(best, 4)))
    return best


def probe_summary() -> dict | None:
    """The probes' count, fastest, median and slowest seconds and their spread (slowest over fastest)."""
    if not PROBES:
        return None
    xs = sorted(x for _, x in PROBES)
    return {"n": len(xs), "min": xs[0], "median": xs[(len(xs) - 1) // 2], "max": xs[-1],
            "spread": round(xs[-1] / xs[0], 2) if xs[0] > 0 else None,
            "all": [list(p) for p in PROBES]}


def measure(cmd: list[str], text_bytes: int, extra_pids=None, env=None) -> dict:
    """Run ``cmd``; wall time and peak RSS of the process and of its largest child (a worker),
    and the speed probe taken just before (``speed_probe``)."""
    import resource

    probe = speed_probe(" ".join(cmd[1:3]))

    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or qa_env())
    ps = psutil.Process(proc.pid)
    peak_parent = peak_worker = 0
    while proc.poll() is None:
        try:
            peak_parent = max(peak_parent, ps.memory_info().rss)
            kids = ps.children(recursive=True) + [psutil.Process(p) for p in (extra_pids or [])]
            for k in kids:
                try:
                    peak_worker = max(peak_worker, k.memory_info().rss)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and the workers it waited for
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{err[-3000:]}")
    return {"seconds": round(seconds, 2), "mb_per_s": round(text_bytes / seconds / 1e6, 3),
            "cpu_seconds": None if extra_pids else round(cpu, 2),  # a Dask cluster's CPU is not ours to see
            "rss_parent_mb": round(peak_parent / 2**20), "rss_worker_mb": round(peak_worker / 2**20),
            "probe_seconds": round(probe, 4), "stderr": err[-2000:]}


def qa_cmd(corpus: str, *extra: str) -> list[str]:
    return [str(QA), "check", corpus, "--format", "jsonl", "-o", str(WORK / "out.jsonl"), "-q",
            "--fail-on", "never", "--no-cache", "--isolated", *extra]


def fast_profile_flags() -> list[str]:
    """The fast profile's flags: no language identification (``--no-language-id``, which also
    drops the rules that identify languages) and no garble-score rules."""
    out = subprocess.run([str(QA), "rules", "--format", "json", "--isolated"], capture_output=True, text=True,
                         check=True).stdout
    codes = [r["code"] for r in json.loads(out)
             if r["category"] != "language" and ("garble" in r["name"] or "garble" in r["summary"].lower())]
    return ["--no-language-id", *(["--ignore", ",".join(codes)] if codes else [])]


def datatrove(corpus: str, max_bytes: int) -> dict:
    py = DT_VENV / "bin" / "python"
    if not py.exists():
        print("  creating the datatrove environment (once) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DT_VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "datatrove[processing]", "spacy"], check=True)
    out = subprocess.run([str(py), str(ROOT / "benchmarks" / "datatrove_stack.py"), corpus, str(max_bytes)], env=qa_env(),
                         capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    r["mb_per_s"] = round(r["bytes"] / r["seconds"] / 1e6, 4)
    return r


def startup(runs: int = 5) -> dict:
    """A one-file ``qa check`` (the default rules, ``-q``), ``runs`` fresh processes each: without
    the cache, with an empty cache (cold) and with the file's result in the cache (warm)."""
    import shutil
    import statistics

    folder = WORK / "startup"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    short = folder / "short.txt"
    short.write_text(SHORT_TEXT, encoding="utf-8")
    base = [str(QA), "check", str(short), "-q", "--isolated"]

    import resource

    cpu: dict[str, list[float]] = {"no_cache": [], "cold_cache": [], "warm_cache": []}

    def wall(cmd: list[str], key: str | None = None) -> float:
        """Wall seconds of ``cmd``; its CPU seconds (user + system) go to ``cpu[key]``: on a
        machine other work shares, CPU time shows what the run itself costs."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=folder, env=qa_env())
        seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{proc.stderr.decode()[-2000:]}")
        if key:
            cpu[key].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return seconds

    out: dict = {"command": "qa check short.txt -q --isolated", "text": SHORT_TEXT.strip(), "runs": runs}
    times = {"no_cache": [], "cold_cache": [], "warm_cache": []}
    warm_dir = folder / "cache-warm"
    wall(base + ["--cache-dir", str(warm_dir)])  # fills the warm cache (and the bytecode cache)
    for i in range(runs):  # interleaved, so a busy moment of the machine hits all three alike
        times["no_cache"].append(wall(base + ["--no-cache"], "no_cache"))
        times["cold_cache"].append(wall(base + ["--cache-dir", str(folder / f"cache-cold-{i}")], "cold_cache"))
        times["warm_cache"].append(wall(base + ["--cache-dir", str(warm_dir)], "warm_cache"))
    for k, v in times.items():
        out[k] = {"median": round(statistics.median(v), 3), "min": round(min(v), 3), "max": round(max(v), 3),
                  "all": [round(x, 3) for x in v], "cpu_median": round(statistics.median(cpu[k]), 3)}
    out["load_average"] = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    out["python_alone"] = round(time.perf_counter() - t0, 3)
    return out


def stage_profile(corpus: str, max_bytes: int) -> dict:
    """``benchmarks/stages.py`` over the first ``max_bytes`` of text of ``corpus``."""
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "stages.py"), corpus, "--max-bytes",
                           str(max_bytes), "--json"], capture_output=True, text=True, env=qa_env())
    if proc.returncode != 0:
        raise RuntimeError(f"stages.py exited with {proc.returncode}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _stages_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("qa_bench_stages", ROOT / "benchmarks" / "stages.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        mem = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:  # pragma: no cover
        mem = "?"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    qa_version = subprocess.run([str(QA), "--version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": cores, "memory": mem, "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "qa": qa_version,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


# --------------------------------------------------------------------------- report
def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _portable(obj):
    """``obj`` with absolute paths made portable: inside the project relative to it, outside by
    their last two parts (see ``_shown``)."""
    if isinstance(obj, dict):
        return {k: _portable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_portable(v) for v in obj]
    if isinstance(obj, str) and obj.startswith("/"):
        p = Path(obj)
        return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else _shown([obj])[0]
    return obj


def write_report(res: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    if PROBES:
        res["probes"] = probe_summary()
    (RESULTS / "benchmark.json").write_text(json.dumps(_portable(res), indent=1))
    r, m = res["runs"], res["machine"]
    dt = res.get("datatrove")
    dt_rate = dt["mb_per_s"] if dt else None
    lines = [
        "# qa benchmark",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, {m['os']}, Python {m['python']}, "
        f"{m['qa']}; run {m['date']}, mode `{res.get('mode', 'full')}`." + (f" {res['note']}" if res.get("note") else ""),
        f"Corpus: JSON Lines built by repeating {res['texts']} real news and web texts "
        f"({human(res['throughput_corpus']['text_bytes'])} of text, "
        f"{res['throughput_corpus']['documents']:,} documents for the throughput runs). Every run is a fresh "
        "`qa check` process (start-up included) with `--no-cache`"
        + (f"; each throughput row is the median of {res['repeat']} runs, taken in turn with the other rows "
           "(min-max of the seconds in brackets)" if res.get("repeat", 1) > 1 else "")
        + ". The fast profile adds "
        + (f"`{res['fast_profile']}` (no language ID, no garble score)." if "fast_profile" in res else
           f"`--ignore {res.get('fast_profile_ignores') or '-'}` (language ID and garble score)."),
        "",
    ]
    pr = res.get("probes")
    if pr:
        lines[-1:-1] = [
            f"Machine speed: a fixed single-core workload (`speed_probe`), timed before each measured run, took "
            f"{pr['min']:.3f}-{pr['max']:.3f} s (median {pr['median']:.3f}, {pr['n']} probes, slowest "
            f"{pr['spread']:.2f}x the fastest)."
            + (" **The machine's speed changed during the benchmark: rows measured at different times, and the "
               "ratios between them, are uncertain by up to that factor.**" if (pr["spread"] or 1) > PROBE_SPREAD_WARN
               else " Steady within "
               f"{PROBE_SPREAD_WARN - 1:.0%}: rows measured at different times compare."),
        ]
    has_cpu = any(row.get("cpu_seconds") for row in r.values())
    cpu_head = " MB per CPU second |" if has_cpu else ""
    lines += [f"| run | workers | text | seconds | MB/s | MB/s per core | x datatrove per core |{cpu_head} "
              "peak RSS parent | peak RSS per worker |", "|---|---|---|---|---|---|---|" + ("---|" if has_cpu else "") + "---|---|"]
    for key, row in r.items():
        per_core = row["mb_per_s"] / row["workers"]
        x = f"{per_core / dt_rate:.1f}x" if dt_rate else "-"
        cpu = (f" {row['text_bytes'] / row['cpu_seconds'] / 1e6:.2f} |" if row.get("cpu_seconds") else " - |") \
            if has_cpu else ""
        secs = f"{row['seconds']:.1f}"
        if row.get("seconds_all"):
            secs += f" ({min(row['seconds_all']):.1f}-{max(row['seconds_all']):.1f})"
        lines.append(f"| {row['label']} | {row['workers']} | {human(row['text_bytes'])} | {secs} | "
                     f"{row['mb_per_s']:.2f} | {per_core:.2f} | {x} |{cpu} {row['rss_parent_mb']} MB | "
                     f"{row['rss_worker_mb'] or '-'}{' MB' if row['rss_worker_mb'] else ''} |")
    if dt:
        lines.append(f"| datatrove Gopher rep. + Gopher quality + C4 + FineWeb | 1 | {human(dt['bytes'])} | "
                     f"{dt['seconds']:.1f} | {dt_rate:.3f} | {dt_rate:.3f} | 1x |{' - |' if has_cpu else ''} - | - |")
    if has_cpu:
        lines += ["", "MB per CPU second: the text over the CPU time (user + system) of the run and of the worker "
                  "processes it waited for (not a Dask cluster's): what a run costs when other work shares the machine."]
    su = res.get("startup")
    if su:
        lines += ["", f"One-file run: `{su['command']}` on a one-sentence English file, the default rules, "
                  f"{su['runs']} fresh processes each (median, min-max; Python alone starts in "
                  f"{su['python_alone']:.2f} s):", "",
                  "| cache | median seconds | min | max | median CPU seconds (user + system) |", "|---|---|---|---|---|"]
        for key, label in (("no_cache", "off (`--no-cache`)"), ("cold_cache", "on, empty (cold)"),
                           ("warm_cache", "on, holding the file's result (warm)")):
            v = su[key]
            lines.append(f"| {label} | {v['median']:.2f} | {v['min']:.2f} | {v['max']:.2f} | {v.get('cpu_median', 0):.2f} |")
        if su.get("load_average") is not None:
            lines.append(f"\nLoad average of the machine after these runs: {su['load_average']} "
                         f"(on {m['cores']} cores; above that, other work shares the cores and wall time grows).")
    prof = res.get("profile")
    if prof:
        lines += ["", _stages_module().table(prof)]
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    t = TARGETS
    if su:
        worst = max(su[k]["median"] for k in ("no_cache", "cold_cache", "warm_cache"))
        lines.append(f"| one-file run < {t['startup_s']} s (median of {su['runs']}, cache off, cold and warm) | "
                     f"{worst:.2f} s (slowest of the three) | {verdict(worst < t['startup_s'])} |")
    if prof and prof["stages"].get("scan"):
        in_run = prof["text_bytes"] / prof["stages"]["scan"] / 1e6
        alone = prof["text_bytes"] / prof["scan_alone"] / 1e6 if prof.get("scan_alone") else None
        if alone is None:
            lines.append(f"| scan alone >= {t['scan_mb_s']:.0f} MB/s | {in_run:.1f} (in the run) | "
                         f"{verdict(in_run >= t['scan_mb_s'])} |")
        else:
            lines.append(f"| scan alone >= {t['scan_mb_s']:.0f} MB/s | {alone:.1f} alone; {in_run:.1f} in the run, "
                         f"between each document's other stages | {verdict(alone >= t['scan_mb_s'])} |")
    full, fast = r.get("full_1"), r.get("fast_1")
    if full:
        lines.append(f"| full rule set >= {t['full_per_core']} MB/s per core | {full['mb_per_s']:.2f} | "
                     f"{verdict(full['mb_per_s'] >= t['full_per_core'])} |")
    if fast:
        lines.append(f"| fast profile >= {t['fast_per_core']} MB/s per core | {fast['mb_per_s']:.2f} | "
                     f"{verdict(fast['mb_per_s'] >= t['fast_per_core'])} |")
    if full and dt_rate:
        x = full["mb_per_s"] / dt_rate
        lines.append(f"| full rule set >= {t['vs_datatrove']:.0f}x datatrove per core | {x:.1f}x | "
                     f"{verdict(x >= t['vs_datatrove'])} |")
    if full and r.get("full_2"):
        s = r["full_2"]["mb_per_s"] / full["mb_per_s"]
        lines.append(f"| 2 workers >= {t['two_workers']}x one | {s:.2f}x | {verdict(s >= t['two_workers'])} |")
    if r.get("dask_2") and r.get("full_2"):
        d = r["dask_2"]["mb_per_s"] / r["full_2"]["mb_per_s"]
        lines.append(f"| Dask within {t['dask_within']:.0%} of local (2 workers) | {d:.2f}x local | "
                     f"{verdict(d >= 1 - t['dask_within'])} |")
    rss = [v for k, v in r.items() if k.startswith("rss_")]
    if rss:
        worst = max(max(v["rss_worker_mb"], v["rss_parent_mb"]) for v in rss)
        flat = " -> ".join(f"{human(v['text_bytes'])}: parent {v['rss_parent_mb']} MB, worker {v['rss_worker_mb']} MB"
                           for v in rss)
        lines.append(f"| peak RSS per process < {t['rss_mb']:.0f} MB, flat | {flat} | {verdict(worst < t['rss_mb'])} |")
    lines += ["", f"Command: `{res['command']}`", ""]
    (RESULTS / "benchmark.md").write_text("\n".join(lines))
    plot(res)


def plot(res: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = res["runs"]
    fig, grid = plt.subplots(2, 3, figsize=(15, 9))
    axes = grid[0]
    names, rates = [], []
    for key in ("full_1", "fast_1"):
        if key in r:
            names.append(r[key]["label"])
            rates.append(r[key]["mb_per_s"])
    if res.get("datatrove"):
        names.append("datatrove filters")
        rates.append(res["datatrove"]["mb_per_s"])
    ax = axes[0]
    ax.bar(names, rates, color=["#2b6cb0", "#38a169", "#c53030"][: len(names)])
    ax.set_yscale("log")
    ax.set_ylabel("MB/s per core (log)")
    ax.set_title("Throughput per core")
    ax.tick_params(axis="x", labelrotation=15)
    for i, v in enumerate(rates):
        ax.annotate(f"{v:.2f}", (i, v), ha="center", va="bottom")
    ax = axes[1]
    keys = [k for k in ("full_1", "full_2", "dask_2") if k in r]
    ax.bar([r[k]["label"] for k in keys], [r[k]["mb_per_s"] for k in keys], color="#2b6cb0")
    ax.set_ylabel("MB/s")
    ax.set_title("Workers and engines (full rule set)")
    ax.tick_params(axis="x", labelrotation=15)
    ax = axes[2]
    rss = [(k, v) for k, v in r.items() if k.startswith("rss_")]
    if rss:
        x = list(range(len(rss)))
        ax.bar([i - 0.2 for i in x], [v["rss_parent_mb"] for _, v in rss], width=0.4, label="parent")
        ax.bar([i + 0.2 for i in x], [v["rss_worker_mb"] for _, v in rss], width=0.4, label="largest worker")
        ax.set_xticks(x, [human(v["text_bytes"]) for _, v in rss])
        ax.axhline(TARGETS["rss_mb"], color="#c53030", linestyle="--", label="target")
        ax.set_ylabel("peak RSS (MB)")
        ax.set_title("Memory vs corpus size (2 workers)")
        ax.legend()
    ax = grid[1][0]
    su = res.get("startup")
    if su:
        keys = [("no_cache", "no cache"), ("cold_cache", "cold cache"), ("warm_cache", "warm cache")]
        x = list(range(len(keys)))
        ax.bar([i - 0.2 for i in x], [su[k]["median"] for k, _ in keys], width=0.4, color="#2b6cb0", label="wall",
               yerr=[[max(0.0, su[k]["median"] - su[k]["min"]) for k, _ in keys],
                     [max(0.0, su[k]["max"] - su[k]["median"]) for k, _ in keys]])
        ax.bar([i + 0.2 for i in x], [su[k].get("cpu_median", 0) for k, _ in keys], width=0.4, color="#38a169",
               label="CPU (user + system)")
        ax.set_xticks(x, [lab for _, lab in keys])
        ax.axhline(TARGETS["startup_s"], color="#c53030", linestyle="--", label="target (wall)")
        ax.set_ylabel("seconds (median of %d)" % su["runs"])
        ax.set_title("One-file run (qa check short.txt)")
        ax.legend()
    else:
        ax.axis("off")
    gs = grid[1][1].get_gridspec()
    grid[1][1].remove()
    grid[1][2].remove()
    ax = fig.add_subplot(gs[1, 1:])
    prof = res.get("profile")
    if prof:
        rows = [(k, v) for k, v in prof["stages"].items() if k not in ("start-up", "load models", "findings", "output")]
        rows += [(f"rules {k}", v) for k, v in prof["families"].items()]
        rows += [(k, prof["stages"][k]) for k in ("findings", "output")]
        rows = [r for r in rows if r[1] >= 0.005 * sum(v for _, v in rows)] or rows
        ax.barh([k for k, _ in rows][::-1], [v for _, v in rows][::-1], color="#38a169")
        ax.set_xlabel(f"CPU seconds on {prof['text_bytes'] / 1e6:.1f} MB (one process)")
        ax.set_title("Where the time goes (stages and rule families over 0.5% of the total)")
    else:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(RESULTS / "benchmark.png", dpi=110)


def update_readme(table_md: str) -> None:
    """Replace the text between the README's benchmark markers with the report (without its title)."""
    readme = ROOT / "README.md"
    start, end = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
    text = readme.read_text(encoding="utf-8")
    if start not in text or end not in text:
        print("README.md has no benchmark markers; not updated")
        return
    body = table_md.split("\n", 2)[2].strip().replace("## Targets", "Targets:").replace(
        "benchmark.png", "benchmarks/results/benchmark.png")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{body}\n\n![benchmark](benchmarks/results/benchmark.png)\n{end}{tail}",
                      encoding="utf-8")


def _shown(args: list[str]) -> list[str]:
    """The command's arguments for the report: a folder outside the project is shown by its last
    two parts (``DATA/clean-dev/docs``), so results name no machine's paths."""
    out = []
    for a in args:
        p = Path(a)
        if p.is_absolute() and not p.resolve().is_relative_to(ROOT):
            a = "DATA/" + "/".join(p.parts[-2:])
        out.append(a)
    return out


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", action="append", required=True, help="folder of .txt/.md texts (repeatable)")
    ap.add_argument("--mode", choices=tuple(MODES), default=None,
                    help="full (default), standard (under 10 minutes on 2 cores) or quick: the sizes below")
    ap.add_argument("--size", default=None, help="corpus size for the throughput runs (full: 20MB)")
    ap.add_argument("--rss-sizes", default=None, help="corpus sizes for the memory runs (full: 100MB,1GB)")
    ap.add_argument("--rss-profile", choices=("full", "fast"), default="full",
                    help="rule set for the memory runs (default full)")
    ap.add_argument("--datatrove-size", default=None, help="text run through datatrove (full: 5MB)")
    ap.add_argument("--profile-size", default=None, help="text profiled stage by stage (full: 5MB)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: startup,profile,dask,datatrove,rss")
    ap.add_argument("--quick", action="store_true", help="the same as --mode quick")
    ap.add_argument("--repeat", type=int, default=None,
                    help="runs of each throughput measurement, interleaved; the table gives the median "
                         "(default 3; 1 with --quick)")
    ap.add_argument("--update-readme", action="store_true",
                    help="copy the table between the benchmark markers of README.md")
    a = ap.parse_args(argv)
    mode = "quick" if a.quick else a.mode or "full"
    size, rss_sizes, dt_size, prof_size = MODES[mode]
    a.size, a.rss_sizes = a.size or size, a.rss_sizes or rss_sizes
    a.datatrove_size, a.profile_size = a.datatrove_size or dt_size, a.profile_size or prof_size
    skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    a.repeat = a.repeat if a.repeat is not None else (1 if mode == "quick" else 3)
    if a.repeat < 1:
        raise SystemExit("--repeat must be at least 1")
    if not QA.exists():
        raise SystemExit(f"qa not found next to {sys.executable}; run with the project's .venv/bin/python")
    texts = load_texts(a.source)
    print(f"{len(texts)} texts from {', '.join(a.source)}", flush=True)
    tp = build_corpus(texts, parse_size(a.size), a.source)
    res: dict = {"machine": machine(), "mode": mode, "texts": len(texts), "throughput_corpus": tp, "runs": {},
                 "command": "python benchmarks/run.py " + " ".join(_shown(sys.argv[1:] if argv is None else argv))}
    fast = fast_profile_flags()
    res["fast_profile"] = " ".join(fast)
    res["repeat"] = a.repeat

    def record(key: str, label: str, workers: int, corpus: dict, cmd: list[str], extra_pids=None,
               runs: list[dict] | None = None) -> None:
        """One row: ``cmd`` measured once, or the median (by wall time) of ``runs`` already made."""
        if runs is None:
            print(f"- {label} on {human(corpus['text_bytes'])} ...", end=" ", flush=True)
            runs = [measure(cmd, corpus["text_bytes"], extra_pids)]
        for m in runs:
            m.pop("stderr", None)
        m = median_run(runs)
        row = {"label": label, "workers": workers, "text_bytes": corpus["text_bytes"], **m}
        if len(runs) > 1:
            row["seconds_all"] = [x["seconds"] for x in runs]
            row["cpu_seconds_all"] = [x["cpu_seconds"] for x in runs]
        res["runs"][key] = row
        more = f" (median of {len(runs)}: {', '.join(f'{x:.1f}' for x in row['seconds_all'])})" if len(runs) > 1 else ""
        print(f"{m['seconds']:.1f}s{more}, {m['mb_per_s']:.2f} MB/s, RSS parent {m['rss_parent_mb']} MB, "
              f"worker {m['rss_worker_mb']} MB", flush=True)
        write_report(res)

    def record_interleaved(rows: list[tuple], corpus: dict) -> None:
        """Each row's command ``a.repeat`` times, the rows taken in turn (a busy moment of the
        machine hits them alike), then one row each: the median run. A row is (key, label,
        workers, command) with, for a Dask row, the cluster's process ids."""
        got: dict[str, list[dict]] = {row[0]: [] for row in rows}
        for i in range(a.repeat):
            for key, label, _workers, cmd, *pids in rows:
                print(f"- {label} on {human(corpus['text_bytes'])}, run {i + 1}/{a.repeat} ...", end=" ", flush=True)
                m = measure(cmd, corpus["text_bytes"], pids[0] if pids else None)
                print(f"{m['seconds']:.1f}s", flush=True)
                got[key].append(m)
        for key, label, workers, cmd, *pids in rows:
            record(key, label, workers, corpus, cmd, pids[0] if pids else None, runs=got[key])

    c = tp["path"]
    if "startup" not in skip:
        print("- one-file run, 5 x (no cache, cold cache, warm cache) ...", end=" ", flush=True)
        speed_probe("one-file run")
        res["startup"] = startup()
        print(", ".join(f"{k} {res['startup'][k]['median']:.2f}s" for k in ("no_cache", "cold_cache", "warm_cache")),
              flush=True)
        write_report(res)
    if "profile" not in skip:
        print(f"- stage profile on {a.profile_size} ...", end=" ", flush=True)
        speed_probe("stage profile")
        res["profile"] = stage_profile(c, parse_size(a.profile_size))
        print(f"{sum(res['profile']['stages'].values()):.1f}s", flush=True)
        write_report(res)
    rows = [("full_1", "qa full rule set", 1, qa_cmd(c, "--jobs", "1")),
            ("fast_1", "qa fast profile", 1, qa_cmd(c, "--jobs", "1", *fast)),
            ("full_2", "qa full, 2 workers", 2, qa_cmd(c, "--jobs", "2"))]
    if "dask" in skip:
        record_interleaved(rows, tp)
    else:
        import logging

        from distributed import LocalCluster

        # the Dask row is taken in turn with the local ones (its ratio to local 2 workers is then
        # measured side by side); the idle cluster waits while the others run
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=logging.ERROR) as cluster:
            import psutil

            pids = [p.pid for p in psutil.Process().children(recursive=True)]
            dask_cmd = qa_cmd(c, "--engine", "dask", "--scheduler", cluster.scheduler_address)
            record_interleaved(rows + [("dask_2", "qa full, Dask 2 workers", 2, dask_cmd, pids)], tp)
    if "rss" not in skip:
        prof = fast if a.rss_profile == "fast" else []
        for size in [parse_size(s) for s in a.rss_sizes.split(",")]:
            corpus = build_corpus(texts, size, a.source)
            record(f"rss_{size}", f"qa {a.rss_profile}, 2 workers, memory run", 2, corpus,
                   qa_cmd(corpus["path"], "--jobs", "2", *prof))
    if "datatrove" not in skip:
        print(f"- datatrove filter stack on {a.datatrove_size} ...", end=" ", flush=True)
        speed_probe("datatrove")
        res["datatrove"] = datatrove(c, parse_size(a.datatrove_size))
        print(f"{res['datatrove']['seconds']:.1f}s, {res['datatrove']['mb_per_s']:.3f} MB/s", flush=True)
    write_report(res)
    if a.update_readme:
        update_readme((RESULTS / "benchmark.md").read_text())
    print(f"\nwrote {RESULTS / 'benchmark.md'} and benchmark.png\n")
    print((RESULTS / "benchmark.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
