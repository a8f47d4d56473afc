"""MT306-MT311 and GRAM201: traces of machine translation from Chinese, caught in English alone."""

from __future__ import annotations

import pytest

from qa.api import check_text


def _hits(text: str, code: str) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, text[f.start:f.end]) for f in check_text(text, select=[code]).findings]


def _found(text: str, code: str) -> list[str]:
    return [h[2] for h in _hits(text, code)]


# ---------------------------------------------------------------- MT306 weapon names
def test_translated_missile_names_are_flagged_with_offsets():
    text = "Seoul said the North fired a Mars-15 missile and showed a Mars 18 rocket at the parade."
    assert _hits(text, "MT306") == [(29, 36, "Mars-15"), (58, 65, "Mars 18")]
    f = check_text(text, select=["MT306"]).findings[0]
    assert "Hwasong" in (f.suggestion or "")
    assert f.severity.value == "info"  # one dev story: info (docs/rule-changes.md)


def test_chinese_designations_translated():
    text = "Beijing displayed the East Wind-41 and the Red Flag-9 air defence system."
    assert _found(text, "MT306") == ["East Wind-41", "Red Flag-9"]


@pytest.mark.parametrize("text", [
    "The Soviet Mars 3 lander touched down on the planet in 1971.",  # a space probe
    "The Mars 2020 mission launched a rover.",  # four digits, and a rover
    "Pyongyang fired a Hwasong-17 missile.",  # the right name
    "Take the Red Flag 9 bus to the market.",  # no military word
])
def test_weapon_names_stay_silent(text):
    assert _found(text, "MT306") == []


# ---------------------------------------------------------------- MT307 country abbreviations
def test_australia_in_a_macau_article():
    text = ("Macau wants more visitors from Hong Kong. Officials in Macao said the two cities would "
            "grow the Hong Kong-Australia travel market.")
    assert _hits(text, "MT307") == [(106, 115, "Australia")]


def test_australia_stays_when_the_article_is_really_about_australia():
    text = ("Macau wants more visitors. Officials in Macao said flights to Australia would resume, "
            "starting with Sydney and Melbourne.")
    assert _found(text, "MT307") == []
    # one mention of Macau is not enough to call the article Macanese
    assert _found("Tourists from Macau and Australia filled the hotel.", "MT307") == []


def test_greater_bay_area_rendered_as_australia_is_flagged_anywhere():
    text = "The Guangdong-Hong Kong-Australia Greater Bay Area plan was launched in 2019."
    assert _hits(text, "MT307") == [(24, 33, "Australia")]


def test_law_for_france_and_moral_education_for_german():
    text = "Law unions marched again. Pupils learn English, French, moral education, Japanese and Thai."
    assert _hits(text, "MT307") == [(0, 3, "Law"), (56, 71, "moral education")]
    msgs = [f.message for f in check_text(text, select=["MT307"]).findings]
    assert "France" in msgs[0] and "German" in msgs[1]


@pytest.mark.parametrize("text", [
    "They lived in a common law union for ten years.",
    "The law on unions was passed in May.",
    "Pupils learn English, moral education and maths.",  # school subjects, not languages
    "Her virtue, French and German were praised.",
])
def test_country_abbreviation_silent_cases(text):
    assert _found(text, "MT307") == []


# ---------------------------------------------------------------- MT308 kinship pair calque
def test_name_with_father_daughter_pair():
    text = "Ri Chol Ho father-daughter visit thrills crowds"
    assert _hits(text, "MT308") == [(0, 26, "Ri Chol Ho father-daughter")]


def test_possessive_name_with_father_and_son():
    text = "Reports said Zhang Wenhua's father and son opened a noodle shop."
    assert _hits(text, "MT308") == [(13, 42, "Zhang Wenhua's father and son")]


@pytest.mark.parametrize("text", [
    "The father-daughter duo opened a noodle shop.",
    "The Bush father-son presidencies are often compared.",
    "Proud father-son teams took part.",
    "Zhang Wenhua and his daughter opened a noodle shop.",
    "Zhang Wenhua father and son opened a shop.",  # unhyphenated pair without possessive: too rare to judge
])
def test_kinship_silent_cases(text):
    assert _found(text, "MT308") == []


# ---------------------------------------------------------------- MT309 stray word sentence
def test_stray_word_after_full_stop():
    text = "The threshold is still quite high. of. Buyers hesitated."
    assert _hits(text, "MT309") == [(35, 38, "of.")]
    text = "The turnout at the rallies has gradually increased. reduce.\nThe next strike is on Tuesday."
    assert _hits(text, "MT309") == [(52, 59, "reduce.")]


@pytest.mark.parametrize("text", [
    "Bring pens, paper, glue, etc. Lessons start at nine.",
    "The meeting ended at 5 p.m. today.",
    "Lee et al. found the same.",
    "He paused. Yes. He would go.",
    "Prices rose. etc.",
])
def test_stray_word_silent_cases(text):
    assert _found(text, "MT309") == []


# ---------------------------------------------------------------- MT310 one title, two names
def test_one_title_two_last_names():
    text = ("Prime Minister Dao Van Tri landed in Hanoi. Prime Minister Dao Van Tri spoke. "
            "Later Prime Minister Dao Van Duong met students.")
    assert _hits(text, "MT310") == [(23, 26, "Tri"), (67, 70, "Tri"), (107, 112, "Duong")]
    f = check_text(text, select=["MT310"]).findings[-1]
    assert "'Dao Van Tri'" in f.message


@pytest.mark.parametrize("text", [
    "Prime Minister Dao Van Tri met Prime Minister Le Van Duong.",  # different first parts
    "Minister Nguyen Van Hung met Minister Nguyen Van Thang.",  # a title many people hold
    "Leader Kim Jong Il and later leader Kim Jong Un spoke.",  # short last parts
    "President Dao Van Tri spoke. President Dao Van Tri Monday said more.",
])
def test_one_title_two_names_silent_cases(text):
    assert _found(text, "MT310") == []


# ---------------------------------------------------------------- MT311 comprehensive dateline
def test_comprehensive_dateline():
    text = "(Comprehensive, 9th) Seoul said the talks would resume."
    assert _hits(text, "MT311") == [(0, 20, "(Comprehensive, 9th)")]
    text = "Comprehensive Yonhap and other reports, the talks will resume."
    assert _hits(text, "MT311") == [(0, 38, "Comprehensive Yonhap and other reports")]


def test_comprehensive_as_an_adjective_is_silent():
    assert _found("A comprehensive report on the talks was published.", "MT311") == []
    assert _found("Comprehensive reforms and other measures were announced.", "MT311") == []
    assert _found("(Comprehensive report on the 9th) Seoul said so.", "MT311") == []


# ---------------------------------------------------------------- GRAM201 more + short adjective
def test_more_and_more_high_with_fix():
    text = "The risk has become more and more high for years."
    res = check_text(text, select=["GRAM201"])
    assert [(f.start, f.end) for f in res.findings] == [(20, 38)]
    assert res.findings[0].suggestion == "higher and higher"
    assert _found("Rents are more cheap than in the capital.", "GRAM201") == ["more cheap"]
    assert check_text("It got more big.", select=["GRAM201"]).findings[0].suggestion == "bigger"


@pytest.mark.parametrize("text", [
    "More and more young people move to the city.",
    "They need more small and medium firms.",
    "No more long queues at the border.",
    "The film was more high-profile than expected.",
])
def test_more_short_adjective_silent_cases(text):
    assert _found(text, "GRAM201") == []
