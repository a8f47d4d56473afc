"""The segment model: a bilingual document is a list of segments (id, source, target, notes).

``BilingualDocument`` is a ``Document`` whose ``text`` is the target texts joined by ``\\n``, so
every monolingual rule runs on it unchanged and its offsets stay offsets into the targets. The
source texts are joined the same way in ``source_text``. Each segment knows where its target starts
in ``text`` and where its source starts in ``source_text``; ``segment_at(offset)`` maps a finding
back to its segment.

Inline markup of XLIFF and TMX (``<x/>``, ``<ph>``, ``<g>``, ``<bpt>``...) is kept in both texts
as a short placeholder such as ``{x1}`` or ``{g2}...{/g2}``; ``Segment.codes`` maps each
placeholder back to the original markup.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from qa.document import Document

Span = tuple[int, int]


@dataclass
class Segment:
    id: str
    source: str
    target: str
    notes: tuple[str, ...] = ()
    context: str | None = None  # PO msgctxt
    fuzzy: bool = False  # PO fuzzy flag; XLIFF state needs-review / not final
    plural: int | None = None  # PO plural form index
    line: int | None = None  # line of the unit in the input file
    codes: dict[str, str] = field(default_factory=dict)  # placeholder -> original inline markup
    #: offsets, set when the segment joins a document
    target_start: int = 0
    source_start: int = 0

    @property
    def target_end(self) -> int:
        return self.target_start + len(self.target)

    @property
    def source_end(self) -> int:
        return self.source_start + len(self.source)

    @property
    def target_span(self) -> Span:
        return self.target_start, self.target_end

    @property
    def source_span(self) -> Span:
        return self.source_start, self.source_end


@dataclass
class BilingualDocument(Document):
    segments: list[Segment] = field(default_factory=list)
    source_text: str = ""
    source_lang: str | None = None
    target_lang: str | None = None
    format: str = ""  # xliff, po, pot, tmx, jsonl, csv, tsv

    @cached_property
    def _seg_starts(self) -> list[int]:
        return [s.target_start for s in self.segments]

    def segment_at(self, offset: int) -> Segment | None:
        """The segment whose target holds ``offset`` (its end counts: an empty target)."""
        i = bisect_right(self._seg_starts, offset) - 1
        while i >= 0:
            seg = self.segments[i]
            if seg.target_start <= offset <= seg.target_end:
                return seg
            if seg.target_end < offset:
                return None
            i -= 1
        return None

    @cached_property
    def segments_key(self) -> bytes:
        """A digest of everything the source-aware rules read beyond ``text`` (the result cache)."""
        h = hashlib.blake2b(digest_size=16)
        for s in self.segments:
            for part in (s.id, s.source, s.context or "", "1" if s.fuzzy else "0", "\x1f".join(s.notes)):
                h.update(part.encode("utf-8", "surrogatepass"))
                h.update(b"\x00")
        h.update(f"{self.source_lang}|{self.target_lang}|{self.format}".encode())
        return h.digest()


def build_document(segments: list[Segment], *, path: str, doc_id: str, fmt: str,
                   source_lang: str | None = None, target_lang: str | None = None,
                   meta: dict[str, object] | None = None) -> BilingualDocument:
    """Join the segments' targets (and sources) with ``\\n`` and record each one's offsets."""
    tpos = spos = 0
    tparts: list[str] = []
    sparts: list[str] = []
    for i, seg in enumerate(segments):
        if i:
            tpos += 1
            spos += 1
        seg.target_start, seg.source_start = tpos, spos
        tparts.append(seg.target)
        sparts.append(seg.source)
        tpos += len(seg.target)
        spos += len(seg.source)
    text = "\n".join(tparts)
    m = dict(meta or {})
    m["format"] = fmt
    m["segments"] = len(segments)
    if source_lang:
        m["source_lang"] = source_lang
    if target_lang:
        m["target_lang"] = target_lang
    # no title or head fields: a segment list has no article head
    return BilingualDocument(id=doc_id, text=text, path=path, meta=m, lang=base_lang(target_lang),
                             segments=segments,
                             source_text="\n".join(sparts), source_lang=source_lang,
                             target_lang=target_lang, format=fmt)


def base_lang(tag: str | None) -> str | None:
    if not tag:
        return None
    return tag.replace("_", "-").split("-")[0].lower() or None


def example_document(text: str) -> BilingualDocument:
    """A document for a rule example written as ``source ||| target`` lines. Its ``text`` and
    ``source_text`` are the example text itself, so marked spans are offsets into it."""
    segments: list[Segment] = []
    pos = 0
    for n, line in enumerate(text.split("\n"), start=1):
        src, sep, tgt = line.partition(" ||| ")
        if not sep:
            raise ValueError(f"a bilingual example needs 'source ||| target' lines: {line!r}")
        seg = Segment(id=str(n), source=src, target=tgt, source_start=pos, target_start=pos + len(src) + 5)
        segments.append(seg)
        pos += len(line) + 1
    return BilingualDocument(id="example", text=text, segments=segments, source_text=text,
                             source_lang="zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else None,
                             target_lang="en", lang="en", format="example")


def is_bilingual(doc: Document) -> bool:
    return isinstance(doc, BilingualDocument)
