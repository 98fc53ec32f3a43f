"""Visitor-facing sentences the servers send themselves, read from domain.yml, where editors keep every one."""
from __future__ import annotations

import yaml

import settings


def domain_response_text(response: str) -> str:
    domain = yaml.safe_load((settings.PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][response][0]["text"]
