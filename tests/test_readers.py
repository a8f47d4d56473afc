"""Readers: text, Markdown, JSON Lines, directory walking and per-file errors."""

from __future__ import annotations

import json

from qa.readers import InputError, iter_files, read_all, read_path


def test_directory_walk_is_sorted_recursive_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for rel in ["z.txt", "a.md", "b/c.txt", ".hidden/x.txt", ".dot.txt", "notes.bin"]:
        (tmp_path / rel).write_text("Hello world.", encoding="utf-8")
    found = [p.replace(str(tmp_path) + "/", "") for p in iter_files([str(tmp_path)])]
    assert found == ["a.md", "z.txt", "b/c.txt"] or found == ["a.md", "b/c.txt", "z.txt"]
    assert ".hidden/x.txt" not in found and "notes.bin" not in found


def test_bom_removed_newlines_untouched(tmp_path):
    p = tmp_path / "x.txt"
    p.write_bytes("\ufeffLine one.\r\nLine two.\rLine three.\n".encode("utf-8"))
    (doc,) = list(read_path(str(p)))
    assert doc.text == "Line one.\r\nLine two.\rLine three.\n"
    assert doc.id == "x.txt" and doc.path == str(p)


def test_undecodable_file_is_an_error_record_and_batch_goes_on(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Good text.")
    (tmp_path / "b.txt").write_bytes(b"Bad \xff\xfe text.")
    (tmp_path / "c.txt").write_bytes(b"More good text.")
    recs = list(read_all([str(tmp_path)]))
    assert [type(r).__name__ for r in recs] == ["Document", "InputError", "Document"]
    err = recs[1]
    assert isinstance(err, InputError)
    assert "offset 4" in err.error and "UTF-8" in err.error


def test_missing_file_is_an_error_record(tmp_path):
    (rec,) = list(read_all([str(tmp_path / "nope.txt")]))
    assert isinstance(rec, InputError) and "cannot read" in rec.error


def test_jsonl_records_fields_and_errors(tmp_path):
    p = tmp_path / "c.jsonl"
    lines = [
        json.dumps({"id": "doc-1", "text": "First document.", "lang": "en"}),
        "",
        "{not json",
        json.dumps({"id": "doc-3", "body": "no text field"}),
        json.dumps({"key": 7, "content": "Custom field."}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    recs = list(read_path(str(p)))
    assert recs[0].id == "doc-1" and recs[0].text == "First document." and recs[0].lang == "en"
    assert isinstance(recs[1], InputError) and recs[1].id == "c.jsonl:3"
    assert isinstance(recs[2], InputError) and "'text'" in recs[2].error
    custom = list(read_path(str(p), text_field="content", id_field="key"))
    assert [r.id for r in custom if not isinstance(r, InputError)] == ["7"]


def test_jsonl_surrogate_escapes_in_any_case_and_field_and_look_alikes():
    """A lone surrogate escape is refused in any spelling and any field; a pair, an escaped
    backslash before ``ud800`` (text, not an escape) and other escapes are read."""
    from qa.records import jsonl_line_record

    def rec(line: bytes):
        return jsonl_line_record(line, 1, "x.jsonl", "text", "id")

    for bad in (b'{"text": "a \\ud800 b"}', b'{"text": "a \\uDBFF b"}', b'{"text": "ok", "note": "\\uDfFf"}',
                b'{"text": "pair then lone \\ud83d\\ude00 \\ud83d"}'):
        assert "unpaired surrogate" in rec(bad).error
    assert rec(b'{"text": "pair \\ud83d\\ude00 \\u2019"}').text == "pair \U0001F600 \u2019"
    assert rec(b'{"text": "not an escape \\\\ud800"}').text == "not an escape \\ud800"
    assert rec(b'{"text": "plain \\u00e9"}').text == "plain \u00e9"
