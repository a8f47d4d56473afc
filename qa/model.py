"""Core value types: spans, edits, fixes, hits, findings, examples and rules.

Everything downstream of the rule registry (engine, reporters, cleaner, docs, tests) sees only
these objects. They are frozen dataclasses so a finding can never be changed after a rule made it.
"""

from __future__ import annotations

import dataclasses
import re
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from qa.document import Document
    from qa.scan import Triggers


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEV_RANK[self.value]


_SEV_RANK = {"info": 0, "warning": 1, "error": 2}


class Applicability(StrEnum):
    SAFE = "safe"  # meaning-preserving; applied by `qa clean`
    UNSAFE = "unsafe"  # applied only with --unsafe-fixes


#: The fixed category vocabulary. A rule outside it does not load. ``internal`` is qa's own:
#: ``QA000`` (a rule crashed or ran out of time) and no rule may claim it.
CATEGORIES: tuple[str, ...] = (
    "encoding",
    "whitespace",
    "punctuation",
    "boilerplate",
    "metadata",
    "mistranslation",
    "pronoun",
    "fragment",
    "grammar",
    "language",
    "duplicate",
    "internal",
)
#: the category of ``QA000`` findings (``qa.engine.crash_finding``)
INTERNAL_CATEGORY = "internal"

def fast_init(cls: type) -> type:
    """Give the frozen slots dataclass ``cls`` an ``__init__`` that sets each field through its
    slot's descriptor (one C call a field) instead of the generated ``object.__setattr__(self,
    name, value)`` (a global and an attribute lookup, then a call, a field): the same parameters,
    defaults and instance, made in about half the time. Rules make a hit, an edit and a fix per
    finding, and the engine a finding per hit."""
    fields = dataclasses.fields(cls)
    env: dict[str, object] = {}
    params, body = [], []
    for f in fields:
        if not f.init or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: fast_init takes plain fields with plain defaults")
        slot = getattr(cls, f.name, None)  # (on the class, a slot is its member descriptor)
        if not isinstance(slot, types.MemberDescriptorType):
            raise TypeError(f"{cls.__name__}.{f.name}: fast_init takes a slots dataclass")
        env[f"_set_{f.name}"] = slot.__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            env[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"        _set_{f.name}(self, {f.name})")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: fast_init does not call __post_init__")
    src = (f"def make({', '.join(env)}):\n"
           f"    def __init__(self, {', '.join(params)}):\n" + "\n".join(body) + "\n    return __init__\n")
    ns: dict[str, object] = {}
    exec(src, {}, ns)  # noqa: S102 - source made here from the field names only
    init = ns["make"](**env)  # type: ignore[operator]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[misc]
    return cls


CODE_RE = re.compile(r"^[A-Z]{2,4}\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@fast_init
@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    replacement: str = ""

    def to_json(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}

    def __reduce__(self):  # pickling by constructor arguments: much faster than slots state
        return (Edit, (self.start, self.end, self.replacement))


@fast_init
@dataclass(frozen=True, slots=True)
class Fix:
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    title: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "applicability": str(self.applicability),
            "title": self.title,
            "edits": [e.to_json() for e in self.edits],
        }

    def __reduce__(self):
        return (Fix, (self.edits, self.applicability, self.title))


@fast_init
@dataclass(frozen=True, slots=True)
class Hit:
    """What a check yields. It knows nothing of codes or severities: the engine adds those."""

    start: int
    end: int
    message: str
    suggestion: str | None = None
    fix: Fix | None = None
    confidence: float = 1.0
    severity: Severity | None = None  # a check may lower/raise severity for one hit
    #: which of the rule's conditions fired (e.g. "prose-line"): measured apart in rules/evidence.yaml
    condition: str | None = None
    #: document-level facts a finding carries for the outputs, as (key, value) pairs (the
    #: duplicate rules: the cluster, the earlier document, the similarity)
    data: tuple[tuple[str, object], ...] | None = None
    source_span: tuple[int, int] | None = None  # bilingual documents: the span in the source text

    def __reduce__(self):
        return (Hit, (self.start, self.end, self.message, self.suggestion, self.fix, self.confidence, self.severity,
                      self.condition, self.data, self.source_span))


@fast_init
@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    category: str
    severity: Severity
    start: int
    end: int
    message: str
    suggestion: str | None = None
    fix: Fix | None = None
    #: the rule's (or rule-and-condition's) measured precision (``rules/evidence.yaml``); None: not measured
    confidence: float | None = 1.0
    condition: str | None = None  # the hit's condition, when the rule declares conditions
    data: tuple[tuple[str, object], ...] | None = None  # see Hit.data
    #: bilingual documents: the segment id, and the finding's span in the source text (if any)
    segment: str | None = None
    source_start: int | None = None
    source_end: int | None = None

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.rule)

    def __reduce__(self):  # results cross processes (workers, cache): keep pickling cheap
        return (Finding, (self.rule, self.name, self.category, self.severity, self.start, self.end,
                          self.message, self.suggestion, self.fix, self.confidence, self.condition, self.data,
                          self.segment, self.source_start, self.source_end))


@dataclass(frozen=True, slots=True)
class Example:
    kind: str  # "bad" | "good"
    text: str  # plain text (markup removed)
    spans: tuple[tuple[int, int], ...] = ()  # spans a bad example must report
    fixed: str | None = None  # full text after applying this rule's fixes
    note: str = ""


_MARK_RE = re.compile(r"\[\[(.*?)\]\]", re.S)


def parse_marked(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Turn ``"a [[b]] c"`` into ``("a b c", ((2, 3),))``."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    length = 0
    for m in _MARK_RE.finditer(text):
        before = text[pos : m.start()]
        out.append(before)
        length += len(before)
        inner = m.group(1)
        spans.append((length, length + len(inner)))
        out.append(inner)
        length += len(inner)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), tuple(spans)


def bad(text: str, fixed: str | None = None, note: str = "") -> Example:
    plain, spans = parse_marked(text)
    if not spans:
        raise ValueError(f"bad example needs a [[...]] span: {text!r}")
    return Example("bad", plain, spans, fixed, note)


def good(text: str, note: str = "") -> Example:
    return Example("good", text, (), None, note)


CheckFn = Callable[["Document", Mapping[str, object]], Iterable[Hit]]
CollectFn = Callable[["Document", Mapping[str, object]], object]
FinalizeFn = Callable[[list[object], Mapping[str, object]], list[list[Hit]]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    category: str
    summary: str
    check: CheckFn
    severity: Severity = Severity.WARNING
    fixable: bool = False
    doc: str = ""  # Markdown: what, why, how to fix
    examples: tuple[Example, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)
    source: str = ""
    # corpus scope: collect() runs per document (in workers), finalize() once over all collected
    # values (in the parent) and returns, per document in input order, the hits for it.
    collect: CollectFn | None = None
    finalize: FinalizeFn | None = None
    #: what can start a finding (``qa.scan.Triggers``): the engine skips the rule on a document
    #: where none occurs; ``None``: the rule always runs
    triggers: "Triggers | None" = None

    @property
    def corpus(self) -> bool:
        return self.collect is not None

    def validate(self) -> None:
        if not CODE_RE.match(self.code):
            raise ValueError(f"rule code {self.code!r} must be a family prefix and three digits")
        if not NAME_RE.match(self.name):
            raise ValueError(f"{self.code}: name {self.name!r} must be kebab-case")
        if self.category not in CATEGORIES or self.category == INTERNAL_CATEGORY:
            raise ValueError(f"{self.code}: category {self.category!r} not in "
                             f"{tuple(c for c in CATEGORIES if c != INTERNAL_CATEGORY)}")
        if not self.summary:
            raise ValueError(f"{self.code}: summary is empty")


@dataclass(slots=True)
class FileResult:
    path: str
    id: str
    doc: "Document | None"
    findings: list[Finding]
    language: str | None = None
    score: float = 100.0
    verdict: str = "pass"
    error: str | None = None
    meta: Mapping[str, object] = field(default_factory=dict)
    n_sentences: int = 0
    #: JSON Lines text of findings, rendered where the document was checked (a worker process),
    #: so that the parent only joins them (``qa.report.jsonl.dumps``): (findings, their texts)
    rendered: "tuple[list[Finding], list[str]] | None" = field(default=None, repr=False, compare=False)
    #: the text as ``qa clean`` writes it and its edits (``qa.fixes.CleanResult``), made where the
    #: document was checked when the HTML report is asked for (``RunOptions.cleaned``); else None
    cleaned: object | None = field(default=None, repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.rule] = out.get(f.rule, 0) + 1
        return dict(sorted(out.items()))

    @property
    def category_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.category] = out.get(f.category, 0) + 1
        return dict(sorted(out.items()))

    @property
    def severity_counts(self) -> dict[str, int]:
        """Findings per severity (``"error"``, ``"warning"``, ``"info"``; absent when none)."""
        out: dict[str, int] = {}
        for f in self.findings:
            k = str(f.severity)
            out[k] = out.get(k, 0) + 1
        return dict(sorted(out.items()))
