"""Alembic environment: runs on the connection `assessment.storage.schema` hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from assessment.storage.database import make_engine
from assessment.storage.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with make_engine(context.config.get_main_option("sqlalchemy.url")).begin() as conn:
        _run(conn)
