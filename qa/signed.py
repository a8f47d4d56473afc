"""Signed cache files: the compiled scan databases (``qa.scan``) and the start-up caches (the rule,
pack, table, evidence and pattern-memo caches) are written in one format, a header (``MAGIC``,
the 16-byte key, the length) and an HMAC-SHA256 of key and bytes with the per-user secret of the
result cache (``qa.cache.user_secret``) before the bytes. A file planted by someone without the
secret, cut short or written for another key reads as missing, and the caller builds what it
needs again. Nothing here unpickles: what a file holds is bytes, or JSON (``json_blob``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["MAGIC", "json_blob", "read_cached", "read_cached_json", "write_cached"]

MAGIC = b"QASCAN\x00\x01"
_MAC_BYTES = 32


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
    return blob


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
        pass


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
