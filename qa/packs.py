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
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from qa.lazyre import LazyPattern, lazy_compile
from qa.model import Applicability, CheckFn, Edit, Example, Fix, Hit, Rule, Severity, bad, good
from qa.scan import Triggers

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import yaml

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

    def __init__(self, path: Path, code: str, check_fragments: bool = True, lazy: bool = False) -> None:
        self.path, self.code = path, code
        self.check_fragments = check_fragments
        #: patterns compile on first use (``qa.lazyre``): the check of a rule read from the folder
        #: cache, whose patterns all compiled when the cache was written
        self.lazy = lazy

    def error(self, fld: str, message: str) -> PackError:
        return PackError(self.path, self.code, fld, message)

    def compile(self, fld: str, pattern: str, flags: int = 0) -> "re.Pattern[str] | LazyPattern":
        if self.lazy:
            return lazy_compile(pattern, flags)
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


def _yaml():
    """PyYAML, imported when a pack is read from its YAML (a run whose packs come from the folder
    cache does not import it)."""
    import yaml

    return yaml


def _safe_loader(yaml):  # noqa: ANN001, ANN202
    """libyaml's safe loader when PyYAML was built with it (the same documents, ten times faster),
    else the pure-Python one."""
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: bounds for one pack file: its size, and the number of YAML nodes it stands for once every
#: alias is expanded (a "billion laughs" of a few hundred bytes stands for 10^9 nodes)
MAX_PACK_BYTES = 8 * 1024 * 1024
MAX_PACK_NODES = 1_000_000


def _expanded_nodes(root: yaml.Node, limit: int) -> int:
    """How many nodes ``root`` stands for with every alias expanded, counted without expanding
    (a shared node is counted once per reference, from a memo); stops past ``limit``. A node
    that contains itself is a ``ValueError``."""
    yaml = _yaml()
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
    yaml = _yaml()
    loader = _safe_loader(yaml)(text)
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
    rules: list[Rule] = []
    for d in dirs:
        if d.is_dir():
            got = _cached_folder(d)
            if got is not None:  # the folder's packs as last built, their checks built on first call
                rules.extend(got)
                continue
        _load_kinds()
        files = sorted(d.rglob("*.yaml")) + sorted(d.rglob("*.yml")) if d.is_dir() else [d]
        if not files:
            raise PackError(d, "-", "", "the pack folder holds no .yaml or .yml file")
        built: list[tuple[Path, list[tuple[Mapping[str, object], Rule]]]] = []
        for f in files:
            if f.name == "evidence.yaml" and d.is_dir():  # measured rule evidence (qa.evidence), not a pack
                continue
            pairs = [(spec, _build_rule(f, spec)) for spec in _pack_specs(f)]
            built.append((f, pairs))
            rules.extend(r for _, r in pairs)
        if d.is_dir():
            _store_folder(d, built)
    return rules


def load_pack(path: Path) -> list[Rule]:
    _load_kinds()
    return [_build_rule(path, spec) for spec in _pack_specs(path)]


def _pack_specs(path: Path) -> list[dict[str, object]]:
    """The rules of a pack file as mappings, its defaults merged in (the file's shape checked)."""
    data = _load_yaml(path)
    if not isinstance(data, Mapping) or "rules" not in data:
        raise PackError(path, "-", "", "a pack is a mapping with a 'rules' list")
    unknown = set(data) - {"pack", "lang", "defaults", "rules", "description"}
    if unknown:
        raise PackError(path, "-", "", f"unknown top-level keys {sorted(unknown)}")
    defaults = dict(data.get("defaults") or {})
    out: list[dict[str, object]] = []
    for i, raw in enumerate(data["rules"] or []):
        if not isinstance(raw, Mapping):
            raise PackError(path, f"rules[{i}]", "", "each rule is a mapping")
        out.append({**defaults, **raw})
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
        Severity(str(spec.get("severity", "warning")))
    except ValueError:
        raise ctx.error("severity", "must be error, warning or info") from None
    check = builder(spec, ctx)
    return _make_rule(ctx, spec, check, bool(getattr(check, "fixable", False)), getattr(check, "triggers", None))


def _make_rule(ctx: PackContext, spec: Mapping[str, object], check: CheckFn, check_fixable: bool,
               triggers: Triggers | None) -> Rule:
    """The ``Rule`` of a checked spec and its check (built, or ``_LazyCheck``)."""
    path, code = ctx.path, ctx.code
    severity = Severity(str(spec.get("severity", "warning")))
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
        fixable=bool(spec.get("fix")) or check_fixable,
        doc="\n\n".join(p for p in doc_parts if p),
        examples=examples,
        options=dict(spec.get("options") or {}),  # type: ignore[arg-type]
        source=f"rules/{path.parent.name}/{path.name}#{code}",
        triggers=triggers,  # what can start a finding (qa.scan), set by the kind
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


# --------------------------------------------------------------------------- the folder cache
#: part of the cache key: bump it when what a cache file holds or how it is read changes
PACK_CACHE_FORMAT = 1


class _LazyCheck:
    """The check of a pack rule read from the folder cache: built by its kind on its first call
    (inside ``qa.guard.untimed()``, as a model is loaded), so a run builds only the rules the scan
    finds a candidate for. ``fixable`` and ``triggers`` are what the built check had when the
    cache was written; ``__wrapped__`` is the built check (``inspect.unwrap``)."""

    def __init__(self, path: Path, spec: Mapping[str, object], fixable: bool, triggers: Triggers | None) -> None:
        self._path, self._spec = path, spec
        self.fixable, self.triggers = fixable, triggers
        self._fn: CheckFn | None = None
        self._lock = threading.Lock()

    def built(self) -> CheckFn:
        fn = self._fn
        if fn is None:
            from qa.guard import untimed

            with self._lock, untimed():
                if self._fn is None:
                    _load_kinds()
                    code = str(self._spec.get("code", "?"))
                    builder = _KINDS[str(self._spec.get("kind", ""))][0]
                    self._fn = builder(self._spec, PackContext(self._path, code, check_fragments=False, lazy=True))
                fn = self._fn
        return fn

    @property
    def __wrapped__(self) -> CheckFn:
        return self.built()

    def __call__(self, doc: Document, opts: Mapping[str, object]) -> Iterable[Hit]:
        return self.built()(doc, opts)


def _folder_key(d: Path) -> str:
    """What the packs of folder ``d`` are built from: every file of the folder and of the qa
    package (the kinds, the literal and trigger code), qa's, Python's and PyYAML's versions."""
    import hashlib
    import sys

    from qa.cache import tree_digest
    from qa.fastpath import ENABLED
    from qa.version import __version__

    h = hashlib.blake2b(digest_size=16)
    h.update(f"qa packs {PACK_CACHE_FORMAT} qa {__version__} py {sys.version_info[:3]} yaml {_yaml_version()} "
             f"fastpath {ENABLED}\n".encode())
    h.update(tree_digest(Path(__file__).resolve().parent, once=True))
    h.update(b"\0" + str(d.resolve()).encode("utf-8", "surrogateescape") + b"\0")
    h.update(tree_digest(d.resolve()))
    return h.hexdigest()


def _yaml_version() -> str:
    """PyYAML's version, read from its package without importing it (``__init__.py`` holds it)."""
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec("yaml")
    if spec is None or not spec.origin:
        return "-"
    with open(spec.origin, "rb") as fh:
        return hashlib.blake2b(fh.read(), digest_size=8).hexdigest()


def _folder_cache_path(key: str) -> Path | None:
    from qa.cache import start_up_folder

    folder = start_up_folder("packs")
    return None if folder is None else folder / f"{key}.json"  # None: build every time


def _encode_triggers(t: Triggers | None) -> object:
    if t is None:
        return None
    return {"literals": list(t.literals), "patterns": [[p, f] for p, f in t.patterns], "gate": t.gate}


def _decode_triggers(raw: object) -> Triggers | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"literals", "patterns", "gate"}:
        raise ValueError("triggers")
    lits, pats, gate = raw["literals"], raw["patterns"], raw["gate"]
    if not isinstance(lits, list) or not all(isinstance(x, str) for x in lits) or not isinstance(gate, bool) \
            or not isinstance(pats, list) or not all(isinstance(x, list) and len(x) == 2 and isinstance(x[0], str)
                                                     and type(x[1]) is int for x in pats):
        raise ValueError("triggers")
    return Triggers(literals=tuple(lits), patterns=tuple((p, f) for p, f in pats), gate=gate)


def _store_folder(d: Path, built: list[tuple[Path, list[tuple[Mapping[str, object], Rule]]]]) -> None:
    """Best effort: write what rebuilding the packs of ``d`` without their kinds needs (each rule's
    spec, and its check's ``fixable`` and ``triggers``), as JSON under the MAC of the scan cache
    (``qa.signed.write_cached``). Not written when a value would not read back equal."""
    import json

    try:
        key = _folder_key(d)
    except OSError:
        return
    path = _folder_cache_path(key)
    if path is None:
        return
    files = []
    for f, pairs in built:
        entries = []
        for spec, rule in pairs:
            check = rule.check
            fixable = bool(getattr(check, "fixable", False))
            trig = getattr(check, "triggers", None)
            if trig is not None and type(trig) is not Triggers:
                return
            entries.append({"spec": spec, "fixable": fixable, "triggers": _encode_triggers(trig)})
        files.append({"path": f.relative_to(d).as_posix(), "rules": entries})
    payload = {"format": PACK_CACHE_FORMAT, "files": files}
    from qa.signed import json_blob, write_cached

    try:
        blob = json_blob(payload)
        back = json.loads(blob.decode("utf-8", "surrogatepass"))
    except (TypeError, ValueError, RecursionError):
        return
    if back != payload or any(_decode_triggers(e["triggers"]) != getattr(r.check, "triggers", None)
                              for (_, pairs), fe in zip(built, back["files"]) for (_, r), e in zip(pairs, fe["rules"])):
        return  # a value JSON does not keep (a tuple, a date, a key that is not text): build every time
    write_cached(path, key, blob)


def _cached_folder(d: Path) -> list[Rule] | None:
    """The rules of the packs of folder ``d`` from the cache (their checks ``_LazyCheck``), when
    an entry for the folder's exact files is there, its MAC is this user's and it decodes; else
    ``None`` (the folder is built, and the cache written again)."""
    try:
        key = _folder_key(d)
    except OSError:
        return None
    path = _folder_cache_path(key)
    if path is None:
        return None
    from qa.signed import read_cached_json

    payload = read_cached_json(path, key, PACK_CACHE_FORMAT)
    if payload is None:
        return None
    try:
        rules: list[Rule] = []
        for fe in payload["files"]:
            rel = fe["path"]
            if not isinstance(rel, str) or rel.startswith("/") or ".." in rel.split("/"):
                return None
            f = d / rel
            for e in fe["rules"]:
                spec, fixable = e["spec"], e["fixable"]
                if not isinstance(spec, dict) or not isinstance(fixable, bool):
                    return None
                trig = _decode_triggers(e["triggers"])
                ctx = PackContext(f, str(spec.get("code", "?")), check_fragments=False)
                rules.append(_make_rule(ctx, spec, _LazyCheck(f, spec, fixable, trig), fixable, trig))
        return rules
    except (KeyError, TypeError, ValueError, AttributeError, PackError):
        return None


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
