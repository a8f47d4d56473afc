"""``rules/data/`` and its loader (``qa.ruledata``), the word patterns and stop-word lists of
``qa.words``: every file is loaded, every value is read by a rule, and the rules behave on it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from qa import ruledata, scope, words
from qa.checks import boilerplate_layout, grammar, headline, language, mt_fluency, mt_patterns, pronoun
from qa.document import Document
from qa.readers import make_document
from qa.registry import get_rule
from qa.scope import clearly_not_english

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "rules" / "data"
SOURCES = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "qa").rglob("*.py")))


def _run(code: str, text: str) -> list[str]:
    doc = make_document(text)
    return [doc.text[h.start:h.end] for h in get_rule(code).check(doc, get_rule(code).options)]


def test_every_data_file_is_read_by_the_code():
    names = sorted(p.name for p in DATA.iterdir() if p.name != "README.md")
    assert names == ["alt_participles.txt", "cjk_surnames.txt", "constants.toml", "irregular_pasts.txt",
                     "name_glosses.txt", "stopwords.txt", "word_classes.txt", "zh_calques.txt"]
    for name in names:
        assert f"`{name}`" in (DATA / "README.md").read_text(encoding="utf-8"), name
        if name.endswith(".txt"):
            assert re.search(rf"ruledata\.(?:words|tagged|table)\(\"{name[:-4]}\"", SOURCES) \
                or f'"{name[:-4]}"' in SOURCES, name


def test_every_constant_is_read_by_the_code():
    data = tomllib.loads((DATA / "constants.toml").read_text(encoding="utf-8"))

    def keys(node, path=()):
        for k, v in node.items():
            if isinstance(v, dict):
                yield from keys(v, path + (k,))
            else:
                yield ".".join(path), k

    found = list(keys(data))
    assert len(found) >= 30
    for section, key in found:
        assert f'"{section}"' in SOURCES, section
        assert f'"{key}"' in SOURCES or f'["{key}"]' in SOURCES, (section, key)


def test_the_rules_hold_the_loaded_values():
    assert boilerplate_layout.STOPWORDS is words.stopwords("layout")
    assert headline._STOPWORDS is words.stopwords("headline")
    assert language.function_word_starts is scope.function_word_starts  # LANG002's gate
    assert scope.function_pattern(make_document("Any text."))[0].pattern == words.en_function_re().pattern
    assert mt_fluency._SURNAMES == ruledata.words("cjk_surnames")
    assert mt_fluency._SURNAMES[:3] == ("Li", "Lee", "Wang")  # file order (the regex alternation)
    assert "Lord" in mt_fluency._NAME_GLOSSES
    assert len(mt_fluency._CALQUES) == 18 and all(len(r) == 3 for r in mt_fluency._CALQUES)
    assert grammar._ALT_PARTICIPLES == frozenset(ruledata.words("alt_participles"))
    assert grammar._PAST_WORDS == ruledata.words("irregular_pasts") and "took" in grammar._PAST_WORDS
    assert boilerplate_layout.MIN_SEGMENT_MASS == 4.0 and boilerplate_layout.SEGMENT_SHARE == 0.2
    assert mt_fluency._ATTESTED_ZIPF == 1.2
    assert mt_patterns._COMMON_ZIPF == 4.0
    assert pronoun._ZIPF["name_common"] == 4.5


def test_every_word_class_is_documented_and_read_by_a_rule():
    text = (DATA / "word_classes.txt").read_text(encoding="utf-8")
    documented = re.findall(r"^#   ([a-z_]+) +[A-Z]", text, re.M)
    used = {tag for line in text.splitlines() if line and not line.startswith("#") for tag in line.split()[1:]}
    assert sorted(documented) == sorted(used) and len(used) == 22
    for tag in used:
        assert f'ruledata.tagged("word_classes", "{tag}")' in SOURCES, tag
    from qa.checks import fused

    assert grammar._DOUBLED_OK is ruledata.tagged("word_classes", "doubled_ok") and "had" in grammar._DOUBLED_OK
    assert mt_patterns._CALENDAR == ruledata.tagged("word_classes", "calendar_name") and len(mt_patterns._CALENDAR) == 19
    assert "morning" in fused._ING_NOUNS and "her" not in pronoun._AFTER_OBJECT and "to" in pronoun._AFTER_OBJECT
    assert mt_fluency._EN_SUFFIXES[0] == "ations" and [len(s) for s in mt_fluency._EN_SUFFIXES] == sorted(
        (len(s) for s in mt_fluency._EN_SUFFIXES), reverse=True)  # the longest ending is stripped first
    assert mt_fluency._stem("captioning") == "caption" and mt_fluency._stem("workers") == "work"


def test_word_classes_decide_findings():
    # GRAM001: "had had" is grammatical (doubled_ok), "the the" is not
    assert _run("GRAM001", "She had had enough of the the delays.") == ["the the"]
    # MT302: a reduplicated place name is no name paired with itself
    assert _run("MT302", "They drove to Wagga-Wagga on Monday.") == []
    assert _run("MT302", "They drove to Porto-Porto on Monday.") == ["Porto-Porto"]


def test_stop_word_lists_are_named_subsets_of_one_file():
    layout, head, func = (words.stopwords(n) for n in ("layout", "headline", "en_function"))
    assert {"the", "and", "ourselves", "however"} <= layout
    assert "the" not in head and "because" in head  # the headline list holds longer words only
    assert {"the", "would", "said"} <= func and not {"in", "was", "also"} & func
    assert all(w.islower() and w.isascii() for w in layout | head | func)
    with pytest.raises(ruledata.RuleDataError):
        words.stopwords("no-such-list")


def test_common_words_rank_last_as_gate_literals():
    from qa import fastpath

    common = words.stopwords("common")
    assert {"the", "and", "with", "said", "i"} <= common and len(common) == 64
    assert fastpath._rank(" and ") < fastpath._rank("zebra") and fastpath._rank(" with ") < fastpath._rank("crown")
    assert fastpath.literal_prefixes([r"(?:slander|defamation) and (?P<w>injur(?:y|ies))"]) == ("injur",)


def test_word_patterns():
    text = "The city’s well-known café_bar opened in 2019, said O'Neil."
    assert words.WORD_RE.findall(text) == ["The", "city’s", "well-known", "café_bar", "opened", "in", "2019",
                                           "said", "O'Neil"]
    assert words.LETTER_DIGIT_WORD_RE.findall(text)[3:5] == ["café", "bar"]
    assert words.ASCII_WORD_RE.findall(text)[3:5] == ["caf", "bar"]
    assert words.TOKEN_RE.findall("city’s 2019") == ["city", "s", "2019"]
    assert [m.group(0) for m in words.en_function_re().finditer("THE man Would go in")] == ["THE", "Would"]
    doc = make_document(text)
    assert [doc.text[a:b] for a, b in doc.words] == words.WORD_RE.findall(text)
    assert words.LETTER_WORD_RE.findall("it’s 3D-printed") == ["it’s", "D", "printed"]
    assert all(words.PLAIN_WORD_RE.fullmatch(w) for w in ("Ph.D", "well-known", "Jones’")) \
        and not words.PLAIN_WORD_RE.fullmatch("x2")
    assert words.SHINGLE_WORD_RE.findall("东京 Tokyo_2020 서울") == ["东", "京", "Tokyo", "2020", "서", "울"]


def test_layout_constants_decide_prose():
    # 9 words, a sentence end, 4 stop words of 9: prose
    assert boilerplate_layout.line_info(0, 0, 10, "The council met on Monday and agreed the budget.").prose
    # the same length in capitals and without stop words: not prose
    assert not boilerplate_layout.line_info(0, 0, 10, "Council Budget Vote Monday Mayor Schools Roads Parks Police.").prose
    # 6 words: too short, even as a sentence
    assert not boilerplate_layout.line_info(0, 0, 10, "The council met on Monday again.").prose


def test_calques_and_name_glosses_from_data_find_real_text():
    assert _run("MT305", "Fans shouted add oil as the runners passed. The net red posted a video.") == [
        "add oil", "net red"]
    assert _run("MT305", "The red flags were out. Add oil to the pan and stir.") == ["Add oil"]
    assert _run("MT301", "The chairman, Wang Lord, visited the plant on Monday.") == ["Wang Lord"]
    assert _run("MT301", "The chairman, Wang Wei, visited the plant on Monday.") == []


def test_alt_participles_stay_silent():
    assert _run("GRAM004", "They have went home.") == ["have went"]
    assert _run("GRAM004", "She had got the keys and had proved it.") == []


def test_english_function_words_decide_the_scope():
    en = Document(id="a", text="The council said that it would meet again when the budget was ready for a vote.")
    assert clearly_not_english(en) is False


def test_loader_errors_name_the_file():
    with pytest.raises(ruledata.RuleDataError, match="no-such"):
        ruledata.words("no-such")
    with pytest.raises(ruledata.RuleDataError, match="zh_calques.txt"):
        ruledata.table("zh_calques", 4)
    with pytest.raises(ruledata.RuleDataError, match="no section"):
        ruledata.constants("layout.nothing")


def test_packed_stop_word_codes_match_the_definition():
    import numpy as np

    text = "the themselves yourselves Über ab i however x9z also"
    np_, _flags, letters, stop_codes, masks = boilerplate_layout._tables()
    cp = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32)
    lt = letters[cp]
    spans = [(m.start(), m.end() - m.start()) for m in re.finditer(r"\S+", text)]
    st = np.array([s for s, _ in spans], dtype=np.int64)
    ln = np.array([n for _, n in spans], dtype=np.int64)
    got = boilerplate_layout._stop_codes(np, lt, st, ln, masks).tolist()
    want = [boilerplate_layout._word_code([int(x) for x in lt[s:s + n]]) for s, n in spans]
    assert got == want
    is_stop = [c in set(stop_codes.tolist()) for c in got]
    assert is_stop == [True, True, True, False, False, True, True, False, True]


def test_sentence_abbreviations_come_from_the_word_classes():
    from qa import document

    assert document.ABBREVIATIONS is ruledata.tagged("word_classes", "sentence_abbreviation")
    assert len(document.ABBREVIATIONS) == 105 and {"mr", "u.s.a", "sept", "approx"} <= document.ABBREVIATIONS
    doc = make_document("Dr. Ruiz met Gen. Ortega on Sept. 4 at 9 a.m. in the capital. Talks went on.")
    assert [doc.text[s:e] for s, e in doc.sentences] == [
        "Dr. Ruiz met Gen. Ortega on Sept. 4 at 9 a.m. in the capital.", "Talks went on."]
