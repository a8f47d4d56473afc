"""Reading speed of the bilingual readers against translate-toolkit on generated files.

    python benchmarks/bilingual_readers.py [--units 20000]

Writes an XLIFF 1.2, an XLIFF 2.0 (not read by translate-toolkit's ``xliff`` class), a PO and a
TMX file of ``--units`` units of generated text into a temporary folder, then times
``qa.bilingual.readers`` (lxml, polib) and translate-toolkit's ``xlifffile`` / ``pofile`` /
``tmxfile`` parsing the same bytes (best of 3). translate-toolkit is in the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.bilingual import readers  # noqa: E402

WORDS = "the file folder save open close account number price report update server user window page".split()
ZIEL = "die Datei Ordner speichern öffnen schließen Konto Nummer Preis Bericht Server Nutzer Fenster Seite".split()


def sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(6, 18))).capitalize() + f" {rng.randrange(1000)}."


def make(n: int, folder: Path) -> dict[str, Path]:
    rng = random.Random(7)
    pairs = [(sentence(rng, WORDS), sentence(rng, ZIEL)) for _ in range(n)]
    x12 = ['<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
           '<file original="a" source-language="en" target-language="de" datatype="plaintext"><body>']
    x12 += [f'<trans-unit id="u{i}"><source>{escape(s)} <x id="1"/></source><target state="translated">{escape(t)} <x id="1"/></target></trans-unit>'
            for i, (s, t) in enumerate(pairs)]
    x12.append("</body></file></xliff>\n")
    x20 = ['<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="de"><file id="f">']
    x20 += [f'<unit id="u{i}"><segment><source>{escape(s)}</source><target>{escape(t)}</target></segment></unit>' for i, (s, t) in enumerate(pairs)]
    x20.append("</file></xliff>\n")
    po = ['msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n']
    po += [f'#: src/a.c:{i}\nmsgid "{s}"\nmsgstr "{t}"\n' for i, (s, t) in enumerate(pairs)]
    tmx = ['<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" '
           'adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>']
    tmx += [f'<tu tuid="{i}"><tuv xml:lang="en"><seg>{escape(s)}</seg></tuv><tuv xml:lang="de"><seg>{escape(t)}</seg></tuv></tu>'
            for i, (s, t) in enumerate(pairs)]
    tmx.append("</body></tmx>\n")
    out = {}
    for name, parts in (("a.xlf", x12), ("b.xlf", x20), ("c.po", ["\n".join(po)]), ("d.tmx", tmx)):
        p = folder / name
        p.write_text("".join(parts), encoding="utf-8")
        out[name] = p
    return out


def best(fn, repeats: int = 3) -> float:
    t_best = None
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        el = time.perf_counter() - t
        t_best = el if t_best is None else min(t_best, el)
    return t_best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = make(args.units, Path(tmp))
        ours = {
            "XLIFF 1.2": lambda: readers.read_xliff_bytes(files["a.xlf"].read_bytes(), "a", "a"),
            "XLIFF 2.0": lambda: readers.read_xliff_bytes(files["b.xlf"].read_bytes(), "b", "b"),
            "PO": lambda: readers.read_po_text(files["c.po"].read_text(encoding="utf-8"), "c", "c"),
            "TMX": lambda: readers.read_tmx_bytes(files["d.tmx"].read_bytes(), "d", "d"),
        }
        try:
            from translate.storage import po as tt_po, tmx as tt_tmx, xliff as tt_xliff
        except ImportError:
            tt = {}
        else:
            def tt_units(store):
                return [(u.source, u.target) for u in store.units]

            tt = {
                "XLIFF 1.2": lambda: tt_units(tt_xliff.xlifffile.parsestring(files["a.xlf"].read_bytes())),
                "PO": lambda: tt_units(tt_po.pofile.parsestring(files["c.po"].read_bytes())),
                "TMX": lambda: tt_units(tt_tmx.tmxfile.parsestring(files["d.tmx"].read_bytes())),
            }
        print(f"{args.units} units per file")
        print(f"{'format':10} {'MB':>6} {'qa (s)':>8} {'translate-toolkit (s)':>22}")
        for name, fn in ours.items():
            path = files[{"XLIFF 1.2": "a.xlf", "XLIFF 2.0": "b.xlf", "PO": "c.po", "TMX": "d.tmx"}[name]]
            mb = path.stat().st_size / 1e6
            t_ours = best(fn)
            t_tt = best(tt[name]) if name in tt else None
            print(f"{name:10} {mb:6.2f} {t_ours:8.3f} {('%.3f' % t_tt) if t_tt is not None else 'n/a':>22}")


if __name__ == "__main__":
    main()
