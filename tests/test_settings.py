"""One settings module (settings.py): the README's table is its own, values are read when used, and no other
module reads the project's variables from the environment itself."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import settings
from deploy.endpoints import endpoints
from safety.rate_limit import rate_limit_from_environment

ROOT = settings.PROJECT_ROOT
PYTHON_SOURCES = [p for folder in ("actions", "editors", "deploy", "nlp", "rasa_plugins", "safety", "web", "devtools",
                                    "scripts") for p in (ROOT / folder).rglob("*.py")]


def test_the_readme_configuration_table_is_the_settings_table():
    assert settings.readme_table() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_module_reads_a_project_variable_from_the_environment_itself():
    names = {name for entry in settings.SETTINGS for name in entry.names}
    readers = [
        (path.relative_to(ROOT), name)
        for path in PYTHON_SOURCES
        for name in re.findall(r"environ(?:\.get)?[\(\[]\s*\"([A-Z0-9_]+)\"", path.read_text(encoding="utf-8"))
        if name in names
    ]
    assert readers == []


def test_values_are_read_when_used_not_at_import(monkeypatch):
    monkeypatch.setenv("AHSCT_RATE_LIMIT_MESSAGES", "3")
    assert rate_limit_from_environment().messages == 3
    monkeypatch.setenv("AHSCT_CORPUS_DIR", "/elsewhere/corpus")
    assert settings.path("AHSCT_CORPUS_DIR") == Path("/elsewhere/corpus")
    monkeypatch.delenv("AHSCT_CORPUS_DIR")
    assert settings.path("AHSCT_CORPUS_DIR") == ROOT / "data" / "corpus"


def test_the_endpoints_take_their_defaults_from_the_settings():
    config = endpoints({"AHSCT_MAX_SESSION_TURNS": "7"})
    assert config["action_endpoint"]["url"] == settings.default_of("ACTIONS_URL")
    assert config["tracker_store"]["max_session_turns"] == 7


def test_an_unknown_variable_is_refused():
    with pytest.raises(KeyError, match="not a setting"):
        settings.value("AHSCT_NO_SUCH_THING")
