"""Safe file output and interruption.

* Every output file (reports, JSON Lines, SARIF, cleaned copies, fix logs, baselines) is written
  with ``atomic_write_text`` / ``atomic_write_bytes``: to a temporary file in the target folder,
  flushed to disk, then renamed over the target. A reader sees the old file or the new one,
  never half of one; on any error or interruption the temporary file is removed.
* ``run_interruptible`` runs the command line so that SIGINT (Ctrl-C) and SIGTERM stop it
  cleanly: the write in progress is abandoned (its temporary file removed), files already
  finished stay whole, and the message says how to resume (run the same command again: every
  output is rewritten whole). The exit status is 128 + the signal number (130, 143).
* Writes into an output folder (``--out``, ``--html``, ``--output-dir``) never go through a
  symbolic link inside it: ``atomic_write_bytes(path, data, root=FOLDER)`` walks from ``FOLDER``
  to the target's folder one directory at a time with ``O_NOFOLLOW`` (on descriptors, so a
  folder cannot be swapped for a link in between) and refuses a link on the way
  (``LinkInOutput``); a link at the target's own name is replaced by the new file (the rename
  does not follow it), so nothing is written where the link pointed. The folder itself may be a
  link (it was named on the command line). ``--follow-links`` writes through links instead.
* Inputs are only ever opened read-only (``qa.inputs``).
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


class LinkInOutput(OSError):
    """A symbolic link inside an output folder, on the way to a file to write: refused."""


def atomic_write_text(path: str | Path, text: str, root: str | Path | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), root=root)


def atomic_write_bytes(path: str | Path, data: bytes, root: str | Path | None = None) -> None:
    """Write ``data`` to ``path`` atomically. With ``root`` (the output folder ``path`` is in),
    never through a symbolic link below ``root`` (see the module docstring)."""
    target = Path(path)
    if root is not None and hasattr(os, "O_NOFOLLOW") and os.open in os.supports_dir_fd:
        from qa.inputs import policy

        if not policy().follow_links:
            _write_below(Path(root), target, data)
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_below(root: Path, target: Path, data: bytes) -> None:
    rel = os.path.relpath(os.path.abspath(target), os.path.abspath(root))
    parts = Path(rel).parts
    if not parts or parts[0] == os.pardir or os.path.isabs(rel):
        raise LinkInOutput(errno.EINVAL, f"refusing to write {target}: not inside the output folder {root}")
    root.mkdir(parents=True, exist_ok=True)
    dir_flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    dfd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        here = root
        for part in parts[:-1]:
            here = here / part
            try:
                os.mkdir(part, 0o777, dir_fd=dfd)
            except FileExistsError:
                pass
            try:
                nfd = os.open(part, dir_flags, dir_fd=dfd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    try:
                        link = stat.S_ISLNK(os.lstat(part, dir_fd=dfd).st_mode)
                    except OSError:
                        link = False
                    if link:
                        raise LinkInOutput(errno.ELOOP, f"refusing to write {target}: {here} is a symbolic link "
                                           "inside the output folder (remove it, or give --follow-links)") from None
                raise
            os.close(dfd)
            dfd = nfd
        name = parts[-1]
        tmp = f".{name[:100]}.{secrets.token_hex(6)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                     0o666, dir_fd=dfd)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            # a link at the target name is replaced itself: rename never follows it
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=dfd)
            except OSError:
                pass
            raise
    finally:
        os.close(dfd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Interrupted(BaseException):
    """Raised by the signal handlers of ``run_interruptible`` (a BaseException, so that no
    ``except Exception`` on the way, e.g. a rule's crash guard, swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


RESUME_HINT = ("qa: interrupted ({name}); no partial output file was left: every output is written "
               "to a temporary file and renamed only when complete, and files finished before the "
               "interruption are whole. To resume, run the same command again.")


def run_interruptible(main: Callable[[], object]) -> None:
    """Run ``main`` with SIGINT/SIGTERM turned into a clean stop (see the module docstring)."""
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, _raise)
        except (ValueError, OSError):  # not the main thread, or an exotic platform
            pass
    try:
        main()
    except Interrupted as exc:
        name = signal.Signals(exc.signum).name
        try:
            sys.stdout.flush()
        except Exception:  # noqa: BLE001 - a closed pipe must not hide the message
            pass
        sys.stderr.write("\n" + RESUME_HINT.format(name=name) + "\n")
        sys.stderr.flush()
        sys.exit(128 + exc.signum)
    finally:
        for sig, handler in previous.items():
            try:
                signal.signal(sig, handler)
            except (ValueError, OSError):
                pass
