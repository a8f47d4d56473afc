"""Measured rule evidence: ``rules/evidence.yaml``, written by ``benchmarks/evidence.py``.

For every rule the file holds its out-of-fold precision on the development sets, the Wilson 95%
interval, the support (distinct source documents among its true positives), findings per 1,000
sentences of clean and reference text, and the numbers per set. A finding's ``confidence`` is
its rule's ``confidence`` from this file (or, when the rule's hits name a ``condition`` and that
condition has its own measurement, the condition's): the measured precision when it has at least
``MIN_JUDGED`` judged findings, ``None`` (JSON ``null``) when it has too little or no evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from qa.warmup import loader

EVIDENCE_FILE = "evidence.yaml"
#: fewer judged findings than this: the precision is reported but gives no confidence
MIN_JUDGED = 5


def evidence_path() -> Path | None:
    from qa.ruledata import default_pack_dirs

    for d in default_pack_dirs():
        p = d / EVIDENCE_FILE
        if p.is_file():
            return p
    return None


@lru_cache(maxsize=1)
@loader  # read when the first finding needs its confidence: not counted against the rule's limit
def load() -> Mapping[str, object]:
    """The evidence file as a mapping (empty when there is none)."""
    p = evidence_path()
    if p is None:
        return {}
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(p.read_text(encoding="utf-8"), Loader=loader)
    return data if isinstance(data, Mapping) else {}


#: part of the key of the confidence table in the cache: bump it when the table's shape changes
CONFIDENCE_CACHE_FORMAT = 1


@lru_cache(maxsize=1)
@loader
def _confidences() -> dict[tuple[str, str | None], float | None]:
    """Every rule's (and condition's) confidence. Kept in the start-up cache (JSON, signed like
    the scan cache, keyed by the evidence file's bytes): a run with a finding then reads a small
    table instead of importing yaml and parsing the whole evidence file (about 40 ms)."""
    p = evidence_path()
    cached = _cache_entry(p)
    if cached is not None:
        from qa.signed import read_cached_json

        payload = read_cached_json(cached[1], cached[0], CONFIDENCE_CACHE_FORMAT)
        table = _decode_table(payload)
        if table is not None:
            return table
    out = _confidences_of(load())
    if cached is not None:
        from qa.signed import json_blob, write_cached

        rows = [[code, cond, c] for (code, cond), c in out.items()]
        blob = json_blob({"format": CONFIDENCE_CACHE_FORMAT, "rows": rows})
        if _decode_table({"rows": rows}) == out:  # written only when it reads back the same
            write_cached(cached[1], cached[0], blob)
    return out


def _cache_entry(p: Path | None) -> tuple[str, Path] | None:
    """The cache key and file of the confidence table of evidence file ``p`` (``None``: no file,
    no cache folder, or ``QA_NO_CACHE``)."""
    import hashlib

    from qa.cache import start_up_folder

    folder = start_up_folder("rules") if p is not None else None
    if folder is None:
        return None
    try:
        data = p.read_bytes()  # type: ignore[union-attr]
    except OSError:  # parse the file (and report what is wrong with it there)
        return None
    h = hashlib.blake2b(digest_size=16)
    h.update(f"qa evidence confidences {CONFIDENCE_CACHE_FORMAT}\n".encode())
    h.update(data)
    key = h.hexdigest()
    return key, folder / f"evidence-{key}.json"


def _decode_table(payload: object) -> dict[tuple[str, str | None], float | None] | None:
    rows = payload.get("rows") if isinstance(payload, Mapping) else None
    if not isinstance(rows, list):
        return None
    out: dict[tuple[str, str | None], float | None] = {}
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)
                and (row[1] is None or isinstance(row[1], str))
                and (row[2] is None or type(row[2]) in (int, float))):
            return None
        out[(row[0], row[1])] = None if row[2] is None else float(row[2])
    return out


def _confidences_of(data: Mapping[str, object]) -> dict[tuple[str, str | None], float | None]:
    rules = data.get("rules") or {}
    out: dict[tuple[str, str | None], float | None] = {}
    for code, e in rules.items():  # type: ignore[union-attr]
        if not isinstance(e, Mapping):
            continue
        c = e.get("confidence")
        out[(str(code), None)] = None if c is None else float(c)
        for cond, ce in (e.get("conditions") or {}).items():  # type: ignore[union-attr]
            c = ce.get("confidence") if isinstance(ce, Mapping) else None
            if c is not None:
                out[(str(code), str(cond))] = float(c)
    return out


def confidence(code: str, condition: str | None = None) -> float | None:
    """The measured confidence of a rule's findings (of one of its conditions, when the rule
    declares conditions and that one has enough evidence; else the rule's), or None when there
    is no (or too little) evidence."""
    table = _confidences()
    if condition is not None and (code, condition) in table:
        return table[(code, condition)]
    return table.get((code, None))


def rule_evidence(code: str) -> Mapping[str, object] | None:
    e = (load().get("rules") or {}).get(code)  # type: ignore[union-attr]
    return e if isinstance(e, Mapping) else None


def _f(x: object) -> str:
    return "-" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))


def evidence_markdown(code: str) -> list[str]:
    """Lines for the rule documentation (``qa rule CODE``, the HTML rule pages)."""
    meta = load()
    e = rule_evidence(code)
    out = ["## Evidence", ""]
    if e is None:
        out += ["No evidence: this rule has not been measured on the development sets.", ""]
        return out
    n = int(e.get("tp", 0)) + int(e.get("fp", 0))  # type: ignore[call-overload]
    if n == 0:
        out += ["No evidence: no finding of this rule could be judged on the development sets.", ""]
    else:
        iv = e.get("interval") or [None, None]
        out.append(f"- Precision (out of fold): {_f(e.get('precision'))} (95% interval {_f(iv[0])}-{_f(iv[1])}), "  # type: ignore[index]
                   f"{e.get('tp')} true / {e.get('fp')} false positives")
        out.append(f"- Support: {e.get('support')} distinct source document(s) among the true positives")
        conf = e.get("confidence")
        out.append(f"- Confidence of its findings: {_f(conf)}" if conf is not None else
                   f"- Confidence of its findings: none (fewer than {MIN_JUDGED} judged findings)")
    out.append(f"- Findings per 1,000 sentences: clean text {_f(e.get('per_1000_clean_sentences'))}, "
               f"reference translations {_f(e.get('per_1000_reference_sentences'))}")
    tuned = e.get("tuned")
    if isinstance(tuned, Mapping):
        out.append(f"- Threshold `{tuned.get('option')}` fitted on the training folds: out-of-fold precision "
                   f"{_f(tuned.get('precision'))} ({tuned.get('tp')} / {tuned.get('fp')}), thresholds per fold "
                   + ", ".join(_f(t) for t in tuned.get("thresholds") or []))  # type: ignore[union-attr]
    for cond, ce in sorted((e.get("conditions") or {}).items()):  # type: ignore[union-attr]
        out.append(f"- Condition `{cond}`: precision {_f(ce.get('precision'))} ({ce.get('tp')} / {ce.get('fp')}), "
                   f"support {ce.get('support')}, confidence {_f(ce.get('confidence'))}")
    sets = e.get("sets") or {}
    if sets:
        out.append("- Per set (findings, true / false positives, precision): " + "; ".join(
            f"{name} {s.get('findings')}, {s.get('tp')}/{s.get('fp')}, {_f(s.get('precision'))}"
            for name, s in sorted(sets.items())))  # type: ignore[union-attr]
    about = meta.get("about") if isinstance(meta, Mapping) else None
    if isinstance(about, Mapping):
        out.append(f"- Measured {about.get('date')} on data version {about.get('data_version')} "
                   f"with `{about.get('command')}`")
    return out + [""]


__all__ = ["EVIDENCE_FILE", "MIN_JUDGED", "confidence", "evidence_markdown", "evidence_path", "load", "rule_evidence"]
