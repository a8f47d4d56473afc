"""Make the README screenshots with headless Chromium: the index of samples/ (desktop and phone)
and a document page served by `qa review` with one finding accepted and one dismissed.

    python docs/make_screenshots.py [--chromium /usr/bin/chromium]   # writes docs/img/*.png
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--out", default=str(ROOT / "docs" / "img"))
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from qa.config import Settings
    from qa.engine import make_plan
    from qa.readers import read_all
    from qa.runner.pipeline import run_records
    from qa.clean import cleaned_texts
    from qa.report.html import write_reports
    from qa.review import DecisionStore, ReviewServer

    import os

    os.chdir(ROOT)  # pages name the documents as given: samples/...
    samples = "samples"
    plan = make_plan(Settings())
    results = list(run_records(read_all([samples], "text", "id"), plan))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report"
        pages = write_reports(results, report, [samples], plan.rules, cleaned=cleaned_texts(results, plan))
        store = DecisionStore(Path(tmp) / "qa-decisions.json", "reviewer", results)
        server = ReviewServer(report, store)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = server.url.rsplit("/", 1)[0] + "/"
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=args.chromium, headless=True, args=["--no-sandbox"])
            page = b.new_page(viewport={"width": 1280, "height": 720})
            page.goto(base + "index.html")
            page.wait_for_selector("#progress")
            page.screenshot(path=str(out / "index-desktop.png"))
            phone = b.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
            phone.goto(base + "index.html")
            phone.screenshot(path=str(out / "index-phone.png"))
            page.goto(base + pages[0])
            page.wait_for_selector("#mode:has-text('every click is saved')")
            cards = page.locator("ol.findings li")
            cards.nth(1).locator("button[data-act=accept]").click()
            cards.nth(0).locator("button[data-act=dismiss]").click()
            page.wait_for_selector("#dismissed-note:not([hidden])")
            page.keyboard.press("j")
            page.screenshot(path=str(out / "page-review.png"))
            b.close()
        server.shutdown()
        server.server_close()
    for name in ("index-desktop.png", "index-phone.png", "page-review.png"):
        print(out / name)


if __name__ == "__main__":
    main()
