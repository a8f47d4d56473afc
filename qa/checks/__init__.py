"""Code-defined rules, one module per family. Importing this package imports none of them: a
module registers its rules when it is imported, and ``import_all()`` imports every module in
this folder (sorted by name; ``qa.registry.python_rules`` calls it), so a new family needs no
registration line. A run that reads the built-in rules from the rule cache (``qa.registry``)
imports a module only when one of its rules is first called."""

from __future__ import annotations


def import_all() -> None:
    """Import every module of checks in this folder (each registers its rules)."""
    import importlib
    import pkgutil

    for name in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if not name.startswith("_"):
            importlib.import_module(f"{__name__}.{name}")
