"""Rule documentation, generated from the rule object: one renderer for ``qa rule CODE``, the
HTML rule pages, SARIF help and the README table."""

from __future__ import annotations

import html
import re

from qa.model import Rule


def rule_markdown(rule: Rule, evidence: bool = False) -> str:
    """The rule's documentation; ``evidence`` adds its measured numbers (``rules/evidence.yaml``)."""
    lines = [f"# {rule.code} {rule.name}", "", rule.summary, ""]
    lines += [
        f"- Category: `{rule.category}`",
        f"- Default severity: `{rule.severity}`",
        f"- Fix: {'yes' if rule.fixable else 'no'}",
        f"- Source: `{rule.source}`",
    ]
    if rule.options:
        lines.append("- Options: " + ", ".join(f"`{k}` = `{v}`" for k, v in sorted(rule.options.items())))
    lines.append("")
    if rule.doc:
        lines += [rule.doc, ""]
    bads = [e for e in rule.examples if e.kind == "bad"]
    goods = [e for e in rule.examples if e.kind == "good"]
    if bads:
        lines += ["## Flagged", ""]
        for e in bads:
            marked = _mark(e.text, e.spans)
            lines.append(f"- `{_one_line(marked)}`")
            if e.fixed is not None:
                lines.append(f"  - fixed: `{_one_line(e.fixed)}`")
        lines.append("")
    if goods:
        lines += ["## Not flagged", ""]
        lines += [f"- `{_one_line(e.text)}`" for e in goods]
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


def _mark(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    out, pos = [], 0
    for a, b in spans:
        out += [text[pos:a], "[[", text[a:b], "]]"]
        pos = b
    out.append(text[pos:])
    return "".join(out)


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
