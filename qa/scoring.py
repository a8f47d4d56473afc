"""Document score (0-100) and verdict from findings.

penalty = sum over findings of weight(severity) x confidence (the rule's measured precision from
``rules/evidence.yaml``; a finding of a rule with no measurement counts in full), where each rule contributes at most
``cap_per_rule`` findings (a thousand odd spaces should not outweigh one mistranslation).
The penalty is scaled by document size, so a long article with three warnings scores better than
a three-sentence note with the same three:

    score = 100 / (1 + penalty / max(5, sentences))

verdict: ``fail`` on any error-severity finding or a score below ``fail-below`` (50);
``warn`` on any warning or a score below ``warn-below`` (90); ``pass`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

from qa.config import Settings
from qa.model import FileResult, Severity


def score_result(res: FileResult, settings: Settings) -> None:
    res.score, res.verdict = score_of([(f.rule, f.severity, f.confidence) for f in res.findings], res.n_sentences,
                                      settings)


def score_of(findings: Iterable[tuple[str, Severity, float | None]], n_sentences: int,
             settings: Settings) -> tuple[float, str]:
    """The score and the verdict of a document of ``n_sentences`` sentences whose findings are
    ``findings``, each as (rule, severity, confidence), in the result's order."""
    per_rule: dict[str, int] = {}
    penalty = 0.0
    cap = settings.cap_per_rule
    weights = settings.weights
    weight = {s: float(weights.get(str(s), 0.0)) for s in Severity}
    seen: set[Severity] = set()
    for rule, sev, conf in findings:  # in the findings' order: the same float sum on every run
        seen.add(sev)
        n = per_rule.get(rule, 0)
        per_rule[rule] = n + 1
        if n < cap:
            penalty += weight[sev] * (1.0 if conf is None else conf)
    worst = max((s.rank for s in seen), default=-1)
    size = max(5, n_sentences)
    score = round(100.0 / (1.0 + penalty / size), 1)
    if worst >= 2 or score < settings.fail_below:
        verdict = "fail"
    elif worst >= 1 or score < settings.warn_below:
        verdict = "warn"
    else:
        verdict = "pass"
    return score, verdict
