"""Streaming readers for corpora: JSON Lines (plain, ``.gz``, ``.zst``), CSV and Parquet, stdin.

Every reader yields ``Document`` records (or ``InputError`` records) one at a time, so memory does
not grow with the size of the corpus, and always in input order.

* **JSON Lines** (``.jsonl``, ``.ndjson``, optionally ``.gz`` / ``.zst`` compressed): one document
  per non-blank line; the text is ``text_field``, the id ``id_field`` (default ``NAME:LINE``).
  Other scalar fields become metadata; ``lang`` / ``language`` sets the document language.
* **CSV** (``.csv``, optionally compressed): a header row names the columns; ``text_field`` and
  ``id_field`` are column names; the default id is ``NAME:ROW`` (1-based data row).
* **Parquet** (``.parquet``, ``.pq``): read in record batches within row groups (pyarrow); the
  default id is ``NAME:ROW`` (1-based row across the file).
* ``-`` reads standard input: gzip / zstd compressed or not, JSON Lines when the first
  non-blank character is ``{``, one plain-text document otherwise.

``expand_globs`` expands ``*``, ``?``, ``[...]`` and ``**`` in paths that do not exist as
given (sorted, so runs are reproducible).

Partitions of these inputs for distributed engines are cut and read by ``qa.partitions``.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from qa.inputs import display_name, open_input, policy, unpaired_surrogate
from qa.records import InputError, OutsideLink, decode, input_reason, inside, iter_jsonl_lines, make_document, path_id

JSONL_EXTS = (".jsonl", ".ndjson")
CSV_EXTS = (".csv",)
PARQUET_EXTS = (".parquet", ".pq")
COMPRESSED_EXTS = (".gz", ".zst")
STDIN = "-"

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_GLOB_CHARS = frozenset("*?[")


def corpus_kind(path: str) -> str | None:
    """``"jsonl"``, ``"csv"``, ``"parquet"`` or ``"stdin"`` for inputs read here, else ``None``.

    Plain ``.jsonl`` is ``"jsonl"`` too; callers that have their own plain JSON Lines reader can
    check ``compression(path)``.
    """
    if path == STDIN:
        return "stdin"
    name = os.path.basename(path).lower()
    for c in COMPRESSED_EXTS:
        if name.endswith(c):
            name = name[: -len(c)]
            break
    if name.endswith(JSONL_EXTS):
        return "jsonl"
    if name.endswith(CSV_EXTS):
        return "csv"
    if name.endswith(PARQUET_EXTS) and not path.lower().endswith(COMPRESSED_EXTS):
        return "parquet"
    return None


def compression(path: str) -> str | None:
    low = path.lower()
    if low.endswith(".gz"):
        return "gzip"
    if low.endswith(".zst"):
        return "zstd"
    return None


def _glob_base(pattern: str) -> str:
    """The folder a pattern searches: its leading components without glob characters."""
    head: list[str] = []
    for part in pattern.split(os.sep):
        if _GLOB_CHARS & set(part):
            break
        head.append(part)
    base = os.sep.join(head)
    return base if base or pattern.startswith(os.sep) else "."


def expand_globs(paths: Iterable[str]) -> Iterator[str]:
    """Expand glob patterns (sorted); a pattern without matches, or an existing path, stays.
    A match that leads, through a symbolic link, out of the folder the pattern searches is not
    followed (``qa.readers.OutsideLink``) unless ``--follow-links``."""

    for p in paths:
        if p != STDIN and not os.path.exists(p) and _GLOB_CHARS & set(p):
            matches = sorted(glob.glob(p, recursive=True))
            if matches:
                if policy().follow_links:
                    yield from matches
                    continue

                base = os.path.realpath(_glob_base(p) or os.sep)
                for m in matches:
                    yield m if inside(os.path.realpath(m), base) else OutsideLink(m)
                continue
        yield p


# --------------------------------------------------------------------------- byte streams
class _ZstdFrames:
    """The compressed side of a zstd stream, passed through while its frame structure is followed
    (frame headers and block headers, without decompressing), so that input that ends inside a
    frame, which the decompressor takes for a clean end, is an ``EOFError`` (a truncated file).
    Skippable frames are followed too; anything else is left to the decompressor to refuse."""

    _SKIPPABLE = 0x184D2A50

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.state = "magic"
        self.need = 4  # bytes the current header field still needs
        self.head = b""
        self.skip = 0  # content bytes to pass over
        self.checksum = False
        self.last = False

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if data:
            self._feed(data)
        elif self.state != "off" and (self.state != "magic" or self.head or self.skip):
            raise EOFError("the compressed data ends inside a zstd frame (the file is truncated)")
        return data

    def _feed(self, data: bytes) -> None:
        i, n = 0, len(data)
        while i < n and self.state != "off":
            if self.skip:
                step = min(self.skip, n - i)
                self.skip -= step
                i += step
                continue
            take = min(self.need - len(self.head), n - i)
            self.head += data[i:i + take]
            i += take
            if len(self.head) < self.need:
                return
            head, self.head = self.head, b""
            self._field(head)

    def _field(self, head: bytes) -> None:
        st = self.state
        if st == "magic":
            magic = int.from_bytes(head, "little")
            if head == _ZSTD_MAGIC:
                self.state, self.need = "descriptor", 1
            elif magic & 0xFFFFFFF0 == self._SKIPPABLE:
                self.state, self.need = "skippable", 4
            else:
                self.state = "off"  # not a frame: the decompressor reports it
        elif st == "skippable":
            self.skip = int.from_bytes(head, "little")
            self.state, self.need = "magic", 4
        elif st == "descriptor":
            d = head[0]
            single = bool(d & 0x20)
            self.checksum = bool(d & 0x04)
            rest = (0 if single else 1) + (0, 1, 2, 4)[d & 3] + ((1 if single else 0), 2, 4, 8)[d >> 6]
            self.state, self.need = ("header", rest) if rest else ("block", 3)
        elif st == "header":
            self.state, self.need = "block", 3
        elif st == "block":
            h = int.from_bytes(head, "little")
            kind, size = (h >> 1) & 3, h >> 3
            if kind == 3:
                self.state = "off"  # reserved block type: corrupt, the decompressor reports it
                return
            self.skip = 1 if kind == 1 else size
            if h & 1:  # the frame's last block
                self.state, self.need = "magic", 4
                if self.checksum:
                    self.skip += 4
            else:
                self.need = 3

    def close(self) -> None:
        self.raw.close()


class _ZstdText(io.RawIOBase):
    """Decompressed zstd data; damaged data is a ``ValueError`` naming it (not ``ZstdError``)."""

    def __init__(self, reader) -> None:
        self.reader = reader

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        import zstandard

        try:
            data = self.reader.read(len(b))
        except zstandard.ZstdError as exc:
            raise ValueError(f"damaged zstd data: {exc}") from None
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self.reader.close()
        finally:
            super().close()


def _zstd_reader(raw: IO[bytes]) -> IO[bytes]:
    try:
        import zstandard
    except ImportError as exc:  # pragma: no cover - zstandard is a dependency
        raise OSError("reading .zst needs the 'zstandard' package") from exc
    reader = zstandard.ZstdDecompressor().stream_reader(_ZstdFrames(raw), read_across_frames=True)
    return io.BufferedReader(_ZstdText(reader), buffer_size=1 << 16)  # type: ignore[return-value]


def open_binary(path: str) -> IO[bytes]:
    """Open ``path`` for streaming reading, decompressing ``.gz`` / ``.zst`` on the fly."""

    comp = compression(path)
    raw = open_input(path)  # a regular file only: never a FIFO or device
    if comp == "gzip":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    if comp == "zstd":
        return _zstd_reader(raw)
    return raw


def _sniff_stream(raw: IO[bytes]) -> IO[bytes]:
    """Wrap stdin so that gzip / zstd input is decompressed (detected by magic number)."""
    buf = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
    head = buf.peek(4)[:4]  # type: ignore[attr-defined]
    if head.startswith(_GZIP_MAGIC):
        return io.BufferedReader(gzip.GzipFile(fileobj=buf))  # type: ignore[arg-type]
    if head.startswith(_ZSTD_MAGIC):
        return _zstd_reader(buf)
    return buf


# --------------------------------------------------------------------------- records
def record_from_mapping(obj: object, path: str, rec_id: str, where: str, text_field: str, id_field: str):
    """A ``Document`` from a parsed record, or an ``InputError`` saying what is missing."""

    path = display_name(path)
    if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
        return InputError(path, rec_id, f"{where}: no string field {text_field!r}")
    if obj.get(id_field) not in (None, ""):  # an empty CSV cell is no id
        rec_id = str(obj[id_field])
    meta = {k: v for k, v in obj.items() if k != text_field and isinstance(v, (str, int, float, bool))}
    lang = obj.get("lang") or obj.get("language")
    return make_document(obj[text_field], path=path, doc_id=display_name(rec_id), meta=meta,
                         lang=str(lang) if isinstance(lang, str) else None)


def iter_jsonl_stream(fh: IO[bytes], path: str, text_field: str = "text", id_field: str = "id",
                      first_line: int = 1, end_byte: int | None = None):
    """Records from an open binary JSON Lines stream: the same rules (ids, errors, limits) as
    plain ``.jsonl`` files, because it is the same code (``qa.readers.iter_jsonl_lines``)."""

    return iter_jsonl_lines(fh, path, text_field, id_field, first_line=first_line, end_byte=end_byte)


def _read_stream(path: str, records, text_field: str, id_field: str, stop_on: tuple[type[BaseException], ...]):
    """Open ``path`` (plain or compressed) and yield ``records(fh, ...)``; a file that cannot be
    opened, or stops mid-way (truncated or corrupt compressed data), becomes an error record."""

    try:
        fh = open_binary(path)
    except (OSError, ValueError) as exc:
        yield InputError(path, path_id(path), input_reason(exc))
        return
    with fh:
        try:
            yield from records(fh, path, text_field, id_field)
        except stop_on as exc:
            yield InputError(path, path_id(path), f"stopped reading: {input_reason(exc)}")


def read_jsonl(path: str, text_field: str = "text", id_field: str = "id"):
    return _read_stream(path, iter_jsonl_stream, text_field, id_field, (OSError, EOFError, ValueError))


def csv_field_limit() -> None:
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:  # pragma: no cover - 32-bit C long
            limit //= 2


def iter_csv_stream(fh: IO[bytes], path: str, text_field: str = "text", id_field: str = "id"):
    csv_field_limit()
    enc = csv_encoding()
    # undecodable bytes become lone surrogates, so that the row holding them is the error
    text = io.TextIOWrapper(fh, encoding=enc, errors="surrogateescape", newline="")
    reader = csv.DictReader(text)
    row = 0
    try:
        fields = reader.fieldnames
        if not fields or text_field not in fields:
            yield InputError(path, path_id(path), f"no column {text_field!r} in the CSV header "
                             f"(columns: {', '.join(fields or []) or 'none'})")
            return
        for obj in reader:
            row += 1
            yield csv_row_record(obj, row, path, enc, text_field, id_field)
    except (UnicodeDecodeError, csv.Error) as exc:
        yield InputError(path, f"{path_id(path)}:{row + 1}", f"row {row + 1}: {exc}")


def csv_row_record(obj: dict, row: int, path: str, enc: str, text_field: str, id_field: str):
    """The record of one CSV data row (a ``csv.DictReader`` row; ``qa clean`` uses this too)."""

    obj.pop(None, None)  # cells beyond the header
    if any(unpaired_surrogate(v) is not None for v in obj.values() if isinstance(v, str)):
        return InputError(path, f"{path_id(path)}:{row}", f"row {row}: not valid {enc.replace('-sig', '')} "
                          "(give --encoding for another codec)")
    return record_from_mapping(obj, path, f"{path_id(path)}:{row}", f"row {row}", text_field, id_field)


def csv_encoding() -> str:
    """The codec CSV files are read with (``utf-8-sig`` for the default UTF-8 policy)."""

    enc = policy().encoding
    return "utf-8-sig" if enc in ("utf-8", "auto") else enc


def read_csv(path: str, text_field: str = "text", id_field: str = "id"):
    return _read_stream(path, iter_csv_stream, text_field, id_field, (OSError, EOFError))


PARQUET_BATCH_ROWS = 2048


def read_parquet(path: str, text_field: str = "text", id_field: str = "id",
                 row_groups: Iterable[int] | None = None):
    """Records of a Parquet file, batch by batch within row groups (all groups by default)."""

    try:
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for bad files
        yield InputError(path, path_id(path), f"cannot read Parquet: {exc}")
        return
    names = pf.schema_arrow.names
    if text_field not in names:
        yield InputError(path, path_id(path), f"no column {text_field!r} in the Parquet schema "
                         f"(columns: {', '.join(names)})")
        return
    md = pf.metadata
    if md.num_rows == 0 and (row_groups is None or 0 in row_groups):  # reported once per file
        yield InputError(path, path_id(path), "the Parquet file holds no rows (no records to check)")
        return
    starts = [0]
    for i in range(md.num_row_groups):
        starts.append(starts[-1] + md.row_group(i).num_rows)
    groups = range(md.num_row_groups) if row_groups is None else row_groups
    base = path_id(path)
    for rg in groups:
        row = starts[rg]
        try:
            for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[rg]):
                for obj in batch.to_pylist():
                    row += 1
                    yield record_from_mapping(obj, path, f"{base}:{row}", f"row {row}", text_field, id_field)
        except Exception as exc:  # noqa: BLE001
            yield InputError(path, f"{base}:{row + 1}", f"row group {rg}: cannot read: {exc}")


def read_stdin(text_field: str = "text", id_field: str = "id", stream: IO[bytes] | None = None):
    """Standard input: JSON Lines if it starts with ``{``, otherwise one text document."""

    raw = stream if stream is not None else sys.stdin.buffer
    try:
        fh = _sniff_stream(raw)
        head = fh.peek(64)  # type: ignore[attr-defined]
    except (OSError, EOFError) as exc:
        yield InputError(STDIN, "stdin", input_reason(exc))
        return
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        try:
            yield from iter_jsonl_stream(fh, STDIN, text_field, id_field)
        except (OSError, EOFError, ValueError) as exc:
            yield InputError(STDIN, "stdin", f"stopped reading: {input_reason(exc)}")
        return
    try:
        text = decode(fh.read())
    except (OSError, EOFError, ValueError) as exc:
        yield InputError(STDIN, "stdin", input_reason(exc))
        return
    yield make_document(text, path=STDIN, doc_id="stdin")


def read_corpus(path: str, text_field: str = "text", id_field: str = "id"):
    """Dispatch on ``corpus_kind(path)``."""
    kind = corpus_kind(path)
    if kind == "stdin":
        return read_stdin(text_field, id_field)
    if kind == "jsonl":
        return read_jsonl(path, text_field, id_field)
    if kind == "csv":
        return read_csv(path, text_field, id_field)
    if kind == "parquet":
        return read_parquet(path, text_field, id_field)
    raise ValueError(f"not a corpus file: {path}")
