"""The source-aware checks added beside SRC001-SRC014: the calibrated length ratio (SRC015), one
target for several sources (SRC016), a target in the source language (SRC017), TBX glossaries,
times and dates in the number comparison, and quotes of mixed styles (SRC010)."""

from __future__ import annotations

import json
import math
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.bilingual import readers as br
from qa.bilingual.extract import length_units, numbers, times
from qa.bilingual.glossary import GlossaryError, load, load_rows
from qa.bilingual.model import Segment, build_document
from qa.cli import app
from qa.config import Settings
from qa.engine import check_document, make_plan

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _default_options():
    br.set_options()
    yield
    br.set_options()


def doc_of(pairs, source_lang="zh", target_lang="en", plural=None):
    segs = [Segment(str(i), s, t, plural=(plural[i - 1] if plural else None)) for i, (s, t) in enumerate(pairs, 1)]
    return build_document(segs, path="t.jsonl", doc_id="t.jsonl", fmt="jsonl",
                          source_lang=source_lang, target_lang=target_lang)


def run(doc, *codes, rules=None):
    plan = make_plan(Settings(select=codes, rules=rules or {}))
    return [f for f in check_document(doc, plan, strict=True) if f.rule in codes]


def invoke(*args):
    import os

    old = os.getcwd()
    try:
        os.chdir(ROOT)
        return CliRunner().invoke(app, list(args))
    finally:
        os.chdir(old)


# --------------------------------------------------------------------------- SRC015
LONG_ZH = "会议讨论了经济发展、环境保护、教育改革和医疗卫生等多个领域的合作问题。"
LONG_EN = ("The meeting discussed cooperation in economic development, environmental protection, "
           "education reform, health care and other fields.")


def test_length_ratio_flags_a_cut_target_with_the_shipped_zh_en_range():
    doc = doc_of([(LONG_ZH, LONG_EN), (LONG_ZH, "The meeting discussed cooperation.")])
    fs = run(doc, "SRC015")
    assert [f.segment for f in fs] == ["2"]
    f = fs[0]
    assert doc.text[f.start:f.end] == "The meeting discussed cooperation."
    assert "much shorter" in f.message and "zh-en range" in f.message
    assert (f.source_start, f.source_end) == (doc.segments[1].source_start, doc.segments[1].source_end)


def test_length_ratio_is_silent_without_a_calibrated_pair_or_languages():
    pairs = [(LONG_ZH, "The meeting discussed cooperation.")]
    assert run(doc_of(pairs, source_lang="zh", target_lang="fr"), "SRC015") == []
    assert run(doc_of(pairs, source_lang=None, target_lang=None), "SRC015") == []


def test_length_ratio_reads_a_given_calibration_file(tmp_path):
    cal = tmp_path / "cal.json"
    # a made-up de-en range: targets between 0.8 and 1.25 times the source's words
    cal.write_text(json.dumps({"pairs": {"de-en": {"min_source_units": 5, "low": math.log(0.8),
                                                   "high": math.log(1.25)}}}), encoding="utf-8")
    doc = doc_of([("Der Hund läuft schnell über die Straße.", "The dog runs quickly across the street."),
                  ("Der Hund läuft schnell über die Straße.", "The dog runs.")], source_lang="de", target_lang="en")
    fs = run(doc, "SRC015", rules={"SRC015": {"calibration": str(cal)}})
    assert [f.segment for f in fs] == ["2"]
    assert run(doc, "SRC015") == []  # the shipped calibration has no de-en


def test_length_units_are_fair_to_both_scripts():
    assert length_units("会议讨论了合作。") == 7
    assert length_units("The meeting discussed 1,500 cases of COVID-19, didn't it?") == 9


def test_fit_length_ratio_fits_centre_and_robust_range():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from fit_length_ratio import fit

    # target = 1 unit per 2 source characters, with one wild pair that a robust fit ignores
    pairs = [("字" * (20 + i % 7), " ".join(["w"] * ((20 + i % 7) // 2))) for i in range(60)]
    pairs.append(("字" * 20, " ".join(["w"] * 200)))
    f = fit(pairs, min_source=10, quantile=0.005)
    assert f["n"] == 61
    assert -0.75 < f["centre"] < -0.6 and f["low"] < f["centre"] < f["high"] < 0
    assert f["reference_share_outside"] > 0  # the wild pair is outside


# --------------------------------------------------------------------------- SRC016
def test_one_target_for_several_sources_points_at_the_repeat():
    doc = doc_of([("打开文件", "Open the file"), ("关闭文件", "Close the file"), ("删除文件", "Open the file"),
                  ("打开文件。", "Open the file")])
    fs = run(doc, "SRC016")
    assert [(f.segment, doc.text[f.start:f.end]) for f in fs] == [("3", "Open the file")]
    assert "segment 1" in fs[0].message


def test_one_target_several_sources_skips_plural_forms():
    doc = doc_of([("%d file", "%d 个文件"), ("%d files", "%d 个文件")], source_lang="en", target_lang="zh",
                 plural=[0, 1])
    assert run(doc, "SRC016") == []


# --------------------------------------------------------------------------- SRC017
def test_target_left_in_the_source_language():
    de = "Die Datei konnte nicht gespeichert werden, weil der Datenträger voll ist."
    doc = doc_of([(de, "The file could not be saved because the disk is full."),
                  (de, "Die Datei wurde nicht gespeichert, da der Datenträger leider voll ist."),
                  ("Besuchen Sie Frankfurt am Main und Baden-Baden.", "Visit Frankfurt am Main and Baden-Baden."),
                  (de, de)],  # a copy is SRC005's
                 source_lang="de", target_lang="en")
    fs = run(doc, "SRC017")
    assert [f.segment for f in fs] == ["2"]
    assert "(de" in fs[0].message and "not en" in fs[0].message


def test_target_in_source_language_zh_and_silent_on_names_and_code():
    doc = doc_of([("我们将在明天上午召开全体员工会议，讨论明年的工作计划。", "我们将于明天上午召开全体员工大会，讨论明年的计划。"),
                  ("请运行以下命令。", "make install --prefix=/usr/local && ./configure --with-ssl"),
                  ("华为发布了新手机。", "Huawei released a new phone.")])
    fs = run(doc, "SRC017")
    assert [f.segment for f in fs] == ["1"]


# --------------------------------------------------------------------------- TBX glossaries
TBX2 = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en">
 <martifHeader><fileDesc><sourceDesc><p>own test terms</p></sourceDesc></fileDesc></martifHeader>
 <text><body>
  <termEntry id="c1">
   <langSet xml:lang="en"><tig><term>Settings</term></tig></langSet>
   <langSet xml:lang="de">
    <tig><term>Einstellungen</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>Optionen</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
   </langSet>
  </termEntry>
  <termEntry id="c2">
   <langSet xml:lang="en"><ntig><termGrp><term>file</term></termGrp></ntig></langSet>
   <langSet xml:lang="de"><ntig><termGrp><term>Datei</term></termGrp></ntig></langSet>
  </termEntry>
 </body></text>
</martif>
"""

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dca" type="TBX-Core" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
 <tbxHeader><fileDesc><sourceDesc><p>own test terms</p></sourceDesc></fileDesc></tbxHeader>
 <text><body>
  <conceptEntry id="c1">
   <langSec xml:lang="en-US"><termSec><term>Settings</term></termSec></langSec>
   <langSec xml:lang="de-DE">
    <termSec><term>Einstellungen</term></termSec>
    <termSec><term>Präferenzen</term><termNote type="administrativeStatus">forbidden</termNote></termSec>
   </langSec>
  </conceptEntry>
 </body></text>
</tbx>
"""


def test_tbx_v2_rows_with_deprecated_terms_as_forbidden(tmp_path):
    p = tmp_path / "terms.tbx"
    p.write_text(TBX2, encoding="utf-8")
    assert load(str(p)).languages == ("en", "de")
    assert load_rows(str(p), "en", "de") == [("Settings", ("Einstellungen",), ("Optionen",)), ("file", ("Datei",), ())]
    # the other direction: German terms as the source
    assert load_rows(str(p), "de", "en")[0] == ("Einstellungen", ("Settings",), ())


def test_tbx_v3_namespaced_through_the_cli(tmp_path):
    g = tmp_path / "terms.tbx"
    g.write_text(TBX3, encoding="utf-8")
    p = tmp_path / "ui.tsv"
    p.write_text("Open Settings\tPräferenzen öffnen\nSettings saved\tEinstellungen gespeichert\n", encoding="utf-8")
    res = invoke("check", str(p), "--isolated", "--glossary", str(g), "--source-lang", "en", "--target-lang", "de",
                 "--select", "SRC013,SRC014", "--format", "jsonl", "-o", "-", "--fail-on", "never", "-q", "--no-cache")
    assert res.exit_code == 0, res.output
    fs = [(f["rule"], f["segment"], f["text"]) for f in json.loads(res.stdout)["findings"]]
    assert fs == [("SRC014", "1", "Präferenzen"), ("SRC013", "1", "Präferenzen öffnen")]


def test_tbx_with_an_entity_or_broken_xml_is_a_usage_error(tmp_path):
    ent = tmp_path / "ent.tbx"
    ent.write_text('<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY x "Settings">]>\n'
                   '<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&x;</term></tig></langSet>'
                   '</termEntry></body></text></martif>\n', encoding="utf-8")
    with pytest.raises(GlossaryError, match="entit"):
        load(str(ent))
    broken = tmp_path / "broken.tbx"
    broken.write_text("<martif><text><body><termEntry>\n<langSet xml:lang='en'></termEntry></martif>", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"line 2, column \d+"):
        load(str(broken))
    p = tmp_path / "ui.tsv"
    p.write_text("Open Settings\tEinstellungen öffnen\n", encoding="utf-8")
    res = invoke("check", str(p), "--isolated", "--glossary", str(broken))
    assert res.exit_code == 2 and "qa: error:" in res.output and "Traceback" not in res.output


def test_tbx_without_languages_or_entries_is_refused(tmp_path):
    p = tmp_path / "x.tbx"
    p.write_text("<martif><text><body><termEntry><langSet><tig><term>a</term></tig></langSet></termEntry>"
                 "</body></text></martif>", encoding="utf-8")
    with pytest.raises(GlossaryError, match="xml:lang"):
        load(str(p))
    p.write_text("<martif><text><body/></text></martif>", encoding="utf-8")
    with pytest.raises(GlossaryError, match="no termEntry"):
        load(str(p))


# --------------------------------------------------------------------------- times and dates
@pytest.mark.parametrize("src,tgt", [
    ("会议下午3点半开始。", "The meeting starts at 3:30 pm."),
    ("会议下午3点半开始。", "The meeting starts at 15:30."),
    ("会议下午3点开始。", "The meeting starts at 3 in the afternoon."),
    ("截至7月25日24时，共有135例。", "As of 24:00 on July 25, there were 135 cases."),
    ("比赛以3比10结束。", "The game ended 3:10."),
    ("会议于2021年3月5日举行。", "The meeting was held on March 5, 2021."),
    ("会议于2021年3月5日举行。", "The meeting was held on 5 March 2021."),
    ("你可以来。", "You may come in March or later."),
    ("指数上涨了2.5点。", "The index rose 2.5 points."),
    ("他提出了三点建议。", "He made three proposals."),
])
def test_times_and_dates_that_agree_stay_silent(src, tgt):
    assert run(doc_of([(src, tgt)]), "SRC001", "SRC002") == []


@pytest.mark.parametrize("src,tgt,bad", [
    ("会议下午3点开始。", "The meeting starts at 4 pm.", "4 pm"),
    ("会议下午3点半开始。", "The meeting starts at 15:45.", "15:45"),
    ("会议于2021年3月5日举行。", "The meeting was held on April 5, 2021.", "April"),
])
def test_a_changed_time_or_month_is_flagged(src, tgt, bad):
    doc = doc_of([(src, tgt)])
    fs = run(doc, "SRC001")
    assert [doc.text[f.start:f.end] for f in fs] == [bad]


def test_times_are_minutes_after_midnight():
    assert times("下午3点半") == [(2, 5, frozenset({("time", 930)}))]
    assert times("3:30 pm")[0][2] == {("time", 930)}
    assert times("15:30")[0][2] == {("time", 930), Decimal(15), Decimal(30)}
    assert times("一点儿") == [] and times("三点建议") == []
    assert [v for _, _, v in numbers("May I come?", "en", strict=True)] == []


# --------------------------------------------------------------------------- SRC010
def test_quotes_of_mixed_styles_are_paired():
    doc = doc_of([("他说：“好。”", 'He said, "Good.”'), ("“新的开始。”", "“A new start.“"),
                  ("“好”他说", '"Good, he said')])
    fs = run(doc, "SRC010")
    assert [(f.segment, doc.text[f.start:f.end]) for f in fs] == [("3", '"')]


# --------------------------------------------------------------------------- SRC018
def test_pinyin_name_mismatch_points_at_both_names_and_reads_polyphones():
    doc = doc_of([("记者林小宅报道。", "Reported by Lin Xiaojia."),
                  ("曾小乐和单小乐说。", "Zeng Xiaole and Shan Xiaole said."),  # 曾 zeng/ceng, 单 shan/dan, 乐 le/yue
                  ("记者林小宅报道。", "Reported by Lin Xiaozhai."),
                  ("林说，小宅很好。", "Lin said the small house is good.")])
    fs = run(doc, "SRC018")
    assert [(f.segment, doc.text[f.start:f.end], doc.source_text[f.source_start:f.source_end]) for f in fs] == [
        ("1", "Lin Xiaojia", "林小宅")]
    assert "(lin xiao che/du/zhai)" in fs[0].message


def test_length_ratio_through_the_cli_needs_the_languages(tmp_path):
    p = tmp_path / "pairs.jsonl"
    p.write_text(json.dumps({"source": LONG_ZH, "target": "The meeting discussed cooperation."},
                            ensure_ascii=False) + "\n", encoding="utf-8")
    common = ("--isolated", "--select", "SRC015", "--format", "jsonl", "-o", "-", "--fail-on", "never", "-q", "--no-cache")
    res = invoke("check", str(p), "--source-lang", "zh", "--target-lang", "en", *common)
    assert res.exit_code == 0, res.output
    fs = json.loads(res.stdout)["findings"]
    assert [(f["rule"], f["severity"], f["segment"]) for f in fs] == [("SRC015", "info", "1")]
    br.set_options()
    res = invoke("check", str(p), *common)
    assert res.exit_code == 0 and json.loads(res.stdout)["findings"] == []
