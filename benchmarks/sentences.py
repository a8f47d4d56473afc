"""Sentence splitter comparison: accuracy on the tricky cases of the test suite and speed.

    python benchmarks/sentences.py --corpus DIR [DIR ...] [--mb 5]

Builds a corpus of about --mb megabytes by repeating the .txt files found in the folders, then
times qa's splitter and, when installed in the running interpreter, pysbd and blingfire.
Writes benchmarks/results/sentences.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from qa.document import split_sentences  # noqa: E402


def load_tricky():
    spec = importlib.util.spec_from_file_location("td", ROOT / "tests" / "test_document.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["pytest"] = sys.modules.get("pytest") or type(sys)("pytest")
    if not hasattr(sys.modules["pytest"], "mark"):
        class _M:
            def __getattr__(self, name):
                return lambda *a, **k: (lambda f: f)
        sys.modules["pytest"].mark = _M()
    spec.loader.exec_module(mod)
    return mod.TRICKY


def splitters():
    out = {"qa (compiled regex + abbreviations)": lambda t: [t[a:b] for a, b in split_sentences(t)]}
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        out["pysbd"] = lambda t: [s.strip() for s in seg.segment(t) if s.strip()]
    except ImportError:
        pass
    try:
        import blingfire

        out["blingfire"] = lambda t: [s for s in blingfire.text_to_sentences(t).split("\n") if s]
    except ImportError:
        pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", nargs="+", required=True)
    ap.add_argument("--mb", type=float, default=5.0)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "sentences.md"))
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for d in args.corpus for p in sorted(Path(d).glob("*.txt"))]
    base = "\n\n".join(texts)
    reps = max(1, int(args.mb * 1e6 / max(1, len(base.encode()))))
    paras = (base + "\n\n").split("\n\n") * reps
    size = sum(len(p.encode()) for p in paras) / 1e6
    tricky = load_tricky()
    rows = []
    for name, fn in splitters().items():
        ok = sum(1 for text, exp in tricky if fn(text) == exp)
        # split paragraph by paragraph (how qa uses it): sentence splitting never crosses one
        t0 = time.perf_counter()
        n = 0
        for p in paras:
            n += len(fn(p))
        dt = time.perf_counter() - t0
        rows.append((name, ok, len(tricky), size / dt, n))
        print(f"{name}: {ok}/{len(tricky)} tricky cases, {size / dt:.2f} MB/s, {n} sentences", flush=True)
    lines = ["# Sentence splitters", "", f"Corpus: {size:.1f} MB (repeated news text), split paragraph by paragraph.", "",
             "| splitter | tricky cases | MB/s | sentences |", "|---|---|---|---|"]
    lines += [f"| {n} | {ok}/{tot} | {mbs:.2f} | {cnt} |" for n, ok, tot, mbs, cnt in rows]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
