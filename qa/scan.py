"""One scan per document: every rule's triggers, compiled once into one multi-pattern matcher.

A rule declares, as data (``Rule.triggers``), the patterns that can start one of its findings:
literals (lower-case text found in any case, such as a pack rule's ``word`` or the words a
grammar regex cannot match without) and, rarely, regular expressions. A trigger is a
*necessary* condition: a rule can report nothing in a document where none of its triggers
occurs. ``ScanPlan`` compiles the triggers of the selected rules once; ``ScanPlan.scan`` runs
over a document's text once and returns, per rule code, the candidate hits ``(start, end)`` in
code-point offsets. The engine skips a rule with no candidate; a rule that runs still confirms
with its own exact pattern (and may read its candidates, ``candidates``, to look only near them),
so findings are the same as a full scan's.

Backends, behind the same interface:

* **Hyperscan** (the ``hyperscan`` package, x86-64): one database in block mode, UTF-8 and
  Unicode properties (``HS_FLAG_UTF8 | HS_FLAG_UCP``), literals case-insensitive. A literal
  whose every match has its own length in bytes (ASCII, or characters without case) gets its
  start from its end; any other gets the leftmost start (``HS_FLAG_SOM_LEFTMOST``); byte offsets
  become code points with one numpy pass, when a rule first asks. A regex trigger Hyperscan
  cannot compile exactly (look-behind, back-references...) is compiled in prefilter mode
  (``HS_FLAG_PREFILTER``: it may report more, never less).
* **fallback** (no ``hyperscan``, or ``QA_SCAN=fallback``): one Aho-Corasick automaton
  (``pyahocorasick``) over the lower-cased text for the literals, ``re`` for the regexes.

Both report every occurrence of every literal (overlapping ones included; only the first for
an entry whose rules are all gates, ``Triggers.gate``), and for a regex trigger that may match,
one hit covering the text (a regex trigger only decides whether the rule runs). The tests
compare the findings of both, and of running every rule, on every rule's examples and on a mixed
corpus. A document holding a character whose case mapping differs between ``str.lower`` and
case-insensitive matching (``qa.fastpath.CASE_SPECIAL``) gets no answer (``None``): every rule
runs and scans in full, as does every document with ``QA_NO_FASTPATH=1``.

The compiled Hyperscan database is plain bytes (``hyperscan.dumpb``): a plan pickles to those
bytes (workers load them instead of compiling), and it is cached on disk under the user's cache
folder, named by a hash of the triggers (``scan/<hash>.hsdb``), with a header (magic, hash,
length and an HMAC with the result cache's per-user secret) checked before ``hyperscan.loadb``
reads it; a damaged, foreign or planted file is ignored and replaced.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from qa.signed import json_blob, read_cached, read_cached_json, write_cached
from qa import fastpath
from qa.fastpath import Scanner
from qa.textfind import find_all

try:  # pragma: no cover - depends on the platform
    import hyperscan as _hs
except ImportError:  # pragma: no cover
    _hs = None

try:
    import ahocorasick as _ac
except ImportError:  # pragma: no cover - without it each literal is found with str.find
    _ac = None

FORMAT = 4  # part of the cache key: bump it when the way a database is compiled changes


def hyperscan_available() -> bool:
    return _hs is not None


def default_backend() -> str:
    """``hyperscan`` when the package is there and ``QA_SCAN`` does not ask for ``fallback``."""
    want = os.environ.get("QA_SCAN", "").strip().lower()
    if want == "fallback" or _hs is None:
        return "fallback"
    return "hyperscan"


def enabled() -> bool:
    """``False`` with ``QA_NO_FASTPATH=1`` (``qa.fastpath.ENABLED``): every rule runs in full."""
    return fastpath.ENABLED


# --------------------------------------------------------------------------- triggers (data)
@dataclass(frozen=True, slots=True)
class Triggers:
    """What can start a rule's finding: lower-case ``literals`` (found in any case) and regular
    expressions ``patterns`` ((pattern, re flags) pairs). Every finding of the rule lies in a
    document where at least one of them occurs.

    ``gate``: the rule only needs to know *whether* one occurs (it never reads where): the scan
    may then report only the first occurrence of each literal, which is much cheaper for the
    common ones. A regex trigger is always a gate: its one hit is ``(0, len(text))``."""

    literals: tuple[str, ...] = ()
    patterns: tuple[tuple[str, int], ...] = ()
    gate: bool = False

    def find(self, text: str) -> list[tuple[int, int]] | None:
        """The candidate hits in ``text`` without a plan (a rule called on its own): every
        occurrence of every literal (a superset of what a plan reports for a gate)."""
        if not enabled() or _case_special(text):
            return None
        low = text.lower()
        out = [(i, i + len(lit)) for lit in self.literals for i in find_all(low, lit)]
        if any(re.compile(pat, flags).search(text) for pat, flags in self.patterns):
            out.append((0, len(text)))
        out.sort()
        return out


def literal_triggers(literals: Iterable[str] | None, gate: bool = False) -> Triggers | None:
    """Triggers from required literals (``None``: there are none, the rule always runs)."""
    lits = tuple(sorted({x.lower() for x in literals or () if x}))
    return Triggers(literals=lits, gate=gate) if lits else None


def pattern_triggers(*patterns: re.Pattern[str]) -> Triggers | None:
    """Triggers of a rule whose every finding is a match of one of ``patterns``: for each, the
    literals every match holds (``qa.fastpath.required_literals``); ``None`` when one pattern
    has none. A gate when no pattern's reach is bounded (``qa.fastpath.Scanner`` then reads
    only whether they occur), as ``RuleScanner`` finds for the same patterns."""
    lits: set[str] = set()
    gate = True
    for p in patterns:
        sc = Scanner(p)
        if not sc.literals:
            return None
        lits |= set(sc.literals)
        gate = gate and not sc.margin
    return literal_triggers(lits, gate)


_case_special = fastpath.has_case_special


# --------------------------------------------------------------------------- the plan
@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # "lit" | "re"
    pattern: str
    flags: int  # re flags of a regex entry (0 for a literal)
    single: bool  # only the first occurrence is needed (every owner is a gate)


def _hs_literal(lit: str) -> bytes:
    """A literal as a Hyperscan expression: ASCII punctuation escaped as ``\\xHH``."""
    out = []
    for ch in lit:
        if ch.isascii() and not ch.isalnum():
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out).encode("utf-8")


def _fixed_width(lit: str) -> bool:
    """Every case-insensitive match of ``lit`` has as many UTF-8 bytes as ``lit`` (ASCII, or
    characters without case): its start is its end minus that length, no start-of-match
    tracking needed. (Texts with the characters that fold onto ASCII letters are never scanned.)"""
    return all(c.isascii() or c.lower() == c == c.upper() for c in lit)


def _on_match(i: int, a: int, b: int, _flags: int, append) -> None:
    append(i)  # (three ints on a flat list: no tuple per match for the collector to track)
    append(a)
    append(b)


class ScanHits:
    """A document's scan: which rules have candidates (``code in hits``), and each rule's
    candidate hits ``(start, end)`` in code points, ascending (``hits.get(code)``, computed when
    a rule asks for them)."""

    __slots__ = ("_plan", "_raw", "_text", "_bytes", "_codes", "_by", "_starts", "_ends")

    def __init__(self, plan: "ScanPlan", raw: "array[int] | list[int]", text: str, data: bytes | None) -> None:
        # (offsets in ``data``, the UTF-8 text the scan read, when it is not the text's code points:
        # the bytes are made again when a rule first asks, not kept with the document's facts)
        self._plan, self._raw, self._text, self._bytes = plan, raw, text, data is not None
        #: entry -> its hits: a list of spans (a few hits, grouped in a loop) or the slice of
        #: ``_starts`` / ``_ends`` that holds them (grouped in numpy: 16 bytes a hit, where a list
        #: of spans holds about 130, kept with the document's facts for its whole check)
        self._by: dict[int, list[tuple[int, int]] | slice] | None = None
        self._starts = self._ends = None
        # (``raw``: entry, start, end of each hit, flat)
        self._codes = frozenset().union(*map(plan.owners.__getitem__, set(raw[0::3])))

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    @property
    def codes(self) -> frozenset[str]:
        """The rules with at least one candidate."""
        return self._codes

    def __iter__(self):
        return iter(sorted(self._codes))

    def __len__(self) -> int:
        return len(self._codes)

    def get(self, code: str, default=None) -> list[tuple[int, int]] | None:
        if code not in self._codes:
            return default
        plan = self._plan
        by = self._by
        if by is None:  # the hits by entry, in code points (made on the first question)
            by = self._by = self._grouped()
            self._raw = []  # (kept with the document's facts: only what is read)
        out: list[tuple[int, int]] = []
        entries = plan.entries_of[code]
        if len(by) < len(entries):  # (a rule of many literals: look only at the entries found)
            mine = plan.entry_sets[code]
            entries = [i for i in by if i in mine]
        for i in entries:
            lst = by.get(i)
            if lst is None:
                continue
            e = plan.entries[i]
            if e.kind == "re":
                out.append((0, len(self._text)))
                continue
            if type(lst) is slice:  # (spans made from the columns, for this question only)
                a, b = self._starts[lst], self._ends[lst]
                out.extend(zip(a[:1].tolist(), b[:1].tolist()) if e.single else zip(a.tolist(), b.tolist()))
                continue
            out.extend(lst[:1] if e.single else lst)
        out.sort()
        return out

    def __getitem__(self, code: str) -> list[tuple[int, int]]:
        got = self.get(code)
        if got is None:
            raise KeyError(code)
        return got

    def as_dict(self) -> dict[str, list[tuple[int, int]]]:
        return {c: self[c] for c in self}

    def _grouped(self) -> dict[int, list[tuple[int, int]] | slice]:
        """The hits by entry, each entry's in the order the scan reported them, in code points
        (a start taken from the end minus a byte length is fixed first). A short list of hits in
        a text whose offsets are code points already is grouped in one loop; any other in numpy:
        one pass finds the bytes that continue a character (an offset less those before it is a
        code point offset), a stable sort by entry groups the hits into two columns (starts and
        ends, kept as ``_starts`` and ``_ends``), and each entry gets its slice of them."""
        raw = self._raw
        shifts = self._plan.shifts
        if not raw:
            return {}
        if not self._bytes and len(raw) <= 3 * _LOOP_HITS:
            by: dict[int, list[tuple[int, int]]] = {}
            it = iter(raw)
            for i, a, b in zip(it, it, it):
                if shifts[i]:
                    a = b - shifts[i]
                got = by.get(i)
                if got is None:
                    by[i] = [(a, b)]
                else:
                    got.append((a, b))
            return by
        import numpy as np

        flat = np.asarray(raw, dtype=np.int64).reshape(-1, 3)
        ids, a, b = flat[:, 0], flat[:, 1], flat[:, 2]
        sh = self._plan.shift_array[ids]
        a = np.where(sh > 0, b - sh, a)
        if self._bytes:  # a byte offset less the continuation bytes before it is a code point offset
            arr = np.frombuffer(self._text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
            cont = np.flatnonzero((arr & 0xC0) == 0x80)
            a = a - np.searchsorted(cont, a)
            b = b - np.searchsorted(cont, b)
        order = np.argsort(ids, kind="stable")
        ids = ids[order]
        self._starts, self._ends = a[order], b[order]
        bounds = [0, *(np.flatnonzero(ids[1:] != ids[:-1]) + 1).tolist(), len(ids)]
        return {i: slice(lo, hi) for i, lo, hi in zip(ids[bounds[:-1]].tolist(), bounds, bounds[1:])}


#: a text's hits up to this many are grouped by entry in a loop (numpy's fixed cost would outweigh it)
_LOOP_HITS = 64


class ScanPlan:
    """The triggers of a set of rules compiled into one matcher (see the module docstring).

    ``codes`` holds the rules the plan answers for; a rule outside it (no triggers, or a
    trigger no backend could compile) always runs."""

    def __init__(self, entries: Sequence[_Entry], owners: Sequence[tuple[str, ...]], backend: str,
                 database: bytes | None = None, cache_dir: str | os.PathLike | None = None) -> None:
        self.entries = tuple(entries)
        self.owners = tuple(owners)
        self.backend = backend
        self.key = _key(self.entries, self.owners, backend)
        self.codes: frozenset[str] = frozenset(c for cs in self.owners for c in cs)
        by_code: dict[str, list[int]] = {}
        for i, cs in enumerate(self.owners):
            for c in cs:
                by_code.setdefault(c, []).append(i)
        self.entries_of: dict[str, tuple[int, ...]] = {c: tuple(v) for c, v in by_code.items()}
        #: per entry, the UTF-8 length to take from a match end for its start (0: Hyperscan
        #: tracks the leftmost start, or the fallback gives it)
        self.shifts: tuple[int, ...] = tuple(
            len(e.pattern.encode("utf-8")) if backend == "hyperscan" and e.kind == "lit" and _fixed_width(e.pattern)
            else 0 for e in self.entries)
        self.loaded_from_cache = False
        self._local = threading.local()
        self._db = None
        self._auto = None
        self._regexes: list[tuple[int, re.Pattern[str]]] = []
        self._lit_ids: dict[str, int] = {}
        if backend == "hyperscan":
            try:
                self._db = self._load_or_compile(database, cache_dir)
            except Exception:  # noqa: BLE001 - a database Hyperscan refuses: the same answers without it
                self.backend, self.shifts = "fallback", (0,) * len(self.entries)
                self.key = _key(self.entries, self.owners, self.backend)
                self._build_fallback()
        else:
            self._build_fallback()

    # ------------------------------------------------------------ building
    @classmethod
    def for_rules(cls, rules: Iterable, backend: str | None = None,
                  cache_dir: str | os.PathLike | None = None) -> "ScanPlan":
        """The plan for the triggers of ``rules`` (``Rule.triggers``; rules without are left out)."""
        backend = backend or default_backend()
        rules = [r for r in rules if getattr(r, "triggers", None) is not None and not getattr(r, "corpus", False)]
        if backend == "hyperscan":
            _know_hs_modes({pf for r in rules for pf in r.triggers.patterns}, cache_dir)
        index: dict[tuple[str, str, int], list[tuple[str, bool]]] = {}
        for r in rules:
            trig = r.triggers
            mine = [("lit", lit, 0) for lit in trig.literals] + [("re", p, f) for p, f in trig.patterns]
            if not mine or (backend == "hyperscan" and not all(_hs_ok(p, f) for k, p, f in mine if k == "re")):
                continue  # a trigger this backend cannot compile: the rule always runs
            for k in mine:
                index.setdefault(k, []).append((r.code, trig.gate or k[0] == "re"))
        keys = sorted(index)
        entries = [_Entry(k, p, f, all(g for _, g in index[(k, p, f)])) for k, p, f in keys]
        owners = [tuple(sorted({c for c, _ in index[k]})) for k in keys]
        return cls(entries, owners, backend, cache_dir=cache_dir)

    def _build_fallback(self) -> None:
        lits = [(i, e.pattern) for i, e in enumerate(self.entries) if e.kind == "lit"]
        self._lit_ids = {p: i for i, p in lits}
        if _ac is not None and lits:
            auto = _ac.Automaton()
            for i, p in lits:
                auto.add_word(p, (i, len(p)))
            auto.make_automaton()
            self._auto = auto
        self._regexes = [(i, re.compile(e.pattern, e.flags)) for i, e in enumerate(self.entries) if e.kind == "re"]

    def _compile_hs(self):
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        exprs, flags = [], []
        for e, shift in zip(self.entries, self.shifts):
            if e.kind == "lit":
                exprs.append(_hs_literal(e.pattern))
                f = _BASE | _hs.HS_FLAG_CASELESS
                if not shift:  # the start is needed and is not the end minus the literal's length
                    f |= _hs.HS_FLAG_SOM_LEFTMOST
                elif e.single:  # only whether it occurs: its first match
                    f |= _hs.HS_FLAG_SINGLEMATCH
                flags.append(f)
            else:
                exprs.append(e.pattern.encode("utf-8"))
                flags.append(_hs_mode(e.pattern, e.flags))
        db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        return db

    def _load_or_compile(self, database: bytes | None, cache_dir) -> object:
        if not self.entries:
            return None
        db = _COMPILED.get(self.key)
        if db is not None:  # built before in this process (a database is read-only: shared)
            return db
        db = self._load(database, cache_dir)
        if len(_COMPILED) >= 16:
            _COMPILED.clear()
        _COMPILED[self.key] = db
        return db

    def _load(self, database: bytes | None, cache_dir) -> object:
        if database is not None:
            try:
                return _hs.loadb(database, _hs.HS_MODE_BLOCK)
            except Exception:  # noqa: BLE001 - bytes from another build: compile again
                pass
        path = cache_path(self.key, cache_dir)
        if path is not None:
            blob = read_cached(path, self.key)
            if blob is not None:
                try:
                    db = _hs.loadb(blob, _hs.HS_MODE_BLOCK)
                    self.loaded_from_cache = True
                    return db
                except Exception:  # noqa: BLE001 - a database this build cannot load
                    pass
        db = self._compile_hs()
        if path is not None:
            write_cached(path, self.key, _hs.dumpb(db))
        return db

    # ------------------------------------------------------------ pickling: the database as bytes
    @cached_property
    def shift_array(self):
        """``shifts`` as a numpy array."""
        import numpy as np

        return np.array(self.shifts, dtype=np.int64)

    @cached_property
    def entry_sets(self) -> dict[str, frozenset[int]]:
        """``entries_of`` as sets."""
        return {c: frozenset(v) for c, v in self.entries_of.items()}

    def __getstate__(self) -> dict:
        return {"entries": self.entries, "owners": self.owners, "backend": self.backend,
                "database": _hs.dumpb(self._db) if self._db is not None else None}

    def __setstate__(self, state: Mapping) -> None:
        backend = state["backend"] if state["backend"] != "hyperscan" or _hs is not None else "fallback"
        self.__init__(state["entries"], state["owners"], backend, database=state["database"])  # type: ignore[misc]

    # ------------------------------------------------------------ scanning
    def scan(self, text: str) -> ScanHits | None:
        """The document's candidate hits (``ScanHits``). ``None``: no answer for this text
        (case-special, or the scan is off): every rule runs in full."""
        if not enabled() or _case_special(text):
            return None
        out = array("q")  # entry, start, end of each hit, flat (8 bytes a number, not an object)
        data = None
        if self._db is not None:
            raw = text.encode("utf-8", "surrogatepass")
            self._db.scan(raw, match_event_handler=_on_match, context=out.append, scratch=self._scratch())
            if len(raw) != len(text):
                data = raw
        elif self.entries:
            self._scan_fallback(text, out)
        return ScanHits(self, out, text, data)

    def _scratch(self):
        s = getattr(self._local, "scratch", None)
        if s is None:
            s = self._local.scratch = _hs.Scratch(self._db)
        return s

    def _scan_fallback(self, text: str, out: "array[int]") -> None:
        if self._lit_ids:
            low = text.lower()
            if self._auto is not None:
                for e, (i, n) in self._auto.iter(low):
                    out.extend((i, e - n + 1, e + 1))
            else:  # pragma: no cover - without pyahocorasick
                for lit, i in self._lit_ids.items():
                    for s in find_all(low, lit):
                        out.extend((i, s, s + len(lit)))
        for i, rx in self._regexes:
            if rx.search(text) is not None:
                out.extend((i, 0, len(text)))


if _hs is not None:
    _BASE = _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_UCP
else:  # pragma: no cover
    _BASE = 0


_HS_MODE: dict[tuple[str, int], int | None] = {}
#: databases built in this process, by key (a plan made again for the same rules reuses one)
_COMPILED: dict[str, object] = {}


def _hs_mode(pattern: str, flags: int) -> int | None:
    """Hyperscan flags for a regex trigger: exact, else in prefilter mode (a superset of the
    matches, for constructs it lacks: look-behind, back-references...); ``None``: neither
    compiles. Only whether it matches is used, so one match is enough (``SINGLEMATCH``)."""
    k = (pattern, flags)
    if k not in _HS_MODE:
        base = _BASE | _hs.HS_FLAG_SINGLEMATCH
        if flags & re.IGNORECASE:
            base |= _hs.HS_FLAG_CASELESS
        if flags & re.DOTALL:
            base |= _hs.HS_FLAG_DOTALL
        if flags & re.MULTILINE:
            base |= _hs.HS_FLAG_MULTILINE
        _HS_MODE[k] = None
        for f in (base, base | _hs.HS_FLAG_PREFILTER):
            try:
                _hs.Database(mode=_hs.HS_MODE_BLOCK).compile(expressions=[pattern.encode("utf-8")], ids=[0],
                                                             elements=1, flags=[f])
            except Exception:  # noqa: BLE001 - a construct Hyperscan lacks
                continue
            _HS_MODE[k] = f
            break
    return _HS_MODE[k]


MODES_FORMAT = 1


def _know_hs_modes(patterns: set[tuple[str, int]], cache_dir: str | os.PathLike | None) -> None:
    """Fill ``_HS_MODE`` for ``patterns``: from the scan cache when an entry for exactly these
    patterns and this Hyperscan is there (signed like a database, ``read_cached``), else by
    test-compiling each one (``_hs_mode``, 15-20 ms for the default rules' regex triggers on
    every start) and writing the entry."""
    todo = sorted(k for k in patterns if k not in _HS_MODE)
    if not todo:
        return
    h = hashlib.blake2b(digest_size=16)
    h.update(f"qa-scan-modes {MODES_FORMAT} {FORMAT} {getattr(_hs, '__version__', '')}\n".encode())
    for p, f in todo:
        h.update(repr((p, f)).encode("utf-8", "surrogatepass") + b"\0")
    key = h.hexdigest()
    path = cache_path(key, cache_dir)
    if path is not None:
        path = path.with_suffix(".modes")
        payload = read_cached_json(path, key, MODES_FORMAT)
        modes = payload.get("modes") if payload is not None else None
        if isinstance(modes, list) and len(modes) == len(todo) and all(m is None or type(m) is int for m in modes):
            _HS_MODE.update(zip(todo, modes))
            return
    modes = [_hs_mode(p, f) for p, f in todo]
    if path is not None:
        write_cached(path, key, json_blob({"format": MODES_FORMAT, "modes": modes}))


def _hs_ok(pattern: str, flags: int) -> bool:
    return _hs_mode(pattern, flags) is not None


def _key(entries: Sequence[_Entry], owners: Sequence[tuple[str, ...]], backend: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    version = getattr(_hs, "__version__", "") if _hs is not None else ""
    h.update(f"qa-scan {FORMAT} {backend} {version}\n".encode())
    for e, o in zip(entries, owners):
        h.update(repr((e.kind, e.pattern, e.flags, e.single, o)).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


# --------------------------------------------------------------------------- the on-disk cache
def cache_path(key: str, cache_dir: str | os.PathLike | None = None) -> Path | None:
    """Where the database of ``key`` is cached (``None``: no cache, ``QA_NO_CACHE``)."""
    if cache_dir is None:
        if os.environ.get("QA_NO_CACHE"):
            return None
        try:
            from qa.cache import user_cache_root

            cache_dir = user_cache_root() / "scan"
        except Exception:  # noqa: BLE001 - no cache folder: compile every time
            return None
    return Path(cache_dir) / f"{key}.hsdb"


# --------------------------------------------------------------------------- a document's hits
_NONE = object()


def _scans(doc) -> dict[ScanPlan, ScanHits | None]:
    """The scans made of ``doc``, by plan (the document's facts, ``qa.facts``; empty: none yet)."""
    return getattr(doc.facts, "scan_hits", _NO_SCANS)


_NO_SCANS: dict = {}


def hits_for(doc, plan: ScanPlan | None = None) -> ScanHits | None:
    """The scan hits of ``doc`` (``ScanPlan.scan``), computed once per document and plan and
    kept in the document's facts for the rules that read them (``candidates``). Without
    ``plan``: the hits of the last plan asked for ``doc``, or ``None``."""
    if plan is None:
        return next(reversed(_scans(doc).values()), None)
    scans = doc.facts.once("scan_hits", dict)
    hits = scans.pop(plan, _NONE)
    if hits is _NONE:
        hits = plan.scan(doc.text)
    scans[plan] = hits  # the last plan asked for is the one ``candidates`` reads
    return hits


def candidates(doc, code: str, triggers: Triggers | None) -> list[tuple[int, int]] | None:
    """The candidate hits of rule ``code`` in ``doc``: from the document's scan when the
    engine made one with a plan answering for this rule (the last such plan), else searched
    here (``Triggers.find``); ``None`` when there is no answer (the rule scans the whole text)."""
    if triggers is None:
        return None
    scans = _scans(doc)
    for plan in reversed(scans):
        if code in plan.codes:
            hits = scans[plan]
            return None if hits is None else hits.get(code, [])
    return triggers.find(doc.text)


def skipped(hits: ScanHits | None, plan: ScanPlan | None) -> frozenset[str]:
    """The codes of the rules the engine skips on a document with scan ``hits``: those the plan
    answers for that have no candidate (none when there is no answer)."""
    if hits is None or plan is None:
        return frozenset()
    return plan.codes - hits.codes


# --------------------------------------------------------------------------- a rule's own regex
class RuleScanner(Scanner):
    """``qa.fastpath.Scanner`` for rule ``code`` whose triggers are ``pattern_triggers(pattern)``:
    the regex runs only near the occurrences the document's one scan found (``candidates``)."""

    def __init__(self, pattern: re.Pattern[str], code: str, literals: tuple[str, ...] | None = None,
                 max_reach: int = 1000) -> None:
        super().__init__(pattern, max_reach)
        if literals is not None and self.literals is not None:  # literals known to be in every match
            self.literals = tuple(sorted({x.lower() for x in literals}))
        self.code = code
        self.triggers = literal_triggers(self.literals, gate=not self.margin)

    def finditer(self, doc) -> Iterator[re.Match[str]]:
        if self.triggers is None:
            return self.pattern.finditer(doc.text)
        return self.near(doc, candidates(doc, self.code, self.triggers))


__all__ = ["RuleScanner", "ScanHits", "ScanPlan", "Triggers", "candidates", "default_backend", "hits_for", "hyperscan_available",
           "literal_triggers", "pattern_triggers", "skipped"]
