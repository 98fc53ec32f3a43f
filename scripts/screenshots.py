"""Take the README's pictures of the widget (desktop and a 360 px phone) against the real servers.

Run by `make screenshots`; writes docs/screenshots/widget-desktop.png and widget-360px.png.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.browser import BOT_MESSAGES, DESKTOP, PHONE, launch, settled_bot_messages  # noqa: E402
from devtools.stack import running_stack  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
QUESTION = "Is any stem cell therapy approved for MS?"
# The first answer loads the action server's models: allow it time.
REPLY_TIMEOUT_MS = 90_000


def capture(driver, page_url: str, viewport: dict, path: Path, workdir: Path) -> None:
    context = launch(driver, workdir / path.stem, viewport=viewport)
    try:
        page = context.new_page()
        page.goto(page_url)
        page.locator(".ahsct-launcher").click()
        welcome = settled_bot_messages(page, 0, REPLY_TIMEOUT_MS)
        page.locator("#ahsct-input").fill(QUESTION)
        page.keyboard.press("Enter")
        replies = settled_bot_messages(page, welcome, REPLY_TIMEOUT_MS)
        if not page.locator(".ahsct-msg__source").count():
            raise SystemExit(f"the answer to {QUESTION!r} names no source: {page.locator(BOT_MESSAGES).all_inner_texts()[welcome - 1:]}")
        print(f"{replies - welcome} messages in the answer")
        page.screenshot(path=str(path))
        print(f"wrote {path.relative_to(ROOT)}")
    finally:
        context.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, running_stack(Path(scratch)) as stack, sync_playwright() as driver:
        capture(driver, stack.page_url, DESKTOP, OUT / "widget-desktop.png", Path(scratch))
        capture(driver, stack.page_url, PHONE, OUT / "widget-360px.png", Path(scratch))


if __name__ == "__main__":
    main()
