"""Time bounds for rules: no rule, and no document, can stall a batch.

Every regular expression in qa is written to run in linear time (possessive quantifiers and
atomic groups where a run could otherwise be re-scanned; ``tests/test_regex_safety.py`` probes
every compiled pattern with adversarial strings). As a second line of defence the engine runs
each rule on each document under a time limit:

* a rule that runs longer than ``rule_seconds`` (default 20 s) on one document is stopped and
  becomes a ``QA000 rule-crashed`` finding naming the rule and the limit; the other rules go on;
* once a document has used ``document_seconds`` (default 120 s) in all, its remaining rules are
  skipped and one ``QA000`` finding names how many were skipped.

So a document costs at most about ``document_seconds + rule_seconds``, whatever it contains.
A rule is never stopped in the middle of an import (the stop waits until the import is done),
and loading the modules and models rules need does not count against the limits: they are either
loaded before the limits start, or, when a rule first needs them, inside ``untimed()``, whose
time is given back to the rule and the document (``qa.warmup``).
The limits use ``SIGALRM`` (``setitimer``), which interrupts a long regular-expression search; in
a thread other than the main thread, or on a platform without it, rules run unbounded. (The Dask
engine, whose tasks run in worker threads, checks partitions in a checker process per worker
thread, in its main thread, so the limits hold there too: ``qa.dask_engine``.) Set the
limits with ``qa check --rule-timeout SECONDS`` or ``set_limits``; 0 turns them off.
"""

from __future__ import annotations

import signal
import threading
import time

DEFAULT_RULE_SECONDS = 20.0
DEFAULT_DOCUMENT_SECONDS = 120.0

_limits = {"rule": DEFAULT_RULE_SECONDS, "document": DEFAULT_DOCUMENT_SECONDS}

#: [nesting depth of ``untimed()`` in this process, seconds spent in outermost ``untimed()`` so far]
_UNTIMED: list = [0, 0.0]


class untimed:  # noqa: N801 - used as ``with untimed():``
    """Time that no limit counts: a model or table loaded by the rule that first needs it. A rule is
    never stopped inside it, and its duration is added to the rule's and the document's limits."""

    __slots__ = ("t0",)

    def __enter__(self) -> None:
        if not _UNTIMED[0]:
            self.t0 = time.monotonic()
        _UNTIMED[0] += 1

    def __exit__(self, *exc: object) -> bool:
        if _UNTIMED[0] == 1:  # the time first, then the depth: a tick in between finds both right
            _UNTIMED[1] += time.monotonic() - self.t0
        _UNTIMED[0] -= 1
        return False


def untimed_seconds() -> float:
    """Seconds this process has spent in ``untimed()`` (an outer one still running included)."""
    return _UNTIMED[1]


class RuleTimeout(Exception):
    """Raised inside a rule that ran past its time limit (the engine reports it as QA000)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:g} s (the per-document time limit of a rule; "
                         "see --rule-timeout)")
        self.seconds = seconds


class DocumentTooLarge(Exception):
    """Raised by a rule whose per-document structures would not fit in the memory bound of a
    document (``qa.guard`` reports it as a ``QA000`` finding naming the limit); the other rules
    go on."""


def set_limits(rule_seconds: float | None = None, document_seconds: float | None = None) -> None:
    if rule_seconds is not None:
        if rule_seconds < 0:
            raise ValueError("--rule-timeout must be 0 (no limit) or a positive number of seconds")
        _limits["rule"] = float(rule_seconds)
        if rule_seconds == 0:
            _limits["document"] = 0.0
        elif document_seconds is None:
            _limits["document"] = max(DEFAULT_DOCUMENT_SECONDS, 6 * float(rule_seconds))
    if document_seconds is not None:
        _limits["document"] = float(document_seconds)


def limits() -> tuple[float, float]:
    return _limits["rule"], _limits["document"]


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class DocumentBudget:
    """Time accounting for one document's rules (see the module docstring).

    Cheap per rule, because a document runs hundreds of rules: one interval timer is armed per
    document and ticks every tenth of the shortest limit (at least 10 ms, at most 1 s); entering
    a rule only notes the time and the rule's limit, and the tick stops a rule that is past it. So
    a rule is stopped at most one tick after its limit. ``close()`` (the engine calls it after the
    document) disarms the timer and restores the previous ``SIGALRM`` handler.
    """

    def __init__(self) -> None:
        self.rule_seconds, self.document_seconds = limits()
        self.started = time.monotonic()
        self._untimed_at_start = _UNTIMED[1]
        self._untimed_at_rule = 0.0
        self._limit = 0.0
        self._rule_started = 0.0
        self._in_rule = False
        self._armed = False
        self._previous: object = None
        self._scope = _RuleScope(self)
        shortest = min((x for x in (self.rule_seconds, self.document_seconds) if x), default=0.0)
        if shortest and _can_alarm():
            tick = max(0.01, min(1.0, shortest / 10))
            self._previous = signal.signal(signal.SIGALRM, self._alarm)
            signal.setitimer(signal.ITIMER_REAL, tick, tick)
            self._armed = True

    @property
    def exhausted(self) -> bool:
        return bool(self.document_seconds) and self._used() >= self.document_seconds

    def _used(self) -> float:
        """Seconds the document has used, without the time spent loading models (``untimed``)."""
        return time.monotonic() - self.started - (_UNTIMED[1] - self._untimed_at_start)

    def rule(self) -> "_RuleScope":
        """Run one rule under the limit (the smaller of the rule limit and what the document
        has left): ``with budget.rule(): ...``."""
        return self._scope

    def _alarm(self, _signum: int, frame: object) -> None:
        if _UNTIMED[0]:  # loading a model: never stopped there, and the time is not counted
            return
        if self._in_rule and time.monotonic() - self._rule_started - (_UNTIMED[1] - self._untimed_at_rule) \
                >= self._limit and not _importing(frame):
            self._in_rule = False
            raise RuleTimeout(self._limit)

    def close(self) -> None:
        if self._armed:
            self._armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            previous = self._previous
            if previous in (signal.SIG_DFL, None):
                # a tick the kernel sent before the timer was disarmed can still be on its way to
                # another thread (one asleep in a native library's pool); delivered under the
                # default action, it would end the process ("Alarm clock"). Ignored instead.
                previous = _late_tick
            signal.signal(signal.SIGALRM, previous)  # type: ignore[arg-type]

    def __del__(self) -> None:  # a budget that was not closed must not leave its timer running
        try:
            if self._armed and _can_alarm():
                self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def _late_tick(_signum: int, _frame: object) -> None:
    """The ``SIGALRM`` handler left after a document's timer is disarmed where there was none
    before (see ``DocumentBudget.close``): a late tick of a finished document does nothing."""


def _importing(frame) -> bool:
    """Whether ``frame`` runs inside an import or a finaliser. A rule is never stopped there (the
    stop waits for the next tick): an extension module interrupted half-way cannot be imported again in this
    process, which would break every later document's rules that need it."""
    while frame is not None:
        code = frame.f_code
        # an exception raised in a finaliser is printed and swallowed ("Exception ignored in
        # __del__"), so the rule would run on past its limit: wait for the next tick there too
        if code.co_filename.startswith("<frozen importlib") or code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


class _RuleScope:
    __slots__ = ("budget",)

    def __init__(self, budget: DocumentBudget) -> None:
        self.budget = budget

    def __enter__(self) -> None:
        b = self.budget
        if not b._armed:
            return
        now = time.monotonic()
        limit = b.rule_seconds
        if b.document_seconds:
            left = max(b.document_seconds - b._used(), 0.05)
            limit = min(limit, left) if limit else left
        b._limit = limit
        b._rule_started = now
        b._untimed_at_rule = _UNTIMED[1]
        b._in_rule = True

    def __exit__(self, *exc: object) -> bool:
        self.budget._in_rule = False
        return False


__all__ = ["DEFAULT_DOCUMENT_SECONDS", "DEFAULT_RULE_SECONDS", "DocumentBudget", "DocumentTooLarge", "RuleTimeout",
           "limits", "set_limits", "untimed", "untimed_seconds"]
