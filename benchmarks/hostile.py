"""Hostile inputs: memory per input shape, time limits under every engine, orphaned workers.

    python benchmarks/hostile.py [--corpus DIR] [--out FILE.md] [--skip-memory]

Measures, each in a fresh ``qa`` process:

* **memory** (peak RSS of the process, ``wait4``) of ``qa check FILE --format jsonl`` on three
  shapes that used to blow up: 10 MB of short lines (``'a\\n' * 5_000_000``), 20 MB of one
  repeated sentence on one line, a 15 MB JSON Lines record; and on a normal corpus
  (``--corpus``, default ``samples/``). The bound is 20 times the largest document plus 300 MB;
* **loading outside the time limits**: ``--rule-timeout 0.02`` in a fresh process (the first
  ``import numpy`` and model loads take longer): crashes other than the limit, and whether the
  later documents' findings equal those of a run without a limit;
* **time limits on Dask**: a rule whose regular expression backtracks for ages, with
  ``--rule-timeout 1``, under ``--engine local`` and ``--engine dask``: seconds and the finding;
* **no cached time-outs**: the same run twice with a result cache: a result that holds a
  ``QA000`` (the slow rule stopped by the limit) is never served from the cache, and a different
  ``--rule-timeout`` is a different cache key;
* **orphans**: ``qa check -j 2`` killed with ``kill -9``: how long its workers outlive it;
* **time on shapes that used to be super-linear**: ``qa check`` (and, where fixes pile up,
  ``qa check --html`` and ``qa clean``) on each shape at two sizes, the second four times the
  first: seconds and how much they grew (4x is linear; start-up, the same for both sizes, makes a
  fast run grow less). The shapes: a page of thousands of "Close" lines (a safe fix each), one long
  line of repeated mojibake, a document opening with thousands of CRLF blank lines, a run of
  ``A&A&...`` before "and its", a run of ``A-A-...`` before "said" and one line of ``a.a.a...``.

Writes a Markdown report (stdout, and ``--out``). Inputs are generated in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QA = [sys.executable, "-m", "qa"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
COMMON = ["--format", "jsonl", "--isolated", "-q", "--fail-on", "never", "--no-cache"]


def run_measured(args: list[str], cwd: Path, timeout: float = 1800) -> tuple[int, float, float]:
    """(exit status, peak RSS in MB, seconds) of one qa process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(QA + args, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024, time.perf_counter() - t0


def make_shapes(work: Path) -> list[tuple[str, Path, int]]:
    """(label, path, bytes of the largest document)."""
    shapes = []
    p = work / "short-lines.txt"
    p.write_text("a\n" * 5_000_000, encoding="utf-8")
    shapes.append(("10 MB of short lines ('a\\n' x 5,000,000)", p, p.stat().st_size))
    sentence = "The committee approved the new budget after a long debate on Tuesday. "
    p = work / "one-sentence.txt"
    p.write_text(sentence * (20_000_000 // len(sentence)), encoding="utf-8")
    shapes.append(("20 MB of one repeated sentence, one line", p, p.stat().st_size))
    para = ("The minister said the plan would be reviewed next year. Critics argued that it came too late, "
            "and several groups asked for more details about the costs.\n")
    text = para * (15_000_000 // len(para))
    p = work / "record.jsonl"
    p.write_text(json.dumps({"id": "big", "text": text}) + "\n", encoding="utf-8")
    shapes.append(("15 MB JSON Lines record (prose paragraphs)", p, len(text.encode("utf-8"))))
    return shapes


def memory_rows(work: Path, corpus: Path) -> list[str]:
    rows = ["| input | largest document | peak RSS | bound (20x + 300 MB) | within | seconds | QA000 |",
            "|---|---:|---:|---:|:---:|---:|---:|"]
    cases = make_shapes(work)
    sizes = [f.stat().st_size for f in corpus.rglob("*") if f.is_file()]
    cases.append((f"normal corpus ({corpus.name}/, {len(sizes)} files)", corpus, max(sizes)))
    for label, path, biggest in cases:
        out = work / "mem.jsonl"
        code, rss, secs = run_measured(["check", str(path), "-o", str(out), *COMMON], work)
        qa000 = sum(1 for line in out.read_text(encoding="utf-8").splitlines()
                    for f in json.loads(line)["findings"] if f["rule"] == "QA000") if out.exists() else -1
        bound = 20 * biggest / 2**20 + 300
        rows.append(f"| {label} | {biggest / 2**20:.1f} MB | {rss:,.0f} MB | {bound:,.0f} MB | "
                    f"{'yes' if rss <= bound else 'no'} | {secs:.0f} | {qa000} |")
        print(rows[-1], file=sys.stderr)
    return rows


DOCS = {
    "a.txt": "Harbour bridge reopens after repairs\n\nHome | News | Sport | Weather\n\n"
             "The harbour bridge reopened on Monday after six months of repairs.Drivers welcomed the news. "
             "The company said he would publish his report on the costs next week.\n"
             "El puente estuvo cerrado durante seis meses por las obras de reparación del tablero.\n"
             "Share this article\nClose\n",
    "b.txt": "Library extends opening hours\n\nBy Ann Smith\nAuthor: ****\n\n"
             "The city library will open until nine in the evening from May.It will also open on Sundays.\n",
    "c.txt": "Farmers expect a good harvest\n\nThe rain came early and the the weather stayed mild.\n",
}


def warmup_rows(work: Path) -> list[str]:
    src = work / "warm"
    src.mkdir(exist_ok=True)
    for name, text in DOCS.items():
        (src / name).write_text(text, encoding="utf-8")
    runs = {}
    for label, extra in (("none", []), ("0.02", ["--rule-timeout", "0.02"])):
        out = work / f"warm-{label}.jsonl"
        subprocess.run(QA + ["check", str(src), "-o", str(out), *COMMON, *extra], cwd=work, env=ENV,
                       capture_output=True, timeout=600)
        runs[label] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    tiny = runs["0.02"]
    msgs = [f["message"] for d in tiny for f in d["findings"] if f["rule"] == "QA000"]
    crashes = [m for m in msgs if "RuleTimeout" not in m and "skipped" not in m]
    same = [d["findings"] for d in tiny[1:]] == [d["findings"] for d in runs["none"][1:]]
    return ["| check | result |", "|---|---|",
            f"| `--rule-timeout 0.02`, fresh process: QA000 other than the limit (e.g. half-imported numpy) | {len(crashes)} |",
            f"| ... stopped by the limit itself | {len(msgs) - len(crashes)} |",
            f"| ... documents 2 and 3 byte-identical to a run without a limit | {'yes' if same else 'no'} |"]


SLOW_PACK = """\
pack: slow-bench
defaults: {kind: phrases, severity: warning, category: grammar}
rules:
  - code: ZZ901
    name: slow-on-purpose
    summary: A phrase whose regular expression backtracks for ages on a long run of one letter
    message: "slow phrase '{match}'"
    phrases: ["(?:a|aa)+c"]
    examples:
      - bad: "x [[aac]] y"
      - good: "nothing here"
"""


def dask_rows(work: Path) -> list[str]:
    d = work / "slow"
    (d / "packs").mkdir(parents=True, exist_ok=True)
    (d / "packs" / "slow.yaml").write_text(SLOW_PACK, encoding="utf-8")
    (d / "qa.toml").write_text('packs = ["packs"]\n', encoding="utf-8")
    (d / "slow.txt").write_text("It ended there.She left.\n" + "a" * 60 + "\n", encoding="utf-8")
    rows = ["| engine | `--rule-timeout` | seconds (whole run) | QA000 for the slow rule |", "|---|---:|---:|---|"]
    for engine in ("local", "dask"):
        out = d / f"{engine}.jsonl"
        t0 = time.perf_counter()
        try:
            subprocess.run(QA + ["check", "slow.txt", "--engine", engine, "-j", "1", "--rule-timeout", "1",
                                 "--format", "jsonl", "-o", str(out), "--no-cache", "-q", "--fail-on", "never"],
                           cwd=d, env=ENV, capture_output=True, timeout=600)
            secs = f"{time.perf_counter() - t0:.1f}"
            found = [f["message"] for f in json.loads(out.read_text(encoding="utf-8"))["findings"]
                     if f["rule"] == "QA000"]
            m = re.search(r"stopped after [\d.]+ s", found[0]) if found else None
            verdict = f"yes: {m.group(0)}" if m else "no"
        except subprocess.TimeoutExpired:
            secs, verdict = "> 600 (killed)", "no: the limit was not enforced"
        rows.append(f"| {engine} | 1 | {secs} | {verdict} |")
        print(rows[-1], file=sys.stderr)
    return rows


def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                out.append(int(p.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def orphan_rows(work: Path) -> list[str]:
    rng = random.Random(7)
    words = "the council said that a new bridge would open next year after long talks with groups".split()
    src = work / "many"
    src.mkdir(exist_ok=True)
    for i in range(1200):
        lines = (" ".join(rng.choice(words) for _ in range(12)).capitalize() + "." for _ in range(60))
        (src / f"d{i:04}.txt").write_text("\n".join(lines), encoding="utf-8")
    proc = subprocess.Popen(QA + ["check", str(src), "-j", "2", "-o", str(work / "o.jsonl"), *COMMON],
                            cwd=work, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        workers = _children(proc.pid)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    t0 = time.monotonic()
    while any(_alive(w) for w in workers) and time.monotonic() - t0 < 30:
        time.sleep(0.05)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    gone = f"{time.monotonic() - t0:.2f} s" if not left else f"still alive after 30 s ({len(left)})"
    return ["| check | result |", "|---|---|",
            f"| `qa check -j 2` killed with `kill -9`: workers seen | {len(workers)} |",
            f"| ... workers gone after | {gone} |"]


def _cache_counts(stderr: str) -> str:
    m = re.search(r"cache: (\d+) hit\(s\), (\d+) miss\(es\)", stderr)
    return f"{m.group(1)} hit(s), {m.group(2)} miss(es)" if m else "no cache line"


def cache_rows(work: Path) -> list[str]:
    d = work / "slow"  # made by dask_rows: the slow pack, qa.toml and slow.txt
    (d / "plain.txt").write_text("It ended there.She left.\n", encoding="utf-8")
    cache = work / "cache"
    rows = ["| run (with a result cache) | cache |", "|---|---|"]
    for label, target, limit in (("slow rule stopped at the limit (QA000), first run", "slow.txt", "1"),
                                 ("... the same run again", "slow.txt", "1"),
                                 ("a normal document, `--rule-timeout 20`", "plain.txt", "20"),
                                 ("... the same run again", "plain.txt", "20"),
                                 ("... with `--rule-timeout 21`", "plain.txt", "21")):
        proc = subprocess.run(QA + ["check", target, "-j", "1", "--rule-timeout", limit, "--cache-dir", str(cache),
                                    "--statistics", "--fail-on", "never", "--format", "jsonl", "-o", str(d / "c.jsonl")],
                              cwd=d, env={k: v for k, v in ENV.items() if k != "QA_NO_CACHE"},
                              capture_output=True, text=True, timeout=600)
        rows.append(f"| {label} | {_cache_counts(proc.stderr)} |")
    return rows


#: (label, text of size ``n``, commands): shapes whose time once grew with the square (or worse)
#: of their size; ``n`` is the first size, in units of the repeated piece
SHAPES = [
    ("page of 'Close' lines (a safe fix each)", lambda n: "Close\n" * n, 8_000, ("check", "html", "clean")),
    ("one line of repeated mojibake", lambda n: "Caf\u00c3\u00a9 cr\u00c3\u00a8me br\u00c3\u00bbl\u00c3\u00a9e, " * n + "\n",
     6_000, ("check", "clean")),
    ("CRLF blank lines before any title", lambda n: "\r\n" * n + "The council met on Monday.\r\n", 20_000, ("check",)),
    ("'A&A&...' before 'and its'", lambda n: "A&" * n + "A and its staff said so.\n", 64_000, ("check",)),
    ("'A-A-...' before 'said'", lambda n: "A-" * n + "A said so.\n", 64_000, ("check",)),
    ("one line of 'a.a.a...'", lambda n: "a." * n + "\n", 64_000, ("check",)),
]


def shape_rows(work: Path) -> list[str]:
    """One row a shape and command: seconds at two sizes, and how they grew, in all and above the
    start-up (``qa check`` of a one-line file: what the second size cannot grow)."""
    tiny = work / "one-line.txt"
    tiny.write_text("The council met on Monday.\n", encoding="utf-8")
    base = sorted(run_measured(["check", str(tiny), "-o", str(work / "shape.jsonl"), *COMMON], work)[2]
                  for _ in range(3))[1]
    rows = [f"Start-up (`qa check` of a one-line file, median of 3): {base:.1f} s. Growth above start-up: "
            "(seconds - start-up) at 4x the size over the same at the first size, where the first is at "
            "least 0.3 s above start-up.", "",
            "| shape | command | size | seconds | size x4 | seconds | growth | above start-up |",
            "|---|---|---:|---:|---:|---:|---:|---:|"]
    for label, make, n, commands in SHAPES:
        paths = []
        for k, size in enumerate((n, 4 * n)):
            p = work / f"shape-{len(rows)}-{k}.txt"
            p.write_text(make(size), encoding="utf-8", newline="")
            paths.append(p)
        for command in commands:
            secs = []
            for p in paths:
                if command == "clean":
                    args = ["clean", str(p), "--out", str(work / "cleaned"), "--isolated", "-q"]
                elif command == "html":
                    args = ["check", str(p), "--html", str(work / "html"), *COMMON[2:]]
                else:
                    args = ["check", str(p), "-o", str(work / "shape.jsonl"), *COMMON]
                code, _rss, t = run_measured(args, work, timeout=600)
                secs.append(t if code in (0, 1) else float("nan"))
            sizes = [p.stat().st_size for p in paths]
            what = {"check": "`qa check`", "html": "`qa check --html`", "clean": "`qa clean`"}[command]
            net = (secs[1] - base) / (secs[0] - base) if secs[0] - base >= 0.3 else None
            rows.append(f"| {label} | {what} | {sizes[0] / 1000:,.0f} KB | {secs[0]:.1f} | {sizes[1] / 1000:,.0f} KB | "
                        f"{secs[1]:.1f} | {secs[1] / secs[0]:.1f}x | {'-' if net is None else f'{net:.1f}x'} |")
            print(rows[-1], file=sys.stderr)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT / "samples"), help="a folder of normal documents")
    ap.add_argument("--out", help="also write the report to this Markdown file")
    ap.add_argument("--skip-memory", action="store_true", help="skip the (slow) memory measurements")
    ap.add_argument("--only-shapes", action="store_true", help="only the time on shapes that used to be super-linear")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-hostile-") as tmp:
        work = Path(tmp)
        parts = [f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                 f"{platform.system()} {platform.release()}. Command: `python benchmarks/hostile.py"
                 f"{' --corpus ' + Path(args.corpus).name if args.corpus != str(ROOT / 'samples') else ''}`.", ""]
        if args.only_shapes:
            parts += shape_rows(work)
            print("\n".join(parts))
            return
        if not args.skip_memory:
            parts += ["**Memory** (peak RSS of `qa check FILE --format jsonl`, one process):", ""]
            parts += memory_rows(work, Path(args.corpus)) + [""]
        parts += ["**Loading outside the time limits:**", ""] + warmup_rows(work) + [""]
        parts += ["**Time limits under each engine** (a rule that backtracks for ages):", ""]
        parts += dask_rows(work) + [""]
        parts += ["**Results with a time-out are not cached:**", ""] + cache_rows(work) + [""]
        if sys.platform.startswith("linux"):
            parts += ["**Orphaned workers:**", ""] + orphan_rows(work) + [""]
        parts += ["**Time on shapes that used to be super-linear** (fresh processes, start-up included; "
                  "4x the size should take about 4x the time, or less):", ""] + shape_rows(work) + [""]
    report = "\n".join(parts)
    print(report)
    if args.out:
        Path(args.out).write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
