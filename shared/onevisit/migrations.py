"""Alembic helpers shared by the services' migration environments.

Each service keeps its own alembic environment in `<package>/migrations`; this module runs it
programmatically (`upgrade_database`), gives env.py its async runner, and creates the platform
tables (outbox, processed messages, dead letters, idempotency records) in each first revision.
"""

import asyncio
from importlib import resources

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool
from sqlalchemy.ext.asyncio import create_async_engine

from onevisit.db import UTCDateTime, engine_options, is_sqlite


def alembic_config(package: str, url: str, schema: str | None = None) -> Config:
    config = Config()
    # `<package>.migrations`, not `<package>` + "/migrations": run from the repository root, the
    # project folder `gateway/` shadows the `gateway` package as a namespace package, while its
    # subpackages still resolve to the real files.
    config.set_main_option("script_location", str(resources.files(f"{package}.migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if schema:
        config.set_main_option("onevisit.schema", schema)
    return config


def upgrade_database(package: str, url: str, schema: str | None = None) -> None:
    """`alembic upgrade head` for one service. Synchronous: call it with asyncio.to_thread from async code."""
    command.upgrade(alembic_config(package, url, schema), "head")


def migration_heads(package: str) -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config(package, "sqlite://")).get_heads())


def run_migrations(target_metadata: MetaData) -> None:
    """The body of every service's env.py: online, async, batch mode on SQLite."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or ""
    schema = config.get_main_option("onevisit.schema") or None

    def do_run(connection: sa.Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=is_sqlite(url),
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool, **engine_options(url, schema))
        async with engine.connect() as connection:
            if schema and not is_sqlite(url):
                await connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
                await connection.commit()
            await connection.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run_async())


def create_platform_tables() -> None:
    """Create the tables every service has: outbox, processed messages, dead letters, idempotency."""
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_outbox_messages_created_at", "outbox_messages", ["created_at"])
    op.create_index("ix_outbox_messages_sent_at", "outbox_messages", ["sent_at"])
    op.create_table(
        "processed_messages",
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("message_key", sa.String(200), primary_key=True),
        sa.Column("processed_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("consumer", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("message_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("replayed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_dead_letters_consumer", "dead_letters", ["consumer"])
    op.create_table(
        "idempotency_records",
        sa.Column("scope", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
