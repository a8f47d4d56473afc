"""Turn the benchmark annotation files into ``qa eval`` label files.

    python benchmarks/convert_labels.py --bench BENCH_DIR --out LABELS_DIR [--min-major-raters N]

BENCH_DIR holds the development sets (``mt-dev/gold.jsonl``, ``mt21-dev/gold.jsonl``,
``boilerplate-dev/labels.jsonl``, ``clean-dev/docs/``, and optionally ``../seeds/gold.json`` or
``--seeds DIR``). Writes one label file per set into LABELS_DIR (the files hold offsets and labels,
no text, but are derived from the benchmark's annotation: keep them out of the repository):

* ``mt-dev.jsonl``: ``spans`` (every gold error span, any severity, ``category`` the MQM category;
  exhaustive for annotated documents) and ``segments`` (``positive`` = the segment has a Major
  error marked by at least N raters, a span or an untargeted error such as an omission);
  reference documents have no error spans and no positive segment, so every finding on them is a
  false positive. Fields: ``kind``, ``source``, ``system``, ``story`` (the source document).
* ``mt21-dev.jsonl``: ``segments`` with the MQM ``score`` (use ``--positive '<=-5'``); reference
  segments are ``positive: false``. Fields: ``kind``, ``system``, ``story``.
* ``boilerplate-dev.jsonl``: ``lines`` (``start``, ``end``, ``label``: boilerplate, content, meta).
  Fields: ``source`` (scrapinghub or wcxb), ``story`` (the page).
* ``clean-dev.jsonl``: no error span (every finding is a false positive) and every non-empty line
  ``content``.
* ``seeds.jsonl``: ``error`` spans on the annotated defects, ``ok`` spans on the sentences that
  must stay clean, not exhaustive; ``seeds-must.jsonl`` the same with only the must-find defects.

Then, for example::

    qa eval LABELS_DIR/mt21-dev.jsonl BENCH_DIR/mt21-dev/docs --positive '<=-5' --min-severity warning \\
        --group-field story --by kind

Agreement with the benchmarks' own scorers (run on the same ``qa check DIR --format jsonl -o P``
output; the scorers leave out the whitespace category by default, hence ``--ignore whitespace``):

=================  ==========================================================  =====================================
set                qa eval                                                     scorer
=================  ==========================================================  =====================================
mt21-dev           ``mt21-dev.jsonl --predictions P --positive '<=-5'          ``score_mt21.py gold.jsonl P``: MT
                   --min-severity warning --ignore whitespace --by kind``      segments P/R/flagged (kind = mt),
                                                                               reference flagged share
mt-dev             ``mt-dev.jsonl --predictions P --ignore whitespace          ``score_mt.py gold.jsonl P`` (a) segment
                   --by kind`` (``--by source,kind`` for one source)           P/R, (b) span precision and "all spans"
                                                                               recall, (c) reference flagged share
boilerplate-dev    ``boilerplate-dev.jsonl --predictions P --by source``       ``score_boilerplate.py labels.jsonl P
                                                                               --by-source``: line P/R, content and
                                                                               meta lines flagged
clean-dev          ``clean-dev.jsonl --predictions P``                         ``score_boilerplate.py --clean docs P``:
                                                                               lines flagged (``negatives_flagged``)
seeds              ``seeds-must.jsonl --predictions P --min-severity warning``  ``score_seeds.py gold.json P``: must
                                                                               defects found (span recall), clean
                                                                               sentences flagged (false positives)
=================  ==========================================================  =====================================
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(x) for x in fh if x.strip()]


def _major_positive(sg: dict, min_raters: int) -> bool:
    """The MT scorer's segment positive: a Major error (span or untargeted, not a source issue)."""
    for g in sg.get("gold_spans", []) or []:
        if g.get("severity") == "Major" and g.get("n_major", 1) >= min_raters:
            return True
    for u in sg.get("untargeted", []) or []:
        if u.get("source_issue"):
            continue
        if u.get("severity") == "Major" and u.get("n_major", 1) >= min_raters:
            return True
    return False


def convert_mt(gold: list[dict], min_raters: int = 1) -> list[dict]:
    out = []
    for d in gold:
        ref = d.get("kind") == "reference"
        rec = {"id": d["doc"], "kind": d.get("kind", "mt"), "source": d.get("source", ""),
               "system": d.get("system", ""), "story": d.get("split_unit") or d.get("src_doc") or d["doc"]}
        if ref or d.get("annotated", True):
            rec["spans"] = [] if ref else [
                {"start": g["start"], "end": g["end"], "label": "error", "category": g.get("category")}
                for sg in d["segments"] for g in sg.get("gold_spans", []) or []]
            rec["exhaustive"] = True
            rec["segments"] = [{"start": sg["start"], "end": sg["end"],
                                "positive": False if ref else _major_positive(sg, min_raters)}
                               for sg in d["segments"]]
        else:  # an MT document without annotation: nothing to judge
            continue
        out.append(rec)
    return out


def convert_mt21(gold: list[dict]) -> list[dict]:
    out = []
    for d in gold:
        ref = d.get("kind") == "reference"
        segs = []
        for sg in d["segments"]:
            if ref:
                segs.append({"start": sg["start"], "end": sg["end"], "positive": False})
            else:
                segs.append({"start": sg["start"], "end": sg["end"], "score": sg.get("mqm_score")})
        out.append({"id": d["doc"], "kind": d.get("kind", "mt"), "system": d.get("system", ""),
                    "story": d.get("src_doc") or d["doc"], "segments": segs})
    return out


def convert_boilerplate(labels: list[dict]) -> list[dict]:
    return [{"id": d["doc"], "source": d.get("source", ""), "story": d["doc"],
             "lines": [{"start": x["start"], "end": x["end"], "label": x["label"]} for x in d["lines"]]}
            for d in labels]


def convert_clean(docs_dir: Path) -> list[dict]:
    out = []
    for name in sorted(os.listdir(docs_dir)):
        if not name.endswith(".txt"):
            continue
        text = (docs_dir / name).read_text(encoding="utf-8")
        lines, pos = [], 0
        for line in text.split("\n"):
            if line.strip():
                lines.append({"start": pos, "end": pos + len(line), "label": "content"})
            pos += len(line) + 1
        out.append({"id": name, "kind": "clean", "story": name, "spans": [], "exhaustive": True, "lines": lines})
    return out


def _locate(text: str, quote: str, occurrence: int = 0) -> tuple[int, int] | None:
    pos = -1
    for _ in range(occurrence + 1):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            return None
    return pos, pos + len(quote)


def convert_seeds(gold_path: Path) -> list[dict]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    out = []
    for name, doc in sorted(gold["documents"].items()):
        text = (gold_path.parent / name).read_text(encoding="utf-8")
        spans = []
        for d in doc["defects"]:
            loc = _locate(text, d["quote"], d.get("occurrence", 0))
            if loc:
                spans.append({"start": loc[0], "end": loc[1], "label": "error", "category": d.get("kind"),
                              "must": bool(d.get("must"))})
        for c in doc["clean"]:
            loc = _locate(text, c)
            if loc:
                spans.append({"start": loc[0], "end": loc[1], "label": "ok"})
        out.append({"id": name, "kind": "seed", "story": name, "exhaustive": False,
                    "spans": sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))})
    return out


def write(records: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    os.replace(tmp, path)


def convert_all(bench: Path, seeds: Path | None = None, min_raters: int = 1) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if (bench / "mt-dev" / "gold.jsonl").is_file():
        out["mt-dev"] = convert_mt(_jsonl(bench / "mt-dev" / "gold.jsonl"), min_raters)
    if (bench / "mt21-dev" / "gold.jsonl").is_file():
        out["mt21-dev"] = convert_mt21(_jsonl(bench / "mt21-dev" / "gold.jsonl"))
    if (bench / "boilerplate-dev" / "labels.jsonl").is_file():
        out["boilerplate-dev"] = convert_boilerplate(_jsonl(bench / "boilerplate-dev" / "labels.jsonl"))
    if (bench / "clean-dev" / "docs").is_dir():
        out["clean-dev"] = convert_clean(bench / "clean-dev" / "docs")
    seeds = seeds or bench.parent / "seeds"
    if (seeds / "gold.json").is_file():
        out["seeds"] = convert_seeds(seeds / "gold.json")
        # the release target: the must-find defects only (recall over them), the same clean sentences
        out["seeds-must"] = [{**r, "spans": [s for s in r["spans"] if s["label"] == "ok" or s.get("must")]}
                             for r in out["seeds"]]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, type=Path, help="the benchmark folder (mt-dev/, mt21-dev/, ...)")
    ap.add_argument("--seeds", type=Path, help="the seeds folder with gold.json (default: BENCH/../seeds)")
    ap.add_argument("--out", required=True, type=Path, help="folder for the label files")
    ap.add_argument("--min-major-raters", type=int, default=1,
                    help="mt-dev: a segment is positive with a Major error from at least N raters (default 1)")
    a = ap.parse_args(argv)
    sets = convert_all(a.bench, a.seeds, a.min_major_raters)
    if not sets:
        print(f"convert_labels: no benchmark set found under {a.bench}", file=sys.stderr)
        return 2
    for name, recs in sets.items():
        write(recs, a.out / f"{name}.jsonl")
        print(f"{a.out / (name + '.jsonl')}: {len(recs)} document(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
