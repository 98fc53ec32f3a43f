"""Shared fixtures: the knowledge base, and the real servers on free ports."""
from __future__ import annotations

import uuid

import pytest

from actions.knowledge.base import shared_knowledge_base
from devtools.stack import running_stack


# Fixtures that start real servers: a test using one (directly or through another fixture) is end to end.
SERVER_FIXTURES = {"stack", "cluster", "editors_stack", "playwright_driver", "limited_stack", "short_sessions",
                  "redis_stack", "postgres_stack"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SERVER_FIXTURES.intersection(item.fixturenames):
            item.add_marker(pytest.mark.servers)


@pytest.fixture(scope="session")
def knowledge_base():
    return shared_knowledge_base()


# The shared stack lets the hostile-input test send its 220 messages on one conversation at full speed, so
# each reaches NLU; tests/test_request_limits.py starts a stack of its own with the default rate limit.
UNLIMITED = {"AHSCT_RATE_LIMIT_MESSAGES": "100000"}


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    # A token of its own, not the default: reading trackers proves the stack uses the token it was given.
    with running_stack(tmp_path_factory.mktemp("stack"), rasa_env=UNLIMITED, api_token=f"shared-{uuid.uuid4().hex}") as running:
        yield running


@pytest.fixture
def chat(stack):
    return stack.chat


@pytest.fixture
def sender():
    """A fresh conversation for each test."""
    return f"test-{uuid.uuid4().hex[:12]}"
