"""Every path, environment variable, default and limit of the project, in one place.

Code reads a value when it uses it (`settings.value("AHSCT_CORPUS_DIR")`), never at import, so a test or a
deployment that sets a variable is always seen. The README's configuration table is printed from here
(`python settings.py`) and a test checks that the README holds exactly that table.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple, Union

PROJECT_ROOT = Path(__file__).resolve().parent
HOST = "127.0.0.1"
RASA_PORT, ACTIONS_PORT, WEB_PORT = 5005, 5055, 8080
# The trained model (the Makefile's MODEL), and the entity patterns the spaCy pipeline and the guard share.
MODEL_FILE = PROJECT_ROOT / "models" / "ahsct.tar.gz"
ENTITY_PATTERNS_FILE = PROJECT_ROOT / "nlp" / "entity_patterns.yml"

# Limits at the door (web/channel.py, safety/visitor_input.py). A visitor's message is cut at 1,200
# characters; its JSON, even with every character escaped, with the sender id and a rating's metadata,
# stays far below the body limit, so a bigger body is refused (413) before it is read.
MAX_KEPT_CHARACTERS = 1200
MAX_REQUEST_BYTES = 32 * 1024
MAX_SENDER_ID_LENGTH = 128

# The machine's shared servers that tests and the cluster use (never stopped by the project).
SHARED_POSTGRES = f"postgresql://postgres@{HOST}:5432"
SHARED_REDIS = f"redis://{HOST}:6379/0"

# The metadata key of a session the tracker store started mid-conversation (rasa_plugins/tracker_store.py):
# the actions do not greet it as a new visit.
RENEWED_SESSION = "renewed_after_turns"

Value = Union[str, int, float, Path]


@dataclass(frozen=True)
class Setting:
    names: Tuple[str, ...]
    default: str
    means: str
    kind: type = str
    # Shown in the README instead of the default, when the default is not a plain value.
    shown_default: str = ""

    def readme_default(self) -> str:
        return self.shown_default or ", ".join(f"`{d}`" if self.kind in (str, Path) and d else d for d in self.default.split("|"))


SETTINGS: Tuple[Setting, ...] = (
    Setting(("RASA_PORT", "ACTIONS_PORT", "WEB_PORT"), f"{RASA_PORT}|{ACTIONS_PORT}|{WEB_PORT}",
            f"ports of `make run` (always on {HOST})", int),
    Setting(("RASA_PORT_1", "RASA_PORT_2", "ACTIONS_PORT_1", "ACTIONS_PORT_2"), "5101|5102|5151|5152",
            "`make run-cluster`: the two Rasa and two action servers behind nginx, which listens on `RASA_PORT` "
            "and `ACTIONS_PORT`", int),
    Setting(("AHSCT_CLUSTER_RATE", "AHSCT_CLUSTER_BURST", "AHSCT_CLUSTER_CONNECTIONS"), "5|20|20",
            "`make run-cluster`: the requests a second one client address may send through nginx, the burst it may "
            "send at once, and the connections it may hold; beyond them nginx answers 429 with the `utter_slow_down` "
            "reply (the load test, whose visitors all come from 127.0.0.1, raises them)", int),
    Setting(("ENDPOINTS",), "", "a hand-written endpoints file instead", Path,
            shown_default="(written from the variables below)"),
    Setting(("TRACKER_DB_URL",), "sqlite:///var/conversations.db",
            "where conversations are kept: `postgresql://user:password@host:5432/db` for PostgreSQL; "
            "`make report` reads the same; `make run-cluster` defaults to `postgresql://postgres@127.0.0.1:5432/ahsct` "
            "(logging in through `TRACKER_DB_LOGIN_DB`, there `test`) and `REDIS_URL` to `redis://127.0.0.1:6379/0`"),
    Setting(("TRACKER_DB_LOGIN_DB",), "", "an existing PostgreSQL database to log in to when Rasa should create "
            "the tracker's database", shown_default="(none)"),
    Setting(("AHSCT_MAX_SESSION_TURNS",), "20", "visitor messages after which a conversation silently starts a "
            "new session, keeping its slots, so a turn's cost does not grow with the conversation "
            "(`rasa_plugins/tracker_store.py`)", int),
    Setting(("REDIS_URL", "REDIS_KEY_PREFIX"), "|ahsct",
            "the Redis lock store, needed as soon as more than one Rasa server shares the tracker store",
            shown_default="(none), `ahsct`"),
    Setting(("ACTIONS_URL",), f"http://{HOST}:{ACTIONS_PORT}/webhook", "the action server (or the load balancer "
            "in front of several)", shown_default="`http://127.0.0.1:$ACTIONS_PORT/webhook`"),
    Setting(("RASA_API_TOKEN",), "", "turns Rasa's HTTP API on, with this token", shown_default="(none: API off)"),
    Setting(("CORS_ORIGINS",), f"http://{HOST}:{WEB_PORT}", "the web pages (origins, space-separated) allowed to "
            "talk to the Rasa server, over REST and socket.io", shown_default="`http://127.0.0.1:$WEB_PORT`"),
    Setting(("AHSCT_CORPUS_DIR",), "data/corpus", "the corpus folder `make ingest` checks", Path),
    Setting(("AHSCT_CORPUS_SNAPSHOT",), "build/corpus/corpus.json", "the published corpus the action servers "
            "answer from (reloaded when it changes)", Path),
    Setting(("AHSCT_REVIEW_AGE_DAYS",), "730", "documents reviewed longer ago than this are flagged by "
            "`make ingest`", int),
    Setting(("AHSCT_SPACY_PIPELINE",), "build/spacy/ahsct_pipeline", "the spaCy pipeline the actions use", Path),
    Setting(("AHSCT_EMBEDDING_MODEL",), "build/minilm", "the sentence-embedding model the actions use (checked by "
            "hash when loaded)", Path),
    Setting(("AHSCT_TOPICS_FILE", "AHSCT_RETRIEVAL_FILE", "AHSCT_CONTEXT_FILE"),
            "content/topics.yml|content/retrieval.yml|content/context.yml",
            "the content policy, retrieval thresholds and context words editors keep", Path),
    Setting(("AHSCT_RATE_LIMIT_MESSAGES", "AHSCT_RATE_LIMIT_SECONDS"), "10|10",
            "a conversation sending more messages than this in this many seconds gets the kind `utter_slow_down` "
            "reply, without NLU (`safety/rate_limit.py`; per Rasa server)", float),
    Setting(("AHSCT_SOURCES_DIR",), "../shared/sources", "the source documents the corpus is written from; the "
            "corpus tests check that every fact of their FACTS files is reachable", Path),
    Setting(("PYTHON310",), "", "a Python 3.10 interpreter to use", shown_default="(found)"),
)


def setting(name: str) -> Setting:
    for candidate in SETTINGS:
        if name in candidate.names:
            return candidate
    raise KeyError(f"{name} is not a setting of this project (settings.py)")


def default_of(name: str) -> str:
    entry = setting(name)
    defaults = entry.default.split("|")
    return defaults[entry.names.index(name)] if len(defaults) > 1 else defaults[0]


def default_path(name: str) -> Path:
    """Where the project keeps it when no variable says otherwise."""
    return PROJECT_ROOT / default_of(name)


def value(name: str, environ: Optional[Mapping[str, str]] = None) -> Optional[Value]:
    """The variable's value from the environment, else its default; paths are relative to the project root."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name) or default_of(name)
    if not raw:
        return None
    kind = setting(name).kind
    if kind is Path:
        return PROJECT_ROOT / raw  # an absolute path stays as it is
    return kind(raw)


def path(name: str) -> Path:
    found = value(name)
    assert isinstance(found, Path), name
    return found


def readme_table() -> str:
    rows = ["| variable | default | for |", "|---|---|---|"]
    for entry in SETTINGS:
        rows.append(f"| {', '.join(f'`{n}`' for n in entry.names)} | {entry.readme_default()} | {entry.means} |")
    return "\n".join(rows)


def write_readme_table(readme: Path = PROJECT_ROOT / "README.md") -> None:
    """Replace the README's configuration table (the lines from its header row to the first non-table line)."""
    lines = readme.read_text(encoding="utf-8").split("\n")
    start = lines.index(readme_table().split("\n")[0])
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    lines[start:end] = readme_table().split("\n")
    readme.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    # `python settings.py` prints the table; `python settings.py --write-readme` puts it in the README.
    import sys

    write_readme_table() if "--write-readme" in sys.argv else print(readme_table())
