"""Terminal output: ``path:line:column: CODE message`` grouped by file, statistics, summary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import IO

from qa.model import FileResult

#: characters that must not reach a terminal as they are: C0/C1 controls (ESC starts the escape
#: sequences that move the cursor, retitle the window or hide text), line and paragraph
#: separators, and the bidirectional overrides that make a line read other than it is stored
_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe(value: object) -> str:
    """``value`` as text fit for a terminal line: every control, separator and bidi-override
    character written as its Python escape (``\\x1b``, ``\\n``, ``\\u202e``). Paths, ids,
    messages and errors hold text from the checked data, which is hostile."""
    text = str(value)
    if _UNSAFE_RE.search(text) is None:
        return text
    return _UNSAFE_RE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def write(results: Sequence[FileResult], out: IO[str], statistics: bool = False) -> None:
    for r in results:
        if r.error:
            out.write(f"{safe(r.path)}: error: {safe(r.error)}\n")
            continue
        label = safe(r.path if r.id == _base(r.path) else f"{r.path}[{r.id}]")
        for f in r.findings:
            line, col = r.doc.line_col(f.start) if r.doc else (0, 0)
            fix = " [*]" if f.fix and str(f.fix.applicability) == "safe" else ""
            seg = f" [segment {safe(f.segment)}]" if f.segment is not None else ""  # a bilingual file
            out.write(f"{label}:{line}:{col}: {safe(f.rule)}{fix} {safe(f.message)}{seg}\n")
    if statistics:
        write_statistics(results, out)


_SEV_COLOUR = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_VERDICT_COLOUR = {"pass": "\x1b[32m", "warn": "\x1b[33m", "fail": "\x1b[1;31m"}


def write_grouped(results: Sequence[FileResult], out: IO[str], colour: bool = True) -> None:
    """The terminal view (standard output is a TTY): one block per file with a findings header,
    then ``line:col  severity  CODE [*] message`` lines, coloured unless ``colour`` is false."""
    def c(code: str, text: str) -> str:
        return f"{code}{text}\x1b[0m" if colour else text

    for r in results:
        label = safe(r.path if r.id == _base(r.path) else f"{r.path}[{r.id}]")
        if r.error:
            out.write(f"{c(chr(27) + '[1m', label)}: {c(_SEV_COLOUR['error'], 'error')}: {safe(r.error)}\n\n")
            continue
        if not r.findings:
            continue
        n = len(r.findings)
        out.write(f"{c(chr(27) + '[1;4m', label)}  {c(_VERDICT_COLOUR.get(r.verdict, ''), r.verdict)} "
                  f"({n} finding{'' if n == 1 else 's'}, score {r.score:g})\n")
        for f in r.findings:
            line, col = r.doc.line_col(f.start) if r.doc else (0, 0)
            sev = str(f.severity)
            fix = " [*]" if f.fix and str(f.fix.applicability) == "safe" else ""
            where = f"{line}:{col}"
            out.write(f"  {where:>8}  {c(_SEV_COLOUR.get(sev, ''), f'{sev:<7}')}  {c(chr(27) + '[1m', safe(f.rule))}{fix} "
                      f"{safe(f.message)}\n")
        out.write("\n")


def final_line(results: Sequence[FileResult]) -> str:
    """``3 errors, 5 warnings, 2 info in 2 files (1 fail)``: the last line of a run."""
    sev: Counter[str] = Counter()
    docs = [r for r in results if not r.error]
    for r in docs:
        sev.update(r.severity_counts)
    fails = sum(1 for r in docs if r.verdict == "fail")
    unreadable = len(results) - len(docs)

    def n(k: int, word: str, plural: str) -> str:
        return f"{k} {word if k == 1 else plural}"

    line = (f"{n(sev['error'], 'error', 'errors')}, {n(sev['warning'], 'warning', 'warnings')}, {sev['info']} info "
            f"in {n(len(docs), 'file', 'files')} ({fails} fail")
    return line + (f", {unreadable} unreadable)" if unreadable else ")")


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
        out.write(f"{n:>7}  {safe(code):<8} {fx} {safe(name)}\n")


def _base(path: str) -> str:
    import os

    return os.path.basename(path)


def summary(results: Sequence[FileResult], seconds: float, html: str | None, out: IO[str]) -> None:
    sev: Counter[str] = Counter()
    cat: Counter[str] = Counter()
    docs = [r for r in results if not r.error]
    for r in docs:  # (a result of a lines-only run has counts, not findings)
        sev.update(r.severity_counts)
        cat.update(r.category_counts)
    errors = [r for r in results if r.error]
    n = sum(sev.values())
    out.write(
        f"\nChecked {len(docs)} document(s) in {seconds:.2f}s: {n} finding(s) "
        f"({sev['error']} error, {sev['warning']} warning, {sev['info']} info)"
        + (f", {len(errors)} unreadable input(s)" if errors else "") + "\n"
    )
    if cat:
        out.write("  by category: " + ", ".join(f"{safe(c)} {k}" for c, k in sorted(cat.items(), key=lambda x: (-x[1], x[0]))) + "\n")
    worst = sorted(docs, key=lambda r: (r.score, r.path, r.id))[:5]
    worst = [r for r in worst if r.severity_counts]
    if worst:
        out.write("  lowest scores: " + "; ".join(f"{safe(r.id)} {r.score:g} ({r.verdict})" for r in worst) + "\n")
    for r in errors[:10]:
        out.write(f"  unreadable: {safe(r.path)}: {safe(r.error)}\n")
    if html:
        out.write(f"  HTML report: {safe(html.rstrip('/'))}/index.html\n")
