"""Warm-up: heavy modules, models and tables are loaded before any time limit starts.

A rule's first run in a process may import numpy, load the language-ID model or build a
frequency table. If that happened inside the rule's time budget (``qa.guard``), a short
``--rule-timeout`` (or a loaded machine) could stop the rule in the middle of an import, and a
half-imported extension module cannot be imported again in the same process: every later
document would lose those rules. So:

* a module that holds checks declares what they need as ``WARM_UP``, a tuple of callables
  without arguments (``WARM_UP = (load_model,)``); ``warm_up(plan)`` calls, once per process,
  the loaders of every module that a selected rule's check comes from, with no time limit;
* the engine calls ``warm_up`` before a document's budget starts (``check_document``), so the
  loading happens outside the limit wherever checking happens (in this process, in a worker of
  ``--jobs``, on a Dask worker); the runner calls it before it starts worker processes, so
  forked workers inherit what was loaded;
* as a second line of defence, ``qa.guard`` never stops a rule while an import is running: the
  stop waits until the import has finished.

A loader that raises is ignored here: the rule raises again when it runs, and becomes a
``QA000`` finding on the document, as any crashing rule does.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable, Iterable

from qa.model import Rule

#: checks whose modules were warmed in this process
_WARMED: "weakref.WeakSet[Callable]" = weakref.WeakSet()
#: loaders already called in this process
_CALLED: set[Callable[[], object]] = set()


def loaders(rule: Rule) -> tuple[Callable[[], object], ...]:
    """What ``rule``'s check declares it needs (its module's ``WARM_UP``)."""
    mod = sys.modules.get(getattr(rule.check, "__module__", "") or "")
    got = getattr(mod, "WARM_UP", ()) if mod is not None else ()
    return tuple(got)


def cold(rules: Iterable[Rule]) -> list[Rule]:
    """The rules whose loaders have not run in this process yet."""
    out = []
    for r in rules:
        try:
            if r.check not in _WARMED:
                out.append(r)
        except TypeError:  # a check that cannot be weakly referenced: warm it every time
            out.append(r)
    return out


def warm_up(rules: Iterable[Rule]) -> None:
    """Call the loaders of ``rules`` that have not run in this process (no time limit)."""
    for r in cold(rules):
        for fn in loaders(r):
            if fn in _CALLED:
                continue
            _CALLED.add(fn)
            try:
                fn()
            except Exception:  # noqa: BLE001 - reported when the rule itself runs
                pass
        try:
            _WARMED.add(r.check)
        except TypeError:
            pass


__all__ = ["cold", "loaders", "warm_up"]
