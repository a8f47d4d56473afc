"""``language-id = false`` / ``--no-language-id``: no language identification anywhere, the
configured ``lang`` taken as the language of every document whose record names none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from qa import check_text
from qa.config import ConfigError, Settings, resolve
from qa.engine import make_plan
from test_cli import invoke

ROOT = Path(__file__).resolve().parent.parent
OFF = Settings(language_id=False)

GERMAN = ("Die Regierung hat am Dienstag einen neuen Haushalt beschlossen, nachdem lange über die Kosten der "
          "Schulen gestritten wurde. Die Abgeordneten sagten, der Plan werde die Ausgaben für Straßen in drei "
          "Jahren um ein Fünftel erhöhen. Der Bürgermeister versprach, dass die Fahrpreise für Busse bis zur "
          "nächsten Wahl gleich bleiben würden, sagte er gestern.Viele Bürger waren damit zufrieden, andere nicht.\n")
#: an English text the English-only rules find something in (a doubled word, GRAM001)
ENGLISH = ("The council met on Tuesday to discuss the the budget for next year. The mayor said the plan "
           "would raise spending on roads by a fifth over three years, and the members agreed.\n")


def test_no_language_rule_is_selected_and_naming_one_is_an_error():
    on = {r.code for r in make_plan(Settings()).rules}
    off = {r.code for r in make_plan(OFF).rules}
    language = {r.code for r in make_plan(Settings()).rules if r.category == "language"}
    assert {"LANG001", "LANG002"} <= language
    assert off == on - language
    assert {r.code for r in make_plan(replace(OFF, select=("language", "PUN"))).rules} == \
        {c for c in on if c.startswith("PUN")}  # a category or prefix selects none of them
    with pytest.raises(ConfigError, match="LANG001 identifies languages"):
        make_plan(replace(OFF, select=("PUN", "LANG001")))


def test_an_english_text_gets_the_same_findings_without_its_language_field():
    on = check_text(ENGLISH, Settings(ignore=("language",)))
    off = check_text(ENGLISH, OFF)
    assert on.language == "en" and off.language is None
    assert [(f.rule, f.start, f.end) for f in off.findings] == [(f.rule, f.start, f.end) for f in on.findings]
    assert ("GRAM001", 38, 45) in [(f.rule, f.start, f.end) for f in off.findings]


def test_a_german_text_is_taken_to_be_in_the_configured_language():
    def rules(res) -> set[str]:
        return {f.rule for f in res.findings}

    identified = check_text(GERMAN)  # language ID says German: only language-neutral rules
    assert identified.language == "de" and "LANG001" in rules(identified)
    assert not {r for r in rules(identified) if r.startswith(("MT", "GRAM", "PRN", "FRAG"))}
    as_german = check_text(GERMAN, replace(OFF, lang="de"))  # taken to be German: the same rules
    assert as_german.language is None
    assert rules(as_german) == rules(identified) - {"LANG001"} and "PUN002" in rules(as_german)
    as_english = check_text(GERMAN, OFF)  # taken to be English: English-only rules run too
    assert rules(as_german) < rules(as_english)
    assert {r for r in rules(as_english) if r.startswith(("MT", "GRAM", "PRN", "FRAG"))}


def test_a_records_own_language_still_counts(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"id": "a", "text": GERMAN, "lang": "de"}) + "\n"
                 + json.dumps({"id": "b", "text": GERMAN}) + "\n", encoding="utf-8")
    res = invoke("check", str(p), "--isolated", "--fail-on", "never", "--format", "jsonl", "-o", "-", "-q",
                 "--no-language-id")
    assert res.exit_code == 0, res.output
    a, b = (json.loads(line) for line in res.output.splitlines())
    assert a["language"] == "de" and b["language"] is None
    ra, rb = ({f["rule"] for f in r["findings"]} for r in (a, b))
    assert not {r for r in ra if r.startswith(("MT", "GRAM", "PRN", "FRAG"))}  # the record says German
    assert ra < rb  # the other is taken to be in --lang (en)


def test_config_key_and_flag(tmp_path):
    (tmp_path / "qa.toml").write_text("language-id = false\n", encoding="utf-8")
    assert resolve(config=tmp_path / "qa.toml").language_id is False
    assert Settings().fingerprint() != OFF.fingerprint()  # a cached result of one is not the other's
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    res = invoke("check", "a.txt", "-q", "--select", "LANG001", "--fail-on", "never", cwd=tmp_path)
    assert res.exit_code == 2 and res.stderr.startswith("qa: error: LANG001 identifies languages"), res.output
    res = invoke("check", "a.txt", "--isolated", "-q", "--select", "LANG001", "--no-language-id", "--fail-on",
                 "never", cwd=tmp_path)
    assert res.exit_code == 2 and "--no-language-id" in res.stderr


def test_the_language_model_is_never_loaded(tmp_path):
    (tmp_path / "a.txt").write_text(ENGLISH * 20 + GERMAN, encoding="utf-8")
    code = ("import sys\nfrom qa.cli import run\nsys.argv = ['qa', 'check', 'a.txt', '--isolated', '-q', "
            "'--fail-on', 'never', '--no-cache', '--jobs', '1', '--no-language-id']\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "assert 'fasttext' not in sys.modules and 'langdetect' not in sys.modules, 'loaded'\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
