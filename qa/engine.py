"""The engine: run selected rules over documents and turn hits into findings.

``check_document`` runs every per-document rule; a rule that raises becomes a ``QA000
rule-crashed`` finding for that document and the others go on. Corpus rules (those with
``collect``) add a second phase, run by ``qa.runner.corpus``: ``collect`` runs per document,
``finalize`` once over all collected values, and its hits join each document's findings before
scoring. Runs over many documents (and the library's ``check_paths`` / ``check_text``) go
through ``qa.runner.pipeline``.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter

from qa.config import ConfigError, Settings, effective_severity, rule_options, select_rules
from qa.document import Document
from qa.evidence import confidence as rule_confidence
from qa.model import INTERNAL_CATEGORY, FileResult, Finding, Hit, Rule, Severity
from qa.readers import InputError
from qa.registry import all_rules
from qa.scan import ScanPlan, hits_for, skipped
from qa.scoring import score_result

CRASH_CODE = "QA000"


@dataclass(frozen=True)
class Plan:
    """Selected rules with their effective severities and options (resolved once per run)."""

    rules: tuple[Rule, ...]
    severities: Mapping[str, Severity]
    options: Mapping[str, Mapping[str, object]]
    settings: Settings
    #: the selected rules' triggers compiled once (``qa.scan``); ``None``: every rule runs
    scan: ScanPlan | None = None

    @property
    def corpus_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.corpus)


def make_plan(settings: Settings, rules: Sequence[Rule] | None = None) -> Plan:
    from pathlib import Path

    from qa.ruledata import default_pack_dirs

    if rules is None:
        dirs = default_pack_dirs() + [Path(p) for p in settings.packs]
        rules = all_rules(dirs)
    selected = select_rules(rules, settings)
    return Plan(
        rules=tuple(selected),
        severities={r.code: effective_severity(r, settings) for r in selected},
        options={r.code: rule_options(r, settings) for r in selected},
        settings=settings,
        scan=ScanPlan.for_rules(selected),
    )


def to_finding(rule: Rule, hit: Hit, severity: Severity, doc: Document) -> Finding:
    n = len(doc.text)
    start = min(max(hit.start, 0), n)
    end = min(max(hit.end, start), n)
    seg = doc.segment_at(start) if hasattr(doc, "segment_at") else None  # a bilingual document
    src = hit.source_span if seg is not None else None
    return Finding(
        rule=rule.code,
        name=rule.name,
        category=rule.category,
        severity=hit.severity or severity,
        start=start,
        end=end,
        message=hit.message,
        suggestion=hit.suggestion,
        fix=hit.fix,
        confidence=rule_confidence(rule.code, hit.condition),
        condition=hit.condition,
        data=hit.data,
        segment=seg.id if seg is not None else None,
        source_start=src[0] if src else None,
        source_end=src[1] if src else None,
    )


def findings_for(rule: Rule, hits: Iterable[Hit], severity: Severity, doc: Document) -> list[Finding]:
    """``[to_finding(rule, hit, severity, doc) for hit in hits]``, with what is the same for every
    hit of one rule in one document (the rule's fields, the text length, the confidence of each
    condition) looked up once: a boilerplate page gives hundreds of findings of one rule."""
    if hasattr(doc, "segment_at"):  # a bilingual document: each finding names its segment
        return [to_finding(rule, hit, severity, doc) for hit in hits]
    n = len(doc.text)
    code, name, category = rule.code, rule.name, rule.category
    confidences: dict[str | None, float | None] = {}
    out: list[Finding] = []
    append = out.append
    for hit in hits:
        start, end, condition = hit.start, hit.end, hit.condition
        if not 0 <= start <= n:  # (in range, min/max below give back the same object)
            start = min(max(start, 0), n)
        if not start <= end <= n:
            end = min(max(end, start), n)
        try:
            conf = confidences[condition]
        except KeyError:
            conf = confidences[condition] = rule_confidence(code, condition)
        append(Finding(code, name, category, hit.severity or severity, start, end, hit.message, hit.suggestion,
                       hit.fix, conf, condition, hit.data))
    return out


#: the order of a document's findings (``Finding.sort_key``)
FINDING_ORDER = attrgetter("start", "end", "rule")


def confident(findings: list[Finding], settings: Settings) -> list[Finding]:
    """Findings at or above ``min-confidence`` (a finding with no measured confidence is dropped
    too: nothing shows that it reaches the threshold). Crash findings are always kept."""
    x = settings.min_confidence
    if x is None:
        return findings
    return [f for f in findings if f.rule == CRASH_CODE or (f.confidence is not None and f.confidence >= x)]


def crash_finding(rule: Rule, exc: BaseException) -> Finding:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    loc = f" at {where.name}:{where.lineno}" if where and type(exc).__name__ not in ("RuleTimeout", "DocumentTooLarge") \
        else ""
    what = "stopped" if type(exc).__name__ == "DocumentTooLarge" else "crashed"
    return Finding(
        rule=CRASH_CODE,
        name="rule-crashed",
        category=INTERNAL_CATEGORY,
        severity=Severity.ERROR,
        start=0,
        end=0,
        message=f"rule {rule.code} ({rule.name}) {what} on this document: "
        f"{type(exc).__name__}: {exc}{loc}; its findings are missing",
        confidence=1.0,
    )


def skipped_finding(rules: Sequence[Rule], seconds: float) -> Finding:
    codes = ", ".join(r.code for r in rules[:10]) + (" ..." if len(rules) > 10 else "")
    return Finding(rule=CRASH_CODE, name="rule-crashed", category=INTERNAL_CATEGORY, severity=Severity.ERROR,
                   start=0, end=0, confidence=1.0,
                   message=f"{len(rules)} rule(s) skipped on this document: it used up its time limit "
                   f"of {seconds:g} s ({codes}); their findings are missing")


#: the most findings one rule reports on one document (a bound on memory: a document of the same
#: paragraph printed 100,000 times would otherwise hold as many findings, and their JSON, at once)
MAX_FINDINGS_PER_RULE = 10_000


def capped_finding(rule: Rule, cap: int) -> Finding:
    return Finding(rule=CRASH_CODE, name="rule-crashed", category=INTERNAL_CATEGORY, severity=Severity.ERROR,
                   start=0, end=0, confidence=1.0,
                   message=f"rule {rule.code} ({rule.name}) stopped on this document after {cap:,} findings "
                   "(the most one rule reports on a document, a memory bound); its other findings are missing")


def check_document(doc: Document, plan: Plan, strict: bool = False) -> list[Finding]:
    from qa.guard import DocumentBudget

    from qa.scope import rules_for

    _warm(plan.rules)  # modules and models a rule needs are loaded before its time limit starts
    findings: list[Finding] = []
    # English-only rules skip documents clearly in another language
    rules = rules_for(doc, plan.rules, None if plan.settings.language_id else plan.settings.lang)
    if plan.scan is not None:  # one scan for every rule's triggers: a rule with no candidate is skipped
        skip = skipped(hits_for(doc, plan.scan), plan.scan)
        if skip:
            rules = [r for r in rules if r.code not in skip]
    severities, options = plan.severities, plan.options
    cap = MAX_FINDINGS_PER_RULE
    budget = DocumentBudget()  # time limits per rule and per document (qa.guard)
    in_rule = budget.rule
    try:
        for i, rule in enumerate(rules):
            if budget.exhausted:
                findings.append(skipped_finding(rules[i:], budget.document_seconds))
                break
            code = rule.code
            sev = severities[code]
            mark = len(findings)  # a rule that crashes or runs out of time reports nothing but its QA000
            try:
                with in_rule():
                    hits = rule.check(doc, options[code])
                    hits = hits[:cap + 1] if type(hits) is list else list(islice(hits, cap + 1))
                    if hits:
                        capped = len(hits) > cap
                        findings += findings_for(rule, hits[:cap] if capped else hits, sev, doc)
                        if capped:
                            findings.append(capped_finding(rule, cap))
            except Exception as exc:  # noqa: BLE001 - a rule must never take the batch down
                if strict:
                    raise
                del findings[mark:]  # "its findings are missing": none of a stopped rule's are kept
                findings.append(crash_finding(rule, exc))
    finally:
        budget.close()
    findings = confident(findings, plan.settings)
    findings.sort(key=FINDING_ORDER)
    return findings


#: the rule set ``_warm`` last warmed up, and how many modules were loaded then
_LAST_WARM_UP: list = [None, -1]


def _warm(rules: tuple[Rule, ...]) -> None:
    """``qa.warmup.warm_up(rules)``, skipped when it ran last for this same rule set and no module
    was imported since (what it would load is then loaded: it would only look again, at a few
    dozen microseconds a document)."""
    if _LAST_WARM_UP[0] is rules and _LAST_WARM_UP[1] == len(sys.modules):
        return
    from qa.warmup import warm_up

    warm_up(rules)
    _LAST_WARM_UP[0], _LAST_WARM_UP[1] = rules, len(sys.modules)


def detect_language(doc: Document, plan: Plan) -> str | None:
    """The result's ``language``: the record's, else language ID's (without language ID, the
    record's or none)."""
    if not plan.settings.language_id:
        return doc.lang or None
    from qa.language import document_language

    return document_language(doc)


def result_for(doc: Document, findings: list[Finding], plan: Plan) -> FileResult:
    res = FileResult(path=doc.path, id=doc.id, doc=doc, findings=findings,
                     language=detect_language(doc, plan), meta=doc.meta,
                     n_sentences=len(doc.sentences))
    score_result(res, plan.settings)
    return res


def error_result(err: InputError) -> FileResult:
    res = FileResult(path=err.path, id=err.id, doc=None, findings=[], error=err.error)
    res.score, res.verdict = 0.0, "fail"
    return res


__all__ = ["ConfigError", "Plan", "check_document", "make_plan"]
