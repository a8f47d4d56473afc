"""Outputs never overwrite inputs, and are never read back as inputs.

Before any work starts, every file a command will write (``qa check -o FILE``, the files of
``--output-dir``, ``--html``, ``qa clean --fix-log``, ``qa baseline -o``) is compared with the
inputs. It is refused (``qa: error: refusing ...``, exit 2) when

* it **is an input**: the same path after resolving links, or the same file (``st_dev`` and
  ``st_ino``, so a hard link or a symbolic link to an input counts), or
* it lies **inside an input folder where the folder walk would read it** (a name the walk picks
  up, such as ``.jsonl``, ``.txt``, ``.csv``, ``.parquet``, in no hidden folder): the next run of
  the same command would check qa's own output as if it were data.

Outputs the walk never reads (``.sarif``, ``.xml``, ``.html`` pages, names starting with ``.``)
may be written inside an input folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class DestinationError(ValueError):
    pass


def walked_name(name: str) -> bool:
    """Would the folder walk (``qa.readers.iter_files``) read a file of this name?"""
    from qa.corpus_readers import corpus_kind
    from qa.readers import KNOWN_SUFFIXES

    if name.startswith("."):
        return False
    return Path(name).suffix.lower() in KNOWN_SUFFIXES or corpus_kind(name) is not None


def _real(p: str | Path) -> str:
    try:
        return os.path.realpath(p)
    except (OSError, ValueError):
        return os.path.abspath(p)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass
class Inputs:
    """The inputs of a run: folder arguments, file arguments, and (walked on demand) the
    identity of every input file."""

    args: Sequence[str]
    folders: list[str] = field(default_factory=list)  # resolved folder arguments
    files: dict[str, str] = field(default_factory=dict)  # resolved path -> file argument as given
    _ids: dict[tuple[int, int], str] | None = None

    @classmethod
    def of(cls, paths: Iterable[str]) -> Inputs:
        from qa.corpus_readers import STDIN, expand_globs

        args = [p for p in expand_globs(paths) if p != STDIN]
        inp = cls(args)
        for p in args:
            if os.path.isdir(p):
                inp.folders.append(_real(p))
            else:
                inp.files.setdefault(_real(p), p)
        return inp

    def ids(self) -> dict[tuple[int, int], str]:
        """``(st_dev, st_ino)`` of every input file (the folders are walked once, on demand)."""
        if self._ids is None:
            from qa.readers import iter_files

            self._ids = {}
            for p in iter_files(self.args):
                try:
                    st = os.stat(p)
                except (OSError, ValueError):
                    continue
                self._ids.setdefault((st.st_dev, st.st_ino), p)
        return self._ids

    def input_at(self, target: str | Path) -> str | None:
        """The input that ``target`` is (same resolved path or same file), or None."""
        real = _real(target)
        if real in self.files:
            return self.files[real]
        try:
            st = os.stat(target)
        except (OSError, ValueError):
            return None  # nothing there yet: it can only be an input by its path (done above)
        return self.ids().get((st.st_dev, st.st_ino))

    def folder_reading(self, target: str | Path) -> str | None:
        """The input folder whose walk would read ``target``, or None."""
        real = _real(target)
        if not walked_name(os.path.basename(real)):
            return None
        for folder in self.folders:
            if _inside(real, folder) and real != folder:
                rel = os.path.relpath(real, folder)
                if not any(part.startswith(".") for part in rel.split(os.sep)):
                    return folder
        return None

    def shown(self, folder: str) -> str:
        for a in self.args:
            if os.path.isdir(a) and _real(a) == folder:
                return a
        return folder


def check_output(target: str | Path, inputs: Inputs, what: str) -> None:
    """Refuse to write ``what`` (e.g. ``"-o"``) to ``target`` if it is an input or would be
    read back as one (see the module docstring)."""
    hit = inputs.input_at(target)
    if hit is not None:
        raise DestinationError(f"refusing to write {what} to {str(target)!r}: that is the input {hit!r}; "
                               "write it outside the inputs")
    folder = inputs.folder_reading(target)
    if folder is not None:
        raise DestinationError(
            f"refusing to write {what} to {str(target)!r}: it is inside the input folder "
            f"{inputs.shown(folder)!r}, so the next run would read it as an input; write it outside "
            "the input folders (or under a name starting with '.', which folder walks skip)")


def check_folder(folder: str | Path, inputs: Inputs, what: str, suffix: str) -> None:
    """Refuse an output folder that is an input file, or that holds an input file named like
    the files written there (``suffix``, e.g. ``.html`` for ``--html``)."""
    real = _real(folder)
    hit = inputs.input_at(folder)
    if hit is not None:
        raise DestinationError(f"refusing to write {what} to {str(folder)!r}: that is the input {hit!r}")
    for rp, given in inputs.files.items():
        if _inside(rp, real) and rp.lower().endswith(suffix):
            raise DestinationError(f"refusing to write {what} into {str(folder)!r}: it holds the input "
                                   f"{given!r}, which a report page could overwrite")


def check_report_outputs(paths: Sequence[str], output: str | None, output_dir: str | Path | None,
                         formats: Sequence[str], documents: bool, html: str | Path | None) -> None:
    """The guard for ``qa check``: ``-o``, every file of ``--output-dir``, and ``--html``."""
    from qa.report.formats import file_name

    if not output and output_dir is None and html is None:
        return
    inputs = Inputs.of(paths)
    if output and output != "-":
        check_output(output, inputs, "-o")
    if output_dir is not None:
        for fmt in formats:
            check_output(Path(output_dir) / file_name(fmt, documents), inputs, f"--output-dir ({fmt})")
    if html is not None:
        check_folder(html, inputs, "--html", ".html")
