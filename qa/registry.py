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
    import qa.checks  # noqa: F401  (registers the built-in checks)

    return list(_PY_RULES.values())


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
