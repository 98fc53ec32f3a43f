"""The demo page server and the Rasa server's cross-origin rules, over real HTTP and socket.io."""
from __future__ import annotations

import queue

import pytest
import requests
import socketio

from web.channel import allowed_origins, origin_is_allowed
from web.page_server import content_security_policy

OTHER_SITE = "http://127.0.0.1:1"  # a different origin: same host, another port


def test_page_is_served_with_a_strict_content_security_policy(stack):
    response = requests.get(stack.page_url + "/", timeout=10)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert f"connect-src 'self' {stack.url} {stack.url.replace('http', 'ws')}" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert f'<script src="/widget/widget.js" data-server="{stack.url}" defer></script>' in response.text
    assert "<script>" not in response.text  # nothing inline


@pytest.mark.parametrize("path", ["/widget/widget.js", "/widget/widget.css", "/widget/vendor/socket.io.min.js", "/site.css"])
def test_widget_files_are_served_from_our_own_server(stack, path):
    response = requests.get(stack.page_url + path, timeout=10)
    assert response.status_code == 200 and response.content


@pytest.mark.parametrize("path", ["/../domain.yml", "/web/page_server.py", "/node_modules/axe-core/axe.min.js", "/nope"])
def test_nothing_else_is_served(stack, path):
    assert requests.get(stack.page_url + path, timeout=10).status_code == 404


def test_policy_names_the_configured_bot_address_for_http_and_websocket():
    policy = content_security_policy("https://bot.example.org")
    assert "connect-src 'self' https://bot.example.org wss://bot.example.org" in policy


def test_rest_channel_allows_the_page_origin_only(stack):
    webhook = f"{stack.url}/webhooks/rest/webhook"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = requests.options(webhook, headers={"Origin": stack.page_url, **preflight}, timeout=10)
    refused = requests.options(webhook, headers={"Origin": OTHER_SITE, **preflight}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == stack.page_url
    assert "Access-Control-Allow-Origin" not in refused.headers


def socketio_client_from(origin: str, url: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(url, headers={"Origin": origin}, transports=["polling"], wait_timeout=10)
    return client


def test_socketio_accepts_the_page_origin_and_confirms_the_session(stack):
    confirmed = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("session_confirm", confirmed.put)
    client.connect(stack.url, headers={"Origin": stack.page_url}, transports=["polling"], wait_timeout=10)
    try:
        client.emit("session_request", {"session_id": "origin-check-session"})
        assert confirmed.get(timeout=10) == "origin-check-session"
    finally:
        client.disconnect()


def test_socketio_refuses_a_page_from_another_origin(stack):
    with pytest.raises(socketio.exceptions.ConnectionError):
        socketio_client_from(OTHER_SITE, stack.url)


@pytest.mark.parametrize(
    "configured, origin, allowed",
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080", True),
        ("http://127.0.0.1:8080", "http://evil.example", False),
        ("https://a.org, https://b.org/", "https://b.org", True),
        ("https://a.org", None, True),  # not a browser: CORS does not apply
    ],
)
def test_origin_rule(monkeypatch, configured, origin, allowed):
    monkeypatch.setenv("CORS_ORIGINS", configured)
    environ = {} if origin is None else {"HTTP_ORIGIN": origin}
    assert origin_is_allowed(environ, allowed_origins()) is allowed
