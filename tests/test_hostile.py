"""Hostile inputs: damaged files of every kind, special files and XSS documents go through
``qa check`` (every output format) and ``qa clean``; the batch finishes, every input is one
record, unreadable inputs are errors with a reason (exit 2), and every span is valid."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile import PAYLOADS, build_corpus, cleanup  # noqa: E402

from qa.config import Settings  # noqa: E402
from qa.engine import check_document, make_plan  # noqa: E402
from qa.runner.pipeline import run_records
from qa.inputs import InputProblem, decode_bytes, display_name, read_text, set_policy, using_policy, InputPolicy  # noqa: E402
from qa.model import Hit, Rule, bad, good  # noqa: E402
from qa.readers import InputError, iter_files, make_document, read_all, read_path  # noqa: E402

QA = [sys.executable, "-m", "qa"]


def _run(args, cwd, timeout=600, **kw):
    return subprocess.run(QA + args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, **kw)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "corpus"
    cases = build_corpus(root, big_mb=0.2)
    yield root, cases
    cleanup(root)


@pytest.fixture(scope="module")
def checked(corpus, tmp_path_factory):
    root, cases = corpus
    work = tmp_path_factory.mktemp("out")
    started = time.perf_counter()
    proc = _run([
        "check", str(root), "--format", "text,jsonl,sarif,junit,csv", "--output-dir", str(work / "out"),
        "--html", str(work / "html"), "-q", "--fail-on", "never", "--isolated"], cwd=work)
    return proc, work, time.perf_counter() - started


def _records(work: Path) -> list[dict]:
    return [json.loads(x) for x in (work / "out" / "qa.jsonl").read_text(encoding="utf-8").splitlines()]


def test_batch_finishes_with_exit_2_and_no_traceback(checked):
    proc, _work, _secs = checked
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_one_record_per_input_with_the_expected_outcome(corpus, checked):
    root, cases = corpus
    _proc, work, _ = checked
    recs = _records(work)
    by_path: dict[str, list[dict]] = {}
    for r in recs:
        by_path.setdefault(os.path.relpath(r["path"], str(root)) if r["path"].startswith(str(root)) else r["path"], []).append(r)
    for c in cases:
        key = display_name(c.name)
        if c.expect == "dup":  # a link to a file already read: not read twice
            assert key not in by_path, c.name
            continue
        got = by_path.get(key, [])
        assert len(got) == c.records, (c.name, len(got), [g["error"] for g in got])
        if c.expect == "error":
            assert got[0]["error"] and c.reason in got[0]["error"], (c.name, got[0]["error"])
            assert got[0]["findings"] == []
        elif c.records and c.name.endswith((".txt", ".md")):
            assert got[0]["error"] is None, (c.name, got[0]["error"])
    # nothing else was read (the folder link "links/up" was not followed)
    assert set(by_path) <= {display_name(c.name) for c in cases}
    # every path in the output is safe text: no control, bidi-override or undecodable characters
    for r in recs:
        assert display_name(r["path"]) == r["path"] and display_name(r["id"]) == r["id"]


def test_every_finding_span_is_valid(corpus, checked):
    root, _ = corpus
    _proc, work, _ = checked
    texts: dict[tuple[str, str], str] = {}
    for rec in read_all([str(root)]):
        if not isinstance(rec, InputError):
            texts[(rec.path, rec.id)] = rec.text
    n = 0
    for r in _records(work):
        if r["error"]:
            continue
        text = texts[(r["path"], r["id"])]
        doc = make_document(text)
        for f in r["findings"]:
            assert 0 <= f["start"] <= f["end"] <= len(text)
            assert f["text"] == text[f["start"]:f["end"]]
            assert (f["line"], f["column"]) == doc.line_col(f["start"])
            assert (f["end_line"], f["end_column"]) == doc.line_col(f["end"])
            assert f["rule"] != "QA000", f  # no rule crashed or ran out of time on the corpus
            n += 1
    assert n > 100


def test_every_output_format_has_one_record_per_input(corpus, checked):
    _proc, work, _ = checked
    recs = _records(work)
    errors = [r for r in recs if r["error"]]
    assert len(errors) >= 15
    sarif = json.loads((work / "out" / "qa.sarif").read_text(encoding="utf-8"))
    notes = [n for run in sarif["runs"] for inv in run.get("invocations", [])
             for n in inv.get("toolExecutionNotifications", [])]
    assert len(notes) == len(errors)
    junit = ET.parse(work / "out" / "qa-junit.xml").getroot()
    assert len(junit.findall(".//testsuite")) == len({r["path"] for r in recs})
    assert len(junit.findall(".//testcase/error")) == len(errors)
    csv.field_size_limit(sys.maxsize)  # a finding on the long line quotes a long text
    rows = list(csv.DictReader((work / "out" / "qa.csv").open(encoding="utf-8", newline="")))
    assert {(r.get("path"), r.get("id")) for r in rows} <= {(r["path"], r["id"]) for r in recs}
    text_out = (work / "out" / "qa.txt").read_text(encoding="utf-8")
    for r in errors:
        assert f"{r['path']}: error: {r['error']}" in text_out
    assert "\x1b" not in "".join(line for line in text_out.splitlines() if ": error: " in line)


def test_html_index_has_a_row_per_input_with_the_error(checked):
    _proc, work, _ = checked
    recs = _records(work)
    index = (work / "html" / "index.html").read_text(encoding="utf-8")
    from qa.report.html import index_records, read_index_data

    rows = index_records(read_index_data(index))
    assert len(rows) == len(recs)
    assert sorted(r["error"] for r in rows if r["error"]) == sorted(r["error"] for r in recs if r["error"])
    assert "<svg onload" not in index
    for p in PAYLOADS[:5]:
        assert p not in "".join(x.read_text(encoding="utf-8") for x in (work / "html").rglob("*.html"))


def test_clean_on_the_corpus(corpus, tmp_path):
    root, cases = corpus
    proc = _run(["clean", str(root), "--out", str(tmp_path / "clean"), "--isolated"], cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    readable = [c for c in cases if c.expect == "doc" and c.name.endswith((".txt", ".md"))]
    for c in readable:
        out = tmp_path / "clean" / os.fsdecode(os.fsencode(c.name))
        assert out.is_file(), c.name
    for c in cases:
        if c.expect == "error" and not c.name.endswith(".jsonl"):
            assert not (tmp_path / "clean" / c.name).exists(), c.name
    # no temporary files left behind
    assert not [p for p in (tmp_path / "clean").rglob("*.tmp")]
    log = [json.loads(x) for x in (tmp_path / "clean" / "qa-fixes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert log, "the corpus has fixable findings"


# --------------------------------------------------------------------------- unit cases
def test_utf16_and_utf32_with_bom_and_explicit_encodings():
    text = "Grüße, “quotes” 😀\r\nline two"
    for enc, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00"),
                     ("utf-32-be", b"\x00\x00\xfe\xff"), ("utf-8", b"\xef\xbb\xbf")):
        assert decode_bytes(bom + text.encode(enc)) == text, enc
    assert decode_bytes("café".encode("latin-1"), "latin-1") == "café"
    assert decode_bytes(text.encode("utf-16-le"), "utf-16-le") == text
    with pytest.raises(InputProblem, match=r"byte 0xe9 at offset 3 \(line 1"):
        decode_bytes("café".encode("latin-1"))
    with pytest.raises(InputProblem, match="line 3"):
        decode_bytes(b"a\nb\nc\xff")
    with pytest.raises(ValueError, match="unknown encoding"):
        set_policy(encoding="no-such-codec")


def test_encoding_auto_uses_charset_normalizer():
    data = ("Le cœur a ses raisons que la raison ne connaît point. " * 4).encode("cp1252")
    with pytest.raises(InputProblem):
        decode_bytes(data)
    guessed = decode_bytes(data, "auto")  # charset-normalizer's best guess: a Latin script codec
    assert "connaît point" in guessed and len(guessed) == len(data)


def test_binary_detection():
    with pytest.raises(InputProblem, match="NUL byte at offset 2"):
        decode_bytes(b"ab\x00cd")
    with pytest.raises(InputProblem, match="control characters"):
        decode_bytes(bytes(range(1, 32)) * 10)
    with pytest.raises(InputProblem, match="utf-16-le"):
        decode_bytes("Hello world, a long enough line.".encode("utf-16-le"))
    # a few escape sequences in text are fine
    assert decode_bytes(b"\x1b[31mred\x1b[0m and plain text that goes on for a while") .startswith("\x1b[31m")


def test_empty_and_whitespace_files_are_documents(tmp_path):
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "w.txt").write_bytes(b" \n\t\r\n")
    recs = list(read_all([str(tmp_path)]))
    assert [r.text for r in recs] == ["", " \n\t\r\n"]
    results = list(run_records(recs, make_plan(Settings())))
    assert all(r.error is None for r in results)


def test_newline_styles_keep_offsets(tmp_path):
    text = "One.\r\nIt ended there.She left.\rThree.\n\r\nEnd."
    (tmp_path / "m.txt").write_bytes(text.encode())
    (doc,) = list(read_path(str(tmp_path / "m.txt")))
    assert doc.text == text
    finding = [f for f in check_document(doc, make_plan(Settings(select=("PUN002",))))][0]
    assert text[finding.start:finding.end] == "there.She"
    assert doc.line_col(finding.start) == (2, 10)
    assert doc.line_col(text.index("Three")) == (3, 1)
    assert doc.line_col(text.index("End")) == (5, 1)


def test_fifo_and_devices_are_not_opened(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    recs = list(read_all([str(fifo), "/dev/zero", str(tmp_path / "pipe.jsonl")]))
    assert time.perf_counter() - t0 < 5
    assert "not a regular file: FIFO" in recs[0].error
    assert "not a regular file: character device" in recs[1].error
    assert "cannot read" in recs[2].error


def test_fifo_jsonl_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    (rec,) = list(read_path(str(fifo)))
    assert isinstance(rec, InputError) and "FIFO" in rec.error


def test_file_vanishing_mid_run(tmp_path):
    for n in "abc":
        (tmp_path / f"{n}.txt").write_text(f"Text {n}.", encoding="utf-8")
    files = list(iter_files([str(tmp_path)]))
    (tmp_path / "b.txt").unlink()
    recs = [r for f in files for r in read_path(f)]
    assert [type(r).__name__ for r in recs] == ["Document", "InputError", "Document"]
    assert "removed during the run" in recs[1].error


def test_unreadable_file(tmp_path, monkeypatch):
    p = tmp_path / "secret.txt"
    p.write_text("x", encoding="utf-8")
    real_open = os.open

    def deny(path, flags, *a, **k):
        if str(path) == str(p):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", deny)
    (rec,) = list(read_path(str(p)))
    assert isinstance(rec, InputError) and "Permission denied" in rec.error and "no read permission" in rec.error


def test_duplicate_paths_are_read_once(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Text.", encoding="utf-8")
    os.symlink(p, tmp_path / "link.txt")
    got = list(iter_files([str(p), str(p), str(tmp_path / "." / "a.txt"), str(tmp_path)]))
    assert got == [str(p)]


def test_symlink_loops(tmp_path):
    os.symlink("loop.txt", tmp_path / "loop.txt")
    os.symlink(".", tmp_path / "self")  # a folder link: not followed by the walk
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    recs = list(read_all([str(tmp_path)]))
    assert [getattr(r, "error", None) is None for r in recs] == [False, True]
    assert "symbolic-link loop" in recs[0].error


def test_max_bytes(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("x" * 5000, encoding="utf-8")
    j = tmp_path / "big.jsonl"
    j.write_text(json.dumps({"text": "y" * 5000}) + "\n" + json.dumps({"text": "small"}) + "\n", encoding="utf-8")
    with using_policy(InputPolicy(max_bytes=1000)):
        (rec,) = list(read_path(str(p)))
        assert "too large: 5000 bytes" in rec.error
        big, small = list(read_path(str(j)))
        assert "too large" in big.error and small.text == "small"
    assert read_text(str(p)) == "x" * 5000


def test_jsonl_damage_is_per_record(tmp_path):
    j = tmp_path / "d.jsonl"
    j.write_bytes(b"\n".join([
        b'{"id": "a", "text": "ok"}',
        b'{"id": "b", "text": "lone \\ud83d surrogate"}',
        b'{"id": "c", "text": "pair \\ud83d\\ude00 fine"}',
        b'{"id": "d", "text": ' + b"[" * 50000 + b"]" * 50000 + b"}",
        b'{"id": "e\\u202e\\u0007", "text": "control chars in id"}',
    ]) + b"\n")
    recs = list(read_path(str(j)))
    assert [getattr(r, "error", None) is None for r in recs] == [True, False, True, False, True]
    assert "unpaired surrogate" in recs[1].error and recs[2].text == "pair 😀 fine"
    assert "nested too deeply" in recs[3].error
    assert recs[4].id == "e\\u202e\\x07"


def test_undecodable_file_names_are_escaped(tmp_path):
    raw = os.fsencode(str(tmp_path)) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(b"Text.")
    (rec,) = list(read_all([str(tmp_path)]))
    assert rec.text == "Text." and rec.path.endswith("caf\\xe9.txt") and rec.id == "caf\\xe9.txt"
    rec.path.encode("utf-8")  # safe to write anywhere


def _crash(doc, opts):
    yield from ()
    raise RuntimeError("boom on purpose")


CRASHER = Rule(code="ZZ999", name="always-crashes", category="grammar", summary="Crashes", check=_crash,
               examples=(bad("[[x]]"), good("y")))


def test_a_crashing_rule_becomes_a_finding_and_the_batch_goes_on():
    from qa.registry import all_rules

    plan = make_plan(Settings(), rules=list(all_rules()) + [CRASHER])
    docs = [make_document("It ended there.She left."), make_document("Second doc.")]
    results = list(run_records(docs, plan))
    assert len(results) == 2
    for r in results:
        crash = [f for f in r.findings if f.rule == "QA000"]
        assert len(crash) == 1 and "ZZ999" in crash[0].message and "boom on purpose" in crash[0].message
    assert any(f.rule == "PUN002" for f in results[0].findings)


def _half_then_crash(doc, opts):
    yield Hit(0, 2, "first hit, before the crash")
    raise RuntimeError("crash after one hit")


def test_a_rule_that_crashes_half_way_reports_only_its_qa000():
    """QA000 says the rule's findings are missing: the hits it gave before crashing are dropped
    too, so a stopped rule never leaves a partial, run-dependent set of findings."""
    half = Rule(code="ZZ997", name="crashes-half-way", category="grammar", summary="Crashes half way",
                check=_half_then_crash, examples=(bad("[[x]]"), good("y")))
    from qa.registry import get_rule

    plan = make_plan(Settings(), rules=[half, get_rule("PUN002")])
    [res] = list(run_records([make_document("It ended there.She left.")], plan))
    assert [f.rule for f in res.findings] == ["QA000", "PUN002"]
    assert "ZZ997" in res.findings[0].message and "crash after one hit" in res.findings[0].message


def test_a_slow_rule_is_stopped_by_the_time_limit():
    from qa.guard import set_limits

    def slow(doc, opts):
        import re

        re.search(r"(a+)+b", "a" * 40)  # catastrophic on purpose
        yield from ()

    rule = Rule(code="ZZ998", name="too-slow", category="grammar", summary="Slow", check=slow,
                examples=(bad("[[x]]"), good("y")))
    plan = make_plan(Settings(), rules=[rule] + [r for r in make_plan(Settings(select=("PUN",))).rules])
    set_limits(rule_seconds=0.3, document_seconds=5)
    try:
        t0 = time.perf_counter()
        findings = check_document(make_document("It ended there.She left."), plan)
        assert time.perf_counter() - t0 < 3
    finally:
        from qa.guard import DEFAULT_DOCUMENT_SECONDS, DEFAULT_RULE_SECONDS

        set_limits(rule_seconds=DEFAULT_RULE_SECONDS, document_seconds=DEFAULT_DOCUMENT_SECONDS)
    crash = [f for f in findings if f.rule == "QA000"]
    assert len(crash) == 1 and "ZZ998" in crash[0].message and "stopped after 0.3 s" in crash[0].message
    assert any(f.rule == "PUN002" for f in findings)


def test_document_time_budget_skips_the_rest():
    from qa.guard import DEFAULT_DOCUMENT_SECONDS, DEFAULT_RULE_SECONDS, set_limits

    def sleepy(doc, opts):
        time.sleep(0.2)
        yield from ()

    rules = [Rule(code=f"ZZ{900 + i}", name="sleepy", category="grammar", summary="Sleeps", check=sleepy,
                  examples=(bad("[[x]]"), good("y"))) for i in range(10)]
    plan = make_plan(Settings(), rules=rules)
    set_limits(rule_seconds=5, document_seconds=0.5)
    try:
        findings = check_document(make_document("Text."), plan)
    finally:
        set_limits(rule_seconds=DEFAULT_RULE_SECONDS, document_seconds=DEFAULT_DOCUMENT_SECONDS)
    # the rule running when the budget ran out is stopped; the rest are skipped in one finding
    assert 1 <= len(findings) <= 2 and all(f.rule == "QA000" for f in findings)
    assert "rule(s) skipped" in findings[-1].message and "ZZ909" in findings[-1].message


# --------------------------------------------------------------------------- outputs
def test_two_runs_are_byte_identical_whatever_the_discovery_order(tmp_path):
    texts = {"b/z.txt": "It ended there.She left.", "a.md": "# T\n\nAuthor: null\n\nBody, , here.",
             "b/a.txt": "Fine text.", "c.jsonl": json.dumps({"id": "r1", "text": "One.Two"}) + "\n"}
    outs = []
    for order, name in ((sorted(texts), "one"), (sorted(texts, reverse=True), "two")):
        root = tmp_path / name / "in"
        for rel in order:  # create files in a different order: directory listing order differs
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(texts[rel], encoding="utf-8")
        proc = _run(["check", "in", "--format", "jsonl,sarif", "--output-dir", "out", "--html", "html",
                     "-q", "--isolated", "--fail-on", "never"], cwd=tmp_path / name)
        assert proc.returncode == 0, proc.stderr
        files = {str(p.relative_to(tmp_path / name)): p.read_bytes()
                 for p in sorted((tmp_path / name).rglob("*")) if p.is_file() and "in" != p.relative_to(tmp_path / name).parts[0]}
        outs.append(files)
    assert outs[0].keys() == outs[1].keys() and len(outs[0]) > 5
    for k in outs[0]:
        assert outs[0][k] == outs[1][k], k


def test_sigterm_leaves_no_partial_files_and_says_how_to_resume(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    for i in range(300):
        (root / f"d{i:03}.txt").write_text("It ended there.She left. " * 200, encoding="utf-8")
    proc = subprocess.Popen(QA + ["clean", str(root), "--out", str(tmp_path / "out"), "--isolated"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    # the copies are written into a hidden staging folder next to --out
    while time.time() < deadline and not any(p.name.startswith(".out.qa-staging-") and p.is_dir()
                                             for p in tmp_path.iterdir()):
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted (SIGTERM)" in err and "run the same command again" in err
    assert "Traceback" not in err
    # nothing that looks like an output: no --out folder, no staging folder, no temporary file
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    # inputs untouched
    assert (root / "d000.txt").read_text(encoding="utf-8") == "It ended there.She left. " * 200


def test_clean_refuses_to_overwrite_inputs(tmp_path):
    (tmp_path / "a.txt").write_text("It ended there.She left.", encoding="utf-8")
    for out in (str(tmp_path), str(tmp_path / "sub")):
        proc = _run(["clean", str(tmp_path), "--out", out, "--isolated"], cwd=tmp_path)
        assert proc.returncode == 2 and "refusing" in proc.stderr
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "It ended there.She left."
    os.symlink(tmp_path / "a.txt", tmp_path / "alias")
    proc = _run(["clean", str(tmp_path / "a.txt"), "--out", str(tmp_path), "--isolated"], cwd=tmp_path)
    assert proc.returncode == 2 and "refusing" in proc.stderr


def test_inputs_are_opened_read_only(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    p.write_text("It ended there.She left.", encoding="utf-8")
    seen = []
    real_open = os.open

    def spy(path, flags, *a, **k):
        seen.append((str(path), flags))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", spy)
    list(read_path(str(p)))
    assert seen and all(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC) == 0 for path, flags in seen if path == str(p))


def test_terminal_output_escapes_control_and_bidi_characters(tmp_path):
    """Ids, paths, messages and errors come from the checked data: none of their control, line
    separator or bidi-override characters reaches the terminal as it is."""
    from qa.model import Finding, FileResult, Severity
    from qa.report.text import safe, summary, write

    assert safe("plain \u00e9 text") == "plain \u00e9 text"
    assert safe("a\x1b[2Jb\nc\u202ed\x9b") == "a\\x1b[2Jb\\nc\\u202ed\\x9b"
    evil = "evil\x1b]0;owned\x07\u202e"
    doc = make_document("The the cat sat on the mat in the morning.", path=f"/tmp/{evil}.txt", doc_id=evil)
    res = FileResult(doc.path, doc.id, doc, [Finding("GRAM001", "doubled-word", "grammar", Severity.WARNING,
                                                     0, 7, f"Doubled word {evil!s}")], score=40.0, verdict="fail")
    broken = FileResult(f"/tmp/{evil}.jsonl", evil, None, [], error=f"line 1: bad \x1b[31m{evil}")
    import io

    out = io.StringIO()
    write([res, broken], out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].endswith(": GRAM001 Doubled word evil\\x1b]0;owned\\x07\\u202e")
    assert lines[1].startswith("/tmp/evil\\x1b]0;owned\\x07\\u202e.jsonl: error: line 1: bad \\x1b[31m")
    summary([res, broken], 0.1, html=None, out=out)
    text = out.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "lowest scores: evil\\x1b]0;owned\\x07\\u202e 40 (fail)" in text
    # through the command line: a JSON Lines record whose id and text carry escape sequences
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"id": evil, "text": "The the cat sat on the mat.\n\nClose\n\nThe dog slept."}) + "\n",
                 encoding="utf-8")
    r = _run(["check", str(p), "--no-cache", "--isolated", "--fail-on", "warning"], cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert "GRAM001" in r.stdout and "\x1b" not in r.stdout + r.stderr and "\u202e" not in r.stdout + r.stderr
    assert "evil\\x1b]0;owned\\x07\\u202e" in r.stdout
