"""Fit the length-ratio range of SRC015 per language pair on reference translations.

    python benchmarks/fit_length_ratio.py --bench BENCH_DIR [--write]
    python benchmarks/fit_length_ratio.py --pairs refs.jsonl --pair zh-en [--write]

The length of a text is counted in ``qa.bilingual.extract.length_units`` (a Han, Kana or Hangul
character counts one, and so does a word or number of any other script), and each reference pair
gives ``x = log((target units + 1) / (source units + 1))`` when its source has at least
``--min-source`` units. The fit is robust, so that a few misaligned pairs do not widen it: centre
the median of ``x``, scale 1.4826 x the median absolute deviation (the standard deviation of a
normal distribution), and the flagged range beyond the normal quantile ``--quantile`` on each side
(0.005: 1 reference pair in 100 falls outside by chance). Only numbers are written (pair, n,
centre, scale, low, high, minimum source length); no text of the references.

With ``--bench`` the references are the ``kind: reference`` documents of ``mt21-dev`` (zh-en).
``--write`` stores the result in ``rules/bilingual/length_ratio.json`` (other pairs already there
are kept). ``benchmarks/bilingual.py`` refits on two folds of source documents and scores SRC015
on the third.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.bilingual.extract import length_units  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "rules" / "bilingual" / "length_ratio.json"
MIN_SOURCE = 10
QUANTILE = 0.005


def log_ratios(pairs, min_source: int = MIN_SOURCE) -> list[float]:
    out = []
    for src, tgt in pairs:
        su = length_units(src)
        if su >= min_source and tgt.strip():
            out.append(math.log((length_units(tgt) + 1) / (su + 1)))
    return out


def fit(pairs, min_source: int = MIN_SOURCE, quantile: float = QUANTILE) -> dict:
    xs = log_ratios(pairs, min_source)
    if len(xs) < 30:
        raise ValueError(f"{len(xs)} reference pairs with a source of {min_source}+ units: too few to fit")
    centre = statistics.median(xs)
    scale = 1.4826 * statistics.median(abs(x - centre) for x in xs)
    z = statistics.NormalDist().inv_cdf(1 - quantile)
    outside = sum(1 for x in xs if abs(x - centre) > z * scale) / len(xs)
    return {"n": len(xs), "min_source_units": min_source, "quantile": quantile,
            "centre": round(centre, 4), "scale": round(scale, 4),
            "low": round(centre - z * scale, 4), "high": round(centre + z * scale, 4),
            "reference_share_outside": round(outside, 4)}


def bench_reference_pairs(bench: Path, src_docs: set[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    """Reference pairs of mt21-dev by language pair (optionally only some source documents)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for line in (bench / "mt21-dev" / "gold.jsonl").open(encoding="utf-8"):
        g = json.loads(line)
        if g.get("kind") != "reference" or (src_docs is not None and g["src_doc"] not in src_docs):
            continue
        stem = g["doc"].rsplit(".txt", 1)[0]
        with (bench / "mt21-dev" / "bilingual" / f"{stem}.jsonl").open(encoding="utf-8") as fh:
            for rec in map(json.loads, fh):
                out.setdefault(g.get("lang_pair", "zh-en"), []).append((rec["source"], rec["target"]))
    return out


def write(fitted: dict[str, dict], path: Path = OUT) -> None:
    data = {"unit": "length_units: a Han, Kana or Hangul character, or a word or number of another script",
            "statistic": "log((target units + 1) / (source units + 1))",
            "fitted_by": "benchmarks/fit_length_ratio.py", "pairs": {}}
    if path.exists():
        data["pairs"].update(json.loads(path.read_text(encoding="utf-8")).get("pairs", {}))
    data["pairs"].update(fitted)
    data["pairs"] = dict(sorted(data["pairs"].items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path)
    ap.add_argument("--pairs", type=Path, help="JSON Lines with source and target fields")
    ap.add_argument("--pair", help="the language pair of --pairs, e.g. de-en")
    ap.add_argument("--min-source", type=int, default=MIN_SOURCE)
    ap.add_argument("--quantile", type=float, default=QUANTILE)
    ap.add_argument("--write", action="store_true", help=f"store the fit in {OUT.relative_to(OUT.parents[2])}")
    args = ap.parse_args()
    if args.bench:
        groups = bench_reference_pairs(args.bench)
    elif args.pairs and args.pair:
        with args.pairs.open(encoding="utf-8") as fh:
            groups = {args.pair: [(r["source"], r["target"]) for r in map(json.loads, fh)]}
    else:
        ap.error("give --bench, or --pairs with --pair")
    fitted = {pair: fit(pairs, args.min_source, args.quantile) for pair, pairs in groups.items()}
    for pair, f in fitted.items():
        print(f"{pair}: n={f['n']} centre={f['centre']} scale={f['scale']} range [{f['low']}, {f['high']}] "
              f"(ratio {math.exp(f['low']):.2f}-{math.exp(f['high']):.2f}); reference pairs outside {100 * f['reference_share_outside']:.1f}%")
    if args.write:
        write(fitted)
        print(f"written {OUT}")


if __name__ == "__main__":
    main()
