"""Readers: paths on the command line -> ``Document`` records (or per-input error records).

* ``.txt`` / ``.text``: one document; a short first line followed by a blank line is the title.
* ``.md`` / ``.markdown``: one document; ``# Title`` and head lines such as ``Author:``,
  ``Published at:``, ``Original:`` become metadata fields (spans into the original text).
* ``.jsonl`` / ``.ndjson``: one document per record (``text_field`` / ``id_field``).

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


@dataclass
class InputError:
    path: str
    id: str
    error: str


Record = Document | InputError


def iter_files(paths: Iterable[str]) -> Iterator[str]:
    """Expand directories (sorted, recursive, hidden entries skipped); keep files as given."""
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    if Path(name).suffix.lower() in KNOWN_SUFFIXES:
                        yield os.path.join(root, name)
        else:
            yield p


def decode(data: bytes) -> str:
    """UTF-8 with the BOM removed. Raises ``ValueError`` naming the first bad byte offset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} ({exc.reason})"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_path(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
    suffix = Path(path).suffix.lower()
    display = path
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, text_field, id_field)
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        text = decode(data)
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
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield InputError(path, _doc_id(path), _reason(exc))
        return
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            rec_id = f"{_doc_id(path)}:{lineno}"
            try:
                obj = json.loads(decode(raw))
            except (ValueError, json.JSONDecodeError) as exc:
                yield InputError(path, rec_id, f"line {lineno}: {_reason(exc)}")
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
                yield InputError(path, rec_id, f"line {lineno}: no string field {text_field!r}")
                continue
            if obj.get(id_field) is not None:
                rec_id = str(obj[id_field])
            meta = {k: v for k, v in obj.items() if k not in (text_field,) and isinstance(v, (str, int, float, bool))}
            lang = obj.get("lang") or obj.get("language")
            yield make_document(obj[text_field], path=path, doc_id=rec_id, meta=meta,
                                lang=str(lang) if isinstance(lang, str) else None)


def _doc_id(path: str) -> str:
    return Path(path).name


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)


def read_all(paths: Iterable[str], text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
    for p in iter_files(paths):
        yield from read_path(p, text_field, id_field)
