"""Rasa's stock starter bot (`rasa init`), the yardstick the bench and the load test measure us beside."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

from devtools.servers import HOST, VENV_BIN, Server, quiet_env

# The starter bot's own credentials.yml has socket.io commented out; the load test talks to it the way the
# widget talks to us, through Rasa's stock channels with the same settings as ours.
STOCK_CHANNELS = """rest:
socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""


def init_starter_bot(folder: Path) -> float:
    """Create and train the starter bot in folder; the seconds it took."""
    folder.mkdir(parents=True)  # `rasa init` wants the folder to exist
    started = time.perf_counter()
    subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)], cwd=folder.parent,
                   env=quiet_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    (folder / "credentials.yml").write_text(STOCK_CHANNELS)
    return seconds


def starter_server(folder: Path, port: int, log_dir: Path) -> Server:
    """The starter bot as `rasa run` starts it: its own defaults (conversations kept in memory)."""
    return Server("starter bot", [str(VENV_BIN / "rasa"), "run", "--interface", HOST, "--port", str(port)],
                  f"http://{HOST}:{port}/", log_dir / f"starter-{port}.log", cwd=folder)
