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


# --------------------------------------------------------------------------- the progress bar
def _plain(terminal_text: str) -> list[str]:
    """What a terminal shows, line by line: control sequences dropped, redrawn lines kept once."""
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal_text)
    out: list[str] = []
    for line in text.replace("\r", "\n").split("\n"):
        if line.strip() and (not out or out[-1] != line):
            out.append(line)
    return out


def _three_files(tmp_path: Path) -> list[Path]:
    files = [tmp_path / "in" / f"n{i}.txt" for i in range(3)]
    files[0].parent.mkdir()
    for i, f in enumerate(files):
        f.write_text(GLUED * (i + 1), encoding="utf-8")
    return files


def test_progress_bar_shows_totals_the_html_phase_and_stays_until_the_summary(tmp_path):
    files = _three_files(tmp_path)
    total = sum(f.stat().st_size for f in files)
    env = dict(os.environ, PYTHONPATH=str(ROOT), QA_NO_CACHE="1", COLUMNS="160", QA_PROGRESS="1")
    res = subprocess.run([sys.executable, "-m", "qa", "check", "in", "--isolated", "--jobs", "1", "--html", "report",
                          "--select", "PUN002"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    lines = _plain(res.stderr)
    assert any(line.lstrip("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ").startswith("loading rules") for line in lines)  # before the first document
    checked = [i for i, line in enumerate(lines) if line.strip().startswith("checked ")]
    assert len(checked) == 1, lines
    # the totals were known up front: three documents, the bytes of the three files
    mb = f"{total / 1e6:.2f}"
    assert f"3/3 docs  {mb}/{mb} MB" in lines[checked[0]]
    assert any("checking" in line and "/3 docs" in line and f"/{mb} MB" in line for line in lines[:checked[0]])
    html = [i for i, line in enumerate(lines) if line.strip().startswith("writing HTML")]
    assert html and html[0] > checked[0] and "3/3" in lines[html[-1]]
    summary = next(i for i, line in enumerate(lines) if line.startswith("Checked 3 document(s) in "))
    assert summary > html[-1]  # the bar stayed on screen until the HTML was written
    assert lines[-1] == "0 errors, 6 warnings, 0 info in 3 files (2 fail)"  # 2 and 3 glued sentences: fail
    assert (tmp_path / "report" / "index.html").is_file()
    assert "\x1b[" not in res.stdout and "docs" not in res.stdout  # the bar never goes to standard output


def test_no_progress_bar_into_a_pipe_or_with_quiet_or_when_turned_off(tmp_path):
    _three_files(tmp_path)
    base = dict(os.environ, PYTHONPATH=str(ROOT), QA_NO_CACHE="1")
    base.pop("QA_PROGRESS", None)
    for extra, env in (([], base), (["-q"], dict(base, QA_PROGRESS="1")), ([], dict(base, QA_PROGRESS="0"))):
        res = subprocess.run([sys.executable, "-m", "qa", "check", "in", "--isolated", "--jobs", "1", *extra],
                             cwd=tmp_path, capture_output=True, text=True, env=env)
        if "-q" in extra and env.get("QA_PROGRESS") == "1":  # forced on: --quiet does not matter
            assert "checked" in res.stderr
            continue
        assert "\x1b[" not in res.stderr and "docs" not in res.stderr and "loading rules" not in res.stderr


def test_input_meter_follows_the_checking_in_input_order(tmp_path):
    from qa.runner.options import RunOptions, RunStats
    from qa.runner.pipeline import run

    files = _three_files(tmp_path)
    lines = "".join(f'{{"id": "r{i}", "text": "Line {i} of the corpus.She said so."}}\n' for i in range(400))
    corpus = tmp_path / "in" / "z.jsonl"
    corpus.write_text(lines, encoding="utf-8")
    sizes = [f.stat().st_size for f in files]
    total = sum(sizes) + corpus.stat().st_size
    stats = RunStats()
    seen = []
    plan = make_plan(Settings(select=("PUN002",)))
    for res in run([str(tmp_path / "in")], plan, RunOptions(measure_input=True), stats):
        seen.append((res.id, stats.input_done))
    assert stats.input_total == total and stats.meter.files == 4 and not stats.meter.documents_known
    # the text files are whole documents: the bytes done are their sizes, summed in order
    assert [d for _, d in seen[:3]] == [sizes[0], sizes[0] + sizes[1], sum(sizes)]
    done = [d for _, d in seen[3:]]
    assert len(done) == 400 and done == sorted(done) and sum(sizes) < done[0] and done[-1] <= total


def test_progress_text_estimates_documents_and_the_time_left():
    import time

    from qa.runner.meter import InputMeter
    from qa.runner.options import RunStats
    from qa.runner.terminal import ProgressBar

    stats = RunStats()
    stats.meter = InputMeter()
    stats.meter.total, stats.meter.files = 4_000_000, 2  # two corpus files
    stats.documents, stats.input_done = 250, 1_000_000
    bar = ProgressBar(stats, stream=io.StringIO())
    stats.started = time.perf_counter() - 10.0  # 10 s into the run
    what, total, done = bar.describe()
    assert what.startswith("250/~1,000 docs  1.00/4.00 MB  ETA 0:00:30")  # a quarter in 10 s: 30 s left
    assert (total, done) == (4_000_000, 1_000_000)
    stats.meter.document_files = 2  # two whole documents: the count is known, not estimated
    assert ProgressBar(stats, stream=io.StringIO()).describe()[0].startswith("250/2 docs")


def test_process_seconds_count_from_the_start_of_the_process():
    code = ("import time; time.sleep(1.0); from qa.runner.terminal import process_seconds, command_seconds; "
            "t = time.perf_counter(); print(process_seconds(), command_seconds(t))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT))).stdout.split()
    assert float(out[0]) >= 1.0  # the second slept before qa was imported counts
    assert float(out[1]) < 1.0  # not the qa program: the time since the given start
