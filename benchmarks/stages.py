#!/usr/bin/env python3
"""Where the time of a ``qa check`` goes: a profile per stage, made in one process.

    python benchmarks/stages.py CORPUS.jsonl [--max-bytes N] [--json]

Checks the documents of ``CORPUS`` (any input ``qa check`` reads) with the default rules, the
way ``qa check --jobs 1`` does, and times each stage on its own:

* **start-up**: importing qa and building the rule set (Python checks and packs);
* **load models**: the models and tables the rules load on first use (``qa.warmup``, eager);
* **read**: reading the input and making documents;
* **facts**: segmentation, computed once per document (line starts, lines, blocks, paragraphs,
  sentences, words) and the lower-cased text;
* **scan**: the one scan of every selected rule's triggers (``qa.scan``, Hyperscan or its
  fallback; code-point offsets are made later, when a rule asks, and count as the rule's time);
* **language ID**: the document's language (the result's ``language`` field, and whether the
  English-only rules run);
* **shared facts**: what a rule computes on first use for other rules too (``qa.facts``: the
  page layout that twenty rules read, grammar candidates, ...), each on a row of its own and kept
  out of the rule that happened to ask first (``qa.facts.FactClock``, as ``qa check
  --profile-rules`` does); the small ones together on one row;
* **rules, per family**: each rule's check, summed by the letters of its code (``GRAM``, ``MT``,
  ``BP`` ...), with the corpus rules' ``collect`` and ``finalize``;
* **findings**: turning hits into findings (severity, confidence, sorting), the engine's part of
  ``check_document`` that is not a rule;
* **output**: scoring each result and writing its JSON Lines.

Below the table, the scan is timed alone as well: the same texts scanned one after another,
nothing else between two scans (three passes; the median). In the table each document's scan
runs between its other stages, whose data has pushed the scan's tables out of the processor's
caches: that is the scan's cost in a run, and the slower of the two.

A stage's facts are computed before the next stage starts, so a rule's time does not include
segmentation its document needed anyway. The garbage collector has the settings of a
``qa check`` run (``qa.runner.collector.checking``). Times are CPU seconds of the process
(``time.process_time``): on a machine other work shares, wall time would count the waits too.
Prints a Markdown table (``--json``: the numbers).
The per-document work is the engine's own (``qa.engine.check_document`` on a plan whose checks
are timed); nothing here changes what is found.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the clock of every stage: CPU seconds of this process (one thread)
clock = time.process_time


def family(code: str) -> str:
    """A rule's family: the letters of its code (``GRAM001`` -> ``GRAM``)."""
    m = re.match(r"[A-Z]+", code)
    return m.group(0) if m else code


def profile(paths: list[str], max_bytes: int | None = None) -> dict:
    t0 = clock()
    from qa.config import Settings
    from qa.engine import check_document, make_plan, result_for
    from qa.readers import InputError, read_all

    plan = make_plan(Settings())
    stages: dict[str, float] = {"start-up": clock() - t0}

    t = clock()
    from qa.warmup import warm_up

    warm_up(plan.rules, eager=True)
    stages["load models"] = clock() - t

    # rules timed one by one (the same wrapping as ``qa check --profile-rules``), the shared facts
    # they compute on rows of their own
    from qa.facts import FactClock, fact_mark, own_time, set_fact_clock

    rule_times: dict[str, float] = {}
    fact_times: dict[str, float] = {}
    facts_clock = FactClock(fact_times, timer=clock)

    def timed(rule):
        fn, code = rule.check, rule.code

        def check(doc, opts):
            mark = fact_mark(clock)
            try:
                return list(fn(doc, opts))
            finally:
                rule_times[code] = rule_times.get(code, 0.0) + own_time(mark, clock)

        return replace(rule, check=check)

    tplan = replace(plan, rules=tuple(timed(r) for r in plan.rules))  # the same scan plan (qa.scan)
    corpus = plan.corpus_rules
    collected: dict[str, list[object]] = {r.code: [] for r in corpus}

    from qa import fastpath
    from qa.language import document_language
    from qa.scan import hits_for
    from qa.report.jsonl import dumps
    from qa.scope import clearly_not_english

    for name in ("read", "facts", "scan", "language ID", "findings", "output"):
        stages[name] = 0.0
    n_docs = n_bytes = n_findings = 0
    results = []
    texts: list[str] = []  # (for the scan alone, below)
    out = io.StringIO()
    records = iter(read_all(paths))
    from contextlib import ExitStack

    from qa.runner.collector import checking, settled

    gc_settings = ExitStack()  # the collector's settings of a ``qa check`` run (qa.runner.collector)
    gc_settings.enter_context(checking())
    while True:
        t = clock()
        doc = next(records, None)
        stages["read"] += clock() - t
        if doc is None or (max_bytes is not None and n_bytes >= max_bytes):
            break
        if isinstance(doc, InputError):
            continue
        n_docs += 1
        n_bytes += len(doc.text.encode("utf-8", "surrogatepass"))
        texts.append(doc.text)

        t = clock()
        for view in ("line_starts", "lines", "blocks", "paragraphs", "sentences", "words"):
            getattr(doc, view)
        fastpath.lowered(doc)
        stages["facts"] += clock() - t

        t = clock()
        hits_for(doc, tplan.scan)  # the one scan of every rule's triggers (check_document reuses it)
        stages["scan"] += clock() - t

        t = clock()
        clearly_not_english(doc)
        document_language(doc)
        stages["language ID"] += clock() - t

        before = sum(rule_times.values())
        set_fact_clock(facts_clock)  # (the rules' shared facts: the stages above time their own)
        mark = fact_mark(clock)
        findings = check_document(doc, tplan)
        stages["findings"] += own_time(mark, clock) - (sum(rule_times.values()) - before)
        for r in corpus:
            mark = fact_mark(clock)
            collected[r.code].append(r.collect(doc, plan.options[r.code]))  # type: ignore[misc]
            rule_times[r.code] = rule_times.get(r.code, 0.0) + own_time(mark, clock)
        set_fact_clock(None)

        t = clock()
        res = result_for(doc, findings, plan)
        out.write(dumps(res))
        out.write("\n")
        res.doc = None
        stages["output"] += clock() - t
        n_findings += len(findings)
        results.append(res)
        if n_docs == 1:
            settled()  # what the first document loaded lives for the run, as in ``qa check``
    gc_settings.close()
    for r in corpus:
        t = clock()
        for _hits in r.finalize(collected[r.code], plan.options[r.code]):  # type: ignore[misc]
            pass
        rule_times[r.code] = rule_times.get(r.code, 0.0) + clock() - t

    passes = []
    if tplan.scan is not None:  # the scan alone: the same texts, one scan after another
        for _ in range(3):
            t = clock()
            for text in texts:
                tplan.scan.scan(text)
            passes.append(clock() - t)
    scan_alone = sorted(passes)[len(passes) // 2] if passes else None
    families: dict[str, float] = {}
    for code, s in rule_times.items():
        families[family(code)] = families.get(family(code), 0.0) + s
    facts = {k[len("(fact "):-1]: v for k, v in fact_times.items()}  # "(fact layout)" -> "layout"
    return {"documents": n_docs, "text_bytes": n_bytes, "findings": n_findings, "stages": stages,
            "scan_alone": scan_alone,
            "facts": dict(sorted(facts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "families": dict(sorted(families.items(), key=lambda kv: -kv[1])),
            "rules": dict(sorted(rule_times.items(), key=lambda kv: -kv[1])[:15])}


def table(p: dict) -> str:
    """The profile as Markdown: one row per stage and per rule family, slowest families first."""
    rows = [(k, v) for k, v in p["stages"].items() if k not in ("findings", "output")]
    total_all = sum(v for k, v in p["stages"].items() if k not in ("start-up", "load models"))
    total_all += sum(p["families"].values()) + sum(p.get("facts", {}).values())
    big = [(k, v) for k, v in p.get("facts", {}).items() if total_all and v >= 0.01 * total_all]
    rows += [(f"shared fact: {k}", v) for k, v in big]
    rest = sum(p.get("facts", {}).values()) - sum(v for _, v in big)
    if rest > 0:
        rows.append(("shared facts: the others", rest))
    rows += [(f"rules {k}", v) for k, v in p["families"].items()]
    rows += [(k, p["stages"][k]) for k in ("findings", "output")]
    per_doc = [(k, v) for k, v in rows if k not in ("start-up", "load models")]
    total = sum(v for _, v in per_doc)
    mb = p["text_bytes"] / 1e6
    lines = [f"Stage profile: {p['documents']:,} documents, {mb:.1f} MB of text, one process "
             f"(`benchmarks/stages.py`), CPU seconds; start-up and model loading are paid once per "
             "process, the other stages per document.", "",
             "| stage | CPU seconds | share of per-document time | MB/s if it ran alone |", "|---|---|---|---|"]
    for k, v in rows:
        once = k in ("start-up", "load models")
        share = "-" if once else f"{v / total:.1%}" if total else "-"
        rate = "-" if once or not v else f"{mb / v:,.1f}"
        lines.append(f"| {k} | {v:.2f} | {share} | {rate} |")
    lines.append(f"| **per-document total** | **{total:.2f}** | 100% | **{mb / total:.2f}** |" if total else "")
    slow = ", ".join(f"{c} {s:.2f} s" for c, s in list(p["rules"].items())[:8])
    lines += ["", f"Slowest rules: {slow}."]
    alone, in_run = p.get("scan_alone"), p["stages"].get("scan")
    if alone and in_run:
        lines += ["", f"The scan alone (the same texts scanned one after another, median of 3 passes): "
                      f"{alone:.2f} s, {mb / alone:.1f} MB/s; in the run above, each document's scan "
                      f"between its other stages: {mb / in_run:.1f} MB/s."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--max-bytes", type=int, default=None, help="stop after this much text")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    a = ap.parse_args(argv)
    p = profile(a.paths, a.max_bytes)
    print(json.dumps(p) if a.json else table(p))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
