"""`qa clean` on bilingual files: a corrected copy in the input's own format (XLIFF 1.2/2.0, PO,
TMX, source/target JSON Lines, CSV, TSV, Parquet) in which only target text changes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.bilingual import readers as br
from qa.bilingual.writers import clean_copy, clean_segments, read_kept
from qa.cli import app
from qa.clean import checked_findings
from qa.config import Settings
from qa.engine import make_plan
from qa.fixes import undo
from qa.model import Edit, Finding, Fix, Severity

DATA = Path(__file__).parent / "data" / "bilingual"
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
XLIFF2 = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture(autouse=True)
def _default_options():
    from qa.inputs import policy, using_policy

    br.set_options()
    with using_policy(policy()):  # the CLI's --encoding stays in the process: put the policy back
        yield
    br.set_options()


def clean(tmp_path: Path, *inputs: Path, extra: tuple[str, ...] = ()):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["clean", *map(str, inputs), "--out", str(out), "--isolated", *extra])
    return res, out


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def segments(path: Path) -> list:
    doc = next(iter(br.read_bilingual(str(path), br.bilingual_kind(str(path)))))
    assert isinstance(doc, br.BilingualDocument), doc
    return doc.segments


def same_except_targets(a: Path, b: Path, changed: dict[str, str]) -> None:
    """The re-read copy has the same segments (ids, sources, notes, flags) as the input; targets
    differ only where ``changed`` says (segment id -> the new target)."""
    before, after = segments(a), segments(b)
    assert [(s.id, s.source, s.notes, s.context, s.fuzzy, s.plural) for s in before] == \
           [(s.id, s.source, s.notes, s.context, s.fuzzy, s.plural) for s in after]
    for s, t in zip(before, after):
        assert t.target == changed.get(s.id, s.target), s.id


def same_tree_except(a: Path, b: Path, inside) -> None:
    """Every element of the copy has the input's tag and attributes, and every text node outside
    the elements ``inside(el)`` accepts is the same."""
    from lxml import etree

    ra = etree.parse(str(a)).getroot()
    rb = etree.parse(str(b)).getroot()  # the copy parses
    ea, eb = list(ra.iter()), list(rb.iter())
    assert len(ea) == len(eb)
    for x, y in zip(ea, eb):
        assert x.tag == y.tag and dict(x.attrib) == dict(y.attrib)
        if not any(inside(p) for p in [x, *x.iterancestors()]):
            assert (x.text or "").strip() == (y.text or "").strip(), x.tag
        if x.getparent() is not None and not any(inside(p) for p in x.iterancestors()):
            assert (x.tail or "").strip() == (y.tail or "").strip(), x.tag


# --------------------------------------------------------------------------- XLIFF
def test_xliff_12_copy_changes_only_target_text(tmp_path):
    src = DATA / "fixable-1.2.xlf"
    before = digest(src)
    res, out = clean(tmp_path, src)
    assert res.exit_code == 0, res.output
    copy = out / "fixable-1.2.xlf"
    assert digest(src) == before  # the input is never written to
    same_except_targets(src, copy, {
        "u1": "The café opens at {x1}8 o'clock.",
        "u2": "Press {g2}Start{/g2} and then wait for the signal.",
        "u3": "Fish & chips",
        "u6": "Line{ph3}résumé next",
    })
    same_tree_except(src, copy, lambda el: el.tag == XLIFF + "target")
    raw = copy.read_text(encoding="utf-8")
    # inline codes are the original elements; the mrk, the comment, the PI and CDATA stay
    assert '<mrk mtype="seg" mid="1">The café opens at <x id="1" ctype="x-tab"/>8 o\'clock.</mrk>' in raw
    assert 'Press <g id="2" ctype="bold">Start</g> and then wait for the signal.' in raw
    assert "Fish &amp; chips<?cat-mark kept?></target>" in raw  # a decoded & is escaped again
    assert '<![CDATA[Line]]><ph id="3">&lt;br/&gt;</ph>résumé next' in raw
    assert raw.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported by a desktop CAT tool -->\n<xliff ')
    assert 'cat:origin="tm"' in raw and "<note from=\"reviewer\">Keep the tab.</note>" in raw
    # the fix log names each edit's segment, and undoing it gives the targets back
    log = [json.loads(x) for x in (out / "qa-fixes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["rule"], e["segment"], e["before"], e["after"]) for e in log] == [
        ("ENC001", "u1", "Ã©", "é"), ("GRAM001", "u2", " the", ""), ("META111", "u3", "&amp;", "&"),
        ("ENC001", "u6", "Ã©", "é"), ("ENC001", "u6", "Ã©", "é")]


def test_xliff_20_copy_keeps_units_notes_and_inline_codes(tmp_path):
    src = DATA / "fixable-2.0.xlf"
    res, out = clean(tmp_path, src)
    assert res.exit_code == 0, res.output
    copy = out / "fixable-2.0.xlf"
    same_except_targets(src, copy, {"cart": "You have {pc1}three{/pc1} items in your cart.",
                                    "caf/s1": "The café opens at {ph1}."})
    same_tree_except(src, copy, lambda el: el.tag == XLIFF2 + "target")
    raw = copy.read_text(encoding="utf-8")
    assert '<pc id="1" dataRefStart="d1" dataRefEnd="d2">three</pc> items in your cart.' in raw
    assert 'The café opens at <ph id="1" equiv="{time}" disp="08:00"/>.' in raw
    assert '<data id="d1">&lt;b&gt;</data>' in raw and '<ignorable><source> </source></ignorable>' in raw
    assert '<segment id="s2" state="initial">' in raw  # states are not touched


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_xliff_copy_keeps_the_input_encoding(tmp_path, encoding):
    text = (DATA / "fixable-1.2.xlf").read_text(encoding="utf-8").replace('encoding="UTF-8"', f'encoding="{encoding}"')
    src = tmp_path / "in" / "x.xlf"
    src.parent.mkdir()
    src.write_bytes(text.encode(encoding.lower(), "xmlcharrefreplace"))
    res, out = clean(tmp_path, src)
    assert res.exit_code == 0, res.output
    got = (out / "x.xlf").read_bytes()
    assert got.startswith(b"\xff\xfe" if encoding == "UTF-16" else b"<?xml")
    want = text.replace("cafÃ©", "café").replace("the the", "the").replace("&amp;amp;", "&amp;").replace("rÃ©sumÃ©", "résumé")
    assert got.decode(encoding.lower()) == want  # the prolog, the layout and the declaration as they were


def test_unchanged_files_are_copied_byte_for_byte(tmp_path):
    inputs = [DATA / n for n in ("cat-tool-1.2.xlf", "cat-tool-2.0.xlf", "memory.tmx", "plurals.po")]
    res, out = clean(tmp_path, *inputs)
    assert res.exit_code == 0, res.output
    for p in inputs:
        assert (out / p.name).read_bytes() == p.read_bytes()
    assert (out / "qa-fixes.jsonl").read_text() == ""


# --------------------------------------------------------------------------- PO, TMX
def test_po_copy_keeps_comments_flags_context_plurals_and_header(tmp_path):
    import polib

    src = DATA / "fixable.po"
    res, out = clean(tmp_path, src)
    assert res.exit_code == 0, res.output
    copy = out / "fixable.po"
    same_except_targets(src, copy, {"13[0]": "%d Foto hochgeladen für dich", "13[1]": "%d Fotos hochgeladen für dich",
                                    "21": "Öffnen"})
    a, b = polib.pofile(str(src)), polib.pofile(str(copy))
    assert b.metadata == a.metadata and b.header == a.header
    assert len(a) == len(b) and len(b.obsolete_entries()) == 1
    for x, y in zip(a, b):
        assert (x.msgid, x.msgid_plural, x.msgctxt, x.flags, x.comment, x.tcomment, x.occurrences, x.obsolete) == \
               (y.msgid, y.msgid_plural, y.msgctxt, y.flags, y.comment, y.tcomment, y.occurrences, y.obsolete)
    assert b.find("%d photo uploaded").msgstr_plural == {0: "%d Foto hochgeladen für dich",
                                                         1: "%d Fotos hochgeladen für dich"}
    assert b.find("Done.").msgstr == "Fertig." and "fuzzy" in b.find("Done.").flags
    # polib writes the file, in the input's layout here: only the fixed lines differ
    import difflib

    changed = [ln for ln in difflib.ndiff(src.read_text(encoding="utf-8").splitlines(),
                                          copy.read_text(encoding="utf-8").splitlines()) if ln[:1] in "+-"]
    assert sorted(changed) == sorted(['- msgstr[0] "%d Foto hochgeladen fÃ¼r dich"',
                                      '- msgstr[1] "%d Fotos hochgeladen fÃ¼r dich"',
                                      '+ msgstr[0] "%d Foto hochgeladen für dich"',
                                      '+ msgstr[1] "%d Fotos hochgeladen für dich"',
                                      '- msgstr "Ã–ffnen"', '+ msgstr "Öffnen"'])


def test_tmx_copy_keeps_props_notes_and_codes(tmp_path):
    src = DATA / "fixable.tmx"
    res, out = clean(tmp_path, src)
    assert res.exit_code == 0, res.output
    copy = out / "fixable.tmx"
    same_except_targets(src, copy, {"7": "The {bpt1}café{ept1} is open.", "8": "Have a good trip."})
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    same_tree_except(src, copy, lambda el: el.tag == "tuv" and el.get(xml_lang) == "en-GB")
    raw = copy.read_text(encoding="utf-8")
    assert '<!DOCTYPE tmx SYSTEM "tmx14.dtd">' in raw and '<prop type="x-domain">travel</prop>' in raw
    assert '<seg>The <bpt i="1">&lt;b&gt;</bpt>café<ept i="1">&lt;/b&gt;</ept> is open.</seg>' in raw
    assert '<tuv xml:lang="fr-FR"><seg>Le <bpt i="1">&lt;b&gt;</bpt>café<ept i="1">&lt;/b&gt;</ept> est ouvert.</seg>' in raw


# --------------------------------------------------------------------------- tables
def test_jsonl_csv_tsv_copies_keep_every_record_and_field(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    lines = ['{"id": "a1", "source": "Le café est ouvert.", "target": "The cafÃ© is open.", "score": 0.9, "extra": {"k": [1, 2]}}',
             "",
             '{"id": "a2", "source": "Cliquez ici.", "target": "Click here\u2028now.", "score": 1e999}',  # a raw U+2028
             '{"id": "a3", "source": "Rien.", "target": null}']
    (d / "p.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "p.csv").write_bytes('id,source,target,reviewer\r\n"1","Le café","The cafÃ©","ann"\r\n'
                              '2,"Ligne un\nligne deux","Line one\nline twÃ©",bob\r\n3,Oui,Yes,cy\r\n'.encode())
    (d / "p.tsv").write_text("Le café\tThe cafÃ©\tkeep\nBonjour\tHello\n", encoding="utf-8")
    res, out = clean(tmp_path, d)
    assert res.exit_code == 0, res.output
    got = (out / "p.jsonl").read_text(encoding="utf-8").split("\n")
    assert got[0] == lines[0].replace("cafÃ©", "café") and got[1:] == lines[1:] + [""]
    assert (out / "p.csv").read_bytes() == ('id,source,target,reviewer\r\n"1","Le café","The café","ann"\r\n'
                                            '2,"Ligne un\nligne deux","Line one\nline twé",bob\r\n3,Oui,Yes,cy\r\n').encode()
    assert (out / "p.tsv").read_text(encoding="utf-8") == "Le café\tThe café\tkeep\nBonjour\tHello\n"
    log = [json.loads(x) for x in (out / "qa-fixes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted((e["file"].rsplit("/", 1)[-1], e["segment"]) for e in log) == [
        ("p.csv", "1"), ("p.csv", "2"), ("p.jsonl", "a1"), ("p.tsv", "1")]


def test_a_fix_that_touches_a_placeholder_is_not_applied(tmp_path):
    p = tmp_path / "p.jsonl"
    p.write_text('{"source": "Cliquez ici.", "target": "Click <b>here</b> now, cafÃ©."}\n', encoding="utf-8")
    res, out = clean(tmp_path, p)
    assert res.exit_code == 0, res.output
    # META110 would delete the tags: they are placeholders of the pair, so only ENC001 applies
    assert json.loads((out / "p.jsonl").read_text(encoding="utf-8"))["target"] == "Click <b>here</b> now, café."
    # XLIFF: an edit over an inline code, or across the edge of a <mrk>, is not applied
    data, doc, keep = read_kept(str(DATA / "fixable-1.2.xlf"), "xliff")
    seg = doc.segments[0]
    assert seg.target == "The cafÃ© opens at {x1}8 o'clock."
    at = seg.target_start + seg.target.index("{x1}")

    def fake(edits):  # a rule that proposes ``edits`` on the text as read, and nothing after
        return lambda d: [Finding("T001", "t", "test", Severity.WARNING, e.start, e.end, "m", fix=Fix((e,)))
                          for e in edits] if d.text == doc.text else []

    for e in (Edit(at, at + 4, ""), Edit(at - 1, at + 1, ""), Edit(at + 2, at + 2, "?")):
        r = clean_segments(doc, keep.slots, fake([e]))
        assert not r.changed and r.skipped == 1, e
    r = clean_segments(doc, keep.slots, fake([Edit(at, at, "\t")]))  # an insertion beside the code maps
    assert r.targets[0] == "The cafÃ© opens at \t{x1}8 o'clock." and r.skipped == 0
    data, doc, keep = read_kept(str(DATA / "fixable-1.2.xlf"), "xliff")
    s2 = doc.segments[1]  # "Press {g2}Start{/g2} and ...": an edit into the paired code's edge
    i = s2.target_start + s2.target.index("Start{/g2}")
    r = clean_segments(doc, keep.slots, fake([Edit(i + 3, i + 7, "")]))
    assert not r.changed and r.skipped == 1
    end = doc.segments[0].target_end  # an edit over the \n between two targets
    r = clean_segments(doc, keep.slots, fake([Edit(end - 1, end + 1, " ")]))
    assert not r.changed and r.skipped == 1


def test_clean_log_undoes_to_the_document_and_decisions_are_respected(tmp_path):
    from qa.baseline import result_fingerprints
    from qa.api import check_paths

    src = DATA / "fixable-1.2.xlf"
    plan = make_plan(Settings())
    res, data, copy = clean_copy(str(src), "xliff", lambda d: checked_findings(d, plan))
    assert res.changed and copy != data
    assert undo(res.text, [e for e, _seg in res.log]) == res.doc.text
    # dismiss the GRAM001 finding: its fix is not applied, the others are
    results = list(check_paths([str(src)], Settings()))
    r = results[0]
    fp = {f.rule: x for f, x in zip(r.findings, result_fingerprints(r))}["GRAM001"]
    dec = tmp_path / "qa-decisions.json"
    dec.write_text(json.dumps({"version": 2, "decisions": [{"fingerprint": fp, "decision": "dismiss"}]}))
    out, outdir = clean(tmp_path, src, extra=("--decisions", str(dec)))
    assert out.exit_code == 0, out.output
    cleaned = {s.id: s.target for s in segments(outdir / src.name)}
    assert cleaned["u2"].endswith("wait for the the signal.") and cleaned["u1"].startswith("The café")


def test_malformed_file_is_a_per_file_error_and_the_others_are_written(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(DATA / "fixable.tmx", d / "good.tmx")
    (d / "bad.xlf").write_text('<?xml version="1.0"?>\n<xliff version="1.2"><file><body>\n<trans-unit id="1">'
                               "<source>a</source><target>b</trans-unit></body></file></xliff>\n", encoding="utf-8")
    (d / "bad.po").write_text('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', encoding="utf-8")
    res, out = clean(tmp_path, d)
    assert res.exit_code == 2
    assert "not written: " in res.output and "bad.xlf: line 3, column" in res.output
    assert "not well-formed XLIFF" in res.output and "bad.po: line 3, column 1: not a valid PO file" in res.output
    assert (out / "good.tmx").exists() and not (out / "bad.xlf").exists()
    manifest = json.loads((out / ".qa-clean.json").read_text())
    assert sorted(x["file"].rsplit("/", 1)[-1] for x in manifest["not_written"]) == ["bad.po", "bad.xlf"]


def test_diff_of_a_bilingual_file(tmp_path):
    res = CliRunner().invoke(app, ["clean", str(DATA / "fixable.tmx"), "--diff", "--isolated"])
    assert res.exit_code == 0, res.output
    assert '-      <tuv xml:lang="en-GB"><seg>Have a a good trip.</seg></tuv>' in res.stdout
    assert '+      <tuv xml:lang="en-GB"><seg>Have a good trip.</seg></tuv>' in res.stdout


# --------------------------------------------------------------------------- Parquet
def test_bilingual_parquet_is_checked_and_cleaned_with_every_column_kept(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"id": ["s1", "s2", "s3"],
                      "zh": ["他买了250本书。", "咖啡馆开门了。", "今天下雨。"],
                      "en": ["He bought 520 books.", "The cafÃ© is open.", None],
                      "score": pa.array([0.5, 0.25, 1.0], type=pa.float32()),
                      "tags": [["a"], [], ["b", "c"]]})
    p = tmp_path / "pairs.parquet"
    pq.write_table(table, p, compression="zstd", row_group_size=2)
    res = CliRunner().invoke(app, ["check", str(p), "--source-field", "zh", "--target-field", "en", "--isolated",
                                   "--no-cache", "--format", "jsonl", "-q", "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["id"] == "pairs.parquet"
    assert ("SRC001", "s1", "520") in [(f["rule"], f["segment"], f["text"]) for f in doc["findings"]]
    before = digest(p)
    res, out = clean(tmp_path, p, extra=("--source-field", "zh", "--target-field", "en"))
    assert res.exit_code == 0, res.output
    assert digest(p) == before
    got = pq.ParquetFile(out / "pairs.parquet")
    assert got.schema_arrow == table.schema and got.metadata.num_row_groups == 2
    assert got.metadata.row_group(0).column(0).compression == "ZSTD"
    rows = got.read().to_pylist()
    assert [r["en"] for r in rows] == ["He bought 520 books.", "The café is open.", None]
    assert [(r["id"], r["zh"], r["score"], r["tags"]) for r in rows] == \
           [(r["id"], r["zh"], r["score"], r["tags"]) for r in table.to_pylist()]
    # without the fields: bilingual when the columns are there and there is no text column
    br.set_options()
    assert br.bilingual_kind(str(p)) is None  # zh/en are not the default names
    q = tmp_path / "st.parquet"
    pq.write_table(pa.table({"source": ["Bonjour."], "target": ["Hello."]}), q)
    assert br.bilingual_kind(str(q)) == "parquet"
    pq.write_table(pa.table({"text": ["x"], "source": ["Bonjour."], "target": ["Hello."]}), q)
    assert br.bilingual_kind(str(q)) is None


def test_po_without_a_header_gets_none_and_multiline_strings_stay_readable(tmp_path):
    import polib

    d = tmp_path / "in"
    d.mkdir()
    (d / "a.po").write_text('#: a.c:1\nmsgid "Open the file"\nmsgstr "Open the the file"\n', encoding="utf-8")
    (d / "b.po").write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\n#: b.c:2\nmsgid "Line one\\n"\n"Line two"\n'
                            'msgstr ""\n"First line\\n"\n"Second cafÃ© line"\n', encoding="utf-8")
    res, out = clean(tmp_path, d)
    assert res.exit_code == 0, res.output
    assert (out / "a.po").read_text(encoding="utf-8") == '#: a.c:1\nmsgid "Open the file"\nmsgstr "Open the file"\n'
    b = polib.pofile(str(out / "b.po"))
    assert b.metadata == {"Language": "en"} and b[0].msgstr == "First line\nSecond café line"
    assert b[0].occurrences == [("b.c", "2")]


@pytest.mark.parametrize("name", ["fixable-1.2.xlf", "fixable-2.0.xlf", "fixable.po", "fixable.tmx"])
def test_re_read_copy_differs_from_the_input_only_by_the_logged_edits(tmp_path, name):
    from qa.fixes import LogEntry

    src = DATA / name
    res, out = clean(tmp_path, src)
    assert res.exit_code == 0, res.output
    doc_in = next(iter(br.read_bilingual(str(src), br.bilingual_kind(str(src)))))
    doc_out = next(iter(br.read_bilingual(str(out / name), br.bilingual_kind(str(src)))))
    log = [json.loads(x) for x in (out / "qa-fixes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert log and doc_out.text != doc_in.text
    entries = [LogEntry(e["rule"], e["start"], e["end"], e["before"], e["after"], e["round"]) for e in log]
    assert undo(doc_out.text, entries) == doc_in.text  # the re-read targets, less the logged edits
    assert doc_out.source_text == doc_in.source_text
    for e in log:  # each edit lies inside the target of the segment it names
        seg = next(s for s in doc_in.segments if s.id == e["segment"])
        assert seg.target_start <= e["start"] <= e["end"] <= seg.target_end or e["round"] > 1


def test_csv_read_with_encoding_is_written_back_in_it(tmp_path):
    p = tmp_path / "in" / "w.csv"
    p.parent.mkdir()
    p.write_bytes(b"source,target\r\nLe caf\xe9,The caf\xc3\xa9 is open\r\nOui,Yes\r\n")  # cp1252 bytes
    res, out = clean(tmp_path, p, extra=("--encoding", "cp1252"))
    assert res.exit_code == 0, res.output
    assert (out / "w.csv").read_bytes() == b"source,target\r\nLe caf\xe9,The caf\xe9 is open\r\nOui,Yes\r\n"
