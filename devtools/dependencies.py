"""Private Redis and PostgreSQL servers on free ports, for tests that kill them mid-conversation.

The machine's shared servers (settings.SHARED_POSTGRES, SHARED_REDIS) serve every test and must never be
stopped; these are started from the machine's own binaries (`redis-server`; PostgreSQL's `initdb` and
`pg_ctl`) in a scratch folder and can be killed and started again on the same port.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List, Optional

from devtools.servers import free_port
from settings import HOST

READY_TIMEOUT_S = 60
# PostgreSQL refuses to run as root: as root, its commands run as the system's `postgres` user.
POSTGRES_USER = "postgres"


class OwnRedis:
    """A Redis server that keeps nothing on disk, like the shared one."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> "OwnRedis":
        command = ["redis-server", "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly", "no"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(lambda: subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True).stdout.strip() == "PONG",
                   f"Redis on port {self.port}")
        return self

    def kill(self) -> None:
        """As a crash would: no shutdown, connections cut."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


class OwnPostgres:
    """A PostgreSQL cluster of its own (trust authentication, user `postgres`, a `test` database to log in to)."""

    def __init__(self):
        self.port = free_port()
        # Not under pytest's tmp_path: the `postgres` user must be able to reach its data folder.
        self.folder = Path(tempfile.mkdtemp(prefix="ahsct-postgres-"))
        self.data = self.folder / "data"
        self.log_path = self.folder / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.folder, POSTGRES_USER, POSTGRES_USER)
        self.run(["initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync"])

    @property
    def server(self) -> str:
        """Its address without a database, as devtools.servers.postgres_url takes it."""
        return f"postgresql://postgres@{HOST}:{self.port}"

    def run(self, command: List[str]) -> None:
        as_postgres = ["runuser", "-u", POSTGRES_USER, "--"] if os.geteuid() == 0 else []
        subprocess.run(as_postgres + command, check=True, capture_output=True, cwd=self.folder)

    def start(self) -> "OwnPostgres":
        options = f"-p {self.port} -c listen_addresses={HOST} -k {self.folder} -c fsync=off"
        self.run(["pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log_path), "-w", "start"])
        self.run(["psql", "-h", HOST, "-p", str(self.port), "-U", "postgres", "-tAc", "SELECT 1", "postgres"])
        return self

    def create_login_database(self) -> "OwnPostgres":
        self.run(["createdb", "-h", HOST, "-p", str(self.port), "-U", "postgres", "test"])
        return self

    def kill(self) -> None:
        """As a crash would: the server stops at once, without a checkpoint, cutting every connection."""
        self.run(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def remove(self) -> None:
        try:
            self.kill()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


def wait_until(ready, what: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} is not ready after {READY_TIMEOUT_S} s")
        time.sleep(0.2)
