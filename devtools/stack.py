"""The action server and the Rasa server, as `make run` starts them, on free ports and a scratch database."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import requests

from devtools.chat import RestChat
from devtools.servers import HOST, action_server, free_port, rasa_server, write_endpoints

API_TOKEN = "test-token"


class Stack:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.actions_port, self.rasa_port = free_port(), free_port()
        self.database = workdir / "conversations.db"
        endpoints = write_endpoints(workdir / "endpoints.yml", self.actions_port, self.database)
        self.actions = action_server(self.actions_port, workdir)
        # The HTTP API is on, with a token, so tests can read a conversation's tracker.
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
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=30)
        response.raise_for_status()
        return response.json()


@contextlib.contextmanager
def running_stack(workdir: Path) -> Iterator[Stack]:
    stack = Stack(workdir).start()
    try:
        yield stack
    finally:
        stack.stop()
