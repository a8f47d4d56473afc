"""The corpus phase (rules with ``collect`` / ``finalize``), spooled to temporary files."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import replace

from qa.document import Document
from qa.engine import Plan, to_finding, confident, crash_finding, error_result
from qa.model import FileResult, Finding, Hit, Rule
from qa.readers import InputError
from qa.runner.checker import Checked, RenderedResult, attach, line_codec, merge, merge_rendered


class Spool:
    """Items in append order, in memory up to a limit, then in a temporary file. It can be read
    several times (a corpus rule's ``finalize`` may pass over its collected values twice).

    Each item is pickled and compressed (Zstandard, level 1), one frame with its length before
    it. The pending results of a JSON Lines run are each document's line, about five times its
    text on noisy web pages, and the text itself: compressed, the spool of the 10 MB benchmark
    corpus takes 10.7 MB of temporary space instead of 68 (where ``/tmp`` is a tmpfs, that space
    is memory), at no CPU cost that ``benchmarks/corpus_phase.py`` can tell from its noise
    (compressing costs about what writing and reading the bytes it saves cost). On a worker pool
    the line comes compressed already (``RenderedResult.packed_copy``, in the worker, in
    parallel), and is left so until it is written or joined. The file is this process's own
    (unnamed on disk), read back only here."""

    def __init__(self, max_memory: int = 8 << 20) -> None:
        self._fh = tempfile.SpooledTemporaryFile(max_size=max_memory, prefix="qa-pending-")
        self._pack, self._unpack = line_codec()
        self.n = 0

    def append(self, item: object) -> None:
        blob = self._pack(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
        self._fh.write(len(blob).to_bytes(8, "little"))
        self._fh.write(blob)
        self.n += 1

    def __len__(self) -> int:
        return self.n

    def __iter__(self) -> Iterator[object]:
        fh = self._fh
        fh.seek(0, os.SEEK_END)
        end = fh.tell()
        pos = 0
        for _ in range(self.n):  # an own position per pass: passes may interleave
            fh.seek(pos)
            size = int.from_bytes(fh.read(8), "little")
            blob = fh.read(size)
            pos += 8 + size
            yield pickle.loads(self._unpack(blob))
        fh.seek(end)

    def close(self) -> None:
        self._fh.close()


class CorpusHits:
    """One corpus rule's hits per document, pulled from its ``finalize`` lazily, in document
    order, so that no per-document list of all hits is held. A rule that raises is reported as
    QA000 on the document where it failed and on every later one."""

    def __init__(self, rule: Rule, collected: Spool, plan: Plan, strict: bool) -> None:
        self.rule, self.strict = rule, strict
        self.crash: Finding | None = None
        try:
            self._it: Iterator | None = iter(rule.finalize(collected, plan.options[rule.code]))  # type: ignore[misc]
        except Exception as exc:  # noqa: BLE001 - a corpus rule must never take the run down
            if strict:
                raise
            self._it, self.crash = None, crash_finding(rule, exc)

    def next_hits(self) -> list[Hit]:
        if self._it is None:
            return []
        try:
            return list(next(self._it, ()))
        except Exception as exc:  # noqa: BLE001
            if self.strict:
                raise
            self._it, self.crash = None, crash_finding(self.rule, exc)
            return []


def assemble(stream: Iterable[tuple[Document | InputError, Checked | None]], plan: Plan,
             strict: bool = False, lines_only: bool = False,
             rebuild: "Callable[[list], Future[list[RenderedResult]]] | None" = None,
             corpus_phase: bool = True) -> Iterator[FileResult | RenderedResult]:
    """Results in input order from (record, checked) pairs; runs corpus ``finalize`` steps
    (not with ``corpus_phase`` False: ``qa clean``, which runs its own).

    Memory stays flat with corpus rules too: pending results and every collected value go to
    temporary files past a few megabytes, and each rule's hits are taken one document at a time.
    """
    corpus = plan.corpus_rules if corpus_phase else ()
    if not corpus:
        for rec, checked in stream:
            if isinstance(rec, InputError):
                yield error_result(rec)
            else:
                yield attach(rec, checked, lines_only)  # type: ignore[arg-type]
        return
    spool = Spool()
    collected = [Spool() for _ in corpus]
    for rec, checked in stream:
        if isinstance(rec, InputError):
            spool.append((rec, None, None))
            continue
        assert checked is not None and checked.collected is not None
        for i, v in enumerate(checked.collected):
            collected[i].append(v)
        rendered = checked.rendered if lines_only else None
        # a line with its findings' keys is all a corpus finding joining it needs (``merge_rendered``)
        result = None if rendered is not None and rendered.keys is not None else checked.result
        # a fresh copy of the document: no cached segmentations to pickle
        spool.append((replace(rec), result, rendered))
    try:
        per_rule = [CorpusHits(r, collected[j], plan, strict) for j, r in enumerate(corpus)]
        yield from joined(spool, per_rule, plan, lines_only, rebuild)
    finally:
        spool.close()
        for c in collected:
            c.close()


#: results sent to a worker per rebuild task (and the text and line bytes a task holds at most);
#: rebuild tasks kept in flight; results held back behind a rebuilt one at most, and their text
#: and line bytes (then the parent waits for it): memory stays flat whatever the documents' size
REBUILD_BATCH = 16
REBUILD_BATCH_BYTES = 8 << 20
REBUILD_INFLIGHT = 8
REBUILD_QUEUE = 256
REBUILD_HELD_BYTES = 64 << 20


def joined(spool: Spool, per_rule: list[CorpusHits], plan: Plan, lines_only: bool, rebuild) -> Iterator:
    """Each spooled result in order, with its corpus findings joined. With ``rebuild`` (a
    lines-only run on a worker pool) the results a corpus finding joins are merged, scored and
    written in the workers, in batches, and come back as their lines: a line with its findings'
    keys is joined there too (``merge_rendered``), so the parent, alone at work once the corpus
    rules have decided, only reads, sends and writes."""
    # in input order: results, or slots [future, index in its batch] of rebuilt ones (the future
    # is set when the slot's batch is sent)
    out: deque = deque()
    sizes: deque = deque()  # the text and line bytes of each item of ``out``
    held = 0  # their sum
    batch: list = []
    batch_bytes = 0
    slots: list[list] = []
    inflight = 0

    def send() -> None:
        nonlocal batch, slots, inflight, batch_bytes
        fut = rebuild(batch)  # type: ignore[misc]
        for slot in slots:
            slot[0] = fut
        batch, slots, batch_bytes = [], [], 0
        inflight += 1

    def ready(final: bool = False) -> Iterator:
        nonlocal inflight, held
        while out:
            item = out[0]
            if isinstance(item, list):
                fut, k = item
                if fut is None or not (final or fut.done() or inflight > REBUILD_INFLIGHT
                                       or len(out) > REBUILD_QUEUE or held > REBUILD_HELD_BYTES):
                    return
                if k == 0:
                    inflight -= 1
                out.popleft()
                held -= sizes.popleft()
                yield fut.result()[k]
            else:
                out.popleft()
                held -= sizes.popleft()
                yield item

    for rec, light, rendered in spool:  # type: ignore[misc]
        size = 0
        if isinstance(rec, InputError):
            out.append(error_result(rec))
        else:
            size = len(rec.text) + (rendered.size if rendered is not None else
                                    len(light) if isinstance(light, bytes) else 0)
            extra = confident([to_finding(c.rule, h, plan.severities[c.rule.code], rec)
                               for c in per_rule for h in c.next_hits()], plan.settings)
            extra += [c.crash for c in per_rule if c.crash is not None]
            if not extra:  # the findings, their order and the score are as checked
                out.append(attach(rec, Checked(light, None, rendered=rendered), lines_only))
            elif rebuild is None:
                keyed = rendered is not None and rendered.keys is not None
                out.append(merge_rendered(rendered, rec, extra, plan) if keyed else merge(light, rec, extra, plan))
            else:  # (a line with its findings' keys is sent as it is: ``rebuild_lines`` joins into it)
                slot = [None, len(batch)]
                batch.append((rendered if rendered is not None and rendered.keys is not None else light, rec, extra))
                batch_bytes += size
                slots.append(slot)
                out.append(slot)
        sizes.append(size)
        held += size
        if batch and (len(batch) >= REBUILD_BATCH or batch_bytes >= REBUILD_BATCH_BYTES
                      or len(out) >= REBUILD_QUEUE or held >= REBUILD_HELD_BYTES):
            send()
        yield from ready()
    if batch:
        send()
    yield from ready(final=True)
