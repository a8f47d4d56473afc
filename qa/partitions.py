"""Partitions of the input for distributed engines (``qa.dask_engine``): byte ranges of plain
JSON Lines files (cut at line starts, with their first line number), row groups of Parquet files,
whole compressed or CSV files, and batches of small text files. ``read_partition`` reads one
exactly as the whole-input readers (``qa.readers``) read it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qa.bilingual.readers import bilingual_kind
from qa.corpus_readers import compression, corpus_kind, iter_jsonl_stream, read_parquet
from qa.readers import read_path
from qa.inputs import binary_reason, open_input
from qa.records import InputError, input_reason, path_id


@dataclass(frozen=True)
class Partition:
    """An independently readable piece of the input, in input order.

    ``kind``: ``files`` (``paths``: small text files, read whole), ``jsonl_range`` (``path``, bytes
    ``start``..``end``, first line number ``first``), ``parquet_group`` (``path``, row group
    ``group``) or ``stream`` (``path``: a whole compressed or CSV file).
    """

    kind: str
    path: str = ""
    paths: tuple[str, ...] = ()
    start: int = 0
    end: int = 0
    first: int = 1
    group: int = 0


def _jsonl_ranges(path: str, target: int) -> list[Partition]:
    """Cut a plain JSON Lines file into ranges of about ``target`` bytes at line starts."""
    size = os.path.getsize(path)
    if size <= target:
        return [Partition("jsonl_range", path=path, start=0, end=size, first=1)]
    out: list[Partition] = []
    start, first = 0, 1
    with open(path, "rb") as fh:
        pos, lines = 0, 0  # bytes and newlines seen before `pos`
        while start < size:
            want = start + target
            if want >= size:
                out.append(Partition("jsonl_range", path=path, start=start, end=size, first=first))
                break
            # count newlines up to `want`, then move to the next line start
            fh.seek(pos)
            while pos < want:
                block = fh.read(min(1 << 22, want - pos))
                if not block:
                    break
                lines += block.count(b"\n")
                pos += len(block)
            rest = fh.readline()
            pos += len(rest)
            if rest.endswith(b"\n"):
                lines += 1
            out.append(Partition("jsonl_range", path=path, start=start, end=pos, first=first))
            start, first = pos, lines + 1
    return out


def _splittable(path: str) -> bool:
    """A regular JSON Lines file that the whole-file reader would not refuse as binary."""
    try:
        with open_input(path) as fh:
            head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
    except (OSError, ValueError):
        return False
    return not (b"\x00" in head and binary_reason(head))


def partitions(files: Iterable[str], target_bytes: int = 16 << 20, files_per_batch: int = 64) -> Iterator[Partition]:
    """Cut expanded input files (see ``qa.readers.iter_files``) into partitions, in order."""
    batch: list[str] = []
    for path in files:
        kind = None if getattr(path, "not_followed", False) else corpus_kind(path)  # a link not read
        if kind is not None:
            if bilingual_kind(path):  # a source/target file is one document: read whole
                kind = None
        if kind is None:
            batch.append(path)
            if len(batch) >= files_per_batch:
                yield Partition("files", paths=tuple(batch))
                batch = []
            continue
        if batch:
            yield Partition("files", paths=tuple(batch))
            batch = []
        if kind == "stdin":
            raise ValueError("standard input cannot be split into partitions; give files instead")
        if kind == "jsonl" and compression(path) is None and _splittable(path):
            yield from _jsonl_ranges(path, target_bytes)
        elif kind == "parquet" and os.path.isfile(path):
            try:
                import pyarrow.parquet as pq

                n = pq.ParquetFile(path).metadata.num_row_groups
            except Exception:  # noqa: BLE001 - the reader reports the error
                n = 0
            if n == 0:
                yield Partition("stream", path=path)
            for g in range(n):
                yield Partition("parquet_group", path=path, group=g)
        else:
            yield Partition("stream", path=path)
    if batch:
        yield Partition("files", paths=tuple(batch))


def read_partition(part: Partition, text_field: str = "text", id_field: str = "id"):
    """Records of one partition, exactly as the whole-input readers produce them."""
    if part.kind == "files":
        for p in part.paths:
            yield from read_path(p, text_field, id_field)
    elif part.kind == "jsonl_range":
        try:
            fh = open(part.path, "rb", buffering=1 << 20)
        except OSError as exc:
            yield InputError(part.path, path_id(part.path), input_reason(exc))
            return
        with fh:
            fh.seek(part.start)
            if part.end > part.start:
                yield from iter_jsonl_stream(fh, part.path, text_field, id_field,
                                             first_line=part.first, end_byte=part.end)
    elif part.kind == "parquet_group":
        yield from read_parquet(part.path, text_field, id_field, row_groups=[part.group])
    elif part.kind == "stream":
        yield from read_path(part.path, text_field, id_field)
    else:  # pragma: no cover
        raise ValueError(f"unknown partition kind {part.kind!r}")


def partition_bytes(part: Partition, size_of) -> int:
    """The input bytes of ``part`` (``size_of(path)``: a file's size), for progress: a byte range
    is exact, a Parquet row group an even share of its file."""
    if part.kind == "files":
        return sum(size_of(p) for p in part.paths)
    if part.kind == "jsonl_range":
        return part.end - part.start
    if part.kind == "parquet_group":
        try:
            import pyarrow.parquet as pq

            return size_of(part.path) // max(1, pq.ParquetFile(part.path).metadata.num_row_groups)
        except Exception:  # noqa: BLE001 - only an estimate
            return 0
    return size_of(part.path)
