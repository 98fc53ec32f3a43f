"""The local PostgreSQL server's scratch databases, one per test module, dropped afterwards."""
from __future__ import annotations

import uuid

import sqlalchemy

from settings import SHARED_POSTGRES


def scratch_database_name(purpose: str) -> str:
    return f"ahsct_{purpose}_{uuid.uuid4().hex[:8]}"


def drop_database(name: str) -> None:
    engine = sqlalchemy.create_engine(f"{SHARED_POSTGRES}/test", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
