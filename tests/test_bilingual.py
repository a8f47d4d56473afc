"""Bilingual inputs (XLIFF 1.2/2.0, PO, TMX, source/target JSON Lines/CSV/TSV), the segment model,
the SRC rules on real files, and what the reports say about segments."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from typer.testing import CliRunner

from qa.cli import app
from qa.bilingual import readers as br
from qa.bilingual.extract import cn_numeral_value, numbers
from qa.bilingual.model import BilingualDocument
from qa.config import Settings
from qa.api import check_paths
from qa.readers import InputError, iter_files, read_path

DATA = Path(__file__).parent / "data" / "bilingual"
ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str, cwd: Path | None = None):
    import os

    old = os.getcwd()
    try:
        os.chdir(cwd or ROOT)
        return CliRunner().invoke(app, list(args))
    finally:
        os.chdir(old)


@pytest.fixture(autouse=True)
def _default_options():
    br.set_options()
    yield
    br.set_options()


def _doc(path: Path) -> BilingualDocument:
    recs = list(read_path(str(path)))
    assert len(recs) == 1 and isinstance(recs[0], BilingualDocument), recs
    return recs[0]


def _offsets_hold(doc: BilingualDocument) -> None:
    for s in doc.segments:
        assert doc.text[s.target_start:s.target_end] == s.target
        assert doc.source_text[s.source_start:s.source_end] == s.source
        assert doc.segment_at(s.target_start) is s


# --------------------------------------------------------------------------- readers
def test_xliff_12_from_a_cat_tool():
    doc = _doc(DATA / "cat-tool-1.2.xlf")
    assert (doc.source_lang, doc.target_lang, doc.lang, doc.format) == ("en-GB", "fr-FR", "fr", "xliff")
    assert [s.id for s in doc.segments] == ["u1", "u2", "u4"]  # translate="no" skipped
    u1, u2, u4 = doc.segments
    assert u1.notes == ("Check the button label.",)
    assert u2.source == "Battery: {ph1}80%{ph2}" and u2.target == "Batterie : {ph1}80 %{ph2}"
    assert u2.codes["{ph1}"].endswith(">&lt;b&gt;</ph>") and u2.fuzzy
    assert u4.target == "" and u4.line == 23
    _offsets_hold(doc)


def test_xliff_12_inline_ids_are_the_files_ids():
    """Inline codes become placeholders named by element and id."""
    doc = _doc(DATA / "cat-tool-1.2.xlf")
    u1 = doc.segments[0]
    assert u1.source == "Press {gb1}Start{/gb1} and wait {xt1}10 seconds."
    assert u1.target == "Appuyez sur {gb1}Démarrer{/gb1} et attendez {xt1}10 secondes."


def test_xliff_20_units_segments_and_notes():
    doc = _doc(DATA / "cat-tool-2.0.xlf")
    assert (doc.source_lang, doc.target_lang, doc.lang) == ("en-US", "ja-JP", "ja")
    assert [s.id for s in doc.segments] == ["login", "items/s1", "items/s2"]
    login, s1, s2 = doc.segments
    assert login.source == "Sign in to {pc1}Example{/pc1}" and login.target == "{pc1}Example{/pc1} にサインイン"
    assert login.notes == ("Login screen title",)
    assert s1.source == "You have {ph1} new messages." and s1.target == "新しいメッセージが {ph1} 件あります。"
    assert s2.fuzzy and not s1.fuzzy
    _offsets_hold(doc)


def test_po_plurals_context_fuzzy_and_obsolete():
    doc = _doc(DATA / "plurals.po")
    assert doc.target_lang == "pl" and doc.format == "po"
    segs = doc.segments
    assert [s.id for s in segs] == ["9[0]", "9[1]", "9[2]", "18", "23", "28"]  # the entry's first line
    assert [s.source for s in segs[:3]] == ["%d file downloaded", "%d files downloaded", "%d files downloaded"]
    assert [s.target for s in segs[:3]] == ["Pobrano %d plik", "Pobrano %d pliki", "Pobrano %d plików"]
    assert [s.plural for s in segs[:3]] == [0, 1, 2] and segs[0].notes == ("Shown in the status bar",)
    assert (segs[3].context, segs[4].context) == ("verb", "noun")
    assert segs[5].fuzzy and not segs[4].fuzzy
    assert all("Old string" not in s.source for s in segs)
    _offsets_hold(doc)


def test_tmx_source_language_inline_codes_and_notes():
    doc = _doc(DATA / "memory.tmx")
    assert (doc.source_lang, doc.target_lang) == ("zh-CN", "en-US")
    a, b = doc.segments
    assert a.id == "101" and a.source == "营业收入达到{bpt1}3.2亿元{ept1}。"
    assert a.target == "Revenue reached {bpt1}320 million yuan{ept1}." and a.notes == ("From the 2024 annual report",)
    assert b.target == "The company has 2,500 employees."
    _offsets_hold(doc)


def test_correct_files_have_no_source_aware_findings():
    res = list(check_paths([str(DATA)], Settings(select=("SRC",))))
    by = {Path(r.path).name: [(f.rule, f.segment) for f in r.findings] for r in res}
    assert by["memory.tmx"] == []  # 3.2亿 = 320 million, 两千五百 = 2,500, tags kept
    assert by["plurals.po"] == []
    assert by["cat-tool-2.0.xlf"] == []
    assert by["cat-tool-1.2.xlf"] == [("SRC007", "u4")]  # the unit without a target


def test_jsonl_source_target_fields_and_languages(tmp_path):
    p = tmp_path / "pairs.jsonl"
    p.write_text('{"key": "a", "src": "共有250人。", "tgt": "There were 520 people."}\n'
                 '{"key": "b", "src": "你好", "tgt": "Hello"}\n', encoding="utf-8")
    res = invoke("check", str(p), "--isolated", "--source-field", "src", "--target-field", "tgt", "--id-field", "key",
                 "--source-lang", "zh", "--target-lang", "en", "--select", "SRC", "--format", "jsonl", "-o", "-",
                 "--fail-on", "never", "-q", "--no-cache")
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    (f,) = obj["findings"]
    assert (f["rule"], f["segment"], f["text"]) == ("SRC001", "a", "520")
    assert "the source has 250" in f["message"]
    src = "共有250人。\n你好"
    assert src[f["source_start"]:f["source_end"]] == "250"


def test_jsonl_with_source_and_target_is_read_as_bilingual_by_default(tmp_path):
    p = tmp_path / "auto.jsonl"
    p.write_text('{"source": "a b", "target": "c d"}\n', encoding="utf-8")
    (doc,) = read_path(str(p))
    assert isinstance(doc, BilingualDocument) and doc.text == "c d"
    q = tmp_path / "mono.jsonl"
    q.write_text('{"text": "plain", "source": "web"}\n', encoding="utf-8")
    (mono,) = read_path(str(q))
    assert not isinstance(mono, BilingualDocument) and mono.text == "plain"


def test_csv_and_tsv(tmp_path):
    c = tmp_path / "t.csv"
    c.write_text("id,source,target\nk1,Delete {0} files?,Dateien löschen?\n", encoding="utf-8")
    t = tmp_path / "t.tsv"
    t.write_text("Save\tSpeichern\nOpen %s\tÖffnen\n", encoding="utf-8")
    (cd,) = read_path(str(c))
    assert [(s.id, s.source, s.target) for s in cd.segments] == [("k1", "Delete {0} files?", "Dateien löschen?")]
    (td,) = read_path(str(t))
    assert [(s.id, s.source, s.target, s.line) for s in td.segments] == [("1", "Save", "Speichern", 1),
                                                                        ("2", "Open %s", "Öffnen", 2)]
    res = list(check_paths([str(c), str(t)], Settings(select=("SRC004",))))
    assert [[(f.segment, f.source_start, f.source_end) for f in r.findings] for r in res] == [[("k1", 7, 10)], [("2", 10, 12)]]


def test_folder_walk_picks_up_bilingual_suffixes(tmp_path):
    for name in ("a.xlf", "b.xliff", "c.po", "d.pot", "e.tmx", "f.tsv", "g.doc"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [Path(p).name for p in iter_files([str(tmp_path)])] == ["a.xlf", "b.xliff", "c.po", "d.pot", "e.tmx", "f.tsv"]


# --------------------------------------------------------------------------- malformed and hostile
@pytest.mark.parametrize("name, content, where", [
    ("bad.xlf", '<?xml version="1.0"?>\n<xliff version="1.2">\n  <file><body>\n  <trans-unit id="1"><source>a</target>\n</xliff>\n', "line 4, column"),
    ("bad.tmx", "<tmx version='1.4'><body><tu>\n<tuv>", "line 2, column"),
    ("bad.po", 'msgid "a"\nmsgstr "b"\nfoo bar\n', "line 3, column 1"),
    ("bad.jsonl", '{"source": "a", "target": "b"}\n{"source": "a", "target": \n', "line 2, column"),
])
def test_malformed_files_are_error_records_with_line_and_column(tmp_path, name, content, where):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    before = p.read_bytes()
    recs = list(read_path(str(p)))
    assert len(recs) == 1 and isinstance(recs[0], InputError), recs
    assert where in recs[0].error
    assert p.read_bytes() == before  # nothing written back


def test_xml_entities_are_never_expanded_and_nothing_is_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    xxe = tmp_path / "xxe.xlf"
    xxe.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>\n'
                   '<xliff version="1.2"><file source-language="en" target-language="de"><body>'
                   '<trans-unit id="1"><source>a</source><target>&s;</target></trans-unit></body></file></xliff>',
                   encoding="utf-8")
    (rec,) = read_path(str(xxe))
    assert isinstance(rec, InputError) and "entities are not expanded" in rec.error
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
                    '<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&b;</seg></tuv>'
                    '</tu></body></tmx>', encoding="utf-8")
    (rec,) = read_path(str(bomb))
    assert isinstance(rec, InputError) and "TOPSECRET" not in rec.error


def test_not_xliff_root_and_unknown_version(tmp_path):
    p = tmp_path / "x.xlf"
    p.write_text("<html><body/></html>", encoding="utf-8")
    (rec,) = read_path(str(p))
    assert isinstance(rec, InputError) and "not XLIFF" in rec.error
    p.write_text('<xliff version="9.0"/>', encoding="utf-8")
    (rec,) = read_path(str(p))
    assert "version '9.0'" in rec.error


# --------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("text, value", [("三千", 3000), ("十五", 15), ("两百万", 2000000), ("二〇二一", 2021),
                                         ("三千五百万", 35000000), ("一亿两千万", 120000000), ("五十", 50)])
def test_chinese_numerals(text, value):
    assert cn_numeral_value(text) == value


def test_number_values_in_both_conventions():
    def vals(text, lang):
        return [sorted(float(v) for v in vs) for _, _, vs in numbers(text, lang, strict=True)]

    assert vals("1,5 Mio. und 2.500 Euro", "de") == [[1.5], [2500.0]]
    assert vals("1,500 and 2.500", "en") == [[1500.0], [2.5, 2500.0]]  # 2.500: a decimal, or German thousands
    assert vals("1.5万 and 3亿 and 3,000", "zh") == [[15000.0], [3e8], [3000.0]]


# --------------------------------------------------------------------------- reports
def test_samples_bilingual_findings_name_segments_in_every_output(tmp_path):
    res = invoke("check", "samples/bilingual/", "--isolated", "--format", "jsonl,sarif,text", "--output-dir",
                 str(tmp_path), "--fail-on", "never", "-q", "--no-cache", cwd=ROOT)
    assert res.exit_code == 0, res.output
    objs = [json.loads(x) for x in (tmp_path / "qa.jsonl").read_text(encoding="utf-8").splitlines()]
    xlf = next(o for o in objs if o["path"].endswith("app.de.xlf"))
    got = {(f["rule"], f["segment"]) for f in xlf["findings"]}
    assert {("SRC001", "storage.limit"), ("SRC003", "help.link"), ("SRC004", "files.delete"),
            ("SRC004", "save.button"), ("SRC005", "error.network"), ("SRC007", "settings.hint"),
            ("SRC009", "confirm.quit")} <= got
    num = next(f for f in xlf["findings"] if f["rule"] == "SRC001")
    assert num["text"] == "520" and list(num)[-3:] == ["segment", "source_start", "source_end"]
    doc = _doc(ROOT / "samples/bilingual/app.de.xlf")
    assert doc.source_text[num["source_start"]:num["source_end"]] == "250"
    sarif = json.loads((tmp_path / "qa.sarif").read_text(encoding="utf-8"))
    r = next(x for x in sarif["runs"][0]["results"] if x["ruleId"] == "SRC001")
    assert r["properties"]["segment"] == "storage.limit"
    assert r["locations"][0]["logicalLocations"][-1]["name"] == "storage.limit"
    text = (tmp_path / "qa.txt").read_text(encoding="utf-8")
    assert "SRC001 the number 520 is not in the source (the source has 250) [segment storage.limit]" in text


def test_glossary_required_and_forbidden_terms(tmp_path):
    g = tmp_path / "g.csv"
    g.write_text("source,target,forbidden\nSettings,Einstellungen,Optionen|Präferenzen\n", encoding="utf-8")
    p = tmp_path / "ui.tsv"
    p.write_text("Open Settings\tOptionen öffnen\nSettings saved\tEinstellungen gespeichert\n", encoding="utf-8")
    res = invoke("check", str(p), "--isolated", "--glossary", str(g), "--select", "SRC013,SRC014", "--format", "jsonl",
                 "-o", "-", "--fail-on", "never", "-q", "--no-cache")
    assert res.exit_code == 0, res.output
    fs = [(f["rule"], f["segment"], f["text"]) for f in json.loads(res.stdout)["findings"]]
    assert fs == [("SRC014", "1", "Optionen"), ("SRC013", "1", "Optionen öffnen")]
    bad = tmp_path / "bad.csv"
    bad.write_text("term;translation\n", encoding="utf-8")
    res = invoke("check", str(p), "--isolated", "--glossary", str(bad))
    assert res.exit_code == 2 and "qa: error:" in res.output and "needs a header" in res.output
def test_html_shows_source_beside_target_with_spans_on_both_sides(tmp_path):
    out = tmp_path / "html"
    res = invoke("check", "samples/bilingual/app.de.xlf", "--isolated", "--html", str(out), "--fail-on", "never",
                 "-q", "--no-cache", cwd=ROOT)
    assert res.exit_code == 0, res.output
    page = next(p for p in out.rglob("*.html") if "app.de" in p.name).read_text(encoding="utf-8")
    assert 'class="segments"' in page and "storage.limit" in page
    # the number is highlighted on both sides of its row: 250 in the source, 520 in the target
    row = next(r for r in page.split("<tr") if "storage.limit" in r and "<td" in r)
    assert re.search(r'<mark class="src-hit [^"]*"[^>]*><a href="#f-\d+">250</a></mark>', row)
    assert re.search(r'<mark class="cat-mistranslation sev-error"[^>]*><a href="#f-\d+">520</a></mark>', row)
    assert "default-src 'none'" in page and "segment storage.limit" in page


def test_html_escapes_segment_text(tmp_path):
    p = tmp_path / "evil.tsv"
    p.write_text('<script>alert(1)</script> 250\t<img src=x onerror=alert(1)> 520\n', encoding="utf-8")
    out = tmp_path / "html"
    res = invoke("check", str(p), "--isolated", "--html", str(out), "--fail-on", "never", "-q", "--no-cache")
    assert res.exit_code == 0, res.output
    page = (out / "evil.tsv.html").read_text(encoding="utf-8")
    body = page.split("<body>", 1)[1]
    assert "<img" not in body and "<script>alert" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body




@pytest.mark.parametrize("name", ["pipe.xlf", "pipe.po", "pipe.tmx", "pipe.tsv", "pipe.csv"])
def test_a_fifo_with_a_bilingual_name_is_never_opened(tmp_path, name):
    import os

    fifo = tmp_path / name
    os.mkfifo(fifo)
    (rec,) = list(read_path(str(fifo)))
    assert isinstance(rec, InputError) and "FIFO" in rec.error
