"""Rule packs cannot exhaust memory: an alias bomb, a recursive alias, an oversized or binary pack
file are a clear `qa: error: FILE: ...` with exit 2."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli import app
from qa.packs import MAX_PACK_NODES, PackError, load_pack

ROOT = Path(__file__).resolve().parent.parent


def alias_bomb() -> str:
    """A "billion laughs": nine levels of nine aliases each, 9**9 strings once expanded."""
    levels = "abcdefghi"
    items = ["&a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    items += [f"&{cur} [" + ",".join([f"*{prev}"] * 9) + "]" for prev, cur in zip(levels, levels[1:])]
    return ("pack: bomb\nrules:\n  - {code: BP901, name: lol-line, summary: lol, kind: phrases,\n"
            "     category: boilerplate, message: lol, phrases: [" + ", ".join(items) + "]}\n")


def _limit_memory() -> None:  # the child may not take more than 1 GiB
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _cfg(tmp_path: Path, pack: bytes) -> Path:
    (tmp_path / "pack.yaml").write_bytes(pack)
    cfg = tmp_path / "qa.toml"
    cfg.write_text('packs = ["pack.yaml"]\n', encoding="utf-8")
    return cfg


def test_pack_alias_bomb_is_a_clear_error_with_exit_2(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert bomb.stat().st_size < 600
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("A short text.\n", encoding="utf-8")
    (tmp_path / "qa.toml").write_text('packs = ["bomb.yaml"]\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_NO_CACHE": "1"}
    # bounded: under a 1 GiB address-space limit and a generous wall-clock limit (the unbounded
    # expansion took over 3 GB and more than a minute before ending in a MemoryError traceback)
    proc = subprocess.run([sys.executable, "-m", "qa", "check", "d"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("qa: error: ") and "Traceback" not in proc.stderr
    assert str(bomb) in proc.stderr and "aliases expand to more than" in proc.stderr
    with pytest.raises(PackError, match="alias bomb"):
        load_pack(bomb)


def test_pack_aliases_within_the_limit_still_load(tmp_path):
    pack = tmp_path / "ok.yaml"
    pack.write_text(
        "pack: ok\ndefaults: &d {kind: phrases, severity: warning, category: boilerplate}\nrules:\n"
        "  - {code: BP901, name: sign-up-line, summary: A sign-up prompt, message: \"Prompt '{match}'\",\n"
        "     phrases: &p [sign up now, join our list],\n"
        "     examples: [{bad: \"Text.\\n[[sign up now]]\"}, {good: \"Text.\"}]}\n"
        "  - {code: BP902, name: sign-up-again, summary: Another, message: \"Prompt '{match}'\", phrases: *p,\n"
        "     examples: [{bad: \"Text.\\n[[join our list]]\"}, {good: \"Text.\"}]}\n", encoding="utf-8")
    rules = load_pack(pack)
    assert [r.code for r in rules] == ["BP901", "BP902"]


def test_pack_recursive_alias_oversized_and_binary_files_are_pack_errors(tmp_path, monkeypatch):
    res = CliRunner().invoke(app, ["rules", "--config", str(_cfg(tmp_path, b"\x00\x01binary\xff" * 20))])
    assert res.exit_code == 2 and res.stderr.startswith("qa: error: ") and "pack.yaml" in res.stderr
    rec = tmp_path / "rec.yaml"
    rec.write_text("pack: r\nrules: &r [*r]\n", encoding="utf-8")
    with pytest.raises(PackError, match="contains it"):
        load_pack(rec)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01" * 50)
    with pytest.raises(PackError, match="not UTF-8"):
        load_pack(binary)
    import qa.packs

    monkeypatch.setattr(qa.packs, "MAX_PACK_BYTES", 100)
    big = tmp_path / "big.yaml"
    big.write_text("pack: big\nrules: []\n" + "#" * 200 + "\n", encoding="utf-8")
    with pytest.raises(PackError, match="more than the limit of 100"):
        load_pack(big)
    assert MAX_PACK_NODES >= 100_000  # far above the shipped packs (under 3,000 nodes each)
