"""The irregular-verb table of ``qa.inflection`` read back from its signed cache file: the same
table as built from the inflection lexicon, without reading the lexicon; a planted or damaged
file is ignored and written again."""

from __future__ import annotations

import json

import pytest

from qa import inflection
from qa.signed import MAGIC


@pytest.fixture
def fresh(monkeypatch, start_up_cache):
    """A process that has built nothing yet, with the cache on in a folder of its own."""
    monkeypatch.setattr(inflection, "_IRREGULAR", None)
    monkeypatch.setattr(inflection, "_LEX", None)
    inflection._tags.cache_clear()
    yield
    inflection._tags.cache_clear()


def _reset(monkeypatch):
    monkeypatch.setattr(inflection, "_IRREGULAR", None)
    monkeypatch.setattr(inflection, "_LEX", None)
    inflection._tags.cache_clear()


def _file():
    key, path = inflection._irregular_cache()
    return key, path


def test_the_cached_table_is_the_built_one_and_needs_no_lexicon(fresh, monkeypatch):
    built = inflection.irregular_pasts()
    assert built["took"] == ("take", "taken") and built["went"] == ("go", "gone")
    _, path = _file()
    assert path.is_file()
    _reset(monkeypatch)
    cached = inflection.irregular_pasts()
    assert list(cached.items()) == list(built.items())  # same entries, same order
    assert inflection._LEX is None  # read from the file, not from the lexicon
    assert inflection.participle("wrote") == "written"


def test_without_the_cache_it_is_built_every_time(fresh, monkeypatch):
    monkeypatch.setenv("QA_NO_CACHE", "1")
    assert inflection.irregular_pasts()["took"] == ("take", "taken")
    assert inflection._irregular_cache() is None
    assert inflection._LEX is not None


@pytest.mark.parametrize("damage", ["planted", "truncated", "not-json"])
def test_a_planted_or_damaged_file_is_ignored_and_rebuilt(fresh, monkeypatch, damage):
    built = inflection.irregular_pasts()
    key, path = _file()
    data = path.read_bytes()
    head = len(MAGIC) + 16 + 8 + 32
    if damage == "planted":  # "took" made a regular verb, under a MAC made without the secret
        table = json.loads(data[head:])
        table["took"] = ["take", "took"]
        blob = json.dumps(table).encode()
        path.write_bytes(data[:len(MAGIC) + 16] + len(blob).to_bytes(8, "big") + b"\0" * 32 + blob)
    elif damage == "truncated":
        path.write_bytes(data[:head + 10])
    else:
        path.write_bytes(data[:len(MAGIC) + 16] + (3).to_bytes(8, "big") + data[len(MAGIC) + 24:head] + b"{{{")
    _reset(monkeypatch)
    assert inflection.irregular_pasts() == built
    assert inflection._LEX is not None  # built again from the lexicon
    assert path.read_bytes() == data  # and the file written again
