"""The facts of one document, each computed at most once: ``facts_of(doc)`` (the same object as
``doc.facts``).

A ``Facts`` object is read-only from outside (assigning an attribute raises) and has a fixed set
of typed slots, so every per-document value a rule shares with another rule is declared here,
by name and type, instead of being stored on the document under a private key:

* the segmentations of ``qa.document`` (``lines``, ``line_starts``, ``words``, ``sentences``,
  ``paragraphs``), read through the facts so that rules have one place to look;
* ``lower``: the lower-cased text;
* ``language``: language ID of the whole text (``qa.language.detect``), made once per document;
* values that rule modules compute and share between rules: they fill a declared slot on first
  use with ``facts.once(name, compute)``, which runs ``compute()`` only when the slot is empty.
  ``compute`` is given by the module that owns the value (so this module imports no rule
  module); see the slot comments for who fills what.

Facts hold no state outside the document: nothing here fills a process-wide table. Pickling a
``Facts`` keeps only its document (the values are computed again where they are needed). The
facts refer to their document weakly (the document holds them): a document is freed as soon as
its last reference goes.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from qa.document import Document, Span

T = TypeVar("T")

#: the slots filled with ``Facts.once`` (name -> what it holds and which module fills it)
SHARED = {
    "not_english": "bool: the document is clearly not in English (qa.scope)",
    "scan_hits": "dict[ScanPlan, ScanHits | None]: the document's one scan of every selected rule's triggers, "
                 "per scan plan that made one (qa.scan.hits_for; the rules read it through qa.scan.candidates)",
    "language_ids": "LanguageIds: language ID of the document's texts, each identified once (qa.language)",
    "en_function_sample": "tuple[list[int], int]: English function words of the first characters (qa.scope)",
    "dup_collect": "dict[int, tuple[str, int | None, bytes]]: name, text hash and MinHash signature "
                   "per min_words option (qa.checks.duplicate)",
    "literal_starts": "dict[str, list[int]]: start offsets of case-sensitive literals (qa.checks.mt_fluency)",
    "layout": "Layout: the page layout of the lines (qa.checks.boilerplate_layout)",
    "layout_line_starts": "tuple[list[LineInfo], list[int]]: the layout's line starts, with the list of "
                          "lines they describe (qa.checks.boilerplate_layout)",
    "src_numbers": "dict[tuple[int, int], object]: number differences per bilingual segment "
                   "(qa.checks.bilingual)",
    "irregular_pasts": "list[re.Match]: the irregular simple pasts after a space or a line break (qa.checks.grammar)",
    "determiner_hits": "list[tuple]: determiner-agreement candidates (qa.checks.grammar)",
    "subject_verb_hits": "list[tuple]: subject-verb agreement candidates (qa.checks.grammar)",
    "mojibake_regions": "list[Region]: mojibake regions in text order (qa.encoding)",
}


class FactClock:
    """Where ``qa check --profile-rules`` times its rules: the seconds spent computing each shared
    fact, added to ``seconds`` under ``(fact NAME)``, each the fact's own (a fact computed inside
    another is kept out of the outer one's time). ``outer`` sums the time of the facts computed
    outside any other; a timed rule takes the growth of ``outer`` while it ran out of its own
    time, so the page layout, which twenty rules read, is not charged to the first of them."""

    __slots__ = ("seconds", "outer", "_inner", "_timer")

    def __init__(self, seconds: dict[str, float], timer: Callable[[], float] = time.perf_counter) -> None:
        self.seconds = seconds
        self.outer = 0.0
        self._inner: list[float] = []  # per fact being computed: the time of the facts inside it
        self._timer = timer  # (the clock of the rules' times: wall, or CPU time in the benchmark)

    def run(self, name: str, compute: Callable[[], T]) -> T:
        inner = self._inner
        inner.append(0.0)
        timer = self._timer
        t = timer()
        try:
            return compute()
        finally:
            total = timer() - t
            key = f"(fact {name})"
            self.seconds[key] = self.seconds.get(key, 0.0) + total - inner.pop()
            if inner:
                inner[-1] += total
            else:
                self.outer += total


#: the clock of a run that times its rules (``set_fact_clock``), else None
_clock: FactClock | None = None


def set_fact_clock(clock: FactClock | None) -> None:
    """Time the facts computed in this process from now on with ``clock`` (None: stop)."""
    global _clock
    _clock = clock


def fact_clock() -> FactClock | None:
    """The clock set by ``set_fact_clock``, if any."""
    return _clock


def fact_mark(timer: Callable[[], float] = time.perf_counter) -> tuple[float, float]:
    """Now (``timer()``) and the fact time counted so far: where ``own_time`` measures from."""
    return timer(), _clock.outer if _clock is not None else 0.0


def own_time(mark: tuple[float, float], timer: Callable[[], float] = time.perf_counter) -> float:
    """Seconds since ``mark`` (``fact_mark``, the same ``timer``) less those of the shared facts
    computed meanwhile, which the fact clock puts on rows of their own."""
    t, facts_before = mark
    facts = _clock.outer - facts_before if _clock is not None else 0.0
    return timer() - t - facts


def _computed(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, timed as the fact ``name`` while a fact clock is set."""
    return compute() if _clock is None else _clock.run(name, compute)


class Facts:
    """Per-document facts, each computed at most once (see the module docstring)."""

    __slots__ = ("_doc", "_lower", "_language", *SHARED)

    _lower: str
    _language: tuple[str | None, float]
    not_english: bool
    scan_hits: dict[Any, Any]
    dup_collect: dict[int, tuple[str, int | None, bytes]]
    literal_starts: dict[str, list[int]]
    layout: Any
    layout_line_starts: tuple[list[Any], list[int]]
    src_numbers: dict[tuple[int, int], Any]
    irregular_pasts: list[Any]
    determiner_hits: list[tuple]
    subject_verb_hits: list[tuple]
    mojibake_regions: list[Any]

    def __init__(self, doc: Document) -> None:
        # a weak reference: the document holds its facts, so a strong one back would make every
        # document a reference cycle, freed only by the cyclic garbage collector (with all its
        # spans) instead of when its last reference goes
        object.__setattr__(self, "_doc", weakref.ref(doc))

    @property
    def doc(self) -> Document:
        doc = self._doc()
        if doc is None:
            raise ReferenceError("the document of these facts is gone (keep the document, not only its facts)")
        return doc

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"document facts are read-only (use Facts.once to fill {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("document facts are read-only")

    def __reduce__(self):
        return (Facts, (self.doc,))

    def __repr__(self) -> str:
        known = [n for n in self.__slots__[1:] if self.has(n)]
        return f"Facts({self.doc.id!r}, computed={known})"

    # ------------------------------------------------------------------ filling
    def has(self, name: str) -> bool:
        """Whether the slot ``name`` holds a value already."""
        try:
            getattr(self, name)
        except AttributeError:
            return False
        return True

    def once(self, name: str, compute: Callable[[], T]) -> T:
        """The value of the slot ``name``; ``compute()`` fills it if it is empty. ``name`` must be
        one of ``SHARED`` (an unknown name raises ``AttributeError``)."""
        try:
            return getattr(self, name)  # type: ignore[no-any-return]
        except AttributeError:
            if name not in SHARED:
                raise AttributeError(f"{name!r} is not a shared document fact (see qa.facts.SHARED)") from None
        value = _computed(name, compute)
        object.__setattr__(self, name, value)
        return value

    # ------------------------------------------------------------------ the document's own facts
    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def lower(self) -> str:
        """The lower-cased text (``str.lower``: a few characters change length, so offsets into
        it match the text's only where ``len(lower) == len(text)``)."""
        try:
            return self._lower
        except AttributeError:
            value = _computed("lower", self.doc.text.lower)
            object.__setattr__(self, "_lower", value)
            return value

    @property
    def lines(self) -> list[Span]:
        return self.doc.lines

    @property
    def line_starts(self) -> list[int]:
        return self.doc.line_starts

    @property
    def paragraphs(self) -> list[Span]:
        return self.doc.paragraphs

    @property
    def sentences(self) -> list[Span]:
        return self.doc.sentences

    @property
    def words(self) -> list[Span]:
        return self.doc.words

    @property
    def language(self) -> tuple[str | None, float]:
        """``qa.language.detect(text)`` for the whole text: (language code or None, probability)."""
        try:
            return self._language
        except AttributeError:
            from qa.language import ids_of  # loads the language model only when a rule asks

            doc = self.doc
            value = _computed("language", lambda: ids_of(doc).detect(doc.text))
            object.__setattr__(self, "_language", value)
            return value


def facts_of(doc: Document) -> Facts:
    """The facts of ``doc`` (made on first use and kept with the document)."""
    return doc.facts
