"""File and rule pages in real Chromium: on a phone each card sits right under its paragraph
(on a desktop the cards stay in their column); the Cleaned view marks every change with the rule
that made it and holds exactly what ``qa clean`` writes; the Diff view shows the changed lines;
rule pages show examples as text. Pages stay free of serious accessibility violations."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli import app

pytestmark = pytest.mark.browser
runner = CliRunner()
AXE = (Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

FILLER = ("The council met on Tuesday evening to talk about the new bridge, the roads around the "
          "market and the plans for the old school, which has stood empty for years. ")
TEXT = (FILLER * 2 + "Mary said the the plan was ready.\n\n"
        + FILLER * 3 + "Nobody asked about the cost.It was late.\n\n"
        + FILLER * 2 + "The last paragraph has a a doubled word too.\n")
QUIET = "A short note that reads well and has nothing to flag at all.\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pages")
    src = tmp / "in"
    src.mkdir()
    (src / "long.txt").write_text(TEXT, encoding="utf-8")
    (src / "quiet.txt").write_text(QUIET, encoding="utf-8")
    out = tmp / "report"
    r = runner.invoke(app, ["check", str(src), "--html", str(out), "-q", "--fail-on", "never", "--no-cache"])
    assert r.exit_code == 0, r.output
    cleaned = tmp / "cleaned"
    r = runner.invoke(app, ["clean", str(src), "--out", str(cleaned), "-q"])
    assert r.exit_code == 0, r.output
    return out, (cleaned / "long.txt").read_text(encoding="utf-8")


def _open(browser, url: str, viewport: dict, bypass_csp: bool = False):
    ctx = browser.new_context(viewport=viewport, bypass_csp=bypass_csp)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return ctx, page, errors


def _boxes(page):
    return page.evaluate("""() => Array.from(document.querySelectorAll('li[data-para]')).map(li => {
        const p = document.getElementById('p-' + li.dataset.para), a = p.getBoundingClientRect(), b = li.getBoundingClientRect();
        return {para: li.dataset.para, rule: li.dataset.rule, pTop: a.top, pBottom: a.bottom, top: b.top,
                under: li.parentElement.classList.contains('under'), after: li.parentElement.previousElementSibling === p};
    })""")


def test_phone_layout_puts_each_card_under_its_paragraph(browser, report):
    out, _ = report
    ctx, page, errors = _open(browser, (out / "long.txt.html").as_uri(), PHONE)
    try:
        boxes = _boxes(page)
        assert [(b["rule"], b["para"]) for b in boxes] == [("GRAM001", "0"), ("PUN002", "1"), ("GRAM001", "2")]
        for b in boxes:
            height = b["pBottom"] - b["pTop"]
            assert b["under"] and b["after"], b
            # the card starts below its paragraph, and less than a paragraph's height below it
            assert b["pBottom"] <= b["top"] <= b["pBottom"] + height, b
        # paragraphs keep their order, each card list between two of them
        tops = [b["pTop"] for b in boxes]
        assert tops == sorted(tops) and boxes[0]["top"] < boxes[1]["pTop"]
        # the text itself is unchanged (the cards are after the paragraphs, not in them)
        paras = page.evaluate("() => Array.from(document.querySelectorAll('#view-orig p.para')).map(p => p.textContent).join('')")
        assert paras == TEXT
        # keyboard navigation still walks the cards in order
        page.keyboard.press("j")
        assert page.evaluate("() => document.activeElement.id") == "f-0"
        page.keyboard.press("j")
        assert page.evaluate("() => document.activeElement.id") == "f-1"
        # widened to a desktop: the cards go back to their column, in order
        page.set_viewport_size(DESKTOP)
        page.wait_for_function("() => !document.querySelector('ol.under')")
        ids = page.evaluate("() => Array.from(document.querySelectorAll('aside ol.findings > li')).map(li => li.id)")
        assert ids == ["f-0", "f-1", "f-2"]
        assert not errors
    finally:
        ctx.close()


def test_desktop_layout_keeps_the_cards_in_their_column(browser, report):
    out, _ = report
    ctx, page, errors = _open(browser, (out / "long.txt.html").as_uri(), DESKTOP)
    try:
        boxes = _boxes(page)
        assert len(boxes) == 3 and not any(b["under"] for b in boxes)
        assert page.locator("aside ol.findings > li").count() == 3
        text = page.locator("#view-orig").bounding_box()
        card = page.locator("#f-0").bounding_box()
        assert card["x"] > text["x"] + text["width"]  # beside the text, not under it
        assert not errors
    finally:
        ctx.close()


def test_cleaned_view_marks_every_change_and_equals_qa_clean(browser, report):
    out, cleaned = report
    ctx, page, errors = _open(browser, (out / "long.txt.html").as_uri(), DESKTOP)
    try:
        assert page.locator("#view-clean").is_hidden()
        page.click("button[data-view=clean]")
        assert page.locator("#view-clean").is_visible() and page.locator("#view-orig").is_hidden()
        marks = page.evaluate("""() => Array.from(document.querySelectorAll('#view-clean .chg-code')).map(c => {
            const d = c.nextElementSibling, i = d && d.tagName === 'DEL' ? d.nextElementSibling : d;
            return {label: c.textContent, shown: c.childNodes[1].textContent,
                    hidden: Array.from(c.querySelectorAll('.sr')).every(e => e.getBoundingClientRect().width <= 1), del: d && d.tagName === 'DEL' ? d.textContent : '',
                    ins: i && i.tagName === 'INS' ? i.textContent : ''};
        })""")
        assert [(m["label"], m["del"], m["ins"]) for m in marks] == [
            ("deleted by GRAM001: ", " the", ""), ("inserted by PUN002: ", "", " "), ("deleted by GRAM001: ", " a", "")]
        # the code is shown; the words around it are for screen readers
        assert [m["shown"] for m in marks] == ["GRAM001", "PUN002", "GRAM001"] and all(m["hidden"] for m in marks)
        # not by colour alone: a deletion is struck through, an insertion underlined
        styles = page.evaluate("""() => ['del.chg', 'ins.chg'].map(s => getComputedStyle(document.querySelector('#view-clean ' + s)).textDecorationLine)""")
        assert styles == ["line-through", "underline"]
        text = page.evaluate("""() => { const c = document.getElementById('view-clean').cloneNode(true);
            c.querySelectorAll('del, .chg-code').forEach(e => e.remove()); return c.textContent; }""")
        assert text == cleaned
        assert page.locator("#change-count").text_content() == "3 changes by qa clean: GRAM001 ×2, PUN002 ×1"
        page.click("button[data-view=diff]")
        assert page.locator("#view-diff").is_visible() and page.locator("#view-clean").is_hidden()
        rows = page.evaluate("""() => Array.from(document.querySelectorAll('#view-diff tr')).map(r => [r.className, r.cells[0].textContent])""")
        assert [c for c, _ in rows].count("d-del") == 3 and [c for c, _ in rows].count("d-add") == 3
        assert all(sign == {"d-del": "-", "d-add": "+"}[c] for c, sign in rows if c in ("d-del", "d-add"))
        assert page.get_attribute("button[data-view=diff]", "aria-pressed") == "true"
        page.click("button[data-view=orig]")
        assert page.locator("#view-orig").is_visible() and page.locator("#view-diff").is_hidden()
        assert not errors
    finally:
        ctx.close()


def test_rule_page_shows_examples_as_text(browser, report):
    out, _ = report
    ctx, page, errors = _open(browser, (out / "rules" / "GRAM001.html").as_uri(), DESKTOP)
    try:
        body = page.locator(".rule-doc").inner_text()
        assert "[[" not in body and "\\n" not in body
        assert "Fix: safe fix (applied by qa clean)" in body
        assert "the the" in page.locator("ol.examples mark.ex-span").all_text_contents()
    finally:
        ctx.close()
    ctx, page, errors = _open(browser, (out / "rules" / "SRC001.html").as_uri(), DESKTOP)
    try:
        assert page.locator("ol.examples .ex-label").first.text_content() == "source"
        assert " ||| " not in page.locator(".rule-doc").inner_text()
    finally:
        ctx.close()


@pytest.mark.parametrize("view,viewport", [("clean", DESKTOP), ("diff", DESKTOP), ("orig", PHONE)])
def test_views_pass_the_accessibility_audit(browser, report, view, viewport):
    out, _ = report
    ctx, page, _ = _open(browser, (out / "long.txt.html").as_uri(), viewport, bypass_csp=True)
    try:
        page.click(f"button[data-view={view}]")
        page.evaluate(AXE)
        found = page.evaluate("""async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                                             resultTypes: ['violations']});
          return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                  .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
        }""")
        assert not found, found
    finally:
        ctx.close()
    ctx, page, _ = _open(browser, (out / "rules" / "SRC001.html").as_uri(), DESKTOP, bypass_csp=True)
    try:
        page.evaluate(AXE)
        found = page.evaluate("""async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}, resultTypes: ['violations']});
          return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id);
        }""")
        assert not found, found
    finally:
        ctx.close()
