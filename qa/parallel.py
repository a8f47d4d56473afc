"""The runner for big inputs: worker processes, shards, the result cache and run statistics.

``run(files, plan, options)`` yields one ``FileResult`` per input record, in input order, with
the same findings, scores and verdicts as ``qa.engine.run_records`` whatever ``--jobs`` or
``--engine`` is (the tests compare the JSON Lines byte for byte).

* ``jobs == 1``: documents are checked in this process, one after the other.
* ``jobs > 1``: a process pool; each worker builds the rule plan once (its initializer) and gets
  documents in chunks; at most a few chunks per worker are in flight, so memory stays flat
  however large the input is. Results come back light (no document, no segmentation) and are
  joined with the document the parent read.
* ``engine == "dask"``: see ``qa.dask_engine``; workers read partitions of the input themselves.

Corpus rules (``collect`` / ``finalize``): ``collect`` runs wherever the document is checked;
the parent spools the collected values and the pending results to temporary files (so a corpus
larger than memory can be checked), runs ``finalize`` at the end and then yields every result
with its corpus findings merged and its score recomputed. ``finalize`` gets a sequence it may
read several times and returns (or yields) one list of hits per document, in order; qa takes
them one document at a time.

Lines-only runs (``RunOptions.lines_only``: the caller only writes JSON Lines) go further: each
document's line is written where it was checked and travels as UTF-8 bytes; a result no corpus
finding joins is yielded as that line (``RenderedResult``), and on a worker pool the results
that corpus findings join are merged, scored and written by the workers, in ordered batches,
instead of by the parent alone after the run.

``--shard I/N`` keeps the documents whose id hashes (BLAKE2b, stable across machines, Python
versions and runs) to ``I`` modulo ``N``, with ``0 <= I < N``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from itertools import chain, islice
from dataclasses import dataclass, field, replace

from qa.document import Document
from qa.engine import Plan, _to_finding, check_document, confident, crash_finding, error_result, result_for
from qa.model import FileResult, Finding, Hit, Rule
from qa.readers import InputError, iter_files, read_path
from qa.scoring import score_result

#: documents per chunk sent to a worker, and the most text a chunk holds (characters)
CHUNK_DOCS = 32
CHUNK_CHARS = 64 << 10
#: chunks in flight per worker
INFLIGHT_PER_WORKER = 4


# --------------------------------------------------------------------------- options and stats
def parse_shard(value: str) -> tuple[int, int]:
    """``"I/N"`` -> ``(I, N)`` with ``0 <= I < N``; ``ValueError`` otherwise."""
    try:
        i_s, n_s = value.split("/", 1)
        i, n = int(i_s), int(n_s)
    except ValueError:
        raise ValueError(f"--shard takes I/N (e.g. 0/4), not {value!r}") from None
    if n < 1 or not 0 <= i < n:
        raise ValueError(f"--shard {value}: need 0 <= I < N")
    return i, n


def shard_of(doc_id: str, n: int) -> int:
    """The shard (0..n-1) a document id belongs to: a stable hash, the same on every machine."""
    h = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(h, "big") % n


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class RunOptions:
    jobs: int = 1
    engine: str = "local"  # "local" or "dask"
    scheduler: str | None = None  # a dask.distributed scheduler address
    shard: tuple[int, int] | None = None
    cache_dir: str | None = None  # None: no cache
    profile_rules: bool = False
    text_field: str = "text"
    id_field: str = "id"
    #: inputs with fewer documents than this are checked in-process even with jobs > 1
    min_parallel_docs: int = 2 * CHUNK_DOCS
    #: render each finding's JSON Lines text where the document is checked (set when JSON Lines
    #: is the only output, so the parent process only joins text)
    render_jsonl: bool = False
    #: the caller only writes JSON Lines and reads counts (summary, gates; no other format): a
    #: result arrives as its line and counts (``RenderedResult``), its findings never unpickled
    lines_only: bool = False


@dataclass
class RunStats:
    """Counters of one run; ``rule_seconds`` is filled with ``profile_rules``."""

    documents: int = 0
    errors: int = 0
    bytes: int = 0
    skipped_by_shard: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    started: float = field(default_factory=time.perf_counter)
    rule_seconds: dict[str, float] = field(default_factory=dict)
    workers: int = 1
    engine: str = "local"

    def add_times(self, times: dict[str, float]) -> None:
        for k, v in times.items():
            self.rule_seconds[k] = self.rule_seconds.get(k, 0.0) + v

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def as_dict(self) -> dict[str, object]:
        s = max(self.seconds, 1e-9)
        return {"documents": self.documents, "errors": self.errors, "bytes": self.bytes,
                "seconds": round(s, 3), "documents_per_second": round(self.documents / s, 1),
                "mb_per_second": round(self.bytes / s / 1e6, 3), "cache_hits": self.cache_hits,
                "cache_misses": self.cache_misses, "skipped_by_shard": self.skipped_by_shard,
                "workers": self.workers, "engine": self.engine}


def format_rule_times(stats: RunStats, names: dict[str, str] | None = None, top: int = 0) -> str:
    """A table of time per rule, slowest first, with its share of all rule time."""
    items = sorted(stats.rule_seconds.items(), key=lambda kv: (-kv[1], kv[0]))
    if top:
        items = items[:top]
    total = sum(stats.rule_seconds.values()) or 1e-9
    mb = stats.bytes / 1e6
    lines = ["time per rule (summed over workers; slowest first):",
             f"  {'seconds':>9}  {'share':>6}  {'MB/s':>8}  rule"]
    for code, sec in items:
        rate = f"{mb / sec:8.1f}" if sec > 0 else "       -"
        label = f"{code} {names.get(code, '')}".rstrip() if names else code
        lines.append(f"  {sec:9.3f}  {100 * sec / total:5.1f}%  {rate}  {label}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- per-document work
STEP_SEGMENT = "(segmentation)"
STEP_RESULT = "(language+score)"


def timed_plan(plan: Plan, acc: dict[str, float]) -> Plan:
    """The same plan whose checks add their time (including consuming their hits) to ``acc``."""

    def wrap(rule):
        fn, code = rule.check, rule.code

        def check(doc, opts):
            t = time.perf_counter()
            try:
                return list(fn(doc, opts))
            finally:
                acc[code] = acc.get(code, 0.0) + time.perf_counter() - t

        return replace(rule, check=check)

    return replace(plan, rules=tuple(wrap(r) for r in plan.rules))


@dataclass
class Checked:
    """What checking one document gives, without the document (this is what workers send)."""

    #: doc is None; from a worker process, the result still pickled (``bytes``): the parent
    #: spools it as it came and unpickles it once, when it is written
    result: FileResult | bytes
    collected: tuple[object, ...] | None
    cached: bool = False
    #: the result written as its JSON line as checked (lines-only runs): made where the document
    #: was checked, and passed on as bytes (no decoding and encoding on the way)
    rendered: RenderedResult | None = None


@dataclass(slots=True)
class RenderedResult:
    """A result as its JSON line and the counts a run summary and the gates read
    (``RunOptions.lines_only``): made where the document was checked, and final when no corpus
    finding joins the document, so its findings are never unpickled only to be written again."""

    path: str
    id: str
    data: bytes  # the line, UTF-8, with its newline
    score: float
    verdict: str
    severity_counts: dict[str, int]
    category_counts: dict[str, int]
    error: None = None
    doc: None = None

    @classmethod
    def of(cls, res: FileResult) -> "RenderedResult":
        """``res`` (with its document) written as its line."""
        from qa.report.jsonl import dumps, encode_line

        return cls(res.path, res.id, encode_line(dumps(res)), res.score, res.verdict, res.severity_counts,
                   res.category_counts)

    @property
    def line(self) -> str:
        return self.data[:-1].decode("utf-8")


class Checker:
    """Checks documents with one plan, optionally cached and timed. One per process."""

    def __init__(self, plan: Plan, cache_dir: str | None = None, profile: bool = False,
                 strict: bool = False, render_jsonl: bool = False, lines_only: bool = False) -> None:
        self.strict = strict
        self.render_jsonl = render_jsonl or lines_only
        self.lines_only = lines_only
        self.times: dict[str, float] = {}
        from qa.warmup import warm_up

        warm_up(plan.rules, eager=profile)  # before any time limit (and, profiled, before the timing wrappers)
        self.base_plan = plan
        self.plan = timed_plan(plan, self.times) if profile else plan
        self.profile = profile
        self.corpus = plan.corpus_rules
        self.hits = self.misses = 0
        self.cache = None
        if cache_dir:
            from qa.cache import ResultCache

            self.cache = ResultCache.open(cache_dir, plan)

    def check(self, doc: Document) -> Checked:
        key = None
        if self.cache is not None:
            key = self.cache.key(doc)
            got = self.cache.get(key)
            if got is not None:
                self.hits += 1
                findings, language, n_sentences, score, verdict, collected = got
                res = FileResult(path=doc.path, id=doc.id, doc=None, findings=findings, language=language,
                                 score=score, verdict=verdict, n_sentences=n_sentences)
                return Checked(res, collected, cached=True, rendered=self._rendered(res, doc))
            self.misses += 1
        plan = self.plan
        if self.profile:
            t = time.perf_counter()
            _ = doc.sentences  # words and other views are built by the rules that use them
            self._add(STEP_SEGMENT, t)
        findings = check_document(doc, plan, self.strict)
        collected = None
        if self.corpus:
            vals = []
            for r in self.corpus:
                t = time.perf_counter()
                vals.append(r.collect(doc, plan.options[r.code]))  # type: ignore[misc]
                if self.profile:
                    self._add(r.code, t)
            collected = tuple(vals)
        t = time.perf_counter()
        res = result_for(doc, findings, plan)
        if self.render_jsonl:  # the JSON of each finding, made here (in a worker, in parallel)
            from qa.report.jsonl import finding_json

            res.rendered = (res.findings, [finding_json(f, doc) for f in res.findings])
        rendered = self._rendered(res, doc)
        if self.profile:
            self._add(STEP_RESULT, t)
        res.doc = None
        res.meta = {}
        if self.cache is not None and key is not None:
            self.cache.put(key, (res.findings, res.language, res.n_sentences, res.score, res.verdict, collected))
        return Checked(res, collected, rendered=rendered)

    def check_to_send(self, doc: Document) -> Checked:
        """``check`` with the result pickled here (in a worker, in parallel): the parent keeps the
        bytes until it writes them, and unpickles them only if it needs the result."""
        checked = self.check(doc)
        checked.result = pickle.dumps(checked.result, protocol=pickle.HIGHEST_PROTOCOL)
        return checked

    def _rendered(self, res: FileResult, doc: Document) -> RenderedResult | None:
        if not self.lines_only:
            return None
        res.doc = doc
        return RenderedResult.of(res)

    def _add(self, name: str, t: float) -> None:
        self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - t

    def flush(self) -> None:
        if self.cache is not None:
            self.cache.flush()

    def take_counters(self) -> tuple[dict[str, float], int, int]:
        """Timings and cache counters since the last call (workers send these per chunk)."""
        out = (dict(self.times), self.hits, self.misses)
        self.times.clear()
        self.hits = self.misses = 0
        return out


def _attach(doc: Document, checked: Checked, lines_only: bool = False) -> FileResult | RenderedResult:
    if lines_only and checked.rendered is not None:
        return checked.rendered
    res = checked.result
    if isinstance(res, bytes):
        res = pickle.loads(res)
    res.doc = doc
    res.meta = doc.meta
    res.path, res.id = doc.path, doc.id
    return res


# --------------------------------------------------------------------------- assembly (corpus rules)
class _Spool:
    """Items in append order, in memory up to a limit, then in a temporary file. It can be read
    several times (a corpus rule's ``finalize`` may pass over its collected values twice)."""

    def __init__(self, max_memory: int = 8 << 20) -> None:
        self._fh = tempfile.SpooledTemporaryFile(max_size=max_memory, prefix="qa-pending-")
        self.n = 0

    def append(self, item: object) -> None:
        pickle.dump(item, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
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
            item = pickle.load(fh)
            pos = fh.tell()
            yield item
        fh.seek(end)

    def close(self) -> None:
        self._fh.close()


class _CorpusHits:
    """One corpus rule's hits per document, pulled from its ``finalize`` lazily, in document
    order, so that no per-document list of all hits is held. A rule that raises is reported as
    QA000 on the document where it failed and on every later one."""

    def __init__(self, rule: Rule, collected: _Spool, plan: Plan, strict: bool) -> None:
        self.rule, self.strict = rule, strict
        self.crash: Finding | None = None
        try:
            self._it: Iterator | None = iter(rule.finalize(collected, plan.options[rule.code]))  # type: ignore[misc]
        except Exception as exc:  # noqa: BLE001 - as in qa.engine.run_records
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
             rebuild: "Callable[[list], Future[list[RenderedResult]]] | None" = None) -> Iterator[FileResult | RenderedResult]:
    """Results in input order from (record, checked) pairs; runs corpus ``finalize`` steps.

    Memory stays flat with corpus rules too: pending results and every collected value go to
    temporary files past a few megabytes, and each rule's hits are taken one document at a time.
    """
    corpus = plan.corpus_rules
    if not corpus:
        for rec, checked in stream:
            if isinstance(rec, InputError):
                yield error_result(rec)
            else:
                yield _attach(rec, checked, lines_only)  # type: ignore[arg-type]
        return
    spool = _Spool()
    collected = [_Spool() for _ in corpus]
    for rec, checked in stream:
        if isinstance(rec, InputError):
            spool.append((rec, None, None))
            continue
        assert checked is not None and checked.collected is not None
        for i, v in enumerate(checked.collected):
            collected[i].append(v)
        # a fresh copy of the document: no cached segmentations to pickle
        spool.append((replace(rec), checked.result, checked.rendered))
    try:
        per_rule = [_CorpusHits(r, collected[j], plan, strict) for j, r in enumerate(corpus)]
        yield from _joined(spool, per_rule, plan, lines_only, rebuild)
    finally:
        spool.close()
        for c in collected:
            c.close()


#: results sent to a worker per rebuild task; rebuild tasks kept in flight; results held back
#: behind a rebuilt one at most (then the parent waits for it)
REBUILD_BATCH = 16
REBUILD_INFLIGHT = 8
REBUILD_QUEUE = 256


def _joined(spool: _Spool, per_rule: list[_CorpusHits], plan: Plan, lines_only: bool, rebuild) -> Iterator:
    """Each spooled result in order, with its corpus findings joined. With ``rebuild`` (a
    lines-only run on a worker pool) the results a corpus finding joins are merged, scored and
    written in the workers, in batches, and come back as their lines."""
    # in input order: results, or slots [future, index in its batch] of rebuilt ones (the future
    # is set when the slot's batch is sent)
    out: deque = deque()
    batch: list = []
    slots: list[list] = []
    inflight = 0

    def send() -> None:
        nonlocal batch, slots, inflight
        fut = rebuild(batch)  # type: ignore[misc]
        for slot in slots:
            slot[0] = fut
        batch, slots = [], []
        inflight += 1

    def ready(final: bool = False) -> Iterator:
        nonlocal inflight
        while out:
            item = out[0]
            if isinstance(item, list):
                fut, k = item
                if fut is None or not (final or fut.done() or inflight > REBUILD_INFLIGHT
                                       or len(out) > REBUILD_QUEUE):
                    return
                if k == 0:
                    inflight -= 1
                out.popleft()
                yield fut.result()[k]
            else:
                yield out.popleft()

    for rec, light, rendered in spool:  # type: ignore[misc]
        if isinstance(rec, InputError):
            out.append(error_result(rec))
        else:
            extra = confident([_to_finding(c.rule, h, plan.severities[c.rule.code], rec)
                               for c in per_rule for h in c.next_hits()], plan.settings)
            extra += [c.crash for c in per_rule if c.crash is not None]
            if not extra:  # the findings, their order and the score are as checked
                out.append(_attach(rec, Checked(light, None, rendered=rendered), lines_only))
            elif rebuild is None:
                out.append(_merge(light, rec, extra, plan))
            else:
                slot = [None, len(batch)]
                batch.append((light, rec, extra))
                slots.append(slot)
                out.append(slot)
        if batch and (len(batch) >= REBUILD_BATCH or len(out) >= REBUILD_QUEUE):
            send()
        yield from ready()
    if batch:
        send()
    yield from ready(final=True)


# --------------------------------------------------------------------------- local engine
def read_records(files: Iterable[str], text_field: str, id_field: str) -> Iterator[Document | InputError]:
    for p in files:
        yield from read_path(p, text_field, id_field)


def _sharded(records: Iterable[Document | InputError], shard: tuple[int, int] | None, stats: RunStats):
    if shard is None:
        yield from records
        return
    i, n = shard
    for rec in records:
        if shard_of(rec.id, n) == i:
            yield rec
        else:
            stats.skipped_by_shard += 1


def _count(stats: RunStats, rec: Document | InputError, checked: Checked | None) -> None:
    if isinstance(rec, InputError):
        stats.errors += 1
        return
    stats.documents += 1
    stats.bytes += len(rec.text.encode("utf-8", "surrogatepass"))


def _serial(records: Iterable[Document | InputError], checker: Checker, stats: RunStats):
    for rec in records:
        checked = None if isinstance(rec, InputError) else checker.check(rec)
        _count(stats, rec, checked)
        yield rec, checked
    checker.flush()
    times, hits, misses = checker.take_counters()
    stats.add_times(times)
    stats.cache_hits += hits
    stats.cache_misses += misses


# worker-process state (one Checker per process, built by the initializer)
_WORKER: Checker | None = None


def _init_worker(plan: Plan | None, settings, cache_dir: str | None, profile: bool, policy,
                 render_jsonl: bool = False, lines_only: bool = False, parent: int | None = None) -> None:
    global _WORKER
    from qa.lifeline import bind_to_parent

    bind_to_parent(parent)  # a parent killed with kill -9 takes its workers with it
    if policy is not None:
        from qa import inputs

        inputs.set_policy(encoding=policy.encoding, max_bytes=policy.max_bytes or 0)
    if plan is None:
        from qa.engine import make_plan

        plan = make_plan(settings)
    _WORKER = Checker(plan, cache_dir, profile, render_jsonl=render_jsonl, lines_only=lines_only)


def _work_chunk(docs: list[Document]) -> tuple[list[Checked], tuple[dict[str, float], int, int]]:
    assert _WORKER is not None, "worker not initialised"
    out = [_WORKER.check_to_send(d) for d in docs]
    _WORKER.flush()
    return out, _WORKER.take_counters()


def _chunks(records: Iterable[Document | InputError]) -> Iterator[list[Document | InputError]]:
    chunk: list[Document | InputError] = []
    chars = 0
    for rec in records:
        chunk.append(rec)
        if isinstance(rec, Document):
            chars += len(rec.text)
        if len(chunk) >= CHUNK_DOCS or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _executor(plan: Plan, opts: RunOptions):
    """The worker pool: ``opts.jobs`` processes, each with one ``Checker``."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from qa import inputs

    methods = mp.get_all_start_methods()
    if "fork" in methods:  # workers inherit the loaded rules: nothing to pickle or re-import
        ctx, initargs = mp.get_context("fork"), (plan, None, opts.cache_dir, opts.profile_rules, None,
                                                 opts.render_jsonl, opts.lines_only, os.getpid())
    else:  # pragma: no cover - spawn: workers rebuild the plan from the settings
        ctx = mp.get_context("spawn")
        initargs = (None, plan.settings, opts.cache_dir, opts.profile_rules, inputs.policy(), opts.render_jsonl,
                    opts.lines_only, os.getpid())
    return ProcessPoolExecutor(max_workers=opts.jobs, mp_context=ctx, initializer=_init_worker,
                               initargs=initargs)


def _pool(records: Iterable[Document | InputError], opts: RunOptions, stats: RunStats, ex):
    window = max(2, opts.jobs * INFLIGHT_PER_WORKER)
    inflight: deque = deque()

    def drain_one():
        chunk, fut = inflight.popleft()
        checked, (times, hits, misses) = fut.result()
        stats.add_times(times)
        stats.cache_hits += hits
        stats.cache_misses += misses
        it = iter(checked)
        for rec in chunk:
            c = None if isinstance(rec, InputError) else next(it)
            _count(stats, rec, c)
            yield rec, c

    for chunk in _chunks(records):
        docs = [r for r in chunk if isinstance(r, Document)]
        inflight.append((chunk, ex.submit(_work_chunk, docs)))
        while len(inflight) >= window:
            yield from drain_one()
    while inflight:
        yield from drain_one()


def _rebuild_lines(jobs: list[tuple[bytes | FileResult, Document, list[Finding]]]) -> list[RenderedResult]:
    """In a worker: results that corpus findings joined, merged, scored and written as JSON
    Lines: what the parent would do alone at the end of the run, while the workers sit idle."""
    assert _WORKER is not None, "worker not initialised"
    return [RenderedResult.of(_merge(light, doc, extra, _WORKER.base_plan)) for light, doc, extra in jobs]


def _merge(light: bytes | FileResult, doc: Document, extra: list[Finding], plan: Plan) -> FileResult:
    """The checked result with the corpus findings (and corpus-rule crashes) ``extra`` joined,
    sorted and scored."""
    res = _attach(doc, Checked(light, None))
    assert isinstance(res, FileResult)
    res.findings = sorted(res.findings + extra, key=lambda f: f.sort_key)
    score_result(res, plan.settings)
    return res


def run(paths: Iterable[str], plan: Plan, opts: RunOptions | None = None, stats: RunStats | None = None,
        strict: bool = False) -> Iterator[FileResult]:
    """Check inputs (files, folders, globs, ``-``) and yield results in input order."""
    opts = opts or RunOptions()
    stats = stats if stats is not None else RunStats()
    stats.engine, stats.workers = opts.engine, max(1, opts.jobs)
    files = iter_files(paths)
    if opts.engine == "dask":
        from qa.dask_engine import dask_stream

        yield from assemble(dask_stream(list(files), plan, opts, stats), plan, strict, opts.lines_only)
        return
    if opts.engine != "local":
        raise ValueError(f"unknown engine {opts.engine!r}; choose local or dask")
    records = _sharded(read_records(files, opts.text_field, opts.id_field), opts.shard, stats)
    head: list[Document | InputError] = []
    if opts.jobs > 1 and not strict:  # a small input is checked here: starting workers costs more
        head = list(islice(records, opts.min_parallel_docs))
    records = chain(head, records)
    if opts.jobs <= 1 or strict or len(head) < opts.min_parallel_docs:
        stats.workers = 1
        stream = _serial(records, Checker(plan, opts.cache_dir, opts.profile_rules, strict,
                                          lines_only=opts.lines_only), stats)
    else:
        from qa.warmup import warm_up

        warm_up(plan.rules, eager=True)  # loaded once here: forked workers inherit the modules and models
        with _executor(plan, opts) as ex:
            rebuild = (lambda jobs: ex.submit(_rebuild_lines, jobs)) if opts.lines_only else None
            yield from assemble(_pool(records, opts, stats, ex), plan, strict, opts.lines_only, rebuild)
        return
    yield from assemble(stream, plan, strict, opts.lines_only)


# --------------------------------------------------------------------------- command-line helpers
class JsonlStream:
    """Writes JSON Lines as results arrive (the same bytes as the ``jsonl`` format), to a file
    (atomically: a temporary file renamed when complete) or to a text stream."""

    def __init__(self, output: str | None, stdout) -> None:
        self.out = None
        if output and output != "-":
            from qa.fsutil import AtomicFile

            self.out = AtomicFile(output)
            self.fh = self.out.fh
            self.text = None
        else:
            self.fh = None
            self.text = stdout

    def write(self, res: FileResult | RenderedResult) -> None:
        from qa.report.jsonl import dumps, encode_line

        data = res.data if isinstance(res, RenderedResult) else encode_line(dumps(res))
        if self.fh is not None:
            self.fh.write(data)
        else:
            self.text.write(data.decode("utf-8"))

    def close(self, ok: bool = True) -> None:
        """Rename the finished file over the target (``ok``), or remove the temporary file."""
        if self.out is None:
            return
        out, self.out, self.fh = self.out, None, None
        if ok:
            out.commit()
        else:
            out.discard()


def light(res: FileResult | RenderedResult) -> FileResult | RenderedResult:
    """The result without its document or its line (what summaries and gates need), to keep
    memory small."""
    if isinstance(res, RenderedResult):
        return replace(res, data=b"")
    res.doc = None
    res.meta = {}
    return res


class ProgressBar:
    """documents, documents/s and MB/s on standard error (a TTY), updated a few times a second."""

    def __init__(self, stats: RunStats) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.stats = stats
        # standard error only: standard output may be the JSON Lines a pipeline reads
        self.progress = Progress(SpinnerColumn(), TextColumn("checking"),
                                 TextColumn("{task.fields[docs]} docs"),
                                 TextColumn("{task.fields[dps]} docs/s"),
                                 TextColumn("{task.fields[mbps]} MB/s"), TimeElapsedColumn(),
                                 transient=True, console=Console(stderr=True))
        self.task = None
        self.last = 0.0

    def update(self) -> None:
        now = time.perf_counter()
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("checking", total=None, docs=0, dps="-", mbps="-")
        if now - self.last < 0.2:
            return
        self.last = now
        s = max(self.stats.seconds, 1e-9)
        self.progress.update(self.task, docs=f"{self.stats.documents:,}",
                             dps=f"{self.stats.documents / s:,.0f}", mbps=f"{self.stats.bytes / s / 1e6:.2f}")

    def close(self) -> None:
        if self.task is not None:
            self.progress.stop()


def format_run_stats(stats: RunStats) -> str:
    d = stats.as_dict()
    line = (f"run: {d['documents']:,} document(s), {d['errors']} unreadable, {stats.bytes / 1e6:.2f} MB in "
            f"{d['seconds']:.2f}s: {d['documents_per_second']:,} docs/s, {d['mb_per_second']} MB/s "
            f"({stats.engine} engine, {stats.workers} worker(s))")
    if stats.cache_hits or stats.cache_misses:
        line += f"; cache: {stats.cache_hits} hit(s), {stats.cache_misses} miss(es)"
    if stats.skipped_by_shard:
        line += f"; {stats.skipped_by_shard} record(s) in other shards"
    return line + "\n"
