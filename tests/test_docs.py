"""docs/ARCHITECTURE.md stays one page and names only files and folders that exist."""
from __future__ import annotations

import re

from settings import PROJECT_ROOT

ARCHITECTURE = PROJECT_ROOT / "docs" / "ARCHITECTURE.md"
# A backticked name with a folder or a file extension: `actions/actions.py`, `config.yml`.
NAMED_PATH = re.compile(r"`([\w./-]+/[\w./-]*|[\w-]+\.(?:py|yml|md|js|html|json))`")
BUILT = ("build/", "models/", "var/")  # made by the set-up, absent from a clone
SOURCE_FOLDERS = ("actions", "content", "data", "deploy", "devtools", "docs", "editors", "nlp", "rasa_plugins",
                  "safety", "scripts", "web/channel.py", "web/site", "web/widget", "web/page_server.py")


def exists(name: str) -> bool:
    """A path from the project's root, or a file's bare name ("base.py" in a paragraph on its folder)."""
    if "/" in name:
        return name.startswith(BUILT) or (PROJECT_ROOT / name).exists()
    return any(path.name == name for folder in SOURCE_FOLDERS for path in (PROJECT_ROOT / folder).rglob("*")) or (
        PROJECT_ROOT / name).exists()


def test_the_architecture_page_is_one_page():
    assert len(ARCHITECTURE.read_text(encoding="utf-8").split()) <= 800


def test_every_path_the_architecture_page_names_exists():
    named = set(NAMED_PATH.findall(ARCHITECTURE.read_text(encoding="utf-8")))
    missing = sorted(name for name in named if not exists(name))
    assert missing == []
