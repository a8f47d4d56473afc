"""``qa clean``: cleaned copies of the inputs, with an auditable fix log.

The inputs are never opened for writing, and every record of every input is kept.

* **Formats.** A text or Markdown file is written as UTF-8 text. JSON Lines (plain, ``.gz``,
  ``.zst``), CSV and Parquet files are written in their own format (and compression) with every
  record, field, type and key order kept; only the text field changes (``qa.clean_formats``).
  Records that cannot be checked are copied unchanged and reported. Bilingual files (XLIFF,
  PO/POT, TMX, source/target tables) are written in their own format with only target text
  changed (``qa.bilingual.writers``).
* **Names.** The cleaned copies mirror the inputs' paths below the deepest folder that holds
  every input (a folder argument counts as its own folder, a file argument as the folder it is
  in): ``qa clean in --out o`` writes ``o/sub/a.txt`` for ``in/sub/a.txt``, and ``qa clean
  in/a.txt other/a.txt --out o`` writes ``o/in/a.txt`` and ``o/other/a.txt``. Two inputs never
  share a cleaned copy.
* **Refusals** (before any work): ``--out`` that is an input folder or inside one, or that
  holds an input; ``--out`` that exists but was not written by ``qa clean`` and is not empty (it
  would be replaced); a fix log that is an input or that a folder walk of the inputs would read
  back (``qa.destinations``); a fix log or manifest name that is also a cleaned copy's name
  (an input called ``qa-fixes.jsonl``: give ``--fix-log``).
* **All or nothing.** Everything is written into a hidden staging folder next to ``--out``
  (``.OUT.qa-staging-PID-XXXX``); when every input is done, a manifest ``.qa-clean.json`` is
  added and the staging folder replaces ``--out`` by renaming (an earlier ``qa clean`` output
  there is removed). An interrupted run (SIGINT, SIGTERM) removes its staging folder and leaves
  ``--out`` as it was; after SIGKILL the staging folder stays until the next ``qa clean`` with an
  output folder in the same place removes it. A fix log outside ``--out`` is renamed into place
  together with the folder, so the log and the copies always belong to the same run.
"""

from __future__ import annotations

import difflib
import json
import os
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from qa.bilingual.readers import bilingual_kind
from qa.clean_formats import FileFailed, rewrite, structured
from qa.config import Settings
from qa.corpus_readers import STDIN, corpus_kind, expand_globs
from qa.curation import TEMPLATE_RULE, CorpusFindings, drop_entry
from qa.destinations import DestinationError, Inputs, check_output
from qa.engine import Plan, make_plan
from qa.cleaning import CleanedDocument, CleanOptions, checked_findings, clean_text_with, cleaned_result_of, text_digest
from qa.fixes import CleanResult
from qa.fsutil import AtomicFile, current_umask, pid_alive, raise_if_interrupted, remove_tree, short_name, signals_deferred, stale_owner
from qa.inputs import display_name
from qa.readers import JSONL_SUFFIXES, InputError, iter_files, read_path
from qa.report.jsonl import safe_line
from qa.runner.options import RunOptions, RunStats
from qa.runner.pipeline import run_files

#: The manifest qa clean writes into every output folder it completes.
MANIFEST = ".qa-clean.json"
#: The default fix log, inside the output folder.
FIX_LOG = "qa-fixes.jsonl"
_STAGING_MARK = ".qa-staging"
#: Record errors kept in the manifest and the summary (the count is always complete).
MAX_LISTED_ERRORS = 1000


class CleanError(ValueError):
    pass


class CleanRunFailed(RuntimeError):
    """Checking and fixing the documents stopped (a worker process or the Dask cluster failed):
    the run stops, no copy is kept. Not a reason of one file (the writers catch those)."""


@dataclass
class CleanSummary:
    files: int = 0
    documents: int = 0
    changed: int = 0
    edits: int = 0
    errors: int = 0
    dropped: int = 0
    log_path: str | None = None
    #: inputs with no cleaned copy: (path, reason)
    not_written: list[tuple[str, str]] = field(default_factory=list)
    #: records copied unchanged because they could not be checked: (path, id, reason), capped
    record_errors: list[tuple[str, str, str]] = field(default_factory=list)
    out_dir: str | None = None
    #: documents the writers cleaned themselves, the runner having made none for them
    #: (``Prepared``): standard input, or a record no reader of the runner saw
    cleaned_here: int = 0


def clean_text(text: str, settings: Settings | None = None, unsafe: bool = False,
               plan: Plan | None = None, markdown: bool = False, decisions=None) -> CleanResult:
    """Apply the fixes of the selected rules to ``text`` until nothing changes. ``decisions``
    (a ``qa.baseline.Baseline`` of review decisions): fixes of dismissed findings are skipped,
    unsafe fixes of accepted findings applied (``qa.baseline.decided_findings``)."""
    plan = plan or make_plan(settings or Settings())
    return clean_text_with(text, plan, unsafe, markdown, decisions)


def cleaned_texts(results, plan: Plan) -> dict[str, CleanResult]:
    """The cleaned text and its edits per document id (the HTML report's Cleaned view). Only
    documents that have a fixable finding are cleaned; the others keep their own text. A result
    that carries its cleaned text (made where it was checked: ``RunOptions.cleaned``) is not
    cleaned again."""
    out: dict[str, CleanResult] = {}
    for r in results:
        doc = getattr(r, "doc", None)
        if doc is None:
            continue
        made = getattr(r, "cleaned", None)
        out[r.id] = made if made is not None else cleaned_result_of(doc, r.findings, plan)
    return out


# --------------------------------------------------------------------------- names
def output_names(paths: Sequence[str], files: Sequence[str]) -> dict[str, str]:
    """The cleaned copy's path (relative to ``--out``) of every input file: its path below the
    deepest folder holding every input (see the module docstring). Distinct inputs get
    distinct names."""

    anchors = []
    for p in expand_globs(paths):
        if p == STDIN:
            continue
        ap = os.path.abspath(p)
        anchors.append(ap if os.path.isdir(ap) else os.path.dirname(ap))
    for f in files:  # every file lies below its argument; this only guards odd cases
        anchors.append(os.path.dirname(os.path.abspath(f)))
    root = os.path.commonpath(anchors) if anchors else os.getcwd()
    return {f: os.path.relpath(os.path.abspath(f), root) for f in files}


def _real(p: str | Path) -> str:
    return os.path.realpath(p)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


# --------------------------------------------------------------------------- the output folder
def _walk_all(folder: str) -> list[str]:
    """Every entry below ``folder`` that is not a folder (links not followed), relative."""
    out: list[str] = []
    for root, dirs, names in os.walk(folder):
        for d in list(dirs):
            if os.path.islink(os.path.join(root, d)):
                names.append(d)  # a link to a folder is an entry, not a folder to enter
                dirs.remove(d)
        out.extend(os.path.relpath(os.path.join(root, n), folder) for n in names)
    return sorted(out)


def _read_manifest(folder: str) -> dict | None:
    p = os.path.join(folder, MANIFEST)
    if os.path.islink(p) or not os.path.isfile(p):
        return None
    try:
        with open(p, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("qa_clean") == 1 else None


def _check_replaceable(out: str, shown: str) -> None:
    """``--out`` may be replaced when it does not exist, is an empty folder, or holds exactly
    what an earlier ``qa clean`` wrote there (its manifest lists every file)."""
    if not os.path.lexists(out):
        return
    if not os.path.isdir(out):
        raise CleanError(f"--out {shown!r} exists and is not a folder")
    entries = _walk_all(out)
    if not entries:
        return
    manifest = _read_manifest(out)
    if manifest is None:
        raise CleanError(f"refusing to replace --out {shown!r}: it is not empty and was not written by qa clean "
                         f"(no {MANIFEST}); choose a new or empty folder")
    known = set(manifest.get("files") or []) | {MANIFEST}
    strangers = [e for e in entries if e not in known]
    if strangers:
        raise CleanError(f"refusing to replace --out {shown!r}: it holds {strangers[0]!r}, which qa clean did "
                         "not write there; move it or choose another folder")


def sweep_stale_staging(parent: str, name: str) -> list[str]:
    """Remove staging and replaced folders (``.NAME.qa-staging-PID-*``, ``.NAME.qa-old-PID-*``)
    that qa processes which no longer exist left next to the output folder ``NAME``."""

    removed: list[str] = []
    prefixes = tuple(f".{short_name(name)}.qa-{kind}-" for kind in ("staging", "old"))
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for e in entries:
        if not e.name.startswith(prefixes):
            continue
        pid = stale_owner(e.name)
        if pid is None or pid_alive(pid):
            continue
        try:
            if not e.is_dir(follow_symlinks=False) or (uid is not None and e.stat(follow_symlinks=False).st_uid != uid):
                continue
        except OSError:
            continue
        if e.name.startswith(prefixes[0]) and not (os.path.exists(os.path.join(e.path, _STAGING_MARK))
                                                   or os.path.exists(os.path.join(e.path, MANIFEST))):
            continue  # not a staging folder qa made (a replaced output may be half removed: no mark)
        remove_tree(e.path)
        removed.append(e.name)
    return removed


class Staging:
    """A hidden folder next to ``out`` that replaces ``out`` in one rename when complete."""

    def __init__(self, out: str) -> None:
        self.out = out
        self.parent = os.path.dirname(out) or "."
        os.makedirs(self.parent, exist_ok=True)
        sweep_stale_staging(self.parent, os.path.basename(out))

        try:
            mode = os.stat(out).st_mode & 0o7777 if os.path.isdir(out) else 0o777 & ~current_umask()
        except OSError:
            mode = 0o777 & ~current_umask()
        with signals_deferred():  # a staging folder always carries its mark, so a sweep knows it
            self.dir = tempfile.mkdtemp(prefix=f".{short_name(os.path.basename(out))}.qa-staging-{os.getpid()}-",
                                        dir=self.parent)
            Path(self.dir, _STAGING_MARK).write_bytes(b"")
        os.chmod(self.dir, mode)

    def path(self, rel: str) -> Path:
        p = Path(self.dir, rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def commit(self, also=None) -> None:
        """Replace ``out`` by the staging folder (and commit ``also``, an ``AtomicFile``, with
        it); signals wait until both are in place."""
        raise_if_interrupted()  # a signal the run received stops it before the swap
        os.unlink(os.path.join(self.dir, _STAGING_MARK))
        old = None
        with signals_deferred():
            if os.path.lexists(self.out):
                old = os.path.join(self.parent, f".{short_name(os.path.basename(self.out))}.qa-old-"
                                                 f"{os.getpid()}-{secrets.token_hex(4)}")
                os.rename(self.out, old)
            os.rename(self.dir, self.out)
            if also is not None:
                also.commit()
        if old is not None:
            remove_tree(old)

    def abort(self) -> None:
        remove_tree(self.dir)


# --------------------------------------------------------------------------- the command
@dataclass
class _Layout:
    names: dict[str, str]
    out: str  # the output folder, resolved
    log_rel: str | None  # the fix log inside the output folder, or None
    log_external: str | None  # the fix log outside it


def _plan_outputs(paths: Sequence[str], files: Sequence[str], out_dir: Path, fix_log: Path | None) -> _Layout:
    if STDIN in files:
        raise CleanError("standard input ('-') can be cleaned only with --diff")
    shown = str(out_dir)
    out = _real(out_dir)
    inputs = Inputs.of(paths)
    for folder in inputs.folders:
        if _inside(out, folder):
            raise CleanError(f"refusing to write into the input folder {inputs.shown(folder)!r}; choose --out elsewhere")
    for folder in inputs.folders:
        if _inside(folder, out):
            raise CleanError(f"refusing to use --out {shown!r}: the input folder {inputs.shown(folder)!r} is inside it")
    for real, given in inputs.files.items():
        if _inside(real, out):
            raise CleanError(f"refusing to overwrite the input file {given!r}: it is inside --out {shown!r}")
    _check_replaceable(out, shown)
    names = output_names(paths, files)
    taken = {v: k for k, v in names.items()}
    if MANIFEST in taken:
        raise CleanError(f"the input {taken[MANIFEST]!r} would be cleaned to {MANIFEST}, the name of qa clean's "
                         "manifest; rename it or clean it separately")
    log_rel = log_external = None
    if fix_log is None:
        log_rel = FIX_LOG
    else:
        try:
            check_output(fix_log, inputs, "the fix log")
        except DestinationError as exc:
            raise CleanError(str(exc)) from None
        real_log = _real(fix_log)
        if _inside(real_log, out):
            log_rel = os.path.relpath(real_log, out)
        else:
            log_external = str(fix_log)
    if log_rel is not None and log_rel in taken:
        raise CleanError(f"the input {taken[log_rel]!r} would be cleaned to {log_rel!r}, where the fix log goes; "
                         "give --fix-log FILE elsewhere")
    if log_rel == MANIFEST:
        raise CleanError(f"--fix-log cannot be {MANIFEST}, the name of qa clean's manifest")
    return _Layout(names, out, log_rel, log_external)


class Prepared:
    """The documents cleaned by the runner (``RunOptions.clean``: in worker processes, on Dask
    workers, or here with one job), in input order, taken by the writers as they read the same
    records again to write each copy in its own format.

    A cleaned document is taken only for the record it was made from: the same input file, id,
    text (``qa.cleaning.text_digest``) and Markdown reading. A record with none (a reader that saw
    the file otherwise) is cleaned by the writer itself, so the copies never depend on where the
    work was done; ``local`` counts those records."""

    def __init__(self, results, files: Sequence[str]) -> None:
        self._it = iter(results)
        self._next = None
        self.failed: CleanRunFailed | None = None
        self.index: dict[str, int] = {}
        for k, f in enumerate(files):
            self.index.setdefault(display_name(f), k)
        self.local = 0

    def _peek(self):
        if self.failed is not None:  # raised again, though a writer took it for its file's error
            raise self.failed
        while self._next is None:
            try:
                res = next(self._it, None)
            except Exception as exc:  # noqa: BLE001 - not an error of the file being written
                self.failed = CleanRunFailed(f"checking the documents failed: {type(exc).__name__}: {exc}")
                raise self.failed from exc
            if res is None:
                return None
            if isinstance(getattr(res, "cleaned", None), CleanedDocument):  # not an unreadable record
                self._next = res
        return self._next

    def take(self, k: int, rec=None, markdown: bool = False) -> CleanedDocument | None:
        """The cleaned document of ``rec`` (a record of input file ``k``; None: the bilingual
        file ``k`` as a whole), or None when it was not made (the caller cleans it)."""
        while True:
            res = self._peek()
            if res is None:
                break
            at = self.index.get(res.path, -1)
            if at < k:  # made for a record no writer asked for: never used
                self._next = None
                continue
            made: CleanedDocument = res.cleaned
            if at == k and (made.bilingual is not None or made.unwritable is not None) == (rec is None) and (
                    rec is None or (res.id == rec.id and made.markdown == markdown
                                    and made.digest == text_digest(rec.text))):
                self._next = None
                return made
            break
        self.local += 1
        return None

    def finish(self) -> None:
        """The writers are done: the runner runs to its end (its statistics complete)."""
        while self._peek() is not None:
            self._next = None

    def close(self) -> None:
        close = getattr(self._it, "close", None)
        if close is not None:
            close()


class _FileCleaner:
    """Cleans the records of one input and collects their fix-log lines."""

    def __init__(self, path: str, plan: Plan, unsafe: bool, summary: CleanSummary, stdout: IO[str] | None,
                 diff: bool, per_record: bool, corpus=None, decisions=None, prepared: Prepared | None = None,
                 index: int = 0) -> None:
        self.path, self.plan, self.unsafe, self.summary = path, plan, unsafe, summary
        self.prepared, self.index = prepared, index  # the documents cleaned by the runner; this input's number
        self.decisions = decisions  # review decisions (qa.baseline.Baseline): dismissed fixes skipped
        self.stdout, self.diff, self.per_record = stdout, diff, per_record
        self.corpus = corpus  # qa.curation.CorpusFindings: duplicates to drop, template lines to remove
        self.markdown = path.lower().endswith((".md", ".markdown"))
        self.log: list[str] = []
        self.documents = self.changed = self.edits = self.dropped = 0
        self.errors: list[InputError] = []

    def document(self, rec) -> str | None:
        """The cleaned text of ``rec``, or None when ``--dedupe`` leaves it out (a duplicate)."""

        corpus = self.corpus
        self.documents += 1
        made = self.prepared.take(self.index, rec, self.markdown) if self.prepared is not None else None
        dup = corpus.duplicate(rec.path, rec.id) if corpus is not None and corpus.dedupe else None
        if dup is not None:
            self.dropped += 1
            self.log.append(safe_line(json.dumps(drop_entry(self.path, rec.id, dup), ensure_ascii=False)))
            return None
        text0, log0, reasons = corpus.template_lines(rec.path, rec.id, rec.text) if corpus is not None else (
            rec.text, [], [])
        res = made.result if made is not None and made.result is not None else clean_text_with(
            text0, self.plan, self.unsafe, self.markdown, self.decisions)
        if res.text != rec.text:
            self.changed += 1
        self.edits += len(log0) + len(res.log)
        for e, why in [*zip(log0, reasons), *((e, None) for e in res.log)]:
            entry = e.to_json(self.path)
            if why:
                entry["reason"] = why
            if self.per_record:
                entry["id"] = rec.id
            self.log.append(safe_line(json.dumps(entry, ensure_ascii=False)))
        if self.diff and self.stdout is not None and res.text != rec.text:
            label = f"{self.path}[{rec.id}]" if self.per_record else self.path
            self.stdout.writelines(difflib.unified_diff(rec.text.splitlines(True), res.text.splitlines(True),
                                                        fromfile=f"a/{label}", tofile=f"b/{label}"))
        return res.text

    def bilingual(self, kind: str, id_field: str) -> bytes:
        """A bilingual file (``qa.bilingual.writers``): the bytes of its cleaned copy, in its own
        format. Raises ``Unwritable`` when there can be no copy."""
        from qa.bilingual.writers import Unwritable, clean_copy, diff_text, log_entries

        made = self.prepared.take(self.index) if self.prepared is not None else None
        if made is not None and made.unwritable is not None:
            raise Unwritable(made.unwritable)
        if made is not None:
            from qa.inputs import read_bytes

            res, copy = made.bilingual  # type: ignore[misc]
            data = read_bytes(self.path) if self.diff else b""
        else:
            res, data, copy = clean_copy(self.path, kind, lambda d: checked_findings(d, self.plan, self.decisions),
                                         self.unsafe, id_field)
        self.documents += 1
        self.changed += res.changed
        self.edits += len(res.log)
        self.log.extend(log_entries(res, self.path))
        if self.diff and self.stdout is not None and res.changed:
            before, after = diff_text(kind, data, res, copy)
            self.stdout.writelines(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                                        fromfile=f"a/{self.path}", tofile=f"b/{self.path}"))
        return copy

    def error(self, err: InputError) -> None:
        self.errors.append(err)

    def finish(self, reason: str | None = None) -> None:
        """Count this file into the summary: its records, edits and copied-through errors when
        its copy was written (``reason`` None), else one error saying why there is no copy."""
        s = self.summary
        if reason is not None:
            s.errors += 1
            s.not_written.append((display_name(self.path), reason))
            return
        s.errors += len(self.errors)
        room = MAX_LISTED_ERRORS - len(s.record_errors)
        s.record_errors.extend((e.path, e.id, e.error) for e in self.errors[:max(0, room)])
        s.documents += self.documents
        s.changed += self.changed
        s.edits += self.edits
        s.dropped += self.dropped


def _clean_diff(files: Sequence[str], settings: Settings, plan: Plan, unsafe: bool, stdout: IO[str] | None,
                corpus=None, decisions=None, prepared: Prepared | None = None) -> CleanSummary:
    summary = CleanSummary()
    for k, path in enumerate(files):
        summary.files += 1

        cleaner = _FileCleaner(path, plan, unsafe, summary, stdout, diff=True,
                               per_record=Path(path).suffix.lower() in JSONL_SUFFIXES or corpus_kind(path) is not None,
                               corpus=corpus, decisions=decisions, prepared=prepared, index=k)
        kind = bilingual_kind(path, settings.text_field)
        if kind:
            from qa.bilingual.writers import Unwritable

            try:
                cleaner.bilingual(kind, settings.id_field)
            except Unwritable as exc:
                cleaner.finish(str(exc))
                continue
            cleaner.finish()
            continue
        for rec in read_path(path, settings.text_field, settings.id_field):
            if isinstance(rec, InputError):
                cleaner.error(rec)
            else:
                cleaner.document(rec)
        summary.errors += len(cleaner.errors)
        summary.documents += cleaner.documents
        summary.changed += cleaner.changed
        summary.edits += cleaner.edits
        summary.dropped += cleaner.dropped
    return summary


#: what _write_text_copy returns for a document ``--dedupe`` leaves out (no copy, no error)
_DROPPED = "\x00dropped"


def _write_text_copy(path: str, target: Path, cleaner: _FileCleaner, settings: Settings) -> str | None:
    """A text or Markdown input: its cleaned copy, or the reason there is none."""
    recs = list(read_path(path, settings.text_field, settings.id_field))
    docs = [r for r in recs if not isinstance(r, InputError)]
    if len(docs) != 1:
        return next((r.error for r in recs if isinstance(r, InputError)), "not readable")
    text = cleaner.document(docs[0])
    if text is None:
        return _DROPPED
    target.write_bytes(text.encode("utf-8"))
    return None


def _prepare(files: Sequence[str], plan: Plan, settings: Settings, unsafe: bool, corpus: CorpusFindings,
             decisions, run: RunOptions | None, stats: RunStats | None) -> Prepared:
    """The runner over ``files`` with ``qa clean``'s check and fix (``RunOptions.clean``)."""
    opts = replace(run) if run is not None else RunOptions()
    opts.text_field, opts.id_field = settings.text_field, settings.id_field
    opts.clean = CleanOptions(unsafe=unsafe, decisions=decisions, corpus=corpus if corpus.by_doc else None,
                              text_field=settings.text_field, id_field=settings.id_field)
    return Prepared(run_files(files, plan, opts, stats), files)


def clean_paths(paths: Sequence[str], settings: Settings, out_dir: Path | None, diff: bool = False,
                unsafe: bool = False, fix_log: Path | None = None, stdout: IO[str] | None = None,
                dedupe: bool = False, decisions=None, run: RunOptions | None = None,
                stats: RunStats | None = None) -> CleanSummary:
    """Clean ``paths`` into ``out_dir`` (or print a diff). ``run``: how the documents are checked
    and fixed (``--jobs``, ``--engine``, the result cache; default: here, one after the other,
    no cache); the copies are the same bytes whatever it says."""
    plan = make_plan(settings)

    files = list(iter_files(paths))
    mono = [f for f in files if not bilingual_kind(f, settings.text_field)]  # corpus rules: monolingual files
    corpus = CorpusFindings(mono, settings, dedupe, unsafe and any(r.code == TEMPLATE_RULE for r in plan.rules))
    if diff or out_dir is None:
        if STDIN in files:  # standard input can be read once only: cleaned here as it is read
            return _clean_diff(files, settings, plan, unsafe, stdout if diff else None, corpus, decisions)
        prepared = _prepare(files, plan, settings, unsafe, corpus, decisions, run, stats)
        try:
            summary = _clean_diff(files, settings, plan, unsafe, stdout if diff else None, corpus, decisions, prepared)
            prepared.finish()
        finally:
            prepared.close()
        summary.cleaned_here = prepared.local
        return summary

    layout = _plan_outputs(paths, files, out_dir, fix_log)
    summary = CleanSummary(out_dir=str(out_dir))
    stage = external = prepared = None
    try:
        prepared = _prepare(files, plan, settings, unsafe, corpus, decisions, run, stats)
        with signals_deferred():  # a signal after the folder is made but before ``stage`` names it would leak it
            stage = Staging(layout.out)
        if layout.log_external is not None:
            external = AtomicFile(layout.log_external)
            log_fh: IO[bytes] = external.fh
        else:
            log_fh = open(stage.path(layout.log_rel), "wb", buffering=1 << 20)  # type: ignore[arg-type]
        written: list[str] = []
        for k, path in enumerate(files):
            summary.files += 1
            rel = layout.names[path]
            target = stage.path(rel)
            kind = bilingual_kind(path, settings.text_field)
            is_structured = structured(path) and not kind
            cleaner = _FileCleaner(path, plan, unsafe, summary, None, diff=False, per_record=is_structured,
                                   corpus=corpus, decisions=decisions, prepared=prepared, index=k)
            reason = None
            if kind:  # XLIFF, PO, TMX, source/target tables: written back in their own format
                from qa.bilingual.writers import Unwritable

                try:
                    target.write_bytes(cleaner.bilingual(kind, settings.id_field))
                except Unwritable as exc:
                    reason = str(exc)
            elif is_structured:
                try:
                    with open(target, "wb", buffering=1 << 20) as sink:
                        rewrite(path, sink, cleaner.document, cleaner.error, settings.text_field, settings.id_field)
                except FileFailed as exc:
                    reason = display_name(str(exc))
            else:
                reason = _write_text_copy(path, target, cleaner, settings)
            if reason == _DROPPED:  # the whole file was a duplicate document: logged, no copy
                for line in cleaner.log:
                    log_fh.write(line.encode("utf-8", "backslashreplace") + b"\n")
                cleaner.finish()
                _prune_empty(target.parent, stage.dir)
                continue
            if reason is not None:
                target.unlink(missing_ok=True)
                _prune_empty(target.parent, stage.dir)
                cleaner.finish(reason)
                continue
            for line in cleaner.log:
                log_fh.write(line.encode("utf-8", "backslashreplace") + b"\n")  # a lone surrogate as its JSON escape
            cleaner.finish()
            written.append(rel)
        if external is None:
            log_fh.close()
            written.append(layout.log_rel)  # type: ignore[arg-type]
            summary.log_path = str(Path(out_dir) / layout.log_rel)  # type: ignore[operator]
        else:
            summary.log_path = layout.log_external
        prepared.finish()
        prepared.close()
        summary.cleaned_here = prepared.local
        _write_manifest(stage, paths, written, layout, summary)
        stage.commit(also=external)
    except BaseException as exc:
        if prepared is not None:
            prepared.close()
        if external is not None:
            external.discard()
        if stage is not None:
            stage.abort()
        if isinstance(exc, OSError):  # cannot write (permissions, disk full): a usage error, no traceback
            where = f" {exc.filename!r}" if exc.filename else ""
            raise CleanError(f"cannot write the cleaned copies{where}: {exc.strerror or exc}") from None
        raise
    return summary


def _prune_empty(folder: Path, top: str) -> None:
    """Remove folders left empty by a copy that was not kept, up to the staging folder."""
    while str(folder) != top and _inside(str(folder), top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _write_manifest(stage: Staging, paths: Sequence[str], written: list[str], layout: _Layout,
                    summary: CleanSummary) -> None:
    data = {
        "qa_clean": 1,
        "complete": True,
        "inputs": [display_name(p) for p in paths],
        "files": sorted(written),
        "fix_log": layout.log_rel if layout.log_rel is not None else display_name(layout.log_external or ""),
        "documents": summary.documents,
        "changed": summary.changed,
        "edits": summary.edits,
        "errors": summary.errors,
        "not_written": [{"file": p, "error": e} for p, e in summary.not_written],
        "copied_unchanged": [{"file": p, "id": i, "error": e} for p, i, e in summary.record_errors],
    }
    # names are kept exactly (undecodable bytes as \\udcXX escapes), so the next run can compare
    Path(stage.dir, MANIFEST).write_text(json.dumps(data, indent=1, ensure_ascii=True) + "\n", encoding="ascii")
