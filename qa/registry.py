"""Rule registry: Python rules register with ``@rule``; YAML packs compile to the same ``Rule``.

``all_rules()`` returns every known rule (Python checks plus the packs found on the pack path),
sorted by code. Codes must be unique across both sources.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from qa.model import CheckFn, CollectFn, Example, FinalizeFn, Rule, Severity
from qa.ruledata import default_pack_dirs
from qa.scan import Triggers

_PY_RULES: dict[str, Rule] = {}


def rule(
    *,
    code: str,
    name: str,
    category: str,
    summary: str,
    severity: str | Severity = Severity.WARNING,
    fixable: bool = False,
    examples: Sequence[Example] = (),
    options: Mapping[str, object] | None = None,
    collect: CollectFn | None = None,
    finalize: FinalizeFn | None = None,
    triggers: "Triggers | None" = None,
):
    """Register a Python check. The function's docstring is the rule's documentation."""

    def deco(fn: CheckFn) -> CheckFn:
        src = inspect.getsourcefile(fn) or ""
        # the line getsourcelines gives (the first decorator's), without tokenising the module
        fn_code = getattr(inspect.unwrap(fn), "__code__", None)
        line = fn_code.co_firstlineno if fn_code is not None else 0
        mod_path = Path(src)
        source = f"qa/{mod_path.parent.name}/{mod_path.name}:{line}" if src else ""
        r = Rule(
            code=code,
            name=name,
            category=category,
            summary=summary,
            check=fn,
            severity=Severity(severity),
            fixable=fixable,
            doc=inspect.cleandoc(fn.__doc__ or ""),
            examples=tuple(examples),
            options=dict(options or {}),
            source=source,
            collect=collect,
            finalize=finalize,
            triggers=triggers,
        )
        r.validate()
        if code in _PY_RULES and _PY_RULES[code].check is not fn:
            raise ValueError(f"duplicate rule code {code}")
        _PY_RULES[code] = r
        return fn

    return deco


def python_rules() -> list[Rule]:
    """The Python rules: the built-in ones (``qa.checks``) and any registered by other code.
    The built-in ones come from the rule cache when it holds this package's (their modules are
    imported when one of them is first called: ``_LazyPython``), else from importing every
    module of ``qa.checks`` (``qa.checks.import_all``), which writes the cache."""
    import sys

    global _LAZY_PY
    if _LAZY_PY is None and "qa.checks" not in sys.modules:
        _LAZY_PY = _cached_python_rules() or ()
    if _LAZY_PY:
        codes = {r.code for r in _LAZY_PY}
        return list(_LAZY_PY) + [r for r in _PY_RULES.values() if r.code not in codes]
    from qa.checks import import_all

    import_all()  # registers the built-in checks
    rules = list(_PY_RULES.values())
    _store_python_rules([r for r in rules if _module_of(r.check).startswith("qa.checks.")])
    return rules


# --------------------------------------------------------------------------- the rule cache
#: part of the cache key: bump it when what a cache file holds or how it is read changes
PY_CACHE_FORMAT = 1

#: the built-in rules read from the cache in this process (``()``: none, ``None``: not tried)
_LAZY_PY: tuple[Rule, ...] | None = None


def _module_of(fn: object) -> str:
    return str(getattr(fn, "__module__", "") or "")


class _LazyPython:
    """A built-in rule's ``check`` (or ``collect``, ``finalize``) read from the rule cache: the
    rule's module is imported on the first call (inside ``qa.guard.untimed()``, as a model is
    loaded; ``qa.warmup`` imports it before a document's time limit starts), and the function
    it registers under the rule's code is called. ``__wrapped__`` is that function."""

    def __init__(self, module: str, code: str, attr: str) -> None:
        self.__module__ = module
        self._code, self._attr = code, attr
        self._fn: object = None

    def import_module(self) -> object:
        """The rule's module, imported (with the modules it imports, not every module of checks)."""
        import importlib
        import sys

        mod = sys.modules.get(self.__module__)
        if mod is None:
            from qa.guard import untimed

            with untimed():
                mod = importlib.import_module(self.__module__)
        return mod

    def resolve(self):  # noqa: ANN201 - the rule's function
        fn = self._fn
        if fn is None:
            from qa.guard import untimed
            from qa.warmup import warm_up

            with untimed():
                self.import_module()
                r = _PY_RULES.get(self._code)
                if r is not None:
                    warm_up([r])  # the module's loaders that are not lazy, as warm_up runs them for a built rule
            fn = getattr(r, self._attr, None) if r is not None else None
            if fn is None:
                raise RuntimeError(f"rule {self._code}: {self.__module__} defines no {self._attr} for it")
            self._fn = fn
        return fn

    @property
    def __wrapped__(self):  # noqa: ANN201
        return self.resolve()

    def __call__(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN204
        return self.resolve()(*args, **kwargs)


def _rules_key() -> str:
    """What the built-in rules are made from: every file of the package and of the shipped pack
    folder (their data: word lists, constants), the versions of qa and Python, and the switches
    that change triggers."""
    import hashlib
    import sys

    from qa.cache import tree_digest
    from qa.fastpath import ENABLED
    from qa.version import __version__

    h = hashlib.blake2b(digest_size=16)
    h.update(f"qa python rules {PY_CACHE_FORMAT} qa {__version__} py {sys.version_info[:3]} fastpath {ENABLED}\n".encode())
    h.update(tree_digest(Path(__file__).resolve().parent, once=True))
    for d in default_pack_dirs():
        h.update(b"\0" + str(d).encode("utf-8", "surrogateescape") + b"\0")
        h.update(tree_digest(d))
    return h.hexdigest()


def _rules_cache_path(key: str) -> Path | None:
    from qa.cache import start_up_folder

    folder = start_up_folder("rules")
    return None if folder is None else folder / f"python-{key}.json"  # None: import the rules every time


def _encode_rule(r: Rule) -> dict[str, object]:
    t = r.triggers
    return {
        "code": r.code, "name": r.name, "category": r.category, "summary": r.summary,
        "severity": r.severity.value, "fixable": r.fixable, "doc": r.doc,
        "examples": [[e.kind, e.text, [list(sp) for sp in e.spans], e.fixed, e.note] for e in r.examples],
        "options": dict(r.options), "source": r.source,
        "triggers": None if t is None else {"literals": list(t.literals), "patterns": [[p, int(f)] for p, f in t.patterns],
                                            "gate": t.gate},
        "module": _module_of(r.check),
        "collect": None if r.collect is None else _module_of(r.collect),
        "finalize": None if r.finalize is None else _module_of(r.finalize),
    }


def _decode_rule(e: dict) -> Rule:
    t = e["triggers"]
    triggers = None if t is None else Triggers(literals=tuple(str(x) for x in t["literals"]),
                                               patterns=tuple((str(p), int(f)) for p, f in t["patterns"]),
                                               gate=bool(t["gate"]))
    code = str(e["code"])
    for k in ("module", "collect", "finalize"):
        if e[k] is not None and not str(e[k]).startswith("qa.checks."):
            raise ValueError("a rule module outside qa.checks")
    return Rule(
        code=code, name=str(e["name"]), category=str(e["category"]), summary=str(e["summary"]),
        check=_LazyPython(str(e["module"]), code, "check"),  # type: ignore[arg-type]
        severity=Severity(e["severity"]), fixable=bool(e["fixable"]), doc=str(e["doc"]),
        examples=tuple(Example(str(k), str(txt), tuple((int(a), int(b)) for a, b in spans),
                               None if fixed is None else str(fixed), str(note))
                       for k, txt, spans, fixed, note in e["examples"]),
        options=dict(e["options"]), source=str(e["source"]),
        collect=None if e["collect"] is None else _LazyPython(str(e["collect"]), code, "collect"),  # type: ignore[arg-type]
        finalize=None if e["finalize"] is None else _LazyPython(str(e["finalize"]), code, "finalize"),  # type: ignore[arg-type]
        triggers=triggers,
    )


def _fields(r: Rule) -> str:
    """Every field of a rule but its functions, as text (a tuple and a list, 4 and 4.0 differ)."""
    return repr((r.code, r.name, r.category, r.summary, r.severity, r.fixable, r.doc, r.examples,
                 sorted(r.options.items()), r.source, r.corpus, r.finalize is not None))


def _store_python_rules(rules: list[Rule]) -> None:
    """Best effort: write the built-in rules' fields (JSON, under the MAC of the scan cache,
    ``qa.signed.write_cached``), when every one of them reads back the same."""
    import json

    path = None
    try:
        key = _rules_key()
        path = _rules_cache_path(key)
    except OSError:
        return
    if path is None or not rules:
        return
    from qa.signed import json_blob, write_cached

    try:
        blob = json_blob({"format": PY_CACHE_FORMAT, "rules": [_encode_rule(r) for r in rules]})
        back = [_decode_rule(e) for e in json.loads(blob.decode("utf-8", "surrogatepass"))["rules"]]
    except (TypeError, ValueError, KeyError, RecursionError):
        return  # a value JSON does not keep: import the rules every time
    if any(_fields(a) != _fields(b) or a.triggers != b.triggers for a, b in zip(rules, back)):
        return
    write_cached(path, key, blob)


def _cached_python_rules() -> tuple[Rule, ...] | None:
    """The built-in rules from the rule cache (their functions ``_LazyPython``), when an entry
    for this package is there, its MAC is this user's and it decodes; else ``None``."""
    try:
        key = _rules_key()
        path = _rules_cache_path(key)
    except OSError:
        return None
    if path is None:
        return None
    from qa.signed import read_cached_json

    payload = read_cached_json(path, key, PY_CACHE_FORMAT)
    if payload is None:
        return None
    try:
        return tuple(_decode_rule(e) for e in payload["rules"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


_BUNDLED_CACHE: dict[tuple[str, ...], list[Rule]] = {}


def all_rules(pack_dirs: Iterable[Path] | None = None) -> list[Rule]:
    from qa.packs import load_packs

    dirs = tuple(str(p) for p in (default_pack_dirs() if pack_dirs is None else pack_dirs))
    if dirs not in _BUNDLED_CACHE:
        rules = python_rules() + load_packs([Path(d) for d in dirs])
        seen: dict[str, Rule] = {}
        names: dict[str, str] = {}
        for r in rules:
            if r.code in seen:
                raise ValueError(f"duplicate rule code {r.code} ({seen[r.code].source} and {r.source})")
            if r.name in names:
                raise ValueError(f"duplicate rule name {r.name} ({names[r.name]} and {r.code})")
            seen[r.code] = r
            names[r.name] = r.code
        _BUNDLED_CACHE[dirs] = sorted(seen.values(), key=lambda r: r.code)
    return list(_BUNDLED_CACHE[dirs])


def get_rule(code: str, rules: Iterable[Rule] | None = None) -> Rule | None:
    for r in rules if rules is not None else all_rules():
        if r.code == code.upper():
            return r
    return None
