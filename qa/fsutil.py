"""Safe file output and interruption.

* Every output file (reports, JSON Lines, SARIF, cleaned copies, fix logs, baselines) is written
  with ``atomic_write_text`` / ``atomic_write_bytes``: to a temporary file in the target folder,
  flushed to disk, then renamed over the target. A reader sees the old file or the new one,
  never half of one; on any error or interruption the temporary file is removed.
* ``run_interruptible`` runs the command line so that SIGINT (Ctrl-C) and SIGTERM stop it
  cleanly: the write in progress is abandoned (its temporary file removed), files already
  finished stay whole, and the message says how to resume (run the same command again: every
  output is rewritten whole). The exit status is 128 + the signal number (130, 143).
* Inputs are only ever opened read-only (``qa.inputs``).
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    target = Path(path)
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
