"""DUP0xx: corpus-level repetition. A line that recurs in many documents of a batch is template
text (a site's footer, a newsletter box, a standard disclaimer) even when no phrase list knows it.

This follows CCNet's line deduplication: each line is normalised (lower case, digits folded to
``0``, punctuation and white space collapsed) and hashed; ``collect`` runs per document (in worker
processes too) and returns only the source key and ``(hash, start, end)`` triples; ``finalize``
counts, per source, in how many documents each hash occurs and returns each document's hits.
Output depends only on the input order, never on scheduling.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from operator import itemgetter
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from urllib.parse import urlsplit

from qa.lazyre import lazy_compile
from qa.document import VECTOR_MIN_CHARS, Document, code_points
from qa.model import Applicability, Edit, Fix, Hit, bad, good
from qa.registry import rule
from qa.words import SPACE_RE

_DIGIT_RE = lazy_compile(r"\d")
_PUNCT_RE = lazy_compile(r"[\W_]+")
#: the same runs within each line of a whole text, once ``_`` is a space (line breaks are kept,
#: so the normalised text splits into the same lines as the text); a run that is one space
#: already reads as its replacement and is left alone (a third faster than replacing it)
_PUNCT_IN_LINES_RE = lazy_compile(r"[^\w\r\n ][^\w\r\n]*| [^\w\r\n]+")
#: a word character (``\w``; ``_`` is one, but ``normalise_line`` makes it a space)
_WORD_CHAR_RE = lazy_compile(r"\w")


def normalise_line(text: str) -> str:
    """CCNet-style normal form: lower case, digits -> 0, punctuation and spaces collapsed."""
    return _PUNCT_RE.sub(" ", _DIGIT_RE.sub("0", text.lower())).strip()


def normalised_lines(text: str, lower: str | None = None) -> list[str]:
    """``normalise_line`` of every line of ``text`` (split at ``\\r\\n``, ``\\r``, ``\\n``, as
    ``Document.lines``: one string per line), with passes over the whole text instead of two
    regex substitutions per line (``lower``: ``text.lower()``, when the caller has it). A text of
    at least ``VECTOR_MIN_CHARS`` characters is normalised with numpy (``_vector_normalised``),
    a shorter one with the two regexes."""
    low = text.lower() if lower is None else lower
    if len(low) >= VECTOR_MIN_CHARS:
        norm = _vector_normalised(low)
    else:
        norm = _PUNCT_IN_LINES_RE.sub(" ", _DIGIT_RE.sub("0", low).replace("_", " "))
    # the normalised text's only line breaks are \r and \n (every other character
    # ``str.splitlines`` breaks at is punctuation here, made a space): its lines are the text's
    # lines; an empty text is one empty line, as in ``Document.lines``
    return list(map(str.strip, norm.splitlines())) or [""]


@lru_cache(maxsize=1)
def _ascii_classes():
    """Per ASCII code point: whether it is a word character (``\\w``) and whether a digit (``\\d``)."""
    import numpy as np

    chars = [chr(c) for c in range(128)]
    return (np.array([_WORD_CHAR_RE.match(c) is not None for c in chars]),
            np.array([_DIGIT_RE.match(c) is not None for c in chars]))


def _vector_normalised(low: str) -> str:
    """What the regex passes of ``normalised_lines`` make of the lower-cased text ``low``, from
    numpy passes over its code points: each digit (``\\d``) becomes ``0``, and each maximal run
    of characters that are neither word characters (``\\w`` less ``_``) nor line breaks becomes
    one space (what ``_PUNCT_IN_LINES_RE`` replaces: a run starting with a space that is that
    space alone is left as it is, which is the same). ASCII characters are classified from a
    table, every other one that occurs asked of the regex engine once."""
    import numpy as np

    cps = code_points(low)
    word_table, digit_table = _ascii_classes()
    ascii_cps = np.minimum(cps, 127)  # (127, DEL, is neither)
    word, digit = word_table[ascii_cps], digit_table[ascii_cps]
    hi = cps >= 128
    if hi.any():
        chars, where = np.unique(cps[hi], return_inverse=True)
        found = [chr(c) for c in chars.tolist()]
        word[hi] = np.array([_WORD_CHAR_RE.match(c) is not None for c in found])[where]
        digit[hi] = np.array([_DIGIT_RE.match(c) is not None for c in found])[where]
    other = ~(word | (cps == 10) | (cps == 13))
    other |= cps == 95  # "_" counts as punctuation (``normalise_line``'s ``[\\W_]``)
    out = cps.copy()
    out[digit] = 48
    out[other] = 32
    keep = np.ones(len(out), dtype=bool)  # a run of ``other`` keeps its first character
    keep[1:] = ~(other[1:] & other[:-1])
    out = out[keep]
    if out.dtype == np.uint8:
        return out.tobytes().decode("ascii")
    return out.tobytes().decode("utf-32-le", "surrogatepass")


def line_hash(norm: str) -> int:
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "big")


def source_key(doc: Document, field: str = "") -> str:
    """The group a document's template belongs to: a metadata field (``source``, ``site``,
    ``domain``, or the host of ``url``), else the folder the file is in."""
    meta = doc.meta
    for key in ([field] if field else []) + ["source", "site", "domain"]:
        v = meta.get(key)
        if isinstance(v, str) and v:
            return v.lower()
    url = meta.get("url")
    if isinstance(url, str) and "://" in url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.")
    return os.path.dirname(doc.path) if doc.path else ""


def collect_lines(doc: Document, opts: Mapping[str, object]) -> tuple[str, list[tuple[int, int, int]]]:
    min_chars = int(opts.get("min_chars", 12))  # type: ignore[arg-type]
    text = doc.text
    out: list[tuple[int, int, int]] = []
    append = out.append
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes  # (line_hash, inlined: one call a line)
    for (a, b), norm in zip(doc.lines, normalised_lines(text, doc.facts.lower)):  # (the lower case made once)
        if len(norm) < min_chars:
            continue
        raw = text[a:b]
        h = from_bytes(blake2b(norm.encode("utf-8"), digest_size=8).digest(), "big")
        body = raw.lstrip()
        a += len(raw) - len(body)
        append((h, a, a + len(body.rstrip())))
    return source_key(doc, str(opts.get("source_field", ""))), out


_FIRST = itemgetter(0)


def finalize_lines(collected: Iterable[object], opts: Mapping[str, object]) -> Iterator[list[Hit]]:
    """Two passes over the collected values: count, per source, the documents holding each line
    hash; then yield each document's hits. Only the counts stay in memory (one entry per
    distinct line and source), not the lines of the corpus."""
    min_docs = int(opts.get("min_docs", 3))  # type: ignore[arg-type]
    min_share = float(opts.get("min_share", 0.1))  # type: ignore[arg-type]
    per_source_docs: Counter[str] = Counter()
    counts: dict[str, Counter[int]] = {}  # per source: line hash -> documents holding it
    for src, lines in collected:  # type: ignore[misc]
        per_source_docs[src] += 1
        c = counts.get(src)
        if c is None:
            c = counts[src] = Counter()
        c.update(set(map(_FIRST, lines)))
    for src, lines in collected:  # type: ignore[misc]
        n_src = per_source_docs[src]
        get = counts[src].__getitem__
        need = max(min_docs, min_share * n_src)
        if not lines or max(map(get, map(_FIRST, lines))) < need:
            yield []
            continue
        hits: list[Hit] = []
        for h, a, b in lines:
            c = get(h)
            if c >= min_docs and c >= min_share * n_src:
                hits.append(Hit(a, b, f"Line repeated in {c} of {n_src} documents of this source "
                                      "(site template)",
                                fix=Fix((Edit(a, b, ""),), Applicability.UNSAFE, "Delete the repeated line"),
                                confidence=min(1.0, 0.6 + 0.1 * c)))
        yield hits




def repeated_in_document(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Copies of a prose line printed twice in one document (a teaser or a caption copy).

    The copy outside the article body is the furniture; when every copy is inside the body, the
    later copies of a long paragraph (``min_words_in_document`` words or more) are flagged.
    Copies are compared after case and space folding only (numbers must match).
    """
    from qa.checks.boilerplate_layout import layout

    min_words = int(opts.get("min_words_in_document", 15))  # type: ignore[arg-type]
    lay = layout(doc)
    groups: dict[str, list[int]] = {}
    lines = [ln for ln in lay.lines if ln.prose and ln.words >= 8]
    # the lines lower-cased in one call (a line holds no line break, and one between lines is
    # neither cased nor case-ignorable: each line's lower case is its own)
    lows = "\n".join([ln.text for ln in lines]).lower().split("\n") if lines else []
    for ln, low in zip(lines, lows):  # (the text is stripped: split and join fold its spaces as \s+ would)
        groups.setdefault(_folded(low), []).append(ln.index)
    flagged: list[int] = []
    for idx in groups.values():
        if len(idx) < 2:
            continue
        outside = [i for i in idx if not lay.in_body(i)]
        if outside and len(outside) < len(idx):
            flagged.extend(outside)
        elif not outside and lay.lines[idx[0]].words >= min_words:
            flagged.extend(idx[1:])
    for i in sorted(flagged):
        ln = lay.lines[i]
        a, b = ln.ext_start, ln.ext_end
        yield Hit(ln.start, ln.end, "Line printed twice in this document (a teaser or caption copy)",
                  fix=Fix((Edit(a, b, ""),), Applicability.SAFE, "Delete the copy"), confidence=0.8)


#: a line longer than this has its spaces folded a piece of about this many characters at a time,
#: not through the list of all its words (about 60 bytes a word: 200 MB for a 20 MB line)
_FOLD_PIECE = 1 << 16


def _folded(line: str) -> str:
    """``" ".join(line.split())``, for a long line made of pieces cut at white space (the words of
    the line are the pieces' words, in order)."""
    n = len(line)
    if n <= _FOLD_PIECE:
        return " ".join(line.split())
    parts = []
    a = 0
    while a < n:
        b = a + _FOLD_PIECE
        if b < n:
            m = SPACE_RE.search(line, b)
            b = m.start() if m is not None else n
        piece = " ".join(line[a:b].split())
        if piece:
            parts.append(piece)
        a = b
    return " ".join(parts)


_BODY = ("The council approved the new budget on Tuesday after a long debate about the cost of schools.\n"
         "Members said the plan would raise spending on roads by a fifth over three years.\n")


@rule(
    code="DUP001",
    name="repeated-template-line",
    category="boilerplate",
    summary="A line repeated across many documents of the batch, or a prose line printed twice",
    severity="info",
    fixable=True,
    options={"min_docs": 3, "min_share": 0.1, "min_chars": 12, "source_field": "",
             "min_words_in_document": 15},
    collect=collect_lines,
    finalize=finalize_lines,
    examples=(
        bad(_BODY + "[[The council approved the new budget on Tuesday after a long debate about the cost of schools.]]\n",
            fixed=_BODY),
        good(_BODY + "The council approved it.\nThe council approved it.\n"),
    ),
)
def repeated_template_line(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """Across a batch: a line that occurs in at least `min_docs` documents (default 3) of the
    same source and in at least `min_share` of that source's documents (default 10%). A source
    is the document's `source`, `site` or `domain` field, the host of its `url`, or else its
    folder. Lines are compared after CCNet-style normalisation (case, digits, punctuation), so
    `© 2019 Example` and `© 2020 Example` count as one line; normalised lines shorter than
    `min_chars` are ignored.

    Within one document: a prose line printed twice (a teaser or a caption copy): the copy
    outside the article body, or, when all copies are in the body, the later copies of a
    paragraph of at least `min_words_in_document` words (default 15).

    ## Why it matters
    Text repeated across a site's pages is its template: navigation, footers, newsletter boxes,
    standard disclaimers. Left in, it is duplicated training data and skews every statistic.

    ## Options
    `min_docs`, `min_share`, `min_chars`, `source_field` (a metadata field to group by),
    `min_words_in_document`.

    ## How to fix
    Delete the later copy within a document (safe: the first copy stays). A line repeated across
    documents is deleted only with `--unsafe-fixes` (it can be a legitimate standard sentence).
    """
    return repeated_in_document(doc, opts)


#: loaded before any time limit starts (qa.warmup)
from qa.checks.boilerplate_layout import WARM_UP  # noqa: E402,F401
