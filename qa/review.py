"""``qa review``: serve the HTML report on the loopback interface and keep one decisions file.

The report is the one ``qa check --html`` writes, served from a private temporary folder by a
standard-library HTTP server bound to ``127.0.0.1`` on a free port. Every URL starts with a
per-run secret token (``http://127.0.0.1:PORT/TOKEN/index.html``); a request without it, or with
a ``Host`` header other than ``127.0.0.1:PORT`` / ``localhost:PORT`` (DNS rebinding), gets 404 or
403, so other local users' pages can neither read the findings nor post decisions.

Each Accept / Dismiss / Ignore all similar / Undo click is one ``POST TOKEN/api/decide`` and is
written straight into the decisions file (format: ``qa.baseline``, version 2): the file is read
again, changed and replaced atomically under a lock (a thread lock for two tabs of one server and
an ``flock`` on ``FILE.lock`` for two servers), so no click is lost. A decision keeps the rule, the
fingerprint (or the similar key), the document path relative to the file's folder, the matched
text, the reviewer, the reason and the time. ``qa check --baseline FILE`` and ``qa clean
--decisions FILE`` read the same file.
"""

from __future__ import annotations

import hmac
import json
import mimetypes
import os
import secrets
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from qa.baseline import FINGERPRINT_VERSION, FORMAT_VERSION, BaselineError, parse_baseline, result_fingerprints, similar_key
from qa.fsutil import atomic_write_bytes
from qa.model import FileResult

OPS = ("accept", "dismiss", "undo")
MAX_BODY = 64 * 1024


def _rel(path: str, root: Path) -> str:
    if not path or path == "-":
        return ""
    try:
        return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    except ValueError:  # another drive
        return os.path.abspath(path)


class DecisionStore:
    """The decisions file, changed one decision at a time and replaced atomically."""

    def __init__(self, path: str | Path, reviewer: str, results: Iterable[FileResult] = ()) -> None:
        self.path = Path(path).absolute()
        self.root = self.path.parent
        self.reviewer = reviewer
        self._lock = threading.Lock()
        #: the findings this run knows: fingerprint -> (rule, document path, text); similar key -> (rule, text)
        self.known: dict[str, tuple[str, str, str]] = {}
        self.similar: dict[str, tuple[str, str]] = {}
        self.read()  # a broken file is an error before any work
        self.learn(results)

    def learn(self, results: Iterable[FileResult]) -> None:
        """Know the findings of ``results`` (only known fingerprints may be decided)."""
        for r in results:
            if r.doc is None or r.error:
                continue
            for f, fp in zip(r.findings, result_fingerprints(r)):
                t = r.doc.text[f.start:f.end]
                self.known.setdefault(fp, (f.rule, _rel(r.path, self.root), t))
                self.similar.setdefault(similar_key(f.rule, t), (f.rule, t))

    @contextmanager
    def _locked(self):
        with self._lock:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - not POSIX
                yield
                return
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(str(self.path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    def read(self) -> dict[str, object]:
        """The file as a JSON object (a new one when it does not exist yet)."""
        if not self.path.exists():
            return {"version": FORMAT_VERSION, "fingerprint": FINGERPRINT_VERSION, "decisions": []}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BaselineError(f"{self.path}: cannot read decisions: {exc}") from None
        parse_baseline(data, str(self.path), self.root)  # checks the shape
        if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            raise BaselineError(f"{self.path}: a version 1 file; rewrite it with `qa baseline` first")
        data.setdefault("decisions", [])
        return data

    def decisions(self) -> list[dict[str, object]]:
        with self._locked():
            return list(self.read()["decisions"])  # type: ignore[arg-type]

    def decide(self, op: str, fingerprint: str = "", similar: str = "", reason: str = "") -> list[dict[str, object]]:
        """Record (or with ``undo`` remove) one decision; returns every decision in the file."""
        if op not in OPS:
            raise ValueError(f"op must be one of {', '.join(OPS)}")
        if bool(fingerprint) == bool(similar):
            raise ValueError("give either a fingerprint or a similar key")
        if fingerprint and fingerprint not in self.known:
            raise ValueError("unknown fingerprint")
        if similar and similar not in self.similar:
            raise ValueError("unknown similar key")
        if similar and op == "accept":
            raise ValueError("'ignore all similar' only dismisses")
        field, key = ("fingerprint", fingerprint) if fingerprint else ("similar", similar)
        with self._locked():
            data = self.read()
            rows = [d for d in data["decisions"] if not (isinstance(d, dict) and d.get(field) == key  # type: ignore[union-attr]
                                                        and (field == "similar" or "similar" not in d))]
            if op != "undo":
                row: dict[str, object] = {field: key, "decision": op}
                if fingerprint:
                    rule, path, text = self.known[fingerprint]
                    row.update(rule=rule, path=path, text=text)
                else:
                    rule, text = self.similar[similar]
                    row.update(rule=rule, text=text)
                row.update(reviewer=self.reviewer, reason=str(reason)[:2000],
                           time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
                rows.append(row)
            rows.sort(key=lambda d: (str(d.get("rule", "")), str(d.get("path", "")), str(d.get("fingerprint") or d.get("similar"))))
            data["decisions"] = rows
            atomic_write_bytes(self.path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass"))
            return rows


_REVIEW_CSP = ("default-src 'none'", "default-src 'none'; connect-src 'self'")


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, report_dir: str | Path, store: DecisionStore, port: int = 0, token: str | None = None) -> None:
        self.report_dir = Path(report_dir).resolve()
        self.store = store
        self.token = token or secrets.token_urlsafe(24)
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.token}/index.html"


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass

    def _send(self, code: int, body: bytes, ctype: str = "text/plain; charset=utf-8") -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, code: int, obj: object) -> None:
        self._send(code, json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass"), "application/json")

    def _route(self) -> str | None:
        """The path after the token, or None (the response is sent) when the request is refused."""
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in (f"127.0.0.1:{self.server.port}", f"localhost:{self.server.port}"):
            self._send(403, b"forbidden host\n")
            return None
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        parts = path.split("/", 2)
        if len(parts) < 3 or not hmac.compare_digest(parts[1].encode(), self.server.token.encode()):
            self._send(404, b"not found\n")
            return None
        return parts[2]

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        rest = self._route()
        if rest is None:
            return
        if rest == "api/decisions":
            self._json(200, {"decisions": self.server.store.decisions(), "reviewer": self.server.store.reviewer,
                             "file": str(self.server.store.path)})
            return
        from urllib.parse import unquote

        target = (self.server.report_dir / unquote(rest or "index.html")).resolve()
        if not target.is_relative_to(self.server.report_dir) or not target.is_file():
            self._send(404, b"not found\n")
            return
        body = target.read_bytes()
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".html":
            # the same page as on disk, allowed to talk to this server (and nothing else)
            body = body.replace(_REVIEW_CSP[0].encode(), _REVIEW_CSP[1].encode(), 1)
            ctype = "text/html; charset=utf-8"
        self._send(200, body, ctype)

    def do_POST(self) -> None:  # noqa: N802
        rest = self._route()
        if rest is None:
            return
        if rest != "api/decide":
            self._send(404, b"not found\n")
            return
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            self._send(415, b"JSON only\n")
            return
        try:
            n = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            n = -1
        if not 0 < n <= MAX_BODY:
            self._send(413, b"bad length\n")
            return
        try:
            req = json.loads(self.rfile.read(n).decode("utf-8"))
            if not isinstance(req, dict):
                raise ValueError("a JSON object")
            rows = self.server.store.decide(str(req.get("op", "")), str(req.get("fingerprint") or ""),
                                            str(req.get("similar") or ""), str(req.get("reason") or ""))
        except (ValueError, UnicodeDecodeError) as exc:
            self._json(400, {"error": str(exc)})
            return
        except OSError as exc:
            self._json(500, {"error": f"cannot write the decisions file: {exc.strerror or exc}"})
            return
        self._json(200, {"decisions": rows})


def reviewer_name(given: str | None) -> str:
    if given:
        return given
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "reviewer"


__all__ = ["DecisionStore", "ReviewServer", "reviewer_name", "run_review"]


def run_review(paths, settings, decisions: str | Path, reviewer: str | None, open_browser: bool = True,
               port: int = 0, jobs: int | None = None, ready=None) -> int:
    """Check ``paths`` with ``settings`` (the runner of ``qa check``), write the report into a
    private temporary folder and serve it until interrupted. ``ready(server)`` is called once
    it listens (tests). Returns the exit code."""
    import shutil
    import sys
    import tempfile

    from qa.runner.options import RunOptions, RunStats, default_jobs
    from qa.runner.pipeline import run
    from qa.runner.terminal import ProgressBar, progress_wanted
    from qa.cache import cache_dir_for
    from qa.clean import cleaned_texts
    from qa.engine import make_plan
    from qa.fsutil import Interrupted
    from qa.report.html import write_reports

    plan = make_plan(settings)
    started = time.perf_counter()
    opts = RunOptions(jobs=default_jobs() if jobs is None else jobs,
                               cache_dir=cache_dir_for(False, None, settings),
                               text_field=settings.text_field, id_field=settings.id_field, cleaned=True)
    stats = RunStats()
    store = DecisionStore(decisions, reviewer_name(reviewer))
    sys.stderr.write("qa review: checking...\n")
    sys.stderr.flush()
    progress = ProgressBar(stats) if progress_wanted() else None
    opts.measure_input = progress is not None
    results = []
    try:
        if progress is not None:
            progress.update()
        for res in run(paths, plan, opts, stats):
            results.append(res)
            if progress is not None:
                progress.update()
        if progress is not None:
            progress.finish()
    finally:
        if progress is not None:
            progress.close()
    store.learn(results)
    tmp = tempfile.mkdtemp(prefix="qa-review-")  # mode 0700: other users cannot read the pages
    try:
        cleaned = cleaned_texts(results if progress is None else progress.phase("preparing HTML", results), plan)
        write_reports(results if progress is None else progress.phase("writing HTML", results), tmp, paths, plan.rules,
                      cleaned=cleaned)
        server = ReviewServer(tmp, store, port)
        n = sum(len(r.findings) for r in results)
        sys.stderr.write(f"qa review: {len(results)} document(s), {n} finding(s) in {time.perf_counter() - started:.1f}s\n"
                         f"qa review: decisions are written to {store.path}\n"
                         f"qa review: open {server.url}  (Ctrl-C to stop)\n")
        sys.stderr.flush()
        if ready is not None:
            ready(server)
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        try:
            server.serve_forever(poll_interval=0.2)
        except (KeyboardInterrupt, Interrupted):
            sys.stderr.write(f"\nqa review: stopped; decisions in {store.path}\n")
        finally:
            server.server_close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0
