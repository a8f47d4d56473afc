"""Document model: offsets, line/column, paragraphs and sentences on real and tricky text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.document import split_sentences
from qa.readers import make_document


def sents(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


TRICKY = [
    ("Mr. Smith went to Washington. He arrived late.", ["Mr. Smith went to Washington.", "He arrived late."]),
    ("The U.S. economy grew 2.5 per cent. Exports rose.", ["The U.S. economy grew 2.5 per cent.", "Exports rose."]),
    ("It costs Rs. 289 only. Buy now.", ["It costs Rs. 289 only.", "Buy now."]),
    ("Dr. Jane Doe met Prof. Lee at 3 p.m. on Monday. They talked.",
     ["Dr. Jane Doe met Prof. Lee at 3 p.m. on Monday.", "They talked."]),
    ("“We will win,” he said. “No doubt.”", ["“We will win,” he said.", "“No doubt.”"]),
    ("He said “Stop.” Then he left.", ["He said “Stop.”", "Then he left."]),
    ("Is it true? Yes! It is.", ["Is it true?", "Yes!", "It is."]),
    ("J. K. Rowling wrote it. Fans loved it.", ["J. K. Rowling wrote it.", "Fans loved it."]),
    ("Shares fell 3.7% on Jan. 5. Analysts were surprised.",
     ["Shares fell 3.7% on Jan. 5.", "Analysts were surprised."]),
    ("Apple Inc. said sales rose. Google did not.", ["Apple Inc. said sales rose.", "Google did not."]),
    ("See e.g. the report. It is long.", ["See e.g. the report.", "It is long."]),
    ("He waited... Then he spoke.", ["He waited...", "Then he spoke."]),
    ("The vote was 52-48 (a narrow win). Turnout was high.",
     ["The vote was 52-48 (a narrow win).", "Turnout was high."]),
    ("In 2019, 1,400 users were hit. NSO denies it.", ["In 2019, 1,400 users were hit.", "NSO denies it."]),
]


@pytest.mark.parametrize("text,expected", TRICKY)
def test_sentence_splitter_tricky_cases(text, expected):
    assert sents(text) == expected


def test_spans_slice_back_and_line_col_with_crlf_and_astral():
    text = "Title 😀 here\r\n\r\nFirst 𝔘 sentence. Second one.\rThird line\nend."
    doc = make_document(text)
    for a, b in doc.sentences + doc.paragraphs + doc.words + doc.lines:
        assert 0 <= a <= b <= len(text)
        assert doc.text[a:b] == text[a:b]
    i = text.index("Second")
    assert doc.line_col(i) == (3, text[: i].split("\r\n")[-1].__len__() + 1)
    assert doc.line_col(text.index("Third")) == (4, 1)
    assert doc.line_col(text.index("end.")) == (5, 1)
    # code points, not UTF-16 units: the astral character counts as one column
    j = text.index("sentence")
    assert doc.line_col(j) == (3, len("First 𝔘 ") + 1)


def test_paragraphs_blank_line_blocks_and_one_per_line_scraped_text():
    text = "Headline\n\nOne sentence here.\nAnother paragraph line.\n\nHard wrapped text that\ncontinues here."
    doc = make_document(text)
    paras = [text[a:b] for a, b in doc.paragraphs]
    assert paras == ["Headline", "One sentence here.", "Another paragraph line.",
                     "Hard wrapped text that\ncontinues here."]


def test_title_and_markdown_fields(samples_dir):
    text = (samples_dir / "003_6687bd05b09e0dcc.txt").read_text(encoding="utf-8")
    doc = make_document(text, markdown=True)
    assert doc.title.startswith("WhatsApp breach: NSO meet police commissioners")
    assert set(doc.fields) >= {"published at", "author", "original"}
    (ka, kb), (va, vb) = doc.fields["author"]
    assert text[ka:kb] == "Author" and text[va:vb] == "****"
    assert doc.meta["published at"] == "**2019-11-06T00:00:00+00:00**"


def test_plain_text_title(samples_dir):
    text = (samples_dir / "000_6ee191c9a62c81e0.txt").read_text(encoding="utf-8")
    doc = make_document(text)
    assert doc.title == "Why didn't you tell us about the rape?: Government WhatsApp"
    assert doc.fields == {}


def test_text_is_kept_exactly():
    text = "\ufeffnot a bom here\u00a0but nbsp\r\n"
    doc = make_document(text)
    assert doc.text == text


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab. \n\t\u00a0\u2003x", max_size=30), st.data())
def test_last_token_equals_the_regex_it_replaces(chunk, data):
    from qa.document import _LAST_TOKEN_RE, _last_token

    s = data.draw(st.integers(0, len(chunk)))
    e = data.draw(st.integers(s, len(chunk)))
    m = _LAST_TOKEN_RE.search(chunk, s, e)
    assert _last_token(chunk, s, e) == (m.group(1) if m else "")
