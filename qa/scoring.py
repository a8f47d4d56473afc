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

from qa.config import Settings
from qa.model import FileResult, Severity


def score_result(res: FileResult, settings: Settings) -> None:
    per_rule: dict[str, int] = {}
    penalty = 0.0
    cap = settings.cap_per_rule
    weights = settings.weights
    weight = {s: float(weights.get(str(s), 0.0)) for s in Severity}
    seen: set[Severity] = set()
    for f in res.findings:  # in the findings' order: the same float sum on every run
        sev = f.severity
        seen.add(sev)
        n = per_rule.get(f.rule, 0)
        per_rule[f.rule] = n + 1
        if n < cap:
            penalty += weight[sev] * (1.0 if f.confidence is None else f.confidence)
    worst = max((s.rank for s in seen), default=-1)
    size = max(5, res.n_sentences)
    res.score = round(100.0 / (1.0 + penalty / size), 1)
    if worst >= 2 or res.score < settings.fail_below:
        res.verdict = "fail"
    elif worst >= 1 or res.score < settings.warn_below:
        res.verdict = "warn"
    else:
        res.verdict = "pass"
