"""A hostile corpus, built at test time in a temporary folder (nothing binary is committed).

``build_corpus(root)`` writes one input per hostile case and returns the cases: what each input
is and what qa must do with it (``"doc"``: checked as a document; ``"error"``: one error record
whose reason contains ``reason``). ``PAYLOADS`` are public, well-known cross-site-scripting
vectors and "naughty strings"; ``payload_documents()`` builds documents that carry them in every
place a report shows text (body, title, metadata, JSON Lines ids and fields, file names).

Run ``python tests/hostile.py DIR`` to write the corpus into DIR for a manual run.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

# Public XSS vectors (OWASP filter-evasion cheat sheet, PortSwigger cheat sheet, HTML5 Security
# Cheatsheet) and "naughty strings" style entries, one per line of a document.
PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    '"><script>alert(document.domain)</script>',
    "'><script>alert(String.fromCharCode(88,83,83))</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(\'img\')">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<a href=\"javascript:alert(1)\">click me</a>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>submit</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<xmp><script>alert(1)</script></xmp>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</pre><script>alert(1)</script><pre>",
    "</style><script>alert(1)</script>",
    "<style>*{background:url(\"javascript:alert(1)\")}</style>",
    "<link rel=stylesheet href=\"https://example.invalid/x.css\">",
    "<script src=\"https://example.invalid/x.js\"></script>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "\" onmouseover=\"alert(1)",
    "' onfocus='alert(1)' autofocus='",
    "\"><svg/onload=alert(1)>",
    "`-alert(1)-`",
    "${alert(1)}",
    "{{constructor.constructor('alert(1)')()}}",
    "{{7*7}} {% raw %} {# x #}",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;b&amp;gt; &#x3C;b&#x3E; &quot;",
    "'';!--\"<XSS>=&{()}",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<div style=\"width: expression(alert(1))\">",
    "<a href=\"#\" onclick=\"alert(1)\">#</a>",
    "'; DROP TABLE users; --",
    "%s%s%s%n {0} {match} %(x)s",
    "null undefined NaN Infinity -1e309 0x0 None nil",
    "Ω≈ç√∫˜µ≤≥÷ 田中さんにあげて下さい مرحبا بالعالم שלום",
    "👩‍👩‍👧‍👦 🏳️‍🌈 𝕿𝖍𝖊 𝐪𝐮𝐢𝐜𝐤 \U0010fffd",
    "Ṯ̤͍̥͇͈h̲́e͏͓̼̗̙̼̣͔ ͇̜̱̠͓͍ͅN͕͠e̗̱z̘̝̜̺͙p̤̺̹͍̯͚e̠̻̠͜r̨̤͍̺̖͔̖̖d̠̟̭̬̝͟i̦͖̩͓͔̤a̠̗̬͉̙n͚͜",
    "\u202etxt.exe\u202c and \u2066isolate\u2069 and \u200f",
    "zero\u200bwidth\u200cjoin\u200d\ufeffchars\u2060",
    "line\u2028separator\u2029paragraph\u0085next",
    "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J",
)


def payload_text() -> str:
    """One payload per paragraph, each ending a sentence so rules see them as prose."""
    return "<script>alert('title')</script>\n\n" + "\n\n".join(f"Line {i}: {p} ok.Then more." for i, p in enumerate(PAYLOADS)) + "\n"


@dataclass(frozen=True)
class Case:
    name: str  # the file name written (relative to the corpus folder)
    what: str  # human description of the hostile case
    expect: str  # "doc" or "error"
    reason: str = ""  # for errors: a fragment of the reason
    records: int = 1  # records this input yields (JSON Lines: one per non-blank line)


def _w(root: Path, name: str, data: bytes | str) -> Path:
    p = root / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def build_corpus(root: Path, big_mb: float = 2.0) -> list[Case]:
    """Write the hostile corpus under ``root``; return the cases (sorted by file name)."""
    root.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, data: bytes | str | None, what: str, expect: str = "doc", reason: str = "", records: int = 1) -> None:
        if data is not None:
            _w(root, name, data)
        cases.append(Case(name, what, expect, reason, records))

    prose = "The committee met on Monday. It agreed on the budget.\n"
    add("binary/png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "PNG image bytes with a .txt name", "error", "binary file: NUL byte")
    add("binary/controls.txt", bytes(range(1, 9)) * 200 + b"some text",
        "control bytes without NUL", "error", "control characters")
    add("binary/one-nul.txt", prose.encode() + b"\x00" + prose.encode(),
        "text with one NUL byte in the middle", "error", "NUL byte at offset 54")
    add("binary/blob.jsonl", b'{"text": "a"}\n\x00\x01\x02\xff' * 50,
        "JSON Lines file holding binary junk", "error", "binary file")
    add("encoding/latin1.txt", "Café crème, naïve résumé.\n".encode("latin-1"),
        "Latin-1 text (not UTF-8)", "error", "byte 0xe9 at offset 3 (line 1")
    add("encoding/cp1252-quotes.txt", "He said \u201chello\u201d.\n".encode("cp1252"),
        "Windows-1252 curly quotes", "error", "byte 0x93 at offset 8")
    add("encoding/truncated.txt", "Text ends in the middle of é".encode()[:-1],
        "UTF-8 cut inside a multi-byte character", "error", "offset 27")
    add("encoding/overlong.txt", b"Overlong slash \xc0\xaf here.",
        "overlong UTF-8 encoding", "error", "byte 0xc0 at offset 15")
    add("encoding/surrogate.txt", b"Encoded surrogate \xed\xa0\x80 here.",
        "UTF-8-encoded surrogate (CESU)", "error", "byte 0xed at offset 18")
    add("encoding/utf8-bom.txt", codecs.BOM_UTF8 + prose.encode(), "UTF-8 with BOM (removed)")
    add("encoding/utf16le-bom.txt", codecs.BOM_UTF16_LE + prose.encode("utf-16-le"), "UTF-16 LE with BOM")
    add("encoding/utf16be-bom.txt", codecs.BOM_UTF16_BE + prose.encode("utf-16-be"), "UTF-16 BE with BOM")
    add("encoding/utf32le-bom.txt", codecs.BOM_UTF32_LE + prose.encode("utf-32-le"), "UTF-32 LE with BOM")
    add("encoding/utf16le-nobom.txt", prose.encode("utf-16-le"),
        "UTF-16 without BOM", "error", "try --encoding utf-16-le")
    add("encoding/fake-bom.txt", b"\xff\xfe\xfd broken",
        "bytes that only start like a UTF-16 BOM", "error", "not valid UTF-8")
    add("empty/empty.txt", b"", "empty file")
    add("empty/whitespace.txt", " \t\n\r\n \u00a0\n".encode(), "white space only")
    add("empty/empty.md", b"", "empty Markdown file")
    add("empty/empty.jsonl", b"\n\n", "JSON Lines with only blank lines", records=0)
    add("newlines/crlf.txt", prose.replace("\n", "\r\n") * 3 + "It ended there.She left.\r\n", "CRLF line endings")
    add("newlines/cr.txt", prose.replace("\n", "\r") * 3 + "It ended there.She left.\r", "CR-only line endings (old Mac)")
    add("newlines/mixed.txt", "One.\r\nTwo.\rThree.\nIt ended there.She left.\r\n\rEnd, , here.\n", "mixed line endings")
    add("text/escapes.txt", "Log: \x1b[31mERROR\x1b[0m happened.\x07 Then \x1b]0;pwned\x07 it went on.\n",
        "terminal escape sequences in text")
    add("text/rtl.txt", "Invoice \u202etxt.exe\u202c and \u2067שלום\u2069 ok.Then \u200fend.\n",
        "right-to-left overrides and isolates")
    add("text/astral.md", "# 𝕿𝖎𝖙𝖑𝖊 👩‍👩‍👧‍👦\n\nAuthor: 🦄\n\nZ̤͍̥a̲l̗̱g̘o text. It ended there.She left. 😀, , ok.\n",
        "astral characters, emoji ZWJ sequences, combining marks")
    add("text/long-line.txt", ("word " * int(big_mb * 1024 * 1024 / 5)) + "end.\n",
        f"one {big_mb:g} MB line")
    n = max(1000, int(big_mb * 50000))
    add("text/punct-storm.txt", ". , " * n + "\n" + "!?" * n + "\n" + "“" * (n // 2) + "\n" + "\t" * n + "x\n"
        + "1" * n + "st\n" + "a" * n + ".\n" + " \n" * n + "Author: a" + "\t" * n + "b\n",
        "punctuation storm (backtracking bait)")
    add("text/no-newline-at-end.txt", "Single line without a newline.She left", "no final newline")
    add("xss/payloads.txt", payload_text(), "XSS vectors and naughty strings (plain text)")
    add("xss/payloads.md", "# <img src=x onerror=alert('t')> Title\n\nAuthor: <script>alert('a')</script>\n"
        "Source: javascript:alert(1)\n\n" + payload_text(), "XSS in Markdown title and metadata")
    jl = [json.dumps({"id": p, "text": f"Record {i}: {p} ok.Then more.", "author": p}, ensure_ascii=False)
          for i, p in enumerate(PAYLOADS[:20])]
    add("xss/payloads.jsonl", "\n".join(jl) + "\n", "XSS in JSON Lines ids, text and fields", records=len(jl))
    add("jsonl/damaged.jsonl", "\n".join([
        json.dumps({"id": "ok-1", "text": "A good record.She left."}),
        "{not json",
        json.dumps([1, 2, 3]),
        json.dumps({"id": "no-text", "body": "x"}),
        '{"id": "lone", "text": "bad \\ud800 surrogate"}',
        '{"id": "nested", "text": ' + "[" * 100000 + "]" * 100000 + "}",
        '{"id": "nan", "text": "Not a number: ok.", "score": NaN}',
        '{"id": "ok-2", "text": "Another good one."}',
        ]).encode() + b"\n" + b'{"id": "latin", "text": "caf\xe9"}\n',
        "JSON Lines with bad JSON, non-objects, missing fields, lone surrogates, deep nesting, bad UTF-8",
        records=9)
    # truncated and empty containers
    import gzip

    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    jl_bytes = "".join(json.dumps({"id": f"z{i}", "text": prose}) + "\n" for i in range(50)).encode()
    add("containers/truncated.jsonl.zst", zstandard.ZstdCompressor().compress(jl_bytes)[:-20],
        "a .zst file cut short (inside its frame)", "error", "the file is truncated")
    add("containers/truncated.jsonl.gz", gzip.compress(jl_bytes)[:12],
        "a .gz file cut short", "error", "ended before the end-of-stream marker")
    buf = io.BytesIO()
    pq.write_table(pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())}), buf)
    add("containers/no-rows.parquet", buf.getvalue(), "a Parquet file with no rows", "error", "holds no rows")
    # names
    add("names/<svg onload=alert(1)>.txt", "A file whose name is markup.\n", "markup in the file name")
    add("names/quote\"'&amp;.md", "# Quotes\n\nBody.\n", "quotes and entities in the file name")
    add("names/new\nline.txt", "Name with a newline.\n", "newline in the file name")
    add("names/rlo-\u202etxt.exe.txt", "Name with a right-to-left override.\n", "bidi override in the file name")
    bad_name = os.fsencode(str(root / "names")) + b"/latin1-\xe9.txt"
    with open(bad_name, "wb") as fh:
        fh.write(b"A name that is not UTF-8.\n")
    cases.append(Case("names/latin1-\udce9.txt", "file name bytes that are not UTF-8", "doc"))
    add("names/dir-named.txt/inner.txt", "A folder whose name ends in .txt.\n", "folder named like a text file")
    # links and special files
    (root / "links").mkdir()
    os.symlink("self-loop.txt", root / "links" / "self-loop.txt")
    cases.append(Case("links/self-loop.txt", "symbolic link pointing at itself", "error", "symbolic-link loop"))
    os.symlink("ping.txt", root / "links" / "pong.txt")
    os.symlink("pong.txt", root / "links" / "ping.txt")
    cases.append(Case("links/ping.txt", "two links pointing at each other", "error", "symbolic-link loop"))
    cases.append(Case("links/pong.txt", "two links pointing at each other", "error", "symbolic-link loop"))
    os.symlink("does-not-exist.txt", root / "links" / "dangling.txt")
    cases.append(Case("links/dangling.txt", "dangling symbolic link", "error", "No such file"))
    os.symlink("..", root / "links" / "up")  # a folder loop: walking must not follow it
    outside = root.parent / f"{root.name}-outside-secret.txt"
    outside.write_text("A private file outside the corpus folder.\n", encoding="utf-8")
    os.symlink(outside, root / "links" / "to-outside.txt")
    cases.append(Case("links/to-outside.txt", "link to a file outside the corpus folder", "error",
                      "leads out of the input folder: not followed"))
    os.symlink("rtl.txt", root / "text" / "zz-link-to-rtl.txt")  # walked after text/rtl.txt
    cases.append(Case("text/zz-link-to-rtl.txt", "link to a file already in the corpus (duplicate)", "dup"))
    (root / "special").mkdir()
    os.mkfifo(root / "special" / "fifo.txt")
    cases.append(Case("special/fifo.txt", "a FIFO (named pipe) with a .txt name", "error", "not a regular file: FIFO"))
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        p = _w(root, "special/unreadable.txt", "secret\n")
        p.chmod(0)
        cases.append(Case("special/unreadable.txt", "file without read permission", "error", "Permission denied"))
    return sorted(cases, key=lambda c: c.name)


def cleanup(root: Path) -> None:
    """Make everything removable again (permissions)."""
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                try:
                    os.chmod(p, stat.S_IRUSR | stat.S_IWUSR)
                except OSError:
                    pass


def time_documents(root: Path) -> list[tuple[float, str]]:
    """Seconds each document of the corpus takes (read + all rules), slowest first."""
    import time

    from qa.config import Settings
    from qa.engine import check_document, make_plan
    from qa.readers import InputError, iter_files, read_path

    plan = make_plan(Settings())
    out = []
    for path in iter_files([str(root)]):
        t0 = time.perf_counter()
        for rec in read_path(path):
            if not isinstance(rec, InputError):
                check_document(rec, plan)
                _ = rec.sentences
        out.append((time.perf_counter() - t0, path))
    return sorted(out, reverse=True)


if __name__ == "__main__":  # pragma: no cover - manual use
    # python tests/hostile.py DIR [BIG_MB] [--time]
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    big = float(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != "--time" else 2.0
    for c in build_corpus(target, big_mb=big):
        print(f"{c.expect:6} {c.name!r}: {c.what}" + (f" -> {c.reason}" if c.reason else ""))
    if "--time" in sys.argv:
        for seconds, path in time_documents(target)[:10]:
            print(f"{seconds:8.2f}s  {path}")
