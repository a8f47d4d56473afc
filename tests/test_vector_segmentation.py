"""The numpy segmentation of long texts (``qa.document``): the same line starts, lines and words
as the regexes give, on real articles and on the texts where the two could part."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import document as d
from qa.readers import make_document
from qa.words import WORD_RE

_span = re.Match.span


def regex_words(text: str) -> list[tuple[int, int]]:
    return list(map(_span, WORD_RE.finditer(text)))


def regex_line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]


def regex_lines(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        out.append((start, m.start()))
        start = m.end()
    if start < len(text) or not out:
        out.append((start, len(text)))
    return out


TRICKY = [
    "",
    "a",
    "-a-",
    "it's ’tis the city’s a’’b a--b well-known -x- 'q' x'",
    "snake_case _lead trail_ __ 2019-2020 3.5",
    "İstanbul ǅemal Straße ſ 𝔘𝔘-𝔙 ٣٤ ½ Ⅻ 東京-大阪 한국어",  # letters, digits and numbers of other scripts
    "\ud800a\udfffb c\ud83d",  # lone surrogates (a JSON escape can make them)
    "one\r\ntwo\rthree\nfour\r\r\nfive\n\rsix\r",
    "\n\n\r\n\r",
    "tab\tsep\u00a0nbsp\u2028ls\x85nel\x0cff end",
]


def samples(samples_dir) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(samples_dir.glob("*.txt"))]


@pytest.mark.parametrize("text", TRICKY)
def test_vector_words_and_line_starts_match_the_regexes(text):
    starts, ends = d._vector_word_bounds(text)
    assert list(zip(starts, ends)) == regex_words(text)
    assert d._vector_line_starts(text) == regex_line_starts(text)


def test_long_real_articles_segment_as_the_regexes_do(samples_dir):
    for text in samples(samples_dir):
        for long in (text * 3, text.replace("\n", "\r\n") * 3, text.encode("ascii", "ignore").decode() * 3):
            assert len(long) >= d.VECTOR_MIN_CHARS
            doc = make_document(long)
            assert isinstance(doc.words, d.SpanArray)
            assert doc.words == regex_words(long)
            assert list(doc.words) == regex_words(long)
            assert doc.line_starts == regex_line_starts(long)
            assert doc.lines == regex_lines(long)


def test_short_text_keeps_lists_and_the_same_spans(samples_dir):
    text = samples(samples_dir)[0][: d.VECTOR_MIN_CHARS - 1]
    doc = make_document(text)
    assert isinstance(doc.words, list) and doc.words == regex_words(text)
    assert doc.lines == regex_lines(text) and doc.line_starts == regex_line_starts(text)


def test_word_array_reads_like_the_list():
    text = "The city’s well-known mayor spoke. " * 200
    words = make_document(text).words
    want = regex_words(text)
    assert len(words) == len(want) and words[0] == want[0] and words[-1] == want[-1]
    assert words[3:7] == want[3:7]
    assert [text[a:b] for a, b in words][:3] == ["The", "city’s", "well-known"]
    assert all(type(x) is int for x in words[5])  # plain ints (JSON writes them)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab_1 -'’\r\n.é東𝔘\u00a0İ")), max_size=80))
def test_vector_segmentation_matches_the_regexes_on_any_text(text):
    starts, ends = d._vector_word_bounds(text)
    assert list(zip(starts, ends)) == regex_words(text)
    assert d._vector_line_starts(text) == regex_line_starts(text)
    long = (text + "x") * (d.VECTOR_MIN_CHARS // (len(text) + 1) + 1)
    doc = make_document(long)
    assert doc.words == regex_words(long) and doc.lines == regex_lines(long)
