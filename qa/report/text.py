"""Terminal output: ``path:line:column: CODE message`` grouped by file, statistics, summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import IO

from qa.model import FileResult


def write(results: Sequence[FileResult], out: IO[str], statistics: bool = False) -> None:
    for r in results:
        if r.error:
            out.write(f"{r.path}: error: {r.error}\n")
            continue
        label = r.path if r.id == _base(r.path) else f"{r.path}[{r.id}]"
        for f in r.findings:
            line, col = r.doc.line_col(f.start) if r.doc else (0, 0)
            fix = " [*]" if f.fix and str(f.fix.applicability) == "safe" else ""
            out.write(f"{label}:{line}:{col}: {f.rule}{fix} {f.message}\n")
    if statistics:
        write_statistics(results, out)


def write_statistics(results: Sequence[FileResult], out: IO[str]) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    fixable: Counter[str] = Counter()
    for r in results:
        for f in r.findings:
            counts[(f.rule, f.name)] += 1
            if f.fix and str(f.fix.applicability) == "safe":
                fixable[f.rule] += 1
    for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        fx = "[*]" if fixable[code] else "   "
        out.write(f"{n:>7}  {code:<8} {fx} {name}\n")


def _base(path: str) -> str:
    import os

    return os.path.basename(path)


def summary(results: Sequence[FileResult], seconds: float, html: str | None, out: IO[str]) -> None:
    sev: Counter[str] = Counter()
    cat: Counter[str] = Counter()
    docs = [r for r in results if not r.error]
    for r in docs:
        for f in r.findings:
            sev[str(f.severity)] += 1
            cat[f.category] += 1
    errors = [r for r in results if r.error]
    n = sum(sev.values())
    out.write(
        f"\nChecked {len(docs)} document(s) in {seconds:.2f}s: {n} finding(s) "
        f"({sev['error']} error, {sev['warning']} warning, {sev['info']} info)"
        + (f", {len(errors)} unreadable input(s)" if errors else "") + "\n"
    )
    if cat:
        out.write("  by category: " + ", ".join(f"{c} {k}" for c, k in sorted(cat.items(), key=lambda x: (-x[1], x[0]))) + "\n")
    worst = sorted(docs, key=lambda r: (r.score, r.path, r.id))[:5]
    worst = [r for r in worst if r.findings]
    if worst:
        out.write("  lowest scores: " + "; ".join(f"{r.id} {r.score:g} ({r.verdict})" for r in worst) + "\n")
    for r in errors[:10]:
        out.write(f"  unreadable: {r.path}: {r.error}\n")
    if html:
        out.write(f"  HTML report: {html.rstrip('/')}/index.html\n")
