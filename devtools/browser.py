"""Debian's chromium driven by Playwright for Python, as the browser tests and the screenshots use it."""
from __future__ import annotations

from pathlib import Path
from typing import List
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Playwright, expect

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium calls Google's hosts, which this network refuses.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
BOT_MESSAGES = ".ahsct-msg--bot"
# Replies of one turn arrive one after another: they are all in once none has come for this long.
SETTLE_MS = 700
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def launch(playwright: Playwright, profile_dir: Path, **context_options) -> BrowserContext:
    """A fresh chromium with its own empty profile directory."""
    return playwright.chromium.launch_persistent_context(
        str(profile_dir), executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True, **context_options
    )


def settled_bot_messages(page: Page, before: int, timeout_ms: float) -> int:
    """How many bot messages the widget shows once more than `before` have arrived and no more are coming.
    (Playwright's expect, not wait_for_function: the page's CSP forbids evaluating strings.)"""
    bot = page.locator(BOT_MESSAGES)
    expect(bot).not_to_have_count(before, timeout=timeout_ms)
    count = -1
    while count != bot.count():
        count = bot.count()
        page.wait_for_timeout(SETTLE_MS)
    return count


class NetworkLog:
    """Every address the browser asked for, and a gate that blocks any host but 127.0.0.1."""

    def __init__(self, context: BrowserContext):
        self.urls: List[str] = []
        context.on("request", lambda request: self.urls.append(request.url))
        context.route("**/*", self._only_local)

    def _only_local(self, route) -> None:
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            route.abort()

    def watch_websockets(self, page: Page) -> None:
        page.on("websocket", lambda websocket: self.urls.append(websocket.url))

    def outside_requests(self) -> List[str]:
        return [url for url in self.urls if urlsplit(url).hostname != LOCAL_HOST]
