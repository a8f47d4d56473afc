"""CLI: exit codes, selection, configuration errors, the JSON Lines contract on samples/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli import app
from qa.evidence import confidence as evidence_confidence

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def invoke(*args: str, cwd: Path | None = None):
    old = os.getcwd()
    try:
        os.chdir(cwd or ROOT)
        return runner.invoke(app, list(args))
    finally:
        os.chdir(old)


def test_help_for_every_command():
    for cmd in ("check", "clean", "rules", "rule"):
        res = invoke(cmd, "--help")
        assert res.exit_code == 0, res.output
        assert "Example:" in res.output


def test_jsonl_contract_on_samples():
    res = invoke("check", "samples/", "--format", "jsonl", "-o", "-", "--fail-on", "never", "-q")
    assert res.exit_code == 0, res.output
    objs = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    bilingual = [o["path"] for o in objs if o["path"].startswith("samples/bilingual/")]  # tests/test_bilingual.py
    assert bilingual == ["samples/bilingual/app.de.xlf", "samples/bilingual/news.zh-en.jsonl", "samples/bilingual/shop.fr.po"]
    objs = [o for o in objs if o["path"] not in bilingual]
    assert [o["path"] for o in objs] == ["samples/000_6ee191c9a62c81e0.txt", "samples/003_6687bd05b09e0dcc.txt"]
    for o in objs:
        assert list(o) == ["path", "id", "language", "score", "verdict", "counts", "error", "findings"]
        assert 0 <= o["score"] <= 100 and o["verdict"] in ("pass", "warn", "fail") and o["error"] is None
        text = (ROOT / o["path"]).read_text(encoding="utf-8")
        keys = [(f["start"], f["end"], f["rule"]) for f in o["findings"]]
        assert keys == sorted(keys)
        for f in o["findings"]:
            assert text[f["start"]:f["end"]] == f["text"]
            # the rule's measured precision (rules/evidence.yaml), or null when it has none
            assert f["confidence"] is None or 0 <= f["confidence"] <= 1
            assert f["confidence"] == evidence_confidence(f["rule"])
            line = text[: f["start"]].count("\n") + 1
            assert f["line"] == line


def test_seed_must_defects_of_the_foundation_are_found():
    res = invoke("check", "samples/", "--format", "jsonl", "-o", "-", "--fail-on", "never", "-q")
    objs = {Path(o["path"]).name: o for o in map(json.loads, res.stdout.splitlines())}
    wanted = {
        "000_6ee191c9a62c81e0.txt": ["respectively. .", ", ”said the source"],
        "003_6687bd05b09e0dcc.txt": ["Author: ****", "breach.A member"],
    }
    for name, quotes in wanted.items():
        text = (ROOT / "samples" / name).read_text(encoding="utf-8")
        for q in quotes:
            a = text.index(q)
            b = a + len(q)
            assert any(f["start"] < b and a < f["end"] for f in objs[name]["findings"]), q


def test_exit_codes_fail_on(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("It ended there.She left the room quietly, respectively. .\n", encoding="utf-8")
    assert invoke("check", str(p), "-q", "--isolated").exit_code == 0  # only warnings; fail-on error
    res = invoke("check", str(p), "-q", "--isolated", "--fail-on", "warning")
    assert res.exit_code == 1
    assert invoke("check", str(p), "-q", "--isolated", "--fail-on", "never").exit_code == 0


def test_exit_code_2_for_unreadable_input_after_processing_others(tmp_path):
    (tmp_path / "good.txt").write_text("Fine text here.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\xfd broken")
    res = invoke("check", str(tmp_path), "--format", "jsonl", "-o", "-", "-q", "--isolated")
    assert res.exit_code == 2
    objs = [json.loads(x) for x in res.stdout.splitlines()]
    assert [Path(o["path"]).name for o in objs] == ["bad.txt", "good.txt"]
    assert objs[0]["error"] and objs[1]["error"] is None


def test_select_ignore_and_unknown_codes(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("It ended there.She left, respectively. .\n", encoding="utf-8")

    def rules_found(*flags):
        res = invoke("check", str(p), "--format", "jsonl", "-o", "-", "-q", "--isolated", *flags)
        return sorted({f["rule"] for f in json.loads(res.stdout)["findings"]})

    assert rules_found("--select", "PUN002") == ["PUN002"]
    assert rules_found("--select", "punctuation", "--ignore", "PUN002") == ["PUN001"]
    res = invoke("check", str(p), "--select", "PUN999", "--isolated")
    assert res.exit_code == 2 and "unknown rule code" in res.output
    res = invoke("check", str(p), "--severity", "PUN002=error", "-q", "--isolated")
    assert res.exit_code == 1


def test_config_file_and_unknown_key(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("It ended there.She left.\n", encoding="utf-8")
    (tmp_path / "qa.toml").write_text('fail-on = "warning"\nignore = ["WS"]\n', encoding="utf-8")
    assert invoke("check", "a.txt", "-q", cwd=tmp_path).exit_code == 1
    assert invoke("check", "a.txt", "-q", "--fail-on", "never", cwd=tmp_path).exit_code == 0  # flag wins
    (tmp_path / "qa.toml").write_text('fail-onn = "warning"\n', encoding="utf-8")
    res = invoke("check", "a.txt", "-q", cwd=tmp_path)
    assert res.exit_code == 2 and "did you mean 'fail-on'" in res.output


def test_pyproject_tool_qa_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[tool.qa]\nselect=["PUN002"]\nfail-on="warning"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("It ended there.She left.\n", encoding="utf-8")
    res = invoke("check", "a.txt", "--format", "jsonl", "-o", "-", cwd=tmp_path)
    assert res.exit_code == 1
    assert {f["rule"] for f in json.loads(res.stdout.splitlines()[0])["findings"]} == {"PUN002"}


def test_rules_and_rule_docs():
    res = invoke("rules", "--format", "json")
    rules = json.loads(res.stdout)
    codes = [r["code"] for r in rules]
    assert codes == sorted(codes) and "PUN001" in codes
    res = invoke("rule", "PUN002")
    assert res.exit_code == 0
    assert res.stdout.startswith("# PUN002 missing-space-after-sentence")
    assert "## Flagged" in res.stdout and "## Not flagged" in res.stdout
    res = invoke("rule", "PUN0002")
    assert res.exit_code == 2 and "did you mean" in res.output


def test_output_file_is_deterministic(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    invoke("check", "samples/", "--format", "jsonl", "-o", str(a), "-q", "--fail-on", "never")
    invoke("check", "samples/", "--format", "jsonl", "-o", str(b), "-q", "--fail-on", "never")
    assert a.read_bytes() == b.read_bytes() and a.stat().st_size > 0


def test_python_dash_m_entry_point():
    res = subprocess.run([sys.executable, "-m", "qa", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0 and res.stdout.startswith("qa ")
