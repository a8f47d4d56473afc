"""Grammar rules: lexicon load time, cost per MB, precision on MT dev sets, recall on a grammar set.

    python benchmarks/grammar.py BENCH_DIR [--sets tests/data/grammar_dev.tsv ...] [--out FILE]

BENCH_DIR holds ``mt21-dev``, ``mt-dev``, ``clean-dev`` and ``boilerplate-dev`` (each with a
``docs/`` folder; the MT sets with ``gold.jsonl``). The script

1. times ``qa.inflection.load()`` in five fresh interpreters (median, and the slowest);
2. times every grammar rule (CPU time, lexicon already loaded) on the clean-dev and
   boilerplate-dev documents, in seconds per MB;
3. runs the grammar rules on the MT dev sets and reports, per rule and per fold (three folds by
   source document: every system's translation of one source document is in the same fold), the
   flagged segments, the precision against ``has_major`` (the scorers' positive), the precision
   against "any error" (MQM score below 0, or a gold span), and the support (distinct source
   documents among the true positives); findings on reference documents; findings on clean-dev;
4. reports, for each grammar TSV (``label<TAB>shape<TAB>sentence``, error spans in ``[[...]]``),
   the share of error sentences with a grammar finding that overlaps the span (recall) and the
   share of correct sentences with any grammar finding.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NEW_OR_CHANGED = ("GRAM001", "GRAM003", "GRAM004", "GRAM007", "GRAM008", "GRAM009", "GRAM012", "GRAM013",
                  "GRAM014", "GRAM015", "GRAM016", "GRAM017", "GRAM018", "GRAM019", "GRAM020", "GRAM021")
NEW_CODES = ("GRAM012", "GRAM013", "GRAM014", "GRAM015", "GRAM016", "GRAM017", "GRAM018", "GRAM019", "GRAM020", "GRAM021")


def load_times(n: int = 5) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds) of ``qa.inflection.load()`` in ``n`` fresh interpreters."""
    code = ("import time, qa.inflection as I\nt = time.perf_counter(); c = time.process_time(); I.load()\n"
            "print(time.perf_counter() - t, time.process_time() - c)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = []
    for _ in range(n):
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        wall, cpu = res.stdout.split()
        out.append((float(wall), float(cpu)))
    return out


def grammar_rules():
    from qa.registry import all_rules

    return [r for r in all_rules() if r.category == "grammar" and r.check is not None]


def cost(dirs: list[Path]) -> tuple[float, dict[str, float]]:
    """Seconds per MB of each grammar rule (the best of three runs), with the one scan of the
    grammar rules' triggers (``qa.scan``) made before the clock starts, as the engine makes it
    before any rule runs; ``(scan)``: that scan's own time."""
    from qa import inflection
    from qa.readers import make_document
    from qa.scan import ScanPlan, hits_for

    inflection.load()
    texts = [p.read_text(encoding="utf-8", errors="replace") for d in dirs for p in sorted(d.rglob("*.txt"))]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    rules = grammar_rules()
    scan = ScanPlan.for_rules(rules)
    for r in rules:  # warm up (lazy tables), on documents made for this only
        for t in texts[:20]:
            list(r.check(make_document(t), r.options))
    out: dict[str, float] = {}
    for _ in range(3):
        docs = [make_document(t) for t in texts]  # fresh: nothing cached on a document
        t = time.process_time()
        hits = [scan.scan(d.text) for d in docs]
        el = (time.process_time() - t) / mb
        out["(scan)"] = min(out.get("(scan)", el), el)
        spent = dict.fromkeys((r.code for r in rules), 0.0)
        for d, h in zip(docs, hits):
            hits_for(d, scan)  # kept for the document's rules, as the engine does (not timed)
            for r in rules:  # in the engine's order: a fact shared by rules is paid by the first
                if h is not None and r.code in scan.codes and r.code not in h:
                    continue  # the engine skips a rule with no candidate
                t = time.process_time()
                list(r.check(d, r.options))
                spent[r.code] += time.process_time() - t
        for code, sec in spent.items():
            out[code] = min(out.get(code, sec / mb), sec / mb)
    return mb, out


def run_qa(docs: Path, out: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "qa", "check", str(docs), "--isolated", "--no-cache", "--fail-on", "never",
                    "-q", "--select", "grammar", "--format", "jsonl", "-o", str(out)], env=env, check=True)


def source_key(name: str) -> str:
    parts = name.split("__")
    return parts[0] + "/" + parts[-1] if len(parts) > 2 else parts[-1]


def fold_of(key: str) -> int:
    return zlib.crc32(key.encode()) % 3


def mt_scores(gold_path: Path, preds_path: Path):
    """Per rule: {fold: [flagged, tp_major, tp_any, set(source docs of tp_major)]}; reference hits."""
    preds = {}
    for line in preds_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            o = json.loads(line)
            preds.setdefault(os.path.basename(o["path"]), []).extend(o.get("findings", []))
    per = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0, 0, set()]))
    ref = collections.Counter()
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        segs = g["segments"]
        key = source_key(g["doc"])
        fold = fold_of(key)
        for rule_code in sorted({f["rule"] for f in preds.get(g["doc"], [])}):
            fs = [f for f in preds[g["doc"]] if f["rule"] == rule_code]
            for s in segs:
                if not any(f["start"] < s["end"] + 1 and f["end"] > s["start"] for f in fs):
                    continue
                if g.get("kind") == "reference":
                    ref[rule_code] += 1
                    continue
                if s.get("mqm_score") is None and not s.get("gold_spans") and "has_major" not in s:
                    continue
                major = bool(s.get("has_major"))
                anyerr = major or (s.get("mqm_score") is not None and s["mqm_score"] < 0) or bool(s.get("gold_spans")) \
                    or bool(s.get("untargeted"))
                b = per[rule_code][fold]
                b[0] += 1
                b[1] += major
                b[2] += anyerr
                if major:
                    b[3].add(key)
    return per, ref


def grammar_set(path: Path) -> dict:
    from qa.config import Settings
    from qa.engine import check_document, make_plan
    from qa.readers import make_document

    plan = make_plan(Settings(select=("grammar",)))
    res = collections.defaultdict(lambda: [0, 0])  # shape -> [hit, n]
    ok_flags = collections.Counter()
    n_err = n_ok = hit = flagged = 0
    missed: list[str] = []
    false: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, shape, text = line.split("\t")
        span = None
        if "[[" in text:
            a = text.index("[[")
            b = text.index("]]") - 2
            text = text.replace("[[", "").replace("]]", "")
            span = (a, b)
        found = check_document(make_document(text), plan)
        if label == "err":
            n_err += 1
            ok = any(f.start < span[1] and f.end > span[0] for f in found)
            hit += ok
            res[shape][0] += ok
            res[shape][1] += 1
            if not ok:
                missed.append(text)
        else:
            n_ok += 1
            if found:
                flagged += 1
                false.append(f"{text}  <- {', '.join(sorted({f.rule for f in found}))}")
                for f in found:
                    ok_flags[f.rule] += 1
    return dict(n_err=n_err, recall=hit / max(n_err, 1), n_ok=n_ok, flag_rate=flagged / max(n_ok, 1),
                by_shape={k: v for k, v in sorted(res.items())}, false=false, missed=missed, ok_flags=dict(ok_flags))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bench")
    ap.add_argument("--sets", nargs="*", default=[str(ROOT / "tests/data/grammar_dev.tsv"),
                                                  str(ROOT / "tests/data/grammar_heldout.tsv")])
    ap.add_argument("--out", default=None, help="also write the report to this file")
    ap.add_argument("--skip-cost", action="store_true")
    args = ap.parse_args()
    bench = Path(args.bench)
    lines: list[str] = []

    def say(s: str = "") -> None:
        print(s, flush=True)
        lines.append(s)

    lt = load_times()
    say(f"lexicon load (fresh process, 5 runs): wall median {statistics.median(w for w, _ in lt):.3f} s "
        f"(max {max(w for w, _ in lt):.3f}), CPU median {statistics.median(c for _, c in lt):.3f} s "
        f"(max {max(c for _, c in lt):.3f})")

    if not args.skip_cost:
        mb, per_mb = cost([bench / "clean-dev" / "docs", bench / "boilerplate-dev" / "docs"])
        say(f"\ncost on clean-dev + boilerplate-dev ({mb:.2f} MB), CPU seconds per MB (best of 3):")
        for code, v in sorted(per_mb.items()):
            say(f"  {code}  {v:.4f}{'  (new)' if code in NEW_CODES else ''}")
        say(f"  new rules together: {sum(per_mb[c] for c in NEW_CODES if c in per_mb):.4f} s/MB "
            f"(the scan of every grammar rule's triggers: {per_mb['(scan)']:.4f} s/MB); "
            f"new + changed: {sum(per_mb[c] for c in NEW_OR_CHANGED if c in per_mb):.4f} s/MB")

    with tempfile.TemporaryDirectory() as tmp:
        for name in ("mt21-dev", "mt-dev"):
            out = Path(tmp) / f"{name}.jsonl"
            run_qa(bench / name / "docs", out)
            per, ref = mt_scores(bench / name / "gold.jsonl", out)
            say(f"\n{name}: per rule, folds 0/1/2 by source document "
                "(flagged, P has_major, P any error, support) and pooled; reference-doc segments flagged")
            for code in sorted(per):
                cells = []
                tot = [0, 0, 0, set()]
                for fold in range(3):
                    b = per[code].get(fold, [0, 0, 0, set()])
                    cells.append(f"{b[0]:3d} {b[1] / b[0] if b[0] else 0:.2f} {b[2] / b[0] if b[0] else 0:.2f} {len(b[3])}")
                    tot = [tot[0] + b[0], tot[1] + b[1], tot[2] + b[2], tot[3] | b[3]]
                say(f"  {code}  " + " | ".join(cells)
                    + f"  || {tot[0]} P={tot[1] / tot[0] if tot[0] else 0:.2f} Pany={tot[2] / tot[0] if tot[0] else 0:.2f}"
                    f" support={len(tot[3])}  ref={ref.get(code, 0)}")
        out = Path(tmp) / "clean.jsonl"
        run_qa(bench / "clean-dev" / "docs", out)
        counts = collections.Counter()
        for line in out.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for f in json.loads(line).get("findings", []):
                    counts[f["rule"]] += 1
        say(f"\nclean-dev findings per grammar rule: {dict(sorted(counts.items())) or 'none'}")

    for path in args.sets:
        r = grammar_set(Path(path))
        say(f"\n{Path(path).name}: recall {r['recall']:.3f} of {r['n_err']} error sentences; "
            f"{r['flag_rate'] * 100:.1f}% of {r['n_ok']} correct sentences flagged")
        say("  by shape: " + ", ".join(f"{k} {h}/{n}" for k, (h, n) in r["by_shape"].items()))
        for t in r["false"]:
            say(f"  flagged correct: {t}")
        for t in r["missed"][:40]:
            say(f"  missed: {t}")

    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
