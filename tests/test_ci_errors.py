"""Errors CI can tell apart: a bad configuration value or flag is `qa: error: ...` with exit 2
before any work (never a traceback, never exit 1); the gate reason is printed even with -q;
progress goes to standard error only; QA000 has its own category `internal`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
TEXT = "It ended there.She left the room quietly, respectively. .\n"


def invoke(*args: str, cwd: Path):
    old = os.getcwd()
    try:
        os.chdir(cwd)
        return runner.invoke(app, list(args))
    finally:
        os.chdir(old)


@pytest.fixture
def work(tmp_path) -> Path:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "empty-pack").mkdir()
    (tmp_path / "binary.yaml").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(128, 256)) * 4)
    return tmp_path


# --------------------------------------------------------------------------- bad configuration
# (qa.toml text, the key the message must name)
BAD_CONFIG = [
    ("select = 5", "select"),
    ("ignore = [1, 2]", "ignore"),
    ("extend-select = 5", "extend-select"),
    ('min-score = "abc"', "min-score"),
    ("min-score = 150", "min-score"),
    ('severity = "x"', "severity"),
    ('severity = { PUN001 = "loud" }', "severity.PUN001"),
    ("fail-on = 3", "fail-on"),
    ('fail-on = "sometimes"', "fail-on"),
    ("max-findings = 1.5", "max-findings"),
    ("max-rate = 5", "max-rate"),
    ("max-rate = { encoding = true }", "max-rate"),
    ('lang = 5', "lang"),
    ('cache-dir = 5', "cache-dir"),
    ('follow-links = "yes"', "follow-links"),
    ('language-id = "no"', "language-id"),
    ('lang = "xx"', "lang"),
    ("text-field = 5", "text-field"),
    ('id-field = ""', "id-field"),
    ("packs = 5", "packs"),
    ('packs = ["binary.yaml"]', "binary.yaml"),
    ('packs = ["empty-pack"]', "empty-pack"),
    ('packs = ["missing-pack"]', "missing-pack"),
    ("rules = 5", "rules"),
    ("[rules]\nMT105 = 5", "rules.MT105"),
    ('[rules.MT105]\nmin_repeats = "x"', "rules.MT105.min_repeats"),
    ("[rules.MT105]\nmin_repeats = 2.5", "rules.MT105.min_repeats"),
    ('[rules.LANG002]\ngate = "yes"', "rules.LANG002.gate"),
    ("[rules.LANG001]\nmin_prob = -1", "rules.LANG001.min_prob"),
    ('[rules.LANG001]\nbackend = "magic"', "rules.LANG001.backend"),
    ('[rules.LANG001]\nexpected = "xx"', "rules.LANG001.expected"),
    ('[rules.MT104]\nmodel = "missing.model"', "rules.MT104.model"),
    ('select = ["PUN"]\n[rules.MT105]\nmin_repeats = "x"', "rules.MT105.min_repeats"),  # a rule not selected
    ("scoring = 5", "scoring"),
    ('[scoring]\nweights = "heavy"', "scoring.weights"),
    ('[scoring]\nweights = { error = "x" }', "scoring.weights.error"),
    ("[scoring]\nweights = { fatal = 1 }", "scoring.weights"),
    ("[scoring]\ncap-per-rule = 0", "scoring.cap-per-rule"),
    ('[scoring]\nwarn-below = "high"', "scoring.warn-below"),
    ("[scoring]\nfail-below = 95", "scoring.fail-below"),
]


def _assert_usage_error(res, key: str) -> None:
    assert res.exit_code == 2, (res.exit_code, res.output)
    assert isinstance(res.exception, SystemExit), res.exception  # not an uncaught exception
    assert "Traceback" not in res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qa: error: "), lines
    assert key in lines[0], (key, lines[0])
    assert res.stdout == ""  # nothing was checked or written


@pytest.mark.parametrize(("toml", "key"), BAD_CONFIG, ids=[k + ":" + t.split("\n")[-1] for t, k in BAD_CONFIG])
def test_bad_config_value_is_a_usage_error_naming_the_key(work, toml, key):
    (work / "qa.toml").write_text(toml + "\n", encoding="utf-8")
    res = invoke("check", "a.txt", "-j", "1", "--format", "jsonl", "-o", "out.jsonl", cwd=work)
    _assert_usage_error(res, key)
    assert not (work / "out.jsonl").exists()


# (command line, the flag or key the message must name)
BAD_FLAGS = [
    (("check", "a.txt", "--jobs", "0"), "--jobs"),
    (("check", "a.txt", "--jobs", "-2"), "--jobs"),
    (("check", "a.txt", "--lang", "xx"), "lang"),
    (("check", "a.txt", "--min-score", "150"), "min-score"),
    (("check", "a.txt", "--format", "jsonl", "-o", "folder"), "-o"),
    (("check", "a.txt", "--format", "jsonl,sarif", "--output-dir", "a.txt"), "--output-dir"),
    (("check", "a.txt", "--html", "a.txt"), "--html"),
    (("check", "a.txt", "--format", "jsonl", "-o", "a.txt/out.jsonl"), "-o"),
    (("clean", "a.txt", "--out", "cleaned", "--fix-log", "folder"), "--fix-log"),
    (("clean", "a.txt", "--out", "a.txt"), "--out"),
    (("baseline", "a.txt", "-o", "folder"), "-o"),
    (("baseline", "a.txt", "--lang", "klingon"), "lang"),
    # click's own parse errors take the same form
    (("check", "a.txt", "--jobs", "abc"), "--jobs"),
    (("check", "a.txt", "--min-score", "abc"), "--min-score"),
    (("check", "a.txt", "--no-such-flag"), "--no-such-flag"),
    (("check",), "paths"),
]


@pytest.mark.parametrize(("args", "key"), BAD_FLAGS, ids=[" ".join(a) for a, _ in BAD_FLAGS])
def test_bad_flag_is_a_usage_error_naming_the_flag(work, args, key):
    res = invoke(*args, "--isolated", cwd=work)
    _assert_usage_error(res, key)
    assert not (work / "cleaned").exists()


def test_bad_config_in_a_real_process_exits_2_without_traceback(work):
    """The same through `python -m qa`: min-score used to fail only after the whole run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_NO_CACHE": "1"}
    (work / "qa.toml").write_text('min-score = "abc"\n', encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "qa", "check", "a.txt", "-j", "1"], cwd=work, env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.startswith("qa: error: ") and "min-score" in p.stderr and "Checked" not in p.stderr
    (work / "qa.toml").write_text("", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "qa", "check", "a.txt", "-f", "jsonl", "-o", "folder"], cwd=work,
                       env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and p.stderr == "qa: error: -o 'folder' is a folder; give a file name\n"


def test_good_config_values_are_accepted(work):
    (work / "qa.toml").write_text(
        'select = "PUN,WS"\nlang = "en-GB"\nmin-score = 10\ntext-field = "body"\n'
        '[rules.MT105]\nmin_repeats = 5\n[rules.LANG001]\nmin_prob = 1\nexpected = "EN"\n'
        '[scoring]\nweights = { error = 10, warning = 2.5 }\nwarn-below = 80\nfail-below = 40\n', encoding="utf-8")
    res = invoke("check", "a.txt", "-j", "1", "-q", "--lang", "pt_BR", cwd=work)
    assert res.exit_code == 0, res.output
    from qa.config import resolve
    from qa.engine import make_plan

    s = resolve(config=work / "qa.toml")
    assert s.select == ("PUN", "WS") and s.min_score == 10.0 and s.weights == {"error": 10.0, "warning": 2.5}
    plan = make_plan(resolve(config=work / "qa.toml", overrides={"select": ["LANG001"]}))
    assert plan.options["LANG001"]["min_prob"] == 1.0 and isinstance(plan.options["LANG001"]["min_prob"], float)


def test_schema_covers_every_setting():
    """Every Settings field is set by exactly one key of the schema (no key escapes checking)."""
    from dataclasses import fields

    from qa import schema
    from qa.config import Settings

    attrs = [k.attr for k in schema.KEYS.values() if k is not None] + [k.attr for k in schema.SCORING.values()]
    assert len(attrs) == len(set(attrs))
    assert set(attrs) == {f.name for f in fields(Settings)} - {"config_path"}


def test_supported_languages_are_the_language_identifiers_labels():
    """`lang` is checked against qa.language.LANGUAGES: exactly the labels of the shipped model."""
    from qa.language import LANGUAGES, language_code, model_path

    labels = set(re.findall(rb"__label__([a-z]+)\x00", Path(model_path()).read_bytes()))
    assert {x.decode() for x in labels} == set(LANGUAGES) and len(LANGUAGES) == 176
    assert language_code("EN-gb") == "en" and language_code("pt_BR") == "pt" and language_code("xx") is None


# --------------------------------------------------------------------------- -q and the progress bar
def test_progress_bar_writes_to_stderr_only_and_stdout_stays_json_lines(tmp_path):
    """With standard error on a terminal the progress bar runs; standard output (redirected, as in
    `qa check --format jsonl > out.jsonl`) holds JSON Lines and nothing else."""
    pty = pytest.importorskip("pty")
    for i in range(3):
        (tmp_path / f"d{i}.txt").write_text(TEXT * (i + 1), encoding="utf-8")
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_NO_CACHE": "1", "TERM": "xterm"}
    try:
        p = subprocess.run([sys.executable, "-m", "qa", "check", ".", "--format", "jsonl", "--isolated", "-j", "1",
                            "--fail-on", "never"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=slave, timeout=300)
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert p.returncode == 0
    assert "checking" in terminal and "docs/s" in terminal  # the bar did run, on the terminal
    assert "Checked 3 document(s)" in terminal
    out = p.stdout.decode("utf-8")
    assert out.endswith("}\n") and "\x1b" not in out and "\r" not in out
    rows = [json.loads(line) for line in out.split("\n")[:-1]]  # every line is one JSON object
    assert [r["id"] for r in rows] == ["d0.txt", "d1.txt", "d2.txt"]


def test_progress_bar_console_is_stderr():
    from qa import parallel

    bar = parallel.ProgressBar(parallel.RunStats())
    assert bar.progress.console.stderr is True and bar.progress.console.file is sys.stderr


# --------------------------------------------------------------------------- QA000: category internal
def _crash(doc, opts):
    raise RuntimeError("broken on purpose")
    yield  # pragma: no cover


@pytest.fixture
def crashing_rule(monkeypatch):
    """A registered rule that raises on every document (the CLI sees it like any rule)."""
    from qa import registry
    from qa.model import Rule, bad, good

    rule = Rule(code="ZZ997", name="crashes-on-purpose", category="grammar", summary="Always raises",
                check=_crash, examples=(bad("[[x]]"), good("y")))
    registry.python_rules()
    monkeypatch.setitem(registry._PY_RULES, rule.code, rule)
    monkeypatch.setattr(registry, "_BUNDLED_CACHE", {})
    return rule


def test_crashing_rule_is_category_internal_and_does_not_trip_max_rate_encoding(tmp_path, crashing_rule):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    common = ("check", "a.txt", "--isolated", "-j", "1", "--select", "PUN002,ZZ997", "--fail-on", "never")
    res = invoke(*common, "--format", "jsonl", "--max-rate", "encoding=0", cwd=tmp_path)
    assert res.exit_code == 0, res.output  # the crash is no encoding finding
    (obj,) = [json.loads(line) for line in res.stdout.splitlines()]
    crash = [f for f in obj["findings"] if f["rule"] == "QA000"]
    assert len(crash) == 1 and crash[0]["category"] == "internal" and "ZZ997" in crash[0]["message"]
    assert "broken on purpose" in crash[0]["message"]
    assert [f["category"] for f in obj["findings"] if f["rule"] == "PUN002"] == ["punctuation"]
    # --max-rate knows the category
    res = invoke(*common, "--max-rate", "internal=0", "-q", cwd=tmp_path)
    assert res.exit_code == 1
    assert res.stderr == ("qa: failed: 100.00% of sentences (1 of 1) have an internal finding, "
                          "more than --max-rate internal=0\n")
    # --select knows it (it adds no rule: QA000 is reported whenever a selected rule fails)
    res = invoke("check", "a.txt", "--isolated", "-j", "1", "--select", "PUN002,internal,QA000", "--format", "jsonl",
                 "--fail-on", "never", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    assert [f["rule"] for f in json.loads(res.stdout)["findings"]] == ["PUN002"]
    # and ignoring it is refused: the crashed rule's findings are missing
    for sel in ("QA000", "internal"):
        res = invoke("check", "a.txt", "--isolated", "--ignore", sel, cwd=tmp_path)
        assert res.exit_code == 2 and "cannot be ignored" in res.stderr


def test_internal_category_is_reserved_for_qa():
    from qa.model import CATEGORIES, Rule

    assert "internal" in CATEGORIES
    with pytest.raises(ValueError, match="category 'internal'"):
        Rule(code="ZZ996", name="claims-internal", category="internal", summary="x", check=_crash).validate()


def test_readme_documents_the_internal_category():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    contract = readme.split("## Output contract", 1)[1].split("\n## ", 1)[0]
    assert "`internal`" in contract and "QA000" in contract
