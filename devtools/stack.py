"""The action server and the Rasa server, as `make run` starts them, on free ports and a scratch database."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator, Optional

import requests

from devtools.chat import RestChat
from settings import SHARED_POSTGRES
from devtools.servers import HOST, action_server, free_port, page_server, postgres_url, rasa_server, write_endpoints

API_TOKEN = "test-token"


class Stack:
    def __init__(
        self, workdir: Path, actions_env: Optional[dict] = None, postgres_db: Optional[str] = None,
        redis_url: Optional[str] = None, api_token: Optional[str] = API_TOKEN, rasa_env: Optional[dict] = None,
        postgres_server: str = SHARED_POSTGRES,
    ):
        self.workdir = workdir
        self.api_token = api_token
        self.actions_port, self.rasa_port, self.page_port = free_port(), free_port(), free_port()
        self.database = workdir / "conversations.db"
        self.endpoints = write_endpoints(
            workdir / "endpoints.yml", self.actions_port, self.database, postgres_db, redis_url, rasa_env, postgres_server)
        self.database_url = postgres_url(postgres_db, postgres_server) if postgres_db else f"sqlite:///{self.database}"
        self.actions = action_server(self.actions_port, workdir, env=actions_env)
        self.page_url = f"http://{HOST}:{self.page_port}"
        # The HTTP API is on, with a token, so tests can read a conversation's tracker (api_token=None: off,
        # as `make run` starts it).
        self.rasa = rasa_server(
            self.rasa_port, self.endpoints, workdir, api_token=api_token, cors_origins=self.page_url, env=rasa_env)
        self.url = f"http://{HOST}:{self.rasa_port}"
        self.page = page_server(self.page_port, self.url, workdir)
        self.chat = RestChat(self.url)

    def start(self) -> "Stack":
        self.actions.start()
        self.rasa.start()
        self.page.start()
        return self

    def stop(self) -> None:
        self.page.stop()
        self.rasa.stop()
        self.actions.stop()

    def tracker(self, sender: str) -> dict:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": self.api_token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def say_on_socketio(self, conversation_id: str, bot_events: list) -> None:
        """Append bot messages to a conversation and send them out on socket.io, as any bot reply is sent."""
        response = requests.post(
            f"{self.url}/conversations/{conversation_id}/tracker/events",
            params={"token": self.api_token, "output_channel": "socketio", "execute_side_effects": "true"},
            json=bot_events, timeout=30,
        )
        response.raise_for_status()


@contextlib.contextmanager
def running_stack(
    workdir: Path, actions_env: Optional[dict] = None, postgres_db: Optional[str] = None,
    redis_url: Optional[str] = None, api_token: Optional[str] = API_TOKEN, rasa_env: Optional[dict] = None,
    postgres_server: str = SHARED_POSTGRES,
) -> Iterator[Stack]:
    stack = Stack(workdir, actions_env, postgres_db, redis_url, api_token, rasa_env, postgres_server).start()
    try:
        yield stack
    finally:
        stack.stop()
