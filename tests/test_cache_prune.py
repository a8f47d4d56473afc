"""Caches stay bounded: a start-up cache folder keeps the newest files of each kind
(``qa.signed.prune_kind``) and the result cache the values of the namespaces in use
(``qa.cache.ResultCache.prune``)."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest

from qa import signed
from qa.signed import KEEP, MAGIC, prune_kind, read_cached, write_cached


def _key(i: int) -> str:
    return f"{i:032x}"


def _aged(path, days: float) -> None:
    t = time.time() - days * 86400
    os.utime(path, (t, t))


def test_a_write_keeps_the_newest_files_of_its_kind_and_nothing_else_is_touched(start_up_cache):
    folder = start_up_cache / "xdg" / "qa" / "tables"
    for i in range(KEEP + 5):  # older versions' memo files, the oldest first
        write_cached(folder / f"fastpath-{_key(i)}.json", _key(i), b"{}")
        _aged(folder / f"fastpath-{_key(i)}.json", 30 - i)
    assert len(list(folder.glob("fastpath-*.json"))) == KEEP  # each write pruned the kind
    # files of other kinds, a file of the kind's name that is not a cache file, one without a key
    write_cached(folder / f"irregular-{_key(1)}.json", _key(1), b"{}")
    _aged(folder / f"irregular-{_key(1)}.json", 60)
    (folder / f"fastpath-{_key(900)}.json").write_bytes(b"not a cache file")
    _aged(folder / f"fastpath-{_key(900)}.json", 90)
    (folder / "fastpath-notes.json").write_bytes(MAGIC)
    _aged(folder / "fastpath-notes.json", 90)

    write_cached(folder / f"fastpath-{_key(500)}.json", _key(500), b"{}")

    kept = sorted(p.name for p in folder.glob("fastpath-*.json"))
    newest = [f"fastpath-{_key(i)}.json" for i in range(KEEP + 5 - (KEEP - 1), KEEP + 5)]
    assert kept == sorted(newest + [f"fastpath-{_key(500)}.json", f"fastpath-{_key(900)}.json",
                                    "fastpath-notes.json"])
    assert (folder / f"irregular-{_key(1)}.json").exists()
    assert read_cached(folder / f"fastpath-{_key(500)}.json", _key(500)) == b"{}"


def test_a_file_that_is_read_is_kept_over_newer_unused_ones(start_up_cache):
    folder = start_up_cache / "xdg" / "qa" / "scan"
    used = folder / f"{_key(7)}.hsdb"
    write_cached(used, _key(7), b"db")
    _aged(used, 20)
    assert read_cached(used, _key(7)) == b"db"  # read: marked as used now
    assert time.time() - used.stat().st_mtime < 60
    for i in range(100, 100 + KEEP + 3):  # newer files of the kind, written earlier than the read
        write_cached(folder / f"{_key(i)}.hsdb", _key(i), b"x")
        _aged(folder / f"{_key(i)}.hsdb", 10 - (i - 100) * 0.1)
    write_cached(folder / f"{_key(999)}.hsdb", _key(999), b"y")
    names = {p.name for p in folder.glob("*.hsdb")}
    assert used.name in names and f"{_key(999)}.hsdb" in names and len(names) == KEEP
    assert f"{_key(100)}.hsdb" not in names  # the oldest unused one went


def test_a_recently_marked_file_is_not_written_again_on_every_read(start_up_cache, monkeypatch):
    folder = start_up_cache / "xdg" / "qa" / "packs"
    path = folder / f"{_key(3)}.json"
    write_cached(path, _key(3), b"{}")
    touched = []
    real_utime = os.utime
    monkeypatch.setattr(signed.os, "utime", lambda p, *a: touched.append(p))
    assert read_cached(path, _key(3)) == b"{}"
    assert touched == []  # written a moment ago: already the newest
    monkeypatch.setattr(signed.os, "utime", real_utime)
    _aged(path, 1)
    assert read_cached(path, _key(3)) == b"{}" and time.time() - path.stat().st_mtime < 60


def test_prune_kind_ignores_a_name_without_a_key(tmp_path):
    (tmp_path / "a.json").write_bytes(MAGIC)
    assert prune_kind(tmp_path / "a.json", keep=0) == [] and (tmp_path / "a.json").exists()


# --------------------------------------------------------------------------- the result cache
@pytest.fixture
def secret(start_up_cache) -> bytes:
    from qa.cache import user_secret

    return user_secret()


def _value():
    return ([], "en", 1, 1.0, "pass", None)


def test_result_cache_deletes_the_values_of_namespaces_long_unused(start_up_cache, secret):
    from qa.cache import KEEP_NAMESPACES, PRUNE_AFTER_DAYS, ResultCache
    from qa.readers import make_document

    folder = start_up_cache / "results"
    doc = make_document("The council met on Tuesday.")
    n = KEEP_NAMESPACES + 4
    keys = []
    for i in range(n):  # one run per configuration, each a value for the same document
        c = ResultCache(folder, f"ruleset {i}".encode(), secret)
        keys.append(c.key(doc))
        c.put(keys[-1], _value())
        c.close()
    assert len({k[:8] for k in keys}) == n and len(set(keys)) == n
    conn = sqlite3.connect(folder / "results.sqlite")
    now = time.time()
    for i in range(n):  # configuration i last used (n - i) weeks ago, the last two recently
        used = now - 3600 * (n - i) if i >= n - 2 else now - (n - i) * PRUNE_AFTER_DAYS * 86400
        conn.execute("UPDATE namespaces SET used = ? WHERE ns = ?", (used, keys[i][:8]))
    conn.commit()
    conn.close()

    c = ResultCache(folder, b"ruleset 0", secret)  # the oldest configuration, run again
    rows = {k for (k,) in sqlite3.connect(folder / "results.sqlite").execute("SELECT key FROM results")}
    # kept: the one run now, and the KEEP_NAMESPACES - 1 used last before it; every older one
    # had KEEP_NAMESPACES used after it and was last used weeks ago
    expect = {keys[0]} | set(keys[n - (KEEP_NAMESPACES - 1):])
    assert rows == expect
    assert c.get(keys[0]) is not None and c.get(keys[-1]) is not None
    c.close()


def test_result_cache_keeps_every_namespace_used_within_the_days(start_up_cache, secret):
    from qa.cache import KEEP_NAMESPACES, ResultCache

    folder = start_up_cache / "results"
    n = KEEP_NAMESPACES + 3
    for i in range(n):
        c = ResultCache(folder, f"config {i}".encode(), secret)
        c.put(c.ns_id + b"k" * 20, _value())
        c.close()
    c = ResultCache(folder, b"config new", secret)
    assert c.prune(c.conn) == []
    count, = sqlite3.connect(folder / "results.sqlite").execute("SELECT count(*) FROM results").fetchone()
    assert count == n
    c.close()


def test_result_cache_prune_gives_the_pages_back(start_up_cache, secret, monkeypatch):
    import qa.cache
    from qa.cache import ResultCache

    folder = start_up_cache / "results"
    c = ResultCache(folder, b"old", secret)
    big = ([], "en", 1, 1.0, "pass", {"blob": "x" * 4000})
    for i in range(300):
        c.put(c.ns_id + i.to_bytes(20, "big"), big)
    c.close()
    conn = sqlite3.connect(folder / "results.sqlite")
    pages_before, = conn.execute("PRAGMA page_count").fetchone()
    conn.execute("UPDATE namespaces SET used = 0")  # last used long ago
    conn.commit()
    conn.close()
    c = ResultCache(folder, b"new", secret)  # one other namespace: kept, it is among the last used
    assert sqlite3.connect(folder / "results.sqlite").execute("SELECT count(*) FROM results").fetchone() == (300,)
    c.close()

    monkeypatch.setattr(qa.cache, "KEEP_NAMESPACES", 0)  # recency alone keeps none now
    c = ResultCache(folder, b"newer", secret)
    conn = sqlite3.connect(folder / "results.sqlite")
    assert conn.execute("SELECT count(*) FROM results").fetchone() == (0,)
    pages_after, = conn.execute("PRAGMA page_count").fetchone()
    assert pages_after < pages_before / 4
    assert {ns for (ns,) in conn.execute("SELECT ns FROM namespaces")} == {
        ResultCache(folder, b"new", secret).ns_id, c.ns_id}  # "new" was used minutes ago
    c.close()


def test_key_range_covers_exactly_the_namespace():
    from qa.cache import _key_range

    lo, hi = _key_range(b"\x00\x00\x00\x00\x00\x00\x01\xff")
    assert lo <= b"\x00\x00\x00\x00\x00\x00\x01\xff" + b"\xff" * 20 < hi == b"\x00" * 6 + b"\x02\x00"
    lo, hi = _key_range(b"\xff" * 8)
    assert lo <= b"\xff" * 28 < hi
