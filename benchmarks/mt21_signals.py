"""Candidate monolingual fluency signals on the WMT21 zh-en MQM development set, fitted in-fold.

For each signal (a count per segment) the threshold is fitted on two of three folds (grouped by
source document, so all systems' translations of one story share a fold): the lowest threshold
whose in-fold precision is at least ``--target`` (0.8) with true positives from at least three
source documents. It is then applied to the third fold, and the folds rotate. The report gives,
per signal, the out-of-fold flagged share, precision and support, and the share of reference
segments (WMT21 ``ref-A`` and the mt-dev human references) and of clean-dev lines the fitted
thresholds flag.

Signals (none of them is a rule; a signal becomes one only if it holds out of fold):

- ``bigram_unseen``: adjacent word pairs, both words frequent, missing from the English bigram
  list that ships with ``symspellpy`` (243k pairs; skipped when the package is absent);
- ``function_pair_unseen``: the same for two function words ("of may", "the may");
- ``repeated_word``: a content word repeated within two words ("development development");
- ``parallel_repeat``: the same, counted only between words with no punctuation or number in
  between and no function word in the middle ("flood prevention flood control", a Chinese
  parallel phrase kept word for word; not "side by side", not "25 points. Davis 17 points");
- ``repeated_trigram``: a word trigram (not all function words) repeated in the segment;
- ``lower_nonword``: a lower-case word of four letters or more unknown to ``wordfreq``;
- ``unbalanced_quotes``: an odd number of straight quotes, or unpaired curly quotes/brackets;
- ``length_words``: the segment's length in words (a reference point: long segments hold more
  errors, but length is not a fluency error).

    python benchmarks/mt21_signals.py BENCH_DIR [--json out.json]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import re
import sys

from wordfreq import zipf_frequency

from qa.checks.boilerplate_layout import STOPWORDS

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_LOWER = re.compile(r"(?<![\w'’-])[a-z]{4,}(?![\w'’-])")
_TOKEN = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*|\d[\d.,]*|[^\w\s]")


def _symspell():
    try:
        import symspellpy
    except ImportError:
        return None, None
    d = os.path.dirname(symspellpy.__file__)
    bi, uni = set(), {}
    with open(os.path.join(d, "frequency_bigramdictionary_en_243_342.txt"), encoding="utf-8") as fh:
        for line in fh:
            a, b, _c = line.split()
            bi.add((a, b))
    with open(os.path.join(d, "frequency_dictionary_en_82_765.txt"), encoding="utf-8") as fh:
        for line in fh:
            a, c = line.split()
            uni[a] = int(c)
    return bi, uni


BIGRAMS, UNIGRAMS = _symspell()


def features(text: str) -> dict[str, int]:
    words = [w.lower() for w in _WORD.findall(text)]
    out = {"length_words": len(words)}
    if BIGRAMS is not None:
        known = [(a, b) for a, b in zip(words, words[1:]) if a in UNIGRAMS and b in UNIGRAMS]
        common = [(a, b) for a, b in known if UNIGRAMS[a] > 2e7 and UNIGRAMS[b] > 2e7]
        out["bigram_unseen"] = sum(1 for p in common if p not in BIGRAMS)
        out["function_pair_unseen"] = sum(1 for a, b in known if a in STOPWORDS and b in STOPWORDS
                                          and (a, b) not in BIGRAMS)
    out["repeated_word"] = sum(1 for i, w in enumerate(words) for j in (1, 2)
                               if i + j < len(words) and w == words[i + j] and w not in STOPWORDS and len(w) > 3)
    low = [t.lower() for t in _TOKEN.findall(text)]
    out["parallel_repeat"] = sum(
        1 for i in range(len(low) - 1)
        if low[i].isalpha() and low[i] not in STOPWORDS and len(low[i]) > 3
        and (low[i + 1] == low[i] or (i + 2 < len(low) and low[i + 2] == low[i] and low[i + 1].isalpha()
                                        and low[i + 1] not in STOPWORDS)))
    tri = collections.Counter(zip(words, words[1:], words[2:]))
    out["repeated_trigram"] = sum(1 for k, v in tri.items() if v > 1 and not all(x in STOPWORDS for x in k))
    out["lower_nonword"] = sum(1 for w in _LOWER.findall(text) if zipf_frequency(w, "en") == 0
                               and (UNIGRAMS is None or w not in UNIGRAMS))
    out["unbalanced_quotes"] = (text.count('"') % 2) + (text.count("“") != text.count("”")) + (text.count("(") != text.count(")"))
    return out


def _fold_of(groups, k):
    keys = sorted(set(groups), key=lambda g: hashlib.sha1(g.encode()).hexdigest())
    return {g: i % k for i, g in enumerate(keys)}


def _fit(rows, key, target, min_support):
    """The lowest threshold with precision >= target and support >= min_support on ``rows``."""
    values = sorted({r["f"][key] for r in rows if r["f"][key] > 0})
    for th in values:
        fl = [r for r in rows if r["f"][key] >= th]
        tp = [r for r in fl if r["pos"]]
        if fl and len(tp) / len(fl) >= target and len({r["doc"] for r in tp}) >= min_support:
            return th
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench")
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--target", type=float, default=0.8)
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    mt, ref = [], []
    with open(os.path.join(a.bench, "mt21-dev", "gold.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            with open(os.path.join(a.bench, "mt21-dev", "docs", d["doc"]), encoding="utf-8") as f2:
                text = f2.read()
            for s in d["segments"]:
                if s.get("mqm_score") is None:
                    continue
                r = {"doc": d["src_doc"], "pos": bool(s["has_major"]), "f": features(text[s["start"]:s["end"]])}
                (ref if d["kind"] == "reference" else mt).append(r)
    others = []  # mt-dev references and clean-dev lines: all negatives
    with open(os.path.join(a.bench, "mt-dev", "gold.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["kind"] != "reference":
                continue
            with open(os.path.join(a.bench, "mt-dev", "docs", d["doc"]), encoding="utf-8") as f2:
                text = f2.read()
            others += [{"set": "mt-dev refs", "f": features(text[s["start"]:s["end"]])} for s in d["segments"]]
    cdir = os.path.join(a.bench, "clean-dev", "docs")
    for name in sorted(os.listdir(cdir)):
        with open(os.path.join(cdir, name), encoding="utf-8") as f2:
            others += [{"set": "clean-dev", "f": features(x)} for x in f2.read().split("\n") if len(x.split()) >= 6]
    fold = _fold_of([r["doc"] for r in mt], a.k)
    keys = sorted(mt[0]["f"])
    print(f"mt21 MT segments {len(mt)}, base rate {sum(r['pos'] for r in mt) / len(mt):.3f}; "
          f"symspellpy bigrams: {'yes' if BIGRAMS is not None else 'not installed'}")
    print(f"{'signal':22} {'thresholds':12} {'flagged':>8} {'share':>6} {'P':>6} {'support':>7} "
          f"{'ref-A':>6} {'mt-dev refs':>11} {'clean lines':>11}")
    results = {}
    for key in keys:
        ths, fl, tp, docs = [], 0, 0, set()
        ref_fl, oth = 0, collections.Counter()
        for f in range(a.k):
            train = [r for r in mt if fold[r["doc"]] != f]
            test = [r for r in mt if fold[r["doc"]] == f]
            th = _fit(train, key, a.target, 3)
            ths.append(th)
            if th is None:
                continue
            hit = [r for r in test if r["f"][key] >= th]
            fl += len(hit)
            tp += sum(r["pos"] for r in hit)
            docs |= {r["doc"] for r in hit if r["pos"]}
            ref_fl += sum(1 for r in ref if r["f"][key] >= th)
            for o in others:
                oth[o["set"]] += o["f"][key] >= th
        nref = len(ref) * sum(1 for t in ths if t is not None) or 1
        nfit = sum(1 for t in ths if t is not None) or 1
        n_other = collections.Counter(o["set"] for o in others)
        row = {"thresholds": ths, "flagged": fl, "share": fl / len(mt), "precision": tp / fl if fl else None,
               "support": len(docs), "ref_share": ref_fl / nref,
               "mtdev_ref_share": oth["mt-dev refs"] / (n_other["mt-dev refs"] * nfit),
               "clean_share": oth["clean-dev"] / (n_other["clean-dev"] * nfit)}
        results[key] = row
        p = f"{row['precision']:.3f}" if row["precision"] is not None else "-"
        print(f"{key:22} {','.join(str(t) for t in ths):12} {fl:8d} {100 * row['share']:5.1f}% {p:>6} "
              f"{row['support']:7d} {100 * row['ref_share']:5.1f}% {100 * row['mtdev_ref_share']:10.1f}% "
              f"{100 * row['clean_share']:10.1f}%")
    if a.json:
        with open(a.json + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=1, sort_keys=True)
        os.replace(a.json + ".tmp", a.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
