"""Safe file output and interruption.

* Every output file (reports, JSON Lines, SARIF, cleaned copies, fix logs, baselines) is written
  with ``atomic_write_text`` / ``atomic_write_bytes`` / ``AtomicFile``: to a temporary file in
  the target folder, flushed to disk, then renamed over the target. A reader sees the old file or
  the new one, never half of one; on any error or interruption the temporary file is removed.
  The pages of an HTML report are written with ``sync=False`` (renamed without waiting for the
  disk: a report can be made again, and a sync per page cost more than rendering it); its
  ``index.html`` is synced.
* Temporary files are named ``.NAME.qa-PID-XXXXXXXX.tmp`` (``NAME`` cut to 60 bytes, so a long
  file name never makes the temporary name too long). SIGINT and SIGTERM are deferred while one
  is created and registered, and ``run_interruptible`` removes every registered one that is still
  there. A process killed with SIGKILL cannot clean up: the first write of a later qa run into
  the same folder removes the temporary files of qa processes that no longer exist
  (``sweep_stale``), and only those (same user, the PID in the name is gone).
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
import re
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: Temporary files and folders qa creates carry this tag and the creating process's id.
#: ``.NAME.qa-PID-XXXXXXXX.tmp`` (files), ``.NAME.qa-staging-PID-XXXXXXXX`` and
#: ``.NAME.qa-old-PID-XXXXXXXX`` (folders of ``qa clean``); the tail is the random part.
_TAG_RE = re.compile(r"\.qa-(?:staging-|old-)?(\d+)-[a-z0-9_]{8}(?:\.tmp)?$")
_live: set[str] = set()  # temporary files of this process not yet renamed or removed
_swept: set[str] = set()  # folders already swept for stale temporary files by this process


def short_name(name: str, limit: int = 60) -> str:
    """``name`` cut to at most ``limit`` bytes (UTF-8 / file system encoding), at a character
    boundary, for the names of temporary files next to it."""
    raw = os.fsencode(name)
    if len(raw) <= limit:
        return name
    cut = raw[:limit]
    try:
        return cut.decode("utf-8", "ignore")
    except UnicodeDecodeError:  # pragma: no cover - "ignore" does not raise
        return os.fsdecode(cut)


#: the signal a run received (``run_interruptible``), kept until the run ends: a signal whose
#: ``Interrupted`` was lost (raised inside a finaliser, whose exceptions Python only prints) or
#: that arrived while signals were deferred still stops the run before its next commit
_RECEIVED: list[int] = []
#: depth of ``signals_deferred`` blocks in progress (in the main thread, where handlers run)
_DEFERRING = [0]


#: the signals that stop a run (``run_interruptible``)
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def block_stop_signals() -> object:
    """Block SIGINT and SIGTERM in this thread; the previous mask (for ``signal.pthread_sigmask(
    signal.SIG_SETMASK, ...)``), or ``None`` where signals cannot be masked."""
    try:
        return signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        return None


def unblock_stop_signals() -> None:
    """Unblock SIGINT and SIGTERM in this thread (a process forked while they were blocked)."""
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        pass


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends (they are delivered then), so that a step
    such as "create a temporary file and register it" or "swap two folders" is never cut in
    half. The signals are blocked for this thread, and a signal another thread took (with
    worker threads running, the kernel hands a process signal to any thread that does not block
    it) is recorded by the handler and raised when the block ends."""
    old = block_stop_signals()
    seen = bool(_RECEIVED)  # a signal from before the block was raised then: not again
    _DEFERRING[0] += 1
    try:
        yield
    finally:
        _DEFERRING[0] -= 1
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    if not _DEFERRING[0] and not seen:
        raise_if_interrupted()


def raise_if_interrupted() -> None:
    """Raise ``Interrupted`` when the run received SIGINT or SIGTERM (called before each commit
    of an output, and when the run ends), so that no signal is lost."""
    if _RECEIVED:
        raise Interrupted(_RECEIVED[0])


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or we cannot tell: leave its files alone
    return True


def stale_owner(name: str) -> int | None:
    """The PID in a qa temporary name (``.X.qa-PID-...``), or None for other names."""
    if not name.startswith("."):
        return None
    m = _TAG_RE.search(name)
    return int(m.group(1)) if m else None


def sweep_stale(folder: str | Path) -> list[str]:
    """Remove the temporary files (``.NAME.qa-PID-XXXX.tmp``) that qa processes which no longer
    exist left in ``folder`` (they were killed with SIGKILL, or the machine stopped). Only regular
    files of the current user are removed. Each folder is swept once per process. Returns the
    names removed."""
    key = os.path.abspath(folder)
    if key in _swept:
        return []
    _swept.add(key)
    removed: list[str] = []
    try:
        entries = list(os.scandir(key))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for e in entries:
        if not e.name.endswith(".tmp"):
            continue
        pid = stale_owner(e.name)
        if pid is None or pid_alive(pid):
            continue
        try:
            st = e.stat(follow_symlinks=False)
            if not e.is_file(follow_symlinks=False) or (uid is not None and st.st_uid != uid):
                continue
            os.unlink(e.path)
            removed.append(e.name)
        except OSError:
            continue
    return removed


def new_temp(target: str | Path) -> tuple[int, str]:
    """Create the temporary file for ``target`` in its folder; returns ``(fd, path)``. The file
    is registered (removed by ``remove_live_temps``) before any signal can interrupt."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(target.parent)
    with signals_deferred():
        fd, tmp = tempfile.mkstemp(prefix=f".{short_name(target.name)}.qa-{os.getpid()}-", suffix=".tmp",
                                   dir=target.parent)
        _live.add(tmp)
    return fd, tmp


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass
    _live.discard(tmp)


def remove_live_temps() -> None:
    """Remove every temporary file of this process that is still there (after an interruption)."""
    for tmp in sorted(_live):
        _discard(tmp)


class AtomicFile:
    """A binary file written to a temporary file next to ``target`` and renamed over it by
    ``commit`` (flushed and synced first). ``discard`` (or leaving a ``with`` block with an
    exception) removes the temporary file and leaves ``target`` as it was."""

    def __init__(self, target: str | Path, buffering: int = 1 << 20) -> None:
        self.target = Path(target)
        fd, self.tmp = new_temp(self.target)
        try:
            self.fh = os.fdopen(fd, "wb", buffering=buffering)
        except BaseException:
            os.close(fd)
            _discard(self.tmp)
            raise
        self.done = False
        self.sync = True  # fsync before the rename

    def write(self, data: bytes) -> int:
        return self.fh.write(data)

    def flush(self) -> None:
        self.fh.flush()

    def commit(self) -> None:
        if self.done:
            return
        try:
            raise_if_interrupted()
            self.fh.flush()
            if self.sync:
                os.fsync(self.fh.fileno())
            self.fh.close()
            os.chmod(self.tmp, 0o666 & ~current_umask())
            os.replace(self.tmp, self.target)
            _live.discard(self.tmp)
            self.done = True
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            self.fh.close()
        except Exception:  # noqa: BLE001 - the file is removed anyway
            pass
        _discard(self.tmp)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


class LinkInOutput(OSError):
    """A symbolic link inside an output folder, on the way to a file to write: refused."""


def atomic_write_text(path: str | Path, text: str, root: str | Path | None = None, sync: bool = True) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), root=root, sync=sync)


def atomic_write_bytes(path: str | Path, data: bytes, root: str | Path | None = None, sync: bool = True) -> None:
    """Write ``data`` to ``path`` atomically. With ``root`` (the output folder ``path`` is in),
    never through a symbolic link below ``root`` (see the module docstring). ``sync=False``
    renames without waiting for the data to reach the disk (still never half a file to a
    reader; after a power cut the file may be empty)."""
    target = Path(path)
    if root is not None and hasattr(os, "O_NOFOLLOW") and os.open in os.supports_dir_fd:
        from qa.inputs import policy

        if not policy().follow_links:
            _write_below(Path(root), target, data, sync)
            return
    with AtomicFile(target) as fh:
        fh.sync = sync
        fh.write(data)


def _write_below(root: Path, target: Path, data: bytes, sync: bool = True) -> None:
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
        sweep_stale(here)
        with signals_deferred():  # the temporary file is registered before a signal can cut in
            tmp, fd = _open_temp_at(dfd, name)
            _live.add(str(here / tmp))
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                if sync:
                    os.fsync(fh.fileno())
            # a link at the target name is replaced itself: rename never follows it
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
            _live.discard(str(here / tmp))
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=dfd)
            except OSError:
                pass
            _live.discard(str(here / tmp))
            raise
    finally:
        os.close(dfd)


def _open_temp_at(dfd: int, name: str) -> tuple[str, int]:
    """Create ``.NAME.qa-PID-XXXXXXXX.tmp`` in the folder open as ``dfd`` (never through a link)."""
    import secrets

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_"
    while True:
        tail = "".join(secrets.choice(alphabet) for _ in range(8))
        tmp = f".{short_name(name)}.qa-{os.getpid()}-{tail}.tmp"
        try:
            return tmp, os.open(tmp, flags, 0o666, dir_fd=dfd)
        except FileExistsError:
            continue


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_tree(path: str | Path) -> None:
    """Remove a folder qa made (staging or replaced output), never following links."""
    shutil.rmtree(path, ignore_errors=True)


class Interrupted(BaseException):
    """Raised by the signal handlers of ``run_interruptible`` (a BaseException, so that no
    ``except Exception`` on the way, e.g. a rule's crash guard, swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise(signum: int, _frame: object) -> None:
    if not _RECEIVED:
        _RECEIVED.append(signum)
    if _DEFERRING[0]:
        return  # raised when the deferred block ends (signals_deferred)
    raise Interrupted(signum)


RESUME_HINT = ("qa: interrupted ({name}); no partial output file was left: every output is written "
               "to a temporary file and renamed only when complete, and files finished before the "
               "interruption are whole. To resume, run the same command again.")


def run_interruptible(main: Callable[[], object]) -> None:
    """Run ``main`` with SIGINT/SIGTERM turned into a clean stop (see the module docstring)."""
    previous = {}
    _RECEIVED.clear()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, _raise)
        except (ValueError, OSError):  # not the main thread, or an exotic platform
            pass
    try:
        main()
        raise_if_interrupted()  # a signal whose Interrupted was lost on the way
    except Interrupted as exc:
        remove_live_temps()
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
