"""DUP1xx: duplicate documents across the corpus (exact copies and near-copies).

Both rules are corpus rules. ``collect`` runs where the document is checked (a worker process,
a Dask worker) and returns the document's name, the hash of its normalised text and its MinHash
signature (``qa.minhash``). ``finalize`` runs once, in input order, in one place:

1. the hashes and signatures are written to memory-mapped files in a temporary folder, so the
   parent holds a few machine words per document, not the signatures (128 x 4 bytes each);
2. exact duplicates: documents whose normalised text hash equals an earlier document's;
3. near duplicates: LSH over the signatures (``bands`` x ``rows``); in each band the candidates
   of a document are the first and the previous earlier documents of its bucket; a candidate
   counts when the estimated Jaccard similarity of the two signatures is at least
   ``threshold``; the earliest such candidate is the one the finding names;
4. the cluster of a document is the cluster of the document it copies, so a cluster is named by
   its first document in input order.

Everything depends only on the input order and the seeded permutations, never on scheduling.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence

from qa import minhash
from qa.document import Document
from qa.model import Hit, bad, good
from qa.registry import rule

OPTIONS = {"threshold": 0.25, "min_words": 20, "bands": 64}


def doc_name(doc: Document) -> str:
    """How a finding names a document: its path for a file, its id for a record of a file."""
    base = os.path.basename(doc.path) if doc.path else ""
    return doc.path if doc.id == base or not doc.id else doc.id


def collect_doc(doc: Document, opts: Mapping[str, object]) -> tuple[str, int | None, bytes]:
    """The document's name, normalised-text hash and signature (made once for both rules)."""
    min_words = int(opts.get("min_words", OPTIONS["min_words"]))  # type: ignore[arg-type]
    memo = doc.facts.once("dup_collect", dict)
    got = memo.get(min_words)
    if got is not None:
        return got
    ws = minhash.words(doc.text)
    if len(ws) < min_words:
        out: tuple[str, int | None, bytes] = (doc_name(doc), None, b"")
    else:
        out = (doc_name(doc), minhash.exact_key(ws), minhash.signature(ws))
    memo[min_words] = out
    return out


class Clusters:
    """Per document: the earlier document it duplicates (-1 for none), how (exact or near), the
    estimated similarity and the cluster's first document; with the names of those documents."""

    def __init__(self, collected: Sequence[object], opts: Mapping[str, object]) -> None:
        import numpy as np

        threshold = float(opts.get("threshold", OPTIONS["threshold"]))  # type: ignore[arg-type]
        bands = int(opts.get("bands", OPTIONS["bands"]))  # type: ignore[arg-type]
        n = len(collected)
        p = minhash.NUM_PERM
        rows = max(1, p // max(1, bands))
        self.n = n
        tmp = tempfile.mkdtemp(prefix="qa-dedupe-")
        try:
            keys = np.lib.format.open_memmap(os.path.join(tmp, "keys.npy"), "w+", np.uint64, (max(n, 1),))
            sigs = np.lib.format.open_memmap(os.path.join(tmp, "sigs.npy"), "w+", np.uint32, (max(n, 1), p))
            valid = np.zeros(n, dtype=bool)
            for i, (_name, key, sig) in enumerate(collected):  # type: ignore[misc]
                if key is not None:
                    valid[i] = True
                    keys[i] = key
                    sigs[i] = np.frombuffer(sig, dtype="<u4")
            best = np.full(n, -1, dtype=np.int64)
            sim = np.zeros(n, dtype=np.float32)
            exact = np.zeros(n, dtype=bool)
            idx = np.nonzero(valid)[0]
            # exact: the first document with the same normalised-text hash
            if len(idx):
                k = keys[idx]
                order = np.argsort(k, kind="stable")
                ks = k[order]
                new = np.ones(len(ks), dtype=bool)
                new[1:] = ks[1:] != ks[:-1]
                first = order[np.maximum.accumulate(np.where(new, np.arange(len(ks)), 0))]
                dup = np.nonzero(~new)[0]
                j, f = idx[order[dup]], idx[first[dup]]
                best[j], sim[j], exact[j] = f, 1.0, True
            # near: LSH over the documents that are not exact copies of an earlier one
            cand_idx = np.nonzero(valid & ~exact)[0]
            chunk = 1 << 18
            for b in range(min(bands, p // rows)):
                if len(cand_idx) < 2:
                    break
                h = np.zeros(len(cand_idx), dtype=np.uint64)
                for s in range(0, len(cand_idx), chunk):
                    part = sigs[cand_idx[s:s + chunk], b * rows:(b + 1) * rows].astype(np.uint64)
                    hh = np.zeros(len(part), dtype=np.uint64)
                    for c in range(rows):
                        hh = hh * np.uint64(0x9E3779B97F4A7C15) + part[:, c] + np.uint64(c + 1)
                    h[s:s + chunk] = hh
                order = np.argsort(h, kind="stable")
                hs = h[order]
                new = np.ones(len(hs), dtype=bool)
                new[1:] = hs[1:] != hs[:-1]
                pos = np.nonzero(~new)[0]
                if not len(pos):
                    continue
                start = np.maximum.accumulate(np.where(new, np.arange(len(hs)), 0))
                docs = cand_idx[order[pos]]
                for other in (cand_idx[order[start[pos]]], cand_idx[order[pos - 1]]):
                    for s in range(0, len(docs), chunk):
                        dj, oj = docs[s:s + chunk], other[s:s + chunk]
                        est = minhash.jaccard(sigs[dj], sigs[oj]).astype(np.float32)
                        ok = (est >= threshold) & ((best[dj] < 0) | (oj < best[dj]))
                        best[dj[ok]], sim[dj[ok]] = oj[ok], est[ok]
            root = np.arange(n, dtype=np.int64)
            for j in np.nonzero(best >= 0)[0]:  # ascending: the copied document's root is known
                root[j] = root[best[j]]
            self.best, self.sim, self.exact, self.root = best, sim, exact, root
            need = set(best[best >= 0].tolist()) | set(root[best >= 0].tolist())
            self.names: dict[int, str] = {}
            if need:
                for i, (name, _key, _sig) in enumerate(collected):  # type: ignore[misc]
                    if i in need:
                        self.names[i] = name
            del keys, sigs
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def hit(self, i: int, want_exact: bool) -> list[Hit]:
        j = int(self.best[i])
        if j < 0 or bool(self.exact[i]) != want_exact:
            return []
        of, cluster = self.names[j], self.names[int(self.root[i])]
        s = round(float(self.sim[i]), 3)
        data = (("kind", "exact" if want_exact else "near"), ("of", of), ("cluster", cluster), ("similarity", s))
        if want_exact:
            msg = f"Exact duplicate of {of!r} (the same text once case, white space and punctuation are folded)"
        else:
            msg = f"Near-duplicate of {of!r}: estimated Jaccard similarity {s:.2f} of their word pairs"
        if cluster != of:
            msg += f"; cluster {cluster!r}"
        return [Hit(0, 0, msg, suggestion=f"drop this document and keep {of!r}", data=data,
                    confidence=1.0 if want_exact else min(1.0, 0.5 + s / 2))]


def _two_signed(collected: Sequence[object]) -> bool:
    """Whether at least two documents were long enough to be compared (stops at the second)."""
    n = 0
    for _name, key, _sig in collected:  # type: ignore[misc]
        if key is not None:
            n += 1
            if n == 2:
                return True
    return False


def _finalize(want_exact: bool):
    def finalize(collected: Sequence[object], opts: Mapping[str, object]) -> Iterator[list[Hit]]:
        if not _two_signed(collected):  # no pair to compare (and no numpy to import)
            yield from ([] for _ in range(len(collected)))
            return
        cl = Clusters(collected, opts)
        for i in range(cl.n):
            yield cl.hit(i, want_exact)
    return finalize


def _per_document(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    return iter(())


_DOC = ("The council approved the new budget on Tuesday after a long debate about the cost of schools. "
        "Members said the plan would raise spending on roads by a fifth over three years, and the mayor "
        "promised that bus fares would stay the same until the next election.")

#: documents of a corpus example are separated by this line (``tests/test_rule_examples.py``)
SEP = "\n\f\n"
@rule(
    code="DUP101",
    name="exact-duplicate-document",
    category="duplicate",
    summary="A document whose text is the same as an earlier document's (case, spaces and punctuation folded)",
    severity="warning",
    options=dict(OPTIONS),
    collect=collect_doc,
    finalize=_finalize(True),
    examples=(
        bad(_DOC + SEP + "[[]]" + _DOC.upper().replace(", ", " , "),
            note="two documents: the second is the first in capitals with other spacing"),
        good(_DOC + SEP + _DOC.replace("Tuesday", "Monday"), note="two documents: one word differs (DUP102's)"),
        good(_DOC),
    ),
)
def exact_duplicate_document(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A document whose normalised text (case folded, white space and punctuation removed: the
    words of `qa.minhash.words`) hashes the same as an earlier document's in the batch. Documents
    with fewer than `min_words` words (default 20) are not compared.

    ## Why it matters
    Duplicated documents are over-weighted in training and leak between training and test splits.

    ## How to fix
    Keep the first copy and drop the others (`qa clean --dedupe`).
    The finding sits on the later document (span 0-0: it is about the whole document) and names
    the earlier one: its path, or its id for a record of a JSON Lines, CSV or Parquet file. The
    JSON Lines output adds a document-level `duplicate` object (`kind`, `of`, `cluster`,
    `similarity`); the cluster is named by its first document in input order. `qa clean --dedupe`
    writes the corpus without these documents and logs each one it dropped.
    """
    return _per_document(doc, opts)


@rule(
    code="DUP102",
    name="near-duplicate-document",
    category="duplicate",
    summary="A document that is a near-copy of an earlier document (MinHash LSH over word pairs)",
    severity="warning",
    options=dict(OPTIONS),
    collect=collect_doc,
    finalize=_finalize(False),
    examples=(
        bad(_DOC + SEP + "[[]]" + _DOC.replace("Tuesday", "Monday").replace("a fifth", "a quarter"),
            note="two documents: the second changes three words"),
        good(_DOC + SEP + "The club signed a new striker from Spain on Friday for a fee that was not disclosed, "
             "and the coach said he would start against the league leaders at the weekend if fit.",
             note="two documents on different subjects"),
        good(_DOC),
    ),
)
def near_duplicate_document(doc: Document, opts: Mapping[str, object]) -> Iterator[Hit]:
    """A document whose word pairs (2-grams of the normalised words) overlap an earlier
    document's with an estimated Jaccard similarity of at least `threshold` (default 0.25),
    found by MinHash (128 seeded permutations, rensa) and LSH (`bands` 64 of 2 rows). Exact
    copies are DUP101's. Documents with fewer than `min_words` words (default 20) are not
    compared.

    The threshold is low on purpose: a copy with 30% of its words replaced keeps about a third of
    its word pairs, while unrelated news and web articles share under a tenth (see
    `benchmarks/dedupe.py`). Raise it to catch only closer copies.

    ## Options
    `threshold` (0-1), `min_words`, `bands` (rows = 128 / bands).

    ## How to fix
    Keep the first document of the cluster and drop the near-copies (`qa clean --dedupe`).
    The finding sits on the later document (span 0-0: it is about the whole document) and names
    the earlier one: its path, or its id for a record of a JSON Lines, CSV or Parquet file. The
    JSON Lines output adds a document-level `duplicate` object (`kind`, `of`, `cluster`,
    `similarity`); the cluster is named by its first document in input order. `qa clean --dedupe`
    writes the corpus without these documents and logs each one it dropped.
    """
    return _per_document(doc, opts)

