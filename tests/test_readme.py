"""The README's rules table is generated from the registry and kept fresh by this test
(QA_UPDATE_SNAPSHOTS=1 rewrites it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from qa.registry import all_rules

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def rules_table() -> str:
    rows = ["| code | name | category | severity | fix | summary |", "|---|---|---|---|---|---|"]
    for r in all_rules():
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| {r.code} | {r.name} | {r.category} | {r.severity} | {'yes' if r.fixable else ''} | {summary} |")
    return "\n".join(rows)


def test_readme_rules_table_is_current():
    text = README.read_text(encoding="utf-8")
    table = rules_table()
    new = re.sub(re.escape(START) + ".*?" + re.escape(END), START + "\n" + table.replace("\\", "\\\\") + "\n" + END, text, flags=re.S)
    if os.environ.get("QA_UPDATE_SNAPSHOTS"):
        README.write_text(new, encoding="utf-8")
        text = new
    assert text == new, "README rules table is stale: run QA_UPDATE_SNAPSHOTS=1 pytest tests/test_readme.py"
