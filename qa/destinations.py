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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus_readers import STDIN, corpus_kind, expand_globs
from qa.readers import KNOWN_SUFFIXES


class DestinationError(ValueError):
    pass


def walked_name(name: str) -> bool:
    """Would the folder walk (``qa.readers.iter_files``) read a file of this name?"""

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
    """The inputs of a run: folder arguments and file arguments (as given and resolved)."""

    args: Sequence[str]
    folders: list[str] = field(default_factory=list)  # resolved folder arguments
    files: dict[str, str] = field(default_factory=dict)  # resolved path -> file argument as given

    @classmethod
    def of(cls, paths: Iterable[str]) -> Inputs:
        args = [p for p in expand_globs(paths) if p != STDIN]
        inp = cls(args)
        for p in args:
            if os.path.isdir(p):
                inp.folders.append(_real(p))
            else:
                inp.files.setdefault(_real(p), p)
        return inp

    def _walked(self, inodes: set[int]) -> Iterator[tuple[str, os.DirEntry | None]]:
        """The input files the folder walk finds (hidden entries skipped, links to folders
        not followed) that may have one of ``inodes`` (links, and entries with that inode),
        with their directory entry (None for a file argument)."""
        for p in self.args:
            if not os.path.isdir(p):
                yield p, None
                continue
            stack = [p]
            while stack:
                try:
                    with os.scandir(stack.pop()) as it:
                        entries = list(it)
                except OSError:
                    continue
                for e in entries:
                    if e.name.startswith("."):
                        continue
                    try:
                        if e.is_dir(follow_symlinks=False):
                            stack.append(e.path)
                        elif (e.inode() in inodes or e.is_symlink()) and walked_name(e.name):
                            yield e.path, e
                    except OSError:
                        continue

    def inputs_at(self, targets: Sequence[str | Path]) -> dict[int, str]:
        """For each target (by index) that is an input, the input: the same resolved path, or
        the same file (``st_dev``, ``st_ino``: hard links, links to an input). One walk of the
        folders, reading inodes from the directory entries (a ``stat`` only for links and for
        entries whose inode matches), and only when some target exists."""
        found: dict[int, str] = {}
        wanted: dict[tuple[int, int], list[int]] = {}
        for i, t in enumerate(targets):
            real = _real(t)
            if real in self.files:
                found[i] = self.files[real]
                continue
            try:
                st = os.stat(t)
            except (OSError, ValueError):
                continue  # nothing there yet: it can only be an input by its path (done above)
            wanted.setdefault((st.st_dev, st.st_ino), []).append(i)
        if not wanted:
            return found
        inodes = {ino for _dev, ino in wanted}
        for path, entry in self._walked(inodes):
            try:
                if entry is None or entry.is_symlink():
                    st = os.stat(path)
                else:
                    st = entry.stat(follow_symlinks=False)
            except (OSError, ValueError):
                continue
            for i in wanted.pop((st.st_dev, st.st_ino), []):
                found[i] = path
            if not wanted:
                break
        return found

    def input_at(self, target: str | Path) -> str | None:
        """The input that ``target`` is, or None (see ``inputs_at``)."""
        return self.inputs_at([target]).get(0)

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


def check_outputs(items: Sequence[tuple[str | Path, str]], inputs: Inputs) -> None:
    """Refuse to write any ``(target, what)`` (``what`` e.g. ``"-o"``) that is an input or
    would be read back as one (see the module docstring)."""
    hits = inputs.inputs_at([t for t, _w in items])
    for i, (target, what) in enumerate(items):
        if i in hits:
            raise DestinationError(f"refusing to write {what} to {str(target)!r}: that is the input {hits[i]!r}; "
                                   "write it outside the inputs")
    for target, what in items:
        folder = inputs.folder_reading(target)
        if folder is not None:
            raise DestinationError(
                f"refusing to write {what} to {str(target)!r}: it is inside the input folder "
                f"{inputs.shown(folder)!r}, so the next run would read it as an input; write it outside "
                "the input folders (or under a name starting with '.', which folder walks skip)")


def check_output(target: str | Path, inputs: Inputs, what: str) -> None:
    """``check_outputs`` for one target."""
    check_outputs([(target, what)], inputs)


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
    items: list[tuple[str | Path, str]] = []
    if output and output != "-":
        items.append((output, "-o"))
    if output_dir is not None:
        items.extend((Path(output_dir) / file_name(fmt, documents), f"--output-dir ({fmt})") for fmt in formats)
    check_outputs(items, inputs)
    if html is not None:
        check_folder(html, inputs, "--html", ".html")
