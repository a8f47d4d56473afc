"""No compiled regular expression in qa (modules, Python rules, YAML packs) takes super-linear
time on adversarial input: long runs of blanks, tabs, newlines, punctuation, digits, letters.

Every pattern is found by walking the ``qa`` modules' globals and the rules' check closures,
then searched in strings of 2,000 and 8,000 characters built from one probe each. A pattern whose
time grows by more than 8x (linear would be 4x) and exceeds 50 ms is reported with its probe.
"""

from __future__ import annotations

import re
import sys
import time
import types

from qa.config import Settings
from qa.engine import make_plan

PROBES = (". , ; : ! ? … a A 1 \n \t “ ” \" ' ( ) [ * # | - / < > & = @ _ ` \\").split(" ") + [
    " ", "\u00a0", "\r\n", "a ", ". ", ", ", "a.", "A.", "1,", "aA", "a-", "A ", "1 ", "Ab. ", "a, ",
    ".\n", "a\n", " \n", "\t\n", "**", "- ", "a:", "1.", "a/", "<a", "a=", "The ", "“a", "http://a",
    "www.", "a@", "1st ", "a1", "Aa ", " .", "!?"]


def _patterns() -> dict[str, tuple[re.Pattern[str], str]]:
    plan = make_plan(Settings())
    found: dict[str, tuple[re.Pattern[str], str]] = {}

    def scan(o: object, where: str, depth: int = 0) -> None:
        if isinstance(o, re.Pattern) and isinstance(o.pattern, str):
            found.setdefault(o.pattern, (o, where))
        elif isinstance(o, (list, tuple, set, frozenset)) and depth < 2:
            for x in o:
                scan(x, where, depth + 1)
        elif isinstance(o, dict) and depth < 2:
            for x in o.values():
                scan(x, where, depth + 1)
        elif isinstance(o, types.FunctionType) and depth < 3:
            for c in o.__closure__ or ():
                try:
                    scan(c.cell_contents, where, depth + 1)
                except ValueError:
                    pass

    for name, mod in list(sys.modules.items()):
        if name == "qa" or name.startswith("qa."):
            for k, v in list(vars(mod).items()):
                scan(v, f"{name}.{k}")
    for r in plan.rules:
        scan(r.check, f"rule {r.code} ({r.source})")
    return found


def _time(p: re.Pattern[str], s: str) -> float:
    t = time.perf_counter()
    p.search(s)
    return time.perf_counter() - t


def test_no_pattern_backtracks_catastrophically():
    slow = []
    for pattern, (p, where) in _patterns().items():
        for probe in PROBES:
            small = (probe * (2000 // len(probe) + 1))[:2000]
            t1 = _time(p, small)
            if t1 < 0.003:
                continue  # linear patterns finish 2,000 characters far faster
            big = (probe * (8000 // len(probe) + 1))[:8000]
            t2 = min(_time(p, big), _time(p, big))
            if t2 > 0.05 and t2 > 8 * t1:
                slow.append(f"{where}: probe {probe!r}: {t1:.3f}s -> {t2:.3f}s: {pattern[:120]!r}")
    assert not slow, "super-linear patterns:\n" + "\n".join(slow)


def test_the_probe_finds_a_catastrophic_pattern():
    bad_pattern = re.compile(r"\s*x\s*$")  # quadratic on a long run of spaces
    small, big = " " * 2000, " " * 8000
    t1, t2 = _time(bad_pattern, small), _time(bad_pattern, big)
    assert t2 > 8 * t1 and t2 > 0.05
