#!/usr/bin/env python3
"""qa's throughput and memory benchmark, side by side with datatrove's heuristic filters.

One command, from the repository root (after ``make venv``)::

    .venv/bin/python benchmarks/run.py --source DIR [--source DIR ...]

``--source`` folders hold real text (``.txt`` / ``.md`` files, searched recursively); the
benchmark builds JSON Lines corpora of the wanted sizes by repeating those texts, in
``benchmarks/.work/`` (git-ignored: the text belongs to its publishers and is never committed).
It then measures, each run a fresh ``qa check`` process with ``--no-cache``:

* the full default rule set and the fast profile (no language-ID and no garble-score rules),
  one worker each, so the rate is per core;
* 1 vs 2 workers (``--jobs``) with the full rule set;
* the Dask engine (``--engine dask`` on a 2-worker ``LocalCluster`` started beforehand, so the
  cluster start-up is not counted) vs the local engine with 2 workers;
* peak RSS of the parent and of each worker on two corpus sizes (default 100 MB and 1 GB),
  to show memory does not grow with the corpus;
* datatrove's heuristic filter stack (Gopher repetition + Gopher quality + C4 + FineWeb), in its
  own virtual environment ``benchmarks/.venv-datatrove`` (created on first use with
  ``pip install "datatrove[processing]" spacy``; never a dependency of qa), on the same corpus.

It writes ``benchmarks/results/benchmark.md`` (a Markdown table with the machine it ran on),
``benchmark.json`` (raw numbers) and ``benchmark.png`` (matplotlib).

``--quick`` uses small sizes to check that everything works (about two minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

TARGETS = {"full_per_core": 2.0, "fast_per_core": 8.0, "vs_datatrove": 20.0, "two_workers": 1.8,
           "dask_within": 0.25, "rss_mb": 400.0}


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
def measure(cmd: list[str], text_bytes: int, extra_pids=None, env=None) -> dict:
    """Run ``cmd``; wall time and peak RSS of the process and of its largest child (a worker)."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
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
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{err[-3000:]}")
    return {"seconds": round(seconds, 2), "mb_per_s": round(text_bytes / seconds / 1e6, 3),
            "rss_parent_mb": round(peak_parent / 2**20), "rss_worker_mb": round(peak_worker / 2**20),
            "stderr": err[-2000:]}


def qa_cmd(corpus: str, *extra: str) -> list[str]:
    return [str(QA), "check", corpus, "--format", "jsonl", "-o", str(WORK / "out.jsonl"), "-q",
            "--fail-on", "never", "--no-cache", "--isolated", *extra]


def fast_profile_ignores() -> list[str]:
    """Rules dropped by the fast profile: language identification and the garble score."""
    out = subprocess.run([str(QA), "rules", "--format", "json", "--isolated"], capture_output=True, text=True,
                         check=True).stdout
    codes = [r["code"] for r in json.loads(out)
             if r["category"] == "language" or "garble" in r["name"] or "garble" in r["summary"].lower()]
    return ["--ignore", ",".join(codes)] if codes else []


def datatrove(corpus: str, max_bytes: int) -> dict:
    py = DT_VENV / "bin" / "python"
    if not py.exists():
        print("  creating the datatrove environment (once) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DT_VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "datatrove[processing]", "spacy"], check=True)
    out = subprocess.run([str(py), str(ROOT / "benchmarks" / "datatrove_stack.py"), corpus, str(max_bytes)],
                         capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    r["mb_per_s"] = round(r["bytes"] / r["seconds"] / 1e6, 4)
    return r


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
    (RESULTS / "benchmark.json").write_text(json.dumps(_portable(res), indent=1))
    r, m = res["runs"], res["machine"]
    dt = res.get("datatrove")
    dt_rate = dt["mb_per_s"] if dt else None
    lines = [
        "# qa benchmark",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, {m['os']}, Python {m['python']}, "
        f"{m['qa']}; run {m['date']}.",
        f"Corpus: JSON Lines built by repeating {res['texts']} real news and web texts "
        f"({human(res['throughput_corpus']['text_bytes'])} of text, "
        f"{res['throughput_corpus']['documents']:,} documents for the throughput runs). Every run is a fresh "
        "`qa check` process (start-up included) with `--no-cache`. The fast profile adds "
        f"`--ignore {res.get('fast_profile_ignores') or '-'}` (language ID and garble score).",
        "",
        "| run | workers | text | seconds | MB/s | MB/s per core | x datatrove per core | peak RSS parent | peak RSS per worker |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, row in r.items():
        per_core = row["mb_per_s"] / row["workers"]
        x = f"{per_core / dt_rate:.1f}x" if dt_rate else "-"
        lines.append(f"| {row['label']} | {row['workers']} | {human(row['text_bytes'])} | {row['seconds']:.1f} | "
                     f"{row['mb_per_s']:.2f} | {per_core:.2f} | {x} | {row['rss_parent_mb']} MB | "
                     f"{row['rss_worker_mb'] or '-'}{' MB' if row['rss_worker_mb'] else ''} |")
    if dt:
        lines.append(f"| datatrove Gopher rep. + Gopher quality + C4 + FineWeb | 1 | {human(dt['bytes'])} | "
                     f"{dt['seconds']:.1f} | {dt_rate:.3f} | {dt_rate:.3f} | 1x | - | - |")
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    t = TARGETS
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
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
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
    ap.add_argument("--size", default="20MB", help="corpus size for the throughput runs (default 20MB)")
    ap.add_argument("--rss-sizes", default="100MB,1GB", help="corpus sizes for the memory runs (default 100MB,1GB)")
    ap.add_argument("--rss-profile", choices=("full", "fast"), default="full",
                    help="rule set for the memory runs (default full)")
    ap.add_argument("--datatrove-size", default="5MB", help="text run through datatrove (default 5MB)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: dask,datatrove,rss")
    ap.add_argument("--quick", action="store_true", help="small sizes, to check the set-up")
    ap.add_argument("--update-readme", action="store_true",
                    help="copy the table between the benchmark markers of README.md")
    a = ap.parse_args(argv)
    if a.quick:
        a.size, a.rss_sizes, a.datatrove_size = "3MB", "4MB,12MB", "1MB"
    skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    if not QA.exists():
        raise SystemExit(f"qa not found next to {sys.executable}; run with the project's .venv/bin/python")
    texts = load_texts(a.source)
    print(f"{len(texts)} texts from {', '.join(a.source)}", flush=True)
    tp = build_corpus(texts, parse_size(a.size), a.source)
    res: dict = {"machine": machine(), "texts": len(texts), "throughput_corpus": tp, "runs": {},
                 "command": "python benchmarks/run.py " + " ".join(_shown(sys.argv[1:] if argv is None else argv))}
    fast = fast_profile_ignores()
    res["fast_profile_ignores"] = fast[1] if fast else ""

    def record(key: str, label: str, workers: int, corpus: dict, cmd: list[str], extra_pids=None) -> None:
        print(f"- {label} on {human(corpus['text_bytes'])} ...", end=" ", flush=True)
        m = measure(cmd, corpus["text_bytes"], extra_pids)
        m.pop("stderr")
        res["runs"][key] = {"label": label, "workers": workers, "text_bytes": corpus["text_bytes"], **m}
        print(f"{m['seconds']:.1f}s, {m['mb_per_s']:.2f} MB/s, RSS parent {m['rss_parent_mb']} MB, "
              f"worker {m['rss_worker_mb']} MB", flush=True)
        write_report(res)

    c = tp["path"]
    record("full_1", "qa full rule set", 1, tp, qa_cmd(c, "--jobs", "1"))
    record("fast_1", "qa fast profile", 1, tp, qa_cmd(c, "--jobs", "1", *fast))
    record("full_2", "qa full, 2 workers", 2, tp, qa_cmd(c, "--jobs", "2"))
    if "dask" not in skip:
        import logging

        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=logging.ERROR) as cluster:
            import psutil

            pids = [p.pid for p in psutil.Process().children(recursive=True)]
            record("dask_2", "qa full, Dask 2 workers", 2, tp,
                   qa_cmd(c, "--engine", "dask", "--scheduler", cluster.scheduler_address), extra_pids=pids)
    if "rss" not in skip:
        prof = fast if a.rss_profile == "fast" else []
        for size in [parse_size(s) for s in a.rss_sizes.split(",")]:
            corpus = build_corpus(texts, size, a.source)
            record(f"rss_{size}", f"qa {a.rss_profile}, 2 workers, memory run", 2, corpus,
                   qa_cmd(corpus["path"], "--jobs", "2", *prof))
    if "datatrove" not in skip:
        print(f"- datatrove filter stack on {a.datatrove_size} ...", end=" ", flush=True)
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
