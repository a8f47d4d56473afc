"""Read qa outputs back into pandas DataFrames.

``load_results(path)`` returns the **findings** table: one row per finding, with the columns of
``qa.report.tables.FINDINGS_SCHEMA`` (path, id, rule, name, category, severity, start, end, line,
column, end_line, end_column, text, message, suggestion, confidence, fix).
``load_results(path, documents=True)`` returns the **documents** table: one row per document
(``qa.report.tables.DOCUMENTS_SCHEMA``: path, id, language, score, verdict, error, counts).

``path`` is a JSON Lines output (``--format jsonl``; both tables can be built from it) or a
Parquet output (``--format parquet`` gives the findings table, ``--format parquet --documents``
the documents table; asking a Parquet file for the other table is a ``ValueError``). Both
sources go through the same Arrow schema, so a Parquet file and the JSON Lines output of the
same run load into equal DataFrames.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from qa.report.tables import SCHEMAS, arrow_table, rows_from_dicts

JSONL_SUFFIXES = (".jsonl", ".ndjson")


def _kind(documents: bool) -> str:
    return "documents" if documents else "findings"


def _load_jsonl(path: Path, table: str) -> pd.DataFrame:
    dicts = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{lineno}: not JSON: {exc}") from None
            if not isinstance(obj, dict) or "findings" not in obj or "path" not in obj:
                raise ValueError(f"{path}:{lineno}: not a qa result object (no 'path'/'findings')")
            dicts.append(obj)
    return arrow_table(rows_from_dicts(dicts, table), table).to_pandas()


def _load_parquet(path: Path, table: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    meta = t.schema.metadata or {}
    kind = meta.get(b"qa.table", b"").decode()
    if kind not in SCHEMAS:
        raise ValueError(f"{path}: not a qa Parquet output (no qa.table metadata)")
    if kind != table:
        hint = ("load it with documents=True" if kind == "documents"
                else "load documents from the JSON Lines output, or write them with --documents")
        raise ValueError(f"{path}: this file holds the {kind} table, not the {table} table; {hint}")
    return t.cast(SCHEMAS[table].with_metadata(meta)).to_pandas()


def load_results(path: str | Path, documents: bool = False) -> pd.DataFrame:
    """The findings (or, with ``documents=True``, the documents) table of a qa output file."""
    p = Path(path)
    table = _kind(documents)
    if p.suffix.lower() in JSONL_SUFFIXES:
        return _load_jsonl(p, table)
    if p.suffix.lower() == ".parquet":
        return _load_parquet(p, table)
    raise ValueError(f"{p}: load_results reads .jsonl or .parquet outputs, not {p.suffix or 'this file'}")


__all__ = ["load_results"]
