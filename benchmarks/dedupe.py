"""Near-duplicate documents: precision and recall on a corpus with known near-copies, signature
throughput, MinHash library comparison, 1 vs 2 workers.

    python benchmarks/dedupe.py --bench DATA [--out benchmarks/results/dedupe.md]

DATA holds ``clean-dev/docs``, ``boilerplate-dev/docs`` and ``mt21-dev/docs`` (only the human
reference documents, ``ref-A__*``, are used: the machine translations are eight versions of the
same articles). Every document longer than 80 words is an original, and each gets one
near-copy (an article that is in clean-dev and, as a scraped page, in boilerplate-dev, is taken
once: the two are near-duplicates of each other), made in one of these ways (in turn):

* ``sentence-edits``: two to four sentences deleted, duplicated or cut short;
* ``paragraphs-reordered``: the lines shuffled;
* ``header-changed``: the first line replaced by a site header (menu words and a date) and a
  footer line added;
* ``words-10``, ``words-20``, ``words-30``: that share of the words replaced by words of
  other documents.

Exact copies (whitespace and case changed) are added for a few originals too. The corpus is
written as JSON Lines in input order (originals first, copies shuffled after them) and checked
with ``qa check --select DUP101,DUP102``. A pair is found when the copy's finding names its
original (or the original's cluster); every other DUP1xx finding is a false positive.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("sentence-edits", "paragraphs-reordered", "header-changed", "words-10", "words-20", "words-30")
_SENT_RE = re.compile(r"(?<=[.!?])\s+")


def load(bench: Path) -> list[tuple[str, str]]:
    out = []
    seen: set[str] = set()  # the same article is in clean-dev and (as a scraped page) in boilerplate-dev
    for sub, pat in (("clean-dev/docs", "*.txt"), ("boilerplate-dev/docs", "*.txt"), ("mt21-dev/docs", "ref-A__*.txt")):
        for p in sorted((bench / sub).glob(pat)):
            text = p.read_text(encoding="utf-8")
            key = p.stem.split("-")[-1]
            if key in seen:
                continue
            seen.add(key)
            if len(text.split()) > 80:
                out.append((f"{sub.split('/')[0]}/{p.name}", text))
    return out


def sentence_edits(text: str, rng: random.Random, vocab: list[str]) -> str:
    sents = _SENT_RE.split(text)
    for _ in range(rng.randint(2, 4)):
        i = rng.randrange(len(sents))
        op = rng.choice(("delete", "duplicate", "cut"))
        if op == "delete" and len(sents) > 3:
            del sents[i]
        elif op == "duplicate":
            sents.insert(i, sents[i])
        else:
            w = sents[i].split()
            sents[i] = " ".join(w[: max(1, len(w) // 2)]) + "."
    return " ".join(sents)


def reorder(text: str, rng: random.Random, vocab: list[str]) -> str:
    lines = text.split("\n")
    rng.shuffle(lines)
    return "\n".join(lines)


def header(text: str, rng: random.Random, vocab: list[str]) -> str:
    lines = text.split("\n")
    menu = " | ".join(rng.sample(["Home", "News", "Sport", "Business", "Opinion", "Culture", "Travel", "Video"], 5))
    date = f"Updated {rng.randint(1, 28)} March {rng.randint(2015, 2024)}"
    return "\n".join([menu, date] + lines[1:] + ["Share this article | Contact us | Privacy policy"])


def words_changed(share: float):
    def fn(text: str, rng: random.Random, vocab: list[str]) -> str:
        parts = re.split(r"(\s+)", text)
        idx = [i for i in range(0, len(parts), 2) if parts[i]]
        for i in rng.sample(idx, int(len(idx) * share)):
            parts[i] = rng.choice(vocab)
        return "".join(parts)
    return fn


MAKERS = {"sentence-edits": sentence_edits, "paragraphs-reordered": reorder, "header-changed": header,
          "words-10": words_changed(0.10), "words-20": words_changed(0.20), "words-30": words_changed(0.30)}


def build(bench: Path, seed: int = 7):
    rng = random.Random(seed)
    docs = load(bench)
    vocab = sorted({w for _, t in docs for w in t.split() if w.isalpha()})
    records = [{"id": name, "text": text} for name, text in docs]
    truth: dict[str, tuple[str, str]] = {}
    copies = []
    chosen = list(range(len(docs)))
    rng.shuffle(chosen)
    for k, i in enumerate(chosen):
        kind = KINDS[k % len(KINDS)]
        name, text = docs[i]
        cid = f"copy-{k:04d}-{kind}"
        copies.append({"id": cid, "text": MAKERS[kind](text, rng, vocab)})
        truth[cid] = (name, kind)
    for k, i in enumerate(rng.sample(range(len(docs)), 10)):
        name, text = docs[i]
        cid = f"copy-exact-{k:02d}"
        copies.append({"id": cid, "text": "  " + text.upper().replace(" ", "  ") + "\n"})
        truth[cid] = (name, "exact")
    rng.shuffle(copies)
    return records + copies, truth


def score(results: list[dict], truth: dict[str, tuple[str, str]]):
    by_kind: dict[str, Counter] = {}
    fp = 0
    flagged = 0
    cluster_of = {}
    for rec in results:
        dup = rec.get("duplicate")
        if dup:
            cluster_of[rec["id"]] = dup["cluster"]
    for rec in results:
        cid = rec["id"]
        dup = rec.get("duplicate")
        if cid in truth:
            orig, kind = truth[cid]
            c = by_kind.setdefault(kind, Counter())
            c["n"] += 1
        if not dup:
            continue
        flagged += 1
        if cid in truth:
            orig = truth[cid][0]
            ok = dup["of"] == orig or dup["cluster"] == cluster_of.get(orig, orig)
            if ok:
                by_kind[truth[cid][1]]["found"] += 1
            else:
                fp += 1
        else:
            fp += 1
    return by_kind, flagged, fp


def run_qa(corpus: Path, jobs: int, extra: list[str]) -> tuple[list[dict], float, bytes]:
    out = corpus.with_suffix(f".{jobs}.out.jsonl")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qa", "check", str(corpus), "--select", "DUP101,DUP102", "--format",
                    "jsonl", "-o", str(out), "-q", "--fail-on", "never", "--no-cache", "--isolated", "-j", str(jobs),
                    *extra], check=True, cwd=ROOT)
    secs = time.perf_counter() - t
    data = out.read_bytes()
    return [json.loads(x) for x in data.decode("utf-8").splitlines()], secs, data


def throughput(records: list[dict]) -> dict[str, float]:
    from qa.minhash import NUM_PERM, SEED, shingles, signature, words

    texts = [r["text"] for r in records] * 4
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    t = time.perf_counter()
    for x in texts:
        signature(words(x))
    qa_secs = time.perf_counter() - t
    out = {"qa signature (normalise, shingle, rensa)": mb / qa_secs}
    sh = [shingles(words(x)) for x in texts]
    from rensa import RMinHash

    t = time.perf_counter()
    for s in sh:
        m = RMinHash(NUM_PERM, SEED)
        m.update(s)
        m.digest()
    out["rensa RMinHash only"] = mb / (time.perf_counter() - t)
    try:
        from datasketch import MinHash

        t = time.perf_counter()
        part = sh[: len(sh) // 4]
        for s in part:
            m = MinHash(num_perm=NUM_PERM, seed=SEED)
            m.update_batch([x.encode("utf-8") for x in s])
            m.digest()
        out["datasketch MinHash.update_batch only"] = (mb / 4) / (time.perf_counter() - t)
    except ImportError:  # pragma: no cover
        pass
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "dedupe.md")
    args = ap.parse_args()
    records, truth = build(args.bench)
    with tempfile.TemporaryDirectory(prefix="qa-dedupe-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        res1, secs1, bytes1 = run_qa(corpus, 1, [])
        res2, secs2, bytes2 = run_qa(corpus, 2, [])
    by_kind, flagged, fp = score(res1, truth)
    found = sum(c["found"] for c in by_kind.values())
    n = sum(c["n"] for c in by_kind.values())
    tp = flagged - fp
    lines = ["# Near-duplicate benchmark", "",
             f"Corpus: {len(records) - len(truth)} originals, {len(truth)} copies ({len(records)} documents). "
             f"`qa check --select DUP101,DUP102`: {secs1:.1f} s with 1 worker, {secs2:.1f} s with 2.", "",
             "| copies made by | copies | found | recall |", "|---|---|---|---|"]
    for kind in (*KINDS, "exact"):
        c = by_kind.get(kind, Counter())
        lines.append(f"| {kind} | {c['n']} | {c['found']} | {c['found'] / max(1, c['n']):.3f} |")
    lines += [f"| **all** | {n} | {found} | {found / max(1, n):.3f} |", "",
              f"Documents flagged: {flagged}; correct (the copy names its original or its cluster): {tp}; "
              f"false positives: {fp}; precision {tp / max(1, flagged):.3f}, recall {found / max(1, n):.3f}.", "",
              f"1 vs 2 workers: JSON Lines output {'byte-identical' if bytes1 == bytes2 else 'DIFFERENT'}.", "",
              "## Signature throughput (one core)", "", "| step | MB/s |", "|---|---|"]
    for k, v in throughput(records).items():
        lines.append(f"| {k} | {v:.1f} |")
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
