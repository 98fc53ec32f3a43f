"""Debian's chromium driven by Playwright for Python, as the browser tests and the screenshots use it."""
from __future__ import annotations

from pathlib import Path
from typing import List
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium calls Google's hosts, which this network refuses.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def launch(playwright: Playwright, profile_dir: Path, **context_options) -> BrowserContext:
    """A fresh chromium with its own empty profile directory."""
    return playwright.chromium.launch_persistent_context(
        str(profile_dir), executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True, **context_options
    )


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
