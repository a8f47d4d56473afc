"""Layout heuristics fail safe: running prose is never page furniture, and content lines that look
like furniture (a photo credit, a price, an ingredient, a venue's phone number) stay content
inside the article unless a second signal says otherwise."""

from __future__ import annotations

from qa.checks.boilerplate import _CREDIT_MID_ARTICLE, _RECIPE, _SPORT_TABLE
from qa.checks.boilerplate_layout import content_shape, is_credit, is_running_prose, layout
from qa.api import check_text
from qa.readers import make_document


def _flagged(text: str, code: str) -> list[str]:
    return [text[f.start:f.end] for f in check_text(text, select=[code]).findings]


PARAS = [
    "The council approved the new budget on Tuesday after a long debate about the cost of schools and roads in the county.",
    "Members said the plan would raise spending on roads by a fifth over the next three years, and cut the cost of buses.",
    "The mayor said the vote was a good day for the city and thanked the officials who had written the plan over the summer.",
    "Opposition members said that the money for roads should have gone to the hospital, which has waited ten years for a new wing.",
]


def test_is_credit_tells_a_photo_credit_from_a_site_footer():
    assert is_credit("Fishing boats moored behind the wall | © 2014 Marta Lindqvist / Example Images")
    assert is_credit("© Jan Berg / Example Images")
    assert is_credit("Harbour at dawn | © 2012 J. Doe")
    assert not is_credit("© 2019 Example Media. All rights reserved.")
    assert not is_credit("Copyright © 2025 Example, Inc. All rights reserved.")
    assert not is_credit("© 2024 Jane Doe")  # a blog's own footer: no caption, no agency
    assert not is_credit("The photographer kept the copyright in the picture.")


def test_content_shapes():
    assert content_shape("Price: $18") == "price"
    assert content_shape("Tickets 12 euros") == "price"
    assert content_shape("2 Cups Peas") == "quantity"
    assert content_shape("½ tsp salt") == "quantity"
    assert content_shape("4 Cloves Garlic") == "quantity"
    assert content_shape("12 Shares") is None
    assert content_shape("Sign in") is None
    assert content_shape("Home") is None


def test_running_prose_needs_a_neighbouring_paragraph():
    text = "Menu\n" + PARAS[0] + "\n" + PARAS[1] + "\nShare\n" + PARAS[2] + "\n"
    lay = layout(make_document(text, path="x.txt"))
    got = [is_running_prose(lay, i) for i in range(len(lay.lines))]
    assert got == [False, True, True, False, False]  # the last paragraph stands alone


def test_head_furniture_stops_at_running_prose_before_a_table():
    # the layout starts the body after the results table; the menu before the intro is still
    # furniture, the intro, the table header and its rows are not
    assert _flagged(_SPORT_TABLE, "BP001") == ["Menu", "Home", "Sport"]


def test_a_lone_dateline_is_not_a_menu():
    text = "Budget approved\nOSLO, NORWAY\n" + "\n".join(PARAS) + "\n"
    assert _flagged(text, "BP001") == []
    # two or more short title-case lines are a menu, without a lexicon marker too
    text2 = "Budget approved\nNEWS\nSPORT\nWEATHER\n" + "\n".join(PARAS) + "\n"
    assert _flagged(text2, "BP001") == ["NEWS", "SPORT", "WEATHER"]
    text3 = "Menu\nNews\nSport\nBudget approved\n" + "\n".join(PARAS) + "\n"
    assert _flagged(text3, "BP001") == ["Menu", "News", "Sport"]


def test_photo_credit_mid_article_starts_no_tail_and_is_not_a_copyright_line():
    assert _flagged(_CREDIT_MID_ARTICLE, "BP002") == []
    assert _flagged(_CREDIT_MID_ARTICLE, "BP108") == []
    # a site's copyright footer after the article still starts the tail
    text = "\n".join(PARAS) + "\n© 2019 Example Media. All rights reserved.\nAbout us\nContact\n"
    assert _flagged(text, "BP002") == ["© 2019 Example Media. All rights reserved.", "About us", "Contact"]
    assert _flagged(text, "BP108") == ["© 2019 Example Media. All rights reserved."]


def test_article_goes_on_after_a_read_more_link():
    # a "Read more:" line in the middle of the article, running prose after it: no tail there
    text = ("\n".join(PARAS[:3]) + "\nRead more: Council sets the date for the vote\n"
            + "\n".join(PARAS[1:]) + "\n")
    assert _flagged(text, "BP002") == []
    # a section-end header ("Related articles") is a second signal: the tail starts there even
    # though prose (teasers, comments) follows
    text2 = "\n".join(PARAS) + "\nRelated articles\n" + PARAS[0] + "\n" + PARAS[1] + "\n"
    assert _flagged(text2, "BP002")[0] == "Related articles"


def test_recipe_ingredients_and_price_are_not_a_furniture_block():
    assert _flagged(_RECIPE, "BP005") == ["Print", "Save"]


def test_venue_contact_details_inside_an_article_stay():
    text = ("The harvest festival returns to the old market hall on Saturday, with forty stalls and a brass band.\n"
            "Tickets cost five pounds at the door, and children under twelve go in free with an adult.\n"
            "+44 1632 960 184\nwww.example-markethall.org\n"
            "The organisers say the hall can hold about two thousand visitors over the whole weekend.\n")
    assert _flagged(text, "BP008") == []
    # after the article (an author box) they are furniture
    text2 = "\n".join(PARAS) + "\njane.doe@example.com\n+44 1632 960 184\n"
    assert _flagged(text2, "BP008") == ["jane.doe@example.com", "+44 1632 960 184"]


def test_a_date_is_not_a_phone_number():
    text = "\n".join(PARAS) + "\n2024-11-06\n12/05/2023\n"
    assert _flagged(text, "BP008") == []


def test_table_after_a_one_paragraph_intro_is_not_head_furniture():
    # a single intro sentence is not running prose, but the table's rows, its header cells and
    # the label over it are no menu: only the menu is flagged
    lines = _SPORT_TABLE.split("\n")
    one = "\n".join(lines[:5] + lines[6:])
    assert _flagged(one, "BP001") == ["Menu", "Home", "Sport"]


def test_recipe_amounts_and_their_labels_are_not_head_furniture():
    text = ("Menu\nHome\nRecipes\nSpring lamb with peas and mint\n"
            "This is the dish my grandmother made every Easter, and it is still the one my family asks for.\n"
            "Ingredients\n2 cups peas\n4 cloves garlic\n1 bunch mint\n500 g lamb shoulder\n2 tbsp olive oil\nMethod\n"
            + "\n".join(PARAS) + "\n" + "\n".join(PARAS) + "\n")
    assert _flagged(text, "BP001") == ["Menu", "Home"]


def _furniture_pack(tmp_path, keep: str):
    p = tmp_path / "p.yaml"
    p.write_text(
        "pack: t\ndefaults: {kind: furniture, severity: warning, category: boilerplate}\nrules:\n"
        "  - code: XBP001\n    name: copyright-test\n    summary: a copyright line\n    match: contains\n"
        "    max_words: 40\n    allow_prose: true\n" + keep + "    phrases: ['©']\n"
        "    examples:\n      - bad: \"Text.\\n[[© 2019 Example Media]]\"\n      - good: \"No sign here.\"\n",
        encoding="utf-8")
    return p


def test_keep_in_article_is_validated_and_keeps_credits_between_paragraphs(tmp_path):
    import pytest

    from qa.packs import PackError, load_pack

    with pytest.raises(PackError, match="keep_in_article"):
        load_pack(_furniture_pack(tmp_path, "    keep_in_article: [captions]\n"))
    (rule,) = load_pack(_furniture_pack(tmp_path, "    keep_in_article: [credit]\n"))
    credit = "Fishing boats at dawn | © 2014 Marta Lindqvist"
    text = PARAS[0] + "\n" + PARAS[1] + "\n" + credit + "\n" + PARAS[2] + "\n" + PARAS[3] + "\n© 2019 Example Media\n"
    doc = make_document(text, path="x.txt")
    found = [text[h.start:h.end] for h in rule.check(doc, {})]
    assert found == ["© 2019 Example Media"]  # the footer after the article, not the credit
    (plain,) = load_pack(_furniture_pack(tmp_path, ""))
    assert [text[h.start:h.end] for h in plain.check(doc, {})] == [credit, "© 2019 Example Media"]
