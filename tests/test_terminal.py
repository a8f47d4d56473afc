"""Terminal output for a person: findings grouped by file (coloured on a TTY), and the final
``N errors, N warnings, N info in N files (N fail)`` line."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from qa.config import Settings
from qa.engine import error_result, make_plan
from qa.runner.pipeline import run_records
from qa.readers import InputError, make_document
from qa.report.text import final_line, write_grouped

GLUED = "Contact us.The office opens at nine.\n"
ROOT = Path(__file__).resolve().parents[1]


def _results():
    docs = [make_document(GLUED, path="a.txt", doc_id="a.txt"),
            make_document("A short note that reads well and has nothing to flag.\n", path="b.txt", doc_id="b.txt")]
    return list(run_records(docs, make_plan(Settings())))


def test_grouped_by_file_with_and_without_colour():
    results = _results()
    out = io.StringIO()
    write_grouped(results, out, colour=False)
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0].startswith("a.txt  ") and "(1 finding, score" in lines[0]
    assert lines[1].split() == ["1:9", "warning", "PUN002", "[*]", *lines[1].split()[4:]]
    assert "b.txt" not in text  # a file with nothing to report takes no room
    assert "\x1b[" not in text
    out = io.StringIO()
    write_grouped(results, out, colour=True)
    assert "\x1b[1;4ma.txt\x1b[0m" in out.getvalue() and "\x1b[33mwarning" in out.getvalue()


def test_final_line_counts_files_and_fails():
    results = _results()
    assert final_line(results) == "0 errors, 1 warning, 0 info in 2 files (0 fail)"
    results.append(error_result(InputError("c.txt", "c.txt", "cannot read")))
    assert final_line(results).endswith("in 2 files (0 fail, 1 unreadable)")


def test_check_on_a_terminal_prints_groups_and_the_final_line(tmp_path):
    (tmp_path / "a.txt").write_text(GLUED, encoding="utf-8")
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", QA_NO_CACHE="1", COLUMNS="200")
    proc = subprocess.Popen([sys.executable, "-m", "qa", "check", "a.txt", "--isolated", "--jobs", "1"], cwd=tmp_path,
                            stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "a.txt  " in shown and "warning  PUN002 [*]" in shown
    assert shown.rstrip().splitlines()[-1].strip() == "0 errors, 1 warning, 0 info in 1 file (0 fail)"
    assert "checking" in shown  # the progress line was on the terminal


def test_check_in_a_pipe_keeps_the_line_format(tmp_path):
    (tmp_path / "a.txt").write_text(GLUED, encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "qa", "check", "a.txt", "--isolated", "--jobs", "1"], cwd=tmp_path,
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT), QA_NO_CACHE="1"))
    assert res.stdout.startswith("a.txt:1:9: PUN002 [*] ")
    assert res.stderr.rstrip().splitlines()[-1] == "0 errors, 1 warning, 0 info in 1 file (0 fail)"
