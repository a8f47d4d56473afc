"""Bounds of the runner: loading outside the time limits (point 9), time limits on Dask workers
(point 11), workers that exit with their parent (point 12), memory per document (point 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.guard import DEFAULT_DOCUMENT_SECONDS, DEFAULT_RULE_SECONDS, set_limits
from qa.model import Hit, Rule, bad, good
from qa.readers import make_document

ROOT = Path(__file__).resolve().parent.parent
QA = [sys.executable, "-m", "qa"]

#: documents written for these tests: page furniture, a headline, glued sentences, a company
#: called "he", a passage in Spanish (rules that load tables, numpy and models on first use)
DOCS = {
    "a.txt": "Harbour bridge reopens after repairs\n\nHome | News | Sport | Weather\n\n"
             "The harbour bridge reopened on Monday after six months of repairs.Drivers welcomed the news. "
             "The company said he would publish his report on the costs next week.\n"
             "El puente estuvo cerrado durante seis meses por las obras de reparación del tablero.\n"
             "Share this article\nClose\n",
    "b.txt": "Library extends opening hours\n\nBy Ann Smith\nAuthor: ****\n\n"
             "The city library will open until nine in the evening from May.It will also open on Sundays. "
             "Readers asked for the change in a survey last year , , the council said.\n"
             "Read more: Museum plans a new wing\n",
    "c.txt": "Farmers expect a good harvest\n\nFarmers in the valley expect a good harvest this year. "
             "The rain came early and the the weather stayed mild. Prices may fall.They said so.\n",
}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "PYTHONIOENCODING": "utf-8"}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def limits():
    yield set_limits
    set_limits(rule_seconds=DEFAULT_RULE_SECONDS, document_seconds=DEFAULT_DOCUMENT_SECONDS)


# --------------------------------------------------------------------------- point 9
def test_point9_tiny_rule_timeout_in_a_fresh_process_keeps_later_documents_whole(tmp_path):
    """A limit shorter than the first ``import numpy`` or model load: the loads happen before the
    limit starts, so no rule crashes on a half-imported module and later documents get every
    finding a run without a limit gives."""
    src = tmp_path / "in"
    src.mkdir()
    for name, text in DOCS.items():
        (src / name).write_text(text, encoding="utf-8")
    common = ["--format", "jsonl", "--isolated", "-q", "--fail-on", "never", "--no-cache"]
    for out, extra in (("ref.jsonl", []), ("tiny.jsonl", ["--rule-timeout", "0.02"])):
        proc = subprocess.run(QA + ["check", str(src), "-o", str(tmp_path / out), *common, *extra],
                              cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    ref, tiny = _jsonl(tmp_path / "ref.jsonl"), _jsonl(tmp_path / "tiny.jsonl")
    assert [d["id"] for d in ref] == [d["id"] for d in tiny] == sorted(DOCS)
    assert not any(f["rule"] == "QA000" for d in ref for f in d["findings"])
    for r, t in zip(ref, tiny):
        crashes = [f["message"] for f in t["findings"] if f["rule"] == "QA000"]
        # a rule may still be stopped by the tiny limit on a busy machine, but only by the limit
        assert all("RuleTimeout" in m or "skipped" in m for m in crashes), crashes
        stopped = {m.split()[1] for m in crashes if m.startswith("rule ")}
        assert not any("cannot load" in m or "has no attribute" in m or "ImportError" in m for m in crashes)
        if not any("skipped" in m for m in crashes):
            assert [f for f in t["findings"] if f["rule"] != "QA000"] == \
                [f for f in r["findings"] if f["rule"] not in stopped]
    # the findings the rules that load tables and models give are there in the later documents
    later = {f["rule"] for d in tiny[1:] for f in d["findings"]}
    # (less any the tiny limit itself stopped on a busy machine: a RuleTimeout, never a load error)
    timed_out = {f["message"].split()[1] for d in tiny[1:] for f in d["findings"]
                 if f["rule"] == "QA000" and f["message"].startswith("rule ")}
    assert {"PUN002", "META001", "GRAM001"} - timed_out <= later
    assert len({"PUN002", "META001", "GRAM001"} & later) >= 1


def _module(tmp_path: Path, name: str, body: str) -> types.ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        __import__(name)
    finally:
        sys.path.remove(str(tmp_path))
    return sys.modules[name]


def test_point9_declared_loaders_run_before_the_time_limit(tmp_path, limits):
    """A check whose module declares a slow table load in ``WARM_UP``: the load runs before the
    budget, so a limit shorter than the load does not stop the rule on the first document."""
    mod = _module(tmp_path, "qa_test_warm_mod", """
        import time
        from qa.model import Hit

        TABLE = []
        LOADS = []

        def load_table():
            if not TABLE:
                LOADS.append(1)
                time.sleep(0.4)  # a slow model or table load
                TABLE.extend(["harbour", "bridge"])

        def check(doc, opts):
            load_table()
            for w in TABLE:
                i = doc.text.find(w)
                if i >= 0:
                    yield Hit(i, i + len(w), f"found {w}")

        WARM_UP = (load_table,)
    """)
    rule = Rule(code="ZZ970", name="slow-table", category="grammar", summary="Loads a table", check=mod.check,
                examples=(bad("the [[bridge]]"), good("y")))
    plan = make_plan(Settings(), rules=[rule])
    limits(rule_seconds=0.1, document_seconds=5)
    findings = check_document(make_document("The harbour bridge reopened."), plan)
    assert [(f.rule, f.start, f.end) for f in findings] == [("ZZ970", 4, 11), ("ZZ970", 12, 18)]
    assert mod.LOADS == [1]


def test_point9_a_time_limit_never_stops_a_rule_inside_an_import(tmp_path, limits):
    """A rule stopped by its limit while a module is being imported: the import finishes (the stop
    waits for it), so the module is whole and the next document's run of the rule is fine."""
    (tmp_path / "qa_test_slow_import.py").write_text(
        "import time\ntime.sleep(0.5)\nDONE = True\n", encoding="utf-8")

    def check(doc, opts):
        sys.path.insert(0, str(tmp_path))
        try:
            import qa_test_slow_import  # noqa: F401  (slow, on first use only)
        finally:
            sys.path.remove(str(tmp_path))
        i = doc.text.find("bridge")
        if i >= 0:
            yield Hit(i, i + 6, "found bridge")

    rule = Rule(code="ZZ971", name="slow-import", category="grammar", summary="Imports slowly", check=check,
                examples=(bad("the [[bridge]]"), good("y")))
    plan = make_plan(Settings(), rules=[rule])
    limits(rule_seconds=0.1, document_seconds=5)
    first = check_document(make_document("The bridge."), plan)
    assert sys.modules["qa_test_slow_import"].DONE is True  # imported whole
    # the rule ran past its limit inside the import: it is stopped just after it, or finishes
    assert [f.rule for f in first] in (["QA000"], ["ZZ971"])
    second = check_document(make_document("A new bridge."), plan)
    assert [(f.rule, f.start) for f in second] == [("ZZ971", 6)]


# --------------------------------------------------------------------------- point 12
def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_point12_workers_exit_when_the_parent_is_killed(tmp_path):
    """``kill -9`` of ``qa check -j 2``: its worker processes end within seconds (they used to stay
    for ever, blocked on their task pipe, with parent pid 1)."""
    import random
    import signal

    rng = random.Random(7)
    words = "the council said that a new bridge would open next year after long talks with groups".split()
    src = tmp_path / "in"
    src.mkdir()
    for i in range(1200):
        lines = (" ".join(rng.choice(words) for _ in range(12)).capitalize() + "." for _ in range(60))
        (src / f"d{i:04}.txt").write_text("\n".join(lines), encoding="utf-8")
    proc = subprocess.Popen(QA + ["check", str(src), "-j", "2", "--format", "jsonl", "-o", str(tmp_path / "o.jsonl"),
                                  "--no-cache", "--isolated", "-q", "--fail-on", "never"],
                            cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the worker pool did not start"
        time.sleep(0.5)  # the workers are busy with their first chunks
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), [w for w in workers if _alive(w)]
    finally:
        for w in workers:  # only when the assertion failed
            if _alive(w):
                os.kill(w, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


def test_point12_a_worker_whose_parent_is_gone_ends(tmp_path):
    """The portable check (every platform): a process bound to a parent that is not its parent
    any more ends at once."""
    code = ("import os, sys, time\nfrom qa.lifeline import bind_to_parent\n"
            "bind_to_parent(os.getppid() + 1000000)\ntime.sleep(30)\nsys.exit(0)\n")
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], env=_env(), timeout=60)
    assert proc.returncode == 1 and time.monotonic() - t0 < 20


# --------------------------------------------------------------------------- point 11
SLOW_PACK = """\
pack: slow-test
defaults: {kind: phrases, severity: warning, category: grammar}
rules:
  - code: ZZ901
    name: slow-on-purpose
    summary: A phrase whose regular expression backtracks for ages on a long run of one letter
    message: "slow phrase '{match}'"
    phrases: ["(?:a|aa)+c"]
    examples:
      - bad: "x [[aac]] y"
      - good: "nothing here"
"""


def test_point11_dask_engine_stops_a_slow_rule_at_the_time_limit(tmp_path):
    """``--engine dask``: a rule that would run for ages (a regular expression backtracking inside
    the regex engine) is stopped at ``--rule-timeout`` on the worker, as with the local engine,
    and the other rules' findings are there."""
    pytest.importorskip("distributed")
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "slow.yaml").write_text(SLOW_PACK, encoding="utf-8")
    (tmp_path / "qa.toml").write_text('packs = ["packs"]\n', encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "slow.txt").write_text("It ended there.She left.\n" + "a" * 60 + "\n", encoding="utf-8")
    (tmp_path / "in" / "fine.txt").write_text("The bridge opened.It was late.\n", encoding="utf-8")
    outs = {}
    for engine in ("local", "dask"):
        out = tmp_path / f"{engine}.jsonl"
        proc = subprocess.run(QA + ["check", "in", "--engine", engine, "-j", "1", "--rule-timeout", "0.5",
                                    "--format", "jsonl", "-o", str(out), "--no-cache", "-q", "--fail-on", "never"],
                              cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        outs[engine] = _jsonl(out)
    for engine, docs in outs.items():
        by_id = {d["id"]: d for d in docs}
        slow = [f for f in by_id["slow.txt"]["findings"] if f["rule"] == "QA000"]
        assert len(slow) == 1 and "ZZ901" in slow[0]["message"] and "stopped after 0.5 s" in slow[0]["message"], engine
        assert any(f["rule"] == "PUN002" for f in by_id["slow.txt"]["findings"]), engine
        assert not any(f["rule"] == "QA000" for f in by_id["fine.txt"]["findings"]), engine
    assert outs["dask"] == outs["local"]


# --------------------------------------------------------------------------- point 13
def test_point13_layout_rules_stop_with_a_finding_on_a_document_with_too_many_lines(monkeypatch):
    """The page layout (about 500 bytes per line, kept while the document is checked) is capped
    per document: past ``MAX_LAYOUT_LINES`` lines the layout rules stop on that document, each
    with a QA000 finding that names the limit; every other rule still runs."""
    import qa.checks.boilerplate_layout as bl
    from qa.api import check_text

    text = "Prices rose.They fell.\n" + "a\n" * 80
    plan_rules = make_plan(Settings()).rules
    layout_codes = set()
    normal = check_text(text)
    assert not any(f.rule == "QA000" for f in normal.findings)
    monkeypatch.setattr(bl, "MAX_LAYOUT_LINES", 50)
    capped = check_text(text)
    stopped = [f for f in capped.findings if f.rule == "QA000"]
    assert stopped, "the layout rules ran past the cap"
    for f in stopped:
        assert "stopped on this document: DocumentTooLarge: the document has 81 lines, over the limit of 50" in f.message
        layout_codes.add(f.message.split()[1])
    assert {"BP001", "BP002", "DUP001"} <= layout_codes  # DUP001's in-document check reads the layout too
    assert layout_codes < {r.code for r in plan_rules}
    # every finding of a rule that does not read the layout is as before
    assert [f for f in capped.findings if f.rule not in layout_codes | {"QA000"}] == \
        [f for f in normal.findings if f.rule not in layout_codes]
    assert any(f.rule == "PUN002" for f in capped.findings)


def test_point13_the_layout_cap_admits_long_normal_documents():
    """A long article (thousands of lines, well beyond the longest page of the test corpora) is far
    under the cap, so normal documents keep every finding."""
    import qa.checks.boilerplate_layout as bl

    assert bl.MAX_LAYOUT_LINES >= 50 * 2_000


def test_point13_paragraphs_of_a_block_of_many_lines_are_unchanged():
    """Paragraphs are split from a block in one pass (no list of every raw line span); the
    spans are those of the line-by-line definition."""
    from qa.document import _line_spans, _strip_span

    def reference(doc):
        out = []
        for a, b in doc.blocks:
            chunk = doc.text[a:b]
            if "\n" not in chunk and "\r" not in chunk:
                out.append((a, b))
                continue
            lines = [s for s in (_strip_span(doc.text, a + x, a + y) for x, y in _line_spans(chunk)) if s[1] > s[0]]
            ends = sum(1 for s, e in lines[:-1] if doc.text[e - 1] in ".!?\"”’:)…")
            out.extend(lines) if len(lines) > 1 and ends * 2 >= len(lines) - 1 and ends else out.append((a, b))
        return out

    for end in ("\n", "\r"):
        for every in (2, 3, 5):
            text = "Title\n\n" + "".join(f"Line {i} ends here.{end}" if i % every else f"  line {i} runs on {end}"
                                         for i in range(300)) + "\n\nLast one.\nand more"
            doc = make_document(text)
            assert doc.paragraphs == reference(doc)
            assert len(doc.paragraphs) > 2


def test_point13_layout_features_in_runs_of_lines_match_the_reference(monkeypatch):
    """The vectorised line features (about 60 bytes per character) are computed over runs of
    whole lines of bounded size, and a longer line takes the reference path: the features are
    those of the reference definition, line for line, wherever the runs are cut."""
    import qa.checks.boilerplate_layout as bl

    fields = ("index", "start", "end", "text", "words", "stop_ratio", "cap_ratio", "sentence_end",
              "inner_sentences", "linkish", "prose", "ext")
    texts = [
        "Home | News | Sport\n| first item\nlast item |\nHello. World is here.\nend.\n“Quote.” Then we go\n"
        "'it's' a-b don’t x--y 'ij' the THE The a. B.\n\n   indented line, with (3) items; 2 eggs\r\nnext\rline\n" * 9,
        ("The council approved the budget on Tuesday after a debate. Members said it was fine.\n" * 5 + "\n \n") * 6,
        "Short.\n" + "A very long line of prose that goes on. And on, and it is a sentence. " * 20 + "\nEnd | here\n",
        "  \n\n" + "x / y / z\n" * 40 + "İstanbul is big.\nLast line",
    ]
    monkeypatch.setattr(bl, "_MIN_VECTOR_CHARS", 0)
    for text in texts:
        doc = make_document(text)
        ref = [tuple(getattr(ln, f) for f in fields) for ln in bl._reference_infos(doc)]
        for chunk in (50, 200, 333, 10_000):
            monkeypatch.setattr(bl, "_VECTOR_CHUNK_CHARS", chunk)
            got = [tuple(getattr(ln, f) for f in fields) for ln in bl.line_infos(make_document(text))]
            assert got == ref, chunk


def test_point13_garble_prefilter_reads_tokens_in_runs_of_lines(monkeypatch):
    """MT104's prefilter takes the tokens of a long text in runs cut at line breaks (not one list of
    every token): the same findings wherever the runs are cut."""
    import qa.checks.garble as g
    from qa.api import check_text
    from qa.registry import get_rule

    rule = get_rule("MT104")
    bad_text = next(ex.text for ex in rule.examples if ex.kind == "bad").replace("[[", "").replace("]]", "")
    text = ("The council met on Monday and agreed the budget for the year.\r\n" * 7 + bad_text + "\n") * 6
    ref = [(f.rule, f.start, f.end) for f in check_text(text, select=["MT104"]).findings]
    assert len(ref) >= 6
    for size in (10, 100, 999):
        monkeypatch.setattr(g, "_TOKEN_RUN_CHARS", size)
        assert [(f.rule, f.start, f.end) for f in check_text(text, select=["MT104"]).findings] == ref


def test_point13_big_blocks_are_split_as_before_without_a_list_of_their_lines(monkeypatch):
    """A block over ``_BIG_BLOCK_CHARS`` is first tested in one pass (10 MB of 'a\\n' no longer
    builds a list of five million line spans only to keep one paragraph): same paragraphs."""
    import qa.document as d

    texts = ["a\n" * 300, "Line one.\nLine two.\nno end\n" * 50, "x.\n\n" + "It ends.\n" * 40 + "it does not\n" * 41,
             "Title\n\n" + "It ends.\n" * 40 + "it does not\n" * 39]
    for text in texts:
        ref = make_document(text).paragraphs
        monkeypatch.setattr(d, "_BIG_BLOCK_CHARS", 10)
        assert make_document(text).paragraphs == ref
        monkeypatch.setattr(d, "_BIG_BLOCK_CHARS", 1 << 20)
    assert len(make_document(texts[0]).paragraphs) == 1 and len(make_document(texts[1]).paragraphs) == 150


def test_point13_documents_of_very_many_lines_keep_lines_in_compact_arrays(monkeypatch):
    """Past ``COMPACT_LINES`` line breaks, ``Document.lines`` and ``line_starts`` are compact arrays
    (16 and 8 bytes a line, instead of about 120 and 36): every rule gives the same findings,
    offsets, lines and columns as with lists."""
    import qa.document as d
    from qa.api import check_text
    from qa.report.jsonl import dumps

    text = (DOCS["a.txt"] + "\n" + DOCS["b.txt"] + "\r\n" + DOCS["c.txt"] + "\rValue: {{name}} and null here.\n") * 4
    ref = dumps(check_text(text))
    monkeypatch.setattr(d, "COMPACT_LINES", 10)
    doc = make_document(text)
    assert isinstance(doc.lines, d.SpanArray) and not isinstance(doc.line_starts, list)
    plain = make_document(text)
    monkeypatch.setattr(d, "COMPACT_LINES", 1 << 18)
    assert doc.lines == plain.lines and list(doc.line_starts) == plain.line_starts
    assert doc.lines[3:7] == plain.lines[3:7] and doc.lines[-1] == plain.lines[-1]
    monkeypatch.setattr(d, "COMPACT_LINES", 10)
    got = dumps(check_text(text))
    assert got == ref
    assert '"rule": "PUN002"' in got and '"rule": "META112"' in got


def test_point13_loop_prefilter_reads_fields_in_pieces(monkeypatch):
    """MT105's prefilter splits a long text into fields a piece at a time (with the last fields of
    the piece before, as a loop spans at most 16 fields): the same candidate words and findings
    wherever the pieces are cut."""
    import qa.checks.garble as g
    from qa.api import check_text

    text = ("The council met on Monday. " * 3 + "the talks the talks the talks the talks went on. "
            + "Prices rose , , again, again, again, again and again. " + "it is it is it is it is over. ") * 5
    low = text.lower()
    words = g._loop_words(low)
    ref = [(f.start, f.end) for f in check_text(text, select=["MT105"]).findings]
    assert len(ref) >= 5 and {"the", "again", "it"} <= words
    for size in (7, 40, 101, 333):
        monkeypatch.setattr(g, "_LOOP_PIECE_CHARS", size)
        assert g._loop_words(low) == words, size
        assert [(f.start, f.end) for f in check_text(text, select=["MT105"]).findings] == ref


def test_point13_back_to_back_phrases_found_a_piece_at_a_time(monkeypatch):
    """MT303's candidate search splits a long text into pieces (with the last tokens of the piece
    before) instead of one list of every token: the same matches wherever the pieces are cut."""
    import qa.checks.mt_fluency as mf

    rng = __import__("random").Random(3)
    phrases = ["the old bridge", "the city hall,", "a new school plan", "the Grand Hall,", "went on and on"]
    parts = []
    for _ in range(120):
        p = rng.choice(phrases)
        parts.append(rng.choice([f"{p} {p}", f"They saw {p} {p} again.", "Nothing here at all.", f"{p} and more",
                                 f"x{p} {p}y", "  double  spaces  here ", f"{p}\n{p}"]))
    text = " ".join(parts)
    ref = [m.span() for m in mf._back_to_back(text)]
    assert len(ref) >= 20
    for size in (5, 17, 60, 250, 1000):
        monkeypatch.setattr(mf, "_B2B_PIECE_CHARS", size)
        assert [m.span() for m in mf._back_to_back(text)] == ref, size


def test_point13_a_rule_reports_at_most_a_capped_number_of_findings_per_document(monkeypatch):
    """The same paragraph printed 100,000 times made DUP001 hold 100,000 findings and their JSON at
    once: a rule stops on a document after ``MAX_FINDINGS_PER_RULE`` findings, with a QA000
    finding that says so; the first findings are kept and the other rules are untouched."""
    import qa.engine as engine
    from qa.api import check_text

    text = ("The council met on Monday evening and agreed the budget for the next year after a long debate.\n" * 30
            + "Prices rose.They fell.\n")
    full = check_text(text)
    dup = [f for f in full.findings if f.rule == "DUP001"]
    assert len(dup) == 29 and engine.MAX_FINDINGS_PER_RULE >= 10_000
    monkeypatch.setattr(engine, "MAX_FINDINGS_PER_RULE", 5)
    capped = check_text(text)
    assert [f for f in capped.findings if f.rule == "DUP001"] == dup[:5]
    stop = [f for f in capped.findings if f.rule == "QA000"]
    assert len(stop) == 1 and "rule DUP001" in stop[0].message and "after 5 findings" in stop[0].message
    assert [f for f in capped.findings if f.rule not in ("DUP001", "QA000")] == \
        [f for f in full.findings if f.rule != "DUP001"]


def test_point9_grammar_lexicon_is_loaded_by_the_warm_up():
    """The grammar rules read the inflection lexicon: ``warm_up`` loads it before any time limit,
    so a short --rule-timeout never stops them in the middle of loading it (they timed out on
    every document when the lexicon loaded inside their budget)."""
    from qa import inflection
    from qa.registry import all_rules
    from qa.warmup import loaders

    gram = [r for r in all_rules() if r.code in ("GRAM003", "GRAM012", "GRAM013", "GRAM021")]
    assert len(gram) == 4 and all(loaders(r) for r in gram)
    for fn in loaders(gram[0]):
        fn()
    assert inflection._LEX is not None


def test_a_time_limit_never_fires_inside_a_finaliser():
    """A stop raised inside ``__del__`` would be printed and swallowed, and the rule would run on
    unlimited: the tick waits for a frame outside finalisers."""
    import sys as _sys

    from qa.guard import _importing

    class Finalised:
        def __del__(self):
            Finalised.inside = _importing(_sys._getframe())

    Finalised.inside = None
    obj = Finalised()
    del obj
    assert Finalised.inside is True
    assert _importing(_sys._getframe()) is False


def test_a_late_tick_after_a_document_is_done_does_not_end_the_process():
    """The per-document timer is disarmed when the document is done, but a tick the kernel sent
    just before can reach another thread afterwards: it must not end the process the way the
    default action of ``SIGALRM`` does."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import os, signal, time
        from qa import guard
        assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
        b = guard.DocumentBudget()
        assert b._armed and signal.getsignal(signal.SIGALRM) == b._alarm
        b.close()
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        os.kill(os.getpid(), signal.SIGALRM)  # the late tick
        time.sleep(0.05)
        print("still here")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, (proc.returncode, proc.stderr)
    assert proc.stdout.strip() == "still here"
