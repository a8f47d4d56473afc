"""Code-defined rules, one module per family. Importing this package registers them all: every
module in this folder is imported (sorted by name), so a new family needs no registration line."""

import importlib
import pkgutil

for _m in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _m.startswith("_"):
        importlib.import_module(f"{__name__}.{_m}")
