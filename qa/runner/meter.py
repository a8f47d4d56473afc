"""How much of the input a run has done, in bytes of the input files (for the progress bar).

``InputMeter.measure`` stats every input file before the run (cheap: no file is opened) for the
total; while the readers go, each record is marked with the input bytes done once it is checked:
the sizes of the files finished before it, plus its own file's size when the file is one
document, or (a corpus: JSON Lines, CSV, Parquet, compressed) how far the reader is in the file
(``qa.inputs.reading_position``: an estimate, as a reader reads ahead). The marks are taken in
input order and ``RunStats.count`` takes them in the same order, when the record's result comes
back, so the bytes done follow the checking, not the reading ahead of the worker pool.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable

from qa.bilingual.readers import bilingual_kind
from qa.corpus_readers import STDIN, corpus_kind
from qa.inputs import reading_position


class InputMeter:
    def __init__(self) -> None:
        self.total: int | None = 0  # None: not known (standard input)
        self.files = 0
        #: inputs that are one document each (text, Markdown, bilingual files); the others are corpora
        self.document_files = 0
        self._marks: deque[int] = deque()
        self._done_files = 0  # bytes of the files read to their end
        self._sizes: dict[str, int] = {}
        self._whole: set[str] = set()

    def measure(self, files: Iterable[str]) -> list[str]:
        """The input files as a list, their sizes summed into ``total``."""
        out = list(files)
        for p in out:
            self.files += 1
            if p == STDIN:
                self.total = None
                continue
            if corpus_kind(p) is None or bilingual_kind(p):
                self.document_files += 1
                self._whole.add(p)
            try:
                size = os.stat(p).st_size
            except OSError:
                size = 0
            self._sizes[p] = size
            if self.total is not None:
                self.total += size
        return out

    @property
    def documents_known(self) -> bool:
        """Every input is one document: the number of documents is known before reading."""
        return self.files == self.document_files and self.total is not None

    def size(self, path: str) -> int:
        return self._sizes.get(path, 0)

    def mark(self, path: str) -> None:
        """A record of ``path`` was read."""
        size = self.size(path)
        if path in self._whole:
            self._marks.append(self._done_files + size)
            return
        pos = reading_position(path)
        self._marks.append(self._done_files + (min(pos, size) if pos is not None else 0))

    def file_done(self, path: str) -> None:
        self._done_files += self.size(path)

    def take(self) -> int | None:
        """The input bytes done once the next record in input order is counted."""
        return self._marks.popleft() if self._marks else None
