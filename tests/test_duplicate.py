"""Duplicate documents across a corpus (DUP101 exact, DUP102 near): findings, clusters, the same
bytes with 1 or 2 workers and with Dask, and ``qa clean --dedupe``."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import wordfreq

from qa.checks.duplicate import Clusters, collect_doc
from qa.config import Settings
from qa.engine import make_plan
from qa.runner.pipeline import run_records
from qa.minhash import exact_key, shingles, signature, words
from qa.parallel import RunOptions, run
from qa.readers import make_document, read_all
from qa.report.jsonl import dumps
from test_cli import invoke

VOCAB = wordfreq.top_n_list("en", 6000)[100:]


def article(seed: int, n: int = 180) -> str:
    rng = random.Random(seed)
    sents = []
    while sum(len(s.split()) for s in sents) < n:
        k = rng.randint(8, 20)
        sents.append(" ".join(rng.choice(VOCAB) for _ in range(k)).capitalize() + ".")
    return "\n".join(" ".join(sents[i:i + 3]) for i in range(0, len(sents), 3)) + "\n"


def change_words(text: str, share: float, seed: int) -> str:
    rng = random.Random(seed)
    ws = text.split(" ")
    for i in rng.sample(range(len(ws)), int(len(ws) * share)):
        ws[i] = rng.choice(VOCAB)
    return " ".join(ws)


def corpus_records() -> list[dict]:
    recs = [{"id": f"orig-{i}", "text": article(i)} for i in range(12)]
    recs.append({"id": "exact-of-3", "text": recs[3]["text"].upper().replace(" ", "  ")})
    recs.append({"id": "near-of-5", "text": change_words(recs[5]["text"], 0.2, 1)})
    lines = recs[7]["text"].splitlines()
    recs.append({"id": "reordered-7", "text": "\n".join(reversed(lines)) + "\n"})
    recs.append({"id": "exact-of-near-5", "text": recs[13]["text"]})
    recs.append({"id": "short", "text": "Too short to compare."})
    recs.append({"id": "short-again", "text": "Too short to compare."})
    return recs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("dups") / "corpus.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in corpus_records()), encoding="utf-8")
    return p


PLAN = make_plan(Settings(select=("DUP101", "DUP102")))


def dup_findings(results):
    return {r.id: [(f.rule, f.data and dict(f.data)) for f in r.findings] for r in results if r.findings}


def test_exact_and_near_duplicates_name_the_earlier_document_and_cluster(corpus):
    got = dup_findings(run_records(read_all([str(corpus)]), PLAN))
    assert set(got) == {"exact-of-3", "near-of-5", "reordered-7", "exact-of-near-5"}
    assert got["exact-of-3"] == [("DUP101", {"kind": "exact", "of": "orig-3", "cluster": "orig-3", "similarity": 1.0})]
    (rule, data), = got["near-of-5"]
    assert rule == "DUP102" and data["of"] == "orig-5" and data["cluster"] == "orig-5" and 0.3 < data["similarity"] < 0.9
    (rule, data), = got["reordered-7"]
    assert rule == "DUP102" and data["of"] == "orig-7" and data["similarity"] > 0.9
    # an exact copy of a near-copy: it names the near-copy, and the cluster is the first document
    assert got["exact-of-near-5"] == [("DUP101", {"kind": "exact", "of": "near-of-5", "cluster": "orig-5",
                                                  "similarity": 1.0})]


def test_jsonl_carries_the_document_level_duplicate_object(corpus):
    res = invoke("check", str(corpus), "--select", "duplicate", "--format", "jsonl", "-o", "-", "-q",
                 "--isolated", "--fail-on", "never", "-j", "1")
    recs = [json.loads(x) for x in res.output.splitlines()]
    by_id = {r["id"]: r for r in recs}
    assert list(by_id["near-of-5"]) == ["path", "id", "language", "score", "verdict", "counts", "error",
                                        "duplicate", "findings"]
    assert "duplicate" not in by_id["orig-5"]
    f = by_id["near-of-5"]["findings"][0]
    assert (f["start"], f["end"], f["text"], f["category"]) == (0, 0, "", "duplicate")
    assert "orig-5" in f["message"] and "Jaccard" in f["message"]


def test_one_and_two_workers_give_the_same_bytes(corpus):
    ref = [dumps(r) for r in run_records(read_all([str(corpus)]), PLAN)]
    for jobs in (1, 2):
        out = [dumps(r) for r in run([str(corpus)], PLAN, RunOptions(jobs=jobs, min_parallel_docs=1))]
        assert out == ref
    lines = [r.line if hasattr(r, "line") else dumps(r)
             for r in run([str(corpus)], PLAN, RunOptions(jobs=2, min_parallel_docs=1, lines_only=True))]
    assert lines == ref


def test_dask_gives_the_same_bytes(corpus):
    pytest.importorskip("distributed")
    ref = [dumps(r) for r in run_records(read_all([str(corpus)]), PLAN)]
    out = [dumps(r) for r in run([str(corpus)], PLAN, RunOptions(engine="dask", jobs=2))]
    assert out == ref


def test_signatures_are_deterministic_and_normalised():
    a = words("The Cat, the cat; THE CAT!")
    assert a == ["the", "cat", "the", "cat", "the", "cat"]
    assert exact_key(words("Hello,   World")) == exact_key(words("hello world!"))
    assert shingles(["a", "b", "c"]) == ["a b", "b c"]
    assert signature(words(article(1))) == signature(words(article(1)))
    assert signature(words(article(1))) != signature(words(article(2)))
    assert words("東京都") == ["東", "京", "都"]


def test_clusters_over_collected_values_directly():
    docs = [make_document(t, doc_id=f"d{i}") for i, t in enumerate(
        [article(40), article(41), change_words(article(40), 0.1, 3), article(40)])]
    opts = PLAN.options["DUP102"]
    cl = Clusters([collect_doc(d, opts) for d in docs], opts)
    assert cl.best.tolist() == [-1, -1, 0, 0]
    assert cl.exact.tolist() == [False, False, False, True]
    assert cl.root.tolist() == [0, 1, 0, 0]


def test_clean_dedupe_round_trip(corpus, tmp_path):
    out = tmp_path / "out"
    res = invoke("clean", str(corpus), "--out", str(out), "--dedupe", "--isolated", "--select", "DUP")
    assert res.exit_code == 0, res.output
    kept = [json.loads(x) for x in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    log = [json.loads(x) for x in (out / "qa-fixes.jsonl").read_text(encoding="utf-8").splitlines()]
    dropped = [e for e in log if e.get("action") == "drop"]
    assert sorted(e["id"] for e in dropped) == ["exact-of-3", "exact-of-near-5", "near-of-5", "reordered-7"]
    assert all(e["reason"] and e["of"] and e["cluster"] for e in dropped)
    originals = {r["id"]: r for r in corpus_records()}
    assert [r["id"] for r in kept] == [i for i in originals if i not in {e["id"] for e in dropped}]
    assert all(r["text"] == originals[r["id"]]["text"] for r in kept)
    # the deduplicated corpus has no duplicates left
    again = invoke("check", str(out / "corpus.jsonl"), "--select", "duplicate", "--format", "jsonl", "-o", "-",
                   "-q", "--isolated", "--fail-on", "never")
    assert all(not json.loads(x)["findings"] for x in again.output.splitlines())


def test_clean_unsafe_fixes_removes_template_lines_with_a_reason(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for w in ("apples", "boats", "cinema", "dancing"):
        (site / f"{w}.txt").write_text(
            f"The {w} story is about a subject of its own, and only {w} appear in it.\n"
            f"A second line on {w} adds detail nobody else has about {w}.\n"
            "Subscribe to the Example Gazette for daily news and offers.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("clean", str(site), "--out", str(out), "--isolated").exit_code == 0
    assert "Subscribe" in (out / "apples.txt").read_text(encoding="utf-8")  # safe fixes only: kept
    out2 = tmp_path / "out2"
    res = invoke("clean", str(site), "--out", str(out2), "--unsafe-fixes", "--isolated")
    assert res.exit_code == 0, res.output
    assert (out2 / "apples.txt").read_text(encoding="utf-8") == (
        "The apples story is about a subject of its own, and only apples appear in it.\n"
        "A second line on apples adds detail nobody else has about apples.\n")
    log = [json.loads(x) for x in (out2 / "qa-fixes.jsonl").read_text(encoding="utf-8").splitlines()]
    dup = [e for e in log if e["rule"] == "DUP001"]
    assert len(dup) == 4
    assert all(e["before"] == "Subscribe to the Example Gazette for daily news and offers.\n" for e in dup)
    assert all("repeated in 4 of 4 documents" in e["reason"] for e in dup)


def test_duplicate_rules_run_only_when_named(corpus):
    from qa.config import select_rules
    from qa.registry import all_rules

    def codes(**kw):
        return {r.code for r in select_rules(all_rules(), Settings(**kw))}

    assert not {"DUP101", "DUP102"} & codes()
    assert {"DUP101", "DUP102", "PUN002"} <= codes(select=("ALL", "duplicate"))
    assert {"DUP101", "DUP102"} <= codes(extend_select=("duplicate",))
    assert codes(select=("DUP102",)) == {"DUP102"}
    assert "DUP001" in codes()


def test_a_long_line_is_folded_piece_by_piece_to_the_same_text(monkeypatch):
    """DUP001 folds a line's spaces to compare copies; a long line is folded a piece at a time,
    cut at white space, not through the list of all its words: the same text."""
    from qa.checks import boilerplate_dup

    monkeypatch.setattr(boilerplate_dup, "_FOLD_PIECE", 8)
    spaces = [" ", "\t", "\u00a0", "\u2028", "\u3000", "\x1f", "\x0b"]
    rng = random.Random(7)
    for _ in range(5000):
        line = "".join(rng.choice(spaces + list("abé.")) for _ in range(rng.randint(0, 60)))
        assert boilerplate_dup._folded(line) == " ".join(line.split())
    assert boilerplate_dup._folded("one  two\u00a0three " * 9) == " ".join(["one two three"] * 9)
