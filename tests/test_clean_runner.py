"""``qa clean`` through the runner: documents checked and fixed where they are checked (this
process, the worker pool; Dask in tests/test_dask.py), the copies the same bytes as the writers
cleaning every document themselves, one after the other (the loop qa clean ran before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cleantree import make_clean_corpus, reference_clean, tree
from typer.testing import CliRunner

import qa.clean as clean_mod
from qa.cli import app
from qa.clean import clean_paths
from qa.config import Settings
from qa.engine import make_plan
from qa.model import Hit, Rule, bad, good
from qa.readers import make_document
from qa.runner.options import RunOptions, RunStats
from qa.runner.pipeline import run_records


def invoke(*args: str, cwd: Path):
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_clean_corpus(tmp_path_factory.mktemp("clean-mixed") / "in")


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("clean-ref") / "out"
    summary = reference_clean([str(corpus)], out)
    return tree(out), summary


@pytest.fixture(scope="module")
def reference_corpus_phase(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("clean-ref-dedupe") / "out"
    summary = reference_clean([str(corpus)], out, dedupe=True, unsafe=True)
    return tree(out), summary


def test_the_reference_is_the_writers_own_loop_and_cleans_every_kind_of_input(corpus, reference):
    ref, summary = reference
    # every document was cleaned by the writers themselves (no runner result taken)
    assert summary.cleaned_here == summary.documents > 150
    src = tree(corpus)
    # the copies changed where fixes apply: text, JSON Lines (extra fields kept), CSV, PO, XLIFF
    for name in ("txt/t0.txt", "a.jsonl", "d.csv", "nested.jsonl", "ui.fr.po", "ui.de.xlf", "note.md"):
        assert ref[name] != src[name], name
    assert b"partie. Elle arrive" in ref["ui.fr.po"] and b"unterwegs. Sie kommt" in ref["ui.de.xlf"]
    # nested.jsonl: only the text value changed, every other byte of every line kept
    for before, after in zip(src["nested.jsonl"].splitlines(), ref["nested.jsonl"].splitlines()):
        b, a = json.loads(before), json.loads(after)
        assert {k: v for k, v in a.items() if k != "text"} == {k: v for k, v in b.items() if k != "text"}
        assert after.startswith(before[: before.index(b'"text"')])
    assert len(ref["nested.jsonl"].splitlines()) == len(src["nested.jsonl"].splitlines())


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_clean_jobs_1_and_2_give_the_reference_tree(tmp_path, corpus, reference, jobs):
    out = tmp_path / f"out{jobs}"
    res = invoke("clean", str(corpus), "--out", str(out), "--isolated", "--jobs", jobs, cwd=tmp_path)
    assert res.exit_code == 2, res.output  # the corpus holds unreadable records on purpose
    assert "copied unchanged" in res.output
    assert tree(out) == reference[0]
    assert tree(corpus) == tree(corpus.parent / "pristine")  # the inputs are never touched


def test_the_pool_cleans_every_document_and_the_writers_none(tmp_path, corpus, reference):
    stats = RunStats()
    summary = clean_paths([str(corpus)], Settings(), tmp_path / "out",
                          run=RunOptions(jobs=2, min_parallel_docs=1), stats=stats)
    assert stats.workers == 2
    assert summary.cleaned_here == 0
    assert (summary.documents, summary.changed, summary.edits, summary.errors) == (
        reference[1].documents, reference[1].changed, reference[1].edits, reference[1].errors)
    assert tree(tmp_path / "out") == reference[0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_dedupe_and_template_lines_with_jobs_give_the_reference_tree(tmp_path, corpus, reference_corpus_phase, jobs):
    ref, ref_summary = reference_corpus_phase
    assert ref_summary.dropped > 0
    assert any(b'"rule": "DUP001"' in line for line in ref["qa-fixes.jsonl"].splitlines())
    summary = clean_paths([str(corpus)], Settings(), tmp_path / "out", dedupe=True, unsafe=True,
                          run=RunOptions(jobs=jobs, min_parallel_docs=1))
    assert summary.cleaned_here == 0 and summary.dropped == ref_summary.dropped
    assert tree(tmp_path / "out") == ref


def test_diff_with_jobs_prints_what_the_writers_print(tmp_path, corpus):
    import io

    def diff(**kw) -> str:
        buf = io.StringIO()
        clean_paths([str(corpus)], Settings(), None, diff=True, stdout=buf, **kw)
        return buf.getvalue()

    with pytest.MonkeyPatch.context() as m:
        m.setattr(clean_mod, "_prepare", lambda files, *a, **k: clean_mod.Prepared(iter(()), files))
        want = diff()
    assert "+++ b/" in want and "partie. Elle arrive" in want
    assert diff(run=RunOptions(jobs=2, min_parallel_docs=1)) == want


def _crash_on_marker(doc, opts):
    if "Crash here" in doc.text:
        raise RuntimeError("broken on purpose")
    yield from ()


CRASHER = Rule(code="ZZ996", name="crashes-on-a-marker", category="grammar", summary="Crashes on a marker",
               check=_crash_on_marker, examples=(bad("[[Crash here]]"), good("y")))


@pytest.fixture
def crasher(monkeypatch):
    from qa import registry

    registry.python_rules()
    monkeypatch.setitem(registry._PY_RULES, CRASHER.code, CRASHER)
    monkeypatch.setattr(registry, "_BUNDLED_CACHE", {})
    return CRASHER


def test_a_rule_crashing_in_a_worker_leaves_the_other_fixes_as_before(tmp_path, crasher):
    src = tmp_path / "in"
    src.mkdir()
    lines = [{"id": f"r{i}", "text": f"Item {i} was sent.It arrives soon." + (" Crash here." if i % 3 == 0 else "")}
             for i in range(40)]
    (src / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    (src / "one.txt").write_text("It was sent.Crash here, it says.\n", encoding="utf-8")
    settings = Settings(select=("PUN002", "ZZ996"))
    plan = make_plan(settings)
    # the rule does crash: a QA000 finding (no fix) on the marked documents, the others' fixes stay
    [res] = list(run_records([make_document("It was sent.Crash here.")], plan))
    assert [f.rule for f in res.findings if f.rule == "QA000"] == ["QA000"]
    ref = reference_clean([str(src)], tmp_path / "ref", settings=settings)
    summary = clean_paths([str(src)], settings, tmp_path / "out", run=RunOptions(jobs=2, min_parallel_docs=1))
    assert summary.cleaned_here == 0 and summary.errors == 0
    assert summary.changed == ref.changed == 41
    got = tree(tmp_path / "out")
    assert got == tree(tmp_path / "ref")
    assert got["one.txt"] == b"It was sent. Crash here, it says.\n"
    assert b'"text": "Item 0 was sent. It arrives soon. Crash here."' in got["r.jsonl"]


def test_the_cache_of_a_check_gives_the_first_round_and_the_same_copies(tmp_path, monkeypatch):
    monkeypatch.delenv("QA_NO_CACHE", raising=False)
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        (src / f"t{i}.txt").write_text(f"Report {i} ended.It was long , and dull.\n\nA second paragraph.\n",
                                       encoding="utf-8")
    (src / "rows.jsonl").write_text(json.dumps({"id": "x", "text": "One row.It ends .", "src": "web"}) + "\n", encoding="utf-8")
    cache = str(tmp_path / "cache")
    plan = make_plan(Settings())
    from qa.runner.pipeline import run as run_paths

    list(run_paths([str(src)], plan, RunOptions(cache_dir=cache)))  # what qa check stores for these inputs
    ref = reference_clean([str(src)], tmp_path / "ref")
    for jobs in (1, 2):
        stats = RunStats()
        clean_paths([str(src)], Settings(), tmp_path / f"out{jobs}", stats=stats,
                    run=RunOptions(jobs=jobs, min_parallel_docs=1, cache_dir=cache))
        # the text files are read as fresh documents: their cached findings are the first round; the
        # JSON Lines record (its field "src" is metadata a rule may read) is not, and is checked as before
        assert stats.cache_hits == 6 and stats.cache_misses == 0, jobs
        assert tree(tmp_path / f"out{jobs}") == tree(tmp_path / "ref")
    assert ref.changed == 7


def test_clean_help_shows_jobs_and_engine():
    res = CliRunner().invoke(app, ["clean", "--help"], terminal_width=200)
    assert res.exit_code == 0
    for opt in ("--jobs", "--engine", "--no-cache", "--cache-dir"):
        assert opt in res.output, opt


def test_clean_rejects_a_bad_jobs_and_engine(tmp_path):
    (tmp_path / "a.txt").write_text("Fine.\n", encoding="utf-8")
    for extra, msg in ((("--jobs", "0"), "--jobs must be at least 1"), (("--engine", "spark"), "unknown engine")):
        res = invoke("clean", "a.txt", "--out", "o", "--isolated", *extra, cwd=tmp_path)
        assert res.exit_code == 2 and msg in res.output, res.output
        assert not (tmp_path / "o").exists()


def test_a_record_the_runner_did_not_see_is_cleaned_by_the_writer(tmp_path):
    """The writers take a cleaned document only for the record it was made from: another one
    (here: the runner fed a different text under the same id) is cleaned where it is written."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("It ended.She left .\n", encoding="utf-8")
    ref = reference_clean([str(tmp_path / "in")], tmp_path / "ref")
    real = clean_mod.run_files

    def other_text(files, plan, opts, stats=None):
        from qa.runner.pipeline import run_records as records

        doc = make_document("Another text.It differs .\n", path=files[0], doc_id="a.txt")
        return records([doc], plan, opts, stats)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(clean_mod, "run_files", other_text)
        summary = clean_paths([str(tmp_path / "in")], Settings(), tmp_path / "out")
    assert real is clean_mod.run_files
    assert summary.cleaned_here == 1 == ref.cleaned_here
    assert tree(tmp_path / "out") == tree(tmp_path / "ref")
    assert tree(tmp_path / "out")["a.txt"] == b"It ended. She left .\n"


def test_review_decisions_hold_in_the_workers_and_with_the_cache(tmp_path, monkeypatch):
    from qa.api import check_paths
    from qa.baseline import load_baseline, result_fingerprints
    from qa.runner.pipeline import run as run_paths

    monkeypatch.delenv("QA_NO_CACHE", raising=False)
    src = tmp_path / "in"
    src.mkdir()
    for i in range(8):
        (src / f"t{i}.txt").write_text("The notice was posted.Readers saw it.\n\nIt stayed up for for a day.\n", encoding="utf-8")
    [r] = list(check_paths([str(src / "t0.txt")], Settings()))
    pun = [(f, fp) for f, fp in zip(r.findings, result_fingerprints(r)) if f.rule == "PUN002"]
    assert len(pun) == 1 and any(f.rule == "GRAM001" and f.fix is not None for f in r.findings)
    first = pun[0][0]
    assert r.doc.text[first.start:first.end].startswith("posted.Readers")
    dec = tmp_path / "qa-decisions.json"
    dec.write_text(json.dumps({"version": 2, "decisions": [{"fingerprint": pun[0][1], "decision": "dismiss"}]}))
    decisions = load_baseline([dec])
    ref = reference_clean([str(src)], tmp_path / "ref", decisions=decisions)
    want = tree(tmp_path / "ref")
    assert want["t3.txt"] == b"The notice was posted.Readers saw it.\n\nIt stayed up for a day.\n"  # the dismissed fix is not applied
    assert ref.changed == 8
    cache = str(tmp_path / "cache")
    list(run_paths([str(src)], make_plan(Settings()), RunOptions(cache_dir=cache)))
    for run in (RunOptions(jobs=2, min_parallel_docs=1), RunOptions(jobs=2, min_parallel_docs=1, cache_dir=cache)):
        stats = RunStats()
        summary = clean_paths([str(src)], Settings(), tmp_path / "out", decisions=decisions, run=run, stats=stats)
        assert summary.cleaned_here == 0 and stats.workers == 2
        assert stats.cache_hits == (8 if run.cache_dir else 0)
        assert tree(tmp_path / "out") == want


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_a_failing_runner_stops_the_run_and_keeps_no_copy(tmp_path, kind):
    """A worker pool or a cluster that fails is the run's error, not a reason of the file being
    written (the Parquet writer turns any exception into one): no copy, ``qa: error``, exit 2."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "in"
    src.mkdir()
    rows = [{"id": f"r{i}", "text": f"Row {i} ended.It goes on."} for i in range(6)]
    if kind == "jsonl":
        (src / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        pq.write_table(pa.table({"id": [r["id"] for r in rows], "text": [r["text"] for r in rows]}), src / "r.parquet")
    (src / "z.txt").write_text("Last.One.\n", encoding="utf-8")
    real = clean_mod.run_files

    def breaks(files, plan, opts, stats=None):
        for i, res in enumerate(real(files, plan, opts, stats)):
            if i == 2:
                raise RuntimeError("a worker process ended")
            yield res

    with pytest.MonkeyPatch.context() as m:
        m.setattr(clean_mod, "run_files", breaks)
        with pytest.raises(clean_mod.CleanRunFailed, match="a worker process ended"):
            clean_paths([str(src)], Settings(), tmp_path / "out")
        res = invoke("clean", str(src), "--out", str(tmp_path / "out"), "--isolated", cwd=tmp_path)
    assert res.exit_code == 2
    assert "qa: error: checking the documents failed: RuntimeError: a worker process ended" in res.output
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
