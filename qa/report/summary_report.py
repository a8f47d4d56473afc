"""``qa report RESULTS... --out DIR``: a run summary as ``report.html`` and ``report.md`` with plots.

RESULTS are JSON Lines outputs of ``qa check``. The plots are inline SVG made here (bars and a
histogram; no plotting library): findings per category and per rule, the score histogram; then
tables of the worst documents and of the counts per source (a document's folder, or the file a
record came from). The HTML page has no script, escapes every text from the results, and carries
the same strict Content-Security-Policy as the other reports (only its own style, by hash). The
Markdown file links the same plots written as SVG files beside it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path

from qa.fsutil import atomic_write_text
from qa.report.html import csp
from qa.summary import Tally

CSS = ("body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#222}"
       "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}"
       "td.n{text-align:right}h2{margin-top:1.6em}svg{display:block;margin:.5em 0}"
       ".bar{fill:#4a78b5}.lbl{font:12px system-ui,sans-serif;fill:#222}")


class ReportError(ValueError):
    pass


def read_results(paths: Sequence[Path]) -> Tally:
    tally = Tally()
    for p in paths:
        try:
            fh = p.open(encoding="utf-8")
        except OSError as exc:
            raise ReportError(f"cannot read {p}: {exc.strerror or exc}") from None
        with fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    raise ReportError(f"{p}:{lineno}: not JSON (give qa check --format jsonl outputs)") from None
                if not isinstance(obj, dict) or "findings" not in obj or "path" not in obj:
                    raise ReportError(f"{p}:{lineno}: not a qa result object (no 'path'/'findings')")
                tally.add(obj)
    return tally


def bars_svg(items: Sequence[tuple[str, float]], title: str, width: int = 760) -> str:
    """A horizontal bar chart: one labelled bar per item; every label escaped."""
    row = 18
    label_w = 330
    h = row * len(items) + 30
    top = max((v for _, v in items), default=0) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img" '
           f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (label, v) in enumerate(items):
        y = 20 + i * row
        w = (width - label_w - 60) * v / top
        if len(label) > 48:
            label = label[:47] + "\u2026"
        out.append(f'<text class="lbl" x="{label_w - 6}" y="{y + 12}" text-anchor="end">{escape(label)}</text>'
                   f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{row - 4}"/>'
                   f'<text class="lbl" x="{label_w + w + 4:.1f}" y="{y + 12}">{escape(f"{v:g}")}</text>')
    out.append("</svg>")
    return "".join(out)


def histogram_svg(bins: Sequence[tuple[str, int]], title: str, width: int = 640, height: int = 200) -> str:
    n = len(bins) or 1
    top = max((v for _, v in bins), default=0) or 1
    bw = (width - 40) / n
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" role="img" '
           f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (label, v) in enumerate(bins):
        h = height * v / top
        x = 20 + i * bw
        out.append(f'<rect class="bar" x="{x + 2:.1f}" y="{20 + height - h:.1f}" width="{bw - 4:.1f}" height="{h:.1f}"/>'
                   f'<text class="lbl" x="{x + bw / 2:.1f}" y="{height + 34}" text-anchor="middle">{escape(label)}</text>'
                   f'<text class="lbl" x="{x + bw / 2:.1f}" y="{14 + height - h:.1f}" text-anchor="middle">{v}</text>')
    out.append("</svg>")
    return "".join(out)


def _plots(d: dict) -> dict[str, tuple[str, str]]:
    cats = [(c, v["findings"]) for c, v in sorted(d["categories"].items(), key=lambda x: (-x[1]["findings"], x[0]))]
    rules = [(f'{r["rule"]} {r["name"]}', r["findings"]) for r in d["rules"][:30]]
    hist = [(f'{b["from"]}-{b["to"]}', b["documents"]) for b in d["scores"]["histogram"]]
    return {
        "categories": ("Findings per category", bars_svg(cats, "Findings per category")),
        "rules": ("Findings per rule (top 30)", bars_svg(rules, "Findings per rule")),
        "scores": ("Documents per score", histogram_svg(hist, "Documents per score")),
    }


def _table(head: Sequence[str], rows: Sequence[Sequence[object]], md: bool) -> str:
    if md:
        def cell(v: object) -> str:
            return str(v).replace("|", "\\|").replace("\n", " ")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="n">{escape(str(v))}</td>' if isinstance(v, (int, float))
                                    else f"<td>{escape(str(v))}</td>" for v in r) + "</tr>" for r in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _sections(d: dict, md: bool) -> list[tuple[str, str]]:
    cat_rows = [(c, v["findings"], v["documents"], f'{100 * v["document_rate"]:.1f}%') for c, v in d["categories"].items()]
    rule_rows = [(r["rule"], r["name"], r["category"], r["findings"]) for r in d["rules"]]
    worst = [(w["path"], w["id"], w["score"]) for w in d["worst"]]
    src = [(k, v.get("documents", 0), v.get("findings", 0), v.get("fail", 0), v.get("warn", 0), v.get("pass", 0),
            v.get("errors", 0)) for k, v in d["sources"].items()]
    s = d["scores"]
    overview = [("documents", d["documents"]), ("unreadable inputs", d["errors"]), ("findings", d["findings"]),
                *((f"verdict {k}", v) for k, v in d["verdicts"].items()),
                ("mean score", s["mean"] if s["mean"] is not None else "-"), ("median score", s["median"])]
    return [
        ("Overview", _table(("", "value"), overview, md)),
        ("Categories", _table(("category", "findings", "documents with one", "share of documents"), cat_rows, md)),
        ("Rules", _table(("rule", "name", "category", "findings"), rule_rows, md)),
        ("Worst documents", _table(("path", "id", "score"), worst, md)),
        ("Per source", _table(("source", "documents", "findings", "fail", "warn", "pass", "unreadable"), src, md)),
    ]


def write_report(paths: Sequence[Path], out_dir: Path) -> list[Path]:
    d = read_results(paths).as_dict()
    plots = _plots(d)
    secs_html = _sections(d, md=False)
    secs_md = _sections(d, md=True)
    title = "qa run summary"
    body = [f"<h1>{escape(title)}</h1>", f"<p>Results: {escape(', '.join(str(p) for p in paths))}</p>"]
    body.append(f"<h2>{escape(secs_html[0][0])}</h2>{secs_html[0][1]}")
    for _key, (ptitle, svg) in plots.items():
        body.append(f"<h2>{escape(ptitle)}</h2>{svg}")
    for name, html_table in secs_html[1:]:
        body.append(f"<h2>{escape(name)}</h2>{html_table}")
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp(CSS, None)}\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>" + "".join(body) + "</body></html>\n")
    written = [out_dir / "report.html", out_dir / "report.md"]
    atomic_write_text(written[0], page)
    md = [f"# {title}", "", "Results: " + ", ".join(f"`{p}`" for p in paths), "", f"## {secs_md[0][0]}", "", secs_md[0][1]]
    style = f"<style>{CSS}</style>"
    for key, (ptitle, svg) in plots.items():
        f = out_dir / f"report-{key}.svg"
        atomic_write_text(f, svg.replace(">", ">" + style, 1) + "\n")
        written.append(f)
        md += [f"## {ptitle}", "", f"![{ptitle}]({f.name})", ""]
    for name, table in secs_md[1:]:
        md += [f"## {name}", "", table]
    atomic_write_text(written[1], "\n".join(md))
    return written
