"""A mixed corpus for the scale tests: every reader, good and bad records, repeated texts."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

EXTRA = [
    "Prices rose.The minister said so , and left.",
    "WhatsApp said he did not consider it appropriate to comment.",
    "Close\n\nThe article starts here. It has two sentences.",
    "Author: ****\n\nA short note.",
    "",
    "They visited in July and September, respectively. .",
    "Short.",
]


def sample_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]


def make_mixed_corpus(root: Path, n: int = 150) -> Path:
    """Write JSON Lines (plain, gzip, zstd), CSV, Parquet (several row groups) and text files."""
    root.mkdir(parents=True, exist_ok=True)
    texts = sample_texts() + EXTRA
    recs = [{"id": f"d{i}", "text": texts[i % len(texts)], "src": f"s{i % 3}"} for i in range(n)]
    lines = [json.dumps(r) for r in recs]
    lines.insert(5, "{not json")
    lines.insert(9, "")
    lines.insert(12, json.dumps({"id": "no-text"}))
    data = ("\n".join(lines) + "\n").encode()
    (root / "a.jsonl").write_bytes(data)
    (root / "b.jsonl.gz").write_bytes(gzip.compress(data[: len(data) // 3].rsplit(b"\n", 1)[0] + b"\n"))
    (root / "c.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(("\n".join(lines[-30:]) + "\n").encode()))
    with open(root / "d.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "lang"])
        for r in recs[:20]:
            w.writerow([r["id"], r["text"], "en"])
    pq.write_table(pa.table({"id": [r["id"] for r in recs[:40]], "text": [r["text"] for r in recs[:40]]}),
                   root / "e.parquet", row_group_size=9)
    sub = root / "txt"
    sub.mkdir(exist_ok=True)
    for i, t in enumerate(texts):
        (sub / f"t{i}.txt").write_text(t, encoding="utf-8")
    (sub / "bad.txt").write_bytes(b"caf\xe9 au lait\n")
    return root
