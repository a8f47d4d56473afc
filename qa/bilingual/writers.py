"""Cleaned copies of bilingual files in their own format: only target texts change.

``clean_copy(path, kind, ...)`` reads the file with the same reader as ``qa check``
(``qa.bilingual.readers``, which keeps the parsed file and where each segment's target lives),
checks and fixes the document round by round like ``qa.fixes.clean_document_text``, and returns
the bytes of the copy (the input's own bytes when nothing changed).

What may change, per segment, is its target text, and only where a fix maps back safely:

* an edit must lie inside one segment's target (the ``\\n`` that joins targets is never edited);
* an edit must lie inside one text run of the target: in XLIFF and TMX, one text node between
  inline codes (``node.text`` or ``node.tail``); an edit that overlaps an inline code's
  placeholder (``{x1}``, ``{g1}``, ``{/g1}`` ...), spans the edge of a ``<mrk>``, or touches a
  format placeholder of the text (``{0}``, ``%s``, ``%(name)s``, ``<b>`` ...) is not applied;
* a segment without a target element (an XLIFF unit with no ``<target>``, a TMX ``tu`` without
  a target ``tuv``, a null target in JSON Lines or Parquet, a row without the target cell) keeps
  no edit.

A finding whose fix has one edit that does not map is left out as a whole (the next round sees
the text without it). Formats:

* **XLIFF 1.2 / 2.x, TMX**: the tree parsed by lxml (processing instructions, comments and
  unchanged CDATA sections kept) with the changed text nodes set; the root element serialised
  by lxml in the input's encoding (and BOM) after the input's own prolog (XML declaration,
  comments, DOCTYPE) as it was. Inline code elements, notes, attributes and every other element
  are written as they were parsed (lxml puts a tag's attributes on one line).
* **PO / POT**: polib's writer (comments, flags, ``msgctxt``, plural forms, the header, obsolete
  messages kept; strings are wrapped at 78 columns unless the input has longer lines).
* **JSON Lines**: only the target field's value is replaced inside each changed line
  (``qa.clean_formats.value_span``); other lines are copied unchanged.
* **CSV / TSV**: unchanged rows are copied as they were; a changed row is written again with
  the same cells and delimiter, only the target cell replaced.
* **Parquet**: the same schema, row groups and codec; only the target column's values change.

``Unwritable`` is raised when a copy cannot be written (the file is malformed, or its text has
no encoding that writes it back).
"""

from __future__ import annotations

import copy

import bisect
import io
import json
import re
from dataclasses import dataclass

from qa.bilingual.model import BilingualDocument, build_document
from qa.bilingual.readers import Kept, MalformedInput, Run, parse_bilingual
from qa.fixes import LogEntry, select_edits
from qa.model import Edit, Finding


class Unwritable(Exception):
    """No copy can be written; ``str(exc)`` is the reason."""


_MAX_ROUNDS = 5


# --------------------------------------------------------------------------- targets as runs
@dataclass
class _Target:
    """One segment's target: editable runs (text) and fixed ones (placeholders)."""

    runs: list[Run]
    #: format placeholders inside text runs (target offsets); found when first needed
    _protected: list[tuple[int, int]] | None = None

    @property
    def protected(self) -> list[tuple[int, int]]:
        if self._protected is None:
            self._protected = _placeholders(self.text)
        return self._protected

    def changed(self) -> None:
        self._protected = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    def run_of(self, start: int, end: int) -> tuple[int, int] | None:
        """(run index, run start) of the text run holding ``[start, end)``, or None."""
        pos = 0
        for i, r in enumerate(self.runs):
            a, b = pos, pos + len(r.text)
            pos = b
            if r.code:
                if start < b and a < end or a < start < b:
                    return None  # overlaps or cuts into a placeholder
                continue
            if a <= start and end <= b:
                return i, a
        return None

    def allows(self, start: int, end: int) -> bool:
        if self.run_of(start, end) is None:
            return False
        for a, b in self.protected:
            if start < b and a < end or a < start < b:
                return False
        return True


def _placeholders(text: str) -> list[tuple[int, int]]:
    from qa.bilingual.extract import placeholders

    return [(a, b) for a, b, _key in placeholders(text)]


def _target_of(slot, text: str) -> _Target | None:
    if slot is None:
        return None
    # XML: the runs the reader recorded; other formats: the whole target is one text run
    runs = slot if isinstance(slot, list) else [Run(text, node=True)]
    return _Target(list(runs))


# --------------------------------------------------------------------------- the clean loop
@dataclass
class BilingualClean:
    doc: BilingualDocument  # as read
    text: str  # the cleaned document text (targets joined)
    targets: list[str]  # the cleaned target of every segment
    log: list[tuple[LogEntry, str]]  # (entry, segment id)
    skipped: int  # findings with a fix that could not be mapped back (per round)

    @property
    def changed(self) -> bool:
        return self.text != self.doc.text


def _rebuild(doc: BilingualDocument, targets: list[str]) -> BilingualDocument:
    segs = []
    for s, t in zip(doc.segments, targets):
        c = copy.copy(s)  # a shallow copy: build_document sets the copies' offsets
        c.target = t
        segs.append(c)
    meta = {k: v for k, v in doc.meta.items() if k not in ("format", "segments", "source_lang", "target_lang")}
    return build_document(segs, path=doc.path, doc_id=doc.id, fmt=doc.format, source_lang=doc.source_lang,
                          target_lang=doc.target_lang, meta=meta)


def clean_segments(doc: BilingualDocument, slots: list, check, unsafe: bool = False) -> BilingualClean:
    """Fix the targets of ``doc`` round by round; ``check(doc)`` returns the findings of a
    document. Edits that do not map back to a target's text runs are not applied."""
    targets = [_target_of(slot, seg.target) for slot, seg in zip(slots, doc.segments)]
    current = doc
    log: list[tuple[LogEntry, str]] = []
    skipped = 0
    for rnd in range(1, _MAX_ROUNDS + 1):
        starts = [s.target_start for s in current.segments]
        findings = [f for f in check(current) if f.fix is not None and f.fix.edits]
        by_segment: dict[int, list[Finding]] = {}
        for f in findings:
            edits_f = f.fix.edits  # type: ignore[union-attr]
            i = _segment_index(starts, edits_f[0])
            if all(_mappable(e, starts, current, targets) and _segment_index(starts, e) == i for e in edits_f):
                by_segment.setdefault(i, []).append(f)
            else:
                skipped += 1
        # edits of different segments never touch (a \n lies between): choose per segment
        edits = [x for i in sorted(by_segment) for x in select_edits(by_segment[i], unsafe)]
        if not edits:
            break
        ordered = sorted(edits, key=lambda x: (x[1].start, x[1].end))
        new_text = _applied(current.text, ordered)
        for rule, e in ordered:
            entry = LogEntry(rule, e.start, e.end, current.text[e.start:e.end], e.replacement, rnd)
            log.append((entry, current.segments[_segment_index(starts, e)].id))
        # apply to the runs, back to front within each segment
        touched: set[int] = set()
        for rule, e in reversed(ordered):
            i = _segment_index(starts, e)
            touched.add(i)
            t = targets[i]
            assert t is not None
            rel_s, rel_e = e.start - starts[i], e.end - starts[i]
            ri, ra = t.run_of(rel_s, rel_e)  # type: ignore[misc]
            run = t.runs[ri]
            run.text = run.text[: rel_s - ra] + e.replacement + run.text[rel_e - ra :]
        for i in touched:
            targets[i].changed()  # type: ignore[union-attr]
        current = _rebuild(doc, [t.text if t is not None else s.target for t, s in zip(targets, doc.segments)])
        if current.text != new_text:  # pragma: no cover - the runs and the joined text move together
            raise AssertionError("the cleaned targets do not match the cleaned text")
    return BilingualClean(doc, current.text, [s.target for s in current.segments], log, skipped)


def _applied(text: str, ordered: list[tuple[str, Edit]]) -> str:
    """``text`` with the (non-overlapping, ordered) edits applied, in one pass."""
    parts: list[str] = []
    pos = 0
    for _rule, e in ordered:
        parts.append(text[pos:e.start])
        parts.append(e.replacement)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def _segment_index(starts: list[int], e: Edit) -> int:
    """The segment an edit lies in (targets start strictly increasing: they are joined by \\n)."""
    return bisect.bisect_right(starts, e.start) - 1


def _mappable(e: Edit, starts: list[int], doc: BilingualDocument, targets: list[_Target | None]) -> bool:
    i = _segment_index(starts, e)
    if i < 0:
        return False
    seg = doc.segments[i]
    if not (seg.target_start <= e.start and e.end <= seg.target_end):
        return False
    t = targets[i]
    return t is not None and t.allows(e.start - seg.target_start, e.end - seg.target_start)


# --------------------------------------------------------------------------- the copy
def read_kept(path: str, kind: str, id_field: str = "id") -> tuple[bytes, BilingualDocument, Kept]:
    """The input's bytes, its document and what the writer needs; ``Unwritable`` if malformed."""
    from qa.inputs import display_name, read_bytes
    from qa.records import input_reason as _reason, path_id as _doc_id

    try:
        data = read_bytes(path)
    except (OSError, ValueError) as exc:
        raise Unwritable(_reason(exc)) from None
    keep = Kept()
    try:
        doc = parse_bilingual(data, kind, display_name(path), _doc_id(path), id_field,
                              pot=path.lower().endswith(".pot"), keep=keep)
    except (MalformedInput, ValueError) as exc:
        raise Unwritable(str(exc)) from None
    return data, doc, keep


def serialize(kind: str, data: bytes, keep: Kept, result: BilingualClean) -> bytes:
    """The bytes of the cleaned copy."""
    if kind in ("xliff", "tmx"):
        return _xml_bytes(data, keep, result)
    if kind == "po":
        return _po_bytes(data, keep, result)
    if kind == "jsonl":
        return _jsonl_bytes(data, keep, result)
    if kind == "parquet":
        return _parquet_bytes(data, keep, result)
    return _table_bytes(data, keep, result, delimiter="\t" if kind == "tsv" else ",")


def _changed(keep: Kept, result: BilingualClean):
    """(slot, new target) of every segment whose target changed."""
    for slot, seg, new in zip(keep.slots, result.doc.segments, result.targets):
        if new != seg.target:
            yield slot, new


# XML ----------------------------------------------------------------------
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PROLOG_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.S)


def _prolog(text: str) -> str | None:
    """The text before the root element (declaration, comments, DOCTYPE, white space)."""
    i = 0
    while True:
        m = _PROLOG_ITEM.match(text, i)
        if m is None or m.end() == i:
            break
        i = m.end()
    return text[:i] if text[i:i + 1] == "<" else None


def _xml_bytes(data: bytes, keep: Kept, result: BilingualClean) -> bytes:
    import codecs

    from lxml import etree

    # the runs were edited in place by clean_segments; put the changed texts into the tree (an
    # unchanged text node keeps its form, a CDATA section included)
    for slot, _new in _changed(keep, result):
        for run in slot:
            if run.code or (getattr(run.node, run.attr) or "") == run.text:
                continue
            bad = _XML_BAD.search(run.text)
            if bad:
                raise Unwritable(f"a cleaned target holds U+{ord(bad.group()):04X}, which XML cannot hold")
            setattr(run.node, run.attr, run.text or None)
    root = keep.root
    tree = root.getroottree()  # type: ignore[union-attr]
    enc = tree.docinfo.encoding or "UTF-8"
    bom, codec = b"", enc
    for mark, name in _BOMS:
        if data.startswith(mark):
            bom, codec = mark, name
            break
    try:
        codecs.lookup(codec)
        text = data[len(bom):].decode(codec)
        prolog = _prolog(text)
    except (LookupError, UnicodeError):
        prolog = None
    if prolog is None:  # the whole document, with lxml's own declaration
        try:
            return etree.tostring(tree, encoding=enc, xml_declaration=True)
        except (LookupError, ValueError) as exc:
            raise Unwritable(f"cannot write the XML back in {enc}: {exc}") from None
    # the input's own prolog and line ends around the root; lxml writes the root element
    body = etree.tostring(root, encoding="unicode", with_tail=False)
    after = "".join("\n" + etree.tostring(sib, encoding="unicode", with_tail=False)
                    for sib in root.itersiblings())  # type: ignore[union-attr]
    end = text[len(text.rstrip()):]
    return bom + (prolog + body + after + end).encode(codec, "xmlcharrefreplace")


# PO ------------------------------------------------------------------------
def _po_bytes(data: bytes, keep: Kept, result: BilingualClean) -> bytes:
    po = keep.root
    for (entry, k), new in _changed(keep, result):
        if k is None:
            entry.msgstr = new
        else:
            entry.msgstr_plural[k] = new
    text = data.decode("utf-8-sig", "replace")
    po.wrapwidth = 0 if any(len(line) > 79 for line in text.splitlines()) else 78  # type: ignore[attr-defined]
    out = po.__unicode__()  # type: ignore[attr-defined]
    if not po.header and out.startswith("#\n") and not text.lstrip("\ufeff").startswith("#\n"):
        out = out[2:]  # polib writes an empty header comment as '#'
    lead = 'msgid ""\nmsgstr ""\n\n'
    if not po.header and not po.metadata and out.startswith(lead) and not text.lstrip("\ufeff").startswith(lead):
        out = out[len(lead):]  # and a header entry the input did not have
    if text.endswith("\n") and not out.endswith("\n"):
        out += "\n"
    return _encode_like(data, text_of(data), out)


def text_of(data: bytes) -> str:
    from qa.readers import decode

    return decode(data, None)


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _encode_like(data: bytes, text: str, out: str) -> bytes:
    """``out`` in the encoding ``data`` was read with (``text`` is what was read)."""
    from qa.inputs import policy

    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                if data[len(bom):].decode(codec) == text:
                    return bom + out.encode(codec, "surrogatepass")
            except UnicodeError:
                pass
    candidates = ["utf-8"]
    enc = getattr(policy(), "encoding", None)
    if enc and enc not in ("utf-8", "auto"):
        candidates.insert(0, enc)
    for codec in candidates:
        try:
            if data.decode(codec) != text:
                continue
        except (UnicodeError, LookupError):
            continue
        try:
            return out.encode(codec)
        except UnicodeEncodeError as exc:
            raise Unwritable(f"the cleaned text holds {exc.object[exc.start]!r}, which {codec} cannot hold") from None
    raise Unwritable("the file's encoding was guessed; give --encoding to write the copy back in it")


# JSON Lines ----------------------------------------------------------------
def _jsonl_bytes(data: bytes, keep: Kept, result: BilingualClean) -> bytes:
    from qa.bilingual.readers import options
    from qa.clean_formats import json_string, value_span

    lines: list[str] = keep.root  # type: ignore[assignment]
    key = options().target_field
    for i, new in _changed(keep, result):
        line = lines[i]
        span = value_span(line, key)
        if span is None:  # pragma: no cover - json.loads read the line, so the scan does too
            raise Unwritable(f"line {i + 1}: the cleaned target could not be written back")
        a, b = span
        lines[i] = line[:a] + json_string(new, line[a:b]) + line[b:]
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    return bom + "\n".join(lines).encode("utf-8")


# CSV / TSV -----------------------------------------------------------------
def _table_bytes(data: bytes, keep: Kept, result: BilingualClean, delimiter: str) -> bytes:
    import csv

    from qa.clean_formats import all_quoted, line_end

    table: list[tuple[str, list[str]]] = keep.root  # type: ignore[assignment]
    col = keep.extra["target_column"]
    header = keep.extra.get("header")
    quoting = csv.QUOTE_ALL if header and all_quoted(table[0][0], len(header)) else csv.QUOTE_MINIMAL
    rows = [raw for raw, _cells in table]
    for i, new in _changed(keep, result):
        raw, cells = table[i]
        cells = list(cells)
        cells[col] = new
        buf = io.StringIO()
        q = csv.QUOTE_ALL if all_quoted(raw, len(cells)) else quoting  # as the row was written
        csv.writer(buf, delimiter=delimiter, quoting=q, lineterminator=line_end(raw)).writerow(cells)
        rows[i] = buf.getvalue()
    out = "".join(rows) + keep.extra.get("rest", "")
    return _encode_like(data, text_of(data), out)


# Parquet -------------------------------------------------------------------
def _parquet_bytes(data: bytes, keep: Kept, result: BilingualClean) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from qa.bilingual.readers import options
    from qa.clean_formats import arrow_array

    new_values = {row: new for row, new in _changed(keep, result)}
    key = options().target_field
    try:
        pf = pq.ParquetFile(pa.BufferReader(data))
        schema = pf.schema_arrow
        col = schema.names.index(key)
        ftype = schema.field(col).type
        md = pf.metadata
        codec = "snappy"
        if md.num_row_groups and md.row_group(0).num_columns:
            codec = md.row_group(0).column(0).compression.lower()
            codec = "none" if codec == "uncompressed" else codec
        sink = pa.BufferOutputStream()
        writer = pq.ParquetWriter(sink, schema, compression=codec)
        row = 0
        try:
            for rg in range(md.num_row_groups):
                table = pf.read_row_group(rg)
                n = table.num_rows
                touched = [r for r in range(row, row + n) if r in new_values]
                if touched:
                    values = table.column(col).to_pylist()
                    for r in touched:
                        values[r - row] = new_values[r]
                    table = table.set_column(col, schema.field(col), arrow_array(pa, values, ftype))
                writer.write_table(table, row_group_size=max(1, n))
                row += n
        finally:
            writer.close()
        return sink.getvalue().to_pybytes()
    except Unwritable:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types
        raise Unwritable(f"cannot write Parquet: {exc}") from None


# --------------------------------------------------------------------------- one file
def clean_copy(path: str, kind: str, check, unsafe: bool = False, id_field: str = "id"
               ) -> tuple[BilingualClean, bytes, bytes]:
    """Clean one bilingual file: the result, the input's bytes and the copy's bytes (the input's
    own when nothing changed)."""
    data, doc, keep = read_kept(path, kind, id_field)
    result = clean_segments(doc, keep.slots, check, unsafe)
    if not result.changed:
        return result, data, data
    return result, data, serialize(kind, data, keep, result)


def diff_text(kind: str, data: bytes, result: BilingualClean, copy: bytes) -> tuple[str, str]:
    """The two texts ``qa clean --diff`` compares: the file's text before and after (Parquet:
    the targets, one a line)."""
    if kind == "parquet":
        return "\n".join(s.target for s in result.doc.segments) + "\n", "\n".join(result.targets) + "\n"
    return data.decode("utf-8", "replace"), copy.decode("utf-8", "replace")


def log_entries(result: BilingualClean, path: str) -> list[str]:
    """The fix-log lines of a cleaned bilingual file: each names its segment."""
    from qa.report.jsonl import safe_line

    out = []
    for entry, seg in result.log:
        d = entry.to_json(path)
        d["segment"] = seg
        out.append(safe_line(json.dumps(d, ensure_ascii=False)))
    return out
