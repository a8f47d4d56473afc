"""Warm-up: heavy modules, models and tables load outside the time limits, and only when needed.

A rule's first run in a process may import numpy, load the language-ID model or build a
frequency table. If that counted against the rule's time budget (``qa.guard``), a short
``--rule-timeout`` (or a loaded machine) could stop the rule in the middle of an import, and a
half-imported extension module cannot be imported again in the same process: every later
document would lose those rules. Loading everything up front, on the other hand, costs a one-file
run more than checking the file (the language model, wordfreq's tables, numpy). So:

* a module that holds checks declares what they need as ``WARM_UP``, a tuple of callables
  without arguments (``WARM_UP = (load_model,)``);
* a loader wrapped in ``@loader`` is *lazy*: the rule calls it when a document first needs it
  (the language model when a text is long enough to identify, the word frequencies when a rule
  asks a frequency), and its time runs inside ``qa.guard.untimed()``: the rule is never stopped
  there and the time is not counted against the rule's or the document's limit;
* ``warm_up(rules)`` calls, once per process and with no time limit, the loaders that are not lazy
  (a plugin's own ``WARM_UP`` functions); the engine calls it before a document's budget starts
  (``check_document``), so that happens outside the limit wherever checking happens;
* ``warm_up(rules, eager=True)`` calls the lazy loaders as well. The runner does that once per run
  when it starts worker processes (``--jobs`` > 1 on an input large enough to be shared out), so
  forked workers inherit the loaded modules and models instead of each loading them, and when
  rules are profiled (``--profile-rules``), so a rule's time does not include loading. A
  one-process run (one file, ``--jobs 1``, a small input) loads only what its documents need;
* a built-in rule read from the rule cache (``qa.registry``) has not imported its module yet: a
  run that checks no document (every result from the result cache) never imports it. Its first
  call imports the module and runs the module's loaders inside ``qa.guard.untimed()``; with
  ``eager``, ``warm_up`` imports it first, and builds the check of a pack rule read from the
  pack folder cache (``qa.packs``), which is otherwise built on its first call;
* as a second line of defence, ``qa.guard`` never stops a rule while an import is running: the
  stop waits until the import has finished.

A loader that raises is ignored here: the rule raises again when it runs, and becomes a
``QA000`` finding on the document, as any crashing rule does.
"""

from __future__ import annotations

import functools
import sys
import weakref
from collections.abc import Callable, Iterable
from typing import TypeVar

from qa.model import Rule

#: checks whose modules were warmed in this process: their eager loaders, and all of them
_WARMED: "weakref.WeakSet[Callable]" = weakref.WeakSet()
_WARMED_ALL: "weakref.WeakSet[Callable]" = weakref.WeakSet()
#: loaders already called in this process
_CALLED: set[Callable[[], object]] = set()


F = TypeVar("F", bound=Callable[..., object])


def loader(fn: F) -> F:
    """Mark ``fn`` as a lazy loader: called by the rule that needs it, inside ``qa.guard.untimed()``
    (never stopped there, its time not counted); ``warm_up`` calls it only when ``eager``. Put it
    under the cache that makes it run once (``@lru_cache`` above ``@loader``), so a cached call
    costs nothing."""
    from qa.guard import untimed

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with untimed():
            return fn(*args, **kwargs)

    wrapper.lazy = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def is_lazy(fn: Callable[..., object]) -> bool:
    """Whether ``fn`` (or the function a cache wraps) is a lazy loader (``@loader``)."""
    while fn is not None:
        if getattr(fn, "lazy", False):
            return True
        fn = getattr(fn, "__wrapped__", None)  # type: ignore[assignment]
    return False


def loaders(rule: Rule) -> tuple[Callable[[], object], ...]:
    """What ``rule``'s check declares it needs (its module's ``WARM_UP``)."""
    mod = sys.modules.get(getattr(rule.check, "__module__", "") or "")
    got = getattr(mod, "WARM_UP", ()) if mod is not None else ()
    return tuple(got)


def cold(rules: Iterable[Rule], eager: bool = False) -> list[Rule]:
    """The rules whose loaders (with ``eager``, their lazy ones too) have not run in this process."""
    done = _WARMED_ALL if eager else _WARMED
    out = []
    for r in rules:
        try:
            if r.check not in done:
                out.append(r)
        except TypeError:  # a check that cannot be weakly referenced: warm it every time
            out.append(r)
    return out


def warm_up(rules: Iterable[Rule], eager: bool = False) -> None:
    """Call the loaders of ``rules`` that have not run in this process (no time limit); the lazy
    ones (``@loader``) only with ``eager`` (see the module docstring for when the runner asks)."""
    for r in cold(rules, eager):
        importer = getattr(r.check, "import_module", None)
        if callable(importer) and getattr(r.check, "__module__", None) not in sys.modules:
            # a built-in rule from the rule cache (qa.registry): its module is not imported yet.
            # Its first call imports it and runs these loaders, untimed; eager, they run here.
            if not eager:
                continue
            try:
                importer()
            except Exception:  # noqa: BLE001 - reported when the rule itself runs
                continue
        build = getattr(r.check, "built", None)
        if eager and callable(build):  # a pack rule from the folder cache (qa.packs): built here,
            try:  # so that forked workers inherit it built
                build()
            except Exception:  # noqa: BLE001 - reported when the rule itself runs
                pass
        for fn in loaders(r):
            if fn in _CALLED or (not eager and is_lazy(fn)):
                continue
            _CALLED.add(fn)
            try:
                fn()
            except Exception:  # noqa: BLE001 - reported when the rule itself runs
                pass
        try:
            _WARMED.add(r.check)
            if eager:
                _WARMED_ALL.add(r.check)
        except TypeError:
            pass


__all__ = ["cold", "is_lazy", "loader", "loaders", "warm_up"]
