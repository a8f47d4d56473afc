"""`qa review` in real headless Chromium: decisions clicked in the page land in the project
decisions file and survive a reload; "ignore all similar" reaches every document; keyboard
review; the XSS corpus stays inert when served."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_reports_inert as inert  # noqa: E402

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = "Contact us.The office opens at nine.\n"


class Review:
    """`qa review ... --no-browser` as a user runs it, in a child process."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), QA_NO_CACHE="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "qa", "review", *args, "--no-browser", "--jobs", "1",
                                      "--isolated"], cwd=cwd, env=env, stderr=subprocess.PIPE, text=True)
        self.url = ""
        deadline = time.time() + 120
        lines = []
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "open http://" in line:
                self.url = line.split("open ", 1)[1].split()[0]
                break
        assert self.url, "".join(lines)
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)

    def page_url(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + name


def _corpus(tmp_path: Path, n: int = 3) -> Path:
    src = tmp_path / "corpus"
    src.mkdir()
    for i in range(n):
        (src / f"story{i}.txt").write_text(
            f"Story {i} begins here and the weather was fine. " + TEMPLATE
            + "The talks between the council and the union stalled over the demand of the first to see the budget.\n"
            + f"Prices rose by {i + 2}\u00a0%, then fell.\n", encoding="utf-8")
    return src


def _decisions(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["decisions"] if path.exists() else []


def _wait_for(cond, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_two_decisions_are_kept_in_the_file_and_after_a_reload(browser, tmp_path):
    _corpus(tmp_path, 1)
    dec = tmp_path / "qa-decisions.json"
    rv = Review(["corpus", "--decisions", str(dec), "--reviewer", "ana"], tmp_path)
    try:
        page = browser.new_page()
        _open(page, rv, "story0.txt.html")
        cards = page.locator("ol.findings li")
        assert cards.count() >= 2
        first, second = cards.nth(0), cards.nth(1)
        k1, k2 = first.get_attribute("data-key"), second.get_attribute("data-key")
        second.locator("button[data-act=accept]").click()
        first.locator("button[data-act=dismiss]").click()
        assert _wait_for(lambda: len(_decisions(dec)) == 2)
        rows = {d["fingerprint"]: d for d in _decisions(dec)}
        assert rows[k1]["decision"] == "dismiss" and rows[k2]["decision"] == "accept"
        assert rows[k1]["reviewer"] == "ana" and rows[k1]["path"] == "corpus/story0.txt"
        page.reload()
        page.wait_for_selector("#mode:has-text('every click is saved')")
        # the dismissed card is hidden but counted, with a way to show and undo it
        assert page.locator(f"li[data-key='{k1}']").is_hidden()
        assert page.locator("#dismissed-note").inner_text().startswith("1 dismissed")
        assert page.locator(f"li[data-key='{k2}'] button[data-act=accept]").get_attribute("aria-pressed") == "true"
        page.locator("#show-dismissed").click()
        page.locator(f"li[data-key='{k1}'] button[data-act=undo]").click()
        assert _wait_for(lambda: [d["fingerprint"] for d in _decisions(dec)] == [k2])
        from playwright.sync_api import expect

        expect(page.locator("#dismissed-note")).to_be_hidden()
        # the index counts the reviewed findings and filters the files still open
        n = cards.count()
        page.goto(rv.url)
        page.wait_for_selector("#progress:has-text('reviewed 1 /')")
        assert page.locator("#progress").inner_text() == f"reviewed 1 / {n}"
        page.select_option("#f-review", "open")
        assert page.locator("#files tbody tr:not([hidden])").count() == 1
        page.select_option("#f-review", "done")
        assert page.locator("#files tbody tr:not([hidden])").count() == 0
        # qa check reads the same file
        res = _check_with_baseline(dec, tmp_path)
        assert res.returncode == 0 and "0 dismissed" not in res.stderr
        page.close()
    finally:
        rv.close()


def _open(page, rv, name: str) -> None:
    """Open a served page and wait until it has loaded the decisions file."""
    page.goto(rv.page_url(name))
    page.wait_for_selector("#mode:has-text('every click is saved')")


def _check_with_baseline(dec, cwd):
    return subprocess.run([sys.executable, "-m", "qa", "check", "corpus", "--baseline", str(dec), "--isolated",
                           "--no-cache", "--fail-on", "never"], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_ignore_all_similar_reaches_three_files(browser, tmp_path):
    _corpus(tmp_path, 3)
    dec = tmp_path / "qa-decisions.json"
    rv = Review(["corpus", "--decisions", str(dec)], tmp_path)
    try:
        page = browser.new_page()
        _open(page, rv, "story0.txt.html")
        card = page.locator("li[data-rule=PUN002]").first
        card.locator("button[data-act=similar]").click()
        assert _wait_for(lambda: len(_decisions(dec)) == 1)
        [row] = _decisions(dec)
        assert row["rule"] == "PUN002" and "similar" in row and "fingerprint" not in row
        for i in range(3):  # every page hides it now
            _open(page, rv, f"story{i}.txt.html")
            assert page.locator("li[data-rule=PUN002]").count() == 1
            assert page.locator("li[data-rule=PUN002]").is_hidden()
            assert page.locator("#dismissed-count").inner_text() == "1"
        res = _check_with_baseline(dec, tmp_path)
        assert "3 dismissed" in res.stderr and "PUN002" not in res.stdout
        page.close()
    finally:
        rv.close()


def test_keyboard_review(browser, tmp_path):
    _corpus(tmp_path, 1)
    dec = tmp_path / "qa-decisions.json"
    rv = Review(["corpus", "--decisions", str(dec)], tmp_path)
    try:
        page = browser.new_page()
        _open(page, rv, "story0.txt.html")
        keys = page.eval_on_selector_all("ol.findings li", "els => els.map(e => e.dataset.key)")
        page.keyboard.press("j")
        assert page.evaluate("document.activeElement.dataset.key") == keys[0]
        page.keyboard.press("j")
        page.keyboard.press("k")
        assert page.evaluate("document.activeElement.dataset.key") == keys[0]
        page.keyboard.press("a")
        assert _wait_for(lambda: [(d["fingerprint"], d["decision"]) for d in _decisions(dec)] == [(keys[0], "accept")])
        page.keyboard.press("u")
        assert _wait_for(lambda: _decisions(dec) == [])
        page.keyboard.press("j")
        assert page.evaluate("document.activeElement.dataset.key") == keys[1]
        page.keyboard.press("d")
        assert _wait_for(lambda: [(d["fingerprint"], d["decision"]) for d in _decisions(dec)] == [(keys[1], "dismiss")])
        from playwright.sync_api import expect

        expect(page.locator(f"li[data-key='{keys[1]}']")).to_be_hidden()
        page.close()
    finally:
        rv.close()


def test_xss_corpus_is_inert_when_served(browser, tmp_path):
    from qa.review import DecisionStore, ReviewServer

    out, results, pages = inert.write(tmp_path)
    store = DecisionStore(tmp_path / "qa-decisions.json", "ana", results)
    server = ReviewServer(out, store)
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    base = server.url.rsplit("/", 1)[0] + "/"
    try:
        by_page = dict(zip(pages, results))
        for name in list(pages) + ["index.html", "rules/index.html", "rules/XSS001.html"]:
            problems = inert.inspect(browser, base + name)
            page, ctx = problems.pop("_page"), problems.pop("_ctx")
            try:
                # the page talks to its own server (decisions), and to nothing else
                problems["requests"] = [u for u in problems["requests"] if not u.startswith(base)]
                inert._assert_clean(problems, name)
                r = by_page.get(name)
                if r is not None and r.doc is not None:
                    assert page.locator("#view-orig").text_content() == inert._normal(r.doc.text)
                    assert "saved" in page.locator("#mode").inner_text()
            finally:
                ctx.close()
        assert _decisions(tmp_path / "qa-decisions.json")  # the clicks of inspect() were stored
    finally:
        server.shutdown()
        server.server_close()


def test_static_report_with_decisions_hides_and_counts_dismissed(browser, tmp_path):
    """`qa check --html --baseline qa-decisions.json`: the dismissed finding is on its page,
    hidden and counted, can be shown and reopened; the file report exports the same format."""
    from qa.baseline import result_fingerprints
    from qa.config import Settings
    from qa.engine import make_plan
    from qa.runner.pipeline import run_records
    from qa.readers import make_document
    from qa.review import DecisionStore

    src = _corpus(tmp_path, 1)
    text = (src / "story0.txt").read_text(encoding="utf-8")
    results = list(run_records([make_document(text, path="corpus/story0.txt", doc_id="story0.txt")], make_plan(Settings())))
    fps = result_fingerprints(results[0])
    dec = tmp_path / "qa-decisions.json"
    import os as _os

    cwd = _os.getcwd()
    _os.chdir(tmp_path)
    try:
        DecisionStore(dec, "ana", results).decide("dismiss", fingerprint=fps[0])
    finally:
        _os.chdir(cwd)
    res = subprocess.run([sys.executable, "-m", "qa", "check", "corpus", "--html", "out", "--baseline", str(dec),
                          "--isolated", "--no-cache", "--fail-on", "never"], cwd=tmp_path, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert res.returncode == 0, res.stderr
    assert "1 dismissed" in res.stderr
    ctx = browser.new_context(accept_downloads=True)
    page = ctx.new_page()
    page.goto((tmp_path / "out" / "story0.txt.html").as_uri())
    card = page.locator(f"li[data-key='{fps[0]}']")
    assert card.count() == 1 and card.is_hidden()
    assert page.locator("#dismissed-note").inner_text().startswith("1 dismissed")
    page.locator("#show-dismissed").click()
    assert card.is_visible() and "dismissed" in card.get_attribute("class")
    card.locator("button[data-act=undo]").click()
    assert "dismissed" not in card.get_attribute("class")
    page.locator(f"li[data-key='{fps[1]}'] button[data-act=accept]").click()
    with page.expect_download() as dl:
        page.locator("#export").click()
    exported = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert exported["version"] == 2
    assert [(d["fingerprint"], d["decision"], d["path"]) for d in exported["decisions"]] == [(fps[1], "accept", "corpus/story0.txt")]
    ctx.close()
