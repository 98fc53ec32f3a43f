"""The load test's scenario (loadtest/locustfile.py) run briefly by Locust against the real servers: its
visitors hold whole conversations over REST and socket.io, and a bot that cannot answer shows as errors."""
from __future__ import annotations

from scripts.loadtest import MESSAGE_NAMES, REQUEST_NAMES, run_locust


def test_visitors_hold_conversations_over_rest_and_socketio_without_errors(stack, tmp_path):
    figures = run_locust(stack.url, tmp_path / "locust", users=4, seconds=20, origin=stack.page_url, think_s="0.2,0.5")

    for name in REQUEST_NAMES:
        assert figures[name]["requests"] > 0, figures
        assert figures[name]["errors"] == 0, figures["error_kinds"]
    assert figures["error_kinds"] == []


def test_a_bot_that_cannot_look_things_up_counts_as_errors(stack, tmp_path):
    stack.actions.stop()
    try:
        figures = run_locust(stack.url, tmp_path / "locust", users=2, seconds=8, origin=stack.page_url,
                             think_s="0.2,0.5")
    finally:
        stack.actions.start()

    assert all(figures[name]["errors"] > 0 for name in MESSAGE_NAMES), figures
    assert any("could not look it up" in kind for kind in figures["error_kinds"]), figures["error_kinds"]


def test_a_page_from_another_origin_cannot_open_a_conversation(stack, tmp_path):
    figures = run_locust(stack.url, tmp_path / "locust", users=2, seconds=5, origin="https://elsewhere.example",
                         think_s="0.2,0.5")

    assert figures["socket.io connect"]["errors"] == figures["socket.io connect"]["requests"] > 0
