"""CSV reports cannot inject spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from qa.cli import app
from qa.report.tables import csv_cell

INJECT = ("=HYPERLINK(\"http://x.invalid\",\"y\")", "+1+1", "-2+3", "@SUM(A1)")


def _cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_csv_formula_injection_cells_are_prefixed_with_a_quote(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": v, "text": f"{v} It ended there.She left."}) for v in INJECT]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc = tmp_path / "=cmd.txt"  # a file name that is a formula
    doc.write_text("It ended there.She left.\n", encoding="utf-8")
    out = tmp_path / "qa.csv"
    res = _cli("check", str(src), str(doc), "-f", "csv", "-o", str(out), "--select", "PUN002", "--fail-on", "never")
    assert res.exit_code == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    ids = [r["id"] for r in rows]
    assert ids == ["'" + v for v in INJECT] + ["'=cmd.txt"]
    assert all(not r[k] or r[k][0] not in "=+-@\t\r" for r in rows for k in r)
    assert rows[-1]["path"] == str(doc)  # an absolute path starts with '/': unchanged
    assert {r["rule"] for r in rows} == {"PUN002"} and rows[0]["text"] == "there.She"
    # a finding whose text begins with a tab (a line of only tabs)
    tabs = tmp_path / "tabs.txt"
    tabs.write_text("The council met.\n\t\t\nIt voted.\n", encoding="utf-8")
    out3 = tmp_path / "tabs.csv"
    _cli("check", str(tabs), "-f", "csv", "-o", str(out3), "--select", "META114", "--fail-on", "never")
    trows = list(csv.DictReader(io.StringIO(out3.read_text(encoding="utf-8"), newline="")))
    assert [(r["rule"], r["text"]) for r in trows] == [("META114", "'\t\t")]
    # documents table: the same for ids, paths and error messages
    out2 = tmp_path / "docs.csv"
    _cli("check", str(src), "-f", "csv", "--documents", "-o", str(out2), "--fail-on", "never")
    drows = list(csv.DictReader(io.StringIO(out2.read_text(encoding="utf-8"), newline="")))
    assert [r["id"] for r in drows] == ["'" + v for v in INJECT]
    # Parquet and JSON Lines keep the values as they are
    import qa

    pq = tmp_path / "qa.parquet"
    _cli("check", str(src), "-f", "parquet", "-o", str(pq), "--select", "PUN002", "--fail-on", "never")
    assert qa.load_results(pq)["id"].tolist() == list(INJECT)


def test_csv_cell_leaves_plain_values_alone():
    assert csv_cell("plain") == "plain" and csv_cell("a=b") == "a=b" and csv_cell("") == ""
    assert csv_cell(3) == 3 and csv_cell(None) is None and csv_cell(-1.5) == -1.5
    assert csv_cell("-x") == "'-x" and csv_cell("@x") == "'@x"
    assert csv_cell("\tx") == "'\tx" and csv_cell("\r=1") == "'\r=1" and csv_cell("+x") == "'+x"
