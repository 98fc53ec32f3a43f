"""Start the real action server and Rasa server on free local ports, and stop them."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import requests

from deploy import endpoints as deploy_endpoints

from settings import HOST, MODEL_FILE, PROJECT_ROOT, SHARED_POSTGRES

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
STARTUP_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def quiet_env(**extra: str) -> dict:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", SANIC_HOST=HOST)
    env.update(extra)
    return env


@dataclass
class Server:
    name: str
    command: List[str]
    health_url: str
    log_path: Path
    cwd: Path = PROJECT_ROOT
    env: dict = field(default_factory=quiet_env)
    process: Optional[subprocess.Popen] = None

    def start(self) -> "Server":
        return self.launch().wait_until_healthy()

    def launch(self) -> "Server":
        """Start the process without waiting, so several servers can start at once (scripts/run.py)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_until_healthy(self) -> "Server":
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; log:\n{self.log_tail()}")
            try:
                if requests.get(self.health_url, timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {STARTUP_TIMEOUT_S}s; log:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def action_server(
    port: int, log_dir: Path, cwd: Path = PROJECT_ROOT, python: Path = VENV_BIN / "python", env: Optional[dict] = None
) -> Server:
    return Server(
        name="action server",
        command=[str(python), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        health_url=f"http://{HOST}:{port}/health",
        log_path=log_dir / f"actions-{port}.log",
        cwd=cwd,
        env=quiet_env(**(env or {})),
    )


def rasa_server(
    port: int,
    endpoints: Path,
    log_dir: Path,
    model: Path = MODEL_FILE,
    cwd: Path = PROJECT_ROOT,
    api_token: Optional[str] = None,
    cors_origins: str = "",
    env: Optional[dict] = None,
) -> Server:
    """cors_origins: the web page origins allowed to talk to the bot (REST CORS and socket.io origin check)."""
    command = [
        str(VENV_BIN / "rasa"), "run", "--model", str(model), "--interface", HOST, "--port", str(port),
        "--endpoints", str(endpoints), "--credentials", str(PROJECT_ROOT / "credentials.yml"),
    ]
    if api_token:
        command += ["--enable-api", "--auth-token", api_token]
    if cors_origins:
        command += ["--cors", *cors_origins.split()]
    env = quiet_env(CORS_ORIGINS=cors_origins, **(env or {}))
    return Server("Rasa server", command, f"http://{HOST}:{port}/", log_dir / f"rasa-{port}.log", cwd, env)


def page_server(port: int, rasa_url: str, log_dir: Path) -> Server:
    """The demo web page with the widget, as `make run` serves it."""
    return Server(
        name="demo page server",
        command=[str(VENV_BIN / "python"), "-m", "web.page_server", "--port", str(port), "--rasa-url", rasa_url],
        health_url=f"http://{HOST}:{port}/",
        log_path=log_dir / f"page-{port}.log",
    )


def write_endpoints(
    path: Path, actions_port: int, sqlite_db: Path, postgres_db: Optional[str] = None, redis_url: Optional[str] = None,
    rasa_env: Optional[dict] = None, postgres_server: str = SHARED_POSTGRES,
) -> Path:
    """The endpoints `make run` writes (deploy/endpoints.py), for a test action server and database: a SQLite
    file, or a PostgreSQL database on the local server, or another (which Rasa creates, logging in through `test`).
    `rasa_env` is the Rasa server's own environment: the endpoints read their settings from it too."""
    env = {**(rasa_env or {}), "ACTIONS_URL": f"http://{HOST}:{actions_port}/webhook", "TRACKER_DB_URL": f"sqlite:///{sqlite_db}"}
    if postgres_db:
        env.update(TRACKER_DB_URL=postgres_url(postgres_db, postgres_server), TRACKER_DB_LOGIN_DB="test")
    if redis_url:
        env.update(REDIS_URL=redis_url, REDIS_KEY_PREFIX="test" + "".join(c for c in path.parent.name if c.isalnum()))
    return deploy_endpoints.write_endpoints(path, env)


def postgres_url(database: str, server: str = SHARED_POSTGRES) -> str:
    return f"{server}/{database}"
