"""Helpers of the ``qa clean`` tests: a mixed input folder, its output tree as bytes, and the
reference copies made by the writers cleaning every document themselves, one after the other."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _corpus import make_mixed_corpus

import qa.clean as clean_mod
from qa.config import Settings

PO = """msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#: app/a.py:1
msgid "The order was sent. It arrives tomorrow."
msgstr "La commande est partie.Elle arrive demain ."

#: app/b.py:2
msgid "Your basket is empty."
msgstr "Votre panier est vide."
"""

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="en" target-language="de" datatype="plaintext" original="app">
    <body>
      <trans-unit id="1">
        <source>The order was sent. It arrives tomorrow.</source>
        <target>Die Bestellung ist unterwegs.Sie kommt morgen .</target>
      </trans-unit>
      <trans-unit id="2">
        <source>Your basket is empty.</source>
        <target>Ihr Warenkorb ist leer.</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""


def make_clean_corpus(root: Path) -> Path:
    """The scale tests' mixed corpus (JSON Lines plain, gzip and zstd, CSV, Parquet, text files,
    bad records), with records carrying nested extra fields, a Markdown file and bilingual files
    (PO, XLIFF) whose targets have fixes; a pristine copy next to it, to prove it is never touched."""
    make_mixed_corpus(root)
    rows = [{"meta": {"url": f"https://example.org/{i}", "tags": ["a", None, 1.5]}, "id": f"n{i}",
             "text": f"Line {i} of the feed.It ends here ,with a comma.", "score": 1e-3 * i, "ok": i % 2 == 0}
            for i in range(12)]
    with open(root / "nested.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        fh.write('{"id": "esc", "text": "caf\\u00e9 closed.It opens at 9 .", "n": 1.0}\n')
    (root / "note.md").write_text("# A note\n\nThe meeting ended.Everyone left .\n", encoding="utf-8")
    (root / "ui.fr.po").write_text(PO, encoding="utf-8")
    (root / "ui.de.xlf").write_text(XLIFF, encoding="utf-8")
    shutil.copytree(root, root.parent / "pristine")
    return root


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (relative name -> bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def reference_clean(paths, out: Path, settings: Settings | None = None, **kw):
    """``qa.clean.clean_paths`` with the runner giving nothing: every document is cleaned by the
    writers themselves, in this process, one after the other (the loop ``qa clean`` ran before
    it ran through the runner)."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(clean_mod, "_prepare", lambda files, *a, **k: clean_mod.Prepared(iter(()), files))
        return clean_mod.clean_paths(paths, settings or Settings(), out, **kw)
