"""Signed cache files: the compiled scan databases (``qa.scan``) and the start-up caches (the rule,
pack, table, evidence and pattern-memo caches) are written in one format, a header (``MAGIC``,
the 16-byte key, the length) and an HMAC-SHA256 of key and bytes with the per-user secret of the
result cache (``qa.cache.user_secret``) before the bytes. A file planted by someone without the
secret, cut short or written for another key reads as missing, and the caller builds what it
needs again. Nothing here unpickles: what a file holds is bytes, or JSON (``json_blob``).

A start-up cache file is keyed by what it was built from (qa's code, the rule set, a table), so
each new version leaves the previous one's files behind. Each write keeps the newest ``KEEP``
files of its kind (the same folder, and the same name around the 32-digit key: every
``tables/fastpath-<key>.json``, every ``scan/<key>.hsdb``) and deletes the older ones, newest by
modification time; a file that is read is marked as used (its time set to now, at most once an
hour), so the files in use are the newest. Only files in this format are ever deleted.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

__all__ = ["KEEP", "MAGIC", "json_blob", "prune_kind", "read_cached", "read_cached_json", "write_cached"]

MAGIC = b"QASCAN\x00\x01"
_MAC_BYTES = 32
#: the files of one kind a cache folder keeps (a kind per pack folder, rule selection or table:
#: more than this many in use at once would be rebuilt in turn)
KEEP = 16
#: a read file's time is set to now when it is older than this (seconds): one write an hour at most
_USED_AFTER = 3600
_HEX = frozenset("0123456789abcdef")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


def _keyed_name(name: str) -> tuple[str, str] | None:
    """A cache file's name split around its key: (what comes before the key, the suffix with its
    dot), or ``None`` when the name is not ``<before><32 hex digits>.<lowercase letters>``. String
    slicing, no regular expression: a name is read from a folder, and a pattern like
    ``(.*?)[0-9a-f]{32}`` would backtrack quadratically on a long planted name."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not ext or not set(ext) <= _LOWER or len(stem) < 32:
        return None
    before, key = stem[:-32], stem[-32:]
    if not set(key) <= _HEX or "\n" in before:
        return None
    return before, "." + ext


def _mac(key: str, blob: bytes) -> bytes | None:
    """HMAC-SHA256 of the database bytes and their key, with the per-user secret of the result
    cache (``qa.cache.user_secret``): a file planted by someone without it (a database that never
    matches would make the engine skip rules) is refused. ``None``: no usable secret."""
    import hmac

    from qa.cache import user_secret

    try:
        secret = user_secret()
    except OSError:  # CacheKeyError, or a folder that cannot be made: no cache
        return None
    return hmac.new(secret, bytes.fromhex(key) + len(blob).to_bytes(8, "big") + blob, hashlib.sha256).digest()


def read_cached(path: Path, key: str) -> bytes | None:
    """The database bytes of a cache file, when its header (magic, ``key``, length) holds and
    its MAC is this user's."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 16 + 8 + _MAC_BYTES
    if len(data) < head or not data.startswith(MAGIC):
        return None
    at = len(MAGIC)
    if data[at:at + 16] != bytes.fromhex(key):
        return None
    n = int.from_bytes(data[at + 16:at + 24], "big")
    blob = data[head:]
    if n != len(blob):
        return None
    mac = _mac(key, blob)
    import hmac

    if mac is None or not hmac.compare_digest(mac, data[at + 24:head]):
        return None
    _mark_used(path)
    return blob


def _mark_used(path: Path) -> None:
    """Set the time of a file that was read to now (when it is older than ``_USED_AFTER``), so
    ``prune_kind`` keeps the files in use."""
    try:
        if time.time() - path.stat().st_mtime > _USED_AFTER:
            os.utime(path)
    except OSError:
        pass


def write_cached(path: Path, key: str, blob: bytes) -> None:
    """Best effort: a cache that cannot be written only costs a compilation."""
    from qa.fsutil import atomic_write_bytes

    mac = _mac(key, blob)
    if mac is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_bytes(path, MAGIC + bytes.fromhex(key) + len(blob).to_bytes(8, "big") + mac + blob)
    except OSError:
        return
    prune_kind(path)


def prune_kind(path: Path, keep: int = KEEP) -> list[str]:
    """Delete the older files of ``path``'s kind (its folder, and its name less the key), so that
    ``keep`` remain, ``path`` always among them: the newest by modification time (then by name).
    Only files that start with ``MAGIC`` are deleted, never another file of a folder the user
    named. Best effort; returns the names deleted."""
    m = _keyed_name(path.name)
    if m is None:
        return []
    others: list[tuple[int, str]] = []
    try:
        with os.scandir(path.parent) as it:
            for entry in it:
                if _keyed_name(entry.name) != m or entry.name == path.name:
                    continue
                if entry.is_file(follow_symlinks=False):
                    others.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
    except OSError:
        return []
    others.sort(reverse=True)
    deleted: list[str] = []
    for _t, name in others[max(keep - 1, 0):]:
        old = path.parent / name
        try:
            with open(old, "rb") as fh:
                if fh.read(len(MAGIC)) != MAGIC:
                    continue
            old.unlink()
        except OSError:
            continue
        deleted.append(name)
    return deleted


def json_blob(payload: object) -> bytes:
    """``payload`` as the compact UTF-8 JSON a cache file holds (lone surrogates kept)."""
    import json

    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def read_cached_json(path: Path, key: str, fmt: int) -> dict | None:
    """The JSON object of a cache file written with ``json_blob`` (``read_cached``), when it
    decodes and its ``format`` is ``fmt``; else ``None``."""
    import json

    blob = read_cached(path, key)
    if blob is None:
        return None
    try:
        payload = json.loads(blob.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != fmt:
        return None
    return payload
