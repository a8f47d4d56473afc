"""Runs datatrove's heuristic filter stack over a JSON Lines corpus (inside the datatrove venv).

The stack is FineWeb's: Gopher repetition, Gopher quality, C4 quality (without the terminal
punctuation rule, as FineWeb configures it) and FineWeb quality, applied in that order the way a
datatrove pipeline does (a document dropped by one filter does not reach the next). Only the
filters are timed together with JSON parsing, in one process (one core).

Usage: python datatrove_stack.py CORPUS.jsonl MAX_BYTES   -> prints one JSON object
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    path, max_bytes = sys.argv[1], int(sys.argv[2])
    from datatrove.data import Document
    from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                            GopherRepetitionFilter)

    filters = [GopherRepetitionFilter(), GopherQualityFilter(), C4QualityFilter(filter_no_terminal_punct=False),
               FineWebQualityFilter()]
    warm = Document(text="Warm up the word tokenizer. " * 20, id="warm")
    for f in filters:
        f.filter(warm)
    docs = kept = 0
    nbytes = 0
    started = time.perf_counter()
    with open(path, "rb") as fh:
        for line in fh:
            obj = json.loads(line)
            text = obj["text"]
            nbytes += len(text.encode("utf-8"))
            doc = Document(text=text, id=str(obj.get("id", docs)))
            docs += 1
            ok = True
            for f in filters:
                res = f.filter(doc)
                if not (res[0] if isinstance(res, tuple) else res):
                    ok = False
                    break
            kept += ok
            if nbytes >= max_bytes:
                break
    seconds = time.perf_counter() - started
    print(json.dumps({"documents": docs, "kept": kept, "bytes": nbytes, "seconds": seconds}))


if __name__ == "__main__":
    main()
