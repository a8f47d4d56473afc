"""Per-rule precision across k folds grouped by source document, on the development sets.

Runs qa once per development set (or reads JSON Lines it wrote earlier) and scores every rule
with the scorers that ship with the benchmark sets, so a true positive means what the scorer
says it means:

- mt-dev (WMT23 news, TED, MLQE-PE): a flagged segment is a true positive when it holds a Major
  error (news: called Major by at least ``--min-major-raters`` raters); reference segments
  flagged are false positives;
- mt21-dev (WMT21 zh-en, segment MQM): a flagged segment is a true positive when its MQM score
  is <= -5; all systems' translations of one source document share a fold;
- boilerplate-dev: a line flagged by a boilerplate finding is a true positive when it is
  labelled boilerplate (content lines flagged are false positives; meta lines are ignored);
- clean-dev: every warning is a false positive;
- seeds: ``score_seeds.py`` is run as it is.

Folds: the groups (the source document of an MT segment, the site of a page) are sorted by a
hash and dealt round-robin into k folds. A rule with fixed thresholds has the same precision
in-fold and out-of-fold; what the folds show is whether it holds in every part of the data
(``precision per fold``) and on how many independent documents its true positives rest
(``support``).

    python benchmarks/folds.py BENCH_DIR --seeds SEEDS_DIR --run OUT_DIR [--json out.json]
    python benchmarks/folds.py BENCH_DIR --preds OUT_DIR      # reuse OUT_DIR/{set}.jsonl
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from urllib.parse import urlparse

SETS = ("mt-dev", "mt21-dev", "boilerplate-dev", "clean-dev")
SEV = {"info": 0, "warning": 1, "error": 2}


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_jsonl(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def base(p):
    return str(p.get("path") or p.get("id") or "").replace("\\", "/").rstrip("/").split("/")[-1]


def fold_of(groups, k):
    keys = sorted(set(groups), key=lambda g: hashlib.sha1(g.encode()).hexdigest())
    return {g: i % k for i, g in enumerate(keys)}


def run_qa(docs, out, python=sys.executable, extra=()):
    cmd = [python, "-m", "qa", "check", docs, "--format", "jsonl", "-o", out, "--isolated", "-q",
           "--fail-on", "never", "--no-cache", *extra]
    subprocess.run(cmd, check=True)


def rate(tp, n):
    return round(tp / n, 3) if n else None


def new_row():
    return {"severity": set(), "flagged": [0] * 0, "tp": [], "docs": set(), "ref": 0, "clean": 0}


class Rows:
    """rule -> per-fold flagged/tp, support groups, reference and clean counts."""

    def __init__(self, k):
        self.k = k
        self.r = collections.defaultdict(lambda: {"severity": set(), "flagged": [0] * k, "tp": [0] * k,
                                                  "support": set(), "ref": 0, "clean": 0})

    def add(self, rule, sev, fold, pos, group):
        row = self.r[rule]
        row["severity"].add(sev)
        row["flagged"][fold] += 1
        if pos:
            row["tp"][fold] += 1
            row["support"].add(group)

    def out(self):
        res = {}
        for rule, row in sorted(self.r.items()):
            fl, tp = sum(row["flagged"]), sum(row["tp"])
            res[rule] = {"severity": "/".join(sorted(row["severity"])) or "-", "flagged": fl, "tp": tp,
                         "precision": rate(tp, fl),
                         "precision_per_fold": [rate(t, f) for t, f in zip(row["tp"], row["flagged"])],
                         "flagged_per_fold": row["flagged"], "support": len(row["support"]),
                         "reference_segments": row["ref"], "clean": row["clean"]}
        return res


# ---------------------------------------------------------------- MT (WMT23 news / TED / MLQE)
def score_mt_dev(sm, gold, preds, k, min_major_raters=2, min_sev="info"):
    by = collections.defaultdict(list)
    for p in preds:
        by[base(p)].extend(p.get("findings") or [])
    fold = fold_of([d.get("split_unit") or d["doc"] for d in gold], k)
    rows = Rows(k)
    totals = [collections.Counter() for _ in range(k)]
    for d in gold:
        g = d.get("split_unit") or d["doc"]
        fo = fold[g]
        news = d.get("source") == "mqm-zhen-wmt23-news"
        opt = sm.Options(min_pred_severity="info", min_major_raters=min_major_raters if news else 1)
        segs = d["segments"]
        per_seg = [collections.defaultdict(str) for _ in segs]   # rule -> max severity
        cnt = collections.Counter()
        for f in by.get(d["doc"], []):
            if not sm.keep_finding(f, opt, cnt):
                continue
            loc = sm.locate(f, segs)
            if loc is None:
                continue
            for i in loc[1]:
                sev = str(f.get("severity") or "info")
                old = per_seg[i].get(f["rule"])
                if old is None or SEV[sev] > SEV[old]:
                    per_seg[i][f["rule"]] = sev
        for i, sg in enumerate(segs):
            _, _, pos = sm.segment_gold(sg, opt)
            warned = any(SEV[s] >= 1 for s in per_seg[i].values())
            t = totals[fo]
            if d.get("kind") == "reference":
                t["ref_segs"] += 1
                t["ref_flagged"] += warned
                for rule in per_seg[i]:
                    rows.r[rule]["ref"] += 1
                    rows.r[rule]["severity"].add(per_seg[i][rule])
                continue
            if not d.get("annotated", True):
                continue
            key = "news" if news else "other"
            t[key + "_segs"] += 1
            t[key + "_pos"] += pos
            t[key + "_flagged"] += warned
            t[key + "_tp"] += warned and pos
            for rule, sev in per_seg[i].items():
                rows.add(rule, sev, fo, pos, g)
    return rows.out(), [dict(t) for t in totals]


# ---------------------------------------------------------------- MT21 (segment MQM)
def score_mt21(sm, gold, preds, k):
    by = collections.defaultdict(list)
    for p in preds:
        by[base(p)].extend(p.get("findings") or [])
    fold = fold_of([d.get("src_doc") or d["doc"] for d in gold], k)
    opt = sm.Options(min_pred_severity="info")
    rows = Rows(k)
    totals = [collections.Counter() for _ in range(k)]
    for d in gold:
        g = d.get("src_doc") or d["doc"]
        fo = fold[g]
        segs = d["segments"]
        per_seg = [dict() for _ in segs]
        cnt = collections.Counter()
        for f in by.get(d["doc"], []):
            if not sm.keep_finding(f, opt, cnt):
                continue
            hits = sm.locate(f, segs)
            if hits is None:
                continue
            for i in hits:
                sev = str(f.get("severity") or "info")
                old = per_seg[i].get(f["rule"])
                if old is None or SEV[sev] > SEV[old]:
                    per_seg[i][f["rule"]] = sev
        for i, sg in enumerate(segs):
            if sg.get("mqm_score") is None:
                continue
            pos = bool(sg.get("has_major"))
            warned = any(SEV[s] >= 1 for s in per_seg[i].values())
            t = totals[fo]
            if d.get("kind") == "reference":
                t["ref_segs"] += 1
                t["ref_flagged"] += warned
                for rule, sev in per_seg[i].items():
                    rows.r[rule]["ref"] += 1
                    rows.r[rule]["severity"].add(sev)
                continue
            t["segs"] += 1
            t["pos"] += pos
            t["flagged"] += warned
            t["tp"] += warned and pos
            for rule, sev in per_seg[i].items():
                rows.add(rule, sev, fo, pos, g)
    return rows.out(), [dict(t) for t in totals]


# ---------------------------------------------------------------- boilerplate
def site(d):
    u = d.get("url") or ""
    host = urlparse(u).netloc.lower()
    return host[4:] if host.startswith("www.") else (host or d["doc"])


def score_boilerplate(sb, labels, preds, k):
    by_rule = collections.defaultdict(lambda: collections.defaultdict(list))
    for p in preds:
        for f in p.get("findings") or []:
            if f.get("category") != "boilerplate":
                continue
            by_rule[base(p)][(f["rule"], f.get("severity", "info"))].append((int(f["start"]), int(f["end"])))
    fold = fold_of([site(d) for d in labels], k)
    rows = Rows(k)
    totals = [collections.defaultdict(collections.Counter) for _ in range(k)]
    for d in labels:
        g = site(d)
        fo = fold[g]
        src = d.get("source", "all")
        rules = by_rule.get(d["doc"], {})
        # as the scorer does: every boilerplate finding, whatever its severity
        all_iv = sorted(iv for ivs in rules.values() for iv in ivs)
        for ln in d["lines"]:
            s, e, lab = ln["start"], ln["end"], ln["label"]
            if e <= s or lab == "meta":
                continue
            gold = lab == "boilerplate"
            pred = sb.union_len(all_iv, s, e) >= 0.5 * (e - s)
            t = totals[fo][src]
            t["bp" if gold else "content"] += 1
            t[("tp" if gold else "fp") if pred else ("fn" if gold else "tn")] += 1
            for (rule, sev), ivs in rules.items():
                if sb.union_len(sorted(ivs), s, e) >= 0.5 * (e - s):
                    rows.add(rule, sev, fo, gold, g)
    return rows.out(), [{s: dict(c) for s, c in t.items()} for t in totals]


SENT = re.compile(r"[.!?][\"'\u201d\u2019)]*(?=\s|$)")


def score_clean(docs_dir, preds):
    by = {base(p): p.get("findings") or [] for p in preds}
    rules = collections.defaultdict(lambda: {"severity": set(), "findings": 0})
    sentences = warnings = lines = 0
    for name in sorted(os.listdir(docs_dir)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(docs_dir, name), encoding="utf-8") as fh:
            text = fh.read()
        for line in text.split("\n"):
            if line.strip():
                lines += 1
                sentences += max(1, len(SENT.findall(line)))
        for f in by.get(name, []):
            rules[f["rule"]]["findings"] += 1
            rules[f["rule"]]["severity"].add(f.get("severity", "info"))
            warnings += SEV.get(f.get("severity", "info"), 0) >= 1
    return {"sentences": sentences, "lines": lines, "warnings": warnings,
            "warnings_per_100_sentences": round(100 * warnings / max(1, sentences), 3),
            "rules": {r: {"severity": "/".join(sorted(v["severity"])), "findings": v["findings"]}
                      for r, v in sorted(rules.items())}}


# ---------------------------------------------------------------- report
def summarise(res):
    out = []
    w = out.append
    mt = res.get("mt-dev")
    if mt:
        w("## mt-dev (news: Major by >= %d raters; warning+)" % res["min_major_raters"])
        for i, t in enumerate(mt["folds"]):
            w("fold %d: news flagged %d/%d  P=%s | other flagged %d P=%s | reference flagged %d/%d (%.1f%%)" % (
                i, t.get("news_flagged", 0), t.get("news_segs", 0), rate(t.get("news_tp", 0), t.get("news_flagged", 0)),
                t.get("other_flagged", 0), rate(t.get("other_tp", 0), t.get("other_flagged", 0)),
                t.get("ref_flagged", 0), t.get("ref_segs", 0), 100 * t.get("ref_flagged", 0) / max(1, t.get("ref_segs", 0))))
        a = collections.Counter()
        for t in mt["folds"]:
            a.update(t)
        w("all:    news flagged %d P=%s | reference flagged %.2f%%" % (
            a["news_flagged"], rate(a["news_tp"], a["news_flagged"]), 100 * a["ref_flagged"] / max(1, a["ref_segs"])))
    m21 = res.get("mt21-dev")
    if m21:
        w("## mt21-dev (positive = MQM <= -5; warning+)")
        a = collections.Counter()
        for i, t in enumerate(m21["folds"]):
            a.update(t)
            w("fold %d: flagged %d/%d (%.1f%%) P=%s | reference flagged %.1f%%" % (
                i, t.get("flagged", 0), t.get("segs", 0), 100 * t.get("flagged", 0) / max(1, t.get("segs", 0)),
                rate(t.get("tp", 0), t.get("flagged", 0)), 100 * t.get("ref_flagged", 0) / max(1, t.get("ref_segs", 0))))
        w("all:    flagged %d/%d (%.1f%%) P=%s | reference flagged %.1f%%" % (
            a["flagged"], a["segs"], 100 * a["flagged"] / max(1, a["segs"]), rate(a["tp"], a["flagged"]),
            100 * a["ref_flagged"] / max(1, a["ref_segs"])))
    bp = res.get("boilerplate-dev")
    if bp:
        w("## boilerplate-dev (lines flagged by any boilerplate finding: recall / content lines flagged)")
        agg = collections.defaultdict(collections.Counter)
        for i, t in enumerate(bp["folds"]):
            for src, c in sorted(t.items()):
                agg[src].update(c)
                w("fold %d %-12s R=%s content flagged=%.2f%%" % (i, src, rate(c.get("tp", 0), c.get("bp", 0)),
                                                                 100 * c.get("fp", 0) / max(1, c.get("content", 0))))
        for src, c in sorted(agg.items()):
            w("all    %-12s R=%s content flagged=%.2f%%" % (src, rate(c["tp"], c["bp"]), 100 * c["fp"] / max(1, c["content"])))
    cl = res.get("clean-dev")
    if cl:
        w("## clean-dev: %d warnings in %d sentences = %.2f per 100; rules: %s" % (
            cl["warnings"], cl["sentences"], cl["warnings_per_100_sentences"],
            ", ".join("%s(%s)x%d" % (r, v["severity"], v["findings"]) for r, v in cl["rules"].items())))
    if res.get("seeds"):
        w("## " + res["seeds"])
    w("")
    w("| set | rule | sev | flagged | TP | P | P per fold | support | ref segs | clean |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    cl_rules = (cl or {}).get("rules", {})
    for name in ("mt-dev", "mt21-dev", "boilerplate-dev"):
        if name not in res:
            continue
        for rule, r in sorted(res[name]["rules"].items(), key=lambda kv: -kv[1]["flagged"]):
            if r["flagged"] == 0 and r["reference_segments"] == 0:
                continue
            w("| %s | %s | %s | %d | %d | %s | %s | %d | %d | %d |" % (
                name, rule, r["severity"], r["flagged"], r["tp"], r["precision"],
                " ".join(str(p) for p in r["precision_per_fold"]), r["support"], r["reference_segments"],
                cl_rules.get(rule, {}).get("findings", 0)))
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", help="folder with mt-dev/, mt21-dev/, boilerplate-dev/, clean-dev/ and the scorers")
    ap.add_argument("--seeds", help="seeds folder (with gold.json)")
    ap.add_argument("--run", metavar="OUT_DIR", help="run qa and write OUT_DIR/{set}.jsonl")
    ap.add_argument("--preds", metavar="DIR", help="read DIR/{set}.jsonl instead of running qa")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--min-major-raters", type=int, default=2)
    ap.add_argument("--json", help="write everything as JSON here")
    ap.add_argument("--md", help="write the summary as Markdown here")
    a = ap.parse_args(argv)
    if not (a.run or a.preds):
        ap.error("give --run OUT_DIR or --preds DIR")
    pdir = a.run or a.preds
    sets = [s for s in a.sets.split(",") if s]
    if a.seeds and "seeds" not in sets:
        sets.append("seeds")
    if a.run:
        os.makedirs(pdir, exist_ok=True)
        for s in sets:
            docs = a.seeds if s == "seeds" else os.path.join(a.bench, s, "docs")
            run_qa(docs, os.path.join(pdir, s + ".jsonl"))
    res = {"k": a.k, "min_major_raters": a.min_major_raters}
    P = lambda s: load_jsonl(os.path.join(pdir, s + ".jsonl"))  # noqa: E731
    if "mt-dev" in sets:
        sm = load_module(os.path.join(a.bench, "score_mt.py"), "score_mt")
        rules, folds = score_mt_dev(sm, load_jsonl(os.path.join(a.bench, "mt-dev", "gold.jsonl")), P("mt-dev"), a.k,
                                    a.min_major_raters)
        res["mt-dev"] = {"rules": rules, "folds": folds}
    if "mt21-dev" in sets:
        sm = load_module(os.path.join(a.bench, "score_mt21.py"), "score_mt21")
        rules, folds = score_mt21(sm, load_jsonl(os.path.join(a.bench, "mt21-dev", "gold.jsonl")), P("mt21-dev"), a.k)
        res["mt21-dev"] = {"rules": rules, "folds": folds}
    if "boilerplate-dev" in sets:
        sb = load_module(os.path.join(a.bench, "score_boilerplate.py"), "score_boilerplate")
        rules, folds = score_boilerplate(sb, load_jsonl(os.path.join(a.bench, "boilerplate-dev", "labels.jsonl")),
                                         P("boilerplate-dev"), a.k)
        res["boilerplate-dev"] = {"rules": rules, "folds": folds}
    if "clean-dev" in sets:
        res["clean-dev"] = score_clean(os.path.join(a.bench, "clean-dev", "docs"), P("clean-dev"))
    if "seeds" in sets and a.seeds:
        lines = []
        for only in ("must", "all"):
            r = subprocess.run([sys.executable, os.path.join(a.bench, "score_seeds.py"), os.path.join(a.seeds, "gold.json"),
                                os.path.join(pdir, "seeds.jsonl"), "--only", only], capture_output=True, text=True)
            lines.append((r.stdout + r.stderr).strip().splitlines()[-1:])
        res["seeds"] = "; ".join(x[0] for x in lines if x)
    text = summarise(res)
    print(text)
    if a.md:
        with open(a.md + ".tmp", "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        os.replace(a.md + ".tmp", a.md)
    if a.json:
        with open(a.json + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(res, fh, indent=1, sort_keys=True, default=sorted)
        os.replace(a.json + ".tmp", a.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
