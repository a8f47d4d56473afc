"""Synthetic index rows (the dicts ``qa.report.html.write_reports`` hands to ``render_index``),
made directly so an index of 100,000 files needs no check run. Deterministic: row ``i`` always
has the same findings. Used by tests/browser/test_index_scale.py and benchmarks/index_scale.py."""

from __future__ import annotations

import hashlib

# rule -> (category, severity)
RULES = {
    "PUN002": ("punctuation", "warning"),
    "PUN001": ("punctuation", "info"),
    "WS001": ("whitespace", "warning"),
    "ENC001": ("encoding", "error"),
    "GRAM101": ("grammar", "info"),
    "BP101": ("boilerplate", "warning"),
}
CODES = list(RULES)
SEARCH_WORD = "zebracode"


def findings_of(i: int) -> list[tuple[str, str]]:
    """(rule, matched words) of row ``i``: 0 to 8 findings."""
    n = (i * 7919) % 9
    out = []
    for j in range(n):
        code = CODES[(i + j * 7) % len(CODES)] if (i + j) % 4 else "PUN002"
        word = f"{SEARCH_WORD}{i}" if i % 997 == 0 and j == 0 else f"w{(i * 31 + j * 17) % 1000}"
        out.append((code, word))
    return out


def _hex(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def error_of(i: int) -> str | None:
    """Every 5003rd row is an input that could not be read."""
    return "cannot read: not UTF-8" if i % 5003 == 1 else None


def row(i: int) -> dict[str, object]:
    error = error_of(i)
    fs = [] if error else findings_of(i)
    cats: dict[str, int] = {}
    rules: dict[str, int] = {}
    sevs = set()
    for code, _w in fs:
        cat, sev = RULES[code]
        cats[cat] = cats.get(cat, 0) + 1
        rules[code] = rules.get(code, 0) + 1
        sevs.add(sev)
    verdict = "fail" if "error" in sevs or error else "warn" if "warning" in sevs else "pass"
    bits = sum({"error": 1, "warning": 2, "info": 4}[s] for s in sevs)
    name = f"doc{i:06d}.txt"
    folder = f"part{i // 1000:03d}"
    return {"href": f"{folder}/{name}.html", "label": f"{folder}/{name}", "score": round(100 / (1 + 0.37 * len(fs)), 1),
            "verdict": verdict, "total": len(fs), "cats": dict(sorted(cats.items())), "error": error,
            "rules": rules, "sevs": bits, "fps": [_hex("fp", i, j) for j in range(len(fs))],
            "sims": [_hex("sim", code, w) for code, w in fs], "words": " ".join(dict.fromkeys(w for _c, w in fs)),
            "path": f"corpus/{folder}/{name}", "id": name}


def synthetic_rows(n: int) -> list[dict[str, object]]:
    return [row(i) for i in range(n)]
