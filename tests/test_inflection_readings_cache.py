"""The reading sets of ``qa.inflection`` (reading -> the forms that have it) read back from their
signed cache file: the same sets as built from the inflection table, without reading the table's
text until a rule asks a lemma's forms; a planted or damaged file is ignored and written again."""

from __future__ import annotations

import json

import pytest

from qa import inflection
from qa.signed import MAGIC


def _reset(monkeypatch):
    monkeypatch.setattr(inflection, "_IRREGULAR", None)
    monkeypatch.setattr(inflection, "_LEX", None)
    inflection._tags.cache_clear()
    inflection.base_form.cache_clear()
    inflection.is_mass_noun.cache_clear()


@pytest.fixture
def fresh(monkeypatch, start_up_cache):
    """A process that has built nothing yet, with the cache on in a folder of its own."""
    _reset(monkeypatch)
    yield
    inflection._tags.cache_clear()
    inflection.base_form.cache_clear()
    inflection.is_mass_noun.cache_clear()


WORDS = ("shows", "took", "taken", "information", "sheep", "better", "quickly", "bridge", "running", "focused",
         "went", "mice", "analyses", "zzzq")


def _answers():
    return ([(w, sorted(inflection.tags(w))) for w in WORDS],
            inflection.forms("take", "verb"), inflection.forms("mouse", "noun"), inflection.lemmas("took", "VBD"),
            inflection.base_form("went"), inflection.is_mass_noun("information"))


def test_the_cached_sets_are_the_built_ones_and_the_text_waits_for_a_lemmas_forms(fresh, monkeypatch):
    built_answers = _answers()
    built = {k: set(v) for k, v in inflection.load().sets.items()}
    _, path = inflection._readings_cache()
    assert path.is_file()
    _reset(monkeypatch)
    lex = inflection.load()
    assert lex.sets == built and list(lex.sets) == list(inflection.READINGS)
    assert sum(map(len, lex.sets.values())) > 50_000
    assert lex._raw is None  # the sets came from the file: the table's text is not read
    assert inflection.tags("shows") == frozenset({"NNS", "VBZ"}) and lex._raw is None
    assert _answers() == built_answers  # forms, lemmas and the rest read the text when asked
    assert lex._raw is not None


def test_without_the_cache_the_sets_are_built_from_the_table(fresh, monkeypatch):
    monkeypatch.setenv("QA_NO_CACHE", "1")
    assert inflection._readings_cache() is None
    lex = inflection.load()
    assert lex._raw is not None and "took" in lex.sets["VBD"]


@pytest.mark.parametrize("damage", ["planted", "truncated", "missing-reading"])
def test_a_planted_or_damaged_file_is_ignored_and_rebuilt(fresh, monkeypatch, damage):
    built = {k: set(v) for k, v in inflection.load().sets.items()}
    key, path = inflection._readings_cache()
    data = path.read_bytes()
    head = len(MAGIC) + 16 + 8 + 32
    payload = json.loads(data[head:])
    if damage == "planted":  # "took" made a plural noun, under a MAC made without the secret
        payload["sets"]["NNS"] += "\ntook"
        blob = json.dumps(payload).encode()
        path.write_bytes(data[:len(MAGIC) + 16] + len(blob).to_bytes(8, "big") + b"\0" * 32 + blob)
    elif damage == "truncated":
        path.write_bytes(data[:head + 10])
    else:  # signed, but a reading is missing: refused when read
        del payload["sets"]["RB"]
        from qa.signed import json_blob, write_cached

        write_cached(path, key, json_blob(payload))
    _reset(monkeypatch)
    lex = inflection.load()
    assert lex.sets == built
    assert "NNS" not in inflection.tags("took")
    assert lex._raw is not None  # built again from the table
    assert path.read_bytes() == data  # and the file written again
