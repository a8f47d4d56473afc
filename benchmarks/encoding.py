"""Encoding rules: silence on clean text, recall and exact repair on synthetic damage.

    python benchmarks/encoding.py --bench DATA [--out benchmarks/results/encoding.md]

DATA is a folder with ``clean-dev/docs``, ``mt21-dev/docs`` and ``boilerplate-dev/docs`` (``.txt``
files). For each set:

1. the encoding rules (``--select encoding``) run on the text as it is: findings per set;
2. every line that the damage changes is damaged, in four ways, one document per way:
   UTF-8 bytes decoded as Windows-1252 (as browsers do: bytes undefined there become C1
   controls), as Latin-1, twice as Windows-1252 (double-encoded), and HTML escaping
   (``&amp;``, ``&quot;``, and every non-ASCII character as a numeric reference ``&#8217;``).
   Lines that already hold an encoding finding are left out.
   *found*: the damaged line holds an encoding finding; *fixed*: applying the safe fixes of the
   encoding rules (what ``qa clean`` does) gives back the original line exactly;
   *false alarms*: encoding findings on undamaged lines of the damaged documents.
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ftfy.bad_codecs  # noqa: E402,F401

from qa.config import Settings  # noqa: E402
from qa.engine import check_document, make_plan  # noqa: E402
from qa.fixes import clean_document_text  # noqa: E402
from qa.readers import make_document  # noqa: E402

SETS = ("clean-dev/docs", "mt21-dev/docs", "boilerplate-dev/docs")


def cp1252(s: str) -> str:
    return s.encode("utf-8").decode("sloppy-windows-1252")


def latin1(s: str) -> str:
    return s.encode("utf-8").decode("latin-1")


def double(s: str) -> str:
    return cp1252(cp1252(s))


def entities(s: str) -> str:
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in html.escape(s, quote=True))


DAMAGE = {"utf-8 as cp1252": cp1252, "utf-8 as latin-1": latin1, "double cp1252": double,
          "html escaped": entities}


def lines_with_findings(text: str, findings) -> set[int]:
    starts = [0]
    for i, c in enumerate(text):
        if c == "\n":
            starts.append(i + 1)
    from bisect import bisect_right

    out: set[int] = set()
    for f in findings:
        a = bisect_right(starts, f.start) - 1
        b = bisect_right(starts, max(f.start, f.end - 1)) - 1
        out.update(range(a, b + 1))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "encoding.md")
    args = ap.parse_args()
    plan = make_plan(Settings(select=("encoding",)))

    def check(t: str):
        return check_document(make_document(t), plan)

    rows_clean: list[str] = []
    stats: dict[str, Counter] = {k: Counter() for k in DAMAGE}
    t0 = time.perf_counter()
    n_bytes = 0
    for sub in SETS:
        folder = args.bench / sub
        files = sorted(folder.glob("*.txt"))
        docs_with = Counter()
        docs: set[str] = set()
        n_findings = 0
        for p in files:
            text = p.read_text(encoding="utf-8")
            n_bytes += len(text.encode("utf-8"))
            found = check(text)
            n_findings += len(found)
            for f in found:
                docs_with[f.rule] += 1
                docs.add(p.name)
            skip = lines_with_findings(text, found)
            lines = text.split("\n")
            for kind, fn in DAMAGE.items():
                st = stats[kind]
                damaged_idx = [i for i, ln in enumerate(lines) if i not in skip and fn(ln) != ln]
                if not damaged_idx:
                    continue
                bad_lines = list(lines)
                for i in damaged_idx:
                    bad_lines[i] = fn(lines[i])
                bad_text = "\n".join(bad_lines)
                got = check(bad_text)
                flagged = lines_with_findings(bad_text, got)
                fixed_lines = clean_document_text(bad_text, check, unsafe=False).text.split("\n")
                dset = set(damaged_idx)
                st["lines"] += len(damaged_idx)
                st["found"] += len(dset & flagged)
                st["false_alarm_lines"] += len(flagged - dset - skip)
                st["clean_lines"] += len(lines) - len(dset | skip)
                if len(fixed_lines) == len(lines):
                    st["fixed"] += sum(fixed_lines[i] == lines[i] for i in damaged_idx)
                    st["undamaged_changed"] += sum(fixed_lines[i] != lines[i] for i in range(len(lines))
                                                     if i not in dset and i not in skip)
        per_rule = ", ".join(f"{k} {v}" for k, v in sorted(docs_with.items())) or "-"
        rows_clean.append(f"| {sub} | {len(files)} | {n_findings} | {len(docs)} | {per_rule} |")
    secs = time.perf_counter() - t0
    out = ["# Encoding rules benchmark", "",
           f"Command: `python benchmarks/encoding.py --bench DATA` ({secs:.1f} s).", "",
           "## Encoding findings on the dev sets as they are", "",
           "| set | documents | encoding findings | documents with one | findings per rule |", "|---|---|---|---|---|", *rows_clean, "",
           "## Synthetic damage", "",
           "| damage | damaged lines | found | recall | fixed exactly (safe fixes) | undamaged lines flagged | undamaged lines changed |",
           "|---|---|---|---|---|---|---|"]
    for kind, st in stats.items():
        n = st["lines"] or 1
        out.append(f"| {kind} | {st['lines']} | {st['found']} | {st['found'] / n:.3f} | "
                   f"{st['fixed']} ({st['fixed'] / n:.3f}) | {st['false_alarm_lines']} of {st['clean_lines']} | "
                   f"{st['undamaged_changed']} |")
    tot = Counter()
    for st in stats.values():
        tot.update(st)
    n = tot["lines"] or 1
    out.append(f"| **all** | {tot['lines']} | {tot['found']} | {tot['found'] / n:.3f} | "
               f"{tot['fixed']} ({tot['fixed'] / n:.3f}) | {tot['false_alarm_lines']} of {tot['clean_lines']} | "
               f"{tot['undamaged_changed']} |")
    text = "\n".join(out) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
