"""Checking one document: the ``Checker`` (one per process; optional cache and timing) and
what it gives (``Checked``, ``RenderedResult``)."""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from qa.cache import ResultCache
from qa.cleaning import checks_as_fresh, clean_record, cleaned_result_of
from qa.document import Document
from qa.engine import Plan, check_document, result_for
from qa.facts import FactClock, fact_mark, own_time, set_fact_clock
from qa.model import FileResult, Finding
from qa.report.jsonl import encode_line, findings_json, head_json, line_parts, safe_line
from qa.scoring import score_of, score_result
from qa.warmup import warm_up

STEP_SEGMENT = "(segmentation)"
STEP_RESULT = "(language+score)"


def timed_plan(plan: Plan, acc: dict[str, float]) -> Plan:
    """The same plan whose checks add their time (including consuming their hits) to ``acc``,
    less the time of the shared facts they computed first (``qa.facts.FactClock``, when one is
    set: those go to their own rows)."""

    def wrap(rule):
        fn, code = rule.check, rule.code
        acc.setdefault(code, 0.0)  # a rule the scan let the engine skip everywhere still shows, at 0 s

        def check(doc, opts):
            mark = fact_mark()
            try:
                return list(fn(doc, opts))
            finally:
                acc[code] = acc.get(code, 0.0) + own_time(mark)

        return replace(rule, check=check)

    return replace(plan, rules=tuple(wrap(r) for r in plan.rules))


@dataclass
class Checked:
    """What checking one document gives, without the document (this is what workers send)."""

    #: doc is None; from a worker process, the result still pickled (``bytes``): the parent
    #: spools it as it came and unpickles it once, when it is written; from a worker, None when
    #: ``rendered`` has its findings' keys (the parent needs nothing else)
    result: FileResult | bytes | None
    collected: tuple[object, ...] | None
    cached: bool = False
    #: the result written as its JSON line as checked (lines-only runs): made where the document
    #: was checked, and passed on as bytes (no decoding and encoding on the way)
    rendered: RenderedResult | None = None


@lru_cache(maxsize=1)
def line_codec() -> tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]:
    """(compress, decompress) of the lines and items that wait for the corpus rules (a worker's
    ``RenderedResult.packed_copy``, the parent's ``qa.runner.corpus.Spool``): Zstandard level 1
    (a dependency of qa), or the bytes as they are where the module cannot be imported."""
    try:
        import zstandard
    except ImportError:  # pragma: no cover - installed with qa
        return bytes, bytes
    return zstandard.ZstdCompressor(level=1).compress, zstandard.ZstdDecompressor().decompress


@dataclass(slots=True)
class FindingKeys:
    """What joining corpus findings to a result written as its line needs of the findings the line
    holds (``merge_rendered``), in the line's order: each one's span, its rule, category, severity
    and confidence (``table[kinds[i]]``), the length of its JSON text in the line, and the
    ``duplicate`` field data of those that give one. Columns of numbers: a document of thousands
    of findings pickles in one copy of a few arrays, not as thousands of objects."""

    starts: array
    ends: array
    kinds: array
    lengths: array
    table: tuple[tuple[str, str, object, float | None], ...]
    duplicates: dict[int, tuple[tuple[str, object], ...]]

    @classmethod
    def of(cls, findings: list[Finding], texts: list[str]) -> "FindingKeys | None":
        """The keys of ``findings`` written as ``texts``; None for a span that is no integer."""
        try:
            starts = array("q", [f.start for f in findings])
            ends = array("q", [f.end for f in findings])
        except (TypeError, OverflowError):
            return None
        keys = [(f.rule, f.category, f.severity, f.confidence) for f in findings]
        index = dict.fromkeys(keys, 0)  # the distinct keys, in their first findings' order
        for k, key in enumerate(index):
            index[key] = k
        duplicates = {i: f.data for i, f in enumerate(findings) if f.data and f.category == "duplicate"}
        return cls(starts, ends, array("I", map(index.__getitem__, keys)), array("I", map(len, texts)),
                   tuple(index), duplicates)


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
    language: str | None = None
    n_sentences: int = 0
    #: the findings' keys (``RenderedResult.of(..., keys=True)``), for ``merge_rendered``; None when
    #: not asked for, or when making the line safe changed the findings' texts
    keys: FindingKeys | None = None
    #: 0, or the length of the line when ``data`` holds it compressed (``packed``)
    packed: int = 0

    @classmethod
    def of(cls, res: FileResult, keys: bool = False) -> "RenderedResult":
        """``res`` (with its document) written as its line (``encode_line(dumps(res))``); with
        ``keys``, with the keys of its findings."""
        head, texts = line_parts(res)
        text = head + ", ".join(texts) + "]}"
        safe = safe_line(text)
        try:
            data, kept = (safe + "\n").encode("utf-8"), safe is text
        except UnicodeEncodeError:  # a lone surrogate: written as its escape
            data, kept = encode_line(safe), False
        return cls(res.path, res.id, data, res.score, res.verdict, res.severity_counts, res.category_counts,
                   language=res.language, n_sentences=res.n_sentences,
                   keys=FindingKeys.of(res.findings, texts) if keys and kept else None)

    @property
    def line(self) -> str:
        return self.unpacked().data[:-1].decode("utf-8")

    @property
    def size(self) -> int:
        """The length of the line in bytes (compressed or not)."""
        return self.packed or len(self.data)

    def packed_copy(self) -> "RenderedResult":
        """This result with its line compressed (``line_codec``): what a worker sends when the
        line is to wait in the parent's spool until the corpus rules decide, so that the parent
        neither receives nor compresses the whole line."""
        if self.packed:
            return self
        return replace(self, data=line_codec()[0](self.data), packed=len(self.data))

    def unpacked(self) -> "RenderedResult":
        """This result with its line as it is written (itself when it is not compressed)."""
        if not self.packed:
            return self
        return replace(self, data=line_codec()[1](self.data), packed=0)

    def finding_texts(self) -> list[str]:
        """Each finding's JSON text as the line holds it, read back from the line (``keys``)."""
        assert self.keys is not None and not self.packed
        lengths = self.keys.lengths
        line = self.data.decode("utf-8")
        pos = len(line) - 3 - (sum(lengths) + 2 * (len(lengths) - 1))  # the line ends '...]}\n'
        out = []
        for n in lengths:
            out.append(line[pos : pos + n])
            pos += n + 2  # and the ", " after it
        return out


class Checker:
    """Checks documents with one plan, optionally cached and timed. One per process."""

    def __init__(self, plan: Plan, cache_dir: str | None = None, profile: bool = False,
                 strict: bool = False, render_jsonl: bool = False, lines_only: bool = False,
                 cleaned: bool = False, clean=None) -> None:
        self.strict = strict
        self.cleaned = cleaned
        self.clean = clean  # qa.cleaning.CleanOptions: qa clean (check and fix) instead of qa check
        self.render_jsonl = render_jsonl or lines_only
        self.lines_only = lines_only
        self.times: dict[str, float] = {}

        warm_up(plan.rules, eager=profile)  # before any time limit (and, profiled, before the timing wrappers)
        self.base_plan = plan
        #: with ``profile``: the time of the shared facts (the page layout, the document's
        #: language...) on rows of their own, kept out of the rule that first asked for one
        self.fact_clock = FactClock(self.times) if profile else None
        self.plan = timed_plan(plan, self.times) if profile else plan
        self.profile = profile
        self.corpus = plan.corpus_rules
        self.hits = self.misses = 0
        self.cache = None
        if cache_dir:
            self.cache = ResultCache.open(cache_dir, plan)

    def check(self, doc: Document) -> Checked:
        if self.fact_clock is None:
            return self._check(doc)
        set_fact_clock(self.fact_clock)  # (only while this checker checks a document)
        try:
            return self._check(doc)
        finally:
            set_fact_clock(None)

    def _check(self, doc: Document) -> Checked:
        if self.clean is not None:
            return self.clean_one(doc)
        key = None
        if self.cache is not None:
            key = self.cache.key(doc)
            got = self.cache.get(key)
            if got is not None:
                self.hits += 1
                findings, language, n_sentences, score, verdict, collected = got
                res = FileResult(path=doc.path, id=doc.id, doc=None, findings=findings, language=language,
                                 score=score, verdict=verdict, n_sentences=n_sentences)
                if self.cleaned:
                    res.cleaned = cleaned_result_of(doc, findings, self.base_plan)
                return Checked(res, collected, cached=True, rendered=self._rendered(res, doc))
            self.misses += 1
        plan = self.plan
        if self.profile:
            t = fact_mark()
            _ = doc.sentences  # words and other views are built by the rules that use them
            self._add(STEP_SEGMENT, t)
        findings = check_document(doc, plan, self.strict)
        collected = None
        if self.corpus:
            vals = []
            for r in self.corpus:
                t = fact_mark() if self.profile else None
                vals.append(r.collect(doc, plan.options[r.code]))  # type: ignore[misc]
                if self.profile:
                    self._add(r.code, t)
            collected = tuple(vals)
        t = fact_mark() if self.profile else None
        res = result_for(doc, findings, plan)
        if self.cleaned:  # the HTML report's Cleaned view, made here (in a worker, in parallel)
            res.cleaned = cleaned_result_of(doc, res.findings, self.base_plan)
        rendered = self._rendered(res, doc)  # the line, findings' JSON included (lines_only)
        if rendered is None and self.render_jsonl:
            # the JSON of each finding, made here (in a worker, in parallel) for the parent to
            # join; not beside a rendered line, which holds it already (a result a corpus finding
            # joins is written again, from its findings)
            res.rendered = (res.findings, findings_json(res.findings, doc))
        if self.profile:
            self._add(STEP_RESULT, t)
        res.doc = None
        res.meta = {}
        if self.cache is not None and key is not None:
            self.cache.put(key, (res.findings, res.language, res.n_sentences, res.score, res.verdict, collected))
        return Checked(res, collected, rendered=rendered)

    def clean_one(self, doc: Document) -> Checked:
        """``qa clean``'s work on one document (``qa.cleaning.clean_record``). The result cache
        is read where it is exact: a record that is checked as a fresh document of its text, with
        no template line to remove, has the findings of its first round of cleaning cached by a
        ``qa check`` of it (same key: the document as read, the settings, the rules). The cache
        is not written here: an entry holds a whole check (language, score, corpus values)."""
        opts = self.clean
        first = None
        if self.cache is not None and not hasattr(doc, "segments") and checks_as_fresh(doc):
            corpus = opts.corpus
            if corpus is None or not corpus.by_doc.get((doc.path, doc.id)):
                got = self.cache.get(self.cache.key(doc))
                if got is not None:
                    self.hits += 1
                    first = got[0]
                else:
                    self.misses += 1
        res = FileResult(path=doc.path, id=doc.id, doc=None, findings=[])
        res.cleaned = clean_record(doc, self.plan, opts, first)
        return Checked(res, None)

    def check_to_send(self, doc: Document) -> Checked:
        """``check`` with the result pickled here (in a worker, in parallel): the parent keeps the
        bytes until it writes them, and unpickles them only if it needs the result."""
        checked = self.check(doc)
        if self.corpus and checked.rendered is not None:  # (the line waits in the parent's spool)
            checked.rendered = checked.rendered.packed_copy()
        if checked.rendered is not None and checked.rendered.keys is not None:
            checked.result = None  # the line and its keys are all the parent reads (``merge_rendered``)
        else:
            checked.result = pickle.dumps(checked.result, protocol=pickle.HIGHEST_PROTOCOL)
        return checked

    def _rendered(self, res: FileResult, doc: Document) -> RenderedResult | None:
        if not self.lines_only:
            return None
        res.doc = doc
        return RenderedResult.of(res, keys=bool(self.corpus))  # (keys: a corpus finding may join it)

    def _add(self, name: str, mark) -> None:
        """Add the time since ``mark`` (``qa.facts.fact_mark``) to ``name``, less that of the
        shared facts computed meanwhile (on their own rows)."""
        self.times[name] = self.times.get(name, 0.0) + own_time(mark)

    def flush(self) -> None:
        if self.cache is not None:
            self.cache.flush()

    def take_counters(self) -> tuple[dict[str, float], int, int]:
        """Timings and cache counters since the last call (workers send these per chunk)."""
        out = (dict(self.times), self.hits, self.misses)
        self.times.clear()
        self.hits = self.misses = 0
        return out


def attach(doc: Document, checked: Checked, lines_only: bool = False) -> FileResult | RenderedResult:
    if lines_only and checked.rendered is not None:
        return checked.rendered.unpacked()
    res = checked.result
    if isinstance(res, bytes):
        res = pickle.loads(res)
    res.doc = doc
    res.meta = doc.meta
    res.path, res.id = doc.path, doc.id
    return res


def merge(light: bytes | FileResult, doc: Document, extra: list[Finding], plan: Plan) -> FileResult:
    """The checked result with the corpus findings (and corpus-rule crashes) ``extra`` joined,
    sorted and scored."""
    res = attach(doc, Checked(light, None))
    assert isinstance(res, FileResult)
    res.findings = sorted(res.findings + extra, key=lambda f: f.sort_key)
    score_result(res, plan.settings)
    return res


def merge_rendered(rendered: RenderedResult, doc: Document, extra: list[Finding], plan: Plan) -> RenderedResult:
    """``RenderedResult.of(merge(result, doc, extra, plan))`` for a result written as its line
    with its findings' keys (``rendered.keys``), made from the line and the keys: the findings it
    had are never rebuilt, and their JSON texts are taken from the line as they are."""
    rendered = rendered.unpacked()
    keys = rendered.keys
    assert keys is not None
    table = keys.table
    old = [table[k] for k in keys.kinds]  # (rule, category, severity, confidence) of each
    texts = rendered.finding_texts()
    n = len(old)
    # the merged order: sorted by (start, end, rule), the old findings before the new at a tie
    # (``merge`` sorts the old followed by the new with a stable sort)
    order = [(a, b, k[0], i) for i, (a, b, k) in enumerate(zip(keys.starts, keys.ends, old))]
    order += [(f.start, f.end, f.rule, n + j) for j, f in enumerate(extra)]
    order.sort()
    new = [(f.rule, f.category, f.severity, f.confidence) for f in extra]
    new_texts = findings_json(extra, doc)
    every = old + new
    merged = [every[i] for _a, _b, _r, i in order]
    score, verdict = score_of([(r, sev, conf) for r, _c, sev, conf in merged], rendered.n_sentences,
                              plan.settings)
    dup = None
    for _a, _b, _r, i in order:  # ``duplicate_field`` of the merged findings
        data = keys.duplicates.get(i) if i < n else (extra[i - n].data if extra[i - n].category == "duplicate"
                                                     else None)
        if data:
            dup = dict(data)
            break
    counts: dict[str, int] = {}
    categories: dict[str, int] = {}
    severities: dict[str, int] = {}
    for r, c, sev, _conf in merged:
        counts[r] = counts.get(r, 0) + 1
        categories[c] = categories.get(c, 0) + 1
        k = str(sev)
        severities[k] = severities.get(k, 0) + 1
    head = head_json(doc.path, doc.id, rendered.language, score, verdict, None, dict(sorted(counts.items())), dup)
    all_texts = texts + new_texts
    line = safe_line(head + ", ".join([all_texts[i] for _a, _b, _r, i in order]) + "]}")
    return RenderedResult(doc.path, doc.id, encode_line(line), score, verdict, dict(sorted(severities.items())),
                          dict(sorted(categories.items())), language=rendered.language,
                          n_sentences=rendered.n_sentences)
