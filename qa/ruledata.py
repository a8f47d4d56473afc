"""Data the Python rules read, kept out of the code under ``rules/data/`` (``qa/_packs/data/`` in a
wheel): word lists, tables and tuned numbers. Every file names what reads it in its header.

* ``words(name)``: a list file, one entry a line, ``#`` starts a comment line;
* ``tagged(name, tag)``: a list file whose lines are ``entry tag tag ...`` (one file holding
  several named lists that share most entries, such as ``stopwords.txt``);
* ``table(name)``: rows of tab-separated columns (``zh_calques.txt``);
* ``constants(section)``: a section of ``constants.toml``, the thresholds rules were tuned with.

Files are read on first use and kept (``functools.lru_cache``); nothing is read at import of this
module. The word lists of ``rules/lexicons/`` keep their own loader (``qa.lexicons``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType


def default_pack_dirs() -> list[Path]:
    """The rule packs shipped with qa: ``qa/_packs`` in a wheel, ``rules/`` in a source tree."""
    here = Path(__file__).resolve().parent
    for cand in (here / "_packs", here.parent / "rules"):
        if cand.is_dir():
            return [cand]
    return []


class RuleDataError(FileNotFoundError):
    pass


def data_dir() -> Path:
    for d in default_pack_dirs():
        cand = d / "data"
        if cand.is_dir():
            return cand
    raise RuleDataError("qa's rule data folder (rules/data) is missing from this installation")


def _lines(name: str) -> list[str]:
    path = data_dir() / name
    if not path.is_file():
        raise RuleDataError(f"rule data file {name!r} not found at {path}")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append(line)
    return out


@lru_cache(maxsize=None)
def words(name: str) -> tuple[str, ...]:
    """The entries of ``rules/data/NAME.txt`` in file order (blank lines and comments left out)."""
    return tuple(line.strip() for line in _lines(f"{name}.txt"))


@lru_cache(maxsize=None)
def tagged(name: str, tag: str) -> frozenset[str]:
    """The entries of ``rules/data/NAME.txt`` (lines ``entry tag tag ...``) that carry ``tag``."""
    out = set()
    known = set()
    for line in _lines(f"{name}.txt"):
        entry, *tags = line.split()
        known.update(tags)
        if tag in tags:
            out.add(entry)
    if tag not in known:
        raise RuleDataError(f"no entry of rules/data/{name}.txt is tagged {tag!r}")
    return frozenset(out)


@lru_cache(maxsize=None)
def table(name: str, columns: int) -> tuple[tuple[str, ...], ...]:
    """The rows of ``rules/data/NAME.txt``: ``columns`` tab-separated fields a line."""
    rows = []
    for line in _lines(f"{name}.txt"):
        row = tuple(line.split("\t"))
        if len(row) != columns:
            raise RuleDataError(f"rules/data/{name}.txt: {line!r} has {len(row)} tab-separated fields, not {columns}")
        rows.append(row)
    return tuple(rows)


@lru_cache(maxsize=1)
def _constants() -> dict[str, object]:
    path = data_dir() / "constants.toml"
    with open(path, "rb") as f:
        return tomllib.load(f)


def constants(section: str) -> Mapping[str, object]:
    """The section ``[SECTION]`` of ``rules/data/constants.toml`` (read-only); a dotted name reads
    a sub-table (``"zipf.pronoun"``)."""
    node: object = _constants()
    for part in section.split("."):
        if not isinstance(node, dict) or part not in node:
            raise RuleDataError(f"rules/data/constants.toml has no section [{section}]")
        node = node[part]
    if not isinstance(node, dict):
        raise RuleDataError(f"rules/data/constants.toml: [{section}] is not a section")
    return MappingProxyType(node)
