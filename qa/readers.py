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

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.document import Document, find_head

TEXT_SUFFIXES = {".txt", ".text"}
MD_SUFFIXES = {".md", ".markdown"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | MD_SUFFIXES | JSONL_SUFFIXES
# bilingual files (XLIFF, PO/POT, TMX, TSV): read by qa.bilingual.readers
KNOWN_SUFFIXES |= {".xlf", ".xliff", ".po", ".pot", ".tmx", ".tsv"}


@dataclass
class InputError:
    path: str
    id: str
    error: str


Record = Document | InputError


def iter_files(paths: Iterable[str]) -> Iterator[str]:
    """Expand directories (sorted, recursive, hidden entries skipped); keep files as given.
    A file named twice (directly, via ``./``, a link, or inside a given folder) comes once."""
    from qa.corpus_readers import expand_globs
    from qa.inputs import unique_files

    yield from unique_files(_iter_files(expand_globs(paths)))


class OutsideLink(str):
    """A path found in a folder that is a symbolic link leading out of that folder: not read
    (unless ``--follow-links``); ``read_path`` makes it an error record."""

    __slots__ = ()
    not_followed = True


OUTSIDE_LINK_REASON = ("a symbolic link that leads out of the input folder: not followed "
                       "(give --follow-links to read it)")


def _inside(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def _iter_files(paths: Iterable[str]) -> Iterator[str]:
    from qa.corpus_readers import corpus_kind
    from qa.inputs import policy

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
                        if not follow and os.path.islink(full) and not _inside(os.path.realpath(full), base):
                            yield OutsideLink(full)
                        else:
                            yield full
        else:
            yield p


def decode(data: bytes, encoding: str | None = None) -> str:
    """Bytes -> text under the input policy of ``qa.inputs`` (UTF-8 with the BOM removed by
    default; UTF-16/32 BOMs; ``--encoding``; binary data refused). Raises ``ValueError``
    (``qa.inputs.InputProblem``) naming the first bad byte offset."""
    from qa.inputs import decode_bytes

    return decode_bytes(data, encoding)


def read_path(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
    suffix = Path(path).suffix.lower()
    from qa.inputs import display_name, read_text

    display = display_name(path)
    if isinstance(path, OutsideLink):
        yield InputError(display, _doc_id(path), OUTSIDE_LINK_REASON)
        return
    from qa.bilingual.readers import bilingual_kind, read_bilingual

    kind = bilingual_kind(path, text_field)
    if kind:
        yield from read_bilingual(path, kind, id_field)  # source and target: one document per file
        return
    from qa.corpus_readers import compression, corpus_kind, read_corpus

    if corpus_kind(path) and (suffix not in JSONL_SUFFIXES or compression(path)):
        yield from read_corpus(path, text_field, id_field)  # stdin, .gz/.zst, CSV, Parquet
        return
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, text_field, id_field)
        return
    try:
        text = read_text(path)  # stat first: FIFOs and devices are never opened
    except (OSError, ValueError) as exc:
        yield InputError(display, _doc_id(path), _reason(exc))
        return
    yield make_document(text, path=display, doc_id=_doc_id(path), markdown=suffix in MD_SUFFIXES)


def make_document(text: str, path: str = "", doc_id: str = "", markdown: bool = False,
                  meta: dict[str, object] | None = None, lang: str | None = None) -> Document:
    title, fields = find_head(text, markdown or text.lstrip().startswith("# "))
    doc = Document(id=doc_id or path or "text", text=text, path=path, meta=dict(meta or {}), lang=lang,
                   title_span=title, fields=fields)
    for key, (_k, (a, b)) in fields.items():
        doc.meta.setdefault(key, text[a:b])
    if title:
        doc.meta.setdefault("title", text[title[0] : title[1]])
    return doc


def _read_jsonl(path: str, text_field: str, id_field: str) -> Iterator[Record]:
    from qa.inputs import binary_reason, display_name, open_input

    shown = display_name(path)
    try:
        fh = open_input(path)  # stat first: FIFOs and devices are never opened
        head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
        why = binary_reason(head) if b"\x00" in head else None
    except (OSError, ValueError) as exc:
        yield InputError(shown, _doc_id(path), _reason(exc))
        return
    if why:
        fh.close()
        yield InputError(shown, _doc_id(path), why)
        return
    with fh:
        yield from iter_jsonl_lines(fh, path, text_field, id_field)


def iter_jsonl_lines(fh, path: str, text_field: str, id_field: str, first_line: int = 1,
                     end_byte: int | None = None) -> Iterator[Record]:
    """Records from an open binary JSON Lines stream (``qa.corpus_readers`` reuses this for
    compressed files, stdin and byte ranges), stopping after ``end_byte`` when given."""
    from qa.inputs import display_name

    shown = display_name(path)
    pos = fh.tell() if end_byte is not None else 0
    for lineno, raw in enumerate(fh, start=first_line):
        if end_byte is not None:
            if pos >= end_byte:
                break
            pos += len(raw)
        if not raw.strip():
            continue
        yield jsonl_line_record(raw, lineno, path, text_field, id_field, shown)


def jsonl_line_record(raw: bytes, lineno: int, path: str, text_field: str, id_field: str,
                      shown: str | None = None) -> Record:
    """The record of one non-blank JSON Lines line (``qa clean`` reads lines with this too)."""
    from qa.inputs import display_name, policy, unpaired_surrogate

    shown = display_name(path) if shown is None else shown
    limit = policy().max_bytes
    rec_id = f"{_doc_id(path)}:{lineno}"
    if limit and len(raw) > limit:
        return InputError(shown, rec_id, f"line {lineno}: too large: {len(raw)} bytes, over the --max-bytes limit of {limit}")
    try:
        obj = json.loads(decode(raw, "utf-8"))
    except RecursionError:
        return InputError(shown, rec_id, f"line {lineno}: JSON nested too deeply")
    except (ValueError, json.JSONDecodeError) as exc:
        return InputError(shown, rec_id, f"line {lineno}: {_reason(exc)}")
    if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
        return InputError(shown, rec_id, f"line {lineno}: no string field {text_field!r}")
    bad_at = unpaired_surrogate(json.dumps(obj, ensure_ascii=False)) if b"\\u" in raw else None
    if bad_at is not None:
        return InputError(shown, rec_id, f"line {lineno}: a string holds an unpaired surrogate escape (not text)")
    if obj.get(id_field) is not None:
        rec_id = str(obj[id_field])
    meta = {k: v for k, v in obj.items() if k not in (text_field,) and isinstance(v, (str, int, float, bool))}
    lang = obj.get("lang") or obj.get("language")
    return make_document(obj[text_field], path=shown, doc_id=display_name(rec_id), meta=meta,
                         lang=str(lang) if isinstance(lang, str) else None)


def _doc_id(path: str) -> str:
    from qa.inputs import display_name

    return display_name(Path(path).name)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)


def read_all(paths: Iterable[str], text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
    for p in iter_files(paths):
        yield from read_path(p, text_field, id_field)
