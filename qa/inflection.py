"""An English inflection lexicon: the part-of-speech readings and inflected forms of a word.

The data is the inflection table that the ``lemminflect`` package ships (``infl_lu.csv.gz``,
about 40,000 lemmas of the SPECIALIST Lexicon: nouns with their plurals, verbs with past, past
participle, -ing and third-person forms, adjectives with comparative and superlative). The file
is read directly, without importing the package (whose import pulls in numpy), and inverted into
one set of forms per reading; that takes well under 0.2 s (``benchmarks/grammar.py`` measures
it), so the sets are kept in a signed cache file (``qa.signed``) and
a later process reads them from there; the table's text itself is read only when a rule asks a
lemma's forms. The auxiliaries *be*, *have*, *do* and the modals are a closed class and are
listed here, not read from the file.

Readings are Penn Treebank tags: ``NN`` (singular or mass noun), ``NNS`` (plural noun), ``VB``
(base verb), ``VBD`` (simple past), ``VBN`` (past participle), ``VBG`` (-ing), ``VBZ`` (third
person singular), ``JJ``/``JJR``/``JJS`` (adjective, comparative, superlative), ``RB`` (adverb).
Only lower-case lemmas are read (capitalised entries are proper names). A word the table does
not know has no readings: rules treat it as unknown and skip it.

Grammar rules ask one question of it: *can this word be read only one way?* A form with two
readings (``shows``: a plural noun and a verb) is ambiguous, and a rule that needs one of them
stays silent.
"""

from __future__ import annotations

import gzip
import re
import importlib.util
import os
import threading
from functools import lru_cache

from qa.warmup import loader

__all__ = [
    "LexiconMissing", "tags", "lemmas", "forms", "participle", "base_form", "is_mass_noun", "irregular_pasts",
    "NOUN", "VERB", "ADJ", "AUXILIARIES", "load",
]

NOUN = frozenset({"NN", "NNS"})
VERB = frozenset({"VB", "VBD", "VBN", "VBG", "VBZ"})
ADJ = frozenset({"JJ", "JJR", "JJS"})

#: The closed class: forms of *be*, *have*, *do* and the modals, with their readings.
AUXILIARIES: dict[str, tuple[str, frozenset[str]]] = {
    **{w: ("be", frozenset(t)) for w, t in (
        ("be", {"VB"}), ("am", {"VBP"}), ("is", {"VBZ"}), ("are", {"VBP"}), ("was", {"VBD"}),
        ("were", {"VBD"}), ("been", {"VBN"}), ("being", {"VBG"}))},
    **{w: ("have", frozenset(t)) for w, t in (
        ("have", {"VB"}), ("has", {"VBZ"}), ("had", {"VBD", "VBN"}), ("having", {"VBG"}))},
    **{w: ("do", frozenset(t)) for w, t in (
        ("do", {"VB"}), ("does", {"VBZ"}), ("did", {"VBD"}), ("done", {"VBN"}), ("doing", {"VBG"}))},
    **{w: (w, frozenset({"MD"})) for w in (
        "will", "would", "can", "could", "shall", "should", "may", "might", "must")},
}

_VERB_TAGS = ("VBD", "VBN", "VBG", "VBZ")
_ADJ_TAGS = ("JJR", "JJS")


class LexiconMissing(RuntimeError):
    """The inflection table of ``lemminflect`` is not installed."""


def _data_path() -> str:
    spec = importlib.util.find_spec("lemminflect")
    if spec is None or not spec.submodule_search_locations:
        raise LexiconMissing("the 'lemminflect' package is not installed (pip install lemminflect)")
    path = os.path.join(list(spec.submodule_search_locations)[0], "resources", "infl_lu.csv.gz")
    if not os.path.isfile(path):
        raise LexiconMissing(f"lemminflect's inflection table is missing at {path}")
    return path


#: the rows of the table by part of speech (lower-case lemmas only: capitalised ones are names)
_ROW_RE = {
    "noun": re.compile(r"^([a-z][^,\n]*),noun,?([^,\n]*)$", re.M),
    "verb": re.compile(r"^([a-z][^,\n]*),verb,([^,\n]*),([^,\n]*),([^,\n]*),([^,\n]*)$", re.M),
    "adj": re.compile(r"^([a-z][^,\n]*),adj,?([^,\n]*),?([^,\n]*)$", re.M),
    "adv": re.compile(r"^([a-z][^,\n]*),adv\b", re.M),
}


class _Lexicon:
    """``sets``: reading -> the set of forms that have it; ``row``: the raw columns of one
    lemma's table row, found in the text on demand (``forms``); ``owners``: form -> the
    (lemma, pos) rows it occurs in, built on first use (only fixes and messages need it).
    ``sets`` given (read from the cache), the table's text is read on first use too."""

    __slots__ = ("sets", "_path", "_raw", "_owners")

    def __init__(self, path: str, sets: dict[str, set[str]] | None = None) -> None:
        self._path = path
        self._raw: str | None = None
        self._owners: dict[str, list[tuple[str, str]]] | None = None
        self.sets = sets if sets is not None else _reading_sets(self.raw)

    @property
    def raw(self) -> str:
        """The table's text, a newline before its first row."""
        if self._raw is None:
            self._raw = _read_table(self._path)
        return self._raw

    def row(self, lemma: str, pos: str) -> list[str] | None:
        raw = self.raw
        at = raw.find(f"\n{lemma},{pos},")
        if at < 0:
            at = raw.find(f"\n{lemma},{pos}\n")
            if at < 0:
                return None
        end = raw.find("\n", at + 1)
        return raw[at + 1:end if end >= 0 else None].split(",")

    def owners(self) -> dict[str, list[tuple[str, str]]]:
        if self._owners is None:
            own: dict[str, list[tuple[str, str]]] = {}
            for line in self.raw.split("\n"):
                if not line[:1].islower():
                    continue
                parts = line.split(",")
                key = (parts[0], parts[1])
                for form in {parts[0], *(f for col in parts[2:] for f in col.split("/") if f)}:
                    own.setdefault(form, []).append(key)
            self._owners = own
        return self._owners


@loader
def _read_table(path: str) -> str:
    with gzip.open(path, "rb") as fh:
        return "\n" + fh.read().decode("utf-8")


#: the readings ``_reading_sets`` gives a set of forms, in its order
READINGS = ("NN", "NNS", "VB", "VBD", "VBN", "VBG", "VBZ", "JJ", "JJR", "JJS", "RB")


def _reading_sets(raw: str) -> dict[str, set[str]]:
    """One set of forms per reading, filled by C-level finds and splits (no loop per form)."""
    sets: dict[str, set[str]] = {}

    def forms_of(cols: list[str]) -> set[str]:
        return set("/".join(cols).split("/")) - {""}

    rows = _ROW_RE["noun"].findall(raw)
    sets["NN"] = {r[0] for r in rows}
    sets["NNS"] = forms_of([r[1] for r in rows])
    rows = _ROW_RE["verb"].findall(raw)
    sets["VB"] = {r[0] for r in rows}
    sets["VBD"] = forms_of([r[1] for r in rows])
    # an empty participle column means the participle is the past
    sets["VBN"] = forms_of([r[2] or r[1] for r in rows])
    sets["VBG"] = forms_of([r[3] for r in rows])
    sets["VBZ"] = forms_of([r[4] for r in rows])
    rows = _ROW_RE["adj"].findall(raw)
    sets["JJ"] = {r[0] for r in rows}
    sets["JJR"] = forms_of([r[1] for r in rows])
    sets["JJS"] = forms_of([r[2] for r in rows])
    sets["RB"] = set(_ROW_RE["adv"].findall(raw))
    return sets


_LOCK = threading.Lock()
_LEX: _Lexicon | None = None


def load() -> _Lexicon:
    """The lexicon, read on first use (once per process)."""
    if _LEX is None:
        _load()
    return _LEX  # type: ignore[return-value]


@loader
def _load() -> None:
    global _LEX
    if _LEX is None:
        with _LOCK:
            if _LEX is None:
                path = _data_path()
                sets = _cached_readings()
                lex = _Lexicon(path, sets)
                if sets is None:
                    _store_readings(lex.sets)
                _LEX = lex
    return _LEX


def tags(word: str) -> frozenset[str]:
    """Every reading of a lower-case word (``frozenset()`` for a word the lexicon does not know).
    Auxiliaries and modals give their closed-class readings only."""
    aux = AUXILIARIES.get(word)
    if aux is not None:
        return aux[1]
    return _tags(word)


@lru_cache(maxsize=65536)
def _tags(word: str) -> frozenset[str]:
    sets = load().sets
    out = {tag for tag, forms in sets.items() if word in forms}
    if "VBD" in out and word.endswith("ed"):
        out.add("VBN")  # a regular past ("focused") is a participle too, whatever spelling the table lists
    return frozenset(out)


def lemmas(word: str, tag: str) -> tuple[str, ...]:
    """The lemmas of which ``word`` is the ``tag`` form (``lemmas('took', 'VBD') == ('take',)``)."""
    lex = load()
    if tag not in tags(word):
        return ()
    pos = {"N": "noun", "V": "verb", "J": "adj", "R": "adv"}[tag[0]]
    return tuple(sorted({lemma for lemma, p in lex.owners().get(word, ()) if p == pos and word in forms(lemma, p).get(tag, ())}))


def forms(lemma: str, pos: str) -> dict[str, tuple[str, ...]]:
    """The inflected forms of a lemma as ``noun``, ``verb`` or ``adj``, keyed by tag."""
    parts = load().row(lemma, pos)
    if parts is None:
        return {}
    base = {"noun": "NN", "verb": "VB", "adj": "JJ", "adv": "RB"}[pos]
    out: dict[str, tuple[str, ...]] = {base: (lemma,)}
    for tag, col in zip({"noun": ("NNS",), "verb": _VERB_TAGS, "adj": _ADJ_TAGS}.get(pos, ()), parts[2:]):
        out[tag] = tuple(f for f in col.split("/") if f)
    if pos == "verb" and not out.get("VBN"):
        out["VBN"] = out.get("VBD", ())
    return out


_IRREGULAR: dict[str, tuple[str, str]] | None = None


def irregular_pasts() -> dict[str, tuple[str, str]]:
    """Simple pasts that are nothing else and differ from their verb's participle, with (base
    form, participle): ``{"took": ("take", "taken"), "went": ("go", "gone"), ...}``. A past that
    two verbs share, or whose verb lists two participles, is left out. This is the table of
    irregular verbs the grammar rules read (built on first use from the inflection table)."""
    if _IRREGULAR is None:
        _build_irregular()
    return _IRREGULAR  # type: ignore[return-value]


#: part of the key of the table's cache file: bump it when what the file holds changes
IRREGULAR_CACHE_FORMAT = 1


@loader
def _build_irregular() -> None:
    global _IRREGULAR
    if _IRREGULAR is None:
        cached = _cached_irregular()
        if cached is not None:
            _IRREGULAR = cached
            return
        lex = load()
        seen: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for line in lex.raw.split("\n"):
            if ",verb," not in line or not line[:1].islower():
                continue
            parts = line.split(",")
            if len(parts) < 4 or not parts[3]:
                continue
            parts_n = tuple(f for f in parts[3].split("/") if f)
            for f in parts[2].split("/"):
                if f and not f.endswith("ed"):
                    seen.setdefault(f, []).append((parts[0], parts_n))
        out: dict[str, tuple[str, str]] = {}
        for past, owners in seen.items():
            if len(owners) != 1 or len(owners[0][1]) != 1 or owners[0][1][0] == past:
                continue
            if tags(past) != frozenset({"VBD"}):
                continue
            out[past] = (owners[0][0], owners[0][1][0])
        _IRREGULAR = out
        _store_irregular(out)


@lru_cache(maxsize=1)
def _inputs_digest() -> bytes:
    """What the tables are made from: this module and the inflection table (read once)."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    with open(__file__, "rb") as fh:
        h.update(fh.read())
    with open(_data_path(), "rb") as fh:
        h.update(fh.read())
    return h.digest()


def _table_cache(name: str, fmt: int, stem: str) -> tuple[str, object] | None:
    """(key, path) of the cache file of one table built from the inflection table: the key
    hashes the table and this module, so another lemminflect or another rule here misses.
    ``None``: no cache (``QA_NO_CACHE``, no table, no cache folder)."""
    from qa.cache import start_up_file

    return start_up_file("tables", stem, f"qa {name} {fmt}", lambda: (_inputs_digest(),))


def _irregular_cache() -> tuple[str, object] | None:
    """(key, path) of the irregular-verb table's cache file (``_table_cache``)."""
    return _table_cache("irregular pasts", IRREGULAR_CACHE_FORMAT, "irregular")


#: part of the key of the reading sets' cache file: bump it when what the file holds changes
READINGS_CACHE_FORMAT = 1


def _readings_cache() -> tuple[str, object] | None:
    """(key, path) of the reading sets' cache file (``_table_cache``)."""
    return _table_cache("reading sets", READINGS_CACHE_FORMAT, "readings")


def _cached_readings() -> dict[str, set[str]] | None:
    """The sets of forms per reading as last built, from their cache file when its MAC is this
    user's and it holds one text of forms (a line each) per reading of ``READINGS``."""
    where = _readings_cache()
    if where is None:
        return None
    from qa.signed import read_cached_json

    payload = read_cached_json(where[1], where[0], READINGS_CACHE_FORMAT)  # type: ignore[arg-type]
    sets = payload.get("sets") if payload is not None else None
    if not isinstance(sets, dict) or list(sets) != list(READINGS) or not all(isinstance(v, str) for v in sets.values()):
        return None
    return {k: set(v.split("\n")) if v else set() for k, v in sets.items()}


def _store_readings(sets: dict[str, set[str]]) -> None:
    where = _readings_cache()
    if where is None or list(sets) != list(READINGS) or any("" in v or any("\n" in f for f in v) for v in sets.values()):
        return  # (a form is never empty nor holds a line break: each is one line of the file)
    from qa.signed import json_blob, write_cached

    blob = json_blob({"format": READINGS_CACHE_FORMAT, "sets": {k: "\n".join(sorted(v)) for k, v in sets.items()}})
    write_cached(where[1], where[0], blob)  # type: ignore[arg-type]


def _cached_irregular() -> dict[str, tuple[str, str]] | None:
    """The table as last built, from its cache file when its MAC is this user's (the signed
    format of the scan cache, ``qa.signed.read_cached``) and it decodes to the table's shape."""
    import json

    where = _irregular_cache()
    if where is None:
        return None
    from qa.signed import read_cached

    blob = read_cached(where[1], where[0])  # type: ignore[arg-type]
    if blob is None:
        return None
    try:
        raw = json.loads(blob)
    except ValueError:
        return None
    if not isinstance(raw, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
            for k, v in raw.items()):
        return None
    return {k: (v[0], v[1]) for k, v in raw.items()}


def _store_irregular(table: dict[str, tuple[str, str]]) -> None:
    import json

    where = _irregular_cache()
    if where is None:
        return
    from qa.signed import write_cached

    write_cached(where[1], where[0], json.dumps(table, ensure_ascii=False, sort_keys=False).encode("utf-8"))  # type: ignore[arg-type]


def participle(past: str) -> str | None:
    """The past participle of the verb whose simple past is ``past``, when there is exactly one
    such verb and its participle differs from ``past`` (``took`` -> ``taken``); else ``None``."""
    entry = irregular_pasts().get(past)
    return entry[1] if entry else None


@lru_cache(maxsize=4096)
def base_form(word: str) -> str | None:
    """The base form of a verb form that belongs to exactly one verb (``went`` -> ``go``)."""
    entry = irregular_pasts().get(word)
    if entry:
        return entry[0]
    found = {lemma for tag in ("VBD", "VBN", "VBZ", "VBG") for lemma in lemmas(word, tag)}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=4096)
def is_mass_noun(word: str) -> bool:
    """A noun that is only a noun and is used in the singular only: the lexicon lists the noun
    itself among its plurals (``information``), and any other plural it lists is at least a
    hundred times rarer in English text (wordfreq) than the noun, which is not rare itself. Zero-plural count nouns
    (``sheep``, ``fish``) have a plural in common use or none besides themselves."""
    if tags(word) != frozenset({"NN", "NNS"}):
        return False
    plurals = forms(word, "noun").get("NNS", ())
    others = [p for p in plurals if p != word]
    if word not in plurals or not others:
        return False
    from qa.lexicons import zipf_en

    z = zipf_en(word)
    return z >= 3.5 and all(zipf_en(p) <= z - 2.0 for p in others)
