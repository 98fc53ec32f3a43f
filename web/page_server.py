"""Serves the demo page (a fictional MS information site) with the chat widget, under a strict
Content-Security-Policy, on 127.0.0.1:8080 by default.

Only a fixed list of files is served: the page, its style sheet, the widget and the socket.io client
that `npm ci` installed. A real site copies web/widget/ and the socket.io client next to its own pages.
"""
from __future__ import annotations

import argparse
import html
import string
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, NamedTuple
from urllib.parse import urlsplit

from settings import HOST, RASA_PORT, WEB_PORT

WEB_DIR = Path(__file__).resolve().parent
DEFAULT_RASA_URL = f"http://{HOST}:{RASA_PORT}"


class StaticFile(NamedTuple):
    path: Path
    content_type: str


STATIC_FILES: Dict[str, StaticFile] = {
    "/site.css": StaticFile(WEB_DIR / "site" / "site.css", "text/css; charset=utf-8"),
    "/widget/widget.js": StaticFile(WEB_DIR / "widget" / "widget.js", "text/javascript; charset=utf-8"),
    "/widget/widget.css": StaticFile(WEB_DIR / "widget" / "widget.css", "text/css; charset=utf-8"),
    "/widget/vendor/socket.io.min.js": StaticFile(
        WEB_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js", "text/javascript; charset=utf-8"
    ),
}
PAGE_TEMPLATE = WEB_DIR / "site" / "index.html"


def websocket_origin(http_url: str) -> str:
    """The ws:// (or wss://) form of an http(s) origin: CSP treats the two schemes as different sources."""
    parts = urlsplit(http_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    """No inline script or style, nothing from another host except the bot's own server."""
    rasa_origin = "{0.scheme}://{0.netloc}".format(urlsplit(rasa_url))
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        f"connect-src 'self' {rasa_origin} {websocket_origin(rasa_url)}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])


def render_page(rasa_url: str) -> bytes:
    template = string.Template(PAGE_TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(rasa_url=html.escape(rasa_url, quote=True)).encode("utf-8")


class PageHandler(BaseHTTPRequestHandler):
    rasa_url = DEFAULT_RASA_URL
    server_version = "AHSCTGuideDemo"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        status = HTTPStatus.OK
        if path in ("/", "/index.html"):
            body, content_type = render_page(self.rasa_url), "text/html; charset=utf-8"
        elif path in STATIC_FILES and STATIC_FILES[path].path.is_file():
            static = STATIC_FILES[path]
            body, content_type = static.path.read_bytes(), static.content_type
        else:
            status, body, content_type = HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8"
        self.send_response(status)
        self._send_headers(body, content_type, send_body)

    def _send_headers(self, body: bytes, content_type: str, send_body: bool) -> None:
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
        pass  # The demo page's requests are not worth a log line each.


def make_server(host: str, port: int, rasa_url: str) -> ThreadingHTTPServer:
    handler = type("ConfiguredPageHandler", (PageHandler,), {"rasa_url": rasa_url})
    return ThreadingHTTPServer((host, port), handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, default=WEB_PORT)
    parser.add_argument("--rasa-url", default=DEFAULT_RASA_URL, help="where the widget finds the Rasa server")
    args = parser.parse_args()
    server = make_server(args.host, args.port, args.rasa_url)
    print(f"Demo page on http://{args.host}:{args.port}/ (bot at {args.rasa_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
