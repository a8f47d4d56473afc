"""File pages: the text by paragraph (the phone layout puts cards under them), the Cleaned view
with every change marked and a line diff, and the HTML report at batch speed (templates
compiled once; the cleaned text made where each document is checked, equal to ``qa clean``)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa import parallel
from qa.cli import app
from qa.clean import clean_text, cleaned_texts
from qa.config import Settings
from qa.engine import make_plan
from qa.fixes import apply_edits
from qa.model import Edit
from qa.report import html as report_html
from qa.report.html import change_groups, change_pieces, line_diff, paragraph_ends, paragraphs, segments

runner = CliRunner()

DOCS = {
    # a doubled word, two sentences glued together, a no-break space (inserted, deleted, replaced)
    "a.txt": "He said the the plan was ready.It is a\u00a0good idea.\n\nThe second paragraph is fine.\n\nIt is a a test.\n",
    "b.txt": "Nothing to fix in this short line.\n",
    "c.md": "# Title\n\nWe met on on Monday.The rest is fine.\n",
    "d.txt": "One line with with a doubled word.\nAnother line.Glued here.\n",
}


def _corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for name, text in DOCS.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


RECORDS = [{"id": "r1", "text": "A record with with a doubled word.", "source": "web"},
           {"id": "r2", "text": "Two sentences.Glued together.", "lang": "en"}]


def _qa_clean(src: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "cleaned"
    r = runner.invoke(app, ["clean", str(src), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    got = {name: (out / name).read_text(encoding="utf-8") for name in DOCS}
    if (src / "e.jsonl").exists():  # records with metadata fields
        import json

        for line in (out / "e.jsonl").read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            got[d["id"]] = d["text"]
    return got


@pytest.mark.parametrize("jobs", [1, 2])
def test_cleaned_text_is_made_with_the_check_and_equals_qa_clean(tmp_path, monkeypatch, jobs):
    import json

    src = _corpus(tmp_path)
    (src / "e.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    want = _qa_clean(src, tmp_path)
    assert want["a.txt"] != DOCS["a.txt"] and want["b.txt"] == DOCS["b.txt"]
    assert want["r1"] == "A record with a doubled word." and want["r2"] == "Two sentences. Glued together."
    plan = make_plan(Settings())
    opts = parallel.RunOptions(jobs=jobs, cleaned=True, min_parallel_docs=1)
    results = list(parallel.run([str(src)], plan, opts))
    assert all(r.cleaned is not None for r in results)
    # the parent does not check again: cleaning here would fail
    import qa.clean

    def no_clean(*a, **k):
        raise AssertionError("the cleaned text was made again in the parent")

    monkeypatch.setattr(qa.clean, "clean_text", no_clean)
    got = cleaned_texts(results, plan)

    def name(r):
        return r.id if r.path.endswith(".jsonl") else Path(r.path).name

    assert {name(r): got[r.id].text for r in results} == want
    # each edit is logged with its rule, as qa clean logs it
    assert [e.rule for r in results if name(r) == "a.txt" for e in got[r.id].log] == ["GRAM001", "PUN002", "WS001", "GRAM001"]
    # without RunOptions.cleaned the parent makes it (same text)
    monkeypatch.undo()
    plain = list(parallel.run([str(src)], plan, parallel.RunOptions(jobs=1)))
    assert all(r.cleaned is None for r in plain)
    assert {name(r): cleaned_texts(plain, plan)[r.id].text for r in plain} == want


def test_cleaned_text_is_made_for_cached_results_too(tmp_path):
    src = _corpus(tmp_path)
    plan = make_plan(Settings())
    opts = parallel.RunOptions(jobs=1, cleaned=True, cache_dir=str(tmp_path / "cache"))
    first = list(parallel.run([str(src)], plan, opts))
    stats = parallel.RunStats()
    again = list(parallel.run([str(src)], plan, opts, stats))
    assert stats.cache_hits == len(DOCS)
    assert [r.cleaned.text for r in again] == [r.cleaned.text for r in first]
    assert [r.cleaned.log for r in again] == [r.cleaned.log for r in first]


def test_templates_are_compiled_once_per_process(tmp_path, monkeypatch):
    src = _corpus(tmp_path)
    plan = make_plan(Settings())
    results = list(parallel.run([str(src)], plan, parallel.RunOptions(jobs=1, cleaned=True)))
    report_html._compiled.cache_clear()
    compiled: list[int] = []
    env = report_html._env()
    real = env.from_string
    monkeypatch.setattr(env, "from_string", lambda source, *a, **k: compiled.append(1) or real(source, *a, **k))
    for k in range(2):
        report_html.write_reports(results, tmp_path / f"report{k}", [str(src)], plan.rules[:5],
                                  cleaned=cleaned_texts(results, plan))
    assert len(compiled) == 3  # the file page, the index and the rule page, once each
    assert report_html._template("file.html.j2") is report_html._template("file.html.j2")


def _edits_by_round(text: str, rnd: random.Random) -> tuple[str, list]:
    log, current = [], text
    for k in range(1, 4):
        n = min(6, (len(current) + 1) // 2 * 2)
        cuts = sorted(rnd.sample(range(len(current) + 1), n))
        edits = []
        for a, b in zip(cuts[::2], cuts[1::2]):
            if rnd.random() < 0.3:
                b = a  # an insertion
            edits.append(("R%d%03d" % (k, len(edits)), Edit(a, b, rnd.choice(["", "X", "yz", " "]))))
        current, entries = apply_edits(current, edits, k)
        log += entries
    return current, log


def test_change_pieces_rebuild_both_texts():
    rnd = random.Random(7)
    for _ in range(300):
        text = "".join(rnd.choice("ab \n") for _ in range(rnd.randint(6, 30)))
        after, log = _edits_by_round(text, rnd)
        pieces = change_pieces(text, log)
        assert "".join(p["text"] for p in pieces if p["kind"] != "del") == after
        # what was deleted and what was kept is the original, in order, less text a later
        # round removed from an insertion of an earlier round
        kept = "".join(p["text"] for p in pieces if p["kind"] == "same")
        assert all(p["rule"] for p in pieces if p["kind"] != "same")
        assert _is_subsequence(kept, text)


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


def test_change_groups_name_each_change():
    text = DOCS["a.txt"]
    res = clean_text(text)
    groups = [g for g in change_groups(change_pieces(text, res.log)) if g["kind"] != "same"]
    assert [(g["kind"], g["rule"]) for g in groups] == [
        ("deleted", "GRAM001"), ("inserted", "PUN002"), ("replaced", "WS001"), ("deleted", "GRAM001")]
    assert groups[0]["del"] == " the" and groups[1]["ins"] == " " and groups[1]["blank"]
    assert groups[2]["del"] == "<U+00A0>" and groups[2]["ins"] == " "


def test_line_diff():
    d = line_diff("a\nb b\nc\n", "a\nb\nc\n")
    assert [(x["kind"], x.get("text")) for x in d] == [
        ("at", "line 1 (cleaned: line 1)"), ("same", "a"), ("del", "b b"), ("add", "b"), ("same", "c")]


def test_paragraphs_cut_the_text_and_its_marks():
    text = "One two.\n\nThree\n\n\nfour five.\n"
    assert paragraph_ends(text) == [10, 18, 29]
    assert paragraph_ends("l1\nl2\nl3") == [3, 6, 8]  # no blank line: a paragraph per line
    fds = [{"start": 4, "end": 14, "category": "grammar", "severity": "info", "rule": "X", "message": "m"},
           {"start": 18, "end": 18, "category": "punctuation", "severity": "info", "rule": "Y", "message": "m"}]
    paras = paragraphs(text, segments(text, fds))
    assert ["".join(str(s.get("text", "")) for s in p) for p in paras] == ["One two.\n\n", "Three\n\n\n", "four five.\n"]
    marked = [[s for s in p if s.get("ids") == "0"] for p in paras]
    assert [s["text"] for s in marked[0]] == ["two.\n\n"] and [s["text"] for s in marked[1]] == ["Thre"]
    assert marked[0][0]["anchors"] == [0] and marked[1][0]["anchors"] == []
    assert [s for s in paras[2] if s.get("pin")]  # an empty span at a paragraph start goes with it


def test_page_marks_every_change_and_the_paragraph_of_each_card(tmp_path):
    src = _corpus(tmp_path)
    want = _qa_clean(src, tmp_path)
    out = tmp_path / "report"
    r = runner.invoke(app, ["check", str(src), "--html", str(out), "-q", "--fail-on", "never"])
    assert r.exit_code == 0, r.output
    page = (out / "a.txt.html").read_text(encoding="utf-8")
    assert '<div class="text" id="view-orig"><p class="para" id="p-0">' in page
    assert page.count('<p class="para"') == 3
    assert re.findall(r'data-rule="(\w+)" data-para="(\d+)"', page) == [
        ("GRAM001", "0"), ("PUN002", "0"), ("WS001", "0"), ("GRAM001", "2")]
    clean = page.split('<pre class="text" id="view-clean" hidden>', 1)[1].split("</pre>", 1)[0]
    labels = re.findall(r'<span class="chg-code chg-(\w+)"><span class="sr">\w+ by </span>(\w+)<', clean)
    assert labels == [("deleted", "GRAM001"), ("inserted", "PUN002"), ("replaced", "WS001"), ("deleted", "GRAM001")]
    assert "<del class=\"chg\"> the</del>" in clean and '<ins class="chg blank"> </ins>' in clean
    import html as _html

    shown = re.sub(r'<span class="chg-code[^"]*">.*?</span></span>', "", clean)
    shown = re.sub(r"<del[^>]*>.*?</del>", "", shown)
    assert _html.unescape(re.sub(r"<[^>]+>", "", shown)) == want["a.txt"]
    assert "4 changes by qa clean: GRAM001 ×2, PUN002 ×1, WS001 ×1" in page
    diff = page.split('id="view-diff"', 1)[1].split("</table>", 1)[0]
    assert '<tr class="d-del"><td class="sign" aria-label="removed">-</td><td><span class="sr">removed: </span>It is a a test.</td></tr>' in diff
    assert '<tr class="d-add"><td class="sign" aria-label="added">+</td><td><span class="sr">added: </span>It is a test.</td></tr>' in diff
    calm = (out / "b.txt.html").read_text(encoding="utf-8")
    assert "qa clean changes nothing" in calm and "No line changes." in calm


def _pieces_one_by_one(original, log):
    """``change_pieces`` by its definition: each change made on the whole list of pieces."""
    from qa.report.html import _replace_span

    pieces = [["same", original, ""]]
    for rnd in sorted({e.round for e in log}):
        for e in sorted((e for e in log if e.round == rnd), key=lambda e: (e.start, e.end), reverse=True):
            pieces = _replace_span(pieces, e.start, e.end, e.after, e.rule)
    out = []
    for kind, text, rule in pieces:
        if text and out and out[-1]["kind"] == kind and out[-1]["rule"] == rule:
            out[-1]["text"] += text
        elif text:
            out.append({"kind": kind, "text": text, "rule": rule})
    return out


def test_change_pieces_made_around_each_change_match_the_whole_list_definition():
    rnd = random.Random(11)
    for _ in range(1500):
        text = "".join(rnd.choice("ab \n") for _ in range(rnd.randint(0, 40)))
        _, log = _edits_by_round(text, rnd)
        assert change_pieces(text, log) == _pieces_one_by_one(text, log)
    # many changes in one round: adjacent deletions, insertions between them
    text = "Close\n" * 3000
    edits = [("BP101", Edit(6 * i, 6 * i + 6, "")) for i in range(0, 3000, 2)]
    edits += [("WS001", Edit(6 * i + 5, 6 * i + 5, " ")) for i in range(1, 3000, 2)]
    after, log = apply_edits(text, edits, 1)
    pieces = change_pieces(text, log)
    assert pieces == _pieces_one_by_one(text, log)
    assert "".join(p["text"] for p in pieces if p["kind"] != "del") == after == "Close \n" * 1500
