"""CSV and Parquet tables for curators (``pd.read_parquet(...)`` and filter).

Two tables, each with a fixed schema (columns in this order):

* **findings** (default), one row per finding::

    path, id, rule, name, category, severity, start, end, line, column, end_line, end_column,
    text, message, suggestion, confidence, fix

  ``fix`` is the fix's applicability (``safe``/``unsafe``) or null; ``suggestion`` may be null.
* **documents** (``--documents``), one row per document, unreadable inputs included::

    path, id, language, score, verdict, error, findings, error_findings, warning_findings,
    info_findings, cat_encoding, cat_whitespace, ... cat_duplicate

  ``findings`` is the document's total; ``cat_<category>`` counts per category (every category,
  in the fixed order of ``qa.model.CATEGORIES``; prefixed because the category ``language``
  would clash with the detected ``language``).

CSV cells are neutralised against spreadsheet formula injection (OWASP "CSV Injection"): a
text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a single
quote in front (``'=HYPERLINK(...)``), so a spreadsheet shows it as text and never evaluates
it; the cell is then quoted as usual. Parquet and JSON Lines keep the values unchanged.

Parquet files carry ``qa.table`` (``findings`` or ``documents``) and ``qa.contract`` in their
schema metadata; ``qa.load_results`` uses them. Both formats are deterministic (no timestamps).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence

import pyarrow as pa

from qa.model import CATEGORIES, FileResult
from qa.report.jsonl import CONTRACT_VERSION, result_dict

FINDINGS_SCHEMA = pa.schema([
    ("path", pa.string()), ("id", pa.string()), ("rule", pa.string()), ("name", pa.string()),
    ("category", pa.string()), ("severity", pa.string()),
    ("start", pa.int64()), ("end", pa.int64()), ("line", pa.int64()), ("column", pa.int64()),
    ("end_line", pa.int64()), ("end_column", pa.int64()),
    ("text", pa.string()), ("message", pa.string()), ("suggestion", pa.string()),
    ("confidence", pa.float64()), ("fix", pa.string()),
])

CATEGORY_COLUMNS = tuple(f"cat_{c}" for c in CATEGORIES)

DOCUMENTS_SCHEMA = pa.schema([
    ("path", pa.string()), ("id", pa.string()), ("language", pa.string()), ("score", pa.float64()),
    ("verdict", pa.string()), ("error", pa.string()), ("findings", pa.int64()),
    ("error_findings", pa.int64()), ("warning_findings", pa.int64()), ("info_findings", pa.int64()),
    *[(c, pa.int64()) for c in CATEGORY_COLUMNS],
])

SCHEMAS = {"findings": FINDINGS_SCHEMA, "documents": DOCUMENTS_SCHEMA}


def _s(v: object) -> object:
    """Strings Arrow can store: lone surrogates (possible in JSON Lines input) become U+FFFD."""
    if isinstance(v, str):
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            return v.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return v


# --------------------------------------------------------------------------- rows (from contract dicts)
def finding_rows(rd: Mapping[str, object]) -> list[dict[str, object]]:
    """Findings rows of one JSON Lines result object (``qa.report.jsonl.result_dict``)."""
    out = []
    for f in rd.get("findings") or []:  # type: ignore[union-attr]
        fix = f.get("fix")
        out.append({
            "path": rd["path"], "id": rd["id"], "rule": f["rule"], "name": f["name"],
            "category": f["category"], "severity": f["severity"], "start": f["start"], "end": f["end"],
            "line": f["line"], "column": f["column"], "end_line": f["end_line"], "end_column": f["end_column"],
            "text": f["text"], "message": f["message"], "suggestion": f.get("suggestion"),
            "confidence": None if f["confidence"] is None else float(f["confidence"]),
            "fix": fix.get("applicability") if isinstance(fix, Mapping) else None,
        })
    return out


def document_row(rd: Mapping[str, object]) -> dict[str, object]:
    findings = rd.get("findings") or []
    sev = {"error": 0, "warning": 0, "info": 0}
    cat = dict.fromkeys(CATEGORIES, 0)
    for f in findings:  # type: ignore[union-attr]
        sev[f["severity"]] = sev.get(f["severity"], 0) + 1
        if f["category"] in cat:
            cat[f["category"]] += 1
    row: dict[str, object] = {
        "path": rd["path"], "id": rd["id"], "language": rd.get("language"), "score": float(rd["score"]),  # type: ignore[arg-type]
        "verdict": rd["verdict"], "error": rd.get("error"), "findings": len(findings),  # type: ignore[arg-type]
        "error_findings": sev["error"], "warning_findings": sev["warning"], "info_findings": sev["info"],
    }
    row.update({f"cat_{c}": n for c, n in cat.items()})
    return row


def rows_from_dicts(dicts: Iterable[Mapping[str, object]], table: str = "findings") -> list[dict[str, object]]:
    if table == "documents":
        return [document_row(d) for d in dicts]
    return [row for d in dicts for row in finding_rows(d)]


def arrow_table(rows: Sequence[Mapping[str, object]], table: str = "findings") -> pa.Table:
    schema = SCHEMAS[table]
    cols = {name: [_s(r[name]) for r in rows] for name in schema.names}
    meta = {b"qa.table": table.encode(), b"qa.contract": str(CONTRACT_VERSION).encode()}
    return pa.table(cols, schema=schema.with_metadata(meta))


def results_table(results: Iterable[FileResult], documents: bool = False) -> pa.Table:
    kind = "documents" if documents else "findings"
    return arrow_table(rows_from_dicts((result_dict(r) for r in results), kind), kind)


# --------------------------------------------------------------------------- writers
def render_parquet(results: Iterable[FileResult], documents: bool = False) -> bytes:
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(results_table(results, documents), buf, compression="zstd")
    return buf.getvalue()


#: first characters that make a spreadsheet read a cell as a formula (OWASP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(v: object) -> object:
    """A CSV text cell that a spreadsheet cannot run: ``'`` before a leading ``= + - @``, tab or
    carriage return; other values unchanged."""
    if isinstance(v, str) and v.startswith(FORMULA_STARTS):
        return "'" + v
    return v


def render_csv(results: Iterable[FileResult], documents: bool = False) -> bytes:
    """CSV via pandas: a header row, RFC 4180 quoting, empty cells for nulls, ``\\n`` line ends,
    text cells neutralised against formula injection (``csv_cell``)."""
    table = results_table(results, documents)
    df = table.to_pandas()
    for field in table.schema:
        if pa.types.is_string(field.type):
            df[field.name] = df[field.name].map(csv_cell, na_action="ignore")
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")
