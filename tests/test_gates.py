"""Gates: every gate's exit code and one-line reason, from flags and from [tool.qa]; the
pre-commit hook and the example GitHub Actions workflow."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from qa.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

# 4 sentences; PUN001 twice (warning) in sentences 1 and 2, WS001 once (info) in sentence 3.
TEXT = ("They left in July and September, respectively. .\n\n"
        "The deal is off, , he said.\n\n"
        "The\u00a0weather was fine. Everyone went home.\n")
SELECT = ("--select", "PUN001,WS001")


def invoke(*args: str, cwd: Path | None = None):
    old = os.getcwd()
    try:
        os.chdir(cwd or ROOT)
        return runner.invoke(app, list(args))
    finally:
        os.chdir(old)


@pytest.fixture
def doc(tmp_path) -> Path:
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    return p


def gate(doc: Path, *flags: str):
    return invoke("check", str(doc), "--isolated", *SELECT, *flags)


def reason(res) -> str:
    lines = [line for line in res.stderr.splitlines() if line.startswith("qa: ")]
    assert len(lines) <= 1, lines
    return lines[0] if lines else ""


# --------------------------------------------------------------------------- fail-on
def test_fail_on_levels(doc):
    res = gate(doc)  # default fail-on error: only warnings and infos
    assert res.exit_code == 0 and reason(res) == ""
    res = gate(doc, "--fail-on", "warning")
    assert res.exit_code == 1
    assert reason(res) == "qa: failed: 2 finding(s) at or above --fail-on warning"
    res = gate(doc, "--fail-on", "info")
    assert res.exit_code == 1 and reason(res) == "qa: failed: 3 finding(s) at or above --fail-on info"
    res = gate(doc, "--severity", "WS001=error")
    assert res.exit_code == 1 and reason(res) == "qa: failed: 1 finding(s) at or above --fail-on error"
    assert gate(doc, "--fail-on", "never", "--severity", "WS001=error").exit_code == 0


def test_quiet_failing_gate_still_prints_its_reason_on_stderr(doc):
    res = gate(doc, "--fail-on", "warning", "-q")
    assert res.exit_code == 1
    assert res.stderr == "qa: failed: 2 finding(s) at or above --fail-on warning\n"  # the reason, nothing else
    assert res.stdout == ""
    res = gate(doc, "--fail-on", "never", "--min-score", "99", "-q", "--format", "jsonl", "-o", str(doc.parent / "o.jsonl"))
    assert res.exit_code == 1 and res.stderr.startswith("qa: failed: 1 document(s) scored below --min-score 99")
    assert gate(doc, "-q").stderr == ""  # a passing run stays silent


# --------------------------------------------------------------------------- max-findings
def test_max_findings(doc):
    res = gate(doc, "--fail-on", "never", "--max-findings", "2")
    assert res.exit_code == 1
    assert reason(res) == "qa: failed: 3 finding(s), more than --max-findings 2"
    assert gate(doc, "--fail-on", "never", "--max-findings", "3").exit_code == 0


# --------------------------------------------------------------------------- min-score
def test_min_score(doc):
    from qa import check_text
    from qa.config import Settings

    score = check_text(TEXT, Settings(select=("PUN001", "WS001")), path=str(doc), doc_id="a.txt").score
    assert 0 < score < 100
    res = gate(doc, "--fail-on", "never", "--min-score", str(score + 0.5))
    assert res.exit_code == 1
    assert reason(res) == f"qa: failed: 1 document(s) scored below --min-score {score + 0.5:g} (lowest {score:g}: {doc})"
    assert gate(doc, "--fail-on", "never", "--min-score", str(score)).exit_code == 0


# --------------------------------------------------------------------------- max-rate
def test_max_rate_per_category(doc):
    res = gate(doc, "--fail-on", "never", "--max-rate", "whitespace=20")
    assert res.exit_code == 1
    assert reason(res) == ("qa: failed: 25.00% of sentences (1 of 4) have a whitespace finding, "
                           "more than --max-rate whitespace=20")
    assert gate(doc, "--fail-on", "never", "--max-rate", "whitespace=25").exit_code == 0  # not above
    res = gate(doc, "--fail-on", "never", "--max-rate", "punctuation=49.9%")
    assert res.exit_code == 1 and "50.00% of sentences (2 of 4) have a punctuation finding" in reason(res)
    res = gate(doc, "--fail-on", "never", "--max-rate", "all=70,encoding=0")
    assert res.exit_code == 1
    assert reason(res) == "qa: failed: 75.00% of sentences (3 of 4) have a finding, more than --max-rate all=70"


def test_max_rate_counts_sentences_over_the_whole_run(doc, tmp_path):
    (tmp_path / "b.txt").write_text("A clean sentence. Another one. And a third. The fourth.\n", encoding="utf-8")
    res = invoke("check", str(tmp_path), "--isolated", *SELECT, "--fail-on", "never", "--max-rate", "whitespace=10")
    assert res.exit_code == 1 and "12.50% of sentences (1 of 8)" in reason(res)
    assert invoke("check", str(tmp_path), "--isolated", *SELECT, "--fail-on", "never",
                  "--max-rate", "whitespace=12.5").exit_code == 0


def test_sentence_rate_counts_a_sentence_once_and_findings_outside_sentences():
    from qa import check_text
    from qa.gates import sentence_rate

    r = check_text("Off, , on, , off.\n\nFine here.\n", select=["PUN001"])
    assert len(r.findings) == 2
    assert sentence_rate([r], "punctuation") == (1, 2)
    assert sentence_rate([r], "whitespace") == (0, 2)
    empty = check_text("", select=["PUN001"])
    assert sentence_rate([empty], "all") == (0, 1)


def test_several_gates_fail_on_one_line(doc):
    res = gate(doc, "--fail-on", "warning", "--max-findings", "0", "--max-rate", "whitespace=1")
    assert res.exit_code == 1
    assert reason(res) == ("qa: failed: 2 finding(s) at or above --fail-on warning; 3 finding(s), more than "
                           "--max-findings 0; 25.00% of sentences (1 of 4) have a whitespace finding, more "
                           "than --max-rate whitespace=1")


# --------------------------------------------------------------------------- configuration
def test_gates_from_config(doc, tmp_path):
    cfg = tmp_path / "qa.toml"
    cfg.write_text('fail-on = "never"\nmax-findings = 2\n[max-rate]\npunctuation = 10\n', encoding="utf-8")
    res = invoke("check", "a.txt", *SELECT, cwd=tmp_path)
    assert res.exit_code == 1
    assert reason(res) == ("qa: failed: 3 finding(s), more than --max-findings 2; 50.00% of sentences (2 of 4) "
                           "have a punctuation finding, more than --max-rate punctuation=10")
    # a flag overrides the file; --max-rate adds to (or overrides) the file's table per category
    res = invoke("check", "a.txt", *SELECT, "--max-findings", "5", "--max-rate", "punctuation=60",
                 "--max-rate", "whitespace=20", cwd=tmp_path)
    assert res.exit_code == 1
    assert reason(res) == ("qa: failed: 25.00% of sentences (1 of 4) have a whitespace finding, more than "
                           "--max-rate whitespace=20")
    cfg.write_text('fail-on = "never"\nmax-rate = "whitespace=30, punctuation=60"\n', encoding="utf-8")
    assert invoke("check", "a.txt", *SELECT, cwd=tmp_path).exit_code == 0


@pytest.mark.parametrize(("flags", "toml", "message"), [
    (("--max-rate", "colour=5"), None, "unknown category 'colour'"),
    (("--max-rate", "whitespac=5"), None, "did you mean 'whitespace'"),
    (("--max-rate", "whitespace=150"), None, "between 0 and 100"),
    (("--max-rate", "whitespace"), None, "expected CATEGORY=PCT"),
    (("--max-rate", "whitespace=lots"), None, "not a percentage"),
    ((), "max-findings = -1\n", "max-findings must be a whole number"),
    ((), 'max-findings = "ten"\n', "max-findings must be a whole number"),
    ((), "max-rates = 1\n", "did you mean 'max-rate'"),
])
def test_bad_gate_settings_exit_2(doc, tmp_path, flags, toml, message):
    if toml is not None:
        (tmp_path / "qa.toml").write_text(toml, encoding="utf-8")
    res = invoke("check", "a.txt", *SELECT, *flags, cwd=tmp_path)
    assert res.exit_code == 2
    assert message in res.stderr


def test_unreadable_input_exits_2_even_when_a_gate_fails(doc, tmp_path):
    os.symlink(tmp_path / "missing.txt", tmp_path / "gone.txt")
    res = invoke("check", str(tmp_path), "--isolated", *SELECT, "--fail-on", "info")
    assert res.exit_code == 2


def test_gates_moved_to_qa_gates():
    import qa.cli
    import qa.gates

    assert qa.cli.gate_reason is qa.gates.gate_reason and qa.cli.exit_code is qa.gates.exit_code


# --------------------------------------------------------------------------- pre-commit
def hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (h,) = hooks
    return h


def test_pre_commit_hook_definition():
    h = hook()
    assert h["id"] == "qa" and h["entry"] == "qa check" and h["language"] == "python"
    assert h["types"] == ["text"]
    files = re.compile(h["files"])
    for name in ("a.txt", "docs/b.md", "data/c.jsonl", "x.markdown", "y.ndjson"):
        assert files.search(name), name
    for name in ("setup.py", "a.txt.bak", "image.png", "notes.rst"):
        assert not files.search(name), name


def test_pre_commit_hook_entry_on_a_repository(tmp_path):
    """What pre-commit does: filter the repository's files with the hook's pattern and run the
    entry with them as arguments, from the repository root (so its [tool.qa] applies)."""
    h = hook()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "good.md").write_text("# Title\n\nAll is well here.\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "tool.py").write_text("x = 'off, , on'\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.qa]\nfail-on = "warning"\nselect = ["PUN001", "WS001"]\n',
                                             encoding="utf-8")
    pattern = re.compile(h["files"])
    all_files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    staged = [f for f in all_files if pattern.search(f)]
    assert staged == ["docs/good.md", "notes.txt"]
    entry = shlex.split(h["entry"])
    assert entry[0] == "qa"
    cmd = [sys.executable, "-m", "qa", *entry[1:], *h.get("args", [])]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    out = subprocess.run([*cmd, *staged], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 1, out.stderr
    assert "notes.txt:1:46: PUN001" in out.stdout
    assert "qa: failed: 2 finding(s) at or above --fail-on warning" in out.stderr
    ok = subprocess.run([*cmd, "docs/good.md"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr


# --------------------------------------------------------------------------- GitHub Actions
def test_github_actions_example_runs_qa_and_uploads_its_sarif(tmp_path):
    wf = yaml.safe_load((ROOT / "docs" / "github-actions.yml").read_text(encoding="utf-8"))
    steps = wf["jobs"]["qa"]["steps"]
    qa_step = next(s for s in steps if s.get("id") == "qa")
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    failer = steps[-1]
    assert qa_step["continue-on-error"] is True
    assert upload["if"] == "always()"
    assert "steps.qa.outcome == 'failure'" in failer["if"] and "exit 1" in failer["run"]
    assert wf["permissions"]["security-events"] == "write"
    argv = shlex.split(qa_step["run"])
    assert argv[:2] == ["qa", "check"]
    out_dir = argv[argv.index("--output-dir") + 1]
    assert upload["with"]["sarif_file"] == f"{out_dir}/qa.sarif"

    # run the step's command on a corpus made of the samples, with and without its baseline
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "samples", corpus)
    args = argv[2:]
    assert invoke("baseline", "corpus/", "--isolated", "-o", "qa-baseline.json", cwd=tmp_path).exit_code == 0
    res = invoke(*argv[1:], "--isolated", cwd=tmp_path)
    assert res.exit_code == 0, res.stderr
    assert (tmp_path / out_dir / "qa.sarif").is_file() and (tmp_path / out_dir / "qa-junit.xml").is_file()
    (tmp_path / "qa-baseline.json").write_text('{"version": 1, "entries": []}', encoding="utf-8")
    res = invoke("check", *args, "--isolated", cwd=tmp_path)
    assert res.exit_code == 1 and "at or above --fail-on warning" in reason(res)


def test_max_rate_when_json_lines_stream_without_keeping_text(doc, tmp_path):
    """A lone JSON Lines output is streamed and the kept results drop their text; the rate gate
    still counts sentences."""
    out = tmp_path / "out.jsonl"
    res = gate(doc, "--format", "jsonl", "-o", str(out), "--fail-on", "never", "--max-rate", "whitespace=20")
    assert res.exit_code == 1 and out.is_file()
    assert reason(res) == ("qa: failed: 25.00% of sentences (1 of 4) have a whitespace finding, "
                           "more than --max-rate whitespace=20")
    res = gate(doc, "--format", "jsonl", "-o", "-", "-q", "--fail-on", "never", "--max-rate", "all=74")
    assert res.exit_code == 1 and res.stderr == ("qa: failed: 75.00% of sentences (3 of 4) have a finding, "
                                                 "more than --max-rate all=74\n")
    assert gate(doc, "--format", "jsonl", "-o", "-", "-q", "--fail-on", "never", "--max-rate", "all=75").exit_code == 0


def test_ci_documentation_names_only_real_flags():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = readme.split("## CI: formats, gates, baselines", 1)[1].split("\n## ", 1)[0]
    text = re.sub(r"pre-commit try-repo [^`]*", "", text)  # pre-commit's own flags
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))
    assert {"--format", "--output-dir", "--baseline", "--max-rate", "--max-findings", "--documents"} <= flags
    helps = invoke("check", "--help").output + invoke("baseline", "--help").output
    missing = sorted(f for f in flags if f not in helps)
    assert missing == []


@pytest.mark.skipif(not os.environ.get("QA_TRY_PRE_COMMIT") or not shutil.which("pre-commit") or not shutil.which("git"),
                    reason="opt-in (QA_TRY_PRE_COMMIT=1, pre-commit and git on PATH): pre-commit installs qa "
                           "and its dependencies from the package index")
def test_pre_commit_try_repo(tmp_path):
    """The real thing: `pre-commit try-repo` on a snapshot of this tree, in a fresh repository."""
    src, user = tmp_path / "qa-src", tmp_path / "user"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache",
                                                           ".qa_cache", "reports", "*.egg-info"))
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def git(cwd: Path, *args: str) -> None:
        subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)

    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-qm", "snapshot")
    user.mkdir()
    git(user, "init", "-q")
    (user / "notes.txt").write_text("They left in July and September, respectively. .\n", encoding="utf-8")
    (user / "pyproject.toml").write_text('[tool.qa]\nfail-on = "warning"\n', encoding="utf-8")
    git(user, "add", "-A")
    run = subprocess.run(["pre-commit", "try-repo", str(src), "qa", "--all-files"], cwd=user, env=env,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "notes.txt:1:46: PUN001" in run.stdout and "qa: failed: 1 finding(s) at or above --fail-on warning" in run.stdout
    (user / "notes.txt").write_text("They left in July and September, respectively.\n", encoding="utf-8")
    git(user, "add", "-A")
    run = subprocess.run(["pre-commit", "try-repo", str(src), "qa", "--all-files"], cwd=user, env=env,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout + run.stderr
