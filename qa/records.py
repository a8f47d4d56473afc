"""Input records: a ``Document`` or an ``InputError`` (an input that cannot be read, and why),
and what every reader shares to make them (decoding, ids, JSON Lines lines). The readers
(``qa.readers``, ``qa.corpus_readers``, ``qa.bilingual.readers``) build on this module."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.document import Document, find_head
from qa.inputs import decode_bytes, display_name, policy, unpaired_surrogate


@dataclass
class InputError:
    path: str
    id: str
    error: str


Record = Document | InputError


class OutsideLink(str):
    """A path found in a folder that is a symbolic link leading out of that folder: not read
    (unless ``--follow-links``); ``read_path`` makes it an error record."""

    __slots__ = ()
    not_followed = True


OUTSIDE_LINK_REASON = ("a symbolic link that leads out of the input folder: not followed "
                       "(give --follow-links to read it)")


def inside(path: str, base: str) -> bool:
    """``path`` is ``base`` or lies under it (both real paths)."""
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)



def decode(data: bytes, encoding: str | None = None) -> str:
    """Bytes -> text under the input policy of ``qa.inputs`` (UTF-8 with the BOM removed by
    default; UTF-16/32 BOMs; ``--encoding``; binary data refused). Raises ``ValueError``
    (``qa.inputs.InputProblem``) naming the first bad byte offset."""

    return decode_bytes(data, encoding)


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



def iter_jsonl_lines(fh, path: str, text_field: str, id_field: str, first_line: int = 1,
                     end_byte: int | None = None) -> Iterator[Record]:
    """Records from an open binary JSON Lines stream (``qa.corpus_readers`` reuses this for
    compressed files, stdin and byte ranges), stopping after ``end_byte`` when given."""

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

    shown = display_name(path) if shown is None else shown
    limit = policy().max_bytes
    rec_id = f"{path_id(path)}:{lineno}"
    if limit and len(raw) > limit:
        return InputError(shown, rec_id, f"line {lineno}: too large: {len(raw)} bytes, over the --max-bytes limit of {limit}")
    try:
        obj = json.loads(decode(raw, "utf-8"))
    except RecursionError:
        return InputError(shown, rec_id, f"line {lineno}: JSON nested too deeply")
    except (ValueError, json.JSONDecodeError) as exc:
        return InputError(shown, rec_id, f"line {lineno}: {input_reason(exc)}")
    if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
        return InputError(shown, rec_id, f"line {lineno}: no string field {text_field!r}")
    # (only a \uD800-\uDFFF escape makes a surrogate: a line without one needs no look)
    bad_at = unpaired_surrogate(json.dumps(obj, ensure_ascii=False)) if _SURROGATE_ESCAPE_RE.search(raw) else None
    if bad_at is not None:
        return InputError(shown, rec_id, f"line {lineno}: a string holds an unpaired surrogate escape (not text)")
    if obj.get(id_field) is not None:
        rec_id = str(obj[id_field])
    meta = {k: v for k, v in obj.items() if k not in (text_field,) and isinstance(v, (str, int, float, bool))}
    lang = obj.get("lang") or obj.get("language")
    return make_document(obj[text_field], path=shown, doc_id=display_name(rec_id), meta=meta,
                         lang=str(lang) if isinstance(lang, str) else None)


#: a JSON escape of a surrogate code point (U+D800-U+DFFF), or text that looks like one
_SURROGATE_ESCAPE_RE = re.compile(rb"\\u[dD][89a-fA-F]")


def path_id(path: str) -> str:
    """The id of the document a whole file makes: its file name, as shown."""
    return display_name(Path(path).name)


def input_reason(exc: BaseException) -> str:
    """Why an input could not be read, in the words of an error record."""
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)


class LineRecorder:
    """Feeds lines to ``csv.reader`` and keeps the ones the current row was made of (the CSV
    readers and writers copy a row's own bytes)."""

    def __init__(self, lines) -> None:
        self.lines = iter(lines)
        self.taken: list[str] = []

    def __iter__(self) -> LineRecorder:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        return line

    def take(self) -> str:
        raw = "".join(self.taken)
        self.taken.clear()
        return raw
