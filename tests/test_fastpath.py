"""Fast paths: required literals of patterns, and the skip being exact."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import fastpath, textfind
from qa.fastpath import CASE_SPECIAL, literal_prefixes, may_match
from qa.readers import make_document


def test_case_special_characters_are_complete():
    letter = re.compile("[a-z]", re.IGNORECASE)
    found = "".join(chr(cp) for cp in range(0x80, sys.maxunicode + 1) if letter.fullmatch(chr(cp)))
    assert found == CASE_SPECIAL


@pytest.mark.parametrize("frags,want", [
    (["rape[sd]?", "raped"], ("rape", "raped")),
    (["(?P<w0>the first) to"], ("the first to",)),
    (["claims? repair officer"], (" repair officer",)),
    (["(?:car|cars) (?P<w0>fabrics?)(?= (?:in|of))"], ("fabric",)),
    (["(?<!one )(?:of|by) (?P<w0>the first)"], (" the first",)),
    (["(?:abcd)+e"], ("abcd",)),
    ([r"\bfoo|barbaz"], ("barbaz", "foo")),
    (["Actually"], ("actually",)),
    (["ab"], None),  # too short to be selective
    (["x(?:abc)?yz"], None),  # the only long literal is optional
    (["[a-z]+ing"], ("ing",)),
    ([r"\w+"], None),
    (["caf\u00e9 society"], (" society",)),
])
def test_required_literals(frags, want):
    assert literal_prefixes(frags, re.IGNORECASE) == want


def test_may_match_skips_only_documents_without_the_literal():
    lits = literal_prefixes(["viol(?:ation|ated)"], re.IGNORECASE)
    assert not may_match(make_document("Nothing to see here."), lits)
    assert may_match(make_document("A VIOLATION of privacy."), lits)
    # a character that case-folds to an ASCII letter: always scanned
    assert may_match(make_document("The \u212aelvin sign and nothing else."), literal_prefixes(["kelvin"]))
    assert may_match(make_document("Anything."), None)


_ALPHABET = "abcKk \u212a\u0131\u017fISs.-"
_FRAGMENTS = ["kiss", "s[ai]ck", "(?:skis|kiss)+", "sk(?P<w>is)s", "(?<!a)kis{2}", "ik s", "(?:ab)?kiss"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40), st.sampled_from(_FRAGMENTS), st.booleans())
def test_the_skip_never_hides_a_match(text, frag, ignorecase):
    flags = re.IGNORECASE if ignorecase else 0
    lits = literal_prefixes([frag], flags)
    if re.search(frag, text, flags):
        assert may_match(make_document(text), lits)


def test_switch_off(monkeypatch):
    monkeypatch.setattr(fastpath, "ENABLED", False)
    assert may_match(make_document("Nothing."), ("absent",))


# --------------------------------------------------------------------------- Scanner
from pathlib import Path  # noqa: E402

from qa.fastpath import Scanner, reach, required_literals  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.mark.parametrize("pattern,want", [
    (r"(?<!\w)(?:will|would|can) be able", (" be able",)),
    (r"(?:daughter|wife|Ms\.) [A-Z]\w+", ("daughter", "ms.", "wife")),
    (r"[Nn]umber of (?:news|advice)", ("umber of ",)),
    (r"(?:new crown|net red)s?", ("t red", "w crown")),  # the parser factors out "ne"
    (r"(?:on|in) (?:a|the) (?:ox|ax)", None),  # every literal is too short
    (r"\w+ing", ("ing",)),
])
def test_scanner_required_literal_sets(pattern, want):
    assert required_literals(re.compile(pattern)) == want


def _parsed(p):
    return list(fastpath._sre_parse.parse(p, 0))


def test_reach_counts_lookarounds_and_bounds():
    assert reach(_parsed(r"ab(?=cdef)")) == 6
    assert reach(_parsed(r"(?<![\w-])x{2,5}")) == 6
    assert reach(_parsed(r"a\w+")) == float("inf")
    assert reach(_parsed(r"(?P<a>ab)(?P=a)")) == float("inf")  # a back-reference: no bound trusted


def _same(pattern: re.Pattern[str], text: str) -> None:
    doc = make_document(text)
    want = [(m.span(), m.groups()) for m in pattern.finditer(text)]
    got = [(m.span(), m.groups()) for m in Scanner(pattern).finditer(doc)]
    assert got == want


def test_scanner_keeps_every_match_of_the_full_scan():
    text = ("The number of news was high. NUMBER OF ADVICE rose; a number of news, the "
            "Number of advice.") * 30
    _same(re.compile(r"(?<![\w-])[Nn]umber of (?:news|advice)(?=[.,;])", re.IGNORECASE), text)


def test_scanner_lookahead_is_never_cut_by_a_window():
    # the look-ahead reads 30 characters past the literal: the window must include them
    pat = re.compile(r"crown(?= [a-z ]{28}end)")
    text = "x" * 500 + "crown " + "a" * 28 + "end" + "y" * 500 + " crown " + "b" * 27 + "end"
    _same(pat, text)
    assert len(list(Scanner(pat).finditer(make_document(text)))) == 1


def test_scanner_skips_documents_without_the_literals():
    pat = re.compile(r"(?<!\w)add oil(?!\w)", re.IGNORECASE)
    sc = Scanner(pat)
    assert sc.literals == ("add oil",) and sc.margin > 0
    assert list(sc.finditer(make_document("Nothing here at all."))) == []
    assert [m.group(0) for m in sc.finditer(make_document("They shouted ADD OIL twice."))] == ["ADD OIL"]


def test_scanner_with_unbounded_reach_gates_the_whole_scan():
    pat = re.compile(r"(?:wife|husband) [A-Z]\w+")
    sc = Scanner(pat)
    assert sc.margin == 0 and sc.literals == ("husband", "wife")
    _same(pat, "His wife Mariam Okafor spoke. Her husband Tomasz Nowak did not.")
    assert list(sc.finditer(make_document("No spouse is named here."))) == []


def test_scanner_without_literals_is_a_plain_scan():
    pat = re.compile(r"\b(\w+) \1\b")
    assert Scanner(pat).literals is None
    _same(pat, "the the cat sat on on the mat")


def test_scanner_with_case_special_characters_scans_in_full():
    pat = re.compile(r"kiss", re.IGNORECASE)
    _same(pat, "A \u212aISS and a kiss.")  # the Kelvin sign matches k case-insensitively


def test_scanner_switch_off(monkeypatch):
    pat = re.compile(r"crown")
    monkeypatch.setattr(fastpath, "ENABLED", False)
    assert [m.start() for m in Scanner(pat).finditer(make_document("a crown, a crown"))] == [2, 11]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcKk \u212aIs.-\n", max_size=120),
       st.sampled_from([r"(?<!a)kis{2}(?= [a-c]{0,3})", r"(?:skis|kiss)(?!\w)", r"ab(?:kiss|sack)s?",
                        r"(?:kis|sac)s(?=.{0,5}c)"]),
       st.booleans())
def test_scanner_equals_finditer(text, pattern, ignorecase):
    _same(re.compile(pattern, re.IGNORECASE if ignorecase else 0), text)


@pytest.mark.parametrize("pattern,want", [
    (r"(?<!\w)(?:will|can['’]t) (?P<v>\w+)", ("can't ", "can’t ", "will ")),
    (r"(?:^|(?<=[.!?]\s))(?P<f>Although|Since)\b", ("although", "since")),
    (r"[Tt]here (?:is|was)(?: also)? \w+", ("there is", "there was")),  # "there is also" starts with "there is"
    (r"[Nn]umber of (?:news|\w+ing)", ("number of ",)),
    (r"ab(?:cd)?", None),  # a match may start with "ab" only: too short
    ("caf\u00e9 noir", None),  # a non-ASCII letter with case: str.lower may not find what the regex does
    ("\u00a9 2024", ("\u00a9 2024",)),  # a character without case is fine
    (r"(?:abc|x)y", None),
    (r"(?:abc)+d", None),
    (r"\w+ing", None),
    (r"(?:the|a) (?:the|a)", ("a a", "a the", "the a", "the the")),  # a finite set: all of it
    (r"(?:the|an?) (?:the|a)", None),  # "a" is all a match may start with before an optional part
])
def test_leading_literals(pattern, want):
    assert fastpath.leading_literals(re.compile(pattern)) == want


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcKkIis\u212a .-\n'", max_size=80),
       st.sampled_from([r"(?<![\w'-])(?:kis|sac)(?: (?:ab|c))? [a-c]+", r"(?:^|(?<=\.\s))(?:Kiss|Sack)\b[^.\n]{0,9}",
                        r"(?:kiss|kissab)(?:k|s)?", r"[Kk]i(?:s|ss)['’]? \w"]),
       st.booleans())
def test_trying_a_pattern_at_its_leading_literals_equals_finditer(text, pattern, ignorecase):
    pat = re.compile(pattern, re.IGNORECASE if ignorecase else 0)
    lits = fastpath.leading_literals(pat)
    assert lits is not None
    low = text.lower() if not any(c in text for c in CASE_SPECIAL) else None
    if low is None:
        return  # such a text is never gated (no answer from the scan)
    starts = [i for lit in lits for i in textfind.find_all(low, lit)]
    assert [m.span() for m in textfind.finditer_at(pat, text, starts)] == [m.span() for m in pat.finditer(text)]


def _all_scanners():
    from qa.checks import import_all

    import_all()  # imports every rule module
    from qa.registry import python_rules

    python_rules()
    seen = []
    for name, mod in sorted(sys.modules.items()):
        if name.startswith("qa.checks.") and mod is not None:
            seen.extend((f"{name}.{k}", v) for k, v in sorted(vars(mod).items())
                        if isinstance(v, Scanner) or type(v).__name__ == "_StartScanner")
    return seen


def test_every_rule_scanner_matches_the_full_scan_on_real_text():
    scanners = _all_scanners()
    assert len(scanners) >= 10  # the rule modules use them
    assert sum(type(v).__name__ == "_StartScanner" for _, v in scanners) >= 9
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    texts.append(texts[0].upper() + "\n" + texts[1].lower())
    for name, sc in scanners:
        for text in texts:
            doc = make_document(text)
            want = [m.span() for m in sc.pattern.finditer(text)]
            assert [m.span() for m in sc.finditer(doc)] == want, name


# --------------------------------------------------------------------------- outside a scan plan
def _texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    texts.append(texts[0].upper() + "\n" + texts[1].lower())
    return texts


def test_a_scanner_outside_a_scan_plan_finds_its_literals_with_find():
    bounded = Scanner(re.compile(r"\b(?:phone|WhatsApp)\b.{0,20}", re.IGNORECASE))
    unbounded = Scanner(re.compile(r"\bphone\b.*", re.IGNORECASE))
    absent = Scanner(re.compile(r"\bzzqx\w+", re.IGNORECASE))
    assert bounded.margin and not unbounded.margin
    for text in _texts() + ["Hugs: XOXO phone PHONE@example.org, phone."]:
        doc = make_document(text)
        assert fastpath.lowered(doc) == text.lower() == doc.facts.lower
        for sc in (bounded, unbounded, absent):
            assert [m.span() for m in sc.finditer(doc)] == [m.span() for m in sc.pattern.finditer(text)]
        assert not any(k.startswith("_qa") for k in vars(doc))


def test_case_special_text_is_scanned_in_full():
    doc = make_document("a \u212aISS here")  # the Kelvin sign matches k case-insensitively
    assert fastpath.lowered(doc) is None
    sc = Scanner(re.compile(r"\bkiss\b", re.IGNORECASE))
    assert sc.literals == ("kiss",)
    assert [m.span() for m in sc.finditer(doc)] == [(2, 6)]


def test_literal_spans_include_overlapping_occurrences_of_one_literal():
    low = "Hugs: XOXOXO and xoxo, then xoxoxoxo.".lower()
    assert fastpath.literal_spans(low, ("xoxo",)) == [(6, 10), (8, 12), (17, 21), (28, 32), (30, 34), (32, 36)]


def test_common_words_are_the_last_choice_of_literal():
    assert literal_prefixes([r"(?:slander|defamation) and (?P<w>injur(?:y|ies))"]) == ("injur",)
    assert literal_prefixes([r"\babout (?:\w+ )?(?P<w>exit)"]) == ("exit",)  # not the longer "about "
    assert fastpath.required_literals(re.compile(r"\b(\w+) and \1\b")) == (" and ",)  # nothing else


def test_lexicon_literals_take_alternatives_and_rare_symbols():
    frag = fastpath.fragment_literals
    assert frag([r"(?:\$|€|£|₹)\s?\d+"]) == ("$", "£", "€", "₹")
    assert frag([r"@\s*(?:rs\.?|inr|₹)\s*\d"]) == ("@",)
    assert frag([r"(?:rs\.?|inr)\s*\d+\s*/-"]) == ("/-",)
    assert frag([r"(?:get|buy) (?:gold|premium)\b"]) == ("gold", "premium")  # the longer set
    assert frag([r"ad|ads|advert"]) is None  # "ad" has no usable piece: every line is searched
    assert frag([r"\d+ \w+"]) is None


_PAGE = (
    "Sign In\nMenu\nHome | World | Business | Sport\n\nPhone breach exposes ministers\n\n"
    "The ministry said on Monday that the breach of the phone system affected 40 officials, and "
    "that it had informed the regulator.Special offer ends soon! Coupon code: SAVE10 for a year @ $5/mo\n"
    "Officials said the violation of the contract was under review.\n\n"
    "Read more: Ministers face questions\nTags: privacy, phones\n© 2024 Example News. All rights reserved.\n"
    "Advertisement\nWe may earn a commission when you buy through links on our site.\n"
)


def test_every_rule_finds_the_same_with_and_without_fast_paths(monkeypatch):
    from qa.api import check_text

    texts = [*_texts(), _PAGE, _PAGE.upper(), _PAGE.lower()]

    def findings():
        return [[(f.rule, f.start, f.end, f.message) for f in check_text(t).findings] for t in texts]

    fast = findings()
    monkeypatch.setattr(fastpath, "ENABLED", False)
    slow = findings()
    assert fast == slow
    page = {f[0] for f in fast[len(texts) - 3]}
    assert {"BP101", "BP106", "BP107", "BP108", "BP110"} <= page  # the gated kinds did fire


def test_trie_alternation_matches_like_the_flat_list():
    words = ["the", "they", "them", "then", "these", "to", "too", "a", "an", "and", "any", "it", "its", "i.e."]
    assert fastpath.trie_alternation(["the", "they", "this"]) == "th(?:e(?:y)?|is)"
    trie = re.compile(rf"\b(?:{fastpath.trie_alternation(words)})\b", re.IGNORECASE)
    flat = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    for text in _texts():
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]
    assert [m.group() for m in trie.finditer("Then they and Them ANY theme it its")] == \
        ["Then", "they", "and", "Them", "ANY", "it", "its"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abt.", min_size=1, max_size=4), min_size=1, max_size=8),
       st.text(alphabet="abt. ", max_size=60))
def test_trie_alternation_equals_flat_alternation(words, text):
    trie = re.compile(rf"\b(?:{fastpath.trie_alternation(words)})\b")
    flat = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(set(words), key=len, reverse=True))) + r")\b")
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="abAB.!?)”’ \n@/-1_é", max_size=40))
def test_glued_seam_search_equals_the_full_scan(text):
    from qa.checks.punctuation import _GLUED_RE, glued_matches

    assert [m.span() for m in glued_matches(text)] == [m.span() for m in _GLUED_RE.finditer(text)]


def test_glued_seam_search_on_real_text():
    from qa.checks.punctuation import _GLUED_RE, glued_matches

    for text in [*_texts(), "It ended there.She left.Then he.Said no.He came", "aa.Bb.Cc ab.CD.Ef"]:
        want = [m.span() for m in _GLUED_RE.finditer(text)]
        assert [m.span() for m in glued_matches(text)] == want
    assert [m.group() for m in glued_matches("It ended there.She left.Then he.Said")] == \
        ["there.She", "left.Then", "he.Said"]


def test_whole_line_phrases_split_into_a_set_and_a_gated_regex_give_the_same_findings(monkeypatch):
    """BP101 looks plain labels up in a set and runs its regex only on the lines holding one of
    its literals; every label (plain, regex, non-ASCII, case-special, long) is found as the
    single whole-line regex finds it."""
    from qa.api import check_text

    labels = ["Close", "CLOSE", "close", "Read More", "Share this article", "Share on Facebook",
              "e-mail this", "Email This", "12 Comments", "Image 3 of 9", "3 of 9", "Español", "ESPAÑOL",
              "\u0394", "\u03b4", "\u017fhare", "\u212along", "Log in", "Login", "Sign-In",
              "• Subscribe now ›", "Search for", "Search the archive of old news", "Loading...",
              "X (formerly Twitter)", "Find us on Mastodon", "Back to all stories",
              "Shares", "Click to share on Reddit (Opens in new window)", "Closed", "Menu Menu",
              "They close the shop at nine.", "Photo 2 of 5 | Reuters"]
    body = "The court heard the case on Monday and adjourned until the next week.\n"
    texts = [body + lab + "\n" + body for lab in labels] + ["\n".join(labels)]

    def hits():
        return [[(f.start, f.end, f.message) for f in check_text(t, select=("BP101",)).findings] for t in texts]

    fast = hits()
    monkeypatch.setattr(fastpath, "ENABLED", False)
    assert fast == hits()
    found = sum(1 for h in fast[:-1] if h)
    assert 25 <= found < len(labels) and not fast[labels.index("They close the shop at nine.")]
    assert fast[labels.index("\u017fhare")] and fast[labels.index("\u0394")]
