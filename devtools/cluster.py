"""`make run-cluster` (scripts/run.py --cluster: nginx, two Rasa servers, two action servers) on free ports
and a scratch PostgreSQL database, for the tests and the load test."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator

import psutil

from devtools.databases import drop_database, scratch_database_name
from devtools.servers import PROJECT_ROOT, VENV_BIN, free_port, postgres_url, quiet_env

PORT_NAMES = ("RASA_PORT", "ACTIONS_PORT", "RASA_PORT_1", "RASA_PORT_2", "ACTIONS_PORT_1", "ACTIONS_PORT_2", "WEB_PORT")
STARTUP_TIMEOUT_S = 400


@contextlib.contextmanager
def running_cluster(log: Path, **settings: str) -> Iterator[dict]:
    """Yields the ports and the script's process; settings are extra environment variables."""
    ports = {name: str(free_port()) for name in PORT_NAMES}
    database = scratch_database_name("nginx")
    env = quiet_env(**ports, TRACKER_DB_URL=postgres_url(database),
                    REDIS_KEY_PREFIX=f"cluster{uuid.uuid4().hex[:8]}", **settings)
    if "CORS_ORIGINS" not in settings:
        env.pop("CORS_ORIGINS", None)  # the script's default: the demo page on WEB_PORT
    with log.open("wb") as out:
        script = subprocess.Popen([str(VENV_BIN / "python"), "scripts/run.py", "--cluster"], cwd=PROJECT_ROOT, env=env,
                                  stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while "AHSCT Guide is running." not in log.read_text(errors="replace"):
            if script.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the cluster did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(1)
        yield dict(ports, process=psutil.Process(script.pid))
    finally:
        os.killpg(script.pid, signal.SIGTERM)
        script.wait(timeout=60)
        drop_database(database)
