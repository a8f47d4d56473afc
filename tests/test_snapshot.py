"""Golden JSON Lines snapshot of `qa check samples/` (QA_UPDATE_SNAPSHOTS=1 rewrites it)."""

from __future__ import annotations

import io
import os
from pathlib import Path

from qa.config import Settings
from qa.api import check_paths
from qa.report import jsonl

ROOT = Path(__file__).resolve().parent.parent
SNAP = Path(__file__).parent / "snapshots" / "samples.jsonl"


def test_samples_snapshot(monkeypatch):
    monkeypatch.chdir(ROOT)
    buf = io.StringIO()
    jsonl.write(check_paths(["samples/"], Settings()), buf)
    if os.environ.get("QA_UPDATE_SNAPSHOTS") or not SNAP.exists():
        SNAP.write_text(buf.getvalue(), encoding="utf-8")
    assert buf.getvalue() == SNAP.read_text(encoding="utf-8"), (
        "output changed; if intended, rerun with QA_UPDATE_SNAPSHOTS=1 and review the diff")
