"""Readers: paths on the command line -> ``Document`` records (or per-input error records).

* ``.txt`` / ``.text``: one document; a short first line followed by a blank line is the title.
* ``.md`` / ``.markdown``: one document; ``# Title`` and head lines such as ``Author:``,
  ``Published at:``, ``Original:`` become metadata fields (spans into the original text).
* ``.jsonl`` / ``.ndjson``: one document per record (``text_field`` / ``id_field``).
* ``.xlf``/``.xliff``, ``.po``/``.pot``, ``.tmx``, ``.tsv`` and source/target JSON Lines or CSV:
  one bilingual document per file (``qa.bilingual.readers``).
* Compressed JSON Lines (``.gz``, ``.zst``), CSV, Parquet, ``-`` (stdin) and glob patterns:
  ``qa.corpus_readers`` (streaming, in input order).

Directories are walked recursively in sorted order; hidden files and folders are skipped. Text
is decoded as UTF-8 with a leading BOM removed and newlines untouched. A file that cannot be read
or decoded yields an error record naming the reason (and the byte offset for bad UTF-8), and the
batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from qa.corpus_readers import compression, corpus_kind, expand_globs, read_corpus
from qa.bilingual.readers import bilingual_kind, read_bilingual
from qa.records import (OUTSIDE_LINK_REASON, InputError, OutsideLink, Record, decode, input_reason, inside,
                        iter_jsonl_lines, jsonl_line_record, make_document, path_id)
from qa.inputs import binary_reason, display_name, open_input, policy, read_text, unique_files

TEXT_SUFFIXES = {".txt", ".text"}
MD_SUFFIXES = {".md", ".markdown"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | MD_SUFFIXES | JSONL_SUFFIXES
# bilingual files (XLIFF, PO/POT, TMX, TSV): read by qa.bilingual.readers
KNOWN_SUFFIXES |= {".xlf", ".xliff", ".po", ".pot", ".tmx", ".tsv"}



def iter_files(paths: Iterable[str]) -> Iterator[str]:
    """Expand directories (sorted, recursive, hidden entries skipped); keep files as given.
    A file named twice (directly, via ``./``, a link, or inside a given folder) comes once."""

    yield from unique_files(_iter_files(expand_globs(paths)))


def _iter_files(paths: Iterable[str]) -> Iterator[str]:
    follow = policy().follow_links
    for p in paths:
        if os.path.isdir(p):
            base = os.path.realpath(p)
            seen_dirs = {base}
            for root, dirs, files in os.walk(p, followlinks=follow):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                if follow:  # never twice into one folder: a link loop cannot recurse
                    keep = []
                    for d in dirs:
                        real = os.path.realpath(os.path.join(root, d))
                        if real not in seen_dirs:
                            seen_dirs.add(real)
                            keep.append(d)
                    dirs[:] = keep
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    if Path(name).suffix.lower() in KNOWN_SUFFIXES or corpus_kind(name):
                        full = os.path.join(root, name)
                        if not follow and os.path.islink(full) and not inside(os.path.realpath(full), base):
                            yield OutsideLink(full)
                        else:
                            yield full
        else:
            yield p


def read_path(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
    suffix = Path(path).suffix.lower()

    display = display_name(path)
    if isinstance(path, OutsideLink):
        yield InputError(display, path_id(path), OUTSIDE_LINK_REASON)
        return
    kind = bilingual_kind(path, text_field)
    if kind:
        yield from read_bilingual(path, kind, id_field)  # source and target: one document per file
        return
    if corpus_kind(path) and (suffix not in JSONL_SUFFIXES or compression(path)):
        yield from read_corpus(path, text_field, id_field)  # stdin, .gz/.zst, CSV, Parquet
        return
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, text_field, id_field)
        return
    try:
        text = read_text(path)  # stat first: FIFOs and devices are never opened
    except (OSError, ValueError) as exc:
        yield InputError(display, path_id(path), input_reason(exc))
        return
    yield make_document(text, path=display, doc_id=path_id(path), markdown=suffix in MD_SUFFIXES)


def _read_jsonl(path: str, text_field: str, id_field: str) -> Iterator[Record]:
    shown = display_name(path)
    try:
        fh = open_input(path)  # stat first: FIFOs and devices are never opened
        head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
        why = binary_reason(head) if b"\x00" in head else None
    except (OSError, ValueError) as exc:
        yield InputError(shown, path_id(path), input_reason(exc))
        return
    if why:
        fh.close()
        yield InputError(shown, path_id(path), why)
        return
    with fh:
        yield from iter_jsonl_lines(fh, path, text_field, id_field)


def read_all(paths: Iterable[str], text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
    for p in iter_files(paths):
        yield from read_path(p, text_field, id_field)


def bilingual_files(paths, text_field: str = "text") -> list[str]:
    """The inputs among ``paths`` (folders walked) that a bilingual reader reads."""
    return [p for p in iter_files(paths) if bilingual_kind(p, text_field)]


__all__ = ["JSONL_SUFFIXES", "KNOWN_SUFFIXES", "MD_SUFFIXES", "OUTSIDE_LINK_REASON", "TEXT_SUFFIXES", "InputError",
           "OutsideLink", "Record", "bilingual_files", "decode", "input_reason", "inside", "iter_files", "iter_jsonl_lines",
           "jsonl_line_record", "make_document", "path_id", "read_all", "read_path"]
