"""Rule evidence as data: every rule over every development set, once, scored out of fold.

    python benchmarks/evidence.py --bench BENCH_DIR [--seeds SEEDS_DIR] [--folds 5]
        [--out rules/evidence.yaml] [--docs docs/evidence.md] [--date YYYY-MM-DD]

BENCH_DIR holds ``mt-dev/``, ``mt21-dev/``, ``boilerplate-dev/`` and ``clean-dev/`` (with their
``docs/`` and annotation files); the seed articles are read from ``BENCH_DIR/../seeds`` or
``--seeds``. Every rule runs once over each set (all rules, every severity, default options), then
each finding is judged (see ``JUDGING`` below and docs/evidence.md) and the judged findings are
split into ``--folds`` folds by source document: a document's fold is a hash of its source document
(the story or page), so all systems' translations of one source, its reference and, for web pages,
the clean and the scraped version of one page fall in the same fold.

For a rule without a tuned parameter nothing is fitted, so the in-fold and the out-of-fold
precision are the same number: the pooled precision of all its judged findings (the per-fold
precisions are written too). A rule whose hits name a ``condition`` (``Hit(...,
condition="prose-line")``) gets the same numbers per condition, and its findings the confidence of
their condition when that has at least ``MIN_JUDGED`` judged findings. A rule with a tunable
threshold (``TUNABLE``) is also run with a looser threshold, the threshold is fitted on the
training folds of each split (the loosest one at which at least ``MIN_FIT`` training findings
reach precision ``TARGET``) and applied to the held-out fold; the pooled held-out findings give its
``tuned`` precision.

Writes ``rules/evidence.yaml`` (sorted, deterministic for the same data and date) and the
generated page ``docs/evidence.md``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import yaml  # noqa: E402

import convert_labels  # noqa: E402
from qa import evaluate as ev  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.engine import make_plan  # noqa: E402
from qa.runner.pipeline import run_records
from qa.evidence import MIN_JUDGED  # noqa: E402
from qa.readers import read_all  # noqa: E402
from qa.registry import all_rules  # noqa: E402

SETS = ("mt-dev", "mt21-dev", "boilerplate-dev", "clean-dev", "seeds")
TARGET = 0.7  # the precision a default (warning/error) rule must reach
MIN_SUPPORT = 3  # distinct source documents among its true positives
COMMAND = "python benchmarks/evidence.py --bench BENCH_DIR"

JUDGING = {
    "mt-dev": "MT documents: a true positive overlaps a gold error span (any severity) or lies in a "
              "segment with a Major error (a span or an untargeted error such as an omission, >= 1 "
              "rater); otherwise a false positive. Reference documents: every finding is a false positive.",
    "mt21-dev": "MT documents: a true positive lies in a segment with MQM score <= -5 (has_major), a false "
                "positive in a scored segment above -5; unscored segments are not judged. Reference "
                "documents (ref-A): every finding is a false positive (ref-A carries MQM scores too, and many "
                "of its segments score <= -5, but a checker that flags the human reference is judged by how "
                "rarely it does so; its findings per 1,000 reference sentences are given apart).",
    "boilerplate-dev": "Boilerplate findings, and metadata findings that cover at least half of a line: a "
                       "true positive lies (by most of its characters) on lines labelled boilerplate or "
                       "meta, a false positive on content lines. Findings of other rules are not judged "
                       "(the pages are not annotated for them).",
    "clean-dev": "Human-written news without boilerplate: every finding is a false positive.",
    "seeds": "The two annotated seed articles: a true positive overlaps an annotated defect, a false "
             "positive overlaps a sentence marked clean; other findings are not judged.",
}


# --------------------------------------------------------------------------- tuning hook
@dataclass(frozen=True)
class Tunable:
    """A rule threshold that is fitted in-fold: the rule runs once with ``loose`` options, each
    finding's ``value`` is read from it, and a finding is kept when ``value >= threshold``."""

    option: str
    loose: Mapping[str, object]
    value: Callable[[Mapping[str, object]], float | None]
    candidates: tuple[float, ...]
    shipped: float


def _garble_score(f: Mapping[str, object]) -> float | None:
    m = re.search(r"garble score ([0-9.]+)", str(f.get("message", "")))
    return float(m.group(1)) if m else None


TUNABLE: dict[str, Tunable] = {
    "MT104": Tunable("threshold", {"threshold": 3.0}, _garble_score,
                     tuple(round(3.0 + 0.1 * i, 1) for i in range(31)), 4.0),
}


MIN_FIT = 5  # a threshold is fitted on at least this many kept training findings


def fit_threshold(items: Sequence[tuple[float, bool]], candidates: Sequence[float], target: float = TARGET,
                  min_kept: int = MIN_FIT) -> float:
    """The loosest candidate whose kept items (value >= t, at least ``min_kept`` of them) reach
    ``target`` precision; the strictest candidate when none does (or there is too little to fit on)."""
    for t in sorted(candidates):
        kept = [tp for v, tp in items if v >= t]
        if len(kept) >= min_kept and sum(kept) / len(kept) >= target:
            return t
    return max(candidates)


# --------------------------------------------------------------------------- running
def fold_of(group: str, k: int) -> int:
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:12], 16) % k


def _run(docs_dir: Path, settings: Settings) -> list:
    plan = make_plan(settings)
    return list(run_records(read_all([str(docs_dir)]), plan))


def _group(set_name: str, rec: Mapping[str, object]) -> str:
    if set_name in ("boilerplate-dev", "clean-dev"):
        return "page:" + str(rec["id"])  # the clean and the scraped copy of a page share its name
    if set_name == "seeds":
        return "seed:" + str(rec["id"])
    return f"{set_name.split('-')[0]}:{rec.get('story')}"


def _line_judged(lines: Sequence[tuple[int, int, str]]) -> Callable[[Mapping[str, object]], bool]:
    def judged(f: Mapping[str, object]) -> bool:
        cat = f.get("category")
        if cat == "boilerplate":
            return True
        if cat != "metadata":
            return False
        s, e = int(f["start"]), int(f["end"])  # type: ignore[call-overload]
        return any(b > a and min(e, b) - max(s, a) >= 0.5 * (b - a) for a, b, _ in lines)
    return judged


@dataclass
class Judged:
    rule: str
    set: str
    group: str
    verdict: str | None  # "tp" | "fp" | None
    finding: Mapping[str, object]


def judge_set(set_name: str, records: list[dict], results: list) -> tuple[list[Judged], dict[str, int]]:
    """Judge every finding of one set; also count sentences of clean and reference documents."""
    preds = {p.id: p for p in ev.from_results(results)}
    for r in results:  # the condition a hit names (rules that declare conditions) is measured apart
        for fd, f in zip(preds[r.id].findings, r.findings):
            fd["_condition"] = getattr(f, "condition", None)
    out: list[Judged] = []
    sentences = {"clean": 0, "reference": 0}
    n_sent = {r.id: r.n_sentences for r in results}
    positive = ev.parse_threshold("<=-5") if set_name == "mt21-dev" else None
    for rec in records:
        labels = ev.parse_doc(rec, f"{set_name}:{rec['id']}", positive)
        if set_name == "clean-dev":
            labels.lines = None  # every finding is a false positive (the spans say so)
        pred = preds.get(labels.key)
        if pred is None:
            continue
        opts = ev.Options()
        if labels.lines is not None:
            opts = ev.Options(line_judged=_line_judged(labels.lines))  # type: ignore[arg-type]
        de = ev.evaluate_doc(labels, pred, opts)
        kind = "clean" if set_name == "clean-dev" else ("reference" if rec.get("kind") == "reference" else None)
        if kind:
            sentences[kind] += n_sent.get(labels.key, 0)
        g = _group(set_name, rec)
        for f, v in zip(de.findings, de.verdicts):
            j = Judged(str(f["rule"]), set_name, g, v, f)
            j.finding = {**f, "_kind": kind}
            out.append(j)
    return out, sentences


def _stats(tp: int, fp: int) -> dict[str, object]:
    n = tp + fp
    iv = ev.wilson(tp, n)
    return {"tp": tp, "fp": fp, "precision": round(tp / n, 4) if n else None,
            "interval": [round(iv[0], 4), round(iv[1], 4)] if iv else None}


def compute(bench: Path, seeds: Path | None, k: int, progress=print) -> dict[str, object]:
    labels = convert_labels.convert_all(bench, seeds)
    missing = [s for s in SETS if s not in labels]
    if missing:
        raise SystemExit(f"evidence: missing set(s) {missing} under {bench}")
    dirs = {"mt-dev": bench / "mt-dev" / "docs", "mt21-dev": bench / "mt21-dev" / "docs",
            "boilerplate-dev": bench / "boilerplate-dev" / "docs", "clean-dev": bench / "clean-dev" / "docs",
            "seeds": seeds or bench.parent / "seeds"}
    base = Settings()
    judged: list[Judged] = []
    tuned_judged: dict[str, list[Judged]] = defaultdict(list)
    sentences = {"clean": 0, "reference": 0}
    for s in SETS:
        progress(f"evidence: {s}: running every rule")
        res = _run(dirs[s], base)
        js, sent = judge_set(s, labels[s], res)
        judged += js
        for kk, v in sent.items():
            sentences[kk] += v
        for code, tun in sorted(TUNABLE.items()):
            loose = replace(base, select=(code,), rules={code: dict(tun.loose)})
            tj, _ = judge_set(s, labels[s], _run(dirs[s], loose))
            tuned_judged[code] += tj
    rules = all_rules()
    by_rule: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        by_rule[j.rule].append(j)
    out_rules: dict[str, dict[str, object]] = {}
    for r in rules:
        js = by_rule.get(r.code, [])
        tp = sum(j.verdict == "tp" for j in js)
        fp = sum(j.verdict == "fp" for j in js)
        e: dict[str, object] = {"findings": len(js), **_stats(tp, fp),
                                "support": len({j.group for j in js if j.verdict == "tp"}),
                                "severity": str(r.severity), "category": r.category, "name": r.name}
        e["confidence"] = e["precision"] if tp + fp >= MIN_JUDGED else None
        folds = []
        for i in range(k):
            ft = sum(1 for j in js if j.verdict == "tp" and fold_of(j.group, k) == i)
            ff = sum(1 for j in js if j.verdict == "fp" and fold_of(j.group, k) == i)
            folds.append(round(ft / (ft + ff), 4) if ft + ff else None)
        e["fold_precision"] = folds
        nc = sum(1 for j in js if j.finding.get("_kind") == "clean")
        nr = sum(1 for j in js if j.finding.get("_kind") == "reference")
        e["per_1000_clean_sentences"] = round(1000 * nc / sentences["clean"], 2) if sentences["clean"] else None
        e["per_1000_reference_sentences"] = round(1000 * nr / sentences["reference"], 2) if sentences["reference"] else None
        sets: dict[str, object] = {}
        for s in SETS:
            sj = [j for j in js if j.set == s]
            if sj:
                st, sf = sum(j.verdict == "tp" for j in sj), sum(j.verdict == "fp" for j in sj)
                sets[s] = {"findings": len(sj), "tp": st, "fp": sf,
                           "precision": round(st / (st + sf), 4) if st + sf else None,
                           "support": len({j.group for j in sj if j.verdict == "tp"})}
        e["sets"] = sets
        conds = sorted({str(j.finding["_condition"]) for j in js if j.finding.get("_condition") is not None})
        if conds:
            e["conditions"] = {}
            for c in conds:
                cj = [j for j in js if j.finding.get("_condition") == c]
                ct, cf = sum(j.verdict == "tp" for j in cj), sum(j.verdict == "fp" for j in cj)
                ce: dict[str, object] = {"findings": len(cj), **_stats(ct, cf),
                                         "support": len({j.group for j in cj if j.verdict == "tp"})}
                ce["confidence"] = ce["precision"] if ct + cf >= MIN_JUDGED else None
                e["conditions"][c] = ce  # type: ignore[index]
        if r.code in TUNABLE:
            e["tuned"] = tune(r.code, TUNABLE[r.code], tuned_judged[r.code], k)
        out_rules[r.code] = e
    return {"rules": out_rules, "sentences": sentences}


def tune(code: str, tun: Tunable, js: Sequence[Judged], k: int) -> dict[str, object]:
    items = [(j.group, tun.value(j.finding), j.verdict == "tp") for j in js if j.verdict is not None]
    items = [(g, v, t) for g, v, t in items if v is not None]
    thresholds = []
    tp = fp = 0
    for i in range(k):
        train = [(v, t) for g, v, t in items if fold_of(g, k) != i]
        held = [(v, t) for g, v, t in items if fold_of(g, k) == i]
        th = fit_threshold(train, tun.candidates)
        thresholds.append(th)
        tp += sum(1 for v, t in held if v >= th and t)
        fp += sum(1 for v, t in held if v >= th and not t)
    out: dict[str, object] = {"option": tun.option, "shipped": tun.shipped, "loose": dict(tun.loose),
                              "candidates_judged": len(items), "thresholds": thresholds, "target": TARGET}
    out.update(_stats(tp, fp))
    out["support"] = len({g for g, v, t in items if t and v >= min(thresholds)}) if thresholds else 0
    return out


# --------------------------------------------------------------------------- outputs
def data_version(bench: Path, seeds: Path | None) -> str:
    h = hashlib.sha256()
    files = [bench / "mt-dev" / "gold.jsonl", bench / "mt21-dev" / "gold.jsonl",
             bench / "boilerplate-dev" / "labels.jsonl", (seeds or bench.parent / "seeds") / "gold.json"]
    files += sorted((bench / "clean-dev" / "docs").glob("*.txt"))
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def weak_rules(data: Mapping[str, object]) -> tuple[list[tuple[str, dict]], list[str]]:
    """Default (warning/error) rules below the bar: (measured and weak, rules with no judged finding)."""
    weak, none = [], []
    for code, e in data["rules"].items():  # type: ignore[union-attr]
        if e["severity"] == "info":
            continue
        n = e["tp"] + e["fp"]
        if n == 0:
            none.append(code)
        elif (e["precision"] or 0) < TARGET or e["support"] < MIN_SUPPORT:
            weak.append((code, e))
    return weak, none


def _f(x: object) -> str:
    return "-" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))


def markdown(data: Mapping[str, object]) -> str:
    about = data["about"]  # type: ignore[index]
    rules = data["rules"]  # type: ignore[index]
    names = {code: e.get("name", "") for code, e in rules.items()}  # type: ignore[union-attr]
    out = ["# Rule evidence", "",
           "<!-- generated by benchmarks/evidence.py from rules/evidence.yaml; do not edit -->", "",
           f"Measured {about['date']} on the development sets (data version `{about['data_version']}`) with "
           f"`{about['command']}`; {about['folds']} folds by source document. Sentences (as qa splits them): "
           f"{data['sentences']['clean']} of clean news, {data['sentences']['reference']} of human reference "  # type: ignore[index]
           "translations.", "",
           "A finding's `confidence` in qa's output is its rule's measured precision below, when the rule has "
           f"at least {MIN_JUDGED} judged findings; otherwise it is `null` (no or too little evidence).", "",
           "## How findings are judged", ""]
    out += [f"- **{s}**: {JUDGING[s]}" for s in SETS]
    out += ["", "Folds: a document's fold is `sha256(source document) mod k`: all systems' translations of one "
            "story and its reference (mt-dev, mt21-dev), and the scraped and the clean copy of one page, are in one "
            "fold. Precision is pooled over the held-out folds; for a rule with no fitted parameter that equals its "
            "in-fold precision, and the per-fold numbers show the spread. Support counts distinct source documents "
            "among the true positives.", "",
            f"Thresholds: {', '.join(f'{c} `{t.option}`' for c, t in sorted(TUNABLE.items()))} is fitted in-fold "
            f"(the loosest threshold at which at least {MIN_FIT} training findings reach precision {TARGET}) and applied to the held-out fold; its "
            "`tuned` numbers are out of fold. Phrase lists and lexicons are not refitted per fold: they were written "
            "before this measurement, so their numbers are what held-out text of the same kind would show only "
            "if they were not fitted to these documents; the per-set numbers and the support say how far to trust them.",
            ""]
    weak, none = weak_rules(data)
    out += ["## Default rules below the bar", "",
            f"Warning/error rules with out-of-fold precision < {TARGET} or support < {MIN_SUPPORT} source documents:", "",
            "| rule | name | severity | findings | TP | FP | precision | 95% interval | support |",
            "|---|---|---|---|---|---|---|---|---|"]
    for code, e in weak:
        iv = e["interval"]
        out.append(f"| {code} | {names.get(code, '')} | {e['severity']} | {e['findings']} | {e['tp']} | {e['fp']} | "
                   f"{_f(e['precision'])} | {_f(iv[0])}-{_f(iv[1])} | {e['support']} |")
    out += ["", f"{len(none)} warning/error rules have no judged finding on any set (no evidence either way): "
            + ", ".join(none) + ".", "",
            "## Every rule with findings", "",
            "| rule | name | severity | findings | TP | FP | precision | 95% interval | support | per 1k clean | per 1k ref | per set (TP/FP) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for code, e in rules.items():  # type: ignore[union-attr]
        if not e["findings"]:
            continue
        iv = e["interval"] or [None, None]
        sets = "; ".join(f"{s} {e['sets'][s]['tp']}/{e['sets'][s]['fp']}" for s in SETS if s in e["sets"])
        out.append(f"| {code} | {names.get(code, '')} | {e['severity']} | {e['findings']} | {e['tp']} | {e['fp']} | "
                   f"{_f(e['precision'])} | {_f(iv[0])}-{_f(iv[1])} | {e['support']} | "
                   f"{_f(e['per_1000_clean_sentences'])} | {_f(e['per_1000_reference_sentences'])} | {sets} |")
    for code, e in rules.items():  # type: ignore[union-attr]
        t = e.get("tuned")
        if t:
            out += ["", f"## {code}: threshold fitted in-fold", "",
                    f"Run with `{t['option']}` = {t['loose'][t['option']]} ({t['candidates_judged']} judged candidates), "
                    f"thresholds fitted per fold: {', '.join(_f(x) for x in t['thresholds'])} (shipped {t['shipped']}). "
                    f"Out of fold: {t['tp']} true / {t['fp']} false positives, precision {_f(t['precision'])}."]
    return "\n".join(out) + "\n"


def dump_yaml(data: Mapping[str, object]) -> str:
    head = ("# Rule evidence: generated by benchmarks/evidence.py (see docs/evidence.md); do not edit.\n"
            "# Per rule: out-of-fold precision, Wilson 95% interval, support (distinct source documents among\n"
            "# true positives), findings per 1,000 clean / reference sentences, numbers per set, and the\n"
            f"# confidence qa gives the rule's findings (null: fewer than {MIN_JUDGED} judged findings).\n")
    return head + yaml.safe_dump(data, sort_keys=True, allow_unicode=True, default_flow_style=None, width=110)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, type=Path)
    ap.add_argument("--seeds", type=Path, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "rules" / "evidence.yaml")
    ap.add_argument("--docs", type=Path, default=ROOT / "docs" / "evidence.md")
    ap.add_argument("--date", default=None, help="the measurement date written (default: today, UTC)")
    a = ap.parse_args(argv)
    if a.folds < 3:
        ap.error("--folds must be at least 3")
    result = compute(a.bench, a.seeds, a.folds, progress=lambda m: print(m, file=sys.stderr))
    data = {"version": 1,
            "about": {"command": COMMAND + (f" --folds {a.folds}" if a.folds != 5 else ""),
                      "date": a.date or _dt.datetime.now(_dt.timezone.utc).date().isoformat(),
                      "data_version": data_version(a.bench, a.seeds), "folds": a.folds,
                      "sets": list(SETS), "target_precision": TARGET, "min_support": MIN_SUPPORT,
                      "min_judged_for_confidence": MIN_JUDGED},
            "judging": dict(JUDGING), "sentences": result["sentences"], "rules": result["rules"]}
    from qa.fsutil import atomic_write_text

    atomic_write_text(a.out, dump_yaml(data))
    atomic_write_text(a.docs, markdown(data))
    weak, none = weak_rules(data)
    print(f"evidence: {len(data['rules'])} rules -> {a.out}, {a.docs}; {len(weak)} default rules below the bar, "
          f"{len(none)} without judged findings", file=sys.stderr)
    for code, e in weak:
        print(f"  {code} {e['severity']} P={_f(e['precision'])} ({e['tp']}/{e['fp']}) support={e['support']}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
