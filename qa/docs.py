"""Rule documentation, generated from the rule object: one renderer for ``qa rule CODE``, the
HTML rule pages, SARIF help and the README table."""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from importlib import resources

from qa.model import Example, Rule

#: what a rule's page says of its fixes, by the applicabilities its fixes have
FIX_SAFETY_TEXT = {
    (): "no fix",
    ("safe",): "safe fix (applied by qa clean)",
    ("unsafe",): "unsafe fix (applied only with --unsafe-fixes or when a reviewer accepts)",
    ("safe", "unsafe"): "safe fix where the repair is certain, else an unsafe fix (applied only with "
                        "--unsafe-fixes or when a reviewer accepts)",
}
#: the fix safety of every built-in rule, measured on its examples (``measured_fix_safety``);
#: regenerated with ``QA_UPDATE_SNAPSHOTS=1 pytest tests/test_rule_pages.py``
FIX_SAFETY_FILE = "fix_safety.json"
#: a corpus rule's example may hold several documents separated by this line
CORPUS_SEP = "\n\f\n"
#: a source-aware rule's example is ``source ||| target`` lines
PAIR_SEP = " ||| "


def example_findings(rule: Rule, ex: Example) -> list:
    """The findings of ``rule`` on its example ``ex``, checked as the example tests check it."""
    from qa.config import Settings
    from qa.engine import check_document, make_plan
    from qa.runner.pipeline import run_records
    from qa.readers import make_document

    from qa.registry import get_rule

    settings = Settings(select=(rule.code,))
    # a rule of the registry with its pack's settings; any other (a plan's own) by itself
    plan = make_plan(settings) if get_rule(rule.code) is rule else make_plan(settings, rules=[rule])
    if rule.corpus and CORPUS_SEP in ex.text:
        docs = [make_document(t, path=f"doc{i}.txt", doc_id=f"doc{i}.txt") for i, t in enumerate(ex.text.split(CORPUS_SEP))]
        return [f for r in run_records(docs, plan) for f in r.findings if f.rule == rule.code]
    if rule.code.startswith("SRC"):
        from qa.bilingual.model import example_document

        doc = example_document(ex.text)
    else:
        doc = make_document(ex.text, markdown=ex.text.lstrip().startswith("# "))
    return [f for f in check_document(doc, plan) if f.rule == rule.code]


def measured_fix_safety(rule: Rule) -> tuple[str, ...]:
    """The applicabilities (``safe``, ``unsafe``) of the fixes ``rule`` gives on its flagged
    examples, sorted; empty for a rule without fixes."""
    if not rule.fixable:
        return ()
    return tuple(sorted({str(f.fix.applicability) for ex in rule.examples if ex.kind == "bad"
                         for f in example_findings(rule, ex) if f.fix is not None}))


@lru_cache(maxsize=1)
def _recorded_fix_safety() -> dict[str, tuple[str, ...]]:
    try:
        raw = resources.files("qa").joinpath("data", FIX_SAFETY_FILE).read_text(encoding="utf-8")
    except OSError:
        return {}
    return {k: tuple(v) for k, v in json.loads(raw).items()}


_MEASURED: dict[str, tuple[str, ...]] = {}  # rules not in FIX_SAFETY_FILE, measured once per process


def fix_safety(rule: Rule) -> tuple[str, ...]:
    """``measured_fix_safety``, read from ``qa/data/fix_safety.json`` for a built-in rule
    (measuring runs the examples: seconds for all rules) and measured for any other (a pack's)."""
    if not rule.fixable:
        return ()
    got = _recorded_fix_safety().get(rule.code)
    if got:
        return got
    if rule.code not in _MEASURED:
        try:
            _MEASURED[rule.code] = measured_fix_safety(rule)
        except Exception:  # noqa: BLE001 - a page still says the rule has a fix
            _MEASURED[rule.code] = ("?",)
    return _MEASURED[rule.code]


def fix_safety_text(rule: Rule) -> str:
    safety = fix_safety(rule)
    return FIX_SAFETY_TEXT.get(safety, "fix (its safety is not shown by the rule's examples)")


def example_parts(text: str, spans: tuple[tuple[int, int], ...] = ()) -> list[dict[str, object]]:
    """An example as what it stands for, without its fixture markup: one part per document of
    a corpus example (``document N``), per side of a ``source ||| target`` line (``source`` /
    ``target``), else one part; each part is a list of ``(text, flagged)`` pieces, the flagged
    ones being the spans the rule reports."""
    ranges: list[tuple[str, int, int]] = []
    if CORPUS_SEP in text:
        pos, docs = 0, text.split(CORPUS_SEP)
        for i, d in enumerate(docs, start=1):
            ranges.append((f"document {i} of {len(docs)}", pos, pos + len(d)))
            pos += len(d) + len(CORPUS_SEP)
    elif PAIR_SEP in text:
        pos = 0
        lines = text.split("\n")
        for n, line in enumerate(lines, start=1):
            src, _, tgt = line.partition(PAIR_SEP)
            seg = f"segment {n} " if len(lines) > 1 else ""
            ranges.append((seg + "source", pos, pos + len(src)))
            if _:
                ranges.append((seg + "target", pos + len(src) + len(PAIR_SEP), pos + len(line)))
            pos += len(line) + 1
    else:
        ranges.append(("", 0, len(text)))
    parts = []
    for label, a, b in ranges:
        inner = [sp for sp in spans if a <= sp[0] <= sp[1] <= b]
        cuts = sorted({a, b, *(x for sp in inner for x in sp)})
        pieces: list[tuple[str, bool]] = []
        for x, y in zip(cuts, cuts[1:]):
            pieces += [("", True)] * sum(1 for s, e in inner if s == e == x)  # a missing character
            pieces.append((text[x:y], any(s <= x and y <= e for s, e in inner)))
        pieces += [("", True)] * sum(1 for s, e in inner if s == e == b and b > a)
        if a == b:
            pieces += [("", True)] * sum(1 for s, e in inner if s == e == a)
        parts.append({"label": label, "pieces": [(t, f) for t, f in pieces if t or f]})
    return parts


def _example_lines(text: str, spans: tuple[tuple[int, int], ...] = (), fixed: str | None = None) -> list[str]:
    """Markdown lines of one example (terminal, SARIF help): its text as it is (a text of several
    lines as indented lines), the flagged spans named after it, and the text after the fix."""
    out: list[str] = []

    def body(parts, lead: str) -> None:
        for part in parts:
            t = "".join(x for x, _f in part["pieces"])
            label = f"{part['label']}: " if part["label"] else ""
            lines = t.split("\n")
            head = lead if not out else "  "
            if len(lines) == 1:
                out.append(f"{head}{label}`{_one_line(t)}`")
            else:
                out.append(f"{head}{label}(a text of {len(lines)} lines)")
                out.extend(f"      {_one_line(x)}" if x else "" for x in lines)

    parts = example_parts(text, spans)
    body(parts, "- ")
    flagged = [(p["label"], x) for p in parts for x, f in p["pieces"] if f]
    if flagged:
        out.append("  flagged: " + ", ".join((f"`{_one_line(x)}`" if x else "a missing character here")
                                              + (f" ({lab})" if lab and len(parts) > 1 else "") for lab, x in flagged))
    if fixed is not None:
        fparts = example_parts(fixed)
        if len(fparts) == 1 and "\n" not in fixed:
            out.append(f"  after the fix: `{_one_line(fixed)}`")
        else:
            out.append("  after the fix:")
            n = len(out)
            body(fparts, "  ")
            out[n:] = ["  " + x if x else x for x in out[n:]]
    return out


def rule_markdown(rule: Rule, evidence: bool = False, examples: bool = True) -> str:
    """The rule's documentation; ``evidence`` adds its measured numbers (``rules/evidence.yaml``);
    ``examples=False`` leaves the examples out (the HTML rule pages show them as text)."""
    lines = [f"# {rule.code} {rule.name}", "", rule.summary, ""]
    lines += [
        f"- Category: `{rule.category}`",
        f"- Default severity: `{rule.severity}`",
        f"- Fix: {fix_safety_text(rule)}",
        f"- Source: `{rule.source}`",
    ]
    if rule.options:
        lines.append("- Options: " + ", ".join(f"`{k}` = `{v}`" for k, v in sorted(rule.options.items())))
    lines.append("")
    if rule.doc:
        lines += [rule.doc, ""]
    bads = [e for e in rule.examples if e.kind == "bad"] if examples else []
    goods = [e for e in rule.examples if e.kind == "good"] if examples else []
    if bads:
        lines += ["## Flagged", ""]
        for e in bads:
            lines += _example_lines(e.text, e.spans, e.fixed)
        lines.append("")
    if goods:
        lines += ["## Not flagged", ""]
        for e in goods:
            lines += _example_lines(e.text)
        lines.append("")
    if evidence:
        from qa.evidence import evidence_markdown

        lines += evidence_markdown(rule.code)
    return "\n".join(lines).rstrip() + "\n"


#: characters an example may hold that must not reach a page or a terminal as they are (controls,
#: surrogates, which UTF-8 cannot write): shown as escapes
_UNPRINTABLE_RE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _one_line(s: str) -> str:
    s = s.replace("\r", "\\r").replace("\n", "\\n").replace("`", "'")
    return _UNPRINTABLE_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 256
                               else f"\\u{ord(m.group(0)):04x}", s)


_CODE_RE = re.compile(r"`([^`]+)`")
_EM_RE = re.compile(r"\*([^*\s][^*]*)\*")


def markdown_to_html(md: str) -> str:
    """A small, safe Markdown subset (headings, lists, paragraphs, `code`, *em*). Everything is
    escaped first; only our own tags are added afterwards."""
    out: list[str] = []
    in_list = False
    para: list[str] = []

    def inline(s: str) -> str:
        s = html.escape(s, quote=True)
        s = _CODE_RE.sub(r"<code>\1</code>", s)
        return _EM_RE.sub(r"<em>\1</em>", s)

    def flush() -> None:
        nonlocal para
        if para:
            out.append("<p>" + inline(" ".join(para)) + "</p>")
            para = []

    for line in md.splitlines():
        if line.startswith("#"):
            flush()
            if in_list:
                out.append("</ul>")
                in_list = False
            level = min(len(line) - len(line.lstrip("#")) + 1, 4)
            out.append(f"<h{level}>{inline(line.lstrip('#').strip())}</h{level}>")
        elif line.lstrip().startswith("- "):
            flush()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append("<li>" + inline(line.lstrip()[2:]) + "</li>")
        elif not line.strip():
            flush()
            if in_list:
                out.append("</ul>")
                in_list = False
        else:
            para.append(line.strip())
    flush()
    if in_list:
        out.append("</ul>")
    return "\n".join(out)
