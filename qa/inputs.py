"""Input policy: how qa turns a path into text, and what it does with inputs it cannot read.

Every input yields exactly one record: a document, or an error that names the reason. A batch
never stops for one bad input; the run exits with 2 after everything else was checked.

Text encoding
    * **UTF-8 is the default.** A leading byte order mark (BOM) is removed; nothing else is
      changed (no newline translation, no Unicode normalisation), so offsets in findings are
      code-point offsets into exactly the text in the file after the BOM.
    * **UTF-16 and UTF-32 with a BOM** are recognised and decoded (the BOM is removed), unless
      the result is implausible (more than 1 % unassigned, private-use or control code points in
      its head): then the bytes only looked like a BOM and the UTF-8 rule below applies.
    * ``--encoding NAME`` decodes every file with the named codec (``latin-1``, ``cp1252``,
      ``utf-16-le`` ...). A leading U+FEFF is still removed.
    * ``--encoding auto`` decodes UTF-8 first and, for a file that is not valid UTF-8, asks
      charset-normalizer for its best guess and checks the text decoded that way (a file with
      no plausible guess is an error as below).
    * Otherwise a file that is not valid UTF-8 is an **error naming the byte offset and line** of
      the first bad byte, e.g. ``not valid UTF-8: byte 0xe9 at offset 812 (line 14)``.

Binary files
    A file with a NUL byte, or where more than 10 % of the first 64 KiB are control bytes other
    than tab, newline, carriage return and form feed, is **skipped** with the reason
    (``binary file: NUL byte at offset 18``). NUL bytes in a pattern typical of UTF-16 without a
    BOM get a hint to use ``--encoding utf-16-le`` / ``utf-16-be``.

Empty and white-space-only files
    Valid: they yield a document with no findings.

Line endings
    ``\\r\\n``, ``\\r`` and ``\\n`` (also mixed in one file) are kept as they are; lines and
    columns count any of them as one line break (``qa.document``).

Paths that are not ordinary files
    The path is ``stat``-ed before it is opened, and only regular files are opened: a FIFO
    (named pipe), socket, character or block device is an error record (``not a regular file:
    FIFO``), never read, so nothing hangs. The file is then opened read-only and non-blocking,
    and checked again on the open descriptor (a path swapped for a FIFO in between is caught).
    Symbolic-link loops, dangling links, unreadable files and files that vanish between the
    directory walk and the read are error records naming the operating system's reason.
    Directories are walked without following links to folders, so a link loop cannot recurse.

Symbolic links
    In a folder, a link to a file inside the same folder tree is read; a link that leads out of
    it (``docs/key.txt -> ~/.ssh/id_rsa``) is not followed: it is an error record (``a symbolic
    link that leads out of the input folder: not followed``), so its target's text never reaches
    a report or a cleaned copy and the run says so (exit 2). Links to folders are not walked. A
    glob pattern's matches are held to the folder the pattern searches (``docs/**/*.txt``:
    ``docs/``). A path named on the command line is read even if it is a link (it was named).
    ``--follow-links`` (``follow-links = true``) follows every link, folders included (each
    folder once).

Duplicate paths
    The same file named twice (``a.txt a.txt``, ``./a.txt``, a folder and a file inside it, or
    a symbolic link to a file already given) is read once, at its first mention.

Size limit
    ``--max-bytes N`` (default 64 MiB, ``0`` for no limit) makes a larger file an error record
    (``too large: ... bytes, over the --max-bytes limit of ...``) instead of a long run. For
    JSON Lines the limit applies to each record's line.

Names that are not text
    A file name with bytes that are not UTF-8, or with control or bidirectional-override
    characters, is shown with those characters escaped (``bad\\xff.txt``, ``a\\u202e.txt``) in
    every output, so a name can neither break an output file nor reorder what a terminal shows.

JSON Lines
    Each line is one record; a line that is not valid UTF-8 or JSON, is nested too deeply, has no
    string text field, or whose text holds an unpaired surrogate escape (``"\\ud800"``) is an
    error record for that line, naming it. Blank lines are skipped.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

#: Default ``--max-bytes``: larger files are reported, not read.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Share of control bytes (in the sniffed head) above which a file counts as binary.
CONTROL_SHARE = 0.10
_SNIFF = 64 * 1024

# Control bytes that text files do not contain: C0 controls except \t \n \v \f \r, and DEL.
# ESC (0x1b) counts: a few ANSI colour codes stay under the threshold, a binary blob does not.
_TEXT_BYTES = bytes(b for b in range(256) if not (b < 0x20 and b not in (9, 10, 11, 12, 13)) and b != 0x7F)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class InputProblem(ValueError):
    """An input that cannot be checked; ``str(exc)`` is the reason shown in every output."""


@dataclass(frozen=True)
class InputPolicy:
    #: ``utf-8`` (default: BOM-aware UTF-8/16/32), ``auto`` (adds charset-normalizer), or a codec
    encoding: str = "utf-8"
    #: largest file (or JSON Lines record) read, in bytes; 0 or None means no limit
    max_bytes: int | None = DEFAULT_MAX_BYTES
    #: follow symbolic links that lead out of an input folder, and write through links inside an
    #: output folder (``--follow-links``); off by default
    follow_links: bool = False


_policy = InputPolicy()


def policy() -> InputPolicy:
    return _policy


def set_policy(encoding: str | None = None, max_bytes: int | None = None,
               follow_links: bool | None = None) -> InputPolicy:
    """Set the process-wide input policy (the CLI does this from its flags). Returns it."""
    global _policy
    changes: dict[str, object] = {}
    if follow_links is not None:
        changes["follow_links"] = bool(follow_links)
    if encoding is not None:
        changes["encoding"] = check_encoding(encoding)
    if max_bytes is not None:
        if max_bytes < 0:
            raise ValueError("--max-bytes must be 0 (no limit) or a positive number of bytes")
        changes["max_bytes"] = max_bytes or None
    _policy = replace(_policy, **changes)  # type: ignore[arg-type]
    return _policy


@contextmanager
def using_policy(p: InputPolicy) -> Iterator[InputPolicy]:
    global _policy
    old, _policy = _policy, p
    try:
        yield p
    finally:
        _policy = old


def check_encoding(name: str) -> str:
    """Validate an ``--encoding`` value; returns its canonical form."""
    low = name.strip().lower()
    if low in ("auto", "utf-8", "utf8"):
        return "auto" if low == "auto" else "utf-8"
    try:
        return codecs.lookup(low).name
    except LookupError:
        raise ValueError(f"unknown encoding {name!r} (use a Python codec name such as latin-1, "
                         "cp1252, utf-16-le, or 'auto')") from None


# --------------------------------------------------------------------------- decoding
def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary, or None. Looks at NUL bytes and the share of control bytes."""
    head = data[:_SNIFF]
    nul = data.find(b"\x00")
    if nul != -1:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        half = max(1, len(head) // 2)
        if odd > 0.3 * half and even == 0:
            hint = " (it looks like UTF-16 little-endian without a BOM: try --encoding utf-16-le)"
        elif even > 0.3 * half and odd == 0:
            hint = " (it looks like UTF-16 big-endian without a BOM: try --encoding utf-16-be)"
        else:
            hint = ""
        return f"binary file: NUL byte at offset {nul}{hint}"
    if head:
        controls = len(head.translate(None, _TEXT_BYTES))  # what is left after deleting text bytes
        if controls > CONTROL_SHARE * len(head):
            return (f"binary file: {controls} of the first {len(head)} bytes are control "
                    "characters")
    return None


def _bad_byte(data: bytes, exc: UnicodeDecodeError, what: str) -> InputProblem:
    off = exc.start
    line = data.count(b"\n", 0, off) + 1
    hint = "" if what != "UTF-8" else "; use --encoding NAME (or --encoding auto) if it is another encoding"
    return InputProblem(f"not valid {what}: byte 0x{data[off]:02x} at offset {off} (line {line}, "
                        f"{exc.reason}){hint}")


def decode_bytes(data: bytes, encoding: str | None = None) -> str:
    """Bytes -> text under the input policy (see the module docstring). Raises ``InputProblem``."""
    enc = check_encoding(encoding) if encoding else _policy.encoding
    if enc not in ("utf-8", "auto"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            raise _bad_byte(data, exc, enc) from None
        if "\x00" in text:
            raise InputProblem(f"binary file: NUL character at offset {text.index(chr(0))} after "
                               f"decoding as {enc}")
        return text[1:] if text.startswith("\ufeff") else text
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                if codec != "utf-8":
                    break  # not really UTF-16/32 (e.g. Latin-1 text starting with "ÿþ")
                exc.start += len(bom)
                raise _bad_byte(data, exc, "UTF-8") from None
            if codec != "utf-8" and not _plausible(text):
                break
            if "\x00" in text:
                raise InputProblem(f"binary file: NUL character at offset {text.index(chr(0))} "
                                   f"after decoding as {codec}")
            return text
    reason = binary_reason(data)
    if reason:
        raise InputProblem(reason)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if enc == "auto":
            guessed = _guess(data)
            if guessed is not None:
                return guessed
        raise _bad_byte(data, exc, "UTF-8") from None


def _plausible(text: str) -> bool:
    """UTF-16/32 decoding of bytes that only happen to start like a BOM gives unassigned,
    private-use or control code points; real text has (almost) none."""
    import unicodedata

    head = text[:4096]
    odd = sum(1 for c in head if unicodedata.category(c) in ("Cn", "Co", "Cs") or (c < " " and c not in "\t\n\r\f\v"))
    return odd * 100 <= len(head)


def _guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        return None
    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    if "\x00" in text:
        return None
    return text[1:] if text.startswith("\ufeff") else text


# --------------------------------------------------------------------------- reading
_KINDS = (
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "directory"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "special file"


def os_reason(exc: OSError) -> str:
    import errno

    detail = exc.strerror or str(exc)
    if exc.errno == errno.ENOENT:
        return f"cannot read: {detail} (missing, a dangling link, or removed during the run)"
    if exc.errno == errno.ELOOP:
        return f"cannot read: {detail} (a symbolic-link loop)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot read: {detail} (no read permission)"
    return f"cannot read: {detail}"


def open_input(path: str, limit: int | None = None):
    """Open a regular file read-only (binary), never a FIFO or device. Raises ``InputProblem``.

    ``limit`` (bytes) rejects a larger file before reading it."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise InputProblem(f"not a regular file: {_kind(st.st_mode)}; skipped without reading it")
        if limit and st.st_size > limit:
            raise InputProblem(f"too large: {st.st_size} bytes, over the --max-bytes limit of {limit}")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputProblem(os_reason(exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped between stat and open
            raise InputProblem(f"not a regular file: {_kind(st.st_mode)}; skipped without reading it")
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    global _last_opened
    _last_opened = (weakref.ref(fh), st.st_dev, st.st_ino)
    return fh


#: the file ``open_input`` opened last, for ``reading_position``: (weak reference, device, inode)
_last_opened: tuple | None = None


def reading_position(path: str) -> int | None:
    """How far into ``path`` the readers are (bytes), when it is the file opened last and still
    open; else None. An estimate of progress: readers read ahead, compressed files are counted in
    compressed bytes."""
    if _last_opened is None:
        return None
    ref, dev, ino = _last_opened
    fh = ref()
    if fh is None or fh.closed:
        return None
    try:
        st = os.stat(path)
        if (st.st_dev, st.st_ino) != (dev, ino):
            return None
        return os.lseek(fh.fileno(), 0, os.SEEK_CUR)
    except (OSError, ValueError):
        return None


def read_bytes(path: str, limit: int | None = None) -> bytes:
    limit = _policy.max_bytes if limit is None else (limit or None)
    fh = open_input(path, limit)
    try:
        with fh:
            data = fh.read(limit + 1) if limit else fh.read()
    except OSError as exc:
        raise InputProblem(os_reason(exc)) from None
    if limit and len(data) > limit:  # grew after the stat
        raise InputProblem(f"too large: over the --max-bytes limit of {limit} bytes")
    return data


def read_text(path: str) -> str:
    """A text file under the input policy. Raises ``InputProblem`` naming the reason."""
    return decode_bytes(read_bytes(path))


# --------------------------------------------------------------------------- names and paths
_UNSAFE_NAME_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape_char(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    if 0xDC80 <= c <= 0xDCFF:  # an undecodable byte kept by the file system encoding
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def display_name(name: str) -> str:
    """A path or id safe for every output: undecodable bytes, control and bidirectional
    override characters are written as escapes (``\\xff``, ``\\u202e``)."""
    return _UNSAFE_NAME_CHARS.sub(_escape_char, name)


def unpaired_surrogate(text: str) -> int | None:
    """Offset of the first unpaired surrogate code point (only JSON escapes can make one)."""
    m = _SURROGATE_RE.search(text)
    return m.start() if m else None


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def unique_files(paths: Iterable[str]) -> Iterator[str]:
    """Drop later mentions of a file already seen (same resolved path). ``-`` passes through."""
    seen: set[str] = set()
    for p in paths:
        if p == "-" or getattr(p, "not_followed", False):  # stdin, or a link not read (qa.readers)
            yield p
            continue
        try:
            key = os.path.realpath(p)
        except (OSError, ValueError):
            key = os.path.abspath(p)
        if key in seen:
            continue
        seen.add(key)
        yield p


__all__ = [
    "DEFAULT_MAX_BYTES", "InputPolicy", "InputProblem", "binary_reason", "check_encoding",
    "decode_bytes", "display_name", "open_input", "policy", "read_bytes", "read_text",
    "set_policy", "unique_files", "unpaired_surrogate", "using_policy",
]
