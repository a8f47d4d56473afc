"""Symbolic links in input and output folders; truncated compressed files and empty Parquet files
are per-file errors."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from typer.testing import CliRunner

from qa.cli import app
from qa.corpus_readers import _zstd_reader
from qa.partitions import Partition, partitions, read_partition
from qa.readers import InputError, iter_files, read_all

SECRET = "A private note outside the tree.It must not be read."


def _cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def _default_link_policy():
    from qa.inputs import set_policy

    set_policy(follow_links=False)
    yield
    set_policy(follow_links=False)


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("Inside text.She left.\n", encoding="utf-8")
    (tmp_path / "in" / "sub" / "b.txt").write_text("Sub text.He left.\n", encoding="utf-8")
    os.symlink("../outside/secret.txt", tmp_path / "in" / "leak.txt")  # out of the tree
    os.symlink("../a.txt", tmp_path / "in" / "sub" / "same.txt")  # inside the tree
    os.symlink("../outside", tmp_path / "in" / "dirlink")  # a folder outside
    return tmp_path


# ------------------------------------------------------------------ point 7: symlinks, inputs
def test_symlink_out_of_the_input_tree_is_an_error_record_and_never_read(tree):
    recs = list(read_all(["in"]))
    errors = [r for r in recs if isinstance(r, InputError)]
    assert [(e.path, e.error) for e in errors] == [
        ("in/leak.txt", "a symbolic link that leads out of the input folder: not followed "
                        "(give --follow-links to read it)")]
    assert sorted(r.path for r in recs if not isinstance(r, InputError)) == ["in/a.txt", "in/sub/b.txt"]
    assert all(SECRET not in getattr(r, "text", "") for r in recs)
    # through the command line: the JSON Lines record, the HTML report, the cleaned copies
    res = _cli("check", "in", "-f", "jsonl", "-o", "-", "--fail-on", "never", "--html", "html")
    assert res.exit_code == 2 and SECRET not in res.stdout
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["path"] for r in rows if r["error"]] == ["in/leak.txt"]
    assert "not followed" in res.stderr
    assert not any(SECRET in p.read_text(encoding="utf-8") for p in Path("html").rglob("*.html"))
    res = _cli("clean", "in", "--out", "cleaned")
    assert res.exit_code == 2 and "1 unreadable" in res.stderr
    assert not (tree / "cleaned" / "leak.txt").exists()
    assert not any(SECRET.split(".")[0] in p.read_text(encoding="utf-8") for p in (tree / "cleaned").rglob("*") if p.is_file())
    # the Dask partitions carry the refusal too
    parts = list(partitions(list(iter_files(["in"]))))
    recs2 = [r for part in parts for r in read_partition(part)]
    assert [r.path for r in recs2 if isinstance(r, InputError)] == ["in/leak.txt"]


def test_symlink_follow_links_flag_and_config_key_opt_in(tree):
    res = _cli("check", "in", "-f", "jsonl", "-o", "-", "--fail-on", "never", "--follow-links")
    assert res.exit_code == 0, res.stderr
    paths = [json.loads(x)["path"] for x in res.stdout.splitlines()]
    # the file link, and the folder link walked (its file is the same file: read once)
    assert paths == ["in/a.txt", "in/leak.txt", "in/sub/b.txt"]
    (tree / "qa.toml").write_text("follow-links = true\n", encoding="utf-8")
    res = _cli("check", "in", "-f", "jsonl", "-o", "-", "--fail-on", "never")
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 3
    (tree / "qa.toml").write_text('follow-links = "yes"\n', encoding="utf-8")
    res = _cli("check", "in")
    assert res.exit_code == 2 and "follow-links must be true or false" in res.stderr


def test_symlink_named_on_the_command_line_is_read(tree):
    recs = list(read_all(["in/leak.txt"]))
    assert len(recs) == 1 and recs[0].text.startswith("A private note")


def test_symlink_loop_with_follow_links_visits_each_folder_once(tree):
    from qa.inputs import set_policy

    os.symlink("..", tree / "in" / "sub" / "up")  # a loop back to in/
    set_policy(follow_links=True)
    files = list(iter_files(["in"]))
    assert files == ["in/a.txt", "in/leak.txt", "in/sub/b.txt"]  # in/dirlink/secret.txt is leak.txt


# ------------------------------------------------------------------ point 7: symlinks, outputs
def test_symlink_in_an_output_folder_is_never_written_through(tree):
    victim = tree / "outside"
    (tree / "cleaned").mkdir()
    os.symlink("../outside", tree / "cleaned" / "sub")  # a folder link inside --out
    os.symlink("../outside/planted.txt", tree / "cleaned" / "a.txt")  # a file link inside --out
    before = sorted(os.listdir(victim))
    res = _cli("clean", "in", "--out", "cleaned")
    # qa clean writes into a fresh staging folder and swaps it in at the end, so it never writes into
    # a folder it did not make: a --out holding links it did not write is refused as a whole
    assert res.exit_code == 2 and res.stderr.startswith("qa: error: refusing to replace --out 'cleaned'")
    assert sorted(os.listdir(victim)) == before  # nothing written outside
    assert (tree / "cleaned" / "a.txt").is_symlink() and (tree / "cleaned" / "sub").is_symlink()  # left alone
    # --html: a link for the rules folder
    (tree / "html").mkdir()
    os.symlink("../outside", tree / "html" / "rules")
    res = _cli("check", "in", "--html", "html", "--fail-on", "never", "-q")
    assert res.exit_code == 2 and "html/rules is a symbolic link inside the output folder" in res.stderr
    assert sorted(os.listdir(victim)) == before
    # --output-dir: a link at a report's name is replaced
    (tree / "reports").mkdir()
    os.symlink("../outside/qa.csv", tree / "reports" / "qa.csv")
    res = _cli("check", "in", "-f", "csv,jsonl", "--output-dir", "reports", "--fail-on", "never", "-q")
    assert res.exit_code == 2  # the link out of the input folder is an error record
    assert not (tree / "reports" / "qa.csv").is_symlink() and sorted(os.listdir(victim)) == before
    # --follow-links writes through the link, as asked
    res = _cli("check", "in", "--html", "html", "--fail-on", "never", "-q", "--follow-links")
    assert res.exit_code == 0 and any(n.endswith(".html") for n in os.listdir(victim))


def test_symlink_output_writes_leave_no_temporary_file(tree):
    from qa.fsutil import LinkInOutput, atomic_write_text

    out = tree / "o"
    atomic_write_text(out / "x" / "y.txt", "one", root=out)
    atomic_write_text(out / "x" / "y.txt", "two", root=out)
    assert (out / "x" / "y.txt").read_text() == "two" and sorted(os.listdir(out / "x")) == ["y.txt"]
    os.symlink(tree / "outside", out / "z")
    with pytest.raises(LinkInOutput):
        atomic_write_text(out / "z" / "w.txt", "three", root=out)
    with pytest.raises(LinkInOutput, match="not inside the output folder"):
        atomic_write_text(tree / "elsewhere.txt", "four", root=out)
    assert sorted(os.listdir(tree / "outside")) == ["secret.txt"]


# ------------------------------------------------------------------ point 14: truncated and empty
LINES = "".join(json.dumps({"id": f"r{i}", "text": f"Row {i} ended there.She left."}) + "\n" for i in range(300)).encode()


@pytest.mark.parametrize("name,data", [
    ("half.jsonl.zst", zstandard.ZstdCompressor().compress(LINES)[:-40]),
    ("head.jsonl.zst", zstandard.ZstdCompressor().compress(LINES)[:10]),
    ("sum.jsonl.zst", zstandard.ZstdCompressor(write_checksum=True).compress(LINES)[:-2]),
    ("half.jsonl.gz", gzip.compress(LINES)[: len(gzip.compress(LINES)) // 2]),
    ("head.jsonl.gz", gzip.compress(LINES)[:12]),
    ("rows.csv.zst", zstandard.ZstdCompressor().compress(b"id,text\n" + b"x,Some text.\n" * 500)[:-30]),
])
def test_truncated_compressed_file_is_a_per_file_error_exit_2(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "ok.txt").write_text("It ended there.She left.\n", encoding="utf-8")
    res = _cli("check", str(tmp_path / name), str(tmp_path / "ok.txt"), "-f", "jsonl", "-o", "-", "--fail-on", "never")
    assert res.exit_code == 2
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    err = [r for r in rows if r["error"]]
    assert len(err) == 1 and err[0]["path"].endswith(name)
    assert "truncated" in err[0]["error"] or "ended before the end-of-stream marker" in err[0]["error"]
    assert rows[-1]["path"].endswith("ok.txt") and rows[-1]["error"] is None  # the batch goes on


def test_truncated_zstd_every_cut_is_an_error_and_whole_files_still_read():
    frames = [zstandard.ZstdCompressor(level=lv, write_checksum=ck).compress(LINES[i::2] + b"\n")
              for i, (lv, ck) in enumerate([(1, False), (19, True)])]
    skippable = (0x184D2A51).to_bytes(4, "little") + (3).to_bytes(4, "little") + b"abc"
    whole = frames[0] + skippable + frames[1]
    assert _zstd_reader(io.BytesIO(whole)).read() == LINES[0::2] + b"\n" + LINES[1::2] + b"\n"
    ends = {len(frames[0]), len(frames[0]) + len(skippable)}
    for cut in range(1, len(whole), 37):
        try:
            _zstd_reader(io.BytesIO(whole[:cut])).read()
        except EOFError:
            continue
        assert cut in ends  # only a cut between frames reads cleanly (a shorter, whole stream)
    damaged = bytearray(frames[1])
    damaged[len(damaged) // 2: len(damaged) // 2 + 16] = b"\0" * 16
    with pytest.raises(ValueError, match="damaged zstd data"):
        _zstd_reader(io.BytesIO(bytes(damaged))).read()


def test_damaged_zstd_is_an_error_record_not_a_traceback(tmp_path):
    data = bytearray(zstandard.ZstdCompressor(write_checksum=True).compress(LINES))
    data[len(data) // 2: len(data) // 2 + 20] = b"\0" * 20
    (tmp_path / "bad.jsonl.zst").write_bytes(bytes(data))
    res = _cli("check", str(tmp_path), "-f", "jsonl", "-o", "-", "--fail-on", "never")
    assert res.exit_code == 2 and "damaged zstd data" in res.stdout


def test_zero_row_parquet_is_a_per_file_error_exit_2(tmp_path):
    empty = pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())})
    pq.write_table(empty, tmp_path / "a_empty.parquet")
    pq.write_table(pa.table({"id": ["r1"], "text": ["It ended there.She left."]}), tmp_path / "b_full.parquet")
    res = _cli("check", str(tmp_path), "-f", "jsonl", "-o", "-", "--fail-on", "never")
    assert res.exit_code == 2
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert [(Path(r["path"]).name, r["error"]) for r in rows] == [
        ("a_empty.parquet", "the Parquet file holds no rows (no records to check)"), ("b_full.parquet", None)]
    assert rows[1]["counts"] == {"PUN002": 1}
    # the partitions (Dask) report it once, too
    recs = [r for p in partitions([str(tmp_path / "a_empty.parquet")]) for r in read_partition(p)]
    assert [r.error for r in recs] == ["the Parquet file holds no rows (no records to check)"]
    assert isinstance(recs[0], InputError)
    assert list(read_partition(Partition("parquet_group", path=str(tmp_path / "b_full.parquet"), group=0)))[0].id == "r1"


def test_symlink_reached_by_a_glob_pattern_is_not_followed(tree):
    os.symlink("../../outside", tree / "in" / "sub" / "up")  # a folder link a ** pattern walks into
    recs = list(read_all(["in/**/*.txt"]))
    # every path that reaches the outside file: the file link, and through the two folder links
    assert [r.path for r in recs if isinstance(r, InputError)] == [
        "in/dirlink/secret.txt", "in/leak.txt", "in/sub/up/secret.txt"]
    assert all(SECRET not in getattr(r, "text", "") for r in recs)
    assert sorted(r.path for r in recs if not isinstance(r, InputError)) == ["in/a.txt", "in/sub/b.txt"]
    from qa.inputs import set_policy

    set_policy(follow_links=True)
    assert any(SECRET in getattr(r, "text", "") for r in read_all(["in/**/*.txt"]))
