"""English-only rules are not run on documents clearly in another language."""

from __future__ import annotations

import json

from qa import check_text
from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.readers import make_document
from qa.registry import all_rules
from qa.scope import clearly_not_english, english_only
from test_cli import invoke

GERMAN = ("Die Regierung hat am Dienstag einen neuen Haushalt beschlossen, nachdem lange über die Kosten der "
          "Schulen gestritten wurde. Die Abgeordneten sagten, der Plan werde die Ausgaben für Straßen in drei "
          "Jahren um ein Fünftel erhöhen. Der Bürgermeister versprach, dass die Fahrpreise für Busse bis zur "
          "nächsten Wahl gleich bleiben würden, sagte er gestern.Viele Bürger waren damit zufrieden, andere nicht.\n")


def test_rules_declare_english_only_by_family():
    codes = {r.code: english_only(r) for r in all_rules()}
    assert codes["MT104"] and codes["PRN001"] and codes["GRAM001"] and codes["FRAG001"] and codes["BP101"]
    assert codes["META101"]
    for neutral in ("PUN002", "WS001", "ENC001", "META111", "DUP001", "DUP102", "LANG001", "BP001"):
        assert not codes[neutral], neutral


def test_german_document_gets_only_language_neutral_rules(tmp_path):
    p = tmp_path / "de.txt"
    p.write_text(GERMAN, encoding="utf-8")
    for flags, expect_lang001 in ((("--lang", "de"), False), ((), True)):
        res = invoke("check", str(p), "--isolated", "--fail-on", "never", "--format", "jsonl", "-o", "-", "-q", *flags)
        rec = json.loads(res.output)
        rules = {f["rule"] for f in rec["findings"]}
        assert not {r for r in rules if r.startswith(("MT", "GRAM", "PRN", "FRAG"))}, rules
        assert ("LANG001" in rules) == expect_lang001
        assert "PUN002" in rules  # "gestern.Viele": language-neutral rules still run


def test_english_and_short_documents_keep_every_rule():
    res = check_text("He will can do it tomorrow, the the minister said.")
    assert {"GRAM001", "GRAM002"} <= {f.rule for f in res.findings}
    assert not clearly_not_english(make_document("Kurz."))


def test_record_language_field_decides():
    plan = make_plan(Settings(select=("GRAM001",)))
    text = "The the minister said it will rain on Monday and the roads will close."
    assert [f.rule for f in check_document(make_document(text), plan)] == ["GRAM001"]
    fr = make_document(text)
    fr.lang = "fr"
    assert check_document(fr, plan) == []


def test_source_rules_run_on_bilingual_documents_only():
    """The SRC rules compare a target with its source: a monolingual document (which has no
    source) is not given them, a bilingual one is, and finds what they find."""
    from qa.bilingual.model import example_document
    from qa.scope import needs_source, rules_for

    plan = make_plan(Settings(select=("SRC001", "WS001")))
    mono = make_document("The price rose by 15\u00a0percent in 2024.")
    assert [r.code for r in rules_for(mono, plan.rules)] == ["WS001"]
    bi = example_document("El precio subió un 15 por ciento en 2023. ||| The price rose by 15 percent in 2024.")
    assert sorted(r.code for r in rules_for(bi, plan.rules)) == ["SRC001", "WS001"]
    assert [f.rule for f in check_document(bi, plan)] == ["SRC001"]
    assert [f.rule for f in check_document(mono, plan)] == ["WS001"]
    assert needs_source(next(r for r in all_rules() if r.code == "SRC018"))
    assert not any(needs_source(r) for r in all_rules() if not r.code.startswith("SRC"))
