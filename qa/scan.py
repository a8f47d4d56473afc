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
  Unicode properties (``HS_FLAG_UTF8 | HS_FLAG_UCP``); literals are case-insensitive with the
  leftmost start of each match (``HS_FLAG_SOM_LEFTMOST``); a regex trigger Hyperscan cannot
  compile exactly (look-behind, back-references...) is compiled in prefilter mode
  (``HS_FLAG_PREFILTER``: it may report more, never less), and reports only where a match may
  end (its start is given as 0). Byte offsets are turned into code points with one numpy pass.
* **fallback** (no ``hyperscan``, or ``QA_SCAN=fallback``): one Aho-Corasick automaton
  (``pyahocorasick``) over the lower-cased text for the literals, ``re`` for the regexes.

Both report every occurrence of every literal (overlapping ones included), and for a regex
trigger its first match; the tests compare the findings of both on every rule's example and on
a mixed corpus. A document holding a character whose case mapping differs between ``str.lower``
and case-insensitive matching (``qa.fastpath.CASE_SPECIAL``) gets no answer (``None``): every
rule runs and scans in full, as does every document with ``QA_NO_FASTPATH=1``.

The compiled Hyperscan database is plain bytes (``hyperscan.dumpb``): a plan pickles to those
bytes (workers load them instead of compiling), and it is cached on disk under the user's cache
folder, named by a hash of the triggers (``scan/<hash>.hsdb``), with a header (magic, format,
hash, length, digest) checked before ``hyperscan.loadb`` reads it; a damaged or foreign file is
ignored and replaced.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.fastpath import CASE_SPECIAL, Scanner, find_all

try:  # pragma: no cover - depends on the platform
    import hyperscan as _hs
except ImportError:  # pragma: no cover
    _hs = None

try:
    import ahocorasick as _ac
except ImportError:  # pragma: no cover - without it each literal is found with str.find
    _ac = None

FORMAT = 1
MAGIC = b"QASCAN\x00\x01"
_SPECIAL_RE = re.compile(f"[{CASE_SPECIAL}]")


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
    from qa import fastpath

    return fastpath.ENABLED


# --------------------------------------------------------------------------- triggers (data)
@dataclass(frozen=True, slots=True)
class Triggers:
    """What can start a rule's finding: lower-case ``literals`` (found in any case) and regular
    expressions ``patterns`` ((pattern, re flags) pairs). Every finding of the rule lies in a
    document where at least one of them occurs."""

    literals: tuple[str, ...] = ()
    patterns: tuple[tuple[str, int], ...] = ()

    def find(self, text: str) -> list[tuple[int, int]] | None:
        """The candidate hits in ``text`` without a plan (a rule called on its own): the same
        answer as ``ScanPlan.scan`` gives for this rule."""
        if not enabled() or _case_special(text):
            return None
        low = text.lower()
        out = [(i, i + len(lit)) for lit in self.literals for i in find_all(low, lit)]
        for pat, flags in self.patterns:
            m = re.compile(pat, flags).search(text)
            if m is not None:
                out.append(m.span())
        out.sort()
        return out


def literal_triggers(literals: Iterable[str] | None) -> Triggers | None:
    """Triggers from required literals (``None``: there are none, the rule always runs)."""
    lits = tuple(sorted({x.lower() for x in literals or () if x}))
    return Triggers(literals=lits) if lits else None


def pattern_triggers(*patterns: re.Pattern[str]) -> Triggers | None:
    """Triggers of a rule whose every finding starts with a match of one of ``patterns``: for
    each, the literals every match holds (``qa.fastpath.required_literals``); ``None`` when
    one pattern has none."""
    from qa.fastpath import required_literals

    lits: set[str] = set()
    for p in patterns:
        got = required_literals(p)
        if not got:
            return None
        lits |= set(got)
    return literal_triggers(lits)


def _case_special(text: str) -> bool:
    return not text.isascii() and _SPECIAL_RE.search(text) is not None


# --------------------------------------------------------------------------- the plan
@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # "lit" | "re"
    pattern: str
    flags: int  # re flags of a regex entry (0 for a literal)


def _hs_literal(lit: str) -> bytes:
    """A literal as a Hyperscan expression: ASCII punctuation escaped as ``\\xHH``."""
    out = []
    for ch in lit:
        if ch.isascii() and not ch.isalnum():
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out).encode("utf-8")


def _on_match(i: int, a: int, b: int, _flags: int, out: list) -> None:
    out.append((i, a, b))


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
        self.loaded_from_cache = False
        self._local = threading.local()
        self._db = None
        self._auto = None
        self._regexes: list[tuple[int, re.Pattern[str]]] = []
        self._lit_ids: dict[str, int] = {}
        if backend == "hyperscan":
            self._db = self._load_or_compile(database, cache_dir)
        else:
            self._build_fallback()

    # ------------------------------------------------------------ building
    @classmethod
    def for_rules(cls, rules: Iterable, backend: str | None = None,
                  cache_dir: str | os.PathLike | None = None) -> "ScanPlan":
        """The plan for the triggers of ``rules`` (``Rule.triggers``; rules without are left out)."""
        backend = backend or default_backend()
        index: dict[_Entry, list[str]] = {}
        for r in rules:
            trig = getattr(r, "triggers", None)
            if trig is None or getattr(r, "corpus", False):
                continue
            mine = [_Entry("lit", lit, 0) for lit in trig.literals] + \
                   [_Entry("re", p, f) for p, f in trig.patterns]
            if not mine or (backend == "hyperscan" and not all(_hs_ok(e) for e in mine if e.kind == "re")):
                continue  # a trigger this backend cannot compile: the rule always runs
            for e in mine:
                index.setdefault(e, []).append(r.code)
        entries = sorted(index, key=lambda e: (e.kind, e.pattern, e.flags))
        owners = [tuple(sorted(set(index[e]))) for e in entries]
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
        if not self.entries:
            return None
        exprs, flags = [], []
        for e in self.entries:
            if e.kind == "lit":
                exprs.append(_hs_literal(e.pattern))
                flags.append(_LIT_FLAGS)
            else:
                exprs.append(e.pattern.encode("utf-8"))
                flags.append(_hs_flags(e))
        db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        return db

    def _load_or_compile(self, database: bytes | None, cache_dir) -> object:
        if not self.entries:
            return None
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
    def __getstate__(self) -> dict:
        return {"entries": self.entries, "owners": self.owners, "backend": self.backend,
                "database": _hs.dumpb(self._db) if self._db is not None else None}

    def __setstate__(self, state: Mapping) -> None:
        backend = state["backend"] if state["backend"] != "hyperscan" or _hs is not None else "fallback"
        self.__init__(state["entries"], state["owners"], backend, database=state["database"])  # type: ignore[misc]

    # ------------------------------------------------------------ scanning
    def scan(self, text: str) -> dict[str, list[tuple[int, int]]] | None:
        """Candidate hits per rule code, ``(start, end)`` in code points, ascending; a code with
        none is absent. ``None``: no answer for this text (case-special, or the scan is off)."""
        if not enabled() or _case_special(text):
            return None
        if not self.entries:
            return {}
        raw = self._scan_hs(text) if self._db is not None else self._scan_fallback(text)
        out: dict[str, list[tuple[int, int]]] = {}
        owners = self.owners
        for i, a, b in raw:
            for code in owners[i]:
                got = out.get(code)
                if got is None:
                    out[code] = [(a, b)]
                else:
                    got.append((a, b))
        for v in out.values():
            v.sort()
        return out

    def _scratch(self):
        s = getattr(self._local, "scratch", None)
        if s is None:
            s = self._local.scratch = _hs.Scratch(self._db)
        return s

    def _scan_hs(self, text: str) -> list[tuple[int, int, int]]:
        data = text.encode("utf-8", "surrogatepass")
        out: list[tuple[int, int, int]] = []
        self._db.scan(data, match_event_handler=_on_match, context=out, scratch=self._scratch())
        if not out or len(data) == len(text):
            return out
        return _to_code_points(data, out)

    def _scan_fallback(self, text: str) -> list[tuple[int, int, int]]:
        out: list[tuple[int, int, int]] = []
        if self._lit_ids:
            low = text.lower()
            if self._auto is not None:
                for e, (i, n) in self._auto.iter(low):
                    out.append((i, e - n + 1, e + 1))
            else:  # pragma: no cover - without pyahocorasick
                for lit, i in self._lit_ids.items():
                    out.extend((i, s, s + len(lit)) for s in find_all(low, lit))
        for i, rx in self._regexes:
            m = rx.search(text)
            if m is not None:
                out.append((i, m.start(), m.end()))
        return out


def _to_code_points(data: bytes, raw: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Byte offsets of UTF-8 ``data`` turned into code-point offsets: one numpy pass counts the
    bytes that start a character."""
    import numpy as np

    arr = np.frombuffer(data, dtype=np.uint8)
    starts = np.empty(len(arr) + 1, dtype=np.int64)
    starts[0] = 0
    np.cumsum((arr & 0xC0) != 0x80, out=starts[1:])
    flat = np.array(raw, dtype=np.int64)
    a = starts[flat[:, 1]].tolist()
    b = starts[flat[:, 2]].tolist()
    return [(i, x, y) for (i, _, _), x, y in zip(raw, a, b)]


if _hs is not None:
    _BASE = _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_UCP
    _LIT_FLAGS = _BASE | _hs.HS_FLAG_CASELESS | _hs.HS_FLAG_SOM_LEFTMOST
else:  # pragma: no cover
    _BASE = _LIT_FLAGS = 0


def _re_flags(e: _Entry) -> int:
    f = _BASE | _hs.HS_FLAG_SINGLEMATCH
    if e.flags & re.IGNORECASE:
        f |= _hs.HS_FLAG_CASELESS
    if e.flags & re.DOTALL:
        f |= _hs.HS_FLAG_DOTALL
    if e.flags & re.MULTILINE:
        f |= _hs.HS_FLAG_MULTILINE
    return f


_HS_MODE: dict[_Entry, int | None] = {}


def _hs_flags(e: _Entry) -> int:
    """Hyperscan flags for a regex entry: exact with the leftmost start, else prefilter mode."""
    _hs_ok(e)
    return _HS_MODE[e]  # type: ignore[return-value]


def _hs_ok(e: _Entry) -> bool:
    """Whether Hyperscan compiles the regex entry (exactly, else in prefilter mode)."""
    if e not in _HS_MODE:
        _HS_MODE[e] = None
        for f in (_re_flags(e) | _hs.HS_FLAG_SOM_LEFTMOST, _re_flags(e) | _hs.HS_FLAG_PREFILTER):
            try:
                _hs.Database(mode=_hs.HS_MODE_BLOCK).compile(expressions=[e.pattern.encode("utf-8")], ids=[0],
                                                             elements=1, flags=[f])
            except Exception:  # noqa: BLE001 - a construct Hyperscan lacks
                continue
            _HS_MODE[e] = f
            break
    return _HS_MODE[e] is not None


def _key(entries: Sequence[_Entry], owners: Sequence[tuple[str, ...]], backend: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    version = getattr(_hs, "__version__", "") if _hs is not None else ""
    h.update(f"qa-scan {FORMAT} {backend} {version}\n".encode())
    for e, o in zip(entries, owners):
        h.update(repr((e.kind, e.pattern, e.flags, o)).encode("utf-8", "surrogatepass"))
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


def _digest(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=16).digest()


def read_cached(path: Path, key: str) -> bytes | None:
    """The database bytes of a cache file, when its header names ``key`` and its digest holds."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 16 + 8 + 16
    if len(data) < head or not data.startswith(MAGIC):
        return None
    at = len(MAGIC)
    if data[at:at + 16] != bytes.fromhex(key):
        return None
    n = int.from_bytes(data[at + 16:at + 24], "big")
    blob = data[head:]
    if n != len(blob) or data[at + 24:head] != _digest(blob):
        return None
    return blob


def write_cached(path: Path, key: str, blob: bytes) -> None:
    """Best effort: a cache that cannot be written only costs a compilation."""
    from qa.fsutil import atomic_write_bytes

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_bytes(path, MAGIC + bytes.fromhex(key) + len(blob).to_bytes(8, "big") + _digest(blob) + blob)
    except OSError:
        pass


# --------------------------------------------------------------------------- a document's hits
_SLOT = threading.local()


def hits_for(doc, plan: ScanPlan | None = None) -> dict[str, list[tuple[int, int]]] | None:
    """The scan hits of ``doc`` (``ScanPlan.scan``), computed once per document with ``plan``
    and kept for the rules that read them (``candidates``). Without ``plan``: the hits kept for
    ``doc``, or ``None``."""
    slot = getattr(_SLOT, "v", None)
    if slot is not None and slot[0] is doc and (plan is None or slot[1] is plan):
        return slot[2]
    if plan is None:
        return None
    hits = plan.scan(doc.text)
    _SLOT.v = (doc, plan, hits)
    return hits


def candidates(doc, code: str, triggers: Triggers | None) -> list[tuple[int, int]] | None:
    """The candidate hits of rule ``code`` in ``doc``: from the document's scan when the
    engine made one for this rule, else searched here (``Triggers.find``); ``None`` when there
    is no answer (the rule scans the whole text)."""
    if triggers is None:
        return None
    slot = getattr(_SLOT, "v", None)
    if slot is not None and slot[0] is doc and code in slot[1].codes:
        hits = slot[2]
        return None if hits is None else hits.get(code, [])
    return triggers.find(doc.text)


def runs(rule, hits: Mapping[str, list] | None, plan: ScanPlan | None) -> bool:
    """Whether the engine runs ``rule`` on a document with scan ``hits``: always, unless the
    plan answers for it and found none of its triggers."""
    return hits is None or plan is None or rule.code not in plan.codes or rule.code in hits



# --------------------------------------------------------------------------- a rule's own regex
class RuleScanner(Scanner):
    """``qa.fastpath.Scanner`` for rule ``code`` whose triggers are ``pattern_triggers(pattern)``:
    the regex runs only near the occurrences the document's one scan found (``candidates``)."""

    def __init__(self, pattern: re.Pattern[str], code: str, literals: tuple[str, ...] | None = None,
                 max_reach: int = 1000) -> None:
        super().__init__(pattern, max_reach, register_literals=False)
        if literals is not None and self.literals is not None:  # literals known to be in every match
            self.literals = tuple(sorted({x.lower() for x in literals}))
        self.code = code
        self.triggers = literal_triggers(self.literals)

    def finditer(self, doc) -> Iterator[re.Match[str]]:
        if self.triggers is None:
            return self.pattern.finditer(doc.text)
        return self.near(doc, candidates(doc, self.code, self.triggers))


__all__ = ["RuleScanner", "ScanPlan", "Triggers", "candidates", "default_backend", "hits_for", "hyperscan_available",
           "literal_triggers", "pattern_triggers", "runs"]
