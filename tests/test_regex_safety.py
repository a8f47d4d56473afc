"""No compiled regular expression in qa (modules, Python rules, YAML packs) takes super-linear
time on adversarial input: long runs of blanks, tabs, newlines, punctuation, digits, letters.

Every pattern is found by walking the ``qa`` modules' globals and the rules' check closures
(patterns compiled on first use, ``qa.lazyre.lazy_compile`` and
``qa.textfind.compile_on_first_use``, are compiled for it), and by recording every pattern qa's
code hands to ``re`` while all rules check every rule's examples and the sample files (patterns
built inside functions, some from the text checked, and lazy ones held where the walk does not
look). Each is then searched (matched, when the code only matches it) in strings of 2,000 and
8,000 characters built from one probe each (a character, a short string, or two different
characters alternating). A pattern whose time grows by more than 8x (linear would be 4x) and
exceeds 50 ms is reported with its probe.
"""

from __future__ import annotations

import re
import signal
import sys
import time
import types

import pytest

from qa.checks import import_all
from qa.config import Settings
from qa.engine import make_plan
from qa.lazyre import LazyPattern

PROBES = (". , ; : ! ? … a A 1 \n \t “ ” \" ' ( ) [ * # | - / < > & = @ _ ` \\").split(" ") + [
    " ", "\u00a0", "\r\n", "a ", ". ", ", ", "a.", "A.", "1,", "aA", "a-", "A ", "1 ", "Ab. ", "a, ",
    ".\n", "a\n", " \n", "\t\n", "**", "- ", "a:", "1.", "a/", "<a", "a=", "The ", "“a", "http://a",
    "www.", "a@", "1st ", "a1", "Aa ", " .", "!?"]
#: and every ordered pair of two different atoms ("A-A-A-...", "A&A&A&...", " \r\n \r\n ..."): a
#: pattern can be linear on each character alone and quadratic on the two alternating
_ATOMS = (" ", "\t", "\n", "\r\n", ".", ",", "'", "-", "&", "#", "*", "a", "A", "1", "é")
PROBES += [a + b for a in _ATOMS for b in _ATOMS if a != b and a + b not in PROBES]


def _patterns() -> dict[str, tuple[re.Pattern[str], str]]:
    import_all()  # every rule module, whether or not the rules came from the rule cache
    plan = make_plan(Settings())
    found: dict[str, tuple[re.Pattern[str], str]] = {}

    def scan(o: object, where: str, depth: int = 0) -> None:
        if isinstance(o, re.Pattern) and isinstance(o.pattern, str):
            found.setdefault(o.pattern, (o, where))
        elif isinstance(o, LazyPattern):  # qa.lazyre.lazy_compile: the rule modules' patterns
            scan(o.compiled(), where, depth)
        elif callable(o) and getattr(o, "first_use", None) is True:  # qa.textfind.compile_on_first_use
            scan(o(), where, depth)
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


class _TooSlow(Exception):
    pass


def _time(p: re.Pattern[str], s: str, limit: float = 1.0, how: str = "search") -> float:
    """Seconds for one search (``how="match"``: one match at the start); ``limit`` if it had to
    be stopped (SIGALRM)."""
    def stop(_sig, _frame):
        raise _TooSlow

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    t = time.perf_counter()
    try:
        p.match(s) if how == "match" else p.search(s)
    except _TooSlow:
        return limit
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return time.perf_counter() - t


#: Known super-linear patterns, each with why it is tolerated for now. Keep this list short:
#: a pattern here costs O(n^2) on a long run of its probe.
KNOWN = {
    "qa.model._MARK_RE": "only parses the [[...]] markup of rule examples, never checked text",
    "qa.checks.grammar._NEXT_WORD_RE": "used with .match() at one position, never searched",
    "qa.checks.pronoun._SAID_AFTER_RE": "used with .match() at one position, never searched",
    "qa.checks.pronoun._ITS_EVIDENCE_RESUME_RE": "used with .match() at one position, never searched",
    "qa.checks.pronoun._OWNED_NAME_RESUME_RE": "used with .match() at one position, never searched",
    "qa.checks.pronoun._SPEAKER_RE": "tried only where _speaker_name_starts or a reporting word puts a "
                                      "start (finditer_at), never searched",
}


def _super_linear(p: re.Pattern[str], how: str = "search") -> str | None:
    """The first probe on which ``p`` is super-linear, with its times; None if none is."""
    for probe in PROBES:
        small = (probe * (2000 // len(probe) + 1))[:2000]
        t1 = _time(p, small, how=how)
        if t1 < 0.003:
            continue  # linear patterns finish 2,000 characters far faster
        if t1 >= 1.0:  # stopped at 2,000 characters: exponential, the worst case of all
            return f"probe {probe!r}: over 1 s on 2,000 characters"
        big = (probe * (8000 // len(probe) + 1))[:8000]
        t2 = _time(p, big, how=how)
        if t2 > 0.05 and t2 > 8 * t1 and min(t2, _time(p, big, how=how)) > 8 * t1:
            return f"probe {probe!r}: {t1:.3f}s -> {t2:.3f}s"
    return None


def test_no_pattern_backtracks_catastrophically():
    slow = []
    for pattern, (p, where) in _patterns().items():
        if where in KNOWN:
            continue
        why = _super_linear(p)
        if why:
            slow.append(f"{where}: {why}: {pattern[:120]!r}")
    assert not slow, "super-linear patterns:\n" + "\n".join(slow)


def test_the_probe_finds_a_catastrophic_pattern():
    bad_pattern = re.compile(r"\s*\d")  # quadratic on a long run of spaces
    small, big = " " * 2000, " " * 8000
    t1, t2 = _time(bad_pattern, small), _time(bad_pattern, big)
    assert t2 > 8 * t1 and t2 > 0.05


def test_the_probe_finds_quadratic_and_exponential_patterns():
    assert _super_linear(re.compile(r"\s*\d")) is not None  # quadratic on a run of spaces
    # a blank-line run whose CRLF can be read as one or two line ends: 2^n ways to fail
    assert "over 1 s" in (_super_linear(re.compile(r"\A(?:[ \t]*+(?:\r\n|\r|\n))*#")) or "")
    assert _super_linear(re.compile(r"\A(?:[ \t]*+(?:\r\n|\r|\n))*+#")) is None  # possessive: linear


def test_the_walk_sees_the_rule_modules_lazy_patterns():
    # every module-level lazy_compile of a rule module is compiled and checked, not skipped
    import importlib
    from pathlib import Path

    found = _patterns()
    root = Path(__file__).resolve().parents[1] / "qa"
    lazy = {}
    for path in sorted((root / "checks").glob("*.py")) + sorted((root / "kinds").glob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        mod = importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        for k, v in vars(mod).items():
            if isinstance(v, LazyPattern):
                lazy[f"{mod.__name__}.{k}"] = v.pattern
    assert len(lazy) > 100
    assert [w for w, text in lazy.items() if text not in found] == []


#: the functions of ``re`` that take a pattern: a pattern made while a rule runs (from the words of
#: the document, a glossary term, a list built on first use) passes through one of them
_RE_FUNCTIONS = ("compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


@pytest.fixture(scope="module")
def made_at_run_time() -> dict[tuple[str, int, str], str]:
    """``_runtime_patterns``, recorded once for the tests of this module."""
    with pytest.MonkeyPatch.context() as mp:
        return _runtime_patterns(mp)


def _runtime_patterns(monkeypatch) -> dict[tuple[str, int, str], str]:
    """The patterns qa's own code hands to ``re`` while every rule checks every rule's examples
    and the sample files: (pattern, flags, how it is used) -> where (module.function). The walk of
    ``_patterns`` cannot see these: they are built inside functions, some from the text checked."""
    import inspect
    from pathlib import Path

    import qa
    from qa.bilingual.model import example_document
    from qa.engine import check_document
    from qa.readers import make_document
    from qa.registry import all_rules

    seen: dict[tuple[str, int, str], str] = {}

    def wrap(name: str):
        fn = getattr(re, name)
        sig = inspect.signature(fn)
        how = "match" if name in ("match", "fullmatch") else "search"

        def recorded(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            pattern = bound.arguments["pattern"]
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if isinstance(pattern, str) and (caller == "qa" or caller.startswith("qa.")):
                where = f"{caller}.{sys._getframe(1).f_code.co_name}"
                seen.setdefault((pattern, int(bound.arguments.get("flags", 0)), how), where)
            return fn(*args, **kwargs)

        return recorded

    for name in _RE_FUNCTIONS:
        monkeypatch.setattr(re, name, wrap(name))
    plan = make_plan(Settings())
    bilingual = make_plan(Settings(select=("SRC",)))
    for r in all_rules():
        for ex in r.examples:
            if r.code.startswith("SRC"):  # source-aware: "source ||| target" lines
                check_document(example_document(ex.text), bilingual)
            else:
                check_document(make_document(ex.text, markdown=ex.text.lstrip().startswith("# ")), plan)
    samples = Path(__file__).resolve().parents[1] / "samples"
    results = list(qa.check_paths([str(samples)]))
    assert results and all(r.error is None for r in results)
    return seen


def test_no_pattern_made_at_run_time_backtracks_catastrophically(made_at_run_time):
    made = made_at_run_time  # (recorded with re's functions wrapped; probed with the real ones)
    walked = _patterns()
    new = {k: where for k, where in made.items() if k[0] not in walked}
    # a pack's phrases are compiled as one unanchored alternation to check them (``_alternation``
    # of qa.kinds); the rule searches that alternation only inside a bounded or anchored pattern,
    # which the walk finds and the test above probes
    new = {k: where for k, where in new.items()
           if not (where == "qa.packs.compile" and any(k[0] in w and k[0] != w for w in walked))}
    # the checks build patterns of their own: the test sees them (a walk of the modules cannot)
    assert len(new) >= 20, sorted(new.values())
    slow = []
    for (pattern, flags, how), where in sorted(new.items(), key=lambda kv: (kv[1], kv[0])):
        why = _super_linear(re.compile(pattern, flags), how)
        if why:
            slow.append(f"{where} ({how}): {why}: {pattern[:120]!r}")
    assert not slow, "super-linear patterns made at run time:\n" + "\n".join(slow)


def test_the_run_time_probe_sees_patterns_built_from_the_text(made_at_run_time):
    # MT304 looks for each person's name it found in the text with a pattern made from the name;
    # a glossary term of SRC013 is found with a pattern made from the term
    made = made_at_run_time
    names = {p for (p, _f, _h), where in made.items() if where == "qa.checks.mt_fluency.pronoun_contradicts_gender"}
    assert re.escape("Ana Lima") + "(?![\\w'’-])" in names
    terms = {p for (p, _f, _h), where in made.items() if where == "qa.checks.bilingual._find_term"}
    assert any("Settings" in p for p in terms)
