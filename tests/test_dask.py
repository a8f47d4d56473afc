"""The Dask engine on a real LocalCluster (2 worker processes): the same bytes as the local engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from _corpus import make_mixed_corpus  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import qa.dask_engine as dask_engine  # noqa: E402
from qa.cli import app  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.engine import make_plan  # noqa: E402
from qa.runner.pipeline import run_records
from qa.parallel import RenderedResult, RunOptions, RunStats, run  # noqa: E402
from qa.readers import read_all  # noqa: E402
from qa.report.jsonl import dumps  # noqa: E402

SAMPLES = str(Path(__file__).resolve().parent.parent / "samples")


@pytest.fixture(scope="module")
def cluster():
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> str:
    return str(make_mixed_corpus(tmp_path_factory.mktemp("mixed-dask")))


@pytest.fixture
def small_partitions(monkeypatch):
    monkeypatch.setattr(dask_engine, "PARTITION_BYTES", 16 << 10)  # several partitions per file


def test_dask_engine_matches_local_on_samples_and_a_mixed_corpus(cluster, corpus, small_partitions):
    plan = make_plan(Settings())
    # samples: qa starts (and stops) its own LocalCluster; the corpus: a running scheduler
    for paths, address in (([SAMPLES], None), ([corpus], cluster.scheduler_address)):
        ref = [dumps(r) for r in run_records(read_all(paths), plan)]
        stats = RunStats()
        out = [dumps(r) for r in run(paths, plan, RunOptions(engine="dask", scheduler=address, jobs=2), stats)]
        assert out == ref
        assert stats.engine == "dask" and stats.workers == 2
        assert stats.documents + stats.errors == len(ref)
    # lines-only (what `-q --format jsonl -o FILE` runs): the lines made on the workers, and the
    # results the corpus rule joins rebuilt on the client, give the same bytes
    got = list(run([corpus], plan, RunOptions(engine="dask", scheduler=cluster.scheduler_address, jobs=2,
                                              lines_only=True)))
    assert any(isinstance(r, RenderedResult) for r in got)
    assert [r.line if isinstance(r, RenderedResult) else dumps(r) for r in got] == ref


def test_cli_dask_engine_writes_the_same_jsonl(cluster, corpus, tmp_path, small_partitions):
    local = tmp_path / "local.jsonl"
    remote = tmp_path / "dask.jsonl"
    common = ["--format", "jsonl", "--fail-on", "never", "-q", "--select", "PUN,WS,META"]
    r1 = CliRunner().invoke(app, ["check", corpus, "-o", str(local), "--jobs", "1", *common])
    r2 = CliRunner().invoke(app, ["check", corpus, "-o", str(remote), "--engine", "dask",
                                  "--scheduler", cluster.scheduler_address, "--shard", "1/2", *common])
    r3 = CliRunner().invoke(app, ["check", corpus, "-o", str(tmp_path / "shard.jsonl"), "--jobs", "1",
                                  "--shard", "1/2", *common])
    assert r1.exit_code == r2.exit_code == r3.exit_code == 2, (r1.stderr, r2.stderr)
    assert remote.read_bytes() == (tmp_path / "shard.jsonl").read_bytes()
    assert 0 < len(remote.read_bytes().splitlines()) < len(local.read_bytes().splitlines())


def test_dask_workers_get_the_bilingual_fields_languages_and_glossary(cluster, tmp_path):
    """--source-field/--target-field/--source-lang/--target-lang/--glossary hold on the workers
    (separate processes that never saw the client's options): the same findings as the local
    engine, the source-aware ones included."""
    from qa.bilingual import readers as br

    rows = [{"id": "s1", "zh": "他买了250本书。", "en": "He bought 520 books."},
            {"id": "s2", "zh": "请打开设置。", "en": "Please open the options."},
            {"id": "s3", "zh": "今天下雨。", "en": "It rains today."}]
    p = tmp_path / "pairs.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    g = tmp_path / "terms.csv"
    g.write_text("source,target\n设置,Settings\n", encoding="utf-8")
    common = [str(p), "--source-field", "zh", "--target-field", "en", "--source-lang", "zh", "--target-lang", "en-GB",
              "--glossary", str(g), "--isolated", "--no-cache", "--format", "jsonl", "-q", "--fail-on", "never"]
    try:
        local = CliRunner().invoke(app, ["check", *common])
        dask = CliRunner().invoke(app, ["check", *common, "--engine", "dask", "--scheduler", cluster.scheduler_address])
        assert local.exit_code == 0 and dask.exit_code == 0, dask.output
        assert dask.stdout == local.stdout
        doc = json.loads(dask.stdout)
        assert doc["id"] == "pairs.jsonl" and doc["error"] is None
        assert [(f["rule"], f["segment"]) for f in doc["findings"]] == [("SRC001", "s1"), ("SRC013", "s2")]
        # the documents made on the workers carry the languages given on the command line
        br.set_options("zh", "en", "zh", "en-GB")
        plan = make_plan(Settings())
        got = list(run([str(p)], plan, RunOptions(engine="dask", scheduler=cluster.scheduler_address, jobs=2)))
        assert [(r.doc.source_lang, r.doc.target_lang, len(r.doc.segments)) for r in got] == [("zh", "en-GB", 3)]
    finally:
        br.set_options()


def test_jsonl_bytes_are_the_same_for_one_job_two_jobs_and_dask(cluster, corpus, tmp_path, small_partitions):
    """The whole default rule set (corpus rules included) on the mixed corpus, through the command
    line: --jobs 1 (this process), --jobs 2 (the worker pool) and --engine dask write the same bytes."""
    common = ["--format", "jsonl", "--fail-on", "never", "-q", "--isolated", "--no-cache", "--statistics"]
    runs = {"jobs1": ["--jobs", "1"], "jobs2": ["--jobs", "2"],
            "dask": ["--engine", "dask", "--scheduler", cluster.scheduler_address, "--jobs", "2"]}
    out = {}
    for name, extra in runs.items():
        target = tmp_path / f"{name}.jsonl"
        res = CliRunner().invoke(app, ["check", corpus, "-o", str(target), *common, *extra])
        assert res.exit_code == 2, res.stderr  # the corpus holds an unreadable file
        out[name] = (target.read_bytes(), res.stderr)
    assert "(local engine, 1 worker(s))" in out["jobs1"][1]
    assert "(local engine, 2 worker(s))" in out["jobs2"][1]  # the pool ran: the corpus is big enough
    assert "(dask engine, 2 worker(s))" in out["dask"][1]
    assert out["jobs1"][0] == out["jobs2"][0] == out["dask"][0]
    lines = out["jobs1"][0].splitlines()
    assert len(lines) > 200 and b'"DUP' in out["jobs1"][0]  # corpus findings are part of what is compared


def test_qa_clean_on_dask_gives_the_reference_tree(cluster, tmp_path, small_partitions):
    """``qa clean --engine dask``: the documents are checked and fixed on the workers (template
    lines and duplicates from the corpus phase, scattered to them), and the copies are the bytes
    the writers make cleaning every document themselves."""
    from _cleantree import make_clean_corpus, reference_clean, tree

    from qa.clean import clean_paths

    src = make_clean_corpus(tmp_path / "in")
    for kw in ({}, {"dedupe": True, "unsafe": True}):
        ref = reference_clean([str(src)], tmp_path / "ref", **kw)
        assert ref.cleaned_here == ref.documents
        summary = clean_paths([str(src)], Settings(), tmp_path / "out", **kw,
                              run=RunOptions(engine="dask", scheduler=cluster.scheduler_address, jobs=2))
        assert summary.cleaned_here == 0, kw  # every document was cleaned on a worker
        assert (summary.documents, summary.changed, summary.edits, summary.dropped) == (
            ref.documents, ref.changed, ref.edits, ref.dropped)
        assert tree(tmp_path / "out") == tree(tmp_path / "ref"), kw
    assert tree(src) == tree(tmp_path / "pristine")


def test_dask_workers_make_the_cleaned_view(cluster, corpus, small_partitions):
    """``qa check --html`` on Dask: each result comes with its cleaned text, made on the worker
    that checked it, the same as the local workers make."""
    from qa.clean import cleaned_texts

    plan = make_plan(Settings())
    local = [r for r in run([corpus], plan, RunOptions(jobs=1, cleaned=True)) if r.doc is not None]
    got = [r for r in run([corpus], plan, RunOptions(engine="dask", scheduler=cluster.scheduler_address, jobs=2,
                                                     cleaned=True)) if r.doc is not None]
    assert got and all(r.cleaned is not None for r in got)
    assert any(r.cleaned.log for r in got)
    assert [(r.path, r.id, r.cleaned.text, r.cleaned.log) for r in got] == [
        (r.path, r.id, r.cleaned.text, r.cleaned.log) for r in local]
    made = cleaned_texts(got, plan)  # the report takes them as they came: nothing cleaned again
    assert all(made[r.id] is r.cleaned for r in got if sum(x.id == r.id for x in got) == 1)
