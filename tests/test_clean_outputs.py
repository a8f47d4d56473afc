"""`qa clean` keeps every record of structured inputs, and outputs never overwrite or get read
back as inputs; interrupted runs leave nothing that looks complete; long names do not break
the HTML report or the cleaned copies."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import pyarrow as pa
import pyarrow.parquet as pq
import zstandard
from typer.testing import CliRunner

from qa.clean import clean_text
from qa.cli import app

runner = CliRunner()
QA = [sys.executable, "-m", "qa"]


def _cleaned(text: str) -> str:
    return clean_text(text).text


def _clean(*args: str):
    return runner.invoke(app, ["clean", *args, "--isolated"])


# --------------------------------------------------------------------------- 1. CSV, Parquet, compressed
CSV_ROWS = (
    b"id,text,score,note\n"
    b"r1,It ended there.She left.,1.5,plain\n"
    b'r2,"Quoted, with a comma.It was late.",2,"note, with comma"\n'
    b'r3,"Two\nlines.She left.",3,x\n'
    b"r4,No change is needed here.,,\n"
    b"\n"
    b"r5,Too few cells.She left.\n"
    b"r6,Extra cells.She left.,4,n,EXTRA1,EXTRA2\n"
    b"r7,Bad byte \xe9 here.She left.,5,n\n"
    b'r8,"He said ""no"".She left.",6,q\n'
)


def test_clean_csv_keeps_every_record(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "t.csv").write_bytes(CSV_ROWS)
    r = _clean(str(src), "--out", str(tmp_path / "out"))
    assert r.exit_code == 2, r.output  # row r7 is not UTF-8: copied unchanged, reported
    assert "copied unchanged" in r.output and "row 7" in r.output
    out = (tmp_path / "out" / "t.csv").read_bytes()
    assert (src / "t.csv").read_bytes() == CSV_ROWS  # the input is untouched
    rows_in = list(csv.reader(io.StringIO(CSV_ROWS.decode("utf-8", "surrogateescape"), newline="")))
    rows_out = list(csv.reader(io.StringIO(out.decode("utf-8", "surrogateescape"), newline="")))
    assert len(rows_out) == len(rows_in) == 10
    assert rows_out[0] == rows_in[0] == ["id", "text", "score", "note"]
    changed = 0
    for a, b in zip(rows_in, rows_out):
        assert len(a) == len(b)  # the same cells, also in the short and the long row
        if not a:
            assert b == []
            continue
        assert [c for i, c in enumerate(a) if i != 1] == [c for i, c in enumerate(b) if i != 1]
        if a[0] == "r7":  # not readable as UTF-8: kept as it was
            assert b[1] == a[1]
        elif a[0] != "id":
            assert b[1] == _cleaned(a[1])
            changed += b[1] != a[1]
    assert changed == 6
    lines_out = out.split(b"\n")
    # unchanged rows (and the blank line) are byte for byte the input's
    for raw in (b"id,text,score,note", b"r4,No change is needed here.,,", b"", b"r7,Bad byte \xe9 here.She left.,5,n"):
        assert raw in lines_out
    assert b'r2,"Quoted, with a comma. It was late.",2,"note, with comma"' in lines_out
    assert b'r8,"He said ""no"". She left.",6,q' in lines_out
    assert b"r6,Extra cells. She left.,4,n,EXTRA1,EXTRA2" in lines_out
    log = [json.loads(x) for x in (tmp_path / "out" / "qa-fixes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["id"] for e in log} == {"r1", "r2", "r3", "r5", "r6", "r8"}


def test_clean_csv_keeps_bom_quoting_and_line_endings_and_gzip(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    data = ('\ufeff"id","text","n"\r\n"a","It ended there.She left.","1"\r\n"b","Fine as it is.","2"\r\n'
            ).encode("utf-8")
    (src / "q.csv.gz").write_bytes(gzip.compress(data))
    r = _clean(str(src), "--out", str(tmp_path / "out"))
    assert r.exit_code == 0, r.output
    raw = (tmp_path / "out" / "q.csv.gz").read_bytes()
    assert raw[:2] == b"\x1f\x8b"  # still gzip
    assert gzip.decompress(raw) == data.replace(b'"It ended there.She left."', b'"It ended there. She left."')


def _parquet_table() -> pa.Table:
    schema = pa.schema([
        pa.field("id", pa.string(), nullable=False),
        pa.field("text", pa.large_string()),
        pa.field("n", pa.int64()),
        pa.field("x", pa.float64()),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("info", pa.struct([("a", pa.int32()), ("b", pa.string())])),
        pa.field("when", pa.timestamp("ms")),
        pa.field("cat", pa.dictionary(pa.int32(), pa.string())),
        pa.field("flag", pa.bool_()),
    ], metadata={b"origin": b"written by a test"})
    texts = ["It ended there.She left.", None, "Nothing to fix in this one.", "Row four.He said so.",
             "The last row.It ends here."]
    return pa.table({
        "id": [f"p{i}" for i in range(5)],
        "text": texts,
        "n": [1, None, 3, 4, 5],
        "x": [0.5, float("nan"), None, 1e300, -0.0],
        "tags": [["a"], [], None, ["b", "c"], ["d"]],
        "info": [{"a": 1, "b": "x"}, None, {"a": None, "b": None}, {"a": 4, "b": "y"}, {"a": 5, "b": ""}],
        "when": [0, 1_000, None, 86_400_000, 1],
        "cat": pa.array(["u", "v", "u", None, "v"]).dictionary_encode().cast(pa.dictionary(pa.int32(), pa.string())),
        "flag": [True, None, False, True, False],
    }, schema=schema)


def test_clean_parquet_keeps_schema_columns_types_and_row_order(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    table = _parquet_table()
    pq.write_table(table, src / "p.parquet", row_group_size=3, compression="zstd")
    r = _clean(str(src), "--out", str(tmp_path / "out"))
    assert r.exit_code == 2, r.output  # the row whose text is null is copied unchanged and reported
    assert "copied unchanged" in r.output and "p.parquet:2" in r.output
    out = tmp_path / "out" / "p.parquet"
    assert pq.read_schema(out).equals(pq.read_schema(src / "p.parquet"), check_metadata=True)
    md_in, md_out = pq.ParquetFile(src / "p.parquet").metadata, pq.ParquetFile(out).metadata
    assert md_out.num_rows == 5 and md_out.num_row_groups == md_in.num_row_groups == 2
    assert [md_out.row_group(i).num_rows for i in range(2)] == [3, 2]
    assert md_out.row_group(0).column(0).compression == "ZSTD"
    got, orig = pq.read_table(out), pq.read_table(src / "p.parquet")
    for name in table.column_names:
        if name != "text":  # repr: NaN equals NaN, and -0.0 differs from 0.0
            assert got.column(name).type == orig.column(name).type, name
            assert repr(got.column(name).to_pylist()) == repr(orig.column(name).to_pylist()), name
    texts = table.column("text").to_pylist()
    assert got.column("text").to_pylist() == [None if t is None else _cleaned(t) for t in texts]
    assert got.column("text").to_pylist()[0] == "It ended there. She left."
    assert got.column("text").to_pylist()[2] == texts[2]


def test_clean_compressed_jsonl_stays_compressed_in_the_same_codec(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    lines = [{"id": "g1", "text": "It ended there.She left.", "extra": {"k": [1, None]}},
             {"id": "g2", "text": "Nothing to change."}]
    data = "".join(json.dumps(x) + "\n" for x in lines).encode("utf-8")
    (src / "a.jsonl.gz").write_bytes(gzip.compress(data))
    (src / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    r = _clean(str(src), "--out", str(tmp_path / "out"))
    assert r.exit_code == 0, r.output
    expect = data.replace(b"there.She", b"there. She")
    gz = (tmp_path / "out" / "a.jsonl.gz").read_bytes()
    zs = (tmp_path / "out" / "b.jsonl.zst").read_bytes()
    assert gz[:2] == b"\x1f\x8b" and gzip.decompress(gz) == expect
    assert zs[:4] == b"\x28\xb5\x2f\xfd"
    assert zstandard.ZstdDecompressor().stream_reader(io.BytesIO(zs)).read() == expect
    # reproducible: gzip carries no time stamp
    r = _clean(str(src), "--out", str(tmp_path / "out"))
    assert (tmp_path / "out" / "a.jsonl.gz").read_bytes() == gz


# --------------------------------------------------------------------------- 2. JSON Lines
JSONL_LINES = [
    b'\xef\xbb\xbf{"id": "n1", "text": "It ended there.She left.", "meta": {"src": "web", "tags": ["a", "b"], '
    b'"deep": {"x": null}}, "score": 1e999, "n": 1.0, "big": 12345678901234567890}\n',
    b'{"text":"No change is needed here.","id":"n2","list":[1,2.50,{"k":null}],"none":null}\n',
    b"\n",
    b"{bad json\n",
    b"[1, 2, 3]\n",
    b'{"id": "n3", "body": "no text field"}\n',
    b'{"id": "n4", "text": "Caf\xe9 bad bytes.She left."}\n',
    b'{"id": "n5", "text": "Lone \\ud800 surrogate.She left."}\n',
    b'{"id": 6, "text": "Escaped \\u00e9t\\u00e9 text.It was hot.", "f": -0.0, "e": 2E+3}\r\n',
    b'{"text": "Dup key first.", "text": "Second wins.He said.", "id": "n7"}\n',
    b'  {"id": "n8", "text": "Spaces around.It stays." }  \n',
    b'{"id": "n9", "text": "Unicode \xe2\x80\x94 dash.It works.", "nan": NaN, "inf": -Infinity}\n',
    b'{"text": "No id, so the line number is the id.Yes."}\n',
    b'{"id": "n10", "text": "Last line without a newline.She left."}',
]
BAD = {3, 4, 5, 6, 7}  # 0-based: bad JSON, not an object, no text field, bad UTF-8, lone surrogate


def _tokens(line: bytes):
    """The line parsed with every number and constant kept as its literal token, objects as
    lists of (key, value) pairs: order, duplicates and spelling all count."""
    text = line.decode("utf-8").lstrip("\ufeff")
    return json.loads(text, object_pairs_hook=list, parse_float=lambda s: ("float", s),
                      parse_int=lambda s: ("int", s), parse_constant=lambda s: ("const", s))


def test_clean_jsonl_round_trip_keeps_every_line_field_type_and_key_order(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    data = b"".join(JSONL_LINES)
    (src / "c.jsonl").write_bytes(data)
    r = _clean(str(src), "--out", str(tmp_path / "out"))
    assert r.exit_code == 2, r.output
    for n in (4, 5, 6, 7, 8):
        assert f"c.jsonl:{n}]" in r.output  # each unreadable line is reported
    out = (tmp_path / "out" / "c.jsonl").read_bytes()
    got = out.splitlines(keepends=True)
    assert len(got) == len(JSONL_LINES)
    changed = 0
    for i, (a, b) in enumerate(zip(JSONL_LINES, got)):
        if i in BAD or not a.strip():
            assert b == a, i  # copied byte for byte
            continue
        ta, tb = _tokens(a), _tokens(b)
        k = max(j for j, (key, _v) in enumerate(ta) if key == "text")
        expect = [(key, _cleaned(v) if j == k else v) for j, (key, v) in enumerate(ta)]
        assert tb == expect, i  # every key, value, number token and the key order
        changed += a != b
    assert changed == 7
    # only the text value changed: every other byte of the line is the input's
    fixes = {0: b"there.She", 8: b"text.It", 9: b"wins.He", 10: b"around.It", 11: b"dash.It", 12: b"id.Yes",
             13: b"newline.She"}
    for i, frag in fixes.items():
        assert got[i] == JSONL_LINES[i].replace(frag, frag.replace(b".", b". ")), i
    assert got[1] == JSONL_LINES[1]
    assert b"Infinity" not in out.replace(b"-Infinity", b"")
    assert b'"score": 1e999' in got[0] and b"12345678901234567890" in got[0] and b'"n": 1.0' in got[0]
    assert got[0].startswith(b"\xef\xbb\xbf{")
    assert got[8].endswith(b"\r\n") and b"\\u00e9t\\u00e9" in got[8] and b"-0.0" in got[8] and b"2E+3" in got[8]
    assert got[9] == b'{"text": "Dup key first.", "text": "Second wins. He said.", "id": "n7"}\n'
    assert got[10] == b'  {"id": "n8", "text": "Spaces around. It stays." }  \n'
    assert got[11] == b'{"id": "n9", "text": "Unicode \xe2\x80\x94 dash. It works.", "nan": NaN, "inf": -Infinity}\n'
    assert got[13] == b'{"id": "n10", "text": "Last line without a newline. She left."}'
    log = [json.loads(x) for x in (tmp_path / "out" / "qa-fixes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["id"] for e in log} == {"n1", "6", "n7", "n8", "n9", "c.jsonl:13", "n10"}
    manifest = json.loads((tmp_path / "out" / ".qa-clean.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in manifest["copied_unchanged"]] == [f"c.jsonl:{n}" for n in (4, 5, 6, 7, 8)]


def test_jsonl_text_value_replacement_keeps_every_other_token_on_random_lines():
    """Random objects (nested, lists, nulls, big and odd numbers, escapes, a nested "text" key,
    several spacing styles): only the top-level text value changes, every token stays."""
    import random

    from qa.clean_formats import replace_text_value

    rng = random.Random(15)

    def value(depth: int):
        k = rng.randrange(7 if depth < 3 else 5)
        if k == 0:
            return None
        if k == 1:
            return rng.random() < 0.5
        if k == 2:
            return rng.randint(-10**20, 10**20)
        if k == 3:
            return rng.choice([0.5, -0.0, 1e300, 2.5e-7, 1.0])
        if k == 4:
            return rng.choice(["plain", "caf\u00e9 \"q\" \\ \n", "\u2028 sep", "emoji \U0001F600"])
        if k == 5:
            return [value(depth + 1) for _ in range(rng.randrange(3))]
        return {rng.choice(["text", "a", "b", "id"]): value(depth + 1) for _ in range(rng.randrange(3))}

    for n in range(400):
        pairs = [(f"f{j}", value(0)) for j in range(rng.randrange(5))]
        pairs.insert(rng.randrange(len(pairs) + 1), ("text", rng.choice(["It ended there.She left.", "caf\u00e9"])))
        sep = rng.choice([(",", ":"), (", ", ": "), (" , ", " : ")])
        line = json.dumps(dict(pairs), ensure_ascii=rng.random() < 0.5, separators=sep) + rng.choice(["\n", "\r\n", ""])
        new = f"New text {n} \u2014 with \"quotes\", a \\ backslash and a\nline break."
        raw = line.encode("utf-8")
        out = replace_text_value(raw, "text", new)
        assert out is not None
        want = [(k, new if k == "text" else v) for k, v in _tokens(raw)]
        assert _tokens(out) == want, line
        ending = raw[len(raw.rstrip(b"\r\n")):]
        assert out.rstrip(b"\r\n") + ending == out  # the same line ending


# --------------------------------------------------------------------------- 3. never over an input
def _tree(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("It ended there.She left.", encoding="utf-8")
    return src


def _check(*args: str):
    return runner.invoke(app, ["check", *args, "--isolated", "-q", "--fail-on", "never"])


def test_check_refuses_an_output_that_is_an_input(tmp_path):
    src = _tree(tmp_path)
    os.link(src / "a.txt", tmp_path / "hard.txt")
    os.symlink(src / "a.txt", tmp_path / "soft.txt")
    for target in (src / "a.txt", tmp_path / "hard.txt", tmp_path / "soft.txt"):
        r = _check(str(src), "-f", "jsonl", "-o", str(target))
        assert r.exit_code == 2, (target, r.output)
        assert r.output.startswith("qa: error: refusing to write -o") and "that is the input" in r.output
    r = runner.invoke(app, ["baseline", str(src), "-o", str(src / "a.txt"), "--isolated", "-q"])
    assert r.exit_code == 2 and "qa: error: refusing" in r.output
    assert (src / "a.txt").read_text(encoding="utf-8") == "It ended there.She left."


def test_check_output_inside_an_input_folder_is_never_read_back(tmp_path):
    src = _tree(tmp_path)
    for args in (["-f", "jsonl", "-o", str(src / "findings.jsonl")],
                 ["-f", "text", "-o", str(src / "report.txt")],
                 ["-f", "jsonl,sarif", "--output-dir", str(src / "results")]):
        r = _check(str(src), *args)
        assert r.exit_code == 2 and "the next run would read it as an input" in r.output, r.output
    assert sorted(p.name for p in src.iterdir()) == ["a.txt"]
    # outputs the folder walk never reads may go there, and the next run reads the same inputs
    r = _check(str(src), "-f", "sarif", "-o", str(src / "qa.sarif"), "--html", str(src / "html"))
    assert r.exit_code == 0, r.output
    r = _check(str(src), "-f", "jsonl", "-o", str(tmp_path / "again.jsonl"))
    assert r.exit_code == 0
    recs = [json.loads(x) for x in (tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in recs] == ["a.txt"]


def test_clean_refuses_a_fix_log_that_is_an_input(tmp_path):
    src = _tree(tmp_path)
    os.link(src / "a.txt", tmp_path / "hard.txt")
    for log in (src / "a.txt", tmp_path / "hard.txt", src / "log.jsonl"):
        r = _clean(str(src), "--out", str(tmp_path / "o"), "--fix-log", str(log))
        assert r.exit_code == 2 and r.output.startswith("qa: error: refusing to write the fix log"), r.output
    assert (src / "a.txt").read_text(encoding="utf-8") == "It ended there.She left."
    assert not (tmp_path / "o").exists()
    r = _clean(str(src), "--out", str(tmp_path / "o"), "--fix-log", str(tmp_path / "fixes.jsonl"))
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "fixes.jsonl").read_text(encoding="utf-8").splitlines()[0])["rule"] == "PUN002"


def test_clean_inputs_with_the_same_base_name_get_distinct_copies(tmp_path):
    for d, text in (("in", "It ended there.She left."), ("other", "Row one.He left."), ("in/deep", "Deep one.Yes.")):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
        (tmp_path / d / "a.txt").write_text(text, encoding="utf-8")
    os.chdir(tmp_path)
    r = _clean("in/a.txt", "other/a.txt", "--out", "o")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o/in/a.txt").read_text(encoding="utf-8") == "It ended there. She left."
    assert (tmp_path / "o/other/a.txt").read_text(encoding="utf-8") == "Row one. He left."
    r = _clean("in/**/a.txt", "--out", "g")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "g/a.txt").read_text(encoding="utf-8") == "It ended there. She left."
    assert (tmp_path / "g/deep/a.txt").read_text(encoding="utf-8") == "Deep one. Yes."
    r = _clean("in", "other", "--out", "two")
    assert r.exit_code == 0, r.output
    assert sorted(str(p.relative_to(tmp_path / "two")) for p in (tmp_path / "two").rglob("*.txt")) == [
        "in/a.txt", "in/deep/a.txt", "other/a.txt"]
    # a single folder is mirrored from inside it
    r = _clean("in", "--out", "one")
    assert sorted(str(p.relative_to(tmp_path / "one")) for p in (tmp_path / "one").rglob("*.txt")) == [
        "a.txt", "deep/a.txt"]


def test_clean_input_named_like_the_fix_log_is_not_overwritten(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    rec = json.dumps({"id": "x", "text": "It ended there.She left."}) + "\n"
    (src / "qa-fixes.jsonl").write_text(rec, encoding="utf-8")
    r = _clean(str(src), "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and "qa: error:" in r.output and "--fix-log" in r.output, r.output
    assert not (tmp_path / "o").exists()
    r = _clean(str(src), "--out", str(tmp_path / "o"), "--fix-log", str(tmp_path / "log.jsonl"))
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "o" / "qa-fixes.jsonl").read_text(encoding="utf-8")) == {
        "id": "x", "text": "It ended there. She left."}
    assert json.loads((tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()[0])["id"] == "x"


def test_clean_never_replaces_a_folder_it_did_not_write(tmp_path):
    src = _tree(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    r = _clean(str(src), "--out", str(mine))
    assert r.exit_code == 2 and "not written by qa clean" in r.output
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    # an input inside --out would be removed with the old output: refused
    r = _clean(str(mine / "notes.txt"), "--out", str(mine))
    assert r.exit_code == 2 and "refusing" in r.output
    # a folder written by qa clean is replaced; a file added to it later stops that
    out = tmp_path / "o"
    assert _clean(str(src), "--out", str(out)).exit_code == 0
    assert _clean(str(src), "--out", str(out)).exit_code == 0
    (out / "added.txt").write_text("mine", encoding="utf-8")
    r = _clean(str(src), "--out", str(out))
    assert r.exit_code == 2 and "added.txt" in r.output
    assert (out / "added.txt").exists()


# --------------------------------------------------------------------------- 4. interruptions
def _popen(args, cwd):
    return subprocess.Popen(QA + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def _wait_for(pred, timeout=120.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return False


def _staging(parent: Path, name: str) -> list[Path]:
    return [p for p in parent.iterdir() if p.name.startswith(f".{name}.qa-staging-")]


def _stop_mid_run(proc, parent: Path, name: str) -> None:
    """Freeze the process while its staging folder exists (so the run is surely unfinished), once
    the folder carries its mark: a process stopped between making the folder and marking it
    leaves an unmarked folder, which no sweep may take for qa's (a load-dependent race)."""
    assert _wait_for(lambda: any((p / ".qa-staging").exists() for p in _staging(parent, name))
                     or proc.poll() is not None)
    proc.send_signal(signal.SIGSTOP)
    assert _staging(parent, name), "the run ended before it could be interrupted"


def _corpus(root: Path, n: int = 200) -> None:
    root.mkdir()
    for i in range(n):
        (root / f"d{i:03}.txt").write_text("It ended there.She left. " * 150, encoding="utf-8")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupted_clean_leaves_the_previous_output_whole_and_no_staging(tmp_path, jobs):
    root = tmp_path / "in"
    _corpus(root)
    (root / "d000.txt").write_text("First run.It was short.", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(QA + ["clean", str(root / "d000.txt"), "--out", str(out), "--isolated", "-q"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == {"d000.txt", "qa-fixes.jsonl", ".qa-clean.json"}
    for sig in (signal.SIGTERM, signal.SIGINT):  # with a worker pool (-j 2) the signal may reach
        # one of the pool's threads: the run still stops before it replaces the output
        proc = _popen(["clean", str(root), "--out", str(out), "--isolated", "-j", jobs], tmp_path)
        _stop_mid_run(proc, tmp_path, "out")
        proc.send_signal(sig)
        proc.send_signal(signal.SIGCONT)
        _o, err = proc.communicate(timeout=120)
        assert proc.returncode == 128 + sig, err
        assert "Traceback" not in err and "run the same command again" in err
        # --out is exactly the previous complete run: no mix of old and new files, no stale log
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_clean_after_kill9_removes_the_stale_staging_folder(tmp_path):
    root = tmp_path / "in"
    _corpus(root)
    out = tmp_path / "out"
    proc = _popen(["clean", str(root), "--out", str(out), "--isolated", "-j", "1"], tmp_path)
    _stop_mid_run(proc, tmp_path, "out")
    proc.kill()
    proc.communicate(timeout=60)
    stale = _staging(tmp_path, "out")
    assert stale and not out.exists()  # SIGKILL cannot be handled: the staging folder stays
    r = subprocess.run(QA + ["clean", str(root / "d001.txt"), "--out", str(out), "--isolated", "-q"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert not any(p.exists() for p in stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def _jsonl_corpus(path: Path, n: int = 3000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"r{i}", "text": "It ended there.She left. The council met.It was close. " * 10}) + "\n")


def test_interrupted_check_with_an_output_file_leaves_no_temporary_file(tmp_path):
    src = tmp_path / "in" / "c.jsonl"
    _jsonl_corpus(src)
    res = tmp_path / "res"
    res.mkdir()

    def temps():
        return [p for p in res.iterdir() if p.name.endswith(".tmp")]

    args = ["check", str(src.parent), "-f", "jsonl", "-o", str(res / "f.jsonl"), "-j", "1", "--isolated",
            "--fail-on", "never"]
    for sig in (signal.SIGINT, signal.SIGTERM):
        proc = _popen(args, tmp_path)
        assert _wait_for(lambda: bool(temps()) or proc.poll() is not None)
        proc.send_signal(signal.SIGSTOP)
        assert temps(), "the run ended before it could be interrupted"
        proc.send_signal(sig)
        proc.send_signal(signal.SIGCONT)
        _o, err = proc.communicate(timeout=120)
        assert proc.returncode == 128 + sig, err
        assert "no partial output file was left" in err
        assert list(res.iterdir()) == []  # neither the output nor its temporary file
    # SIGKILL leaves the temporary file (named for the dead process); the next run removes it
    proc = _popen(args, tmp_path)
    assert _wait_for(lambda: bool(temps()) or proc.poll() is not None)
    proc.kill()
    proc.communicate(timeout=60)
    left = temps()
    assert len(left) == 1 and f".qa-{proc.pid}-" in left[0].name
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.txt").write_text("It ended there.She left.", encoding="utf-8")
    r = subprocess.run(QA + ["check", str(small), "-f", "jsonl", "-o", str(res / "f.jsonl"), "--isolated",
                             "--fail-on", "never"], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert [p.name for p in res.iterdir()] == ["f.jsonl"]


# --------------------------------------------------------------------------- 15. long names
def test_long_file_names_work_in_html_and_clean(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    names = ["b" * 251 + ".txt", "\U0001F600" * 61 + ".txt", "é" * 123 + ".md"]  # 255, 248, 249 bytes
    for n in names:
        (src / n).write_text("It ended there.She left.", encoding="utf-8")
    (src / ("c" * 240 + ".jsonl")).write_text(
        json.dumps({"id": "r" * 200, "text": "It ended there.She left."}) + "\n", encoding="utf-8")
    r = _check(str(src), "--html", str(tmp_path / "h"))
    assert r.exit_code == 0, r.output
    html = tmp_path / "h"
    pages = [p for p in html.rglob("*.html") if "rules" not in p.parts]
    assert len(pages) == 5  # index + one page per document
    for p in pages:
        assert all(len(os.fsencode(part)) <= 255 for part in p.relative_to(html).parts)
    index = (html / "index.html").read_text(encoding="utf-8")
    import re

    from qa.report.html import index_records, read_index_data

    rows = index_records(read_index_data(index))
    hrefs = [r["href"] for r in rows]
    assert len(hrefs) == 4 and all((html / h).is_file() for h in hrefs)
    assert "b" * 251 + ".txt" in [r["label"] for r in rows]  # the index shows the whole name
    long_page = [h for h in hrefs if h.startswith("bbb")][0]
    assert len(long_page) < 255 and re.search(r"-[0-9a-f]{12}\.html$", long_page)
    r2 = _check(str(src), "--html", str(tmp_path / "h2"))  # deterministic names
    assert sorted(p.name for p in (tmp_path / "h2").iterdir()) == sorted(p.name for p in html.iterdir())
    r = _clean(str(src), "--out", str(tmp_path / "o"))
    assert r.exit_code == 0, r.output
    for n in names:
        assert (tmp_path / "o" / n).read_text(encoding="utf-8") == "It ended there. She left."
    assert r2.exit_code == 0
