"""Corpus readers: compressed JSON Lines, CSV, Parquet, stdin, globs and partitions."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from typer.testing import CliRunner

from qa.cli import app
from qa.corpus_readers import corpus_kind, expand_globs, read_csv, read_parquet, read_stdin
from qa.partitions import partitions, read_partition
from qa.document import Document
from qa.readers import InputError, iter_files, read_all, read_path

LINES = [
    json.dumps({"id": "a", "text": "First text.  Two spaces.", "lang": "en", "src": "x"}),
    "",
    "{not json",
    json.dumps({"id": "b", "body": "no text field"}),
    json.dumps({"text": "No id here, so the line number is the id."}),
    json.dumps({"id": 7, "text": "The deal is off, , he said."}),
]
JSONL = ("\n".join(LINES) + "\n").encode()


def _summary(records):
    out = []
    for r in records:
        if isinstance(r, InputError):
            out.append(("error", r.id, r.error))
        else:
            out.append(("doc", r.id, r.text, r.lang, sorted(r.meta.items())))
    return out


@pytest.fixture
def jsonl_files(tmp_path):
    plain = tmp_path / "c.jsonl"
    plain.write_bytes(JSONL)
    (tmp_path / "c2.jsonl.gz").write_bytes(gzip.compress(JSONL))
    (tmp_path / "c3.ndjson.zst").write_bytes(zstandard.ZstdCompressor().compress(JSONL))
    return tmp_path


def test_kinds():
    assert corpus_kind("a/b.jsonl.gz") == "jsonl"
    assert corpus_kind("b.NDJSON.zst") == "jsonl"
    assert corpus_kind("t.csv") == "csv"
    assert corpus_kind("t.parquet") == "parquet"
    assert corpus_kind("-") == "stdin"
    assert corpus_kind("a.txt") is None
    assert corpus_kind("a.parquet.gz") is None


def test_compressed_jsonl_gives_the_same_records_as_plain(jsonl_files):
    plain = _summary(read_path(str(jsonl_files / "c.jsonl")))
    assert [x[:2] for x in plain] == [("doc", "a"), ("error", "c.jsonl:3"), ("error", "c.jsonl:4"),
                                     ("doc", "c.jsonl:5"), ("doc", "7")]
    assert plain[0][3] == "en" and ("src", "x") in plain[0][4]
    assert plain[2][2] == "line 4: no string field 'text'"
    gz = _summary(read_path(str(jsonl_files / "c2.jsonl.gz")))
    zst = _summary(read_path(str(jsonl_files / "c3.ndjson.zst")))
    norm = lambda rows, name: [tuple(str(v).replace(name, "NAME") for v in row) for row in rows]  # noqa: E731
    assert norm(gz, "c2.jsonl.gz") == norm(plain, "c.jsonl") == norm(zst, "c3.ndjson.zst")


def test_truncated_gzip_yields_records_then_an_error(tmp_path):
    big = "\n".join(json.dumps({"id": i, "text": f"Document {i} text."}) for i in range(20000)).encode()
    data = gzip.compress(big)
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(data[: len(data) // 2])
    recs = list(read_path(str(p)))
    docs = [r for r in recs if isinstance(r, Document)]
    assert len(docs) > 100 and docs[0].id == "0" and docs[1].id == "1"
    assert isinstance(recs[-1], InputError) and recs[-1].error.startswith("stopped reading")


def test_csv_columns_ids_and_quoted_newlines(tmp_path):
    p = tmp_path / "t.csv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["doc_id", "body", "lang"])
        w.writerow(["x1", "Line one.\nLine two, same cell.", "en"])
        w.writerow(["", "No id.", "de"])
    recs = list(read_path(str(p), text_field="body", id_field="doc_id"))
    assert [r.id for r in recs] == ["x1", "t.csv:2"]
    assert recs[0].text == "Line one.\nLine two, same cell."
    assert recs[0].lang == "en" and recs[1].lang == "de"
    missing = list(read_csv(str(p), text_field="text"))
    assert len(missing) == 1 and isinstance(missing[0], InputError)
    assert "no column 'text'" in missing[0].error and "body" in missing[0].error


def test_csv_bad_utf8_is_an_error_record(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_bytes(b"id,text\n1,fine\n2,caf\xe9\n")
    recs = list(read_path(str(p)))
    assert isinstance(recs[0], Document) and recs[0].text == "fine"
    assert isinstance(recs[-1], InputError) and recs[-1].id == "bad.csv:2"


def test_parquet_reads_row_groups_in_order(tmp_path):
    p = tmp_path / "t.parquet"
    texts = [f"Text number {i}." for i in range(10)]
    pq.write_table(pa.table({"text": texts, "n": list(range(10))}), p, row_group_size=3)
    recs = list(read_path(str(p)))
    assert [r.text for r in recs] == texts
    assert [r.id for r in recs] == [f"t.parquet:{i}" for i in range(1, 11)]
    assert recs[4].meta["n"] == 4
    # one row group alone numbers its rows as in the whole file
    assert [r.id for r in read_parquet(str(p), row_groups=[2])] == ["t.parquet:7", "t.parquet:8", "t.parquet:9"]
    bad = list(read_parquet(str(p), text_field="body"))
    assert len(bad) == 1 and "no column 'body'" in bad[0].error


def test_parquet_null_text_is_an_error_record(tmp_path):
    p = tmp_path / "n.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["Fine.", None]}), p)
    recs = list(read_path(str(p)))
    assert recs[0].id == "a" and isinstance(recs[1], InputError) and recs[1].id == "n.parquet:2"


@pytest.mark.parametrize("compress", [lambda b: b, gzip.compress, zstandard.ZstdCompressor().compress])
def test_stdin_jsonl_plain_and_compressed(compress):
    recs = list(read_stdin(stream=io.BufferedReader(io.BytesIO(compress(JSONL)))))
    assert [r.id for r in recs] == ["a", "-:3", "-:4", "-:5", "7"]


def test_stdin_plain_text_is_one_document():
    recs = list(read_stdin(stream=io.BufferedReader(io.BytesIO("Title\n\nBody text here.".encode()))))
    assert len(recs) == 1 and recs[0].id == "stdin" and recs[0].title == "Title"


def test_cli_reads_stdin():
    res = CliRunner().invoke(app, ["check", "-", "--format", "jsonl", "--fail-on", "never", "-q", "--jobs", "1",
                                   "--select", "PUN001"], input=JSONL)
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "-:3", "-:4", "-:5", "7"]
    assert [f["rule"] for f in rows[4]["findings"]] == ["PUN001"]
    assert res.exit_code == 2  # two unreadable records


def test_globs_and_directory_walk(jsonl_files):
    (jsonl_files / "sub").mkdir()
    pq.write_table(pa.table({"text": ["x"]}), jsonl_files / "sub" / "p.parquet")
    (jsonl_files / "sub" / "t.csv").write_text("text\nhello\n")
    (jsonl_files / "sub" / "skip.bin").write_bytes(b"\0")
    walked = [p.replace(str(jsonl_files), "") for p in iter_files([str(jsonl_files)])]
    assert walked == ["/c.jsonl", "/c2.jsonl.gz", "/c3.ndjson.zst", "/sub/p.parquet", "/sub/t.csv"]
    globbed = [p.replace(str(jsonl_files), "") for p in iter_files([str(jsonl_files / "**" / "*.csv"),
                                                                    str(jsonl_files / "c*.jsonl*")])]
    assert globbed == ["/sub/t.csv", "/c.jsonl", "/c2.jsonl.gz"]
    assert list(expand_globs([str(jsonl_files / "nothing*.jsonl")])) == [str(jsonl_files / "nothing*.jsonl")]


def test_partitions_cover_every_record_once_in_order(tmp_path):
    rows = [json.dumps({"text": f"Document {i} " + "word " * (i % 17)}) if i % 11 else "" for i in range(500)]
    p = tmp_path / "big.jsonl"
    p.write_text("\n".join(rows) + "\n")
    pq.write_table(pa.table({"text": [f"t{i}" for i in range(20)]}), tmp_path / "q.parquet", row_group_size=6)
    (tmp_path / "z.txt").write_text("A text file.")
    files = list(iter_files([str(tmp_path)]))
    parts = list(partitions(files, target_bytes=2000))
    kinds = [x.kind for x in parts]
    assert kinds.count("jsonl_range") > 5 and kinds.count("parquet_group") == 4 and kinds[-1] == "files"
    ranges = [x for x in parts if x.kind == "jsonl_range"]
    assert ranges[0].start == 0 and ranges[-1].end == p.stat().st_size
    assert all(a.end == b.start for a, b in zip(ranges, ranges[1:]))
    whole = _summary(read_all([str(tmp_path)]))
    pieces = _summary(r for part in parts for r in read_partition(part))
    assert pieces == whole and len(whole) == 500 - 46 + 20 + 1
