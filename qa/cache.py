"""Result cache: a re-run over an unchanged corpus skips the work (SQLite under ``.qa_cache/``).

A cached value is the outcome of checking one document: its findings, language, sentence
count, score, verdict and (for corpus rules) the collected values. Its key hashes

* the document as read: text, id, path, language, metadata, title and head fields;
* the effective configuration: ``Settings.fingerprint()`` (selection, severities, options,
  scoring ...);
* the rule-set version: qa's version, the Python version, the selected rule codes, every file of
  the qa package (code and data) and of every rule-pack folder, and the versions of qa's
  dependencies, so editing a rule, a pack or a lexicon, or upgrading a library, misses.

So a hit gives exactly what checking would give: the cache never changes output bytes.

Safety: one SQLite connection per process (re-opened after a fork), write-ahead logging, a
busy timeout and retries, so several processes (workers, shards, parallel runs) can share a cache.
Every value carries a checksum; a value that does not match it, cannot be unpickled, or a
database that SQLite reports as damaged is never used: the process stops using the cache, and
the next run rebuilds it from scratch. Writing is best effort; a cache that cannot be written
only costs speed.

``--no-cache`` (or ``QA_NO_CACHE=1``) turns it off; deleting ``.qa_cache/`` clears it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import sys
import time
from pathlib import Path

from qa.document import Document

SCHEMA = 1
DB_NAME = "results.sqlite"
REBUILD_MARK = "REBUILD"
_FLUSH_EVERY = 256
_RETRIES = 8

_VERSION_CACHE: dict[tuple[str, ...], str] = {}


def _hash_tree(h: "hashlib._Hash", root: Path, suffixes: tuple[str, ...] | None = None) -> None:
    if root.is_file():
        h.update(root.name.encode())
        h.update(root.read_bytes())
        return
    for p in sorted(root.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts:
            continue
        if suffixes is not None and p.suffix not in suffixes:
            continue
        h.update(str(p.relative_to(root)).encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")


def _dependency_versions() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, requires, version
    except ImportError:  # pragma: no cover
        return ""
    try:
        reqs = requires("qa") or []
    except PackageNotFoundError:
        return ""
    out = []
    for req in sorted(reqs):
        if "extra ==" in req:
            continue
        name = req.split(";")[0].split("[")[0]
        for ch in "<>=!~ ":
            name = name.split(ch)[0]
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


def ruleset_version(plan) -> str:
    """Hash of everything besides the settings and the document that can change findings."""
    from qa import __version__
    from qa.registry import default_pack_dirs

    dirs = tuple(str(p) for p in default_pack_dirs()) + tuple(plan.settings.packs)
    codes = tuple(r.code for r in plan.rules)
    k = dirs + codes
    if k not in _VERSION_CACHE:
        h = hashlib.blake2b(digest_size=16)
        h.update(f"qa {__version__} schema {SCHEMA} py {sys.version_info[:3]}\n".encode())
        h.update(",".join(codes).encode())
        h.update(_dependency_versions().encode())
        package = Path(__file__).resolve().parent
        _hash_tree(h, package)  # the package: code and shipped data
        for r in plan.rules:  # Python rules defined outside the package (plugins)
            code_obj = getattr(r.check, "__code__", None)
            src = Path(code_obj.co_filename) if code_obj is not None else None
            if src is not None and src.is_file() and package not in src.resolve().parents:
                h.update(src.read_bytes())
        for d in dirs:
            p = Path(d)
            if p.exists():
                _hash_tree(h, p)
        _VERSION_CACHE[k] = h.hexdigest()
    return _VERSION_CACHE[k]


def document_key(doc: Document, namespace: bytes) -> bytes:
    h = hashlib.blake2b(namespace, digest_size=20)
    head = json.dumps([doc.id, doc.path, doc.lang, doc.title_span, sorted(doc.fields.items()),
                       sorted((str(k), repr(v)) for k, v in doc.meta.items())],
                      ensure_ascii=True, default=repr).encode()
    h.update(len(head).to_bytes(8, "big"))
    h.update(head)
    h.update(doc.text.encode("utf-8", "surrogatepass"))
    return h.digest()


def _checksum(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=8).digest()


class ResultCache:
    """One process's connection to the cache folder. Use ``ResultCache.open``."""

    def __init__(self, folder: Path, namespace: bytes) -> None:
        self.folder = folder
        self.namespace = namespace
        self.db_path = folder / DB_NAME
        self.pending: list[tuple[bytes, bytes, bytes]] = []
        self.broken = False
        self.pid = os.getpid()
        self.conn: sqlite3.Connection | None = None
        self._connect()

    @classmethod
    def open(cls, folder: str | os.PathLike, plan) -> "ResultCache | None":
        """The cache for ``plan`` in ``folder`` (created if missing); ``None`` if unusable."""
        ns = f"{ruleset_version(plan)}/{plan.settings.fingerprint()}".encode()
        try:
            return cls(Path(folder), ns)
        except (OSError, sqlite3.Error):
            return None

    # ------------------------------------------------------------------ connection
    def _connect(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        gitignore = self.folder / ".gitignore"
        if not gitignore.exists():
            try:
                gitignore.write_text("*\n", encoding="utf-8")
            except OSError:
                pass
        mark = self.folder / REBUILD_MARK
        if mark.exists():
            self._remove_files()
        try:
            self.conn = self._init_db()
        except sqlite3.DatabaseError:
            self._remove_files()  # damaged: rebuild, never trust
            self.conn = self._init_db()

    def _init_db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, timeout=30.0, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
            self._retry(lambda: conn.execute(
                "CREATE TABLE IF NOT EXISTS results (key BLOB PRIMARY KEY, sum BLOB NOT NULL, "
                "value BLOB NOT NULL) WITHOUT ROWID"))
            self._retry(lambda: conn.execute("CREATE TABLE IF NOT EXISTS info (k TEXT PRIMARY KEY, v TEXT)"))
            row = conn.execute("SELECT v FROM info WHERE k = 'schema'").fetchone()
            if row is None:
                self._retry(lambda: conn.execute("INSERT OR IGNORE INTO info VALUES ('schema', ?)", (str(SCHEMA),)))
            elif row[0] != str(SCHEMA):
                raise sqlite3.DatabaseError(f"cache schema {row[0]}, expected {SCHEMA}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _remove_files(self) -> None:
        for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", REBUILD_MARK):
            try:
                (self.folder / name).unlink()
            except FileNotFoundError:
                pass

    @staticmethod
    def _retry(fn):
        delay = 0.01
        for attempt in range(_RETRIES):
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or attempt == _RETRIES - 1:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
        return None  # pragma: no cover

    def _conn(self) -> sqlite3.Connection | None:
        if self.broken:
            return None
        if os.getpid() != self.pid:  # forked: never share a connection across processes
            self.pid, self.pending, self.conn = os.getpid(), [], None
            try:
                self._connect()
            except (OSError, sqlite3.Error):
                self.broken = True
        return self.conn

    def _damaged(self) -> None:
        """Stop using the cache in this process and have the next run rebuild it."""
        self.broken = True
        self.pending = []
        try:
            (self.folder / REBUILD_MARK).write_text("damaged\n", encoding="utf-8")
        except OSError:
            pass

    # ------------------------------------------------------------------ values
    def key(self, doc: Document) -> bytes:
        return document_key(doc, self.namespace)

    def get(self, key: bytes):
        conn = self._conn()
        if conn is None:
            return None
        try:
            row = self._retry(lambda: conn.execute("SELECT sum, value FROM results WHERE key = ?", (key,)).fetchone())
        except sqlite3.OperationalError:
            return None  # busy for too long: a miss
        except sqlite3.DatabaseError:
            self._damaged()
            return None
        if row is None:
            return None
        check, blob = row
        if _checksum(blob) != check:
            self._damaged()
            return None
        try:
            value = pickle.loads(blob)
        except Exception:  # noqa: BLE001 - any unpickling problem means a damaged value
            self._damaged()
            return None
        if not (isinstance(value, tuple) and len(value) == 6):
            self._damaged()
            return None
        return value

    def put(self, key: bytes, value: tuple) -> None:
        if self.broken:
            return
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending.append((key, _checksum(blob), blob))
        if len(self.pending) >= _FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        conn = self._conn()
        if conn is None or not self.pending:
            return
        rows, self.pending = self.pending, []

        def write():
            conn.execute("BEGIN IMMEDIATE")  # raises "locked" before a transaction starts
            try:
                conn.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", rows)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        try:
            self._retry(write)
        except sqlite3.OperationalError:
            pass  # still busy, or the disk is full: best effort
        except sqlite3.DatabaseError:
            self._damaged()

    def close(self) -> None:
        self.flush()
        if self.conn is not None:
            self.conn.close()
            self.conn = None
