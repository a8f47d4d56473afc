"""The fast scans of the MT fluency and pronoun rules give exactly what a plain regex pass gives.

Each fast path runs a rule's regex only where a match can be (near its words, on the lines that
hold them, at the offsets where it can start); these tests compare it with ``finditer`` over the
whole text on seeded random texts built from the words the patterns look for, so that matches,
near misses and overlaps all occur.
"""

from __future__ import annotations

import random
import re

import pytest

from qa.checks import mt_fluency as M
from qa.checks import pronoun as P
from qa.readers import make_document

_WORDS = (
    "Peru and Peru between the Lisbon-Lisbon Lima-Lim Ana Lima's daughter son wife husband his her "
    "He She HE HIS hers mother father parents Mr. Mrs. Ms. Madam First Lady first lady "
    "granddaughter grandson girlfriend boyfriend widow widower king prince princess queen niece "
    "Wang Li Lee Kim Spring Lord Master Jade Love Chunhua x-he he's the old bridge the old bridge "
    "go on Start Free Trial said says told according to added thought Smith Jean-Paul its itself "
    "Apple Apple, owned by run operated which is that is limits new crown virus net red internet "
    "red C position reassurance pill touching the fish eat bitterness single dog WeChat public "
    "number Pham Minh Trinh Thanh Tran Trung Sugiyama pham trinh company platform"
).split(" ")
_SEPS = (" ", " ", " ", " ", ", ", "\n", "-", "  ", "’s ", "'s ", ". ", "\n\n")


def _texts(seed: int, n: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        words = [rnd.choice(_WORDS) for _ in range(rnd.randint(3, 40))]
        out.append("".join(w + rnd.choice(_SEPS) for w in words))
    # one relative seen with both genders, in and across sentences
    for _ in range(100):
        out.append(" ".join(rnd.choice(("her father", "his father", "Her mother", "his mother", "her wife",
                                        "kissed", "his", ".", "Ms. Mia Tanaka", "her parents", "His parents"))
                            for _ in range(rnd.randint(2, 12))))
    return out


#: a phrase twice, a name paired with itself (one match each; the phrase at the very end too)
CRAFTED = ["They toured the Grand Hall, the Grand Hall and the park.", "said the old bridge the old bridge",
           "a b c a b c a b c", "x Ana Lima's daughter Ana Lima", "between Peru and Peru"]
TEXTS = _texts(7, 1500) + CRAFTED


def _same(fast, slow) -> None:
    assert [(m.span(), m.groups()) for m in fast] == [(m.span(), m.groups()) for m in slow]


def _same_names(fast, slow) -> None:
    """The same names (group 1, where it is) and match ends; a fast match may start earlier, at
    the start of the name's run of letters, digits and "&" (``pronoun._NAME_RUN``)."""
    assert [(m.span(1), m.end(), m.groups()) for m in fast] == [(m.span(1), m.end(), m.groups()) for m in slow]


@pytest.mark.parametrize("text", CRAFTED)
def test_crafted_texts_match(text: str) -> None:
    doc = make_document(text, doc_id="x")
    assert sum(1 for _ in M._back_to_back(doc.text)) + sum(1 for _ in M._self_relations(doc)) == 1


def test_mt_scans_match_finditer() -> None:
    counts = dict.fromkeys(("name", "self", "twice", "kin", "female", "male", "spouse", "calque"), 0)
    for text in TEXTS:
        doc = make_document(text, doc_id="x")
        t = doc.text
        checks = {
            "name": (M._finditer_lines(M._literal_name_re(), t, [m.start() for m in M._GLOSS_RE.finditer(t)]),
                     M._literal_name_re()),
            "self": (M._self_relations(doc), M._self_relation_re()),
            "twice": (M._back_to_back(t), M._back_to_back_re()),
            "kin": (M.finditer_at(M._kin_flip_re(), t, M._GENDER_LITERALS.needle_starts(doc, M._KIN_FLIP_NEEDLES)), M._kin_flip_re()),
            "female": (M.finditer_at(M._female_intro_re(), t, M._GENDER_LITERALS.needle_starts(doc, M._FEMALE_NEEDLES)),
                       M._female_intro_re()),
            "male": (M.finditer_at(M._male_intro_re(), t, M._GENDER_LITERALS.needle_starts(doc, M._MALE_NEEDLES)), M._male_intro_re()),
            "spouse": (M._spouses(doc), M._spouse_of_re()),
            "calque": (M._CALQUE_SCAN.finditer(doc), M._CALQUE_RE),
        }
        for key, (fast, pattern) in checks.items():
            slow = list(pattern.finditer(t))
            counts[key] += len(slow)
            _same(fast, slow)
    assert all(counts.values()), counts  # every pattern matched somewhere


def test_name_variant_helpers_match_the_plain_patterns() -> None:
    triples = 0
    for text in TEXTS:
        lower_words = set(M._LOWER_TOKEN_RE.findall(text))
        for tok in set(M._CAP_TOKEN_RE.findall(text)):
            assert M._written_lower(text, tok) == (tok.lower() in lower_words)
        # "A B C" read backwards from each capitalised token C
        rev, n = text[::-1], len(text)
        back = set()
        for m in M._CAP_TOKEN_RE.finditer(text):
            c = m.group(1)
            got = M._TWO_PARTS_BEFORE_REV.match(rev, n - m.start(1))
            if got and "-" not in c:
                back.add((got.group(2)[::-1], got.group(1)[::-1], c))
        plain = {m.groups() for m in M._THREE_PART_RE.finditer(text)}
        assert back == plain
        triples += len(plain)
    assert triples


def test_may_repeat_never_drops_a_repeat() -> None:
    for word in ("Peru", "Ab" + "c" * 80):
        for sep in ("-", " and "):
            text = f"x {word}{sep}{word} y"
            end = text.index(sep)
            assert M._may_repeat(text, end, end + len(sep))
    assert not M._may_repeat("apples and Oranges", 6, 11)


_OLD_PRONOUN_RE = re.compile(r"\b(he|him|his|she|her|He|Him|His|She|Her|HE|HIS|SHE|HER)\b")
_OLD_FULL_NAME_RE = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_OLD_ITS_RE = re.compile(r"\b([A-Z][A-Za-z0-9&]+)(?:\s+(?!and\b|or\b|with\b)[a-z]+){1,3}\s+its\b")
_OLD_OWNED_RE = re.compile(
    r"\b([A-Z][A-Za-z0-9&]+),?\s+(?:which is\s+|that is\s+)?(?:owned|run|operated|controlled|backed)\s+by\b"
)


def test_pronoun_scans_match_finditer() -> None:
    counts = dict.fromkeys(("pronoun", "full", "its", "owned", "speaker", "lower"), 0)
    for text in TEXTS:
        rev = text[::-1]
        pairs = {
            "pronoun": (P._PRONOUN_RE.finditer(text), _OLD_PRONOUN_RE),
            "full": (P._FULL_NAME_RE.finditer(text), _OLD_FULL_NAME_RE),
            "its": (P._finditer_ending(P._ITS_EVIDENCE_RE, P._ITS_EVIDENCE_RESUME_RE, text, rev, "its", P._FOUR_RUNS_BEFORE_REV), _OLD_ITS_RE),
            "owned": (P._finditer_ending(P._OWNED_NAME_RE, P._OWNED_NAME_RESUME_RE, text, rev, "by", P._OWNED_BEFORE_REV), _OLD_OWNED_RE),
            "speaker": (P._speaker_matches(text), P._SPEAKER_RE),
        }
        for key, (fast, pattern) in pairs.items():
            slow = list(pattern.finditer(text))
            counts[key] += len(slow)
            (_same_names if key in ("its", "owned") else _same)(fast, slow)
        lower = set(P._LOWER_WORD_RE.findall(text))
        words = P._LowerWords(text)
        for w in {*re.findall(r"[A-Za-z0-9&'’-]+", text.lower()), "Apple", "x-he", ""}:
            assert (w in words) == (w in lower)
        counts["lower"] += len(lower)
    assert all(counts.values()), counts


def test_rules_reading_their_trigger_positions_find_what_a_full_scan_finds() -> None:
    """MT301, MT302 and MT304 declare their literals as scan triggers and read where they occur
    from the document's one scan: the same findings with either scan backend as with none (every
    rule run on the whole text, each literal found with ``str.find``)."""
    texts = TEXTS + [t.upper() for t in TEXTS[:200]] + ["Ana Lima’s daughter Ana Lima. Wang Spring. Ms. Mia Tanaka lifted his cup."]
    by_rule = _same_findings_by_scan(("MT301", "MT302", "MT304"), texts)
    assert all(by_rule.get(c, 0) >= 3 for c in ("MT301", "MT302", "MT304")), by_rule


_GATED_WORDS = (
    "Although although Even even though Though Because because just Just the rent is low flat small "
    "but so, but, so Mars-17 missile fired East Wind-41 parade Soviet probe Macau Macao Australia "
    "Sydney Guangdong Hong Kong Law law unions union trade common English French moral education "
    "Japanese Prime Minister President Dao Van Tri Duong Comprehensive, 9th) Yonhap and other reports "
    "Kim father-daughter father and son mother-son husband and wife Zhang Wenhua's more and more high "
    "More cheap than big"
).split(" ")


def _gated_texts(seed: int, n: int) -> list[str]:
    rnd = random.Random(seed)
    seps = (" ", " ", " ", ", ", "\n", ". ", "-", "(", ")", '"', "  ", ".", "!", "? ")
    return ["".join(rnd.choice(_GATED_WORDS) + rnd.choice(seps) for _ in range(rnd.randint(3, 40)))
            for _ in range(n)]


def test_correlative_scan_matches_finditer() -> None:
    """GRAM200 tries its regex only where an opener starts: the same matches as ``finditer``."""
    n = 0
    for text in _gated_texts(11, 6000) + ["Although the rent is low, but the flat is small.",
                                          "Because the road was closed, so we walked."]:
        doc = make_document(text, doc_id="x")
        slow = list(M._CORRELATIVE_RE.finditer(doc.text))
        n += len(slow)
        _same(M._correlatives(doc), slow)
    assert n >= 10


def test_rules_gated_by_their_literals_find_what_a_full_scan_finds() -> None:
    """GRAM200, GRAM201 and MT306-MT311 are skipped where none of their triggers occurs (MT309's
    is a regex), GRAM200 reads where its openers start: the same findings with either scan backend
    as with none (every rule run on the whole text)."""
    codes = ("GRAM200", "GRAM201", "MT306", "MT307", "MT308", "MT309", "MT310", "MT311")
    texts = _gated_texts(12, 1500)
    texts += [t.upper() for t in texts[:100]]
    by_rule = _same_findings_by_scan(codes, texts, with_examples=True)
    assert all(by_rule.get(c, 0) >= 1 for c in codes), by_rule


def _same_findings_by_scan(codes: tuple[str, ...], texts: list[str], with_examples: bool = False) -> dict[str, int]:
    """Check ``texts`` (and, ``with_examples``, the rules' examples) with the rules ``codes``
    scanned by each backend and by none (every rule on the whole text); assert the findings are
    the same and return how many each rule made."""
    from dataclasses import replace

    from qa.config import Settings
    from qa.engine import check_document, make_plan
    from qa.scan import ScanPlan, hyperscan_available

    base = make_plan(Settings(select=codes))
    plans = {"none": replace(base, scan=None),
             "fallback": replace(base, scan=ScanPlan.for_rules(base.rules, backend="fallback"))}
    if hyperscan_available():
        plans["hyperscan"] = replace(base, scan=ScanPlan.for_rules(base.rules, backend="hyperscan"))
    assert set(codes) <= plans["fallback"].scan.codes
    if with_examples:
        texts = texts + [ex.text for r in base.rules for ex in r.examples]
    by_rule: dict[str, int] = {}
    for text in texts:
        want = None
        for name, plan in plans.items():
            got = [(f.rule, f.start, f.end, f.message) for f in check_document(make_document(text, doc_id="x"), plan)]
            if want is None:
                want = got
                for f in got:
                    by_rule[f[0]] = by_rule.get(f[0], 0) + 1
            assert got == want, (name, text)
    return by_rule


def test_org_evidence_names_stay_linear_and_resume_inside_a_run() -> None:
    def names(pattern, resume, word, back, text):
        return [m.group(1) for m in P._finditer_ending(pattern, resume, text, text[::-1], word, back)]

    its = (P._ITS_EVIDENCE_RE, P._ITS_EVIDENCE_RESUME_RE, "its", P._FOUR_RUNS_BEFORE_REV)
    owned = (P._OWNED_NAME_RE, P._OWNED_NAME_RESUME_RE, "by", P._OWNED_BEFORE_REV)
    for text in ("Acme has its&Beta has its", "AT&T has raised its", "x&Bolt&Nut and its", "éAcme has its",
                 "AT&T, which is owned by", "R&D&Co, owned by&Zeta run by"):
        for args in (its, owned):
            assert names(*args, text) == [m.group(1) for m in re.compile(
                args[0].pattern.replace(P._NAME_RUN, r"([A-Z](?<!\w[A-Z])[A-Za-z0-9&]+)")).finditer(text)], text
    assert names(*its, "Acme has its&Beta has its") == ["Acme", "Beta"]  # the second from inside a run
    assert names(*owned, "AT&T, which is owned by") == ["AT&T"]
    # a 64,000-character run of "A&" before "and its": one pass (each capital in turn: about 27 s)
    assert names(*its, "A&" * 32_000 + "B and its") == []
    assert names(*its, "A&" * 32_000 + "B has its") == ["A&" * 32_000 + "B"]
