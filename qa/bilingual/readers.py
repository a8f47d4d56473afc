"""Bilingual readers: XLIFF 1.2 / 2.x, PO / POT, TMX, and source/target JSON Lines, CSV and TSV.

Each reader turns one file into one ``BilingualDocument`` (``qa.bilingual.model``), or into an
``InputError`` naming the line and column where the file is malformed. Given a ``Kept``, a reader
also keeps the parsed file and where each segment's target lives, for ``qa.bilingual.writers``.

* **XLIFF** (``.xlf``, ``.xliff``): 1.2 ``trans-unit`` (id, ``source``, ``target``, ``note``) and
  2.x ``unit``/``segment`` (``notes/note``); languages from ``source-language`` /
  ``target-language`` (1.2) or ``srcLang`` / ``trgLang`` (2.x). Inline codes become placeholders:
  ``{x1}``, ``{bx1}``, ``{ex1}``, ``{ph1}``, ``{bpt1}``, ``{ept1}``, ``{it1}``, ``{sc1}``, ``{ec1}``,
  and paired ``{g1}...{/g1}`` / ``{pc1}...{/pc1}``; ``<mrk>`` keeps only its text.
* **PO / POT** (``.po``, ``.pot``, read with polib): one segment per message and per plural form
  (``msgstr[n]``; form 0 pairs with ``msgid``, the others with ``msgid_plural``); ``msgctxt``, the
  fuzzy flag and the comments are kept; obsolete (``#~``) messages and the header are skipped. The
  target language is the header's ``Language``.
* **TMX** (``.tmx``): one segment per ``tu``; the source is the ``tuv`` in the header's
  ``srclang`` (or the first), the target the first other ``tuv`` (or the one in ``--target-lang``).
* **JSON Lines / CSV / TSV / Parquet**: one segment per record, ``--source-field`` /
  ``--target-field`` (default ``source`` / ``target``) and ``--id-field``. A ``.jsonl``, ``.csv``
  or ``.parquet`` file is read this way when ``--source-field`` is given or when its first record
  has both fields and no text field; a ``.tsv`` file always: with a header row naming the fields,
  or else columns 1 and 2.

XML is parsed with a hardened lxml parser: no network, no DTD loading, no entity expansion.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qa.bilingual.model import BilingualDocument, Segment, build_document
from qa.inputs import display_name, open_input, read_bytes
from qa.records import InputError, LineRecorder, decode, input_reason, path_id

XLIFF_SUFFIXES = {".xlf", ".xliff"}
PO_SUFFIXES = {".po", ".pot"}
TMX_SUFFIXES = {".tmx"}
TSV_SUFFIXES = {".tsv"}
#: suffixes a folder walk picks up for this module (JSON Lines and CSV are found already)
BILINGUAL_SUFFIXES = XLIFF_SUFFIXES | PO_SUFFIXES | TMX_SUFFIXES | TSV_SUFFIXES


@dataclass
class BilingualOptions:
    source_field: str = "source"
    target_field: str = "target"
    source_lang: str | None = None
    target_lang: str | None = None
    explicit: bool = False  # --source-field or --target-field given: JSON Lines / CSV are bilingual


_options = BilingualOptions()


def options() -> BilingualOptions:
    return _options


def set_options(source_field: str | None = None, target_field: str | None = None,
                source_lang: str | None = None, target_lang: str | None = None) -> BilingualOptions:
    global _options
    _options = BilingualOptions(source_field or "source", target_field or "target", source_lang, target_lang,
                                explicit=bool(source_field or target_field))
    return _options


def use_options(opts: BilingualOptions) -> None:
    """Read with ``opts`` (a worker process given the client's options)."""
    global _options
    _options = opts


class MalformedInput(ValueError):
    pass


# --------------------------------------------------------------------------- dispatch
def bilingual_kind(path: str, text_field: str = "text") -> str | None:
    """Which bilingual reader reads ``path`` (``xliff``, ``po``, ``tmx``, ``jsonl``, ``csv``,
    ``tsv``), or ``None`` for a monolingual input."""
    if not isinstance(path, str) or path == "-":
        return None
    suffix = Path(path).suffix.lower()
    if suffix in XLIFF_SUFFIXES:
        return "xliff"
    if suffix in PO_SUFFIXES:
        return "po"
    if suffix in TMX_SUFFIXES:
        return "tmx"
    if suffix in TSV_SUFFIXES:
        return "tsv"
    if suffix in (".jsonl", ".ndjson", ".csv", ".parquet"):
        opts = options()
        kind = {".csv": "csv", ".parquet": "parquet"}.get(suffix, "jsonl")
        if opts.explicit:
            return kind
        try:
            return kind if _looks_bilingual(path, kind, text_field, opts) else None
        except Exception:  # noqa: BLE001 - OSError, bad UTF-8 or CSV, pyarrow's errors: the monolingual reader reports it
            return None
    return None


def _looks_bilingual(path: str, kind: str, text_field: str, opts: BilingualOptions) -> bool:
    with open_input(path) as fh:  # stat first: a FIFO or a device is never opened
        if kind == "parquet":
            return _parquet_looks_bilingual(fh, text_field, opts)
        head = fh.read(65536)
    if kind == "jsonl":
        for raw in head.split(b"\n"):
            if raw.strip():
                try:
                    obj = json.loads(raw.decode("utf-8-sig"))
                except ValueError:
                    return False
                return (isinstance(obj, dict) and text_field not in obj
                        and isinstance(obj.get(opts.source_field), str) and isinstance(obj.get(opts.target_field), str))
        return False
    first = next(csv.reader(io.StringIO(head.decode("utf-8-sig", "replace"))), [])
    return text_field not in first and opts.source_field in first and opts.target_field in first


def read_bilingual(path: str, kind: str, id_field: str = "id") -> Iterator[object]:
    shown = display_name(path)
    doc_id = path_id(path)
    try:
        data = read_bytes(path)  # the input policy: size limit, no FIFOs or devices
    except (OSError, ValueError) as exc:
        yield InputError(shown, doc_id, input_reason(exc))
        return
    try:
        doc = parse_bilingual(data, kind, shown, doc_id, id_field, pot=path.lower().endswith(".pot"))
    except (MalformedInput, ValueError) as exc:
        yield InputError(shown, doc_id, str(exc))
        return
    yield doc


def parse_bilingual(data: bytes, kind: str, shown: str, doc_id: str, id_field: str = "id", pot: bool = False,
                    keep: Kept | None = None) -> BilingualDocument:
    """The document of a bilingual file's bytes (``kind`` from ``bilingual_kind``); ``keep``
    receives what writing a copy back needs. Raises ``MalformedInput`` or ``ValueError``."""
    if kind == "xliff":
        return read_xliff_bytes(data, shown, doc_id, keep=keep)
    if kind == "tmx":
        return read_tmx_bytes(data, shown, doc_id, keep=keep)
    if kind == "parquet":
        return read_parquet_bytes(data, shown, doc_id, id_field, keep=keep)

    text = decode(data, "utf-8" if kind == "jsonl" else None)
    if kind == "po":
        return read_po_text(text, shown, doc_id, pot=pot, keep=keep)
    if kind == "jsonl":
        return read_jsonl_text(text, shown, doc_id, id_field, keep=keep)
    return read_table_text(text, shown, doc_id, id_field, delimiter="\t" if kind == "tsv" else ",",
                           fmt=kind, keep=keep)


# --------------------------------------------------------------------------- XML (XLIFF, TMX)
def _parser(keep: bool = False):
    """The hardened parser; ``keep``: processing instructions and CDATA sections stay in the
    tree (a copy written back keeps them)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_pis=not keep, strip_cdata=not keep, collect_ids=False)


def parse_xml(data: bytes, what: str, keep: bool = False):
    from lxml import etree

    try:
        root = etree.fromstring(data, _parser(keep))
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (exc.lineno or 0, 0)
        msg = str(exc.msg or exc).split(", line ")[0]
        raise MalformedInput(f"line {line}, column {col}: not well-formed {what}: {msg}") from None
    if root is None:
        raise MalformedInput(f"line 1, column 1: not well-formed {what}: empty document")
    for el in root.iter(etree.Entity):  # an undefined or DTD entity left unexpanded
        raise MalformedInput(f"line {el.sourceline or 0}, column 0: {what} uses the entity "
                             f"&{el.name}; (entities are not expanded)")
    return root


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_PAIRED = {"g", "pc"}
_EMPTY_CODES = {"x", "bx", "ex", "sc", "ec", "ph", "bpt", "ept", "it", "ut", "cp"}
_MARKERS = {"sm", "em"}


@dataclass
class Run:
    """A piece of a target as read: a text slot of the tree (``node.text`` or ``node.tail``,
    ``attr``) or an inline code's placeholder (``node`` None), in order; their texts joined are
    the segment's target."""

    text: str
    node: object = None
    attr: str | None = None

    @property
    def code(self) -> bool:
        return self.node is None


@dataclass
class Kept:
    """What a reader keeps for writing a copy back (``qa.bilingual.writers``): the parsed file
    (an lxml root, a polib file, lines or rows) and, per segment, where its target lives."""

    root: object = None
    #: per segment: the target's runs (XML), (entry, plural form) (PO), or a line/row index; None
    #: when the segment has no target to write into
    slots: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def inline_text(el, codes: dict[str, str], runs: list[Run] | None = None) -> str:
    """The text of a ``source``/``target``/``seg`` element with inline codes as placeholders.
    ``runs`` (if given) receives the text slots and placeholders in order."""
    from lxml import etree

    counter = itertools.count(1)
    parts: list[str] = []

    def text_slot(node, attr: str) -> None:
        t = getattr(node, attr)
        if t:
            parts.append(t)
        if runs is not None:
            runs.append(Run(t or "", node, attr))

    def code(tok: str) -> None:
        parts.append(tok)
        if runs is not None:
            runs.append(Run(tok))

    def walk(node) -> None:
        text_slot(node, "text")
        for child in node:
            name = _local(child)
            if not name:  # a comment or processing instruction
                pass
            elif name in _PAIRED:
                cid = child.get("id") or str(next(counter))
                tok, end = f"{{{name}{cid}}}", f"{{/{name}{cid}}}"
                codes[tok] = f"<{name} id={cid}>"
                codes[end] = f"</{name}>"
                code(tok)
                walk(child)
                code(end)
            elif name in _EMPTY_CODES:
                cid = child.get("id") or child.get("i") or child.get("x") or child.get("startRef") or str(next(counter))
                tok = f"{{{name}{cid}}}"
                codes[tok] = etree.tostring(child, encoding="unicode", with_tail=False)
                code(tok)
            elif name in _MARKERS:
                pass
            else:  # mrk and unknown elements: their text
                walk(child)
            text_slot(child, "tail")

    walk(el)
    return "".join(parts)


def _target_runs(tgt, codes: dict[str, str], keep: Kept | None) -> str:
    """A target element's text; with ``keep``, its runs (or None: no target element) recorded."""
    if tgt is None:
        if keep is not None:
            keep.slots.append(None)
        return ""
    runs: list[Run] | None = [] if keep is not None else None
    text = inline_text(tgt, codes, runs)
    if keep is not None:
        keep.slots.append(runs)
    return text


def read_xliff_bytes(data: bytes, path: str, doc_id: str, keep: Kept | None = None) -> BilingualDocument:
    """``keep``: the tree and each target's runs are kept in it (for writing a copy back)."""
    root = parse_xml(data, "XLIFF", keep=keep is not None)
    if keep is not None:
        keep.root = root
    if _local(root) != "xliff":
        raise MalformedInput(f"line {root.sourceline or 1}, column 1: not XLIFF: the root element is <{_local(root)}>")
    version = root.get("version", "")
    opts = options()
    segments: list[Segment] = []
    src_lang = tgt_lang = None
    if version.startswith("2"):
        src_lang, tgt_lang = root.get("srcLang"), root.get("trgLang")
        for unit in root.iter("{*}unit"):
            notes = tuple((n.text or "").strip() for n in unit.iter("{*}note"))
            segs = [e for e in unit if _local(e) in ("segment", "ignorable")]
            n_seg = sum(1 for e in segs if _local(e) == "segment")
            k = 0
            for seg in segs:
                if _local(seg) != "segment":
                    continue
                k += 1
                codes: dict[str, str] = {}
                src = next((e for e in seg if _local(e) == "source"), None)
                tgt = next((e for e in seg if _local(e) == "target"), None)
                sid = unit.get("id", "")
                if n_seg > 1:
                    sid = f"{sid}/{seg.get('id') or k}"
                state = seg.get("state", "")
                source = inline_text(src, codes) if src is not None else ""
                segments.append(Segment(
                    id=sid, source=source, target=_target_runs(tgt, codes, keep), notes=notes,
                    fuzzy=state in ("initial",) and tgt is not None, line=seg.sourceline, codes=codes))
    elif version.startswith("1") or not version:
        for file_el in (e for e in root if _local(e) == "file"):
            src_lang = src_lang or file_el.get("source-language")
            tgt_lang = tgt_lang or file_el.get("target-language")
            for tu in file_el.iter("{*}trans-unit"):
                if tu.get("translate") == "no":
                    continue
                codes = {}
                src = next((e for e in tu if _local(e) == "source"), None)
                tgt = next((e for e in tu if _local(e) == "target"), None)
                notes = tuple((n.text or "").strip() for n in tu if _local(n) == "note")
                state = tgt.get("state", "") if tgt is not None else ""
                source = inline_text(src, codes) if src is not None else ""
                segments.append(Segment(
                    id=tu.get("id", str(len(segments) + 1)),
                    source=source, target=_target_runs(tgt, codes, keep), notes=notes,
                    fuzzy=state.startswith("needs-"),
                    line=tu.sourceline, codes=codes))
    else:
        raise MalformedInput(f"line {root.sourceline or 1}, column 1: XLIFF version {version!r} is not read (1.2 or 2.x)")
    return build_document(segments, path=path, doc_id=doc_id, fmt="xliff",
                          source_lang=src_lang or opts.source_lang, target_lang=tgt_lang or opts.target_lang,
                          meta={"xliff_version": version or "1.2"})


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_tmx_bytes(data: bytes, path: str, doc_id: str, keep: Kept | None = None) -> BilingualDocument:
    root = parse_xml(data, "TMX", keep=keep is not None)
    if keep is not None:
        keep.root = root
    if _local(root) != "tmx":
        raise MalformedInput(f"line {root.sourceline or 1}, column 1: not TMX: the root element is <{_local(root)}>")
    opts = options()
    header = next((e for e in root if _local(e) == "header"), None)
    src_lang = header.get("srclang") if header is not None else None
    if src_lang in (None, "*all*"):
        src_lang = opts.source_lang
    tgt_lang = opts.target_lang
    segments: list[Segment] = []
    body = next((e for e in root if _local(e) == "body"), None)
    for n, tu in enumerate((e for e in (body if body is not None else []) if _local(e) == "tu"), start=1):
        tuvs = [(v.get(_XML_LANG) or v.get("lang") or "", v) for v in tu if _local(v) == "tuv"]
        if not tuvs:
            continue
        low = (src_lang or "").lower()
        src = next((v for lang, v in tuvs if lang.lower() == low), None) if low else None
        if src is None:
            src_lang = src_lang or tuvs[0][0]
            src = tuvs[0][1]
        others = [(lang, v) for lang, v in tuvs if v is not src]
        if tgt_lang:
            tgt = next((v for lang, v in others if lang.lower() == tgt_lang.lower()), None)
        else:
            tgt = others[0][1] if others else None
            tgt_lang = others[0][0] if others else None
        codes: dict[str, str] = {}

        def seg_el(tuv):
            return next((e for e in tuv if _local(e) == "seg"), None) if tuv is not None else None

        src_seg = seg_el(src)
        source = inline_text(src_seg, codes) if src_seg is not None else ""
        target = _target_runs(seg_el(tgt), codes, keep)
        notes = tuple((e.text or "").strip() for e in tu if _local(e) == "note")
        segments.append(Segment(id=tu.get("tuid") or str(n), source=source, target=target,
                                notes=notes, line=tu.sourceline, codes=codes))
    return build_document(segments, path=path, doc_id=doc_id, fmt="tmx", source_lang=src_lang, target_lang=tgt_lang)


# --------------------------------------------------------------------------- PO
def read_po_text(text: str, path: str, doc_id: str, pot: bool = False, keep: Kept | None = None) -> BilingualDocument:
    import polib

    opts = options()
    if not text.strip():
        raise MalformedInput("line 1, column 1: empty PO file")
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise MalformedInput(f"{_po_where(str(exc))}not a valid PO file: {exc}") from None
    if keep is not None:
        keep.root = po
    segments: list[Segment] = []
    for e in po:
        if e.obsolete or (e.msgid == "" and not e.msgctxt):
            continue
        notes = tuple(x for x in (e.comment, e.tcomment) if x)
        fuzzy = "fuzzy" in e.flags
        base = str(e.linenum)
        if e.msgid_plural:
            forms = e.msgstr_plural or {0: "", 1: ""}
            for k in sorted(forms):
                if keep is not None:
                    keep.slots.append((e, k))
                segments.append(Segment(id=f"{base}[{k}]", source=e.msgid if k == 0 else e.msgid_plural,
                                        target=forms[k], notes=notes, context=e.msgctxt, fuzzy=fuzzy, plural=k,
                                        line=e.linenum))
        else:
            if keep is not None:
                keep.slots.append((e, None))
            segments.append(Segment(id=base, source=e.msgid, target=e.msgstr, notes=notes, context=e.msgctxt,
                                    fuzzy=fuzzy, line=e.linenum))
    lang = po.metadata.get("Language") or opts.target_lang
    return build_document(segments, path=path, doc_id=doc_id, fmt="pot" if pot else "po",
                          source_lang=opts.source_lang or "en", target_lang=lang or None)


def _po_where(msg: str) -> str:
    import re

    m = re.search(r"line (\d+)", msg)
    return f"line {m.group(1)}, column 1: " if m else ""


# --------------------------------------------------------------------------- Parquet
def _parquet_looks_bilingual(fh, text_field: str, opts: BilingualOptions) -> bool:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(fh)
    names = pf.schema_arrow.names
    if text_field in names or opts.source_field not in names or opts.target_field not in names:
        return False
    if pf.metadata.num_rows == 0 or pf.metadata.num_row_groups == 0:
        return False
    first = pf.read_row_group(0, columns=[opts.source_field, opts.target_field]).slice(0, 1).to_pylist()
    return bool(first) and isinstance(first[0][opts.source_field], str) and isinstance(first[0][opts.target_field], str)


def read_parquet_bytes(data: bytes, path: str, doc_id: str, id_field: str = "id",
                       keep: Kept | None = None) -> BilingualDocument:
    """One segment per row of the ``--source-field`` / ``--target-field`` columns (a null target
    is an empty one); ``keep`` receives each segment's row index."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    opts = options()
    try:
        pf = pq.ParquetFile(pa.BufferReader(data))
        names = pf.schema_arrow.names
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for bad files
        raise MalformedInput(f"cannot read Parquet: {exc}") from None
    missing = [c for c in (opts.source_field, opts.target_field) if c not in names]
    if missing:
        raise MalformedInput(f"no column {missing[0]!r} in the Parquet schema (columns: {', '.join(names)})")
    cols = [opts.source_field, opts.target_field] + ([id_field] if id_field in names else [])
    try:
        table = pf.read(columns=cols)
    except Exception as exc:  # noqa: BLE001
        raise MalformedInput(f"cannot read Parquet: {exc}") from None
    sources = table.column(opts.source_field).to_pylist()
    targets = table.column(opts.target_field).to_pylist()
    ids = table.column(id_field).to_pylist() if id_field in names else [None] * len(sources)
    segments: list[Segment] = []
    for row, (src, tgt, rid) in enumerate(zip(sources, targets, ids), start=1):
        if not isinstance(src, str) or not isinstance(tgt, (str, type(None))):
            raise MalformedInput(f"row {row}: no string values in {opts.source_field!r} and {opts.target_field!r}")
        if keep is not None:
            keep.slots.append(row - 1 if isinstance(tgt, str) else None)
        segments.append(Segment(id=str(rid) if rid is not None else str(row), source=src, target=tgt or "",
                                line=row))
    return build_document(segments, path=path, doc_id=doc_id, fmt="parquet", source_lang=opts.source_lang,
                          target_lang=opts.target_lang)


# --------------------------------------------------------------------------- JSON Lines, CSV, TSV
def read_jsonl_text(text: str, path: str, doc_id: str, id_field: str = "id", keep: Kept | None = None) -> BilingualDocument:
    opts = options()
    segments: list[Segment] = []
    src_lang = opts.source_lang
    tgt_lang = opts.target_lang
    lines = text.split("\n")  # records end at \n only: U+2028 and the like may stand inside a string
    if keep is not None:
        keep.root = lines
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            col = getattr(exc, "colno", 1)
            raise MalformedInput(f"line {lineno}, column {col}: not JSON: {getattr(exc, 'msg', exc)}") from None
        if not isinstance(obj, dict):
            raise MalformedInput(f"line {lineno}, column 1: a record must be a JSON object")
        src, tgt = obj.get(opts.source_field), obj.get(opts.target_field)
        if not isinstance(src, str) or not isinstance(tgt, (str, type(None))):
            raise MalformedInput(f"line {lineno}, column 1: no string fields {opts.source_field!r} and {opts.target_field!r}")
        src_lang = src_lang or _str(obj.get("source_lang") or obj.get("src_lang"))
        tgt_lang = tgt_lang or _str(obj.get("target_lang") or obj.get("tgt_lang"))
        rid = obj.get(id_field)
        notes = tuple(str(obj[k]) for k in ("note", "notes", "comment") if isinstance(obj.get(k), str))
        if keep is not None:
            keep.slots.append(lineno - 1 if isinstance(tgt, str) else None)
        segments.append(Segment(id=str(rid) if rid is not None else str(lineno), source=src, target=tgt or "",
                                notes=notes, line=lineno))
    return build_document(segments, path=path, doc_id=doc_id, fmt="jsonl", source_lang=src_lang, target_lang=tgt_lang)


def _str(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def read_table_text(text: str, path: str, doc_id: str, id_field: str = "id", delimiter: str = "\t",
                    fmt: str = "tsv", keep: Kept | None = None) -> BilingualDocument:
    """``keep``: every row as read (its raw text and cells, blank rows and the header included)
    and each segment's row index are kept in it (``extra``: the target column, the header)."""
    opts = options()
    recorder = LineRecorder(io.StringIO(text, newline=""))
    rows = csv.reader(recorder, delimiter=delimiter)
    table: list[tuple[str, list[str]]] = []
    segments: list[Segment] = []
    try:
        first = next(rows, None)
        if first is None:
            raise MalformedInput("line 1, column 1: empty file")
        first_raw = recorder.take()
        header = opts.source_field in first and opts.target_field in first
        if header:
            si, ti = first.index(opts.source_field), first.index(opts.target_field)
            ii = first.index(id_field) if id_field in first else None
            table.append((first_raw, first))
        elif fmt == "tsv":
            si, ti, ii = 0, 1, None
        else:
            raise MalformedInput(f"line 1, column 1: no columns {opts.source_field!r} and {opts.target_field!r} "
                                 f"in the header (columns: {', '.join(first)})")

        def data_rows():
            if not header:
                yield first, first_raw
            for row in rows:
                yield row, recorder.take()

        for row, raw in data_rows():
            lineno = rows.line_num
            table.append((raw, row))
            if not row or not any(c.strip() for c in row):
                continue
            if len(row) <= max(si, ti if fmt != "tsv" else si):
                raise MalformedInput(f"line {lineno}, column 1: {len(row)} column(s), the source and target need {max(si, ti) + 1}")
            tgt = row[ti] if ti < len(row) else ""
            rid = row[ii] if ii is not None and ii < len(row) and row[ii] else str(len(segments) + 1)
            if keep is not None:
                keep.slots.append(len(table) - 1 if ti < len(row) else None)
            segments.append(Segment(id=rid, source=row[si], target=tgt, line=lineno))
    except csv.Error as exc:
        raise MalformedInput(f"line {rows.line_num}, column 1: {exc}") from None
    if keep is not None:
        keep.root = table
        keep.extra.update(target_column=ti, header=first if header else None, rest=recorder.take())
    return build_document(segments, path=path, doc_id=doc_id, fmt=fmt, source_lang=opts.source_lang,
                          target_lang=opts.target_lang)

