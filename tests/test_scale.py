"""The scale runner: --jobs, corpus rules in workers, --shard, the result cache, statistics."""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
from dataclasses import replace as _replace
from pathlib import Path

import pytest
from _corpus import make_mixed_corpus
from typer.testing import CliRunner

from qa.cli import app
from qa.config import Settings
from qa.engine import make_plan
from qa.runner.pipeline import run_records
from qa.model import Hit, Rule
from qa.parallel import RenderedResult, RunOptions, RunStats, format_rule_times, parse_shard, run, shard_of
from qa.readers import read_all
from qa.registry import all_rules
from qa.report.jsonl import dumps

SAMPLES = str(Path(__file__).resolve().parent.parent / "samples")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> str:
    return str(make_mixed_corpus(tmp_path_factory.mktemp("mixed")))


@pytest.fixture(scope="module")
def plan():
    return make_plan(Settings())


def reference(paths, plan) -> list[str]:
    return [dumps(r) for r in run_records(read_all(paths), plan)]


def go(paths, plan, **kw) -> tuple[list[str], RunStats]:
    stats = RunStats()
    return [r.line if isinstance(r, RenderedResult) else dumps(r)
            for r in run(paths, plan, RunOptions(**kw), stats)], stats


def test_jobs_give_the_engine_output_on_samples(plan):
    ref = reference([SAMPLES], plan)
    assert len(ref) >= 2
    one, _ = go([SAMPLES], plan, jobs=1)
    two, stats = go([SAMPLES], plan, jobs=2, min_parallel_docs=0)
    assert one == ref and two == ref
    assert stats.workers == 2 and stats.documents == len(ref)


def test_jobs_give_the_engine_output_on_a_mixed_corpus(corpus, plan):
    ref = reference([corpus], plan)
    assert len(ref) > 200 and sum(1 for x in ref if '"error": null' not in x) == 5
    assert any('"findings": [{' in x for x in ref)
    one, _ = go([corpus], plan, jobs=1)
    two, stats = go([corpus], plan, jobs=2, min_parallel_docs=0)
    assert one == ref and two == ref
    assert stats.errors == 5 and stats.documents == len(ref) - 5 and stats.bytes > 100_000
    # findings rendered in the workers (what the CLI does when JSON Lines is its only output)
    rendered, _ = go([corpus], plan, jobs=2, min_parallel_docs=0, render_jsonl=True)
    assert rendered == ref


def test_small_inputs_stay_in_process(plan):
    _, stats = go([SAMPLES], plan, jobs=2)
    assert stats.workers == 1


def _cli(args, **kw):
    return CliRunner().invoke(app, ["check", *args], catch_exceptions=False, **kw)


def test_cli_jsonl_is_byte_identical_for_any_jobs(corpus, tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}.jsonl"
        res = _cli([corpus, "--format", "jsonl", "-o", str(out), "--jobs", jobs, "--fail-on", "never", "-q"])
        assert res.exit_code == 2  # unreadable records in the corpus
        outs.append(out.read_bytes())
    # the buffered writer (several formats) gives the same JSON Lines as the streaming one
    res = _cli([corpus, "--format", "jsonl,text", "--output-dir", str(tmp_path / "d"), "--jobs", "2",
                "--fail-on", "never", "-q"])
    outs.append((tmp_path / "d" / "qa.jsonl").read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert len(outs[0].splitlines()) > 200


def _dup_rule() -> Rule:
    """A corpus rule: a document whose text occurs more than once in the batch."""

    def collect(doc, opts):
        return hashlib.sha1(doc.text.encode()).hexdigest() if doc.text.strip() else None

    def finalize(keys, opts):
        counts: dict[object, int] = {}
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
        return [[Hit(0, 1, f"text seen {counts[k]} times")] if k and counts[k] > 1 else [] for k in keys]

    return Rule(code="DUP999", name="repeated-text-test", category="duplicate", summary="Repeated text",
                check=lambda doc, opts: (), collect=collect, finalize=finalize)


def test_corpus_rules_collect_in_workers_and_finalize_in_the_parent(corpus):
    plan = make_plan(Settings(select=("PUN001", "DUP999")), rules=all_rules() + [_dup_rule()])
    ref = reference([corpus], plan)
    dups = [json.loads(x) for x in ref if '"DUP999"' in x]
    assert len(dups) > 100 and dups[0]["findings"][0]["message"].startswith("text seen")
    one, _ = go([corpus], plan, jobs=1)
    two, _ = go([corpus], plan, jobs=2, min_parallel_docs=0)
    assert one == ref and two == ref
    # lines-only runs: every result arrives as a line, the one made where it was checked or, for
    # a result the corpus rule joins, that line with the corpus finding merged in and re-scored
    # (``merge_rendered``: no result is rebuilt); the bytes are the same either way
    for jobs in (1, 2):
        got = list(run([corpus], plan, RunOptions(jobs=jobs, min_parallel_docs=0, lines_only=True)))
        assert sum(1 for r in got if isinstance(r, RenderedResult)) == len(ref) - 5
        assert [r.line if isinstance(r, RenderedResult) else dumps(r) for r in got] == ref


def _texts_with_separators(corpus: str, tmp_path: Path) -> str:
    """The corpus's ``a.jsonl`` with a LINE SEPARATOR before the text of every third record."""
    lines = []
    for i, line in enumerate((Path(corpus) / "a.jsonl").read_text(encoding="utf-8").splitlines()):
        try:
            rec = json.loads(line)
        except ValueError:
            rec = None
        if isinstance(rec, dict) and rec.get("text") and i % 3 == 0:
            rec["text"] = "\u2028" + rec["text"]
            line = json.dumps(rec)
        lines.append(line)
    out = tmp_path / "sep.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(out)


def _first_character_rule() -> Rule:
    """A rule reporting a document's first character: a result whose text starts with a LINE
    SEPARATOR has it in a finding's ``text``, so its line is made safe (the separator escaped)."""
    return Rule(code="PUN998", name="first-character-test", category="punctuation", summary="First character",
                check=lambda doc, opts: [Hit(0, 1, "first character")] if doc.text else [])


def test_merging_into_a_line_gives_the_rebuilt_result(plan):
    """``merge_rendered`` (corpus findings joined into a line as checked, from its findings'
    keys) gives the bytes, score, verdict and counts of rebuilding the result (``merge``): the
    joined findings in their sorted places, ties with the line's findings after them, a duplicate
    finding's data as the ``duplicate`` field, a crash finding."""
    from qa.engine import check_document, crash_finding, result_for
    from qa.model import Finding, Severity
    from qa.runner.checker import merge, merge_rendered

    docs = [d for d in read_all([SAMPLES]) if len(d.text) > 200]
    assert docs
    for doc in docs:
        res = result_for(doc, check_document(doc, plan), plan)
        assert len(res.findings) >= 3
        first, last = res.findings[0], res.findings[-1]
        light = pickle.dumps(replace_doc(res))
        rendered = RenderedResult.of(res, keys=True)
        assert rendered.keys is not None and len(rendered.keys.starts) == len(res.findings)
        dup = Finding(rule="DUP101", name="exact-duplicate", category="duplicate", severity=Severity.WARNING,
                      start=first.start, end=first.end, message="Same text as d0", confidence=0.9,
                      data=(("kind", "exact"), ("of", "d0")))
        tail = Finding(rule="AAA001", name="a", category="duplicate", severity=Severity.INFO, start=last.start,
                       end=last.end, message="ties with the last finding, sorts before its rule", confidence=None)
        twin = _replace(first, message="the same rule and span: after the first")
        for extra in ([dup], [tail], [twin], [dup, tail, twin, crash_finding(plan.rules[0], RuntimeError("boom"))]):
            want = RenderedResult.of(merge(light, doc, list(extra), plan))
            got = merge_rendered(rendered, doc, list(extra), plan)
            assert got.data == want.data
            assert (got.score, got.verdict, got.severity_counts, got.category_counts) == \
                (want.score, want.verdict, want.severity_counts, want.category_counts)
        assert b'"duplicate": {"kind": "exact", "of": "d0"}' in merge_rendered(rendered, doc, [dup], plan).data


def test_a_worker_sends_a_line_that_waits_for_the_corpus_rules_compressed(plan):
    """A worker compresses the line of a result that waits in the parent's spool for the corpus
    rules (``check_to_send`` with a corpus rule selected): the parent neither receives nor
    compresses the whole line. It reads back as the same bytes, and merges as the line would;
    without a corpus rule the line is sent as it is (it is written at once)."""
    from qa.runner.checker import Checker, merge_rendered
    from qa.model import Finding, Severity

    doc = next(d for d in read_all([SAMPLES]) if len(d.text) > 2000)
    with_corpus = make_plan(Settings(select=("PUN", "WS", "DUP999")), rules=all_rules() + [_dup_rule()])
    sent = Checker(with_corpus, lines_only=True).check_to_send(doc).rendered
    plain = Checker(with_corpus, lines_only=True).check(doc).rendered
    assert plain.packed == 0 and plain.keys is not None and len(plain.keys.starts) >= 1
    assert sent.packed == len(plain.data) == sent.size and len(sent.data) < len(plain.data) // 2
    assert sent.unpacked().data == plain.data and sent.line == plain.line
    assert sent.unpacked().keys == plain.keys and plain.unpacked() is plain
    dup = Finding(rule="DUP999", name="repeated-text-test", category="duplicate", severity=Severity.WARNING,
                  start=0, end=1, message="text seen 2 times", confidence=None)
    assert merge_rendered(sent, doc, [dup], with_corpus).data == merge_rendered(plain, doc, [dup], with_corpus).data
    without = make_plan(Settings(select=("PUN", "WS")))
    assert Checker(without, lines_only=True).check_to_send(doc).rendered.packed == 0


def replace_doc(res):
    """``res`` as a worker sends it: without its document."""
    return _replace(res, doc=None, meta={})


@pytest.mark.parametrize("bounds", [
    {"REBUILD_BATCH": 1, "REBUILD_INFLIGHT": 1, "REBUILD_QUEUE": 2},
    {"REBUILD_BATCH": 3, "REBUILD_INFLIGHT": 1, "REBUILD_QUEUE": 5},
    {"REBUILD_BATCH": 7, "REBUILD_INFLIGHT": 2, "REBUILD_QUEUE": 256},
    # the byte bounds: a task sent, and waited for, with every result
    {"REBUILD_BATCH_BYTES": 1, "REBUILD_HELD_BYTES": 1},
])
def test_results_joined_in_workers_keep_the_input_order(corpus, tmp_path, monkeypatch, bounds):
    """On a worker pool, every result a corpus finding joins is joined in a worker: a line with
    its findings' keys by ``merge_rendered``, a line made safe (its keys dropped) rebuilt from its
    findings; the parent joins none, and the lines come back in input order, the bytes of one
    process's run, whatever the batch, in-flight and held-back bounds."""
    import os

    import qa.runner.corpus as corpus_phase
    import qa.runner.pool as pool

    for name, value in bounds.items():
        assert hasattr(corpus_phase, name)
        monkeypatch.setattr(corpus_phase, name, value)
    plan = make_plan(Settings(select=("PUN001", "PUN998", "DUP999")),
                     rules=all_rules() + [_dup_rule(), _first_character_rule()])
    sep = _texts_with_separators(corpus, tmp_path)
    ref = reference([sep], plan)
    log = tmp_path / "joined.log"

    def logged(fn, how):
        def wrapper(first, doc, extra, plan):
            with open(log, "a", encoding="utf-8") as fh:  # (from the workers too: forked after this)
                fh.write(f"{os.getpid()} {how} {doc.id}\n")
            return fn(first, doc, extra, plan)
        return wrapper

    monkeypatch.setattr(corpus_phase, "merge_rendered", logged(corpus_phase.merge_rendered, "parent"))
    monkeypatch.setattr(corpus_phase, "merge", logged(corpus_phase.merge, "parent"))
    monkeypatch.setattr(pool, "merge_rendered", logged(pool.merge_rendered, "line"))
    monkeypatch.setattr(pool, "merge", logged(pool.merge, "rebuilt"))
    got = list(run([sep], plan, RunOptions(jobs=2, min_parallel_docs=0, lines_only=True)))
    assert [r.line if isinstance(r, RenderedResult) else dumps(r) for r in got] == ref
    entries = [line.split(" ", 2) for line in log.read_text(encoding="utf-8").splitlines()]
    # each joined result's first finding is the separator (a line made safe) or not
    joined = {r["id"]: r["findings"][0]["text"] == "\u2028" for r in map(json.loads, ref) if '"DUP999"' in json.dumps(r)}
    assert {how for _pid, how, _id in entries} == {"line", "rebuilt"}
    assert all(int(pid) != os.getpid() for pid, _how, _id in entries)
    assert sorted(i for _pid, _how, i in entries) == sorted(joined)
    line_ids = {i for _pid, how, i in entries if how == "line"}
    assert len(line_ids) > 10 and not any(joined[i] for i in line_ids)
    assert sum(1 for _pid, how, i in entries if how == "rebuilt" and joined[i]) > 10


def test_corpus_rule_hits_are_taken_lazily_and_a_crash_is_reported_from_where_it_happened(corpus):
    passes: list[int] = []

    def collect(doc, opts):
        return len(doc.text)

    def finalize(values, opts):  # two passes over the spooled values, then one list per document
        passes.append(sum(1 for _ in values))
        total = sum(values)
        for i, v in enumerate(values):
            if i == 5:
                raise RuntimeError("finalize broke")
            yield [Hit(0, 1, f"{v} of {total}")] if v else []

    boom = Rule(code="DUP998", name="crashing-corpus-test", category="duplicate", summary="Crash test",
                check=lambda doc, opts: (), collect=collect, finalize=finalize)
    plan = make_plan(Settings(select=("DUP998",)), rules=all_rules() + [boom])
    out, _ = go([corpus], plan, jobs=1)
    rows = [json.loads(x) for x in out if json.loads(x).get("error") is None]
    assert passes and passes[0] == len(rows)
    codes = [[f["rule"] for f in r["findings"]] for r in rows]
    assert all(c == ["DUP998"] for c in codes[:5] if c)  # its hits, before the failure
    assert all("QA000" in c for c in codes[5:])  # the failure from the sixth document on
    assert "finalize broke" in next(f["message"] for f in rows[5]["findings"] if f["rule"] == "QA000")


def test_spool_can_be_read_several_times_and_interleaved(tmp_path):
    from qa.runner.corpus import Spool as _Spool

    sp = _Spool(max_memory=64)  # past 64 bytes it lives in a file
    for i in range(50):
        sp.append(("item", i))
    assert len(sp) == 50
    a, b = iter(sp), iter(sp)
    assert [next(a) for _ in range(3)] == [("item", 0), ("item", 1), ("item", 2)]
    assert next(b) == ("item", 0) and next(a) == ("item", 3)
    assert list(sp) == [("item", i) for i in range(50)]
    sp.close()


def test_spool_compresses_what_it_holds_and_gives_it_back_whole():
    from qa.runner.corpus import Spool as _Spool

    line = ('{"rule": "BP001", "name": "page-furniture", "category": "boilerplate", "start": 10, '
            '"end": 20, "message": "Navigation menu line"}, ').encode() * 200
    sp = _Spool(max_memory=1 << 16)  # the first items in memory, the rest in a file
    items = [(i, line + str(i).encode(), "text " * i) for i in range(300)]
    for item in items:
        sp.append(item)
    sp._fh.seek(0, 2)
    held = sp._fh.tell()
    raw = sum(len(pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL)) for x in items)
    assert held * 10 < raw  # JSON lines of findings repeat their keys and messages
    assert list(sp) == items
    big = (999, bytes(range(256)) * 40_000, "x")  # one item larger than the memory part
    sp.append(big)
    assert list(sp)[-1] == big and len(sp) == 301
    sp.close()


def test_shards_split_the_corpus_stably(corpus, plan):
    assert parse_shard("1/3") == (1, 3)
    for bad in ("3/3", "x", "1/0", "-1/2"):
        with pytest.raises(ValueError):
            parse_shard(bad)
    assert [shard_of(f"d{i}", 4) for i in range(8)] == [shard_of(f"d{i}", 4) for i in range(8)]
    assert shard_of("d1", 4) == int.from_bytes(hashlib.blake2b(b"d1", digest_size=8).digest(), "big") % 4
    sel = make_plan(Settings(select=("PUN",)))
    whole = reference([corpus], sel)
    ids = sorted(json.loads(x)["id"] + json.loads(x)["path"] for x in whole)
    parts, seen = [], []
    for i in range(3):
        out, stats = go([corpus], sel, jobs=1, shard=(i, 3))
        assert stats.skipped_by_shard == len(whole) - len(out)
        parts.append(out)
        seen += [json.loads(x)["id"] + json.loads(x)["path"] for x in out]
    assert sorted(seen) == ids and all(parts)
    assert set(parts[0]).isdisjoint(parts[1])
    res = _cli([corpus, "--shard", "3/3"])
    assert res.exit_code == 2 and "need 0 <= I < N" in res.stderr


def test_cache_hits_on_a_second_run_and_never_changes_output(corpus, plan, tmp_path):
    ref = reference([corpus], plan)
    cache = str(tmp_path / "cache")
    first, s1 = go([corpus], plan, jobs=2, min_parallel_docs=0, cache_dir=cache)
    second, s2 = go([corpus], plan, jobs=1, cache_dir=cache)
    assert first == ref and second == ref
    assert s1.cache_hits == 0 and s1.cache_misses == s1.documents
    assert s2.cache_hits == s2.documents and s2.cache_misses == 0
    other = make_plan(Settings(select=("PUN",)))
    _, s3 = go([corpus], other, jobs=1, cache_dir=cache)
    assert s3.cache_hits == 0  # other settings, other keys


def test_a_damaged_cache_is_rebuilt_never_trusted(plan, tmp_path):
    ref = reference([SAMPLES], plan)
    cache = tmp_path / "cache"
    go([SAMPLES], plan, cache_dir=str(cache))
    db = cache / "results.sqlite"
    # a value that does not match its checksum is not used, and the cache is rebuilt next time
    conn = sqlite3.connect(db)
    key, = conn.execute("SELECT key FROM results LIMIT 1").fetchone()
    forged = pickle.dumps(([], "xx", 1, 100.0, "pass", None))
    conn.execute("UPDATE results SET value = ? WHERE key = ?", (forged, key))
    conn.commit()
    conn.close()
    out, stats = go([SAMPLES], plan, cache_dir=str(cache))
    assert out == ref and (cache / "REBUILD").exists()
    out, stats = go([SAMPLES], plan, cache_dir=str(cache))
    assert out == ref and stats.cache_hits == 0 and not (cache / "REBUILD").exists()
    out, stats = go([SAMPLES], plan, cache_dir=str(cache))
    assert out == ref and stats.cache_hits == len(ref)
    # a file that is not a database at all
    for f in cache.glob("results.sqlite*"):
        f.unlink()
    db.write_bytes(b"this is not a database" * 100)
    out, stats = go([SAMPLES], plan, cache_dir=str(cache))
    assert out == ref and stats.cache_misses == len(ref)
    out, stats = go([SAMPLES], plan, cache_dir=str(cache))
    assert out == ref and stats.cache_hits == len(ref)


def test_cli_cache_statistics_and_no_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("QA_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    args = [SAMPLES, "--format", "jsonl", "-o", "out.jsonl", "--fail-on", "never", "--statistics", "--jobs", "1"]
    r1 = _cli(args)
    first = Path("out.jsonl").read_bytes()
    r2 = _cli(args)
    assert Path("out.jsonl").read_bytes() == first
    assert "cache: 0 hit(s)" in r1.stderr and "docs/s" in r1.stderr and "MB/s" in r1.stderr
    n = len(first.splitlines())
    assert f"cache: {n} hit(s), 0 miss(es)" in r2.stderr
    assert not (tmp_path / ".qa_cache").exists()  # the cache is not kept in the working folder
    (tmp_path / "x").mkdir()
    monkeypatch.chdir(tmp_path / "x")
    from qa.cache import default_cache_dir

    _cli([*args, "--no-cache"])
    assert not default_cache_dir(tmp_path / "x").exists()
    monkeypatch.setenv("QA_NO_CACHE", "1")
    _cli(args)
    assert not default_cache_dir(tmp_path / "x").exists()


def test_time_per_rule(plan, corpus):
    _, stats = go([SAMPLES], plan, jobs=1, profile_rules=True)
    assert {r.code for r in plan.rules} <= set(stats.rule_seconds)
    table = format_rule_times(stats, {r.code: r.name for r in plan.rules})
    assert "PUN001 doubled-punctuation" in table and "(language+score)" in table
    res = _cli([corpus, "--select", "PUN", "--profile-rules", "-q", "--jobs", "2", "--fail-on", "never",
                "--format", "jsonl", "-o", "-"])
    assert "time per rule" in res.stderr and "PUN002 missing-space-after-sentence" in res.stderr


def test_a_shared_fact_is_timed_on_its_own_row_not_in_the_rule_that_asked_first():
    """The page layout, which twenty BP/META/DUP rules read, is computed by the first of them to
    run; with --profile-rules it is a row of its own and that rule is charged only its own work
    (here a fact that takes 0.1 s, asked by a rule that does nothing else)."""
    import time as _time

    from qa.facts import fact_clock
    from qa.parallel import Checker
    from qa.readers import make_document

    def slow_layout():
        _time.sleep(0.1)
        return "a layout"

    def asks_layout(doc, opts):
        assert doc.facts.once("layout", slow_layout) == "a layout"
        return iter(())

    rule = Rule(code="BP999", name="asks-layout-test", category="boilerplate", summary="Asks for the layout",
                check=asks_layout)
    checker = Checker(make_plan(Settings(select=("BP999",)), rules=all_rules() + [rule]), None, True)
    checker.check(make_document("A first line.\nA second one.\n"))
    times, _hits, _misses = checker.take_counters()
    assert times["(fact layout)"] >= 0.1
    assert times["BP999"] < 0.05  # (0.1 s if the fact were charged to the rule)
    assert fact_clock() is None  # set only while a profiled checker checks a document
    assert "(fact layout)" in format_rule_times(RunStats(rule_seconds=times), {"BP999": "asks-layout-test"})


def test_fact_clock_gives_each_fact_its_own_time():
    from qa.facts import FactClock

    now = [0.0]
    seconds: dict[str, float] = {}
    clock = FactClock(seconds, timer=lambda: now[0])

    def inner():
        now[0] += 2.0
        return "inner"

    def outer():
        now[0] += 1.0
        clock.run("inner", inner)
        now[0] += 3.0
        return "outer"

    assert clock.run("outer", outer) == "outer"
    assert seconds == {"(fact outer)": 4.0, "(fact inner)": 2.0}
    assert clock.outer == 6.0  # what a rule that asked for "outer" leaves out of its own time


def _summary(stderr: str) -> list[str]:
    """The run summary and gate lines, without the time taken."""
    import re

    return [re.sub(r" in [\d.]+s:", ":", ln) for ln in stderr.splitlines() if ln.strip()]


@pytest.mark.parametrize("gate", [[], ["--fail-on", "warning"], ["--min-score", "90"], ["--max-findings", "3"]])
def test_streamed_jsonl_gives_the_summary_and_gates_of_the_buffered_run(corpus, tmp_path, gate):
    """JSON Lines alone is streamed (results arrive as their lines and counts); the summary, the
    gate messages and the exit code are those of a run that keeps every result."""
    # the monolingual samples (samples/bilingual/ holds errors on purpose: it fails any gate)
    texts = sorted(str(p) for p in Path(SAMPLES).glob("*.txt"))
    for paths in (texts, [corpus]):
        streamed = _cli([*paths, "--format", "jsonl", "-o", str(tmp_path / "s.jsonl"), "--jobs", "2", *gate])
        kept = _cli([*paths, "--format", "jsonl,text", "--output-dir", str(tmp_path / "k"), "--jobs", "2", *gate])
        assert streamed.exit_code == kept.exit_code
        assert _summary(streamed.stderr) == _summary(kept.stderr)
        assert "Checked " in streamed.stderr
        assert (tmp_path / "s.jsonl").read_bytes() == (tmp_path / "k" / "qa.jsonl").read_bytes()
        if paths == texts:  # no unreadable input: the gate decides
            assert streamed.exit_code == (1 if gate else 0)
            assert ("qa: failed: " in streamed.stderr) == bool(gate)
        else:
            assert streamed.exit_code == 2  # unreadable records in the corpus


def test_library_and_baseline_run_through_the_runner_with_jobs(corpus, tmp_path):
    """``qa.check_paths`` and ``qa baseline`` use the runner of ``qa check``: a worker pool gives
    the same results as one process, and the baseline file is the same bytes."""
    from qa import check_paths

    one = [dumps(r) for r in check_paths([corpus])]
    two = [dumps(r) for r in check_paths([corpus], jobs=2)]
    assert one == two and len(one) > 200
    assert one == [dumps(r) for r in run([corpus], make_plan(Settings()), RunOptions(jobs=1))]
    files = {}
    for jobs in ("1", "2"):
        target = tmp_path / f"baseline-{jobs}.json"
        res = CliRunner().invoke(app, ["baseline", corpus, "-o", str(target), "--isolated", "--no-cache", "--jobs", jobs])
        assert res.exit_code == 2, res.stderr  # the corpus holds unreadable inputs: named, and exit 2
        assert "unreadable input(s) skipped" in res.stderr
        files[jobs] = target.read_bytes()
    assert files["1"] == files["2"] and b'"entries"' in files["1"]
