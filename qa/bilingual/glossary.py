"""Glossaries for SRC013/SRC014: a CSV with ``source``/``target``/``forbidden`` columns, or TBX.

A glossary is read into rows ``(source term, required target terms, forbidden target terms)``.

TBX is read in its core structure, the same for TBX-Basic, TBX v2 (``martif``, ISO 30042:2008)
and TBX v3 (``tbx``, ISO 30042:2019, with or without its namespace): a concept (``termEntry`` or
``conceptEntry``) holds one language section per language (``langSet`` or ``langSec`` with
``xml:lang``), each holding terms (``tig``/``ntig``/``termSec`` with a ``term``). A term whose
``termNote`` (or ``descrip``) of type ``administrativeStatus`` or ``normativeAuthorization`` reads
``deprecatedTerm-admn-sts``, ``supersededTerm-admn-sts``, ``forbidden`` or ``deprecated`` is a
forbidden term; every other term is admitted. Which language is the source: the document's source
language when the file has it, else the first language of the file; the target likewise (else the
first other language).

XML is parsed with the hardened parser of the XLIFF reader: no network, no DTD, no entities.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass

Row = tuple[str, tuple[str, ...], tuple[str, ...]]

#: administrative status values that forbid a term (compared case-insensitively)
FORBIDDEN_STATUS = frozenset({"deprecatedterm-admn-sts", "supersededterm-admn-sts", "forbidden", "deprecated",
                              "deprecatedterm", "supersededterm", "forbiddenterm"})
_STATUS_TYPES = frozenset({"administrativestatus", "normativeauthorization"})


class GlossaryError(ValueError):
    pass


@dataclass(frozen=True)
class TbxConcept:
    #: (language, term, forbidden) in file order
    terms: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class Glossary:
    path: str
    kind: str  # csv | tbx
    csv_rows: tuple[Row, ...] = ()
    concepts: tuple[TbxConcept, ...] = ()
    languages: tuple[str, ...] = ()

    def rows(self, source_lang: str | None = None, target_lang: str | None = None) -> tuple[Row, ...]:
        if self.kind == "csv":
            return self.csv_rows
        key = (_base(source_lang), _base(target_lang))
        got = _ROWS.get((self.path, id(self), key))
        if got is None:
            got = _tbx_rows(self, *key)
            _ROWS[(self.path, id(self), key)] = got
        return got


_CACHE: dict[tuple[str, float, int], Glossary] = {}
_ROWS: dict[tuple[str, int, tuple[str | None, str | None]], tuple[Row, ...]] = {}


def _base(tag: str | None) -> str | None:
    if not tag:
        return None
    return tag.replace("_", "-").split("-")[0].lower() or None


def load(path: str) -> Glossary:
    """The glossary at ``path`` (``.tbx`` or a TBX document by its content, else CSV); cached by
    path, modification time and size. Raises ``GlossaryError`` with a readable message."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise GlossaryError(f"cannot read the glossary {path}: {exc.strerror}") from None
    key = (path, st.st_mtime, st.st_size)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise GlossaryError(f"cannot read the glossary {path}: {exc.strerror}") from None
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.lower().endswith(".tbx") or (head.startswith(b"<") and (b"<martif" in head or b"<tbx" in head)):
        g = _read_tbx(path, data)
    else:
        g = Glossary(path, "csv", csv_rows=_read_csv(path, data))
    _CACHE[key] = g
    return g


def load_rows(path: str, source_lang: str | None = None, target_lang: str | None = None) -> list[Row]:
    return list(load(path).rows(source_lang, target_lang))


# --------------------------------------------------------------------------- CSV
def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (cell or "").split("|") if t.strip())


def _read_csv(path: str, data: bytes) -> tuple[Row, ...]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"cannot read the glossary {path}: {exc}") from None
    rows: list[Row] = []
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        cols = reader.fieldnames or []
        if "source" not in cols or ("target" not in cols and "forbidden" not in cols):
            raise GlossaryError(f"the glossary {path} needs a header with 'source' and 'target' "
                                f"(and optionally 'forbidden') columns; it has {', '.join(cols) or 'none'}")
        for row in reader:
            src = (row.get("source") or "").strip()
            tgt = _split(row.get("target"))
            forb = _split(row.get("forbidden"))
            if src or forb:
                rows.append((src, tgt, forb))
    except csv.Error as exc:
        raise GlossaryError(f"cannot read the glossary {path}: {exc}") from None
    return tuple(rows)


# --------------------------------------------------------------------------- TBX
def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _read_tbx(path: str, data: bytes) -> Glossary:
    from qa.bilingual.readers import MalformedInput, parse_xml

    try:
        root = parse_xml(data, "TBX")
    except MalformedInput as exc:
        raise GlossaryError(f"cannot read the glossary {path}: {exc}") from None
    if _local(root) not in ("martif", "tbx"):
        raise GlossaryError(f"cannot read the glossary {path}: the root element is <{_local(root)}>, "
                            f"not <martif> or <tbx>")
    concepts: list[TbxConcept] = []
    langs: dict[str, None] = {}
    for entry in root.iter():
        if _local(entry) not in ("termEntry", "conceptEntry"):
            continue
        terms: list[tuple[str, str, bool]] = []
        for sec in entry:
            if _local(sec) not in ("langSet", "langSec"):
                continue
            lang = _base(sec.get(_XML_LANG) or sec.get("lang"))
            if not lang:
                line = getattr(sec, "sourceline", 0) or 0
                raise GlossaryError(f"cannot read the glossary {path}: line {line}: <{_local(sec)}> has no xml:lang")
            for holder in sec.iter():
                if _local(holder) not in ("tig", "ntig", "termSec"):
                    continue
                term = None
                forbidden = False
                for el in holder.iter():
                    name = _local(el)
                    if name == "term" and term is None:
                        term = _text(el)
                    elif name in ("termNote", "descrip", "admin") and (el.get("type") or "").lower() in _STATUS_TYPES:
                        if _text(el).lower() in FORBIDDEN_STATUS:
                            forbidden = True
                if term:
                    terms.append((lang, term, forbidden))
                    langs.setdefault(lang)
        if terms:
            concepts.append(TbxConcept(tuple(terms)))
    if not concepts:
        raise GlossaryError(f"cannot read the glossary {path}: no termEntry/conceptEntry with terms")
    return Glossary(path, "tbx", concepts=tuple(concepts), languages=tuple(langs))


def _tbx_rows(g: Glossary, slang: str | None, tlang: str | None) -> tuple[Row, ...]:
    langs = list(g.languages)
    src = slang if slang in langs else (langs[0] if langs else None)
    others = [x for x in langs if x != src]
    tgt = tlang if tlang in others else (others[0] if others else None)
    rows: list[Row] = []
    for c in g.concepts:
        s_terms = [t for lang, t, forb in c.terms if lang == src and not forb]
        required = tuple(dict.fromkeys(t for lang, t, forb in c.terms if lang == tgt and not forb))
        forbidden = tuple(dict.fromkeys(t for lang, t, forb in c.terms if lang == tgt and forb))
        if s_terms:
            rows.extend((s, required, forbidden) for s in dict.fromkeys(s_terms))
        elif forbidden:
            rows.append(("", required, forbidden))
    return tuple(rows)
