"""Output formats of ``qa check``: names, file names and one ``render`` entry point.

``--format`` takes one name or several, comma-separated (``jsonl,sarif,junit``). One format goes
to ``-o FILE`` or standard output; with ``--output-dir DIR`` each format is written to
``DIR/<file name>`` below. Every renderer returns bytes and is deterministic.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from qa.model import FileResult, Rule

FORMATS = ("text", "jsonl", "sarif", "junit", "csv", "parquet")
BINARY = frozenset({"parquet"})
_FILE_NAMES = {"text": "qa.txt", "jsonl": "qa.jsonl", "sarif": "qa.sarif", "junit": "qa-junit.xml",
               "csv": "qa.csv", "parquet": "qa.parquet"}
_DOCUMENT_NAMES = {"csv": "qa-documents.csv", "parquet": "qa-documents.parquet"}


class FormatError(ValueError):
    pass


def parse_formats(value: str | Sequence[str] | None) -> list[str]:
    """``"jsonl, sarif"`` -> ``["jsonl", "sarif"]`` (order kept, duplicates dropped)."""
    raw = [value] if isinstance(value, str) or value is None else list(value)
    out: list[str] = []
    for v in raw:
        for name in (v or "text").split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name not in FORMATS:
                import difflib

                close = difflib.get_close_matches(name, FORMATS, n=1)
                raise FormatError(f"unknown format {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
                                  + f"; choose from {', '.join(FORMATS)}")
            if name not in out:
                out.append(name)
    return out or ["text"]


def file_name(fmt: str, documents: bool = False) -> str:
    """The file a format is written to inside ``--output-dir``."""
    if documents and fmt in _DOCUMENT_NAMES:
        return _DOCUMENT_NAMES[fmt]
    return _FILE_NAMES[fmt]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "backslashreplace")


def render(fmt: str, results: Sequence[FileResult], *, rules: Sequence[Rule] = (), statistics: bool = False,
           documents: bool = False, baseline_used: bool = False) -> bytes:
    if fmt == "text":
        from qa.report import text

        buf = io.StringIO()
        text.write(results, buf, statistics=statistics)
        return _utf8(buf.getvalue())
    if fmt == "jsonl":
        from qa.report import jsonl

        buf = io.StringIO()
        jsonl.write(results, buf)
        try:
            return buf.getvalue().encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates from a JSON Lines input: escape them
            return "".join(json.dumps(jsonl.result_dict(r)) + "\n" for r in results).encode("ascii")
    if fmt == "sarif":
        from qa.report import sarif

        return sarif.render(results, rules, baseline_used=baseline_used)
    if fmt == "junit":
        from qa.report import junit

        return junit.render(results)
    if fmt == "csv":
        from qa.report import tables

        return tables.render_csv(results, documents)
    if fmt == "parquet":
        from qa.report import tables

        return tables.render_parquet(results, documents)
    raise FormatError(f"unknown format {fmt!r}")


def check_destinations(formats: Sequence[str], output: str | None, output_dir: object | None) -> None:
    """Refuse combinations that cannot work, before any checking is done."""
    if output_dir is not None and output:
        raise FormatError("give -o FILE for one format or --output-dir DIR, not both")
    if len(formats) > 1 and output_dir is None:
        raise FormatError(f"several formats ({','.join(formats)}) need --output-dir DIR")
    binary = [f for f in formats if f in BINARY]
    if binary and output_dir is None and (not output or output == "-"):
        raise FormatError(f"{binary[0]} is a binary format: give -o FILE or --output-dir DIR")


def emit(results: Sequence[FileResult], formats: Sequence[str], *, output: str | None = None,
         output_dir: str | Path | None = None, rules: Sequence[Rule] = (), statistics: bool = False,
         documents: bool = False, baseline_used: bool = False, quiet: bool = False,
         stdout: IO[str] | None = None) -> list[Path]:
    """Write ``formats`` where the flags say; returns the files written.

    * ``output_dir``: every format to ``output_dir/file_name(fmt)``; the text report also goes to
      the terminal unless ``quiet``.
    * one format with ``output`` (not ``-``): to that file, nothing on the terminal.
    * otherwise to standard output (the text format only when not ``quiet``).
    """
    from qa.fsutil import atomic_write_bytes

    stdout = stdout if stdout is not None else sys.stdout
    kw = {"rules": rules, "statistics": statistics, "documents": documents, "baseline_used": baseline_used}
    written: list[Path] = []
    if output_dir is not None:
        for fmt in formats:
            target = Path(output_dir) / file_name(fmt, documents)
            atomic_write_bytes(target, render(fmt, results, **kw), root=output_dir)  # type: ignore[arg-type]
            written.append(target)
        if not quiet:
            stdout.write(render("text", results, statistics=statistics).decode("utf-8"))
        return written
    fmt = formats[0]
    data = render(fmt, results, **kw)  # type: ignore[arg-type]
    if output and output != "-":
        atomic_write_bytes(output, data)
        written.append(Path(output))
    elif output == "-" or fmt != "text" or not quiet:
        if fmt in BINARY:  # pragma: no cover - refused by check_destinations
            raise FormatError(f"{fmt} is a binary format: give -o FILE or --output-dir DIR")
        stdout.write(data.decode("utf-8"))
    return written


__all__ = ["BINARY", "FORMATS", "FormatError", "check_destinations", "emit", "file_name", "parse_formats", "render"]
