"""HTML reports are inert: pages built from documents full of XSS payloads are opened in real
headless Chromium; no dialog opens, no script error or CSP violation happens, nothing is
fetched, no element or handler comes from the text, and every payload is shown literally."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hostile import PAYLOADS, payload_text  # noqa: E402

from qa.config import Settings  # noqa: E402
from qa.engine import error_result, make_plan  # noqa: E402
from qa.runner.pipeline import run_records
from qa.model import Applicability, Edit, Fix, Hit, Rule, bad, good  # noqa: E402
from qa.readers import InputError, make_document  # noqa: E402
from qa.registry import all_rules  # noqa: E402

pytestmark = pytest.mark.browser

# elements and attributes that only markup taken from the text could create
_FORBIDDEN_TAGS = ("img", "iframe", "svg", "math", "object", "embed", "video", "audio", "source",
                   "form", "input", "select", "textarea", "details", "marquee", "base", "link",
                   "xmp", "noscript", "animate")

_INIT = """
window.__qa = {violations: [], errors: []};
document.addEventListener('securitypolicyviolation', function (e) {
  window.__qa.violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""

_DOM_AUDIT = """
(forbidden) => {
  const out = [];
  const all = document.querySelectorAll('*');
  for (const el of all) {
    const tag = el.tagName.toLowerCase();
    // the index's own search box and filters carry data-qa="control"; no payload makes one
    if (forbidden.includes(tag) && !(el.getAttribute('data-qa') === 'control' && el.closest('div.controls')))
      out.push('element <' + tag + '>');
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = a.value.trim().toLowerCase();
      if (n.startsWith('on')) out.push('handler ' + n + ' on <' + tag + '>');
      if (n === 'style') out.push('inline style on <' + tag + '>');
      if ((n === 'href' || n === 'src' || n === 'action' || n === 'formaction' || n === 'data') &&
          /^(javascript|data|vbscript|blob|https?|file):/.test(v.replace(/[\\s\\u0000-\\u001f]/g, '')))
        out.push(n + '=' + v + ' on <' + tag + '>');
    }
  }
  // the index carries its rows as one inert JSON data block (never run), besides its one script
  const data = document.querySelectorAll('script#qa-index-data[type="application/json"]');
  const scripts = Array.from(document.querySelectorAll('script')).filter(s => !Array.from(data).includes(s));
  if (scripts.length > 1) out.push(scripts.length + ' script elements');
  if (data.length > 1) out.push(data.length + ' data blocks');
  for (const s of data) if (s.closest('body') === null || s.attributes.length !== 2) out.push('data block out of place');
  for (const s of scripts) if (s.src) out.push('external script ' + s.src);
  if (document.querySelectorAll('style').length > 1) out.push('extra style element');
  return out;
}
"""


def _echo_check(doc, opts):
    """Flag every payload, quoting it in message, suggestion and fix title."""
    text = doc.text
    for p in PAYLOADS:
        start = text.find(p)
        while start != -1:
            end = start + len(p)
            yield Hit(start, end, f"payload {p} found", suggestion=p,
                      fix=Fix((Edit(start, end, p + "!"),), Applicability.UNSAFE, f"Replace {p}"))
            start = text.find(p, end)


ECHO = Rule(code="XSS001", name="echo-payload", category="encoding",
            summary="Quotes " + PAYLOADS[0] + " " + PAYLOADS[3], check=_echo_check,
            doc="Doc with <script>alert('doc')</script> and [x](javascript:alert(1)) and `<img src=x onerror=alert(2)>`.",
            fixable=True, examples=(bad("[[<b>]]", fixed="<b>!"), good("plain")), source="tests")


@functools.lru_cache(maxsize=1)
def _results():
    rules = list(all_rules()) + [ECHO]
    plan = make_plan(Settings(), rules=rules)
    body = payload_text()
    docs = [
        make_document(body, path="in/payloads.txt", doc_id="payloads.txt"),
        make_document("# <img src=x onerror=alert('t')> Title\n\nAuthor: <script>alert('a')</script>\n"
                      "Source: javascript:alert(1)\n\n" + body, path="in/payloads.md", doc_id="payloads.md",
                      markdown=True),
        make_document(f"Record: {PAYLOADS[1]} ok.", path="in/<svg onload=alert(1)>.txt",
                      doc_id="<svg onload=alert(1)>.txt"),
    ]
    for i, p in enumerate(PAYLOADS[:6]):
        docs.append(make_document(f"Record {i}: {p} ok.Then more.", path="in/records.jsonl", doc_id=p,
                                  meta={"author": p}))
    recs = list(docs) + [InputError("in/<img src=x onerror=alert('e')>.txt", "<img src=x onerror=alert('e')>.txt",
                                    "cannot read: <script>alert('error')</script>")]
    results = [r for r in run_records(recs, plan)]
    return results, plan


def write(tmp_path: Path) -> tuple[Path, list, list[str]]:
    from qa.report.html import write_reports

    results, plan = _results()
    out = tmp_path / "report"
    cleaned = {r.id: (r.doc.text + "\nCleaned: " + PAYLOADS[0]) for r in results if r.doc is not None}
    pages = write_reports(results, out, ["in"], plan.rules, cleaned=cleaned)
    return out, results, pages


def _normal(text: str) -> str:
    # what the HTML parser does to text content: CRLF/CR -> LF, NUL -> U+FFFD
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


def inspect(browser, url: str, interact: bool = True) -> dict[str, list[str]]:
    """Open a page, exercise its buttons, and collect everything that must not happen."""
    problems: dict[str, list[str]] = {"dialogs": [], "console": [], "pageerrors": [], "requests": [],
                                      "violations": [], "dom": []}
    ctx = browser.new_context(java_script_enabled=True)
    page = ctx.new_page()
    page.add_init_script(_INIT)

    def on_dialog(d):
        problems["dialogs"].append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: problems["console"].append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems["pageerrors"].append(str(e)))
    page.on("request", lambda r: problems["requests"].append(r.url) if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
    page.goto(url)
    page.wait_for_load_state("load")
    if interact:
        for sel in ("button[data-view=clean]", "button[data-view=orig]", "button[data-act=accept]",
                    "button[data-act=dismiss]", "mark a", "thead th"):
            loc = page.locator(sel)
            for i in range(min(loc.count(), 3)):
                if loc.nth(i).is_visible():
                    loc.nth(i).click(timeout=2000)
        page.focus("body")
        page.wait_for_timeout(100)  # autofocus/ontoggle/onbegin would fire by now
    # markup that escaped could navigate the page away (meta refresh, base, forms): that destroys
    # the page's context, and is itself a finding
    from playwright.sync_api import Error as PlaywrightError

    problems["navigated"] = []
    for key, script, arg in (("violations", "window.__qa ? window.__qa.violations : ['init script missing']", None),
                             ("dom", _DOM_AUDIT, list(_FORBIDDEN_TAGS))):
        try:
            problems[key] = page.evaluate(script, arg) if arg is not None else page.evaluate(script)
        except PlaywrightError as exc:
            problems["navigated"].append(f"{key}: {exc}")
    problems["_page"] = page  # type: ignore[assignment]
    problems["_ctx"] = ctx  # type: ignore[assignment]
    return problems


def _assert_clean(problems, where: str) -> None:
    found = {k: v for k, v in problems.items() if not k.startswith("_") and v}
    assert not found, f"{where}: {found}"


def test_reports_of_xss_documents_are_inert_and_show_payloads_literally(browser, tmp_path):
    out, results, pages = write(tmp_path)
    # every page of the report: documents, the error row, the index and the rule pages
    urls = [(p, (out / p).as_uri()) for p in pages]
    urls += [("index.html", (out / "index.html").as_uri()), ("rules/index.html", (out / "rules" / "index.html").as_uri()),
             ("rules/XSS001.html", (out / "rules" / "XSS001.html").as_uri())]
    by_page = dict(zip(pages, results))
    for name, url in urls:
        problems = inspect(browser, url)
        page, ctx = problems.pop("_page"), problems.pop("_ctx")
        try:
            _assert_clean(problems, name)
            r = by_page.get(name)
            if r is not None and r.doc is not None:
                shown = page.locator("#view-orig").text_content()
                assert shown == _normal(r.doc.text), f"{name}: document text not shown literally"
                cleaned = page.locator("#view-clean").text_content()
                assert cleaned.endswith("Cleaned: " + PAYLOADS[0])
                msgs = page.locator("ol.findings .msg").all_text_contents()
                echoed = [m for m in msgs if m.startswith("payload ")]
                want = {f"payload {p} found" for p in PAYLOADS if p in r.doc.text}
                assert want <= set(echoed), f"{name}: payload messages missing: {sorted(want - set(echoed))[:3]}"
                sugg = " ".join(page.locator("ol.findings .sugg").all_text_contents())
                titles = page.eval_on_selector_all("mark[title]", "els => els.map(e => e.getAttribute('title'))")
                for p in PAYLOADS:
                    if p in r.doc.text and "\r" not in p and "\x00" not in p:
                        assert _normal(p) in sugg, f"{name}: suggestion {p!r} not literal"
                        assert any(_normal(p) in t for t in titles), f"{name}: tooltip {p!r} not literal"
                assert r.path in page.title()
            if name == "index.html":
                body = page.locator("body").text_content()
                assert "cannot read: <script>alert('error')</script>" in body
                assert page.locator("#files tbody tr").count() == len(results)
                # rows come from the inert JSON data: hostile names and ids are shown as text
                labels = page.locator("#files tbody td:first-child a").all_text_contents()
                assert "_svg_onload_alert_1_.txt" in labels
                page.fill("#q", "in/<svg onload=alert(1)>")  # the path itself is searchable
                assert page.locator("#files tbody td:first-child a").all_text_contents() == ["_svg_onload_alert_1_.txt"]
                page.fill("#q", "")
                for p in PAYLOADS[:6]:
                    if "\r" not in p and "\x00" not in p:
                        assert f"in/records.jsonl · {p}" in labels, p
            if name == "rules/XSS001.html":
                body = page.locator("body").text_content()
                assert "<script>alert('doc')</script>" in body and "javascript:alert(1)" in body
        finally:
            ctx.close()


def test_the_check_fails_when_escaping_is_broken(browser, tmp_path, monkeypatch):
    """The browser audit is not vacuous: with autoescaping switched off, the same pages show
    CSP violations and foreign elements, and the text is no longer shown literally."""
    from jinja2 import Environment

    import qa.report.html as html

    monkeypatch.setattr(html, "_env", lambda: Environment(autoescape=False, keep_trailing_newline=True))
    out, results, pages = write(tmp_path)
    problems = inspect(browser, (out / pages[0]).as_uri(), interact=False)
    page, ctx = problems.pop("_page"), problems.pop("_ctx")
    try:
        csp_errors = [m for m in problems["console"] if "Content Security Policy" in m] + problems["violations"]
        assert csp_errors or problems["navigated"], "no CSP violation although markup from the text tried to run script"
        assert problems["dom"] or problems["navigated"], "no foreign element although markup came from the text"
        assert page.locator("#view-orig").count() == 0 or page.locator("#view-orig").text_content() != _normal(results[0].doc.text)
    finally:
        ctx.close()


def test_csp_is_strict_on_every_page(tmp_path):
    out, _results_, pages = write(tmp_path)
    import re

    for p in pages + ["index.html", "rules/index.html", "rules/XSS001.html"]:
        html = (out / p).read_text(encoding="utf-8")
        m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert m, p
        policy = m.group(1)
        assert policy.startswith("default-src 'none'")
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy
        assert re.search(r"script-src ('sha256-[A-Za-z0-9+/=]+'|'none')", policy)
        assert 'style="' not in html
        assert os.path.getsize(out / p) > 0


def test_run_summary_report_is_inert(browser, tmp_path, monkeypatch):
    """``qa report`` of the same hostile results: no dialog, script, request or CSP violation; the
    only SVG elements are the three plots qa draws, and the hostile ids are shown literally."""
    from qa.report.jsonl import dumps
    from qa.report.summary_report import write_report

    results, _plan = _results()
    src = tmp_path / "results.jsonl"
    src.write_text("".join(dumps(r) + "\n" for r in results), encoding="utf-8", errors="surrogatepass")
    write_report([src], tmp_path / "summary")
    monkeypatch.setattr(sys.modules[__name__], "_FORBIDDEN_TAGS", tuple(t for t in _FORBIDDEN_TAGS if t != "svg"))
    problems = inspect(browser, (tmp_path / "summary" / "report.html").as_uri(), interact=False)
    page, ctx = problems.pop("_page"), problems.pop("_ctx")
    try:
        _assert_clean(problems, "report.html")
        assert page.locator("svg").count() == 3
        assert page.locator("svg script, svg foreignObject, svg a").count() == 0
        body = page.locator("body").text_content()
        for p in PAYLOADS[:6]:
            if "\r" not in p and "\x00" not in p and p.strip():
                assert _normal(p) in body, f"id {p!r} not shown literally"
    finally:
        ctx.close()
