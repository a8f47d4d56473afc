"""Document score (0-100) and verdict from findings.

penalty = sum over findings of weight(severity) x confidence, where each rule contributes at most
``cap_per_rule`` findings (a thousand odd spaces should not outweigh one mistranslation).
The penalty is scaled by document size, so a long article with three warnings scores better than
a three-sentence note with the same three:

    score = 100 / (1 + penalty / max(5, sentences))

verdict: ``fail`` on any error-severity finding or a score below ``fail-below`` (50);
``warn`` on any warning or a score below ``warn-below`` (90); ``pass`` otherwise.
"""

from __future__ import annotations

from qa.config import Settings
from qa.model import FileResult


def score_result(res: FileResult, settings: Settings) -> None:
    per_rule: dict[str, int] = {}
    penalty = 0.0
    worst = -1
    for f in res.findings:
        worst = max(worst, f.severity.rank)
        n = per_rule.get(f.rule, 0)
        per_rule[f.rule] = n + 1
        if n >= settings.cap_per_rule:
            continue
        penalty += float(settings.weights.get(str(f.severity), 0.0)) * f.confidence
    size = max(5, res.n_sentences)
    res.score = round(100.0 / (1.0 + penalty / size), 1)
    if worst >= 2 or res.score < settings.fail_below:
        res.verdict = "fail"
    elif worst >= 1 or res.score < settings.warn_below:
        res.verdict = "warn"
    else:
        res.verdict = "pass"
