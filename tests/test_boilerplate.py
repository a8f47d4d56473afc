"""Boilerplate, metadata-damage and repetition rules on the seed and on generated pages."""

from __future__ import annotations

import pytest

from qa import check_text
from qa.config import Settings
from qa.engine import make_plan
from qa.runner.pipeline import run_records
from qa.fastpath import fragment_literals
from qa.readers import make_document

SEED = "003_6687bd05b09e0dcc.txt"
PROSE = [
    "The council approved the new budget on Tuesday after a long debate about the cost of schools.",
    "Members said the plan would raise spending on roads by a fifth over the next three years.",
    "The mayor said the vote was a good day for the city and thanked the officials who wrote it.",
    "Opponents said the increase in taxes would hurt small shops, and promised to fight it again.",
]


def _findings(text, select=("BP", "META", "DUP", "PUN")):
    return check_text(text, select=list(select)).findings


def _covered(findings, text, quote):
    a = text.index(quote)
    b = a + len(quote)
    return [f for f in findings if f.start < b and f.end > a]


def test_seed_003_must_defects_are_found(samples_dir):
    text = (samples_dir / SEED).read_text(encoding="utf-8")
    fs = _findings(text)
    assert any(f.rule == "META001" for f in _covered(fs, text, "Author: ****"))
    assert any(f.rule == "PUN002" for f in _covered(fs, text, "breach.A member"))
    close = [f for f in fs if text[f.start:f.end] == "Close"]
    assert [f.rule for f in close] == ["BP101"] and close[0].category == "boilerplate"
    debris = "Special Thursday Expiry on 10th 7th NovEarly Closure to The Great Diwali Discount. " \
             "Last Chance to get Moneycontrol PRO for a year @ Rs. 289/- only Coupon code: DIWALI"
    tail = [f for f in fs if f.rule == "BP106"]
    assert len(tail) == 1
    assert text[tail[0].start:tail[0].end] == debris  # exactly the debris, not the sentence


def test_seed_003_clean_sentences_have_no_boilerplate_finding(samples_dir):
    text = (samples_dir / SEED).read_text(encoding="utf-8")
    fs = [f for f in _findings(text) if f.category in ("boilerplate", "metadata")]
    for sentence in ("NSO denies the charges.",
                     "WhatsApp says its messages are end-to-end encrypted and cannot be traced.",
                     "represents Krishnanagar in Parliament."):
        assert not _covered(fs, text, sentence), sentence


def test_ui_label_only_on_its_own_line():
    bad = "\n".join(PROSE[:2] + ["   Share on Facebook  ", "Close"] + PROSE[2:])
    fs = [f for f in _findings(bad) if f.rule == "BP101"]
    assert sorted(bad[f.start:f.end] for f in fs) == ["Close", "Share on Facebook"]
    good = "\n".join(PROSE + ["They close the shop at nine and share the keys with a neighbour."])
    assert not [f for f in _findings(good) if f.category == "boilerplate"]


def test_article_about_cookies_and_coupons_stays_clean():
    text = "\n".join([
        "Cookie banners and coupon codes",
        "Regulators said websites that use cookies to track visitors must ask them first, and that a privacy policy alone is not consent.",
        "The retailer admitted that a coupon code sold as a 50% discount had been used by thousands of shoppers before the offer ends date passed.",
        "Last chance offers, the report said, pressure buyers into paying more than the best price elsewhere.",
        "Shoppers who used the promo code DIWALI were refunded, the company said. The discount was withdrawn on Friday.",
        "The inquiry will publish its findings next year, officials said.",
    ])
    fs = [f for f in _findings(text) if f.category in ("boilerplate", "metadata")]
    assert fs == [], [(f.rule, text[f.start:f.end]) for f in fs]


def test_glued_promotion_tail_needs_promotional_sentences():
    text = PROSE[0] + " She represents the city in Parliament.Subscribe for a 30% off discount today. Coupon code: SAVE30"
    fs = [f for f in _findings(text) if f.rule == "BP106"]
    assert [text[f.start:f.end] for f in fs] == ["Subscribe for a 30% off discount today. Coupon code: SAVE30"]


def test_head_menu_and_tail_related_list_are_flagged_but_not_the_article():
    page = "\n".join(["Menu", "Home", "World", "Business", "Sign in", "Budget approved after a long debate",
                      *PROSE, "Most Read", "Floods close the coast road again", "A new bakery opens in the old mill",
                      "© 2024 Example Media. All rights reserved."])
    fs = [f for f in _findings(page) if f.category == "boilerplate"]
    flagged = {page[f.start:f.end] for f in fs}
    assert {"Menu", "Home", "World", "Sign in", "Most Read", "Floods close the coast road again",
            "© 2024 Example Media. All rights reserved."} <= flagged
    assert not flagged & set(PROSE)
    assert "Budget approved after a long debate" not in flagged


def test_list_after_the_article_without_furniture_stays():
    page = "\n".join(["Meal plan", *PROSE, "Meal 1", "Eat every 2 hours", "Workout Supplement",
                      "1 cup oats, 1 banana (sliced)", "Meal 2"])
    assert not [f for f in _findings(page) if f.category == "boilerplate"]


def test_bylines_dates_and_credits_are_metadata():
    page = "\n".join(["Budget approved", "By Jane Doe and John Smith", "November 18, 2019 11:03 PM",
                      "Photo: Getty Images", *PROSE])
    fs = _findings(page)
    got = {(f.rule, page[f.start:f.end]) for f in fs if f.category == "metadata"}
    assert ("META101", "By Jane Doe and John Smith") in got
    assert ("META102", "November 18, 2019 11:03 PM") in got
    assert ("META103", "Photo: Getty Images") in got


def test_markup_damage():
    text = "Johnson &amp; Johnson rose<br>today.\nPosted by undefined\n![x](http://e.com/a.png)\n    \n" + PROSE[0]
    fs = _findings(text, select=("META",))
    rules = {(f.rule, text[f.start:f.end]) for f in fs}
    assert ("META111", "&amp;") in rules
    assert ("META110", "<br>") in rules
    assert ("META112", "undefined") in rules
    assert ("META113", "![x](http://e.com/a.png)") in rules
    assert ("META114", "    ") in rules


_TOWNS = ["Ashford", "Bexley", "Carlow", "Dorset", "Ely", "Frome", "Gort", "Hove", "Ilkley", "Jarrow", "Kells"]
_TOPICS = ["schools", "roads", "bridges", "parks", "libraries", "buses", "housing", "markets", "museums", "ports", "farms"]


def _batch(n_docs: int, template: str, source: str = "example.com", offset: int = 0):
    docs = []
    for i in range(n_docs):
        town, topic = _TOWNS[(i + offset) % 11], _TOPICS[(i * 3 + offset) % 11]
        text = (f"{town} debates {topic}\n"
                f"The {town} council approved a plan for {topic} after a long debate.\n"
                f"Critics in {town} said the {topic} plan came too late.\n"
                f"{template}\n")
        docs.append(make_document(text, path=f"batch/{source}/{i}.txt", doc_id=f"{source}-{i}",
                                  meta={"url": f"https://www.{source}/a/{i}"}))
    return docs


def test_corpus_repetition_across_documents():
    docs = _batch(6, "Support our newsroom with a gift of any size") + _batch(2, "Only two documents carry this line", "other.org", offset=6)
    plan = make_plan(Settings(select=("DUP001",)))
    results = list(run_records(docs, plan, strict=True))
    for r in results[:6]:
        hits = [r.doc.text[f.start:f.end] for f in r.findings]
        assert hits == ["Support our newsroom with a gift of any size"], hits
    for r in results[6:]:
        assert r.findings == []  # 2 documents < min_docs


def test_corpus_repetition_thresholds_are_configurable_and_deterministic():
    from qa.checks.boilerplate_dup import collect_lines, finalize_lines

    docs = _batch(10, "Support our newsroom with a gift of any size")
    opts = {"min_docs": 3, "min_share": 0.5, "min_chars": 12, "source_field": ""}
    collected = [collect_lines(d, opts) for d in docs]
    import pickle

    collected = pickle.loads(pickle.dumps(collected))  # what worker processes send back
    a = list(finalize_lines(collected, opts))
    b = list(finalize_lines(list(collected), opts))
    assert [[(h.start, h.end) for h in x] for x in a] == [[(h.start, h.end) for h in x] for x in b]
    assert all(len(x) == 1 for x in a)
    strict = list(finalize_lines(collected, {**opts, "min_docs": 11}))
    assert len(strict) == 10 and all(x == [] for x in strict)


def test_corpus_repetition_with_worker_processes(tmp_path):
    import json

    from typer.testing import CliRunner

    from qa.cli import app

    site = tmp_path / "site"
    site.mkdir()
    for d in _batch(5, "Support our newsroom with a gift of any size"):
        (site / f"{d.id}.txt").write_text(d.text, encoding="utf-8")
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}.jsonl"
        r = CliRunner().invoke(app, ["check", str(site), "--select", "DUP001", "--format", "jsonl", "-o", str(out),
                                     "--fail-on", "never", "-q", "--jobs", jobs])
        assert r.exit_code == 0, r.output
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]
    rows = [json.loads(x) for x in outs[0].splitlines()]
    assert len(rows) == 5
    assert all([f["text"] for f in row["findings"]] == ["Support our newsroom with a gift of any size"] for row in rows)


def test_glued_tail_never_starts_inside_a_glued_word():
    text = ("The minister said the plan would cost more than expected and take two years to finish.LimitedOffer "
            "ends today with a 20% discount. Last chance to use coupon code SAVE20")
    fs = [f for f in _findings(text, select=("BP106",))]
    assert [text[f.start:f.end] for f in fs] == [
        "LimitedOffer ends today with a 20% discount. Last chance to use coupon code SAVE20"]
    res = __import__("qa.clean", fromlist=["clean_text"]).clean_text(text)
    assert res.text == "The minister said the plan would cost more than expected and take two years to finish."


_FAST_PATH_TEXTS = [
    "Home | News | Sport\n| first item\nlast item |\nHello. World is here.\nend.\n“Quote.” Then we go\n"
    "'it's' a-b don’t x--y 'ij' the THE The a. B.\n\n   indented line, with (3) items; 2 eggs\r\nnext\rline",
    "Ω Σ ΑΣ. Ab cd-ef- -gh 🙂 x—y. “Z”\u2028a. B\x0cc | d\n\u00a0\u00a0 © 2019 All rights reserved.\n",
    "The council approved the budget on Tuesday after a debate. Members said it was fine.\n" * 12,
    "a" * 700 + ". B\n" + "x / y / z\n" * 30,
]


def test_vectorised_line_features_match_the_reference():
    from qa.checks import boilerplate_layout as bl

    np_, flags, letters, _codes, _masks = bl._tables()
    for i in list(range(0, 0x10000, 97)) + [0x130, 0x212A, 0x2019, 0xA0, 0x3A3, 0x10FFFF]:
        if i < 0x10000:
            assert bl._char_flags(chr(i)) == (int(flags[i]), int(letters[i]))
    fields = ("start", "end", "text", "words", "stop_ratio", "cap_ratio", "sentence_end",
              "inner_sentences", "linkish", "prose", "ext")
    for text in _FAST_PATH_TEXTS:
        doc = make_document(text)
        assert bl._line_features(text, doc.lines) is not None
        ref = [tuple(getattr(ln, f) for f in fields) for ln in bl._reference_infos(doc)]
        old = bl._MIN_VECTOR_CHARS
        bl._MIN_VECTOR_CHARS = 0
        try:
            new = [tuple(getattr(ln, f) for f in fields) for ln in bl.line_infos(make_document(text))]
        finally:
            bl._MIN_VECTOR_CHARS = old
        assert new == ref
    # a lower case of two characters (İ) takes the reference path
    assert bl._line_features("İstanbul is big. " * 50, make_document("İstanbul is big. " * 50).lines) is None


def test_lexicon_literals_hold_every_match():
    from qa.checks import boilerplate_layout as bl

    assert fragment_literals([r"copyright ©|©|\(c\) (?:copyright )?\d{4}"]) == ("(c) ", "copyright ", "©")
    assert fragment_literals([r"\d+ comments?"]) == (" comment",)
    assert fragment_literals([r"\d+ \w+"]) is None
    assert "©" in bl.lexicon_literals("legal")  # type: ignore[operator]


def test_fast_markdown_scan_matches_its_definition():
    from qa.checks import markup as mk

    texts = _FAST_PATH_TEXTS + ["- \n![a](b)[](x)****\n##\n  >  \r\n*\n_____ x_____", "[ \n](y)\n+", "ΑΣ\nΣ 12_3\r\n\r\n"]
    for text in texts:
        assert mk._md_spans(text) == [m.span() for m in mk._MD_RE.finditer(text)]


_LINE_CHARS = "aZ_ -,.\t\r\n\x0b\x0c\u2028\u00a0é9٣ΣσςİK_'’—"


@pytest.mark.parametrize("text", [
    "", "\n", "a\r\nb\rc\n", "a_-b __x__ y", "  Lead,  and trail;  \n\n", "ΣΑΣ\nΣ a\r\nς",
    "Tab\tand\x0bvertical\x0cfeed\u2028sep 12:30 © 2019", "İstanbul K 9\n_\n", "x" * 50 + "\n",
])
def test_whole_text_line_normalisation_equals_the_per_line_one(text):
    from qa.checks.boilerplate_dup import normalise_line, normalised_lines

    doc = make_document(text)
    per_line = [normalise_line(text[a:b]) for a, b in doc.lines]
    assert normalised_lines(text)[: len(per_line)] == per_line


def test_whole_text_line_normalisation_on_random_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from qa.checks.boilerplate_dup import normalise_line, normalised_lines

    @settings(max_examples=400, deadline=None, derandomize=True, database=None)
    @given(st.text(alphabet=st.sampled_from(_LINE_CHARS) | st.characters(), max_size=80))
    def prop(text):
        doc = make_document(text)
        per_line = [normalise_line(text[a:b]) for a, b in doc.lines]
        assert normalised_lines(text)[: len(per_line)] == per_line

    prop()


def test_glued_tail_search_from_the_last_piece_misses_no_phrase(samples_dir):
    """The glued-tail kind skips a line when a search from the start of its last piece finds no
    phrase: then the scan of the whole line finds none starting there either (it would be found
    by the search, which tries every position from there with the same look-behind context)."""
    import re

    from qa.kinds.boilerplate import _SEAM_RE
    from qa.ruledata import default_pack_dirs

    phrases = [ln.strip() for ln in (default_pack_dirs()[0] / "boilerplate" / "promotions.txt").read_text(
        encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    alt = "|".join(f"(?:{p})" for p in sorted(phrases, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alt})(?!\w)", re.IGNORECASE)
    lines = [ln for p in sorted(samples_dir.glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines()]
    lines += ["She represents the town in Parliament.Special offer ends today with a 20% discount. Last chance "
              "to use coupon code SAVE20", "Prices rise.Get 50% off today only. Use code SPRING for a free trial.",
              "It rained. Coupon code: ABCD. Buy premium now", "Done.Save $5/month."]
    tried = 0
    for chunk in lines:
        starts = [m.start() for m in pattern.finditer(chunk)]
        for seam in _SEAM_RE.finditer(chunk):
            tried += 1
            if pattern.search(chunk, seam.end()) is None:
                assert not any(p >= seam.end() for p in starts), chunk
    assert tried > 20


def test_affiliate_disclosure_with_a_dotted_site_name_and_a_run_of_dots():
    text = "\n\n".join(PROSE) + "\n\nShop.example.co.uk may earn a commission from links on this page.\n"
    got = [f for f in _findings(text, ("BP110",)) if f.rule == "BP110"]
    assert [text[f.start:f.end] for f in got] == ["Shop.example.co.uk may earn a commission from links on this page."]
    # the site name is read once from its start (from after every dot in turn: quadratic)
    dots = "\n\n".join(PROSE) + "\n\n" + "a." * 20_000 + " may earn\n"
    assert [f for f in _findings(dots, ("BP110",)) if f.rule == "BP110"] == []
