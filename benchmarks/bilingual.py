"""Benchmark of the source-aware rules (SRC) and the target-only rules on bilingual data.

    python benchmarks/bilingual.py --bench BENCH_DIR [--json out.json] [--rules SRC]

BENCH_DIR holds ``mt21-dev/bilingual/*.jsonl`` (``{"id", "source", "target"}`` per segment, one
file per system and source document) and ``mt21-dev/gold.jsonl`` (``has_major`` per segment).

1. **MQM segments**: every file is read by the bilingual JSON Lines reader and checked with all
   rules; a segment is flagged by a rule when one of its findings lies in it. Per rule: flagged
   segments, precision against ``has_major``, recall, and support (distinct source documents among
   its true positives: the 8 systems of one document count once). Reported for the MT systems;
   unions: all SRC rules, the SRC rules at warning or error (info findings are hints), and the
   target-only rules;
   the reference (``ref-A``) is reported apart as a flagged share.
   **3 folds by source document**: rules are kept when precision >= 0.75 with support >= 3 on two
   folds; the union of kept SRC rules is scored on the third (documents it never saw).
2. **Synthetic set** from the reference translations: each kind of error is injected into every
   segment where it applies (a number changed, a placeholder dropped, a URL altered, the source
   left untranslated, a glossary term replaced); recall is the share of injected segments the
   matching rule flags. The untouched reference pairs give the findings on clean pairs.
3. **Speed**: the SRC rules alone over all files, MB/s of UTF-8 target text (one process), by the
   wall clock and per CPU second.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from qa.bilingual.model import BilingualDocument, Segment, build_document  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.engine import check_document, make_plan  # noqa: E402
from qa.readers import read_path  # noqa: E402
from qa.bilingual.extract import length_units  # noqa: E402


def load(bench: Path):
    gold = {}
    meta = {}
    for line in (bench / "mt21-dev" / "gold.jsonl").open(encoding="utf-8"):
        g = json.loads(line)
        stem = g["doc"].rsplit(".txt", 1)[0]
        meta[stem] = g
        for s in g["segments"]:
            gold[(stem, str(s["seg_id"]))] = bool(s["has_major"])
    docs = {}
    for p in sorted((bench / "mt21-dev" / "bilingual").glob("*.jsonl")):
        (doc,) = list(read_path(str(p)))
        assert isinstance(doc, BilingualDocument), p
        pair = meta.get(p.stem, {}).get("lang_pair", "zh-en").split("-")
        doc.source_lang, doc.target_lang = pair[0], pair[1]  # as --source-lang zh --target-lang en
        docs[p.stem] = doc
    return gold, meta, docs


def seg_key(seg_id: str) -> str:
    return seg_id.rsplit(":", 1)[-1]


def flags(docs, plan) -> dict[str, dict[tuple[str, str], set]]:
    """rule -> {(doc stem, seg id)}"""
    out: dict[str, set] = defaultdict(set)
    for stem, doc in docs.items():
        for f in check_document(doc, plan):
            if f.segment is not None:
                out[f.rule].add((stem, seg_key(f.segment)))
    return out


def score(flagged: set, gold: dict, meta: dict, keys: set) -> dict:
    fl = [k for k in flagged if k in keys]
    tp = [k for k in fl if gold[k]]
    pos = sum(1 for k in keys if gold[k])
    return {"flagged": len(fl), "tp": len(tp), "precision": round(len(tp) / len(fl), 3) if fl else None,
            "recall": round(len(tp) / pos, 4) if pos else None,
            "support": len({meta[s]["src_doc"] for s, _ in tp})}


def mqm(gold, meta, docs, args) -> dict:
    plan = make_plan(Settings())
    per_rule = flags(docs, plan)
    mt_keys = {k for k in gold if meta[k[0]]["kind"] == "mt"}
    ref_keys = {k for k in gold if meta[k[0]]["kind"] == "reference"}
    base = sum(gold[k] for k in mt_keys) / len(mt_keys)
    rows = {}
    for rule in sorted(per_rule):
        r = score(per_rule[rule], gold, meta, mt_keys)
        r["ref_flagged_share"] = round(len([k for k in per_rule[rule] if k in ref_keys]) / len(ref_keys), 4)
        rows[rule] = r
    src_union = set().union(*(v for k, v in per_rule.items() if k.startswith("SRC"))) if per_rule else set()
    tgt_union = set().union(*(v for k, v in per_rule.items() if not k.startswith("SRC"))) if per_rule else set()
    from qa.registry import all_rules

    warn = {r.code for r in all_rules() if r.code.startswith("SRC") and r.severity.value in ("warning", "error")}
    src_warn = set().union(*(v for k, v in per_rule.items() if k in warn)) if per_rule else set()
    out = {"base_rate": round(base, 3), "mt_segments": len(mt_keys), "rules": rows,
           "src_warning_union": score(src_warn, gold, meta, mt_keys) | {"flagged_share": round(len(src_warn & mt_keys) / len(mt_keys), 4)},
           "src_union": score(src_union, gold, meta, mt_keys) | {"flagged_share": round(len(src_union & mt_keys) / len(mt_keys), 4)},
           "target_only_union": score(tgt_union, gold, meta, mt_keys) | {"flagged_share": round(len(tgt_union & mt_keys) / len(mt_keys), 4)}}
    # 3 folds by source document
    src_docs = sorted({m["src_doc"] for m in meta.values()})
    fold_of = {d: i % 3 for i, d in enumerate(src_docs)}
    folds = []
    for k in range(3):
        train = {x for x in mt_keys if fold_of[meta[x[0]]["src_doc"]] != k}
        test = mt_keys - train
        # SRC015 is refitted on the reference pairs of the two training folds and scored on the third
        fold_rules = dict(per_rule)
        fold_rules["SRC015"] = refit_length_ratio(args.bench, docs, meta, {d for d in src_docs if fold_of[d] != k})
        kept = []
        for rule, fl in fold_rules.items():
            if not rule.startswith("SRC"):
                continue
            s = score(fl, gold, meta, train)
            if s["precision"] is not None and s["precision"] >= 0.75 and s["support"] >= 3:
                kept.append(rule)
        union = set().union(*(fold_rules[r] for r in kept)) if kept else set()
        s = score(union, gold, meta, test)
        s["flagged_share"] = round(len(union & test) / len(test), 4)
        lr = score(fold_rules["SRC015"], gold, meta, test)
        lr["flagged_share"] = round(len(fold_rules["SRC015"] & test) / len(test), 4)
        wu = score(src_warn, gold, meta, test)
        wu["flagged_share"] = round(len(src_warn & test) / len(test), 4)
        folds.append({"fold": k, "kept": sorted(kept), **s, "SRC015_held_out": lr, "src_warning_union": wu})
    out["folds"] = folds
    return out


def refit_length_ratio(bench: Path, docs, meta, train_docs: set[str]) -> set:
    """SRC015's flags with its range fitted on the reference pairs of ``train_docs`` only."""
    from fit_length_ratio import bench_reference_pairs, fit, write

    pairs = bench_reference_pairs(bench, train_docs)
    with tempfile.TemporaryDirectory() as tmp:
        cal = Path(tmp) / "length_ratio.json"
        write({p: fit(v) for p, v in pairs.items()}, cal)
        plan = make_plan(Settings(select=("SRC015",), rules={"SRC015": {"calibration": str(cal)}}))
        return flags(docs, plan).get("SRC015", set())


# --------------------------------------------------------------------------- synthetic set
_NUM_RE = re.compile(r"(?<![\w.,-])\d+(?![\d.,])")
GLOSSARY = [("中国", "China|Chinese", "Sina"), ("美国", "US|U.S.|United States|America|American", "Amerika"),
            ("北京", "Beijing", "Peking"), ("疫情", "epidemic|pandemic|outbreak|COVID-19|coronavirus", "plague")]


def _changed_number(m: re.Match) -> str:
    s = m.group()
    return str(int(s) * 10 + 3)  # 17 -> 173: a changed value that rarely meets another number


_MONTH_LIST = "January February March April May June July August September October November December".split()
_DATE_MONTH_RE = re.compile(r"\b(" + "|".join(_MONTH_LIST) + r")\s+\d{1,2}\b")


def inject(kind: str, seg: Segment, rng: random.Random, other: str | None = None) -> Segment | None:
    s = copy.copy(seg)
    if kind == "number":
        m = _NUM_RE.search(s.target)
        if not m:
            return None
        s.target = s.target[:m.start()] + _changed_number(m) + s.target[m.end():]
    elif kind == "placeholder":
        s.source = s.source + " {0}"  # the source has a placeholder the target dropped
    elif kind == "url":
        host = rng.choice(["news.example.org", "www.example.com", "data.example.net"])
        s.source = f"{s.source} https://{host}/a/{rng.randrange(1000)}"
        s.target = f"{s.target} https://{host.replace('example', 'exarnple')}/a/{s.source.rsplit('/', 1)[-1]}"
    elif kind == "untranslated":
        s.target = s.source
    elif kind == "date":
        m = _DATE_MONTH_RE.search(s.target)
        if not m or "月" not in s.source:  # a month the source leaves implicit cannot be checked
            return None
        month = _MONTH_LIST[(_MONTH_LIST.index(m.group(1)) + 1) % 12]  # July 25 -> August 25
        s.target = s.target[:m.start(1)] + month + s.target[m.end(1):]
    elif kind == "omission":
        # the target cut after its first clause(s), at a clause or sentence end before a third of its length
        if length_units(s.source) < 20:
            return None
        cuts = [m.end() for m in re.finditer(r"[,;.:](?=\s)", s.target) if m.end() <= len(s.target) / 3]
        if not cuts:
            return None
        s.target = s.target[:cuts[-1]].rstrip(",;: ") + "."
    elif kind == "source_language":
        if not other or length_units(other) < 15 or other.strip() == s.source.strip():
            return None
        s.target = other  # the source of another segment pasted as the target
    elif kind == "glossary":
        for src, tgt, wrong in GLOSSARY:
            alts = tgt.split("|")
            if src in s.source and any(re.search(rf"\b{re.escape(a)}", s.target) for a in alts):
                for a in alts:
                    s.target = re.sub(rf"\b{re.escape(a)}\w*", wrong, s.target)
                break
        else:
            return None
    return s


KIND_RULE = {"number": "SRC001", "placeholder": "SRC004", "url": "SRC003", "untranslated": "SRC005",
             "glossary": "SRC013", "date": "SRC001", "omission": "SRC015", "source_language": "SRC017"}


def synthetic(meta, docs) -> dict:
    rng = random.Random(17)
    refs = {stem: d for stem, d in docs.items() if meta[stem]["kind"] == "reference"}
    with tempfile.TemporaryDirectory() as tmp:
        gpath = Path(tmp) / "glossary.csv"
        gpath.write_text("source,target,forbidden\n" + "".join(f"{a},{b},\n" for a, b, _ in GLOSSARY), encoding="utf-8")
        settings = Settings(select=("SRC",), rules={"SRC013": {"glossary": str(gpath)}, "SRC014": {"glossary": str(gpath)}})
        plan = make_plan(settings)
        clean_findings: dict[str, int] = defaultdict(int)
        n_clean = 0
        flagged_clean = 0
        for stem, d in refs.items():
            fs = [f for f in check_document(d, plan)]
            n_clean += len(d.segments)
            flagged_clean += len({f.segment for f in fs})
            for f in fs:
                clean_findings[f.rule] += 1
        kinds = {}
        for kind, rule in KIND_RULE.items():
            injected = hit = 0
            for stem, d in refs.items():
                segs, targets = [], set()
                for i, seg in enumerate(d.segments):
                    other = d.segments[(i + 1) % len(d.segments)].source
                    new = inject(kind, Segment(seg.id, seg.source, seg.target, line=seg.line), rng, other)
                    if new is None:
                        segs.append(Segment(seg.id, seg.source, seg.target, line=seg.line))
                    else:
                        segs.append(new)
                        targets.add(seg.id)
                doc = build_document(segs, path=stem, doc_id=stem, fmt="jsonl", source_lang="zh", target_lang="en")
                got = {f.segment for f in check_document(doc, plan) if f.rule == rule}
                injected += len(targets)
                hit += len(targets & got)
            kinds[kind] = {"rule": rule, "injected": injected, "found": hit,
                           "recall": round(hit / injected, 4) if injected else None}
    return {"kinds": kinds, "untouched_pairs": n_clean, "untouched_pairs_flagged": flagged_clean,
            "untouched_findings_by_rule": dict(sorted(clean_findings.items()))}


def speed(docs, repeats: int = 3) -> dict:
    """Best of ``repeats`` runs, in wall-clock seconds and in CPU seconds of this process (the
    latter holds on a machine busy with other work)."""
    plan = make_plan(Settings(select=("SRC",)))
    size = sum(len(d.text.encode("utf-8")) for d in docs.values())
    for d in docs.values():  # first run: imports and tables
        check_document(d, plan)
    best = best_cpu = None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        for d in docs.values():
            check_document(d, plan)
        el, cpu = time.perf_counter() - t, time.process_time() - c
        best = el if best is None else min(best, el)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return {"target_bytes": size, "seconds": round(best, 3), "mb_per_s": round(size / best / 1e6, 2),
            "cpu_seconds": round(best_cpu, 3), "mb_per_cpu_s": round(size / max(best_cpu, 1e-9) / 1e6, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", required=True, type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip-mqm", action="store_true", help="only the synthetic set and speed")
    args = ap.parse_args()
    gold, meta, docs = load(args.bench)
    out = {}
    if not args.skip_mqm:
        out["mqm"] = mqm(gold, meta, docs, args)
    out["synthetic"] = synthetic(meta, docs)
    out["speed"] = speed(docs)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    if "mqm" in out:
        m = out["mqm"]
        print(f"MQM mt21-dev: {m['mt_segments']} MT segments, base rate {m['base_rate']}")
        print(f"{'rule':8} {'flagged':>7} {'prec':>6} {'recall':>7} {'support':>7} {'ref%':>6}")
        for rule, r in m["rules"].items():
            if rule.startswith("SRC") or r["flagged"] >= 20:
                print(f"{rule:8} {r['flagged']:7} {str(r['precision']):>6} {str(r['recall']):>7} {r['support']:7} "
                      f"{100 * r['ref_flagged_share']:6.1f}")
        for name in ("src_union", "src_warning_union", "target_only_union"):
            r = m[name]
            print(f"{name}: flagged {r['flagged']} ({100 * r['flagged_share']:.1f}%), precision {r['precision']}, "
                  f"recall {r['recall']}, support {r['support']}")
        for f in m["folds"]:
            print(f"fold {f['fold']}: kept {','.join(f['kept']) or '-'}; held-out precision {f['precision']}, "
                  f"flagged {100 * f['flagged_share']:.1f}%, support {f['support']}")
            wu = f["src_warning_union"]
            print(f"  SRC rules at warning or error on this fold: flagged {wu['flagged']} ({100 * wu['flagged_share']:.1f}%), "
                  f"precision {wu['precision']}, support {wu['support']}")
            lr = f["SRC015_held_out"]
            print(f"  SRC015 refitted on the other folds' references: held-out flagged {lr['flagged']} "
                  f"({100 * lr['flagged_share']:.1f}%), precision {lr['precision']}, support {lr['support']}")
    s = out["synthetic"]
    for kind, r in s["kinds"].items():
        print(f"synthetic {kind:12} {r['rule']}: recall {r['recall']} ({r['found']}/{r['injected']})")
    print(f"untouched reference pairs: {s['untouched_pairs_flagged']}/{s['untouched_pairs']} flagged; "
          f"by rule {s['untouched_findings_by_rule']}")
    sp = out["speed"]
    print(f"speed (SRC rules, one process): {sp['mb_per_s']} MB/s of target text ({sp['target_bytes']} bytes in {sp['seconds']} s); "
          f"{sp['mb_per_cpu_s']} MB per CPU second ({sp['cpu_seconds']} s)")


if __name__ == "__main__":
    main()
