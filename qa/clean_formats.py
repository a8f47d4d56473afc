"""Cleaned copies of corpus files in their own format, with every record and field kept.

``rewrite(path, sink, on_document, on_error, text_field, id_field)`` streams one input file to
``sink`` (a binary file). Records are read by the same code as ``qa check`` (so ids, errors and
limits are the same); ``on_document(doc)`` returns the cleaned text of each readable record (None: leave the record out) and
``on_error(err)`` is told about each record that cannot be checked. Only the text field changes:
* **JSON Lines** (plain, ``.gz``, ``.zst``): a line whose text is unchanged is copied byte for
  byte. Otherwise only the text field's value is replaced inside the original line, so every
  other byte stays: key order, nested objects and lists, nulls, ids, white space, number tokens
  such as ``1e999`` or ``1.0``, escapes. Blank lines and lines that cannot be checked (bad JSON,
  bad UTF-8, no text field, too large) are copied unchanged and reported.
* **CSV** (plain or compressed): the header and every row whose text is unchanged are copied
  byte for byte (quoting, line endings, a UTF-8 BOM). A row whose text changed is written again
  with the same cells, only the text cell replaced (standard CSV quoting, every cell quoted when
  the header was; its own line ending). Rows that cannot be checked are copied unchanged; after a
  CSV syntax error the rest of the file is copied unchanged.
* **Parquet**: the same schema (column names, types, nullability, metadata), every column and
  row in order, one row group per input row group, the input's compression codec; only the text
  column's values are replaced.
* Compressed inputs are written compressed with the same codec (gzip without a time stamp, so
  the bytes are reproducible; zstd).

A file that cannot be read as a whole (missing, binary, no text column, truncated or corrupt
compressed data, a Parquet read error) raises ``FileFailed``: no copy is kept for it.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
from collections.abc import Callable
from typing import IO

from qa.corpus_readers import (PARQUET_BATCH_ROWS, compression, corpus_kind, csv_encoding, csv_field_limit,
                               csv_row_record, open_binary, record_from_mapping)
from qa.document import Document
from qa.inputs import binary_reason, display_name, open_input
from qa.readers import JSONL_SUFFIXES, InputError, jsonl_line_record
from qa.records import LineRecorder, path_id

OnDocument = Callable[[Document], str]
OnError = Callable[[InputError], None]


class FileFailed(Exception):
    """The input could not be read as a whole; ``str(exc)`` is the reason."""


def structured(path: str) -> bool:
    """Is ``path`` a corpus file (JSON Lines, CSV, Parquet) rewritten by ``rewrite``?"""
    return corpus_kind(path) in ("jsonl", "csv", "parquet")


# --------------------------------------------------------------------------- compression
class _Compressed:
    """A binary writer that compresses into ``sink`` with ``codec`` (``gzip``, ``zstd``, None)."""

    def __init__(self, sink: IO[bytes], codec: str | None) -> None:
        self.sink = sink
        if codec == "gzip":
            self.fh = gzip.GzipFile(filename="", mode="wb", fileobj=sink, mtime=0, compresslevel=6)
        elif codec == "zstd":
            import zstandard

            self.fh = zstandard.ZstdCompressor(level=3).stream_writer(sink, closefd=False)
        else:
            self.fh = sink
        self.codec = codec

    def write(self, data: bytes) -> None:
        self.fh.write(data)

    def close(self) -> None:
        if self.codec is not None:
            self.fh.close()  # ends the gzip member / zstd frame; the sink stays open


def _open(path: str) -> IO[bytes]:
    try:
        return open_binary(path)
    except (OSError, ValueError) as exc:
        raise FileFailed(_reason(exc)) from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    return str(exc) or type(exc).__name__


def rewrite(path: str, sink: IO[bytes], on_document: OnDocument, on_error: OnError,
            text_field: str = "text", id_field: str = "id") -> None:
    kind = corpus_kind(path)
    if kind == "parquet":
        _rewrite_parquet(path, sink, on_document, on_error, text_field, id_field)
        return
    out = _Compressed(sink, compression(path))
    if kind == "jsonl":
        _rewrite_jsonl(path, out, on_document, on_error, text_field, id_field)
    elif kind == "csv":
        _rewrite_csv(path, out, on_document, on_error, text_field, id_field)
    else:  # pragma: no cover - callers check structured()
        raise ValueError(f"not a corpus file: {path}")
    out.close()


# --------------------------------------------------------------------------- JSON Lines
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def value_span(line: str, key: str) -> tuple[int, int] | None:
    """Start and end (code points) of the value of top-level ``key`` in the JSON object
    ``line`` (the last one when the key repeats, as ``json.loads`` keeps the last), or None."""
    i = _WS.match(line, 0).end()  # type: ignore[union-attr]
    if line[i : i + 1] != "{":
        return None
    i = _WS.match(line, i + 1).end()  # type: ignore[union-attr]
    if line[i : i + 1] == "}":
        return None
    found = None
    while True:
        if line[i : i + 1] != '"':
            return None
        name, i = json.decoder.scanstring(line, i + 1)  # type: ignore[attr-defined]
        i = _WS.match(line, i).end()  # type: ignore[union-attr]
        if line[i : i + 1] != ":":
            return None
        i = _WS.match(line, i + 1).end()  # type: ignore[union-attr]
        _value, j = _DECODER.raw_decode(line, i)
        if name == key:
            found = (i, j)
        i = _WS.match(line, j).end()  # type: ignore[union-attr]
        c = line[i : i + 1]
        if c == ",":
            i = _WS.match(line, i + 1).end()  # type: ignore[union-attr]
            continue
        if c == "}":
            return found
        return None


def json_string(text: str, like: str) -> str:
    """``text`` as a JSON string, escaped like the original token ``like``: ASCII with ``\\u``
    escapes when the original was written that way, UTF-8 otherwise."""
    ascii_only = like.isascii() and "\\u" in like
    return json.dumps(text, ensure_ascii=ascii_only)


def replace_text_value(raw: bytes, key: str, new_text: str) -> bytes | None:
    """The line ``raw`` with the value of ``key`` replaced by ``new_text``; every other byte
    stays. None if the line cannot be taken apart (then the caller keeps it unchanged)."""
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    try:
        line = raw[len(bom):].decode("utf-8")
        span = value_span(line, key)
    except (ValueError, RecursionError):
        return None
    if span is None:
        return None
    a, b = span
    return bom + (line[:a] + json_string(new_text, line[a:b]) + line[b:]).encode("utf-8")


def _rewrite_jsonl(path: str, out: _Compressed, on_document: OnDocument, on_error: OnError,
                   text_field: str, id_field: str) -> None:
    fh = _open(path)
    shown = display_name(path)
    with fh:
        if compression(path) is None and path.lower().endswith(tuple(JSONL_SUFFIXES)):
            head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""  # type: ignore[attr-defined]
            why = binary_reason(head) if b"\x00" in head else None
            if why:
                raise FileFailed(why)
        try:
            for lineno, raw in enumerate(fh, start=1):
                if not raw.strip():
                    out.write(raw)
                    continue
                rec = jsonl_line_record(raw, lineno, path, text_field, id_field, shown)
                if isinstance(rec, InputError):
                    on_error(rec)
                    out.write(raw)
                    continue
                cleaned = on_document(rec)
                if cleaned is None:  # left out (a duplicate, with --dedupe)
                    continue
                if cleaned == rec.text:
                    out.write(raw)
                    continue
                line = replace_text_value(raw, text_field, cleaned)
                if line is None:  # pragma: no cover - json.loads read it, so the scan does too
                    on_error(InputError(shown, rec.id, f"line {lineno}: the cleaned text could not be "
                                        "written back; the line is copied unchanged"))
                    line = raw
                out.write(line)
        except (OSError, EOFError, ValueError) as exc:
            raise FileFailed(f"stopped reading: {_reason(exc)}") from None


# --------------------------------------------------------------------------- CSV


def line_end(raw: str) -> str:
    for end in ("\r\n", "\n", "\r"):
        if raw.endswith(end):
            return end
    return ""


def all_quoted(raw_header: str, n: int) -> bool:
    body = raw_header.rstrip("\r\n")
    return n > 0 and body.startswith('"') and body.endswith('"') and body.count('","') >= n - 1


def _rewrite_csv(path: str, out: _Compressed, on_document: OnDocument, on_error: OnError,
                 text_field: str, id_field: str) -> None:
    csv_field_limit()
    enc = csv_encoding()
    fh = _open(path)
    with fh:
        try:
            head = fh.peek(3)[:3] if hasattr(fh, "peek") else b""  # type: ignore[attr-defined]
        except (OSError, EOFError, ValueError) as exc:
            raise FileFailed(f"stopped reading: {_reason(exc)}") from None
        out_enc = "utf-8" if enc == "utf-8-sig" else enc
        if enc == "utf-8-sig" and head == b"\xef\xbb\xbf":
            out.write(head)  # the decoder drops the BOM; the copy keeps it

        encoder = codecs.getincrementalencoder(out_enc)("surrogateescape")  # one BOM at most (UTF-16)

        def put(s: str) -> None:
            out.write(encoder.encode(s))

        text = io.TextIOWrapper(fh, encoding=enc, errors="surrogateescape", newline="")
        rec = LineRecorder(text)
        reader = csv.reader(rec)
        row = 0
        try:
            try:
                fields = next(reader)
            except StopIteration:
                fields = []
            header_raw = rec.take()
            if not fields or text_field not in fields:
                raise FileFailed(f"no column {text_field!r} in the CSV header "
                                 f"(columns: {', '.join(fields or []) or 'none'})")
            put(header_raw)
            col = len(fields) - 1 - fields[::-1].index(text_field)  # the last one, as DictReader keeps
            quoting = csv.QUOTE_ALL if all_quoted(header_raw, len(fields)) else csv.QUOTE_MINIMAL
            try:
                for cells in reader:
                    raw = rec.take()
                    if not cells:  # a blank line: DictReader skips it, and so does the count
                        put(raw)
                        continue
                    row += 1
                    obj: dict = dict(zip(fields, cells))
                    if len(cells) > len(fields):
                        obj[None] = cells[len(fields):]
                    for k in fields[len(cells):]:
                        obj[k] = None
                    r = csv_row_record(obj, row, path, enc, text_field, id_field)
                    if isinstance(r, InputError):
                        on_error(r)
                        put(raw)
                        continue
                    cleaned = on_document(r)
                    if cleaned is None:  # left out (a duplicate, with --dedupe)
                        continue
                    if cleaned == r.text:
                        put(raw)
                        continue
                    new = list(cells)
                    new[col] = cleaned
                    buf = io.StringIO()
                    csv.writer(buf, quoting=quoting, lineterminator=line_end(raw)).writerow(new)
                    put(buf.getvalue())
            except csv.Error as exc:  # a syntax error: what is left is copied as it is
                on_error(InputError(display_name(path), f"{display_name(path)}:{row + 1}",
                                    f"row {row + 1}: {exc}; the rest of the file is copied unchanged"))
                put(rec.take())
                for line in text:
                    put(line)
        except (OSError, EOFError, UnicodeError) as exc:
            raise FileFailed(f"stopped reading: {_reason(exc)}") from None


# --------------------------------------------------------------------------- Parquet
def _rewrite_parquet(path: str, sink: IO[bytes], on_document: OnDocument, on_error: OnError,
                     text_field: str, id_field: str) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq


        src = open_input(path)  # a regular file only
        pf = pq.ParquetFile(src)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for bad files
        raise FileFailed(f"cannot read Parquet: {exc}") from None
    with src:
        schema = pf.schema_arrow
        names = schema.names
        if text_field not in names:
            raise FileFailed(f"no column {text_field!r} in the Parquet schema (columns: {', '.join(names)})")
        col = names.index(text_field)
        ftype = schema.field(col).type
        md = pf.metadata
        if md.num_rows == 0:  # as the reader says: nothing to check, so nothing to clean
            raise FileFailed("the Parquet file holds no rows (no records to check)")
        codec = "snappy"
        if md.num_row_groups and md.row_group(0).num_columns:
            codec = md.row_group(0).column(0).compression.lower()
            codec = "none" if codec == "uncompressed" else codec
        base = path_id(path)
        writer = pq.ParquetWriter(sink, schema, compression=codec)
        row = 0
        try:
            for rg in range(md.num_row_groups):
                batches = []
                for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[rg]):
                    values = batch.column(col).to_pylist()
                    changed = False
                    keep: list[int] = []
                    for i, obj in enumerate(batch.to_pylist()):
                        row += 1
                        r = record_from_mapping(obj, path, f"{base}:{row}", f"row {row}", text_field, id_field)
                        if isinstance(r, InputError):
                            on_error(r)
                            keep.append(i)
                            continue
                        cleaned = on_document(r)
                        if cleaned is None:  # left out (a duplicate, with --dedupe)
                            continue
                        keep.append(i)
                        if cleaned != r.text:
                            values[i] = cleaned
                            changed = True
                    if changed:
                        arrays = list(batch.columns)
                        arrays[col] = arrow_array(pa, values, ftype)
                        batch = pa.RecordBatch.from_arrays(arrays, schema=batch.schema)
                    if len(keep) < batch.num_rows:
                        batch = batch.take(pa.array(keep, type=pa.int64()))
                    batches.append(batch)
                table = pa.Table.from_batches(batches, schema=schema)
                writer.write_table(table, row_group_size=max(1, table.num_rows))
        except FileFailed:
            raise
        except Exception as exc:  # noqa: BLE001
            raise FileFailed(f"row {row + 1}: cannot read: {exc}") from None
        finally:
            writer.close()


def arrow_array(pa, values: list, ftype):
    """An Arrow array of ``values`` with the column's own type (string, large string,
    dictionary-encoded string ...)."""
    if pa.types.is_dictionary(ftype):
        return pa.array(values, type=ftype.value_type).dictionary_encode().cast(ftype)
    return pa.array(values, type=ftype)
