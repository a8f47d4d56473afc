"""Result cache: a re-run over an unchanged corpus skips the work (SQLite, one file per project).

A cached value is the outcome of checking one document: its findings, language, sentence
count, score, verdict and (for corpus rules) the collected values. Its key hashes

* the document as read: text, id, path, language, metadata, title and head fields;
* the effective configuration: ``Settings.fingerprint()`` (selection, severities, options,
  scoring ...) and the run's limits that change findings (``--rule-timeout`` and the document
  time budget);
* the rule-set version: qa's version, the Python version, the selected rule codes, every file of
  the qa package (code and data), of every rule-pack folder and named by a rule option (a garble
  model), and the versions of qa's dependencies, so editing a rule, a pack or a lexicon,
  retraining a model, or upgrading a library, misses.

So a hit gives exactly what checking would give: the cache never changes output bytes. A result
with a ``QA000`` finding (a rule crashed or ran out of time) is never cached: a timeout on a
loaded machine must not become permanent.

Trust: a cache can never run code or change findings.

* Values are plain data: JSON with a fixed schema (no pickle). A value is decoded field by field
  with its types checked; anything else is discarded.
* Every value carries an HMAC-SHA256 over its key and its bytes, with a per-user secret (a key
  file ``cache.key`` in the user's cache folder, created with mode 0600, never in a project). A
  value planted by someone without that key (a ``.qa_cache`` committed to a repository, a
  forged "0 findings" entry, an entry copied from another document) fails the check.
* The cache lives in the user's cache folder (``platformdirs.user_cache_dir("qa")``), one
  database per working folder (``projects/<hash of the folder's real path>``), not in the
  working folder; ``--cache-dir DIR`` (or ``cache-dir`` in the configuration) puts it elsewhere.

A value that fails its MAC or its schema, or a database that SQLite reports as damaged, is
never used: the document is checked again, the process stops using the cache, and the next run
rebuilds it from scratch. Several processes may share a cache: one SQLite connection per process
(re-opened after a fork), write-ahead logging, a busy timeout and retries. Writing is best
effort; a cache that cannot be written only costs speed.

Size: a database keeps the values of the configurations and rule-set versions in use. Every
key starts with an 8-byte digest of its namespace (rule-set version, configuration, limits), and
each namespace's last use is noted when a run opens the cache (at most once an hour). The values
of a namespace are deleted when ``KEEP_NAMESPACES`` others were used after it and it has not been
used for ``PRUNE_AFTER_DAYS`` days (an upgrade of qa, an edited rule or lexicon, a configuration
no longer run), and the freed pages are given back to the file system.

``--no-cache`` (or ``QA_NO_CACHE=1``) turns it off; deleting the folder clears it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
import sqlite3
import stat
import sys
import time
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.document import Document


SCHEMA = 5  # 5: keys start with their namespace's digest, namespaces noted; 4: and bilingual segment fields; 3: findings carry condition and data; 2: JSON values under an HMAC (1 was pickle)
DB_NAME = "results.sqlite"
REBUILD_MARK = "REBUILD"
_FLUSH_EVERY = 256
_RETRIES = 8
#: a namespace's values are kept while it is among this many last used ...
KEEP_NAMESPACES = 8
#: ... or was used within this many days
PRUNE_AFTER_DAYS = 7
#: a namespace's use is noted again when its note is older than this (seconds)
_NOTE_EVERY = 3600
#: the bytes of a key's namespace digest
_NS_BYTES = 8

_VERSION_CACHE: dict[tuple[str, ...], str] = {}


def hash_tree(h: "hashlib._Hash", root: Path, suffixes: tuple[str, ...] | None = None) -> None:
    """Feed ``h`` every file of ``root`` (a folder: relative names and bytes, in sorted order,
    ``__pycache__`` left out, linked folders not entered, as ``Path.rglob`` walks; a file: its
    name and bytes)."""
    if root.is_file():
        h.update(root.name.encode())
        h.update(root.read_bytes())
        return
    base = os.fspath(root)
    found: list[tuple[tuple[str, ...], str]] = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        rel = os.path.relpath(dirpath, base)
        parts = () if rel == "." else tuple(rel.split(os.sep))
        for name in filenames:
            if suffixes is not None and os.path.splitext(name)[1] not in suffixes:
                continue
            full = os.path.join(dirpath, name)
            if os.path.isfile(full):
                found.append(((*parts, name), full))
    for parts, full in sorted(found):
        h.update("/".join(parts).encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        with open(full, "rb") as fh:
            h.update(fh.read())
        h.update(b"\0")


_TREE_DIGESTS: dict[str, bytes] = {}


def tree_digest(root: Path, once: bool = False) -> bytes:
    """A digest of every file of ``root`` (``hash_tree``); with ``once``, computed once per
    process (the package's own files: the modules are imported already, an edit shows only in
    the next process). The build caches of the rules (``qa.packs``, ``qa.registry``) key on it."""
    k = str(root)
    got = _TREE_DIGESTS.get(k) if once else None
    if got is None:
        h = hashlib.blake2b(digest_size=16)
        hash_tree(h, root)
        got = h.digest()
        if once:
            _TREE_DIGESTS[k] = got
    return got


def _dependency_versions() -> str:
    """``name=version,...`` of qa's dependencies (not its extras), read from the ``.dist-info``
    folders on ``sys.path`` (``installed_versions``) without importing ``importlib.metadata``,
    which costs a one-file run more than the lookup; through ``importlib.metadata`` when qa's
    own metadata is not found that way."""
    found = installed_versions()
    qa_info = found.get("qa")
    if qa_info is None:
        return _dependency_versions_metadata()
    try:
        text = (Path(qa_info[0]) / "METADATA").read_text(encoding="utf-8")
    except OSError:
        return _dependency_versions_metadata()
    reqs = [ln[len("Requires-Dist:"):].strip() for ln in text.splitlines() if ln.startswith("Requires-Dist:")]
    out = []
    for req in sorted(reqs):
        if "extra ==" in req:
            continue
        name = _requirement_name(req)
        got = found.get(_normalized(name))
        if got is None:
            return _dependency_versions_metadata()
        out.append(f"{name}={got[1]}")
    return ",".join(out)


def _requirement_name(req: str) -> str:
    name = req.split(";")[0].split("[")[0]
    for ch in "<>=!~ (":
        name = name.split(ch)[0]
    return name


def _normalized(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions() -> dict[str, tuple[str, str]]:
    """Every distribution on ``sys.path`` with a ``.dist-info`` folder: its normalised name ->
    (folder, version), the version as the folder's name gives it (``NAME-VERSION.dist-info``);
    the first one on the path wins, as imports find it."""
    out: dict[str, tuple[str, str]] = {}
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as it:
                names = sorted(e.name for e in it if e.name.endswith(".dist-info"))
        except OSError:
            continue
        for n in names:
            stem = n[: -len(".dist-info")]
            name, sep, ver = stem.partition("-")
            if sep and ver:
                out.setdefault(_normalized(name), (os.path.join(entry or ".", n), ver))
    return out


def _dependency_versions_metadata() -> str:
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
        name = _requirement_name(req)
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


def ruleset_version(plan) -> str:
    """Hash of everything besides the settings and the document that can change findings."""
    from qa.version import __version__
    from qa.ruledata import default_pack_dirs

    dirs = tuple(str(p) for p in default_pack_dirs()) + tuple(plan.settings.packs)
    codes = tuple(r.code for r in plan.rules)
    # files that rule options name (a retrained garble model at the same path must miss)
    option_files = tuple(sorted({v for opts in getattr(plan, "options", {}).values() for v in opts.values()
                                 if isinstance(v, str) and v and os.path.isfile(v)}))
    k = dirs + codes + ("\0",) + option_files
    if k not in _VERSION_CACHE:
        h = hashlib.blake2b(digest_size=16)
        h.update(f"qa {__version__} schema {SCHEMA} py {sys.version_info[:3]}\n".encode())
        h.update(",".join(codes).encode())
        h.update(_dependency_versions().encode())
        package = Path(__file__).resolve().parent
        h.update(tree_digest(package, once=True))  # the package: code and shipped data
        for r in plan.rules:  # Python rules defined outside the package (plugins)
            code_obj = getattr(r.check, "__code__", None)
            src = Path(code_obj.co_filename) if code_obj is not None else None
            if src is not None and src.is_file() and package not in src.resolve().parents:
                h.update(src.read_bytes())
        for d in dirs:
            p = Path(d)
            if p.exists():
                hash_tree(h, p)
        for f in option_files:
            hash_tree(h, Path(f))
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
    h.update(getattr(doc, "segments_key", b""))  # a bilingual document: its sources and segment ids
    return h.digest()


KEY_FILE = "cache.key"
_KEY_BYTES = 32
_SECRETS: dict[str, bytes] = {}


def user_cache_root() -> Path:
    """The user's cache folder for qa (``$XDG_CACHE_HOME/qa`` on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("qa", appauthor=False))


def start_up_folder(name: str) -> Path | None:
    """The folder of one start-up cache (the rule, pack, table and evidence caches, their files
    signed with ``qa.signed.write_cached``) in the user's cache folder. ``None`` with
    ``QA_NO_CACHE`` or where there is no cache folder: the caller builds what it needs."""
    if os.environ.get("QA_NO_CACHE"):
        return None
    try:
        return user_cache_root() / name
    except Exception:  # noqa: BLE001 - no cache folder
        return None


def start_up_file(folder: str, stem: str, label: str, inputs) -> tuple[str, Path] | None:
    """(key, path) of one file of a start-up cache: the key hashes ``label``, the Python version
    and every bytes object ``inputs()`` gives (what the file is built from: a module, a table),
    so a change to any of them misses; the file is ``<folder>/<stem>-<key>.json``. ``None`` with
    ``QA_NO_CACHE``, where there is no cache folder, or when ``inputs()`` fails (a file that
    cannot be read): the caller builds what it needs."""
    where = start_up_folder(folder)
    if where is None:
        return None
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{label} py {sys.version_info[:3]}\n".encode())
    try:
        for chunk in inputs():
            h.update(chunk)
    except Exception:  # noqa: BLE001 - a missing or unreadable input: no cache file
        return None
    key = h.hexdigest()
    return key, where / f"{stem}-{key}.json"


def default_cache_dir(cwd: str | os.PathLike | None = None) -> Path:
    """Where the cache of a run started in ``cwd`` lives by default: in the user's cache folder,
    one database per working folder (never in the working folder itself)."""
    where = os.path.realpath(os.fspath(cwd) if cwd is not None else os.getcwd())
    tag = hashlib.sha256(os.fsencode(where)).hexdigest()[:20]
    return user_cache_root() / "projects" / tag


def cache_dir_for(no_cache: bool = False, flag: str | os.PathLike | None = None,
                  settings=None) -> str | None:
    """The cache folder of a run: ``None`` with ``--no-cache`` or ``QA_NO_CACHE``; else
    ``--cache-dir``, else ``cache-dir`` of the configuration, else ``default_cache_dir()``."""
    if no_cache or os.environ.get("QA_NO_CACHE"):
        return None
    if flag:
        return os.path.abspath(os.path.expanduser(os.fspath(flag)))
    configured = getattr(settings, "cache_dir", None)
    if configured:
        return os.path.abspath(os.path.expanduser(configured))
    return str(default_cache_dir())


class CacheKeyError(OSError):
    """The per-user key file cannot be made or is not private: the cache is not used."""


def user_secret(root: Path | None = None) -> bytes:
    """The per-user MAC key, from ``ROOT/cache.key`` (made with mode 0600 on first use). A key
    file that is not a regular file of this user, readable by others, or of the wrong size is
    refused (``CacheKeyError``)."""
    root = user_cache_root() if root is None else root
    path = root / KEY_FILE
    got = _SECRETS.get(str(path))
    if got is not None:
        return got
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not os.path.lexists(path):
        # written whole under a temporary name, then linked into place: a process that starts at
        # the same time (a worker) reads either no key file or the whole key, and all agree
        tmp = root / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(_KEY_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process made it first: use that one
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise CacheKeyError(f"cannot read the cache key {path}: {exc}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise CacheKeyError(f"the cache key {path} is not a regular file")
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o077):
            raise CacheKeyError(f"the cache key {path} is not private to this user (mode 0600)")
        key = fh.read(_KEY_BYTES + 1)
    if len(key) != _KEY_BYTES:
        raise CacheKeyError(f"the cache key {path} is damaged (delete it to make a new one)")
    _SECRETS[str(path)] = key
    return key


def _mac(secret: bytes, key: bytes, blob: bytes) -> bytes:
    return hmac.new(secret, len(key).to_bytes(4, "big") + key + blob, hashlib.sha256).digest()


# ---------------------------------------------------------------------- plain-data values
class BadValue(ValueError):
    """A cached value that does not follow the schema."""


def _enc_plain(v: object) -> object:
    """``v`` as JSON, tuples and dicts tagged so that they come back as they were; ``BadValue``
    for anything that is not plain data (such a result is not cached)."""
    t = type(v)
    if v is None or t is bool or t is str or t is int:
        return v
    if t is float:
        return v if math.isfinite(v) else {"f": repr(v)}  # type: ignore[arg-type]
    if t is list:
        return [_enc_plain(x) for x in v]  # type: ignore[union-attr]
    if t is tuple:
        return {"t": [_enc_plain(x) for x in v]}  # type: ignore[union-attr]
    if t is dict and all(type(k) is str for k in v):  # type: ignore[union-attr]
        return {"d": [[k, _enc_plain(x)] for k, x in v.items()]}  # type: ignore[union-attr]
    raise BadValue(f"not plain data: {t.__name__}")


def _dec_plain(v: object) -> object:
    if v is None or isinstance(v, (bool, str, int, float)):
        return v
    if isinstance(v, list):
        return [_dec_plain(x) for x in v]
    if isinstance(v, dict) and len(v) == 1:
        (tag, body), = v.items()
        if tag == "t" and isinstance(body, list):
            return tuple(_dec_plain(x) for x in body)
        if tag == "d" and isinstance(body, list):
            out = {}
            for item in body:
                if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                    raise BadValue("bad mapping")
                out[item[0]] = _dec_plain(item[1])
            return out
        if tag == "f" and body in ("nan", "inf", "-inf"):
            return float(body)
    raise BadValue("bad plain value")


def _int(v: object) -> int:
    if type(v) is not int:
        raise BadValue("expected an integer")
    return v


def _data(v: object) -> tuple[tuple[str, object], ...] | None:
    """A finding's document-level facts: (key, plain scalar) pairs."""
    if v is None:
        return None
    if not isinstance(v, list):
        raise BadValue("data")
    out = []
    for pair in v:
        if not (isinstance(pair, list) and len(pair) == 2 and type(pair[0]) is str
                and (pair[1] is None or type(pair[1]) in (str, int, float, bool))):
            raise BadValue("data")
        out.append((pair[0], pair[1]))
    return tuple(out)


def _num(v: object) -> float:
    if type(v) is int:
        return float(v)
    if type(v) is not float:
        raise BadValue("expected a number")
    return v


def _str(v: object, optional: bool = False) -> str | None:
    if v is None and optional:
        return None
    if type(v) is not str:
        raise BadValue("expected a string")
    return v


def encode_value(value: tuple) -> bytes:
    """A cache value ``(findings, language, n_sentences, score, verdict, collected)`` as JSON
    bytes (``BadValue`` if it holds anything but plain data)."""
    findings, language, n_sentences, score, verdict, collected = value
    rows = []
    for f in findings:
        fix = None
        if f.fix is not None:
            fix = [str(f.fix.applicability), f.fix.title,
                   [[e.start, e.end, e.replacement] for e in f.fix.edits]]
        data = None if f.data is None else [[k, v] for k, v in f.data]
        rows.append([f.rule, f.name, f.category, str(f.severity), f.start, f.end, f.message,
                     f.suggestion, fix, f.confidence, f.condition, data, f.segment, f.source_start, f.source_end])
    doc = {"v": SCHEMA, "findings": rows, "language": language, "n_sentences": n_sentences,
           "score": score if math.isfinite(score) else repr(score), "verdict": verdict,
           "collected": None if collected is None else _enc_plain(collected)}
    return json.dumps(doc, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode("ascii")


def decode_value(blob: bytes) -> tuple:
    """The inverse of ``encode_value``; ``BadValue`` for anything that does not follow the schema
    exactly (unknown or missing keys, wrong types, unknown severities)."""
    from qa.model import Applicability, Edit, Finding, Fix, Severity

    try:
        doc = json.loads(blob.decode("ascii"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadValue(f"not JSON: {exc}") from None
    keys = {"v", "findings", "language", "n_sentences", "score", "verdict", "collected"}
    if not isinstance(doc, dict) or set(doc) != keys or doc["v"] != SCHEMA:
        raise BadValue("not a cache value")
    if not isinstance(doc["findings"], list):
        raise BadValue("findings")
    findings = []
    try:
        for row in doc["findings"]:
            if not (isinstance(row, list) and len(row) == 15):
                raise BadValue("finding")
            (rule, name, category, severity, start, end, message, suggestion, fix, confidence, condition, data,
             segment, source_start, source_end) = row
            fx = None
            if fix is not None:
                if not (isinstance(fix, list) and len(fix) == 3 and isinstance(fix[2], list)):
                    raise BadValue("fix")
                edits = []
                for e in fix[2]:
                    if not (isinstance(e, list) and len(e) == 3):
                        raise BadValue("edit")
                    edits.append(Edit(_int(e[0]), _int(e[1]), _str(e[2])))
                fx = Fix(tuple(edits), Applicability(_str(fix[0])), _str(fix[1]))
            findings.append(Finding(_str(rule), _str(name), _str(category), Severity(_str(severity)),
                                    _int(start), _int(end), _str(message), _str(suggestion, True), fx,
                                    None if confidence is None else _num(confidence), _str(condition, True),
                                    _data(data), _str(segment, True),
                                    None if source_start is None else _int(source_start),
                                    None if source_end is None else _int(source_end)))
    except (TypeError, ValueError) as exc:
        raise BadValue(f"finding: {exc}") from None
    score = doc["score"]
    score = float(score) if score in ("nan", "inf", "-inf") else _num(score)
    if doc["verdict"] not in ("pass", "warn", "fail"):
        raise BadValue("verdict")
    collected = doc["collected"]
    collected = None if collected is None else _dec_plain(collected)
    return (findings, _str(doc["language"], True), _int(doc["n_sentences"]), score, doc["verdict"], collected)


def _key_range(ns: bytes) -> tuple[bytes, bytes]:
    """The keys that start with ``ns``: at least ``ns``, below the next prefix (``ns`` is a
    digest of ``_NS_BYTES``: the prefix after all 0xff bytes is longer than any key)."""
    n = int.from_bytes(ns, "big") + 1
    upper = n.to_bytes(len(ns), "big") if n < 1 << (8 * len(ns)) else b"\xff" * 64
    return ns, upper


class ResultCache:
    """One process's connection to the cache folder. Use ``ResultCache.open``."""

    def __init__(self, folder: Path, namespace: bytes, secret: bytes) -> None:
        self.folder = folder
        self.namespace = namespace
        #: the first bytes of every key of this namespace (``prune``)
        self.ns_id = hashlib.blake2b(namespace, digest_size=_NS_BYTES).digest()
        self.secret = secret
        self.db_path = folder / DB_NAME
        self.pending: list[tuple[bytes, bytes, bytes]] = []
        self.broken = False
        self.pid = os.getpid()
        self.conn: sqlite3.Connection | None = None
        self._connect()

    @classmethod
    def open(cls, folder: str | os.PathLike, plan) -> "ResultCache | None":
        """The cache for ``plan`` in ``folder`` (created if missing); ``None`` if unusable (no
        private key file, a folder that cannot be made, a database that cannot be opened)."""
        from qa.guard import limits

        rule_s, doc_s = limits()
        ns = f"{ruleset_version(plan)}/{plan.settings.fingerprint()}/limits {rule_s!r} {doc_s!r}".encode()
        try:
            return cls(Path(folder), ns, user_secret())
        except (OSError, sqlite3.Error):
            return None

    # ------------------------------------------------------------------ connection
    def _connect(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
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
            # a new database gives the pages of deleted values back to the file system on request
            # (``prune``); an existing one keeps its mode
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            # a database from elsewhere may carry views and triggers: let its schema call no
            # function with side effects (SQLite 3.31+; older versions ignore the pragma)
            conn.execute("PRAGMA trusted_schema = OFF")
            # a new database is made in rollback-journal mode and switched to WAL: no sync for
            # that (a cache that a crash damages is detected and rebuilt), NORMAL from then on
            conn.execute("PRAGMA synchronous = OFF")
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
            self._retry(lambda: conn.execute(
                "CREATE TABLE IF NOT EXISTS namespaces (ns BLOB PRIMARY KEY, used REAL NOT NULL) WITHOUT ROWID"))
        except BaseException:
            conn.close()
            raise
        try:
            self._note_use(conn)
        except sqlite3.OperationalError:
            pass  # busy: noted (and pruned) by a later run
        return conn

    def _note_use(self, conn: sqlite3.Connection, now: float | None = None) -> None:
        """Note that this namespace is in use (when its note is older than ``_NOTE_EVERY``), and
        then ``prune``."""
        now = time.time() if now is None else now
        row = conn.execute("SELECT used FROM namespaces WHERE ns = ?", (self.ns_id,)).fetchone()
        if row is not None and isinstance(row[0], (int, float)) and 0 <= now - row[0] < _NOTE_EVERY:
            return
        self._retry(lambda: conn.execute("INSERT OR REPLACE INTO namespaces VALUES (?, ?)", (self.ns_id, now)))
        self.prune(conn, now)

    def prune(self, conn: sqlite3.Connection, now: float | None = None) -> list[bytes]:
        """Delete the values of every namespace that ``KEEP_NAMESPACES`` others were used after
        and that was not used for ``PRUNE_AFTER_DAYS`` days (never this one's), and give the
        freed pages back. Returns the namespaces deleted."""
        now = time.time() if now is None else now
        rows = conn.execute("SELECT ns, used FROM namespaces ORDER BY used DESC, ns").fetchall()
        old = now - PRUNE_AFTER_DAYS * 86400
        gone = [ns for ns, used in rows[KEEP_NAMESPACES:]
                if ns != self.ns_id and isinstance(used, (int, float)) and used < old]
        if not gone:
            return []

        def delete():
            conn.execute("BEGIN IMMEDIATE")
            try:
                for ns in gone:
                    conn.execute("DELETE FROM results WHERE key >= ? AND key < ?", _key_range(ns))
                    conn.execute("DELETE FROM namespaces WHERE ns = ?", (ns,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        self._retry(delete)
        # (``execute`` would step the pragma once, freeing one page; a script runs it to the end)
        conn.executescript("PRAGMA incremental_vacuum;")
        return gone

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
        """The namespace's digest, then the document's key in it (``document_key``)."""
        return self.ns_id + document_key(doc, self.namespace)

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
        mac, blob = row
        if not (isinstance(mac, bytes) and isinstance(blob, bytes)
                and hmac.compare_digest(mac, _mac(self.secret, key, blob))):
            self._damaged()  # planted, forged, moved or damaged: never used
            return None
        try:
            return decode_value(blob)
        except BadValue:
            self._damaged()
            return None

    def put(self, key: bytes, value: tuple) -> None:
        """Store ``value`` (see ``encode_value``) unless it holds a ``QA000`` finding (a rule
        crashed or timed out: checking again may give the real findings) or anything that is
        not plain data."""
        if self.broken or any(f.rule == "QA000" for f in value[0]):
            return
        try:
            blob = encode_value(value)
        except (BadValue, ValueError, TypeError):
            return
        self.pending.append((key, _mac(self.secret, key, blob), blob))
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
