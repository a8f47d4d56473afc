"""HTML reports: one self-contained page per document, an index, and rule pages.

Every byte of checked text goes through Jinja2's autoescaping (element text and attributes),
or, for the index's rows, into one JSON data block (``<script type="application/json">``, which
no browser runs) written by ``inert_json`` so that no ``<``, ``>`` or ``&`` appears in it; no
checked text is ever placed in a script, a style or an event handler. Pages carry a strict
Content-Security-Policy: ``default-src 'none'``, the one inline style and the one inline script
allowed by their SHA-256 hashes, no network.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from qa.docs import markdown_to_html, rule_markdown
from qa.fsutil import atomic_write_text
from qa.model import CATEGORIES, FileResult, Rule
from qa.report.jsonl import finding_dict


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                      keep_trailing_newline=True)
    return env


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    """A file of ``qa/templates``, read once per process."""
    return resources.files("qa").joinpath("templates", name).read_text(encoding="utf-8")


def _template(name: str):
    """A template of ``qa/templates``, compiled once per process and environment (compiling
    costs far more than rendering a page)."""
    return _compiled(_env(), name)


@lru_cache(maxsize=16)
def _compiled(env: Environment, name: str):
    return env.from_string(_asset(name))


def _sha(s: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"


def csp(css: str, script: str | None) -> Markup:
    # (frame-ancestors is not listed: browsers ignore it in a <meta> policy and log an error)
    parts = ["default-src 'none'", f"style-src {_sha(css)}", "img-src 'none'", "base-uri 'none'",
             "form-action 'none'"]
    parts.insert(1, f"script-src {_sha(script)}" if script else "script-src 'none'")
    # our own constant text and base64 hashes: no user data, safe to place unescaped
    return Markup("; ".join(parts))


_INVISIBLE_RE = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]")


def visible(s: str) -> str:
    """Show invisible and control characters in a quoted span as <U+XXXX> (display only)."""
    return _INVISIBLE_RE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", s)


def fingerprint_key(r: FileResult, f: dict[str, object]) -> str:
    """A stable key for review decisions (baseline fingerprint when available)."""
    try:
        from qa.baseline import fingerprint  # type: ignore[import-not-found]

        return str(fingerprint(r, f))
    except Exception:  # noqa: BLE001 - baseline module optional
        raw = f"{r.id}|{f['rule']}|{f['text']}|{f['start']}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def segments(text: str, findings: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """Split the text at every finding boundary; each piece knows which findings cover it."""
    bounds = {0, len(text)}
    pins: dict[int, list[int]] = {}
    for i, f in enumerate(findings):
        a, b = int(f["start"]), int(f["end"])  # type: ignore[arg-type]
        if a == b:
            pins.setdefault(a, []).append(i)
        bounds.update((a, b))
    cuts = sorted(bounds)
    # findings sorted by start; sweep with an active list
    out: list[dict[str, object]] = []
    order = sorted(range(len(findings)), key=lambda i: int(findings[i]["start"]))  # type: ignore[arg-type]
    active: list[int] = []
    j = 0
    for k in range(len(cuts) - 1):
        a, b = cuts[k], cuts[k + 1]
        if a in pins:
            ids = pins[a]
            f0 = findings[ids[0]]
            out.append({"pin": True, "ids": " ".join(map(str, ids)), "first": ids[0],
                        "cls": f"cat-{f0['category']} sev-{f0['severity']}",
                        "title": " | ".join(f"{findings[i]['rule']}: {findings[i]['message']}" for i in ids)})
        while j < len(order) and int(findings[order[j]]["start"]) <= a:  # type: ignore[arg-type]
            active.append(order[j])
            j += 1
        active = [i for i in active if int(findings[i]["end"]) > a]  # type: ignore[arg-type]
        cover = sorted(i for i in active if int(findings[i]["start"]) <= a < int(findings[i]["end"]))  # type: ignore[arg-type]
        piece = text[a:b]
        if not cover:
            out.append({"text": piece, "ids": ""})
            continue
        starts = [i for i in cover if int(findings[i]["start"]) == a]  # type: ignore[arg-type]
        sev_rank = {"error": 2, "warning": 1, "info": 0}
        top = max(cover, key=lambda i: (sev_rank[str(findings[i]["severity"])], -i))
        f0 = findings[top]
        cls = (f"cat-{f0['category']} sev-{f0['severity']}" + (" multi" if len(cover) > 1 else "")
               + (" blank" if not piece.strip() else ""))
        out.append({"text": piece, "ids": " ".join(map(str, cover)), "first": cover[0], "cls": cls, "anchors": starts, "blank": not piece.strip(),
                    "title": " | ".join(f"{findings[i]['rule']}: {findings[i]['message']}" for i in cover)})
    if len(text) in pins and len(text) > 0:
        ids = pins[len(text)]
        f0 = findings[ids[0]]
        out.append({"pin": True, "ids": " ".join(map(str, ids)), "first": ids[0],
                    "cls": f"cat-{f0['category']} sev-{f0['severity']}",
                    "title": " | ".join(f"{findings[i]['rule']}: {findings[i]['message']}" for i in ids)})
    return out


_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
#: Longest page-name component in bytes (file systems allow 255; room is left for ``.html``,
#: a ``-N`` suffix for duplicates and the temporary name written first).
NAME_BYTES = 200


def fit_name(part: str, limit: int = NAME_BYTES) -> str:
    """``part`` if it fits in ``limit`` bytes, else its first bytes and a hash of the whole
    (``<head>-<12 hex>``): deterministic, and two long names stay apart."""
    raw = part.encode("utf-8", "surrogatepass")
    if len(raw) <= limit:
        return part
    digest = hashlib.sha256(raw).hexdigest()[:12]
    head = raw[: limit - len(digest) - 1].decode("utf-8", "ignore")
    return f"{head}-{digest}"


def _page_parts(r: FileResult, roots: Sequence[str]) -> list[str]:
    rel = None
    p = os.path.normpath(r.path)
    for root in roots:
        root_n = os.path.normpath(root)
        if os.path.isdir(root) and (p == root_n or p.startswith(root_n.rstrip(os.sep) + os.sep)):
            rel = os.path.relpath(p, root_n)
            break
    if rel is None:
        rel = os.path.basename(p) or "input"
    parts = [(_UNSAFE_NAME.sub("_", x) or "_") for x in PurePosixPath(rel.replace(os.sep, "/")).parts if x not in ("..", ".", "/")]
    if not parts:
        parts = ["input"]
    if r.id != os.path.basename(r.path):  # a record inside a JSON Lines file
        parts.append(fit_name(_UNSAFE_NAME.sub("_", r.id) or "record", 120))
    return parts


def page_name(r: FileResult, roots: Sequence[str]) -> str:
    """Report page path (POSIX, relative to the report folder) mirroring the input tree. A
    name too long for a file system is cut and given a hash of the whole (``fit_name``)."""
    return "/".join(fit_name(x) for x in _page_parts(r, roots)) + ".html"


def page_label(r: FileResult, roots: Sequence[str]) -> str:
    """What the index shows for a page: the mirrored path, never cut."""
    return "/".join(_page_parts(r, roots))


def _rel_href(from_page: str, target: str) -> str:
    depth = from_page.count("/")
    return "../" * depth + target


def _sentence(r: FileResult, start: int, end: int, limit: int = 240) -> tuple[str, str, str] | None:
    """(before, span, after) of the sentence a finding starts in, cut to ``limit`` characters
    each side; None outside every sentence."""
    doc = r.doc
    if doc is None:
        return None
    s = doc.sentence_of(start)
    if s is None:
        return None
    a, b = s[0], max(s[1], end)
    before, after = doc.text[max(a, start - limit):start], doc.text[end:min(b, end + limit)]
    return before, visible(doc.text[start:end]), after


def _local_pieces(text: str, fds: Sequence[dict[str, object]], picked: list[tuple[int, int, int]]) -> list[dict[str, object]]:
    """``segments`` over one segment's text: ``picked`` holds (finding index, local start, end);
    the pieces name the findings by their index in the page's list."""
    local = [dict(fds[i], start=a, end=b) for i, a, b in picked]
    pieces = segments(text, local)
    for p in pieces:
        if p.get("ids"):
            p["ids"] = " ".join(str(picked[int(k)][0]) for k in str(p["ids"]).split())
            p["first"] = picked[int(p["first"])][0]  # type: ignore[arg-type]
    return pieces


def bilingual_rows(doc, fds: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """One row per segment of a bilingual document: its id, and source and target split into
    pieces with the findings' spans on each side (``source_start``/``source_end`` for the source)."""
    rows = []
    by_seg: dict[str, list[int]] = {}
    for i, f in enumerate(fds):
        if f.get("segment") is not None:
            by_seg.setdefault(str(f["segment"]), []).append(i)
    for seg in doc.segments:
        ids = by_seg.get(seg.id, [])
        tgt = [(i, int(fds[i]["start"]) - seg.target_start, int(fds[i]["end"]) - seg.target_start) for i in ids  # type: ignore[arg-type]
               if seg.target_start <= int(fds[i]["start"]) <= seg.target_end]  # type: ignore[arg-type]
        tgt = [(i, a, min(b, len(seg.target))) for i, a, b in tgt]
        src = [(i, int(fds[i]["source_start"]) - seg.source_start, int(fds[i]["source_end"]) - seg.source_start)  # type: ignore[arg-type]
               for i in ids if fds[i].get("source_start") is not None
               and seg.source_start <= int(fds[i]["source_start"]) <= int(fds[i]["source_end"]) <= seg.source_end]  # type: ignore[arg-type]
        rows.append({"id": seg.id, "source": _local_pieces(seg.source, fds, src),
                     "target": _local_pieces(seg.target, fds, tgt), "flagged": bool(ids),
                     "notes": " | ".join(seg.notes), "fuzzy": seg.fuzzy, "context": seg.context or ""})
    return rows


def change_pieces(original: str, log: Sequence[object]) -> list[dict[str, str]]:
    """The cleaned text as pieces: ``same`` (kept), ``del`` (removed) and ``ins`` (added), each
    change with the rule that made it. ``log`` is ``qa clean``'s fix log (``LogEntry``: offsets
    into the text at the start of its round); rounds are replayed in order, so a change of a
    later round lands where the earlier ones left the text. The ``same`` and ``ins`` pieces
    joined give the cleaned text.

    Within a round the changes are made back to front, each on the few pieces around it: those
    not yet passed that end at or after its start, and the changed ones up to the first kept or
    inserted piece starting at or after its end (where its insertion goes at the latest). The
    pieces before and after it are the same whatever it does, so a text with thousands of
    changes costs what their number does, not its square."""
    pieces: list[list[str]] = [["same", original, ""]]
    for rnd in sorted({e.round for e in log}):  # type: ignore[attr-defined]
        entries = sorted((e for e in log if e.round == rnd), key=lambda e: (e.start, e.end))  # type: ignore[attr-defined]
        left = pieces  # not yet passed (a prefix of the round's pieces, whose ends are ``ends``)
        ends: list[int] = []
        pos = 0
        for kind, text, _rule in left:
            if kind != "del":  # (a removed piece has no length in the current text)
                pos += len(text)
            ends.append(pos)
        done: list[list[str]] = []  # the pieces from the last change on, first piece last
        cut = len(left)
        for e in reversed(entries):  # back to front: earlier offsets stay valid
            a, b = e.start, e.end  # type: ignore[attr-defined]
            k = cut
            while k and ends[k - 1] >= a:
                k -= 1
            start = ends[k - 1] if k else 0
            window = left[k:cut]
            at = start + sum(len(t) for kind, t, _r in window if kind != "del")
            while done:
                piece = done.pop()
                window.append(piece)
                if piece[0] != "del":
                    if at >= b:
                        break
                    at += len(piece[1])
            done.extend(reversed(_replace_span(window, a, b, e.after, e.rule, start)))  # type: ignore[attr-defined]
            cut = k
        pieces = left[:cut] + done[::-1]
    out: list[dict[str, str]] = []
    for kind, text, rule in pieces:
        if not text:
            continue
        if out and out[-1]["kind"] == kind and out[-1]["rule"] == rule:
            out[-1]["text"] += text
        else:
            out.append({"kind": kind, "text": text, "rule": rule})
    return out


def _replace_span(pieces: list[list[str]], a: int, b: int, after: str, rule: str, pos: int = 0) -> list[list[str]]:
    """``pieces`` (the first of them at ``pos`` in the current text) with [a, b) replaced by
    ``after``: the kept text in it becomes ``del``, ``after`` an ``ins`` piece at its end."""
    out: list[list[str]] = []
    placed = False
    for kind, text, r in pieces:
        if kind == "del":  # removed earlier: no length in the current text
            if pos >= b and pos > a and not placed:
                out.append(["ins", after, rule])
                placed = True
            out.append([kind, text, r])
            continue
        s, t = pos, pos + len(text)
        pos = t
        if t <= a or s >= b and not (a == b == s):
            if s >= b and not placed:
                out.append(["ins", after, rule])
                placed = True
            out.append([kind, text, r])
            continue
        lo, hi = max(a, s) - s, min(b, t) - s
        if lo > 0:
            out.append([kind, text[:lo], r])
        if hi > lo and kind == "same":
            out.append(["del", text[lo:hi], rule])
        # (text inserted by an earlier round and removed by this one leaves no trace)
        if not placed and t >= b:
            out.append(["ins", after, rule])
            placed = True
        if hi < len(text):
            out.append([kind, text[hi:], r])
    if not placed:
        out.append(["ins", after, rule])
    return out


def _diff_pieces(original: str, cleaned: str) -> list[dict[str, str]]:
    """``change_pieces`` for a cleaned text given without its log (no rule codes)."""
    import difflib

    out: list[dict[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, original, cleaned, autojunk=False).get_opcodes():
        if op == "equal":
            out.append({"kind": "same", "text": original[i1:i2], "rule": ""})
            continue
        if i2 > i1:
            out.append({"kind": "del", "text": original[i1:i2], "rule": ""})
        if j2 > j1:
            out.append({"kind": "ins", "text": cleaned[j1:j2], "rule": ""})
    return out


_BLANK_SHOWN = str.maketrans({" ": "\u2423", "\n": "\u21b5", "\t": "\u21e5"})


def change_groups(pieces: list[dict[str, str]]) -> list[dict[str, object]]:
    """Pieces for the page: a deletion followed by an insertion of the same rule is one
    replacement; each change says what it is (inserted, deleted, replaced) and which rule made
    it; removed or added white space is shown by visible signs."""
    out: list[dict[str, object]] = []
    i = 0
    while i < len(pieces):
        p = pieces[i]
        if p["kind"] == "same":
            out.append({"kind": "same", "text": p["text"]})
            i += 1
            continue
        dels = p["text"] if p["kind"] == "del" else ""
        ins = p["text"] if p["kind"] == "ins" else ""
        if p["kind"] == "del" and i + 1 < len(pieces) and pieces[i + 1]["kind"] == "ins" and pieces[i + 1]["rule"] == p["rule"]:
            ins = pieces[i + 1]["text"]
            i += 1
        i += 1
        kind = "replaced" if dels and ins else "deleted" if dels else "inserted"
        out.append({"kind": kind, "rule": p["rule"],
                    "del": visible(dels.translate(_BLANK_SHOWN) if not dels.strip() else dels),
                    "del_blank": bool(dels) and not dels.strip(), "ins": ins, "blank": bool(ins) and not ins.strip()})
    return out


def line_diff(before: str, after: str, context: int = 1) -> list[dict[str, str]]:
    """A line diff of the text before and after cleaning: hunks (``at``: where), kept lines
    (``same``), removed (``del``) and added ones (``add``)."""
    import difflib

    out: list[dict[str, str]] = []
    for line in list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=context))[2:]:
        if line.startswith("@@"):
            m = re.match(r"@@ -(\d+)(?:,\d+)? \+(\d+)", line)
            out.append({"kind": "at", "text": f"line {m.group(1)} (cleaned: line {m.group(2)})" if m else line})
        else:
            out.append({"kind": {"-": "del", "+": "add"}.get(line[:1], "same"), "sign": line[:1] or " ", "text": line[1:]})
    return out


_PARA_END = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")


def paragraph_ends(text: str) -> list[int]:
    """Where each paragraph of ``text`` ends (after the blank lines that close it, so the
    paragraphs joined are the text). A text without blank lines has a paragraph per line."""
    ends = [m.end() for m in _PARA_END.finditer(text)]
    if not ends:
        ends = [m.end() for m in re.finditer(r"\n", text)]
    if not ends or ends[-1] != len(text):
        ends.append(len(text))
    return ends


def paragraphs(text: str, segs: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    """``segments`` cut at paragraph ends: one list of pieces per paragraph (a piece across an
    end is split in two, its anchors kept on the first half)."""
    ends = paragraph_ends(text)
    out: list[list[dict[str, object]]] = [[]]
    pos, k = 0, 0
    for seg in segs:
        if seg.get("pin"):
            while k < len(ends) - 1 and pos >= ends[k]:
                k += 1
                out.append([])
            out[-1].append(seg)
            continue
        piece = str(seg["text"])
        first = True
        while piece:
            while k < len(ends) - 1 and pos >= ends[k]:
                k += 1
                out.append([])
            take = min(len(piece), ends[k] - pos)
            part = dict(seg, text=piece[:take])
            if not first:
                part["anchors"] = []
            out[-1].append(part)
            first = False
            pos += take
            piece = piece[take:]
    return out


def _cleaned_view(text: str, cleaned) -> dict[str, object]:
    """What the Cleaned and Diff views show: ``cleaned`` is a ``CleanResult`` (its log names
    the rule of each change) or a cleaned text (its changes found by a character diff)."""
    if cleaned is None:
        return {"cleaned": None}
    if isinstance(cleaned, str):
        pieces, after = _diff_pieces(text, cleaned), cleaned
    else:
        pieces, after = change_pieces(text, cleaned.log), cleaned.text
    groups = change_groups(pieces)
    by_rule: dict[str, int] = {}
    for g in groups:
        if g["kind"] != "same":
            code = str(g["rule"]) or "changed"
            by_rule[code] = by_rule.get(code, 0) + 1
    return {"cleaned": after, "changes": groups, "changes_by_rule": sorted(by_rule.items()),
            "n_changes": sum(by_rule.values()), "diff": line_diff(text, after) if after != text else []}


def render_page(r: FileResult, page: str, cleaned: str | None = None, decisions=None,
                keys: Sequence[str] | None = None, nav: dict[str, str] | None = None) -> str:
    css, script = _asset("base.css"), _asset("file.js")
    text = r.doc.text if r.doc else ""
    fds = [finding_dict(f, r.doc) for f in r.findings]
    from qa.baseline import similar_key

    for i, f in enumerate(fds):
        f["key"] = keys[i] if keys is not None else fingerprint_key(r, f)
        f["similar"] = similar_key(str(f["rule"]), str(f["text"]))
        f["context"] = _sentence(r, int(f["start"]), int(f["end"]))  # type: ignore[call-overload]
        if decisions is not None:  # decisions from --baseline files: shown, not applied
            f["decided"] = decisions.decisions.get(f["key"], "")
            f["decided_similar"] = decisions.similar.get(f["similar"], "")
        f["text"] = visible(str(f["text"]))
    bilingual = bilingual_rows(r.doc, fds) if r.doc is not None and hasattr(r.doc, "segments") else None
    if bilingual is not None:
        cleaned = None  # qa clean does not write bilingual files back
    segs = segments(text, fds)
    paras = paragraphs(text, segs)
    ends = paragraph_ends(text)
    for f in fds:  # the paragraph each finding starts in (phone layout: its card goes under it)
        f["para"] = min(bisect_right(ends, int(f["start"])), len(ends) - 1)  # type: ignore[call-overload]
    return _template("file.html.j2").render(
        csp=csp(css, script), css=Markup(css), script=Markup(script), path=r.path, doc_id=r.id,
        basename=os.path.basename(r.path), verdict=r.verdict, score=r.score, language=r.language,
        findings=fds, paragraphs=paras, error=r.error, categories=CATEGORIES,
        index_href=_rel_href(page, "index.html"), rules_href=_rel_href(page, "rules").rstrip("/"),
        bilingual=bilingual, **_cleaned_view(text, cleaned),
        source_lang=getattr(r.doc, "source_lang", None) or "", target_lang=getattr(r.doc, "target_lang", None) or "",
        nav=nav or {},  # previous/next file (write_reports)
    )


_SEV_BITS = {"error": 1, "warning": 2, "info": 4}
#: Hex digits of a fingerprint kept in the index data (64 bits: the review progress counter
#: matches decisions by this prefix; two findings of a million share one by chance about once
#: in 30 million corpora).
INDEX_FP_HEX = 16
#: The fields of one row of the index data, in order (``index.js`` reads them by position).
INDEX_FIELDS = ("href", "label", "score", "verdict", "total", "cats", "error", "rules", "sevs",
                "search", "fps", "sims")
INDEX_DATA_VERSION = 1


def _row_data(r: FileResult, keys: Sequence[str] = ()) -> dict[str, object]:
    """What the index filters, searches and counts a row by: findings per rule, a bit set of
    severities, the findings' fingerprints and similar keys (review progress) and the search
    text beside the shown label (the path and id when the label lacks them, and the matched
    words, cut to 2,000 characters)."""
    from qa.baseline import similar_key

    text = r.doc.text if r.doc is not None else ""
    rules: dict[str, int] = {}
    sevs = 0
    for f in r.findings:
        rules[f.rule] = rules.get(f.rule, 0) + 1
        sevs |= _SEV_BITS.get(str(f.severity), 0)
    words = " ".join(dict.fromkeys(visible(text[f.start:f.end])[:80] for f in r.findings))
    return {"rules": rules, "sevs": sevs, "fps": list(keys),
            "sims": [similar_key(f.rule, text[f.start:f.end]) for f in r.findings] if r.doc is not None else [],
            "words": words, "path": r.path, "id": r.id}


_JSON_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def inert_json(obj: object) -> str:
    """``obj`` as JSON that is inert inside ``<script type="application/json">``: every ``<``,
    ``>`` and ``&`` is written ``\\u003c`` and so on (no ``</script>``, ``<!--`` or entity can
    appear), so are U+2028/2029 and lone surrogates (undecodable file names), so the page stays
    valid UTF-8. ``JSON.parse`` reads back the same values."""
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", raw)


def index_data(rows: Sequence[dict[str, object]], categories: Sequence[str]) -> dict[str, object]:
    """The index's data: one array per row (``INDEX_FIELDS``) with the category counts in the
    order of ``categories``, rule codes (``[rule, count, ...]``) and similar keys as numbers into
    shared tables, the fingerprints' first ``INDEX_FP_HEX`` digits run together in one string,
    and ``href`` empty when it is the label and ``.html`` (``index_records`` reads it back)."""
    rule_ids: dict[str, int] = {}
    sim_ids: dict[str, int] = {}
    out = []
    paused = gc.isenabled()
    gc.disable()  # many small lists, no cycles: collections would only slow this down
    try:
        for r in rows:
            label = str(r["label"])
            cats = r.get("cats") or {}
            flat: list[int] = []
            for code, n in dict(r.get("rules") or {}).items():  # type: ignore[call-overload]
                flat += [rule_ids.setdefault(code, len(rule_ids)), int(n)]
            path, doc_id = str(r.get("path") or ""), str(r.get("id") or "")
            extra = " ".join(x for x in ((path,) if path == doc_id else (path, doc_id)) if x and x not in label)
            search = (extra + " " + str(r.get("words") or "")).strip()[:2000]
            href = str(r["href"])
            out.append([href if href != label + ".html" else "", label, r["score"], r["verdict"], int(r["total"]),  # type: ignore[call-overload]
                        [int(cats.get(c, 0)) for c in categories], r["error"] or "", flat, int(r.get("sevs") or 0),  # type: ignore[attr-defined]
                        search, "".join(str(k)[:INDEX_FP_HEX].ljust(INDEX_FP_HEX, "-") for k in r.get("fps") or ()),  # type: ignore[attr-defined]
                        [sim_ids.setdefault(str(k), len(sim_ids)) for k in r.get("sims") or ()]])  # type: ignore[attr-defined]
        # findings decided in the decisions files the report was made with: [row, finding, ...]
        filed = [x for i, r in enumerate(rows) for k in r.get("filed") or () for x in (i, int(k))]  # type: ignore[attr-defined]
    finally:
        if paused:
            gc.enable()
    return {"version": INDEX_DATA_VERSION, "fields": list(INDEX_FIELDS), "categories": list(categories),
            "rules": list(rule_ids), "similar": list(sim_ids), "fp_hex": INDEX_FP_HEX, "filed": filed, "rows": out}


_DATA_RE = re.compile(r'<script type="application/json" id="qa-index-data">(.*?)</script>', re.S)


def read_index_data(html_text: str) -> dict[str, object]:
    """The data of an ``index.html`` written by ``render_index`` (tools and tests)."""
    m = _DATA_RE.search(html_text)
    if m is None:
        raise ValueError("no index data in this page")
    return json.loads(m.group(1))


def index_records(data: dict[str, object]) -> list[dict[str, object]]:
    """The rows of ``read_index_data`` as dicts: ``href`` filled in, category counts, rules and
    similar keys by name, the fingerprint prefixes as a list."""
    fields, cats = list(data["fields"]), list(data["categories"])  # type: ignore[call-overload]
    rules, sims, w = list(data["rules"]), list(data["similar"]), int(data["fp_hex"])  # type: ignore[call-overload]
    out = []
    for row in data["rows"]:  # type: ignore[attr-defined]
        d = dict(zip(fields, row))
        d["href"] = d["href"] or d["label"] + ".html"
        d["cats"] = {c: n for c, n in zip(cats, d["cats"]) if n}
        d["rules"] = {rules[k]: n for k, n in zip(d["rules"][::2], d["rules"][1::2])}
        d["fps"] = [d["fps"][i:i + w] for i in range(0, len(d["fps"]), w)]
        d["sims"] = [sims[k] for k in d["sims"]]
        out.append(d)
    return out


def render_index(rows: list[dict[str, object]], names: dict[str, str] | None = None) -> str:
    """The index page: totals, filters and the rule table as HTML; the rows as inert JSON that
    ``index.js`` renders a page at a time (so 100,000 rows load at once)."""
    css, script = _asset("base.css"), _asset("index.js")
    total = sum(int(r["total"]) for r in rows)  # type: ignore[call-overload]
    errors = sum(1 for r in rows if r["error"])
    by_rule: dict[str, list[int]] = {}
    for r in rows:
        for code, n in dict(r.get("rules") or {}).items():  # type: ignore[call-overload]
            t = by_rule.setdefault(code, [0, 0])
            t[0] += n
            t[1] += 1
    verdicts = {v: sum(1 for r in rows if r["verdict"] == v and not r["error"]) for v in ("pass", "warn", "fail")}
    cat_totals = dict.fromkeys(CATEGORIES, 0)
    for r in rows:
        for c, n in dict(r["cats"] or {}).items():  # type: ignore[call-overload]
            cat_totals[c] = cat_totals.get(c, 0) + int(n)
    # only the categories that occur, so the table fits a screen
    categories = [c for c in CATEGORIES if cat_totals[c]]
    return _template("index.html.j2").render(csp=csp(css, script), css=Markup(css), script=Markup(script),
                                            n_rows=len(rows), total=total, errors=errors, verdicts=verdicts,
                                            rule_totals=sorted(by_rule.items(), key=lambda x: (-x[1][0], x[0])),
                                            rule_names=names or {}, cat_totals=cat_totals, categories=categories,
                                            # escaped by inert_json: no markup can appear in it
                                            data=Markup(inert_json(index_data(rows, categories))))


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _shown(s: str) -> str:
    """An example's text for a page: invisible characters and lone surrogates (which UTF-8
    cannot write) as <U+XXXX>."""
    return _SURROGATE_RE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", visible(s))


def _examples(rule: Rule, kind: str) -> list[dict[str, object]]:
    from qa.docs import example_parts

    def shown(parts):
        return [dict(p, pieces=[(_shown(t), f) for t, f in p["pieces"]]) for p in parts]

    return [{"parts": shown(example_parts(e.text, e.spans if kind == "bad" else ())),
             "fixed": shown(example_parts(e.fixed)) if e.fixed is not None and kind == "bad" else None,
             "note": e.note} for e in rule.examples if e.kind == kind]


def render_rule(rule: Rule) -> str:
    """A rule's page: its documentation, its examples as text with the reported spans marked,
    and its evidence."""
    from qa.evidence import evidence_markdown

    css = _asset("base.css")
    return _template("rule.html.j2").render(
        csp=csp(css, None), css=Markup(css), title=f"{rule.code} {rule.name}",
        body=Markup(markdown_to_html(rule_markdown(rule, examples=False))),
        bad_examples=_examples(rule, "bad"), good_examples=_examples(rule, "good"),
        evidence=Markup(markdown_to_html("\n".join(evidence_markdown(rule.code)))))


def _measured(code: str) -> tuple[str, str]:
    """(precision, support) from the rule evidence, as shown in the rules index."""
    from qa.evidence import rule_evidence

    e = rule_evidence(code)
    if not e or e.get("precision") is None:
        return "no evidence", ""
    return f"{float(e['precision']):.2f} ({e.get('tp')}/{int(e.get('tp', 0)) + int(e.get('fp', 0))})", str(e.get("support"))


def render_rules_index(rules: Sequence[Rule]) -> str:
    css = _asset("base.css")
    items = "".join(
        f'<tr><td><a href="{Markup.escape(r.code)}.html">{Markup.escape(r.code)}</a></td><td>{Markup.escape(r.name)}</td>'
        f"<td>{Markup.escape(r.category)}</td><td>{Markup.escape(str(r.severity))}</td>"
        + "".join(f"<td>{Markup.escape(x)}</td>" for x in _measured(r.code))
        + f"<td>{Markup.escape(r.summary)}</td></tr>"
        for r in rules
    )
    body = Markup("<table><thead><tr><th>code</th><th>name</th><th>category</th><th>severity</th>"
                  "<th>precision (TP/judged)</th><th>support</th>"
                  f"<th>summary</th></tr></thead><tbody>{items}</tbody></table>")
    return _template("rule.html.j2").render(csp=csp(css, None), css=Markup(css), title="qa rules", body=body)


def _named(results: Iterable[FileResult], roots: Sequence[str]):
    """(result, page name, index label) in order; two inputs that map to one name (duplicate
    paths) get ``-2``, ``-3``, ..."""
    used: set[str] = set()
    for r in results:
        page = page_name(r, roots)
        base, n = page, 1
        while page in used:
            n += 1
            page = base[:-5] + f"-{n}.html"
        used.add(page)
        yield r, page, (page_label(r, roots) if r.id == os.path.basename(r.path) else f"{r.path} · {r.id}")


def file_nav(page: str, prev: tuple[str, str] | None, nxt: tuple[str, str] | None) -> dict[str, str]:
    """Links of a page to the previous and next page of the index order ((page, label) each),
    and to the index's "next file with unreviewed findings after this one" (``#open-after=``)."""
    from urllib.parse import quote

    nav = {"index_open": _rel_href(page, "index.html") + "#open-after=" + quote(page, safe="/")}
    if prev is not None:
        nav.update(prev_href=_rel_href(page, prev[0]), prev_label=prev[1])
    if nxt is not None:
        nav.update(next_href=_rel_href(page, nxt[0]), next_label=nxt[1])
    return nav


def write_reports(results: Iterable[FileResult], out_dir: str | Path, roots: Sequence[str],
                  rules: Sequence[Rule], cleaned: dict[str, str] | None = None, decisions=None) -> list[str]:
    """Write one page per result, ``index.html`` and ``rules/*.html``. Returns the page paths.
    Each page links to the previous and the next page in the index's order."""
    from qa.baseline import result_fingerprints

    out = Path(out_dir)
    rows: list[dict[str, object]] = []
    pages: list[str] = []
    named = _named(results, roots)
    prev: tuple[str, str] | None = None
    cur = next(named, None)
    while cur is not None:
        nxt = next(named, None)  # one ahead: its name is this page's "next" link
        r, page, label = cur
        keys = result_fingerprints(r) if r.doc is not None else []
        nav = file_nav(page, prev, (nxt[1], nxt[2]) if nxt is not None else None)
        atomic_write_text(out / page, render_page(r, page, (cleaned or {}).get(r.id), decisions, keys, nav=nav), root=out,
                          sync=False)
        pages.append(page)
        row = {"href": page, "label": label, "score": r.score, "verdict": r.verdict, "total": len(r.findings),
               "cats": r.category_counts, "error": r.error, **_row_data(r, keys)}
        if decisions is not None:  # decisions of the --baseline files: reviewed in the index too
            row["filed"] = [k for k, (fp, sim) in enumerate(zip(keys, row["sims"]))  # type: ignore[call-overload]
                            if decisions.decisions.get(fp) or decisions.similar.get(sim)]
        rows.append(row)
        prev, cur = (page, label), nxt
    atomic_write_text(out / "index.html", render_index(rows, {r.code: r.name for r in rules}), root=out)
    for rule in rules:
        atomic_write_text(out / "rules" / f"{rule.code}.html", render_rule(rule), root=out, sync=False)
    atomic_write_text(out / "rules" / "index.html", render_rules_index(rules), root=out, sync=False)
    return pages
