"""CPU seconds per megabyte of single rules, each in a fresh process (its first pass over the
corpus, as in a real run: the word caches of the rule start empty).

    python benchmarks/rule_costs.py --corpus DIR_OR_JSONL [...] [--mb 1] [--repeat 3] [-s BP001,MT104]

Builds a corpus of about --mb megabytes from the .txt files of the folders and the records of
.jsonl files (field ``text``), in name order. For each rule: a new interpreter loads qa, warms the
rule up (``qa.warmup``), reads the corpus, builds every document's lines and sentences (shared
by all rules; the engine times them apart), then times the rule's check (or its collect and
finalize, for a corpus rule) with ``time.process_time``. The best of --repeat runs is reported, so
a busy machine changes the numbers less than wall-clock timings (``qa check --profile-rules``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = "BP001,MT104,LANG001,LANG002,MT300,DUP001,BP101"

_CHILD = r"""
import json, sys, time
from qa.readers import make_document
from qa.registry import get_rule
from qa.warmup import warm_up
code, path = sys.argv[1], sys.argv[2]
texts = json.load(open(path, encoding="utf-8"))
rule = get_rule(code)
if rule is None:
    raise SystemExit(f"no rule {code}")
warm_up([rule])
docs = [make_document(t, doc_id=f"d{i}") for i, t in enumerate(texts)]
for d in docs:
    d.lines, d.sentences
t = time.process_time()
if rule.collect is not None:
    vals = [rule.collect(d, rule.options) for d in docs]
    n = sum(len(h) for h in rule.finalize(vals, rule.options))
else:
    n = sum(1 for d in docs for _ in rule.check(d, rule.options))
print(time.process_time() - t, n)
"""


def corpus(paths: list[str], mb: float) -> list[str]:
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.rglob("*.txt")) + sorted(p.rglob("*.jsonl")) if p.is_dir() else [p])
    out: list[str] = []
    size = 0
    limit = int(mb * 1_000_000)
    for f in files:
        texts = ([json.loads(line)["text"] for line in f.open(encoding="utf-8") if line.strip()]
                 if f.suffix == ".jsonl" else [f.read_text(encoding="utf-8", errors="replace")])
        for t in texts:
            out.append(t)
            size += len(t.encode("utf-8"))
            if size >= limit:
                return out
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", nargs="+", required=True)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("-s", "--select", default=DEFAULT)
    args = ap.parse_args()
    texts = corpus(args.corpus, args.mb)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    import tempfile

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="qa-rule-costs-") as tmp:
        path = os.path.join(tmp, "corpus.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(texts, f)
        print(f"{len(texts)} documents, {mb:.2f} MB; best of {args.repeat} runs, CPU seconds")
        print(f"{'rule':8} {'s/MB':>7} {'findings':>9}")
        for code in args.select.split(","):
            best, hits = float("inf"), 0
            for _ in range(args.repeat):
                res = subprocess.run([sys.executable, "-c", _CHILD, code, path], capture_output=True, text=True,
                                     env=env, cwd=str(ROOT), check=True)
                t, n = res.stdout.split()
                best, hits = min(best, float(t)), int(n)
            print(f"{code:8} {best / mb:7.3f} {hits:9d}")


if __name__ == "__main__":
    main()
