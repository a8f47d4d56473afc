"""Worker processes end with the process that started them.

A worker blocked on its task pipe never sees the parent die if the parent is killed with
``kill -9`` (no clean-up runs): it would stay alive for ever, holding the result cache and its
memory. ``bind_to_parent(pid)``, called first thing in every worker, makes that impossible:

* on Linux the kernel sends the worker ``SIGKILL`` when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``, through ``ctypes``);
* everywhere, a daemon thread checks every ``interval`` seconds that the parent is still the
  process that started the worker (``os.getppid()``) and ends the worker at once if not. This
  also covers the parent dying before the ``prctl`` call, and platforms without it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
#: seconds between two checks of the parent
INTERVAL = 0.5


def _pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError, ValueError):  # pragma: no cover - no libc prctl
        return False


def _orphaned(parent: int) -> bool:
    return os.getppid() != parent


def _watch(parent: int, interval: float) -> None:
    while True:
        time.sleep(interval)
        if _orphaned(parent):
            os._exit(1)  # no clean-up to wait for: the parent that would read our results is gone


def bind_to_parent(parent: int | None = None, interval: float = INTERVAL) -> None:
    """End this process when ``parent`` (default: the current parent) dies."""
    parent = os.getppid() if parent is None else parent
    _pdeathsig()
    if _orphaned(parent):  # the parent died before we got here
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, interval), name="qa-parent-watch", daemon=True).start()


__all__ = ["bind_to_parent"]
