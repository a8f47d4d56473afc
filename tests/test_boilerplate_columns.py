"""The layout's whole-document shortcuts give the answers of their per-line definitions: the
markers of every line at once (``markers``), the line scores set in one loop, the label columns,
the labels and digit flags made with the vectorised line features, the time stamps and content
shapes tried only on lines that can match, the stop words looked up in a hash table, and the fuzzy
labels' length bound."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from qa.checks import boilerplate_layout as bl
from qa.config import Settings
from qa.engine import make_plan
from qa.readers import make_document
from qa.scan import hits_for

from tests.test_boilerplate_lines import PAGES

_BODY = (
    "The council approved the new budget on Tuesday after a long debate about the cost of schools.\n"
    "Members said the plan would raise spending on roads by a fifth over the next three years.\n"
)

# more invented lines: counts after labels, numbers, Greek final sigma next to the line breaks
# between labels, trailing white space that ``str.strip`` keeps (a thin space), a time stamp
EXTRA = [
    "Comments 12\nShares (1.2K)\nRead more 3m\nFrom them\nΑΣ\nΣ\nΟΔΥΣΣΕΥΣ'\nB\nὈΔΥΣΣΕΎΣ\n3 of 12\n"
    "Slide 2 of 9\n2 hours ago\nNov 18, 2019\n١٢٣ comments\nprice ²\nTotal 5\u2009\n" + _BODY
    + "Home | News | Sport | Weather\nAbout us • Contact • Jobs\n© 2019 Example Media\n",
    _BODY * 3 + "Most read\nTrending now\nREAD MORE\nLog in\nsearch the archive\n" + _BODY,
]
TEXTS = PAGES + EXTRA


def _layout(text: str):
    plan = make_plan(Settings())
    doc = make_document(text)
    hits_for(doc, plan.scan)  # the layout reads the lexicon lines from the document's scan
    return bl.layout(doc)


@pytest.mark.parametrize("text", TEXTS)
def test_markers_equal_the_per_line_definition(text):
    lay = _layout(text)
    want = [bl._is_marker(ln) for ln in lay.lines]
    assert bl.markers(lay) == want[:lay.body[1]]  # the head and the body
    assert [bl.is_marker(ln) for ln in lay.lines] == want  # the lines' caches agree
    assert not all(want)


def test_markers_mark_labels_headers_link_lists_and_time_stamps():
    lay = _layout(EXTRA[0])
    bl.markers(lay)
    marked = {ln.text for ln in lay.lines if bl.is_marker(ln)}
    assert {"Comments 12", "Slide 2 of 9", "2 hours ago", "Home | News | Sport | Weather",
            "© 2019 Example Media"} <= marked
    assert not marked & {"From them", "B"}


@pytest.mark.parametrize("text", TEXTS)
def test_scores_equal_the_per_line_definition(text):
    lay = _layout(text)
    assert [ln.score for ln in lay.lines] == [bl._score(ln) for ln in lay.lines]


@pytest.mark.parametrize("text", TEXTS)
def test_label_columns_equal_the_line_properties(text, monkeypatch):
    monkeypatch.setattr(bl, "_MIN_VECTOR_CHARS", 0)  # the vectorised features where they apply
    lay = _layout(text)
    col = bl.columns(lay)
    assert col.labels == [bl.label_of(ln.text) for ln in lay.lines]
    assert col.bares == [ln.text.strip(bl._EDGE_CHARS) for ln in lay.lines]
    assert col.lows == [lab.lower() for lab in col.labels]
    assert [ln.has_digit for ln in lay.lines] == [any(c.isdecimal() for c in ln.text) for ln in lay.lines]


# time stamps in either case and with "ſ" (an "s" to a case-insensitive regex), amounts that
# start with a fraction, prices, credits, and lines that look like neither
SHAPES = ("2 hours ago\nJUST NOW\nyesterday\nUpdated 16M ago 5 photoſ\nNov 18\nDec 3, 2024\nMar ٣\n"
          "½ cup sugar\n¼ Tsp Salt\n2 Cups Peas\nPrice: $18\n€5\n© 2014 Jane Doe / Example Images\n"
          "© 2019 Example Media\nHome\nAgo\nSo\n" + _BODY)


@pytest.mark.parametrize("text", TEXTS + [SHAPES])
def test_time_stamps_and_shapes_equal_their_definitions(text):
    lay = _layout(text)
    stamps = bl.timestamp_lines(lay.lines)
    assert stamps == {ln.index for ln in lay.lines if bl.is_timestamp(ln.text)}
    assert [ln.shape for ln in lay.lines] == [bl.content_shape(ln.text) for ln in lay.lines]


def test_time_stamps_and_shapes_are_found():
    lines = _layout(SHAPES).lines
    stamps = {lines[i].text for i in bl.timestamp_lines(lines)}
    assert stamps == {"2 hours ago", "JUST NOW", "yesterday", "Updated 16M ago 5 photoſ", "Nov 18", "Dec 3, 2024",
                      "Mar ٣"}
    shapes = {ln.text: ln.shape for ln in lines}
    assert shapes["½ cup sugar"] == shapes["¼ Tsp Salt"] == shapes["2 Cups Peas"] == "quantity"
    assert shapes["Price: $18"] == "price" and shapes["© 2014 Jane Doe / Example Images"] == "credit"
    assert shapes["Home"] is shapes["© 2019 Example Media"] is None


def test_labels_keep_their_trailing_counts_rule():
    lay = _layout(EXTRA[0])
    labels = {ln.text: lab for ln, lab in zip(lay.lines, bl.columns(lay).labels)}
    assert labels["Comments 12"] == "Comments" and labels["Shares (1.2K)"] == "Shares"
    assert labels["From them"] == "From them" and labels["price ²"] == "price ²"  # no digit: no count
    assert labels["١٢٣ comments"] == "١٢٣ comments"


def test_stop_word_hash_tables_hold_exactly_the_stop_words():
    np, *_ = bl._tables()
    short, longer = bl._STOP8
    words = sorted(bl.STOPWORDS)
    codes = np.array([bl._short_code([ord(c) - 96 for c in w]) for w in words if len(w) <= 8], dtype=np.uint64)
    assert bl._is_listed(short, codes).all()
    assert len(codes) == len(set(codes.tolist()))
    # every other word of up to 8 letters (and the words one letter off) is not listed
    others = ["thee", "tha", "them", "x", "aa", "abcdefgh", "thes", "ab", "wasn", "ourselve"]
    others = [w for w in others if w not in bl.STOPWORDS]
    got = bl._is_listed(short, np.array([bl._short_code([ord(c) - 96 for c in w]) for w in others], dtype=np.uint64))
    assert not got.any()
    long_words = [w for w in words if len(w) > 8]
    assert long_words and bl._is_listed(longer, np.array([bl._word_code([ord(c) - 96 for c in w])
                                                          for w in long_words], dtype=np.uint64)).all()
    # a token of letters outside a-z (number 0) of a stop word's length is no stop word
    assert not bl._is_listed(short, np.array([bl._short_code([0, 0])], dtype=np.uint64)).any()


def test_stop_share_of_the_vectorised_path_counts_long_stop_words(monkeypatch):
    text = "Themselves and ourselves, yourselves: the council met them.\n" * 20
    monkeypatch.setattr(bl, "_MIN_VECTOR_CHARS", 0)
    ref = [ln.stop_ratio for ln in bl._reference_infos(make_document(text))]
    assert [ln.stop_ratio for ln in bl.line_infos(make_document(text))] == ref
    assert ref[0] == 6 / 8  # all but "council" and "met"


def test_fuzzy_length_bound_never_drops_a_match():
    # fuzz.ratio of texts of lengths a and b is at most 200 * min(a, b) / (a + b)
    phrases = ["sign in", "read more", "share this article", "log in"]
    keys = ["signin", "sign inn", "read  more", "share this articles", "sharethisarticle", "log inn", "readmore",
            "x" * 30, "log"]
    for k in keys:
        for p in phrases:
            bound = 200 * min(len(k), len(p)) / (len(k) + len(p))
            assert fuzz.ratio(k, p) <= bound + 1e-9
