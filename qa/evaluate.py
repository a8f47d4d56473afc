"""``qa eval``: score qa's findings against labels (spans, line labels, segment scores, review
decisions) and report precision with a Wilson interval, support and recall per rule.

Label files (JSON Lines, one object per document, matched to qa's results by ``id`` or ``path``):

* **spans**: ``{"id": "a.txt", "spans": [{"start": 4, "end": 9, "label": "error", "category": "x"}]}``;
  ``label`` is ``error`` or ``ok``. By default the spans are exhaustive (every error is marked, the
  rest of the text is clean); with ``"exhaustive": false`` only text inside ``ok`` spans is known
  to be clean and findings elsewhere are not judged.
* **line labels**: ``{"id": "a.txt", "lines": ["boilerplate", "content", ...]}`` (one label per line
  of the text, ``null`` for an unlabelled line; needs the document's text) or
  ``"lines": [{"start", "end", "label"}]``.
* **segments**: ``{"id": "a.txt", "segments": [{"start", "end", "score": -6.0}]}`` with
  ``--positive '<=-5'`` (a segment is positive when its score passes the test), or
  ``{"start", "end", "positive": true}``; a segment without a score is not judged.
* **review decisions**: qa's ``qa-decisions.json`` from the HTML report
  (``{"version": 2, "decisions": [{"fingerprint", "decision": "accept" | "dismiss"}]}``): an accepted
  finding is a true positive, a dismissed one a false positive; it needs the documents.

A record may carry several kinds (spans and segments); a finding is a true positive when any kind
says so, a false positive when some kind judges it and none says so, and unjudged otherwise.
Every other scalar field of a record (``source``, ``story`` ...) can be named by ``--group-field``
(support: distinct values among a rule's true positives) and ``--by`` (overall numbers per value).
"""

from __future__ import annotations

import json
import math
import os
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Z95 = 1.959963984540054  # two-sided 95%
SEV_RANK = {"info": 0, "warning": 1, "error": 2}
POSITIVE_LABELS = ("boilerplate", "error", "bad", "positive")
NEUTRAL_LABELS = ("meta",)
KINDS = ("spans", "lines", "segments", "decisions")


class LabelError(ValueError):
    """A label file that cannot be read or has the wrong shape."""


# --------------------------------------------------------------------------- statistics
def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for ``k`` successes in ``n`` trials (None when ``n`` is 0)."""
    if n <= 0:
        return None
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def _r(x: float | None, k: int = 4) -> float | None:
    return None if x is None else round(x, k)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"precision": _r(p), "recall": _r(r), "f1": _r(f1)}


def parse_threshold(text: str) -> Callable[[float], bool]:
    """``'<=-5'``, ``'>=5'``, ``'>0.5'``, ``'5'`` (meaning ``>=5``) -> a test on a segment score."""
    s = (text or "").strip()
    op = next((o for o in ("<=", ">=", "==", "<", ">") if s.startswith(o)), "")
    try:
        v = float(s[len(op):].strip())
    except ValueError:
        v = math.nan
    if math.isnan(v) or math.isinf(v):
        raise LabelError(f"--positive takes an operator and a number such as '<=-5' or '>=5', not {text!r}")
    op = op or ">="
    return {"<=": lambda x: x <= v, ">=": lambda x: x >= v, "<": lambda x: x < v,
            ">": lambda x: x > v, "==": lambda x: x == v}[op]


# --------------------------------------------------------------------------- labels
@dataclass
class DocLabels:
    """The labels of one document."""

    key: str  # the id or path as written in the label file
    by: str  # "id" or "path"
    spans: list[tuple[int, int, str, str | None]] | None = None
    exhaustive: bool = True
    lines: list | None = None  # list[str | None] (per line of the text) or list[(start, end, label)]
    segments: list[tuple[int, int, bool | None]] | None = None
    fields: dict[str, object] = field(default_factory=dict)


@dataclass
class LabelSet:
    docs: list[DocLabels] = field(default_factory=list)
    decisions: dict[str, str] | None = None  # fingerprint -> "accept" | "dismiss"

    @property
    def kinds(self) -> list[str]:
        if self.decisions is not None:
            return ["decisions"]
        out = set()
        for d in self.docs:
            for k in ("spans", "lines", "segments"):
                if getattr(d, k) is not None:
                    out.add(k)
        return [k for k in KINDS if k in out]


def _int(v: object, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise LabelError(f"{where}: start/end must be whole numbers >= 0, not {v!r}")
    return v


def _range(obj: Mapping, where: str) -> tuple[int, int]:
    a, b = _int(obj.get("start"), where), _int(obj.get("end"), where)
    if b < a:
        raise LabelError(f"{where}: end {b} is before start {a}")
    return a, b


def parse_doc(obj: object, where: str, positive: Callable[[float], bool] | None) -> DocLabels:
    if not isinstance(obj, Mapping):
        raise LabelError(f"{where}: each line is a JSON object")
    if isinstance(obj.get("id"), str):
        key, by = obj["id"], "id"
    elif isinstance(obj.get("path"), str):
        key, by = obj["path"], "path"
    else:
        raise LabelError(f"{where}: a label record needs a string 'id' or 'path'")
    if not any(k in obj for k in ("spans", "lines", "segments")):
        raise LabelError(f"{where}: a label record needs 'spans', 'lines' or 'segments'")
    d = DocLabels(key, by, fields={k: v for k, v in obj.items() if isinstance(v, (str, int, float, bool))
                                    and k not in ("exhaustive",)})
    if "spans" in obj:
        if not isinstance(obj["spans"], list):
            raise LabelError(f"{where}: 'spans' must be a list")
        d.spans = []
        for i, s in enumerate(obj["spans"]):
            w = f"{where}: spans[{i}]"
            if not isinstance(s, Mapping):
                raise LabelError(f"{w}: each span is an object")
            a, b = _range(s, w)
            lab = s.get("label", "error")
            if lab not in ("error", "ok"):
                raise LabelError(f"{w}: label must be 'error' or 'ok', not {lab!r}")
            cat = s.get("category")
            d.spans.append((a, b, str(lab), None if cat is None else str(cat)))
        ex = obj.get("exhaustive", True)
        if not isinstance(ex, bool):
            raise LabelError(f"{where}: 'exhaustive' must be true or false")
        d.exhaustive = ex
    if "lines" in obj:
        lines = obj["lines"]
        if not isinstance(lines, list):
            raise LabelError(f"{where}: 'lines' must be a list")
        if all(x is None or isinstance(x, str) for x in lines):
            d.lines = list(lines)
        else:
            d.lines = []
            for i, ln in enumerate(lines):
                w = f"{where}: lines[{i}]"
                if not isinstance(ln, Mapping) or not isinstance(ln.get("label"), str):
                    raise LabelError(f"{w}: a line is a label string, or an object with start, end and label")
                a, b = _range(ln, w)
                d.lines.append((a, b, ln["label"]))
    if "segments" in obj:
        if not isinstance(obj["segments"], list):
            raise LabelError(f"{where}: 'segments' must be a list")
        d.segments = []
        for i, s in enumerate(obj["segments"]):
            w = f"{where}: segments[{i}]"
            if not isinstance(s, Mapping):
                raise LabelError(f"{w}: each segment is an object")
            a, b = _range(s, w)
            pos: bool | None
            if "score" in s and (positive is not None or "positive" not in s):
                sc = s["score"]
                if sc is not None and (isinstance(sc, bool) or not isinstance(sc, (int, float))):
                    raise LabelError(f"{w}: 'score' must be a number or null")
                if sc is not None and positive is None:
                    raise LabelError(f"{w}: segments with a 'score' need --positive (e.g. '<=-5' or '>=5')")
                pos = None if sc is None else bool(positive(float(sc)))  # type: ignore[misc]
            elif "positive" in s:
                if s["positive"] is not None and not isinstance(s["positive"], bool):
                    raise LabelError(f"{w}: 'positive' must be true, false or null")
                pos = s["positive"]
            else:
                raise LabelError(f"{w}: a segment needs 'score' or 'positive'")
            d.segments.append((a, b, pos))
    return d


def load_labels(path: str | os.PathLike, positive: str | None = None) -> LabelSet:
    """Read a label file: JSON Lines of per-document labels, or a review-decisions file."""
    test = parse_threshold(positive) if positive else None
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise LabelError(f"{path}: cannot read labels: {exc.strerror or exc}") from None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            whole = json.loads(text)
        except ValueError:
            whole = None
        if isinstance(whole, Mapping) and "decisions" in whole and not any(k in whole for k in ("spans", "lines", "segments")):
            from qa.baseline import BaselineError, parse_baseline

            try:
                bl = parse_baseline(whole, str(path))
            except BaselineError as exc:
                raise LabelError(str(exc)) from None
            # version 1 files hold version 1 fingerprints: kept apart under a "v1:" prefix
            return LabelSet(decisions={**{f"v1:{k}": v for k, v in bl.legacy_decisions.items()},
                                       **bl.decisions})
    out = LabelSet()
    seen: set[tuple[str, str]] = set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise LabelError(f"{path}:{n}: not valid JSON: {exc}") from None
        d = parse_doc(obj, f"{path}:{n}", test)
        if (d.by, d.key) in seen:
            raise LabelError(f"{path}:{n}: a second label record for {d.by} {d.key!r}")
        seen.add((d.by, d.key))
        out.docs.append(d)
    if not out.docs:
        raise LabelError(f"{path}: no label records")
    return out


# --------------------------------------------------------------------------- predictions
@dataclass
class PredDoc:
    path: str
    id: str
    findings: list[dict]
    text: str | None = None
    result: object | None = None  # the FileResult, when qa ran here (for review fingerprints)


def load_predictions(path: str | os.PathLike) -> list[PredDoc]:
    """qa's JSON Lines output (several objects for one document are merged)."""
    out: dict[tuple[str, str], PredDoc] = {}
    try:
        fh = open(path, encoding="utf-8")
    except OSError as exc:
        raise LabelError(f"{path}: cannot read predictions: {exc.strerror or exc}") from None
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise LabelError(f"{path}:{n}: not valid JSON: {exc}") from None
            if not isinstance(obj, Mapping) or not isinstance(obj.get("findings", []), list):
                raise LabelError(f"{path}:{n}: not a qa result (an object with 'path' and 'findings')")
            p = str(obj.get("path") or "")
            i = str(obj.get("id") or os.path.basename(p))
            fs = [f for f in obj.get("findings") or [] if isinstance(f, Mapping)]
            for f in fs:
                if not isinstance(f.get("start"), int) or not isinstance(f.get("end"), int):
                    raise LabelError(f"{path}:{n}: a finding without integer start/end")
            key = (p, i)
            if key in out:
                out[key].findings.extend(dict(f) for f in fs)
            else:
                out[key] = PredDoc(p, i, [dict(f) for f in fs])
    return list(out.values())


def from_results(results: Iterable[object]) -> list[PredDoc]:
    from qa.report.jsonl import finding_dict

    out = []
    for r in results:
        doc = getattr(r, "doc", None)
        out.append(PredDoc(r.path, r.id, [finding_dict(f, doc) for f in r.findings],  # type: ignore[attr-defined]
                           doc.text if doc is not None else None, r))
    return out


def _norm(p: str) -> str:
    return os.path.normpath(p.replace("\\", "/")) if p else ""


class _Index:
    def __init__(self, preds: Sequence[PredDoc]) -> None:
        self.by_id: dict[str, list[PredDoc]] = {}
        self.by_path: dict[str, list[PredDoc]] = {}
        self.by_base: dict[str, list[PredDoc]] = {}
        for p in preds:
            self.by_id.setdefault(p.id, []).append(p)
            self.by_path.setdefault(_norm(p.path), []).append(p)
            self.by_base.setdefault(os.path.basename(_norm(p.path)), []).append(p)

    def find(self, d: DocLabels) -> PredDoc | None:
        if d.by == "id":
            hit = self.by_id.get(d.key) or []
        else:
            hit = self.by_path.get(_norm(d.key)) or []
            if not hit:
                hit = self.by_base.get(os.path.basename(_norm(d.key))) or []
        return hit[0] if len(hit) == 1 else None


# --------------------------------------------------------------------------- geometry
def text_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its line break (``\\n``, ``\\r\\n``); a final line
    break does not start an empty line."""
    out: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos < n:
        j = text.find("\n", pos)
        if j < 0:
            out.append((pos, n))
            break
        end = j - 1 if j > pos and text[j - 1] == "\r" else j
        out.append((pos, end))
        pos = j + 1
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Span overlap; a zero-width span overlaps a span that contains its position (ends included)."""
    (s1, e1), (s2, e2) = a, b
    if s1 == e1 or s2 == e2:
        return s2 <= s1 <= e2 if s1 == e1 else s1 <= s2 <= e1
    return s1 < e2 and s2 < e1


def union_len(intervals: Iterable[tuple[int, int]], a: int, b: int) -> int:
    segs = sorted((max(s, a), min(e, b)) for s, e in intervals if e > a and s < b)
    tot, cs, ce = 0, -1, -1
    for s, e in segs:
        if s >= e:
            continue
        if cs < 0:
            cs, ce = s, e
        elif s <= ce:
            ce = max(ce, e)
        else:
            tot += ce - cs
            cs, ce = s, e
    if cs >= 0:
        tot += ce - cs
    return tot


def segment_hits(s: int, e: int, segs: Sequence[tuple[int, int, object]]) -> list[int]:
    """Segments a finding belongs to: a segment's range includes its trailing line break; a
    zero-width finding belongs to the segment holding its position; a finding past the last
    segment belongs to the last one."""
    if not segs:
        return []
    last_end = segs[-1][1]
    if s >= last_end + 1 or (s == e and s == last_end):
        return [len(segs) - 1]
    e = min(e, last_end + 1)
    hits = []
    for i, (lo, hi, _) in enumerate(segs):
        hi += 1
        if e == s:
            if lo <= s < hi:
                hits.append(i)
        elif s < hi and e > lo:
            hits.append(i)
    return hits


# --------------------------------------------------------------------------- judging
@dataclass
class Options:
    min_severity: str = "info"
    min_confidence: float | None = None
    rules: frozenset[str] | None = None  # keep only these rule codes (None: all)
    line_categories: tuple[str, ...] = ("boilerplate",)
    positive_labels: tuple[str, ...] = POSITIVE_LABELS
    neutral_labels: tuple[str, ...] = NEUTRAL_LABELS
    min_overlap: float = 0.5
    group_field: str | None = None
    by: str | None = None
    #: which findings line labels judge (default: findings of ``line_categories``)
    line_judged: Callable[[Mapping[str, object]], bool] | None = None

    def keep(self, f: Mapping[str, object]) -> bool:
        if SEV_RANK.get(str(f.get("severity") or "info"), 0) < SEV_RANK.get(self.min_severity, 0):
            return False
        if self.rules is not None and str(f.get("rule")) not in self.rules:
            return False
        if self.min_confidence is not None:
            c = f.get("confidence")
            if c is None or float(c) < self.min_confidence:  # type: ignore[arg-type]
                return False
        return True

    def judged_by_lines(self, f: Mapping[str, object]) -> bool:
        if self.line_judged is not None:
            return self.line_judged(f)
        return str(f.get("category")) in self.line_categories


@dataclass
class DocEval:
    """One labelled document with its kept findings and their verdicts."""

    labels: DocLabels
    pred: PredDoc | None
    findings: list[dict]
    verdicts: list[str | None]  # "tp" | "fp" | None per finding
    # unit tallies: kind -> {"units": [(positive: bool|None, flagged: bool, rules: set)]}
    units: dict[str, list[tuple[bool | None, bool, frozenset[str]]]]
    spans_hit: list[tuple[str | None, bool, frozenset[str]]]  # error spans: category, hit, rules
    neutral_lines: tuple[int, int] = (0, 0)  # (lines, flagged)


def _line_table(d: DocLabels, text: str | None, where: str) -> list[tuple[int, int, str | None]]:
    if d.lines is None:
        return []
    if d.lines and isinstance(d.lines[0], tuple):
        return list(d.lines)  # type: ignore[arg-type]
    if not d.lines:
        return []
    if text is None:
        raise LabelError(f"{where}: line labels given as a list of labels need the document's text: "
                         "give the documents as PATH arguments")
    geo = text_lines(text)
    if len(geo) != len(d.lines):
        raise LabelError(f"{where}: {len(d.lines)} line labels for a text of {len(geo)} lines")
    return [(a, b, lab) for (a, b), lab in zip(geo, d.lines)]


def evaluate_doc(d: DocLabels, pred: PredDoc | None, opts: Options,
                 decisions: Mapping[str, str] | None = None) -> DocEval:
    raw = pred.findings if pred else []
    findings = [f for f in raw if opts.keep(f)]
    where = f"labels for {d.by} {d.key!r}"
    verdicts: list[str | None] = [None] * len(findings)
    pos_votes = [False] * len(findings)
    neg_votes = [False] * len(findings)
    units: dict[str, list[tuple[bool | None, bool, frozenset[str]]]] = {}
    spans_hit: list[tuple[str | None, bool, frozenset[str]]] = []
    neutral = (0, 0)
    locs = [(int(f["start"]), int(f["end"])) for f in findings]
    if d.spans is not None:
        errors = [(a, b, c) for a, b, lab, c in d.spans if lab == "error"]
        oks = [(a, b) for a, b, lab, _ in d.spans if lab == "ok"]
        for i, loc in enumerate(locs):
            if any(overlaps(loc, (a, b)) for a, b, _ in errors):
                pos_votes[i] = True
            elif d.exhaustive or any(overlaps(loc, ok) for ok in oks):
                neg_votes[i] = True
        for a, b, c in errors:
            rules = frozenset(str(findings[i]["rule"]) for i, loc in enumerate(locs) if overlaps(loc, (a, b)))
            spans_hit.append((c, bool(rules), rules))
    if d.lines is not None:
        table = _line_table(d, pred.text if pred else None, where)
        pos_set, neu_set = set(opts.positive_labels), set(opts.neutral_labels)
        judged = [i for i, f in enumerate(findings) if opts.judged_by_lines(f)]
        ivs = [locs[i] for i in judged]
        lu: list[tuple[bool | None, bool, frozenset[str]]] = []
        nl = nf = 0
        for a, b, lab in table:
            if lab is None or b <= a:
                continue
            flagged = union_len(ivs, a, b) >= opts.min_overlap * (b - a)
            rules = frozenset(str(findings[i]["rule"]) for i in judged
                              if union_len([locs[i]], a, b) >= opts.min_overlap * (b - a))
            if lab in neu_set:
                nl += 1
                nf += flagged
                continue
            lu.append((lab in pos_set, flagged, rules))
        units["lines"] = lu
        neutral = (nl, nf)
        starts = [a for a, _, _ in table]
        for i in judged:
            s, e = locs[i]
            good = bad = 0
            lo = max(0, bisect_right(starts, s) - 1)
            for a, b, lab in table[lo:]:
                if a > e or (a == e and s != e):
                    break
                if lab is None:
                    continue
                n = (min(e, b) - max(s, a)) if s != e else (1 if a <= s <= b else 0)
                if n <= 0:
                    continue
                if lab in pos_set or lab in neu_set:
                    good += n
                else:
                    bad += n
            if good + bad:
                if good >= bad:
                    pos_votes[i] = True
                else:
                    neg_votes[i] = True
    if d.segments is not None:
        segs = d.segments
        flagged_by: list[set[str]] = [set() for _ in segs]
        for i, (s, e) in enumerate(locs):
            hits = segment_hits(s, e, segs)
            for j in hits:
                flagged_by[j].add(str(findings[i]["rule"]))
            ps = [segs[j][2] for j in hits if segs[j][2] is not None]
            if any(ps):
                pos_votes[i] = True
            elif ps:
                neg_votes[i] = True
        units["segments"] = [(p, bool(flagged_by[j]), frozenset(flagged_by[j]))
                             for j, (_, _, p) in enumerate(segs)]
    if decisions is not None and pred is not None and findings:
        from qa.baseline import fingerprint, fingerprint_v1

        res = pred.result
        if res is None or getattr(res, "doc", None) is None:
            raise LabelError("review decisions need the documents: give them as PATH arguments")
        for i, f in enumerate(findings):
            dec = decisions.get(fingerprint(res, f))  # type: ignore[arg-type]
            if dec is None and any(k.startswith("v1:") for k in decisions):
                dec = decisions.get("v1:" + fingerprint_v1(res, f))  # type: ignore[arg-type]
            if dec == "accept":
                pos_votes[i] = True
            elif dec == "dismiss":
                neg_votes[i] = True
    for i in range(len(findings)):
        verdicts[i] = "tp" if pos_votes[i] else ("fp" if neg_votes[i] else None)
    return DocEval(d, pred, findings, verdicts, units, spans_hit, neutral)


# --------------------------------------------------------------------------- aggregation
def _interval(tp: int, n: int) -> list[float] | None:
    w = wilson(tp, n)
    return None if w is None else [round(w[0], 4), round(w[1], 4)]


def _doc_id(ev: DocEval) -> str:
    return f"{ev.labels.by}:{ev.labels.key}"


def _group(ev: DocEval, opts: Options) -> str | None:
    if not opts.group_field:
        return None
    v = ev.labels.fields.get(opts.group_field)
    return None if v is None else str(v)


def _tally(evs: Sequence[DocEval], opts: Options, key: Callable[[dict], str]) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for ev in evs:
        g = _group(ev, opts)
        for f, v in zip(ev.findings, ev.verdicts):
            k = key(f)
            r = rows.setdefault(k, {"findings": 0, "tp": 0, "fp": 0, "unjudged": 0, "docs": set(), "groups": set(),
                                    "name": f.get("name"), "category": f.get("category"),
                                    "severity": set()})
            r["findings"] += 1
            r["severity"].add(str(f.get("severity")))
            if v == "tp":
                r["tp"] += 1
                r["docs"].add(_doc_id(ev))
                if g is not None:
                    r["groups"].add(g)
            elif v == "fp":
                r["fp"] += 1
            else:
                r["unjudged"] += 1
    return rows


def _row(k: str, r: dict, opts: Options) -> dict[str, object]:
    n = r["tp"] + r["fp"]
    out: dict[str, object] = {"findings": r["findings"], "judged": n, "tp": r["tp"], "fp": r["fp"],
                              "unjudged": r["unjudged"], "precision": _ratio(r["tp"], n),
                              "interval": _interval(r["tp"], n), "support_docs": len(r["docs"])}
    if opts.group_field:
        out["support_groups"] = len(r["groups"])
    return out


def _unit_stats(units: Sequence[tuple[bool | None, bool, frozenset[str]]]) -> dict[str, object]:
    tp = sum(1 for p, fl, _ in units if p and fl)
    fp = sum(1 for p, fl, _ in units if p is False and fl)
    fn = sum(1 for p, fl, _ in units if p and not fl)
    tn = sum(1 for p, fl, _ in units if p is False and not fl)
    n = tp + fp + fn + tn
    out: dict[str, object] = {"units": n, "positives": tp + fn, "base_rate": _ratio(tp + fn, n),
                              "flagged": tp + fp, "share_flagged": _ratio(tp + fp, n),
                              "tp": tp, "fp": fp, "fn": fn, "tn": tn}
    out.update(prf(tp, fp, fn))
    out["negatives_flagged"] = _ratio(fp, fp + tn)
    return out


def overall(evs: Sequence[DocEval], opts: Options) -> dict[str, object]:
    tp = sum(v == "tp" for ev in evs for v in ev.verdicts)
    fp = sum(v == "fp" for ev in evs for v in ev.verdicts)
    nf = sum(len(ev.findings) for ev in evs)
    out: dict[str, object] = {"documents": len(evs), "findings": nf, "judged": tp + fp, "tp": tp, "fp": fp,
                              "unjudged": nf - tp - fp, "precision": _ratio(tp, tp + fp),
                              "interval": _interval(tp, tp + fp)}
    kinds: set[str] = set()
    for ev in evs:
        kinds.update(ev.units)
    for kind in ("segments", "lines"):
        if kind in kinds:
            stats = _unit_stats([u for ev in evs for u in ev.units.get(kind, [])])
            if kind == "lines":
                nl = sum(ev.neutral_lines[0] for ev in evs)
                nfl = sum(ev.neutral_lines[1] for ev in evs)
                stats["neutral_lines"] = nl
                stats["neutral_lines_flagged"] = _ratio(nfl, nl)
            out[kind] = stats
    if any(ev.labels.spans is not None for ev in evs):
        spans = [s for ev in evs for s in ev.spans_hit]
        # span precision only where the spans are exhaustive (elsewhere a finding may be unlabelled)
        sp_find = sum(len(ev.findings) for ev in evs if ev.labels.spans is not None and ev.labels.exhaustive)
        sp_hit = 0
        for ev in evs:
            if ev.labels.spans is None or not ev.labels.exhaustive:
                continue
            errs = [(a, b) for a, b, lab, _ in ev.labels.spans if lab == "error"]
            sp_hit += sum(1 for f in ev.findings if any(overlaps((int(f["start"]), int(f["end"])), x) for x in errs))
        out["spans"] = {"error_spans": len(spans), "error_spans_hit": sum(1 for _, h, _ in spans if h),
                        "recall": _ratio(sum(1 for _, h, _ in spans if h), len(spans)),
                        "findings": sp_find, "findings_on_error_spans": sp_hit,
                        "precision": _ratio(sp_hit, sp_find)}
        cats: dict[str, list[int]] = {}
        for c, h, _ in spans:
            if c is not None:
                x = cats.setdefault(c, [0, 0])
                x[0] += 1
                x[1] += h
        if cats:
            out["spans"]["by_label_category"] = {c: {"error_spans": n, "hit": h, "recall": _ratio(h, n)}  # type: ignore[index]
                                                 for c, (n, h) in sorted(cats.items())}
    return out


def evaluate(labels: LabelSet, preds: Sequence[PredDoc], opts: Options | None = None) -> dict[str, object]:
    """Score predictions against labels; the result is a JSON-ready dict with sorted keys."""
    opts = opts or Options()
    idx = _Index(preds)
    evs: list[DocEval] = []
    missing: list[str] = []
    if labels.decisions is not None:
        for p in preds:
            d = DocLabels(p.id, "id", fields={"id": p.id, "path": p.path})
            evs.append(evaluate_doc(d, p, opts, labels.decisions))
    else:
        for d in labels.docs:
            p = idx.find(d)
            if p is None:
                missing.append(d.key)
            evs.append(evaluate_doc(d, p, opts))
    kinds = labels.kinds
    rule_rows = _tally(evs, opts, lambda f: str(f.get("rule")))
    rules: dict[str, dict[str, object]] = {}
    for code in sorted(rule_rows):
        r = rule_rows[code]
        row: dict[str, object] = {"name": r["name"], "category": r["category"],
                                  "severity": ",".join(sorted(r["severity"]))}
        row.update(_row(code, r, opts))
        rec: dict[str, object] = {}
        flagged: dict[str, object] = {}
        for kind in ("segments", "lines"):
            units = [u for ev in evs for u in ev.units.get(kind, []) if u[0]]
            if units:
                rec[kind] = _ratio(sum(1 for u in units if code in u[2]), len(units))
            # the segments (lines) this rule flags, as the benchmark scorers count per rule
            mine = [u for ev in evs for u in ev.units.get(kind, []) if code in u[2] and u[0] is not None]
            if mine:
                t = sum(1 for u in mine if u[0])
                flagged[kind] = {"flagged": len(mine), "tp": t, "precision": _ratio(t, len(mine))}
        spans = [s for ev in evs for s in ev.spans_hit]
        if spans:
            rec["spans"] = _ratio(sum(1 for s in spans if code in s[2]), len(spans))
        row["recall"] = rec
        if flagged:
            row["units_flagged"] = flagged
        rules[code] = row
    cat_rows = _tally(evs, opts, lambda f: str(f.get("category")))
    categories = {c: _row(c, cat_rows[c], opts) for c in sorted(cat_rows)}
    result: dict[str, object] = {
        "labels": {"kinds": kinds, "documents": len(labels.docs) if labels.decisions is None else None,
                   "decisions": len(labels.decisions) if labels.decisions is not None else None,
                   "documents_without_results": len(missing), "missing_examples": sorted(missing)[:5]},
        "options": {"min_severity": opts.min_severity, "min_confidence": opts.min_confidence,
                    "group_field": opts.group_field, "by": opts.by, "min_overlap": opts.min_overlap,
                    "line_categories": list(opts.line_categories),
                    "positive_labels": list(opts.positive_labels), "neutral_labels": list(opts.neutral_labels)},
        "overall": overall(evs, opts),
        "rules": rules,
        "categories": categories,
    }
    if opts.by:
        groups: dict[str, list[DocEval]] = {}
        fields = [x.strip() for x in opts.by.split(",") if x.strip()]  # several: one group per combination
        for ev in evs:
            vals = [ev.labels.fields.get(x) for x in fields]
            groups.setdefault(" / ".join("(none)" if v is None else str(v) for v in vals), []).append(ev)
        result["by"] = {g: overall(x, opts) for g, x in sorted(groups.items())}
    return result


# --------------------------------------------------------------------------- rendering
def _fmt(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, list) and len(v) == 2 and all(isinstance(x, float) for x in v):
        return f"[{v[0]:.3f}, {v[1]:.3f}]"
    return str(v)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], md: bool) -> list[str]:
    cells = [[_fmt(c) for c in r] for r in rows]
    if md:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells]
        return out
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    # text columns (codes, names) to the left, numbers to the right
    left = [all(isinstance(r[i], str) or r[i] is None for r in rows) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) if left[i] else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return [line(list(header)).rstrip()] + [line(r).rstrip() for r in cells]


def _overall_lines(o: Mapping[str, object], md: bool, title: str) -> list[str]:
    out = [f"## {title}" if md else f"== {title}", ""] if md else [f"== {title}"]
    out.append(f"findings {o['findings']}, judged {o['judged']}: TP {o['tp']}, FP {o['fp']}, "
               f"precision {_fmt(o['precision'])} (95% {_fmt(o['interval'])}); {o['documents']} document(s)")
    for kind in ("segments", "lines"):
        s = o.get(kind)
        if isinstance(s, Mapping):
            extra = ""
            if kind == "lines":
                extra = (f", negative lines flagged {_fmt(s['negatives_flagged'])}"
                         f", neutral lines {s['neutral_lines']} (flagged {_fmt(s['neutral_lines_flagged'])})")
            out.append(f"{kind}: {s['units']} (positives {s['positives']}, base rate {_fmt(s['base_rate'])}), "
                       f"flagged {s['flagged']}: precision {_fmt(s['precision'])}, recall {_fmt(s['recall'])}, "
                       f"F1 {_fmt(s['f1'])}{extra}")
    s = o.get("spans")
    if isinstance(s, Mapping):
        out.append(f"spans: {s['error_spans']} error span(s), {s['error_spans_hit']} hit: recall {_fmt(s['recall'])}"
                   + (f"; {s['findings_on_error_spans']} of {s['findings']} finding(s) on an error span: "
                      f"precision {_fmt(s['precision'])}" if s["findings"] else ""))
    if md:
        out = out[:2] + [f"- {x}" for x in out[2:]]
    return out + [""]


def render(result: Mapping[str, object], fmt: str = "table") -> str:
    """The result as ``json``, ``md`` or ``table`` text (deterministic)."""
    if fmt == "json":
        return json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt not in ("table", "md"):
        raise ValueError(f"unknown format {fmt!r}; choose table, json or md")
    md = fmt == "md"
    opts = result["options"]  # type: ignore[index]
    grouped = bool(opts.get("group_field"))  # type: ignore[union-attr]
    out: list[str] = (["# qa eval", ""] if md else [])
    out += _overall_lines(result["overall"], md, "overall")  # type: ignore[arg-type]
    for g, o in (result.get("by") or {}).items():  # type: ignore[union-attr]
        out += _overall_lines(o, md, f"{opts['by']} = {g}")  # type: ignore[index]
    rules = result["rules"]  # type: ignore[index]
    kinds = sorted({k for r in rules.values() for k in r["recall"]})  # type: ignore[union-attr]
    header = ["rule", "name", "findings", "TP", "FP", "precision", "95% interval", "docs"]
    if grouped:
        header.append(str(opts["group_field"]))  # type: ignore[index]
    header += [f"recall ({k})" for k in kinds]
    rows = []
    for code, r in rules.items():  # type: ignore[union-attr]
        row = [code, r["name"], r["findings"], r["tp"], r["fp"], r["precision"], r["interval"], r["support_docs"]]
        if grouped:
            row.append(r["support_groups"])
        row += [r["recall"].get(k) for k in kinds]
        rows.append(row)
    out += (["## per rule", ""] if md else ["== per rule"]) + _table(header, rows, md) + [""]
    header = ["category", "findings", "TP", "FP", "precision", "95% interval", "docs"] + (
        [str(opts["group_field"])] if grouped else [])  # type: ignore[index]
    rows = [[c, r["findings"], r["tp"], r["fp"], r["precision"], r["interval"], r["support_docs"]]
            + ([r["support_groups"]] if grouped else [])
            for c, r in result["categories"].items()]  # type: ignore[union-attr]
    out += (["## per category", ""] if md else ["== per category"]) + _table(header, rows, md)
    lab = result["labels"]  # type: ignore[index]
    if lab.get("documents_without_results"):  # type: ignore[union-attr]
        out += ["", f"{lab['documents_without_results']} labelled document(s) had no result "  # type: ignore[index]
                f"(scored as no findings), e.g. {', '.join(lab['missing_examples'])}"]  # type: ignore[index]
    return "\n".join(out).rstrip() + "\n"


__all__ = ["DocLabels", "LabelError", "LabelSet", "Options", "PredDoc", "evaluate", "evaluate_doc",
           "from_results", "load_labels", "load_predictions", "parse_threshold", "render", "wilson"]
