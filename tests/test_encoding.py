"""Encoding rules (ENC001-ENC005, META111): real damage found, explained and repaired exactly;
correct text in any language left alone."""

from __future__ import annotations

import json

import ftfy.bad_codecs  # noqa: F401
import pytest
import wordfreq

from qa import check_text, clean_text
from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.readers import make_document
from test_cli import invoke

PLAN = make_plan(Settings(select=("encoding",)))


def enc(text: str):
    return check_document(make_document(text), PLAN, strict=True)


def cp1252(s: str) -> str:
    return s.encode("utf-8").decode("sloppy-windows-1252")


def latin1(s: str) -> str:
    return s.encode("utf-8").decode("latin-1")


@pytest.mark.parametrize("lang", sorted(wordfreq.available_languages()))
def test_no_finding_on_frequent_words_of_every_language(lang):
    words = wordfreq.top_n_list(lang, 2000)
    text = "\n".join(" ".join(words[i:i + 12]) for i in range(0, len(words), 12))
    assert enc(text) == []
    assert enc(text.upper()) == []
    assert enc(text.title()) == []


def test_correct_latin1_range_words_and_circumflex_stay_silent():
    text = ("The naïve café owner in Ångström Street served crème brûlée. "
            "Em São Paulo, o ônibus NÃO parou; pâte, château, fenêtre, mâine, pâine, câine. "
            "¿Qué pasó? ¡Olé! «À bientôt», dit-il. Straße, Øre, Þórr, Ýmir, æsir.")
    assert enc(text) == []


def test_mojibake_offsets_fix_and_explanation():
    text = "The cafÃ© sold ownerâ€™s tea for â‚¬3 in MÃƒÂ¼nchen.\n"
    found = enc(text)
    assert [(f.rule, text[f.start:f.end], f.fix.edits[0].replacement, str(f.fix.applicability)) for f in found] == [
        ("ENC001", "Ã©", "é", "safe"),
        ("ENC001", "â€™", "’", "safe"),
        ("ENC001", "â‚¬", "€", "safe"),
        ("ENC001", "ÃƒÂ¼", "ü", "safe"),
    ]
    assert "decoded as Windows-1252" in found[0].message
    assert found[3].message.count("Windows-1252") == 2 and "double-encoded" in found[3].message
    assert clean_text(text, Settings(select=("encoding",))) == "The café sold owner’s tea for €3 in München.\n"


def test_latin1_mojibake_with_c1_controls_is_one_finding():
    text = "She said itâ\x80\x99s late.\n"
    found = enc(text)
    assert [(f.rule, text[f.start:f.end]) for f in found] == [("ENC001", "â\x80\x99")]
    assert "Latin-1" in found[0].message


def test_guessed_repairs_are_unsafe():
    text = "We ordered Ã la carte.\n"  # a lost no-break-space byte: ftfy has to guess
    found = enc(text)
    assert [f.rule for f in found] == ["ENC001"]
    assert str(found[0].fix.applicability) == "unsafe"
    assert clean_text(text, Settings(select=("encoding",))) == text


@pytest.mark.parametrize("damage", [cp1252, latin1, lambda s: cp1252(cp1252(s))])
def test_damage_of_words_in_many_languages_is_repaired_exactly(damage):
    for lang in ("fr", "de", "pt", "ro", "pl", "cs", "tr", "vi", "el", "ru", "zh", "ja", "ar", "hi"):
        words = [w for w in wordfreq.top_n_list(lang, 400) if not w.isascii()][:60]
        line = "Text: " + " ".join(words) + " “quoted” – done…"
        bad_line = damage(line)
        assert bad_line != line
        found = enc(bad_line)
        assert found and all(f.rule == "ENC001" for f in found), lang
        assert clean_text(bad_line, Settings(select=("encoding",))) == line, lang


def test_replacement_characters():
    text = "We don\ufffdt know. The caf\ufffd\ufffd closed.\n"
    found = enc(text)
    assert [(f.rule, text[f.start:f.end], f.fix.edits[0].replacement) for f in found] == [
        ("ENC002", "\ufffd", "\u2019"), ("ENC002", "\ufffd\ufffd", "")]
    assert all(str(f.fix.applicability) == "unsafe" for f in found)
    assert clean_text(text, Settings(select=("encoding",))) == text
    assert clean_text(text, Settings(select=("encoding",)), unsafe=True) == "We don’t know. The caf closed.\n"


def test_control_characters_and_terminal_escapes():
    text = "It\x92s over\x85 Red:\x1b[31m alert\x1b[0m. Bell\x07. Undefined\x81 byte.\tTab ok.\n"
    found = enc(text)
    assert [(text[f.start:f.end], f.fix.edits[0].replacement) for f in found] == [
        ("\x92", "’"), ("\x85", "…"), ("\x1b[31m", ""), ("\x1b[0m", ""), ("\x07", ""), ("\x81", "")]
    assert {f.rule for f in found} == {"ENC003"}
    assert clean_text(text, Settings(select=("encoding",))) == "It’s over… Red: alert. Bell. Undefined byte.\tTab ok.\n"


def test_no_double_report_inside_mojibake():
    # the C1 controls and the replacement character belong to the mojibake ENC001 repairs
    text = "itâ\x80\x99s fine\n"
    assert [f.rule for f in enc(text)] == ["ENC001"]
    # an entity is META111's alone, in the encoding category
    found = enc("AT&amp;T and caf&eacute;")
    assert [(f.rule, f.category) for f in found] == [("META111", "encoding"), ("META111", "encoding")]


def test_surrogates():
    text = "Smile \ud83d\ude00 and broken \udc00 here."
    found = enc(text)
    assert [(f.rule, text[f.start:f.end], str(f.fix.applicability)) for f in found] == [
        ("ENC004", "\ud83d\ude00", "safe"), ("ENC004", "\udc00", "unsafe")]
    assert clean_text(text, Settings(select=("encoding",))) == "Smile \U0001f600 and broken \udc00 here."


def test_compatibility_characters_only_outside_cjk():
    text = "The ﬁnal score: ＡＢＣ１２３.\n東京のＡＢＣ社は２０２０年に設立。\n"
    found = enc(text)
    assert [(f.rule, text[f.start:f.end]) for f in found] == [("ENC005", "ﬁ"), ("ENC005", "ＡＢＣ１２３")]
    assert clean_text(text, Settings(select=("encoding",))) == (
        "The final score: ABC123.\n東京のＡＢＣ社は２０２０年に設立。\n")


def test_select_encoding_and_rate_gate(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("The cafÃ© opened.\nPrices rose by a third.\n", encoding="utf-8")
    res = invoke("check", str(p), "--select", "encoding", "--format", "jsonl", "-o", "-", "-q", "--isolated",
                 "--fail-on", "never")
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)
    assert [(f["rule"], f["category"], f["text"]) for f in rec["findings"]] == [("ENC001", "encoding", "Ã©")]
    res = invoke("check", str(p), "--isolated", "--fail-on", "never", "--max-rate", "encoding=0")
    assert res.exit_code == 1
    assert "have an encoding finding, more than --max-rate encoding=0" in res.stderr


def test_library_check_text_reports_mojibake_in_full_rule_set():
    res = check_text("The ownerâ€™s café opened.")
    assert [f.rule for f in res.findings if f.category == "encoding"] == ["ENC001"]


def _difflib_ops(a: str, b: str):
    import difflib

    return [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]


def test_diff_ops_is_difflibs_answer():
    """The regions of a damaged line come from ``qa.encoding.diff_ops``, which must give
    difflib's opcodes exactly: on real mojibake lines and their fixes, and on random near-copies
    over small alphabets, where ties between equally long blocks are everywhere."""
    import random

    from qa.encoding import diff_ops

    line = ("The owner" + cp1252("’") + "s caf" + cp1252("é") + " in M" + cp1252(cp1252("ü")) + "nchen sold "
            + cp1252("€") + "3 coffee, and the owner" + cp1252("’") + "s dog barked at the caf" + cp1252("é") + ". ") * 4
    fixed = ftfy.fix_encoding(line)
    assert fixed != line
    assert diff_ops(line, fixed) == _difflib_ops(line, fixed)
    assert diff_ops(fixed, line) == _difflib_ops(fixed, line)
    rnd = random.Random(7)
    for _ in range(3000):
        alpha = rnd.choice(["ab", "abc", "ab ", "abcdefgh", "the a of é’ "])
        a = "".join(rnd.choice(alpha) for _ in range(rnd.randint(0, rnd.choice((8, 40, 200)))))
        if rnd.random() < 0.6:  # a near-copy: a few characters deleted, inserted or replaced
            b = list(a)
            for _ in range(rnd.randint(0, 6)):
                p = rnd.randint(0, len(b))
                op = rnd.random()
                if op < 0.33 and p < len(b):
                    del b[p]
                elif op < 0.66:
                    b.insert(p, rnd.choice(alpha + "Ã"))
                elif p < len(b):
                    b[p] = rnd.choice(alpha + "Ã")
            b = "".join(b)
        else:
            b = "".join(rnd.choice(alpha) for _ in range(rnd.randint(0, len(a) + 5)))
        assert diff_ops(a, b) == _difflib_ops(a, b), (a, b)


_GATED_TEXTS = [
    "Broken \ud83d here and caf\u00c3\u00a9 with \x07 bell and \ufb01nal and \x85 and ＡＢＣ１２３ text.",
    "\ud800\udc00 pair, it\u00e2\u0080\u0099s late, \x1b[31m red \x00 nul, \x7f del",
    "Plain text, and a café in Ångström; 東京都のＡＢＣ社.",
    "\ufffd repl don\ufffdt",
]


@pytest.mark.parametrize("backend", ["hyperscan", "fallback"])
def test_encoding_rules_gated_by_the_scan_find_what_a_full_run_finds(backend, monkeypatch):
    """ENC001, ENC003 and ENC005 run only where the one scan finds their characters (lone
    surrogates in the text too); their findings are those of every rule run in full."""
    from qa import fastpath
    from qa.scan import hyperscan_available

    if backend == "hyperscan" and not hyperscan_available():
        pytest.skip("no hyperscan")
    monkeypatch.setenv("QA_SCAN", backend)
    plan = make_plan(Settings(select=("encoding",)))
    assert {"ENC001", "ENC003", "ENC005"} <= plan.scan.codes

    def found(p):
        return [[(f.rule, f.start, f.end, f.message) for f in check_document(make_document(t), p, strict=True)]
                for t in _GATED_TEXTS]

    gated = found(plan)
    assert {f[0] for fs in gated for f in fs} >= {"ENC001", "ENC002", "ENC003", "ENC004", "ENC005"}
    monkeypatch.setattr(fastpath, "ENABLED", False)
    assert found(make_plan(Settings(select=("encoding",)))) == gated


def test_a_line_full_of_mojibake_is_aligned_with_its_repair_in_pieces():
    from qa import encoding

    # one 54,000-character line with 3,000 damaged places: aligned with its repair as a whole,
    # it ran past the rule's 20 s limit and lost every finding
    text = "The caf\u00c3\u00a9 opened. " * 3000
    res = check_text(text, select=["ENC001"])
    assert [f.rule for f in res.findings] == ["ENC001"] * 3000
    assert all(text[f.start:f.end] == "\u00c3\u00a9" and f.fix.edits[0].replacement == "é" for f in res.findings)
    assert clean_text(text) == "The café opened. " * 3000
    # the pieces: cut at the same spaces of the line and of its repair, covering both
    fixed = "The café opened. " * 3000
    pieces = encoding._aligned_pieces(text, fixed)
    assert len(pieces) == 6000 and pieces[:3] == [(0, 3, 0, 3), (3, 17, 3, 16), (17, 21, 16, 20)]
    assert "".join(fixed[p2:q2] for _, _, p2, q2 in pieces) == fixed
    assert all(text[p:q].replace("\u00c3\u00a9", "é") == fixed[p2:q2] for p, q, p2, q2 in pieces)
    # a repair that makes a cut (a control character removed next to a space) or turns ASCII
    # into something else is aligned whole; a '?' that stood for a lost byte may go
    assert encoding._aligned_pieces("abcd\x07 efgh", "abcd efgh") is None
    assert encoding._aligned_pieces("ab cd", "ab c\u00e9") is None
    assert encoding._aligned_pieces("It\u00e2\u20ac?s late", "It\ufffds late") == [(0, 6, 0, 4), (6, 11, 4, 9)]
    lossy = "It\u00e2\u20ac?s late, he said. " * 300
    assert [lossy[f.start:f.end] for f in check_text(lossy, select=["ENC001"]).findings] == ["\u00e2\u20ac?"] * 300
