"""Write the Rasa server's endpoints file from the environment, so configuration, not code, picks the back ends.

- no settings: conversations in SQLite (var/conversations.db), no lock store (one server); either way the
  tracker store is rasa_plugins/tracker_store.py, whose sessions end after AHSCT_MAX_SESSION_TURNS messages;
- TRACKER_DB_URL=postgresql://user:password@host:5432/db: the SQL tracker store on PostgreSQL
  (TRACKER_DB_LOGIN_DB: an existing database to log in to when Rasa should create `db`);
- REDIS_URL=redis://[:password@]host:6379/0: the Redis lock store (rasa_plugins/lock_store.py), which several
  Rasa servers sharing one tracker store need so that two messages of one conversation are never handled
  at once (REDIS_KEY_PREFIX, default "ahsct", keeps this bot's locks apart);
- ACTIONS_URL: the action server (default http://127.0.0.1:5055/webhook).
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Dict, Mapping, Optional
from urllib.parse import unquote, urlsplit

import yaml

import settings

TRACKER_STORE = "rasa_plugins.tracker_store.BoundedSessionSQLTrackerStore"


def tracker_store(url: str, login_db: Optional[str], max_session_turns: int) -> Dict:
    return {"type": TRACKER_STORE, **database(url, login_db), "max_session_turns": max_session_turns}


def database(url: str, login_db: Optional[str] = None) -> Dict:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"dialect": "sqlite", "db": unquote(parts.path[1:] if url.startswith("sqlite:///") else parts.path)}
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"TRACKER_DB_URL must be a postgresql:// or sqlite:/// URL, not {parts.scheme}://")
    store = {
        "dialect": "postgresql", "url": parts.hostname or "127.0.0.1", "port": parts.port or 5432,
        "db": parts.path.lstrip("/") or "rasa", "username": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
    }
    if login_db:
        store["login_db"] = login_db  # Rasa logs in there and creates the database when it is missing
    return store


def lock_store(url: Optional[str], key_prefix: str) -> Optional[Dict]:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"REDIS_URL must be a redis:// URL, not {parts.scheme}://")
    store = {
        "type": "rasa_plugins.lock_store.AtomicRedisLockStore", "url": parts.hostname or "127.0.0.1", "port": parts.port or 6379,
        "db": int(parts.path.lstrip("/") or 0), "key_prefix": key_prefix, "use_ssl": parts.scheme == "rediss",
    }
    if parts.password:
        store["password"] = unquote(parts.password)
    return store


def endpoints(env: Mapping[str, str]) -> Dict:
    def setting(name: str):
        return settings.value(name, env)

    config = {
        "action_endpoint": {"url": setting("ACTIONS_URL")},
        "tracker_store": tracker_store(
            setting("TRACKER_DB_URL"), setting("TRACKER_DB_LOGIN_DB"), setting("AHSCT_MAX_SESSION_TURNS"),
        ),
    }
    locks = lock_store(setting("REDIS_URL"), setting("REDIS_KEY_PREFIX"))
    if locks:
        config["lock_store"] = locks
    return config


def write_endpoints(path: Path, env: Mapping[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Written from the environment by deploy/endpoints.py; do not edit.\n"
                    + yaml.safe_dump(endpoints(env), sort_keys=False))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    write_endpoints(parser.parse_args().out, os.environ)


if __name__ == "__main__":
    main()
