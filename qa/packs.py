"""YAML rule packs: data that compiles to ``Rule`` objects.

A pack file::

    pack: core-en               # a name for messages
    defaults: {kind: phrases, severity: warning, category: boilerplate}
    rules:
      - code: BP101
        name: ui-label-line
        summary: One-line summary without a final period
        doc: |                  # Markdown: what, why, how to fix
          ...
        message: "UI label '{match}' left by the scraper"
        phrases: [close, menu]  # kind-specific keys
        examples:
          - bad: "Text.\\n[[Close]]\\nMore text."
            fixed: "Text.\\nMore text."
          - good: "They close the shop at nine."

Each ``kind`` is a builder registered with ``register_kind``; it receives the rule's mapping
(defaults merged in) and returns the check function. Unknown keys are errors, every pattern is
compiled at load time, and every error names the file, the rule code and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import yaml

from qa.model import Applicability, CheckFn, Edit, Example, Fix, Hit, Rule, Severity, bad, good

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.document import Document


class PackError(ValueError):
    def __init__(self, path: Path | str, code: str, fld: str, message: str) -> None:
        super().__init__(f"{path}: {code}.{fld}: {message}" if fld else f"{path}: {code}: {message}")
        self.path, self.code, self.field = str(path), code, fld


#: keys every pack rule may have, whatever its kind
COMMON_KEYS = frozenset(
    {"code", "name", "category", "summary", "severity", "kind", "doc", "why", "fix_safety",
     "references", "examples", "message", "suggestion", "fix", "options", "confidence"}
)

KindBuilder = Callable[[Mapping[str, object], "PackContext"], CheckFn]
_KINDS: dict[str, tuple[KindBuilder, frozenset[str]]] = {}


def register_kind(name: str, keys: Iterable[str]) -> Callable[[KindBuilder], KindBuilder]:
    """Register a pack kind: a builder and the extra keys its rules may use."""

    def deco(fn: KindBuilder) -> KindBuilder:
        _KINDS[name] = (fn, frozenset(keys))
        return fn

    return deco


#: whether the fragments of the packs shipped with qa are compiled one by one too (their error
#: messages name the fragment at fault); the shipped packs are checked so by the test suite
#: (``tests/test_startup.py``), and a run skips it: a fifth of the start-up of a one-file run
CHECK_BUNDLED_FRAGMENTS = False


class PackContext:
    """What a kind builder may need: the pack file (for errors and relative lexicon paths)."""

    def __init__(self, path: Path, code: str, check_fragments: bool = True) -> None:
        self.path, self.code = path, code
        self.check_fragments = check_fragments

    def error(self, fld: str, message: str) -> PackError:
        return PackError(self.path, self.code, fld, message)

    def compile(self, fld: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            raise self.error(fld, f"bad regular expression {pattern!r}: {exc}") from None

    def check_fragment(self, fld: str, pattern: str, flags: int = 0) -> None:
        """A fragment that a larger pattern combines must compile on its own: checked in a pack
        of the user's (the error names the fragment), not in one shipped with qa."""
        if self.check_fragments:
            self.compile(fld, pattern, flags)

    def lexicon(self, fld: str, value: object) -> list[str]:
        """A list given inline, or ``{file: name.txt}`` relative to the pack (one entry a line)."""
        if isinstance(value, list):
            return [str(v) for v in value]
        if isinstance(value, Mapping) and "file" in value:
            p = (self.path.parent / str(value["file"])).resolve()
            try:
                lines = p.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise self.error(fld, f"cannot read lexicon {p.name}: {exc}") from None
            return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        raise self.error(fld, "expected a list or {file: NAME}")


#: libyaml's safe loader when PyYAML was built with it (the same documents, ten times faster),
#: else the pure-Python one
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: bounds for one pack file: its size, and the number of YAML nodes it stands for once every
#: alias is expanded (a "billion laughs" of a few hundred bytes stands for 10^9 nodes)
MAX_PACK_BYTES = 8 * 1024 * 1024
MAX_PACK_NODES = 1_000_000


def _expanded_nodes(root: yaml.Node, limit: int) -> int:
    """How many nodes ``root`` stands for with every alias expanded, counted without expanding
    (a shared node is counted once per reference, from a memo); stops past ``limit``. A node
    that contains itself is a ``ValueError``."""
    memo: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        k = id(node)
        if done:
            active.discard(k)
            if isinstance(node, yaml.SequenceNode):
                kids: list[yaml.Node] = list(node.value)
            elif isinstance(node, yaml.MappingNode):
                kids = [x for pair in node.value for x in pair]
            else:
                kids = []
            memo[k] = min(limit + 1, 1 + sum(memo[id(c)] for c in kids))
            continue
        if k in memo:
            continue
        if k in active:
            raise ValueError("an alias refers to a node that contains it")
        active.add(k)
        stack.append((node, True))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((c, False) for c in reversed(node.value) if id(c) not in memo)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((c, False) for pair in reversed(node.value) for c in pair if id(c) not in memo)
    return memo[id(root)]


def _load_yaml(path: Path) -> object:
    """The pack's data, with its size and alias expansion bounded (``PackError`` past them)."""
    try:
        size = path.stat().st_size
        if size > MAX_PACK_BYTES:
            raise PackError(path, "-", "", f"pack file is {size} bytes, more than the limit of {MAX_PACK_BYTES}")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(path, "-", "", f"cannot load pack: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise PackError(path, "-", "", f"cannot load pack: {exc}") from None
    loader = _SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            n = _expanded_nodes(node, MAX_PACK_NODES)
        except ValueError as exc:
            raise PackError(path, "-", "", f"cannot load pack: {exc}") from None
        if n > MAX_PACK_NODES:
            raise PackError(path, "-", "", f"cannot load pack: its aliases expand to more than {MAX_PACK_NODES:,} "
                                           "YAML nodes (an alias bomb?)")
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise PackError(path, "-", "", f"cannot load pack: {exc}") from None
    finally:
        loader.dispose()


def _load_kinds() -> None:
    import qa.kinds  # noqa: F401  (registers the built-in kinds)


def load_packs(dirs: Iterable[Path]) -> list[Rule]:
    _load_kinds()
    rules: list[Rule] = []
    for d in dirs:
        files = sorted(d.rglob("*.yaml")) + sorted(d.rglob("*.yml")) if d.is_dir() else [d]
        if not files:
            raise PackError(d, "-", "", "the pack folder holds no .yaml or .yml file")
        for f in files:
            if f.name == "evidence.yaml" and d.is_dir():  # measured rule evidence (qa.evidence), not a pack
                continue
            rules.extend(load_pack(f))
    return rules


def load_pack(path: Path) -> list[Rule]:
    _load_kinds()
    data = _load_yaml(path)
    if not isinstance(data, Mapping) or "rules" not in data:
        raise PackError(path, "-", "", "a pack is a mapping with a 'rules' list")
    unknown = set(data) - {"pack", "lang", "defaults", "rules", "description"}
    if unknown:
        raise PackError(path, "-", "", f"unknown top-level keys {sorted(unknown)}")
    defaults = dict(data.get("defaults") or {})
    out: list[Rule] = []
    for i, raw in enumerate(data["rules"] or []):
        if not isinstance(raw, Mapping):
            raise PackError(path, f"rules[{i}]", "", "each rule is a mapping")
        spec = {**defaults, **raw}
        out.append(_build_rule(path, spec))
    return out


def _bundled(path: Path) -> bool:
    """Whether ``path`` is a pack shipped with qa."""
    from qa.ruledata import default_pack_dirs

    try:
        resolved = path.resolve()
    except OSError:
        return False
    return any(resolved.is_relative_to(d.resolve()) for d in default_pack_dirs())


def _build_rule(path: Path, spec: Mapping[str, object]) -> Rule:
    code = str(spec.get("code", "?"))
    ctx = PackContext(path, code, check_fragments=CHECK_BUNDLED_FRAGMENTS or not _bundled(path))
    kind = str(spec.get("kind", ""))
    if kind not in _KINDS:
        raise ctx.error("kind", f"unknown kind {kind!r}; known: {sorted(_KINDS)}")
    builder, extra = _KINDS[kind]
    unknown = set(spec) - COMMON_KEYS - extra
    if unknown:
        raise ctx.error(sorted(unknown)[0], f"unknown key(s) {sorted(unknown)} for kind {kind}")
    for req in ("code", "name", "category", "summary"):
        if not spec.get(req):
            raise ctx.error(req, "is required")
    try:
        severity = Severity(str(spec.get("severity", "warning")))
    except ValueError:
        raise ctx.error("severity", "must be error, warning or info") from None
    check = builder(spec, ctx)
    examples = _examples(ctx, spec.get("examples") or [])
    doc_parts = [str(spec.get("doc") or spec.get("why") or "").strip()]
    if spec.get("fix_safety"):
        doc_parts.append("## Fix safety\n" + str(spec["fix_safety"]).strip())
    refs = spec.get("references") or []
    if refs:
        doc_parts.append("## References\n" + "\n".join(f"- {r}" for r in refs))  # type: ignore[union-attr]
    rule = Rule(
        code=code,
        name=str(spec["name"]),
        category=str(spec["category"]),
        summary=str(spec["summary"]),
        check=check,
        severity=severity,
        fixable=bool(spec.get("fix")) or bool(getattr(check, "fixable", False)),
        doc="\n\n".join(p for p in doc_parts if p),
        examples=examples,
        options=dict(spec.get("options") or {}),  # type: ignore[arg-type]
        source=f"rules/{path.parent.name}/{path.name}#{code}",
        triggers=getattr(check, "triggers", None),  # what can start a finding (qa.scan), set by the kind
    )
    try:
        rule.validate()
    except ValueError as exc:
        raise ctx.error("", str(exc)) from None
    return rule


def _examples(ctx: PackContext, raw: object) -> tuple[Example, ...]:
    if not isinstance(raw, list):
        raise ctx.error("examples", "must be a list")
    out: list[Example] = []
    for i, ex in enumerate(raw):
        if not isinstance(ex, Mapping):
            raise ctx.error(f"examples[{i}]", "must be a mapping")
        try:
            if "bad" in ex:
                out.append(bad(str(ex["bad"]), fixed=ex.get("fixed"), note=str(ex.get("note", ""))))
            elif "good" in ex:
                out.append(good(str(ex["good"]), note=str(ex.get("note", ""))))
            else:
                raise ValueError("an example is {bad: TEXT} or {good: TEXT}")
        except ValueError as exc:
            raise ctx.error(f"examples[{i}]", str(exc)) from None
    return tuple(out)


# --------------------------------------------------------------------------- helpers for kinds
def fix_from_spec(
    ctx: PackContext, spec: Mapping[str, object], start: int, end: int, replacement: str = ""
) -> Fix | None:
    fx = spec.get("fix")
    if not fx:
        return None
    if not isinstance(fx, Mapping):
        raise ctx.error("fix", "must be a mapping")
    try:
        app = Applicability(str(fx.get("applicability", "safe")))
    except ValueError:
        raise ctx.error("fix.applicability", "must be safe or unsafe") from None
    action = str(fx.get("action", "delete"))
    if action == "delete":
        return Fix((Edit(start, end, ""),), app, str(fx.get("title", "Delete the text")))
    if action == "replace":
        return Fix((Edit(start, end, replacement),), app, f"Replace with '{replacement}'")
    raise ctx.error("fix.action", f"unknown action {action!r}")


def format_message(template: str, **values: object) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def line_extent(doc: Document, start: int, end: int) -> tuple[int, int]:
    """Extend [start, end) to whole lines, including one trailing line break."""
    text = doc.text
    a = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    m = re.compile(r"\r\n|\r|\n").search(text, end)
    b = m.end() if m else len(text)
    return a, b


def iter_phrase_hits(
    doc: Document, pattern: re.Pattern[str]
) -> Iterator[re.Match[str]]:
    return pattern.finditer(doc.text)


__all__ = [
    "Hit",
    "PackContext",
    "PackError",
    "fix_from_spec",
    "format_message",
    "line_extent",
    "load_pack",
    "load_packs",
    "register_kind",
]
