"""Alembic environment: online migrations only, batch mode so SQLite can alter tables."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from worker.store.db import make_engine
from worker.store.models import Base, UTCDateTime


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render the store's UTC timestamp as a plain timestamp: migrations import no model code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "sqlalchemy.url is set by worker.store.db.alembic_config"

engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
