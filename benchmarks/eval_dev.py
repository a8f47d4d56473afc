"""The headline numbers of every development set, measured with ``qa eval``, in one table.

    python benchmarks/eval_dev.py --bench BENCH_DIR [--seeds SEEDS_DIR] [--json OUT.json]

Runs qa once per set (all rules, default configuration, as ``qa check DIR`` does), scores the
results with ``qa.evaluate`` against the labels ``benchmarks/convert_labels.py`` makes, and prints
a Markdown table with the same measures as the benchmark scorers (scorer options in brackets):

* mt-dev, WMT23 zh-en news [``--min-major-raters 2 --min-pred-severity warning --sources
  mqm-zhen-wmt23-news``]: MT segments flagged, precision, base rate; reference segments flagged;
* mt-dev, all sources [defaults]: segment precision and recall, span precision;
* mt21-dev [defaults: warning and above]: flagged segments, share flagged, precision, recall,
  precision at MQM <= -10; reference segments flagged;
* boilerplate-dev per source [``--by-source``]: boilerplate line recall, content lines flagged;
* clean-dev: warnings (and errors) per 100 sentences (qa's sentence split), lines flagged as
  boilerplate [``--clean``];
* seeds: must-find defects found, clean sentences flagged (warning and above) [``score_seeds.py``].

The whitespace category is left out of the MT numbers, as the MT scorers do by default.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import convert_labels  # noqa: E402
from qa import evaluate as ev  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.engine import make_plan  # noqa: E402
from qa.runner.pipeline import run_records
from qa.readers import read_all  # noqa: E402


def _labels(records: list[dict], positive: str | None = None) -> ev.LabelSet:
    test = ev.parse_threshold(positive) if positive else None
    return ev.LabelSet(docs=[ev.parse_doc(r, str(r.get("id")), test) for r in records])


def _no_ws(preds: list[ev.PredDoc]) -> list[ev.PredDoc]:
    return [ev.PredDoc(p.path, p.id, [f for f in p.findings if f.get("category") != "whitespace"], p.text, p.result)
            for p in preds]


def measure(bench: Path, seeds: Path | None = None, progress=print) -> dict[str, dict[str, object]]:
    seeds = seeds or bench.parent / "seeds"
    plan = make_plan(Settings())
    runs: dict[str, tuple[list, list[ev.PredDoc]]] = {}
    dirs = {"mt-dev": bench / "mt-dev" / "docs", "mt21-dev": bench / "mt21-dev" / "docs",
            "boilerplate-dev": bench / "boilerplate-dev" / "docs", "clean-dev": bench / "clean-dev" / "docs",
            "seeds": seeds}
    for name, d in dirs.items():
        progress(f"eval_dev: checking {name}")
        results = list(run_records(read_all([str(d)]), plan))
        runs[name] = (results, ev.from_results(results))
    out: dict[str, dict[str, object]] = {}
    gold_mt = convert_labels._jsonl(bench / "mt-dev" / "gold.jsonl")
    # mt-dev news, >= 2 raters Major, warning and above
    res = ev.evaluate(_labels(convert_labels.convert_mt(gold_mt, 2)), _no_ws(runs["mt-dev"][1]),
                      ev.Options(min_severity="warning", by="source,kind"))
    news, ref = res["by"]["mqm-zhen-wmt23-news / mt"], res["by"]["mqm-zhen-wmt23-news / reference"]
    out["mt-dev news (>=2 raters, warning+)"] = {
        "flagged": news["segments"]["flagged"], "precision": news["segments"]["precision"],
        "recall": news["segments"]["recall"], "base_rate": news["segments"]["base_rate"],
        "reference_flagged": ref["segments"]["share_flagged"]}
    res = ev.evaluate(_labels(convert_labels.convert_mt(gold_mt, 1)), _no_ws(runs["mt-dev"][1]), ev.Options(by="kind"))
    mt, ref = res["by"]["mt"], res["by"]["reference"]
    out["mt-dev all (>=1 rater, info+)"] = {
        "flagged": mt["segments"]["flagged"], "precision": mt["segments"]["precision"],
        "recall": mt["segments"]["recall"], "span_precision": mt["spans"]["precision"],
        "reference_flagged": ref["segments"]["share_flagged"]}
    gold21 = convert_labels.convert_mt21(convert_labels._jsonl(bench / "mt21-dev" / "gold.jsonl"))
    preds21 = _no_ws(runs["mt21-dev"][1])
    res = ev.evaluate(_labels(gold21, "<=-5"), preds21, ev.Options(min_severity="warning", by="kind"))
    strict = ev.evaluate(_labels(gold21, "<=-10"), preds21, ev.Options(min_severity="warning", by="kind"))
    mt = res["by"]["mt"]["segments"]
    out["mt21-dev (warning+)"] = {
        "flagged": mt["flagged"], "share_flagged": mt["share_flagged"], "precision": mt["precision"],
        "recall": mt["recall"], "base_rate": mt["base_rate"],
        "precision_mqm<=-10": strict["by"]["mt"]["segments"]["precision"],
        "reference_flagged": res["by"]["reference"]["segments"]["share_flagged"]}
    bp = convert_labels.convert_boilerplate(convert_labels._jsonl(bench / "boilerplate-dev" / "labels.jsonl"))
    res = ev.evaluate(_labels(bp), runs["boilerplate-dev"][1], ev.Options(by="source"))
    for src, o in sorted(res["by"].items()):
        ln = o["lines"]
        out[f"boilerplate-dev {src}"] = {"line_recall": ln["recall"], "line_precision": ln["precision"],
                                         "content_lines_flagged": ln["negatives_flagged"]}
    clean_results, clean_preds = runs["clean-dev"]
    res = ev.evaluate(_labels(convert_labels.convert_clean(dirs["clean-dev"])), clean_preds, ev.Options())
    sentences = sum(r.n_sentences for r in clean_results)
    warnings = sum(1 for r in clean_results for f in r.findings if str(f.severity) in ("warning", "error"))
    out["clean-dev"] = {"sentences": sentences, "warnings": warnings,
                        "warnings_per_100_sentences": round(100 * warnings / sentences, 3) if sentences else None,
                        "lines_flagged_boilerplate": res["overall"]["lines"]["negatives_flagged"]}
    seed_records = convert_labels.convert_seeds(seeds / "gold.json")
    must = [{**r, "spans": [s for s in r["spans"] if s["label"] == "ok" or s.get("must")]} for r in seed_records]
    res = ev.evaluate(_labels(must), runs["seeds"][1], ev.Options(min_severity="warning"))
    sp = res["overall"]["spans"]
    out["seeds"] = {"must_found": f"{sp['error_spans_hit']}/{sp['error_spans']}",
                    "clean_sentences_flagged": _clean_flagged(must, runs["seeds"][1])}
    return out


def _clean_flagged(records: list[dict], preds: list[ev.PredDoc]) -> int:
    """Clean (``ok``) sentences with a warning or error finding on them, as the seeds scorer counts."""
    by = {p.id: p for p in preds}
    n = 0
    for r in records:
        fs = [f for f in (by[r["id"]].findings if r["id"] in by else []) if f.get("severity") in ("warning", "error")]
        for s in r["spans"]:
            if s["label"] == "ok" and any(ev.overlaps((int(f["start"]), int(f["end"])), (s["start"], s["end"]))
                                          for f in fs):
                n += 1
    return n


def markdown(rows: dict[str, dict[str, object]]) -> str:
    out = ["| set | measures |", "|---|---|"]
    for name, vals in rows.items():
        out.append(f"| {name} | " + ", ".join(f"{k} {v}" for k, v in vals.items()) + " |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, type=Path)
    ap.add_argument("--seeds", type=Path)
    ap.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    a = ap.parse_args(argv)
    rows = measure(a.bench, a.seeds, progress=lambda m: print(m, file=sys.stderr))
    sys.stdout.write(markdown(rows))
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
