"""Shared fixtures: the knowledge base, and the real servers on free ports."""
from __future__ import annotations

import uuid

import pytest

from actions.knowledge.base import shared_knowledge_base
from devtools.chat import RestChat
from devtools.servers import HOST, action_server, free_port, rasa_server, write_endpoints

API_TOKEN = "test-token"


@pytest.fixture(scope="session")
def knowledge_base():
    return shared_knowledge_base()


class Stack:
    """The action server and the Rasa server, as `make run` starts them, on test ports and a test database."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.actions_port, self.rasa_port = free_port(), free_port()
        self.database = workdir / "conversations.db"
        endpoints = write_endpoints(workdir / "endpoints.yml", self.actions_port, self.database)
        self.actions = action_server(self.actions_port, workdir)
        self.rasa = rasa_server(self.rasa_port, endpoints, workdir, api_token=API_TOKEN)
        self.url = f"http://{HOST}:{self.rasa_port}"
        self.chat = RestChat(self.url)

    def start(self) -> "Stack":
        self.actions.start()
        self.rasa.start()
        return self

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()

    def tracker(self, sender: str) -> dict:
        import requests

        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    running = Stack(tmp_path_factory.mktemp("stack")).start()
    yield running
    running.stop()


@pytest.fixture
def chat(stack):
    return stack.chat


@pytest.fixture
def sender():
    """A fresh conversation for each test."""
    return f"test-{uuid.uuid4().hex[:12]}"
