"""`qa clean`: the seed's cleaned text, idempotence, the fix log, conflicts, and input safety."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from qa.cli import app
from qa.clean import clean_text
from qa.fixes import _overlaps, select_edits, undo
from qa.model import Applicability, Edit, Finding, Fix, Severity

SEED = "003_6687bd05b09e0dcc.txt"
runner = CliRunner()


def test_clean_seed_003_ends_with_the_article_and_keeps_every_sentence(samples_dir):
    original = (samples_dir / SEED).read_text(encoding="utf-8")
    res = clean_text(original)
    assert res.text.rstrip("\n").endswith("represents Krishnanagar in Parliament.")
    assert not res.text.rstrip("\n").endswith(" ")
    assert "Coupon code" not in res.text and "\n        Close" not in res.text
    # the log is a complete audit trail: undoing it gives back the original byte for byte
    assert undo(res.text, res.log) == original
    norm = res.text.replace("\u00a0", " ")
    for s in ("NSO denies the charges.",
              "WhatsApp says its messages are end-to-end encrypted and cannot be traced.",
              "Moitra has sought to be impleaded in a case involving traceability of social media messages "
              "and the linking of Aadhaar with social media accounts.",
              "A former JP Morgan investment banker, Moitra returned to India in 2009 and joined the Youth Congress.",
              "over the WhatsApp privacy breach. A member of the parliamentary standing committee"):
        assert s in norm
    body = original[original.index("Trinamool"):original.index("Parliament.Special") + len("Parliament.")]
    expected = body.replace("\u00a0", " ").replace("breach.A", "breach. A").replace("        Close\n      \n", "\n")
    assert norm[norm.index("Trinamool"):].rstrip("\n") == expected
    rules = {e.rule for e in res.log}
    assert {"META001", "PUN002", "BP101", "BP106"} <= rules


def test_clean_is_idempotent_and_undoable(samples_dir):
    page = ("Menu\nHome\nNews\nSign in\nBudget approved\n"
            "The council approved the new budget on Tuesday after a long debate.It was close.\n"
            "Members said the plan would raise spending on roads by a fifth over three years.\n"
            "Johnson &amp; Johnson rose<br>today, the  mayor said.\n"
            "Most Read\nFloods close the coast road again\n\u00a9 2024 Example Media. All rights reserved.\n")
    texts = [page] + [(samples_dir / n).read_text(encoding="utf-8") for n in sorted(p.name for p in samples_dir.glob("*.txt"))]
    for text in texts:
        res = clean_text(text)
        assert clean_text(res.text).text == res.text
        assert undo(res.text, res.log) == text
    cleaned = clean_text(page).text
    assert cleaned.startswith("Budget approved\n")
    assert "Johnson & Johnson rose today" in cleaned and "debate. It was close." in cleaned
    assert "Most Read" not in cleaned and "All rights reserved" not in cleaned


def test_deletion_wins_over_touching_insertion():
    def finding(rule, a, b, edit, cat="punctuation"):
        return Finding(rule, "x", cat, Severity.WARNING, a, b, "m", fix=Fix((edit,), Applicability.SAFE))

    ins = finding("PUN002", 0, 18, Edit(11, 11, " "))
    dele = finding("BP106", 11, 40, Edit(11, 40, ""), "boilerplate")
    chosen = select_edits([ins, dele])
    assert [(r, e.start, e.end) for r, e in chosen] == [("BP106", 11, 40)]
    assert _overlaps(Edit(5, 5, " "), (5, 9)) and _overlaps(Edit(9, 9, " "), (5, 9))
    assert not _overlaps(Edit(9, 12, ""), (5, 9))  # adjacent ranges do not conflict
    assert not _overlaps(Edit(4, 4, " "), (5, 9))


def test_unsafe_fixes_need_the_flag():
    text = ("Budget approved\nBy Jane Doe\nThe council approved the new budget on Tuesday after a long debate.\n")
    assert "By Jane Doe" in clean_text(text).text
    assert "By Jane Doe" not in clean_text(text, unsafe=True).text


def test_cli_clean_mirrors_tree_writes_log_and_never_touches_inputs(tmp_path, samples_dir):
    src = tmp_path / "in" / "sub"
    src.mkdir(parents=True)
    original = (samples_dir / SEED).read_bytes()
    (src / SEED).write_bytes(original)
    out = tmp_path / "out"
    r = runner.invoke(app, ["clean", str(tmp_path / "in"), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert (src / SEED).read_bytes() == original
    cleaned = (out / "sub" / SEED).read_text(encoding="utf-8")
    assert cleaned.rstrip("\n").endswith("in Parliament.")
    log = [json.loads(x) for x in (out / "qa-fixes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {"file", "rule", "span", "before", "after"} <= set(log[0])
    bp = [x for x in log if x["rule"] == "BP106"]
    assert bp and bp[0]["before"].endswith("Coupon code: DIWALI") and bp[0]["after"] == ""
    assert not list(out.glob("**/.*.tmp"))


def test_cli_clean_refuses_to_write_into_an_input_folder(tmp_path, samples_dir):
    src = tmp_path / "in"
    src.mkdir()
    (src / SEED).write_bytes((samples_dir / SEED).read_bytes())
    for target in (src, src / "cleaned"):
        r = runner.invoke(app, ["clean", str(src), "--out", str(target)])
        assert r.exit_code == 2
        assert "refusing" in r.output
    assert sorted(p.name for p in src.iterdir()) == [SEED]


def test_cli_clean_diff_prints_and_writes_nothing(tmp_path, samples_dir):
    src = tmp_path / "in"
    src.mkdir()
    (src / SEED).write_bytes((samples_dir / SEED).read_bytes())
    r = runner.invoke(app, ["clean", str(src), "--diff", "-q"])
    assert r.exit_code == 0
    assert "-        Close" in r.output and "+++ b/" in r.output
    assert sorted(p.name for p in src.iterdir()) == [SEED]


def test_check_html_shows_cleaned_text(tmp_path, samples_dir):
    out = tmp_path / "html"
    r = runner.invoke(app, ["check", str(samples_dir / SEED), "--html", str(out), "-q", "--fail-on", "never"])
    assert r.exit_code == 0, r.output
    page = next(out.glob("003*.html")).read_text(encoding="utf-8")
    assert 'id="view-clean"' in page
    clean_part = page[page.index('id="view-clean"'):]
    assert "represents Krishnanagar in Parliament.\n" in clean_part or "represents Krishnanagar in Parliament.<" in clean_part
    # the removed promotion is shown struck through (a <del> of the rule that removed it), and
    # is not part of the cleaned text
    import re

    view = clean_part[: clean_part.index("</pre>")]
    assert re.search(r'BP106<span class="sr">: </span></span><del class="chg">[^<]*Coupon code', view)
    assert "Coupon code" not in re.sub(r"<del[^>]*>.*?</del>", "", view, flags=re.S)


def _select_pairwise(findings, unsafe=False):
    """``select_edits`` by its definition: every edit compared with every accepted one."""
    from qa.fixes import _priority

    chosen, taken = [], []
    for f in sorted((f for f in findings if f.fix is not None and f.fix.edits
                     and (unsafe or f.fix.applicability != Applicability.UNSAFE)), key=_priority):
        edits = f.fix.edits
        if any(_overlaps(e, t) for e in edits for t in taken):
            continue
        if any(_overlaps(e, (o.start, o.end)) for i, e in enumerate(edits) for o in edits[i + 1:]):
            continue
        chosen += [(f.rule, e) for e in edits]
        taken += [(e.start, e.end) for e in edits]
    return chosen


def test_select_edits_keeps_the_pairwise_definition():
    import random

    rnd = random.Random(3)
    for _ in range(3000):
        n = rnd.randint(0, 60)
        findings = []
        for i in range(rnd.randint(0, 25)):
            edits = []
            for _ in range(rnd.choice((1, 1, 2, 3, 5, 8))):  # 5 and 8: the sorted collision check
                a = rnd.randint(0, n)
                edits.append(Edit(a, a if rnd.random() < 0.3 else min(n, a + rnd.randint(1, 6)), rnd.choice(("", "x"))))
            app = Applicability.UNSAFE if rnd.random() < 0.2 else Applicability.SAFE
            findings.append(Finding(f"R{i % 4}", "n", "c", Severity.WARNING, min(e.start for e in edits),
                                    max(e.end for e in edits), "m", fix=Fix(tuple(edits), app)))
        for unsafe in (False, True):
            assert select_edits(findings, unsafe) == _select_pairwise(findings, unsafe)


def test_thousands_of_fixes_in_one_document_clean_and_undo():
    # 6,000 "Close" button lines between two paragraphs: each line is one fix; accepting them one
    # by one against all accepted so far, and applying them one by one to the whole text, was
    # quadratic
    first = ("The council approved the new budget on Tuesday after a long debate about the cost of "
             "schools, and members said the plan would raise spending on roads by a fifth.")
    last = ("The mayor said the vote was a good day for the city and thanked the officials who wrote "
            "it, while opponents promised to fight the increase in taxes again next year.")
    original = first + "\n\n" + "Close\n" * 6000 + "\n" + last + "\n"
    res = clean_text(original)
    assert res.text == first + "\n\n\n" + last + "\n"
    assert len(res.log) == 6000 and all(e.before == "Close\n" and e.after == "" for e in res.log)
    assert [e.start for e in res.log[:2]] == [len(first) + 2, len(first) + 8]
    assert undo(res.text, res.log) == original
