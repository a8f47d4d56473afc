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


# ------------------------------------------------------------------ the segmentation's fast passes
import random  # noqa: E402
import re  # noqa: E402

from qa.document import Document, _is_abbreviation  # noqa: E402

#: the sentence break as first written (look-behind first): the one the splitter must agree with
_REF_BOUNDARY_RE = re.compile(
    r"(?<![.!?…])(?P<end>[.!?…]++)(?P<close>[\"'”’»)\]]*+)(?P<ws>\s++)(?=[\"'“‘«(\[]?[A-Z0-9À-ÖØ-Þ])")


def _ref_strip(text, a, b):
    chunk = text[a:b]
    a2 = a + len(chunk) - len(chunk.lstrip())
    return a2, a2 + len(chunk.strip())


def _ref_split(text, start=0, end=None):
    """The splitter span by span: a copy of the span, every piece stripped."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    out, s = [], 0
    for m in _REF_BOUNDARY_RE.finditer(chunk):
        if m.group("end") == ".":
            seg = chunk[s:m.start("end")]
            seg = seg[:-1] if seg.endswith("\n") else seg
            token = "" if not seg or seg[-1].isspace() else seg.rsplit(None, 1)[-1]
            if token and _is_abbreviation(token):
                continue
        if m.start("ws") > s:
            out.append((start + s, start + m.start("ws")))
        s = m.end("ws")
    if s < len(chunk):
        out.append((start + s, start + len(chunk)))
    return [sp for sp in (_ref_strip(text, a, b) for a, b in out) if sp[1] > sp[0]]


def _ref_paragraph_lines(text, a, b):
    lines, pos = [], a
    for m in re.finditer(r"\r\n|\r|\n", text[a:b]):
        lines.append(_ref_strip(text, pos, a + m.start()))
        pos = a + m.end()
    lines.append(_ref_strip(text, pos, b))
    return [s for s in lines if s[1] > s[0]]


_PIECES = ["Mr.", "U.S.", "e.g.", "J.", "Dr. ", "No. 5", "3.5", "...", "?!", "…", ". ", "! ", "? ", "\n", "\r\n", "\r",
           "\n\n", " \n", "\t", "\u00a0", "\u2028", "\x1c", "\x85", "\"", "'", "”", "’", "»", ")", "]", "(", "[", "«", "“",
           "‘", "The", "A", "Zoë", "Étienne", "9", "word", "x" * 70 + ".", " ", "  "]


def _texts(n=3000, seed=11):
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 40))) for _ in range(n)]


def test_sentence_splitter_agrees_with_the_span_by_span_splitter():
    """``split_sentences`` searches the text in place (no copy of the span) with a break regex
    that skips to punctuation, and strips only the first and last piece; on texts made of the
    splitter's hard parts (abbreviations, runs of punctuation, quotes, every kind of white space,
    tokens longer than its look-back window) it gives the spans the span-by-span splitter gives,
    for the whole text and for spans starting anywhere (after a full stop too)."""
    rnd = random.Random(5)
    n_starts_after_stop = 0
    for text in _texts() + [t for t, _ in TRICKY]:
        assert split_sentences(text) == _ref_split(text), text
        for _ in range(4):
            a = rnd.randint(0, len(text))
            b = rnd.randint(a, len(text))
            n_starts_after_stop += a > 0 and text[a - 1] in ".!?…"
            assert split_sentences(text, a, b) == _ref_split(text, a, b), (text, a, b)
    assert n_starts_after_stop > 100


def test_paragraph_lines_are_the_stripped_non_blank_lines():
    """A block split into one paragraph per line gives each line stripped (``str.strip`` white
    space, which is what ``\\s`` matches), blank lines dropped, found by one regex pass."""
    text = "  One line ends here.\u00a0\n\t\nTwo\x1c lines end.\x85 \r\n\u2028Three ends.\rFour"
    doc = Document("d", text)
    assert [text[a:b] for a, b in doc.paragraphs] == ["One line ends here.", "Two\x1c lines end.",
                                                     "Three ends.", "Four"]
    for text in _texts(seed=12):
        doc = Document("d", text)
        want = []
        for a, b in doc.blocks:
            lines = _ref_paragraph_lines(text, a, b)
            ends = sum(1 for s, e in lines[:-1] if text[e - 1] in ".!?\"”’:)…")
            split = "\n" in text[a:b] or "\r" in text[a:b]
            want += lines if split and len(lines) > 1 and ends and ends * 2 >= len(lines) - 1 else [(a, b)]
        assert doc.paragraphs == want, text
        assert doc.sentences == [s for a, b in want for s in _ref_split(text, a, b)]


def test_head_after_a_long_run_of_crlf_blank_lines():
    # each CRLF could be read as one line end or two; a blank-line run that may be re-read
    # that way fails in 2^n steps. 60 blank lines must find the title as fast as 1.
    from qa.document import find_head

    for blanks in (1, 60, 5000):
        lead = "\r\n" * blanks
        text = lead + "Phone makers patch a flaw\r\n\r\nThe patch ships today.\r\n"
        title, _ = find_head(text, markdown=False)
        assert title == (len(lead), len(lead) + len("Phone makers patch a flaw"))
        md = lead + "# Phone makers patch a flaw #\r\nBody.\r\n"
        title, _ = find_head(md, markdown=True)
        assert title == (len(lead) + 2, len(lead) + 2 + len("Phone makers patch a flaw"))
        # no title at all: the failing path is the one that used to take 2^n steps
        assert find_head(lead + "a.\r\n", markdown=False)[0] is None
