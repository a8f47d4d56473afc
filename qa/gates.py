"""Gates: decide whether a run fails, and say why in one line.

Every gate reads ``Settings`` (flags or ``[tool.qa]``) and the run's results (after a baseline,
if any, removed the known findings):

* ``fail-on``: any finding at or above this severity (``error``, ``warning``, ``info``; ``never``
  turns the gate off);
* ``max-findings``: more than N findings in the whole run;
* ``min-score``: a document scoring below X;
* ``max-rate``: for a category, the share of sentences (over the whole run) that hold at least one
  finding of that category is above PCT percent. ``all`` counts findings of any category. A
  finding outside every sentence (a title, a metadata line) counts for the sentence before it.
  A readable document with no sentences counts as one.

Exit codes: 0 every gate passed, 1 a gate failed, 2 an input could not be read (this wins: a run
that did not see all of its input cannot pass).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from qa.config import Settings
from qa.model import FileResult
from qa.schema import ALL_CATEGORIES, parse_rates  # noqa: F401 - parse_rates: part of this module's API

_RANKS = {"info": 0, "warning": 1, "error": 2}


def _sentence_hits(r: FileResult, category: str) -> int:
    """Sentences of one document holding a finding of ``category`` (its text is needed)."""
    rel = [f for f in r.findings if category == ALL_CATEGORIES or f.category == category]
    if not rel or r.doc is None:
        return 0
    sents = r.doc.sentences
    if not sents:
        return 1
    starts = [s[0] for s in sents]
    return len({max(0, bisect_right(starts, f.start) - 1) for f in rel})


def _sentence_units(r: FileResult) -> int:
    return max(1, len(r.doc.sentences) if r.doc is not None else r.n_sentences)


def sentence_rate(results: Iterable[FileResult], category: str) -> tuple[int, int]:
    """(sentences with a finding of ``category``, sentences checked) over the whole run."""
    hit = total = 0
    for r in results:
        if r.error:
            continue
        total += _sentence_units(r)
        hit += _sentence_hits(r, category)
    return hit, total


class RateTally:
    """``--max-rate`` counts gathered while results stream by, for runs that drop each document's
    text once it is written (call ``add`` while the result still has its document)."""

    def __init__(self, categories: Iterable[str]) -> None:
        self.hits = dict.fromkeys(categories, 0)
        self.total = 0

    def add(self, r: FileResult) -> None:
        if r.error:
            return
        self.total += _sentence_units(r)
        for cat in self.hits:
            self.hits[cat] += _sentence_hits(r, cat)

    def rate(self, category: str) -> tuple[int, int]:
        return self.hits[category], self.total


def failures(results: Sequence[FileResult], settings: Settings, tally: RateTally | None = None) -> list[str]:
    """One reason per failed gate, in a fixed order (fail-on, max-findings, min-score, max-rate).

    ``tally`` replaces counting sentences in ``results`` (whose documents may be gone)."""
    reasons: list[str] = []
    if settings.fail_on != "never":
        need = _RANKS[settings.fail_on]
        n = sum(k for r in results for sev, k in r.severity_counts.items() if _RANKS[sev] >= need)
        if n:
            reasons.append(f"{n} finding(s) at or above --fail-on {settings.fail_on}")
    max_findings = getattr(settings, "max_findings", None)
    if max_findings is not None:
        n = sum(sum(r.severity_counts.values()) for r in results)
        if n > max_findings:
            reasons.append(f"{n} finding(s), more than --max-findings {max_findings}")
    if settings.min_score is not None:
        low = [r for r in results if r.error is None and r.score < settings.min_score]
        if low:
            worst = min(low, key=lambda r: (r.score, r.path, r.id))
            reasons.append(f"{len(low)} document(s) scored below --min-score {settings.min_score:g} "
                           f"(lowest {worst.score:g}: {worst.path if worst.id == _base(worst.path) else f'{worst.path}[{worst.id}]'})")
    for cat, pct in (getattr(settings, "max_rate", None) or {}).items():
        hit, total = tally.rate(cat) if tally is not None else sentence_rate(results, cat)
        rate = 100.0 * hit / total if total else 0.0
        if rate > pct:
            what = "a finding" if cat == ALL_CATEGORIES else f"an {cat} finding" if cat[0] in "aeiou" else f"a {cat} finding"
            reasons.append(f"{rate:.2f}% of sentences ({hit} of {total}) have {what}, "
                           f"more than --max-rate {cat}={pct:g}")
    return reasons


def gate_reason(results: Sequence[FileResult], settings: Settings, tally: RateTally | None = None) -> str:
    """``"failed: <gate reason>[; <another>]"``, or ``""`` when every gate passed."""
    reasons = failures(results, settings, tally)
    return ("failed: " + "; ".join(reasons)) if reasons else ""


def exit_code(results: Sequence[FileResult], settings: Settings, tally: RateTally | None = None) -> int:
    if any(r.error for r in results):
        return 2
    return 1 if gate_reason(results, settings, tally) else 0


def _base(path: str) -> str:
    import os

    return os.path.basename(path)


__all__ = ["ALL_CATEGORIES", "RateTally", "exit_code", "failures", "gate_reason", "parse_rates", "sentence_rate"]
