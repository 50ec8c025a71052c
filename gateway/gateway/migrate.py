"""`alembic upgrade head` for the gateway.

onevisit.migrations finds a package's migrations with importlib.resources; run from the
repository root, `gateway` there resolves to the namespace folder `./gateway` (the project
folder, not the package), so the script location is taken from this file instead."""

from pathlib import Path

from alembic import command

from onevisit.migrations import alembic_config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(url: str, schema: str | None = None) -> None:
    """Synchronous: call it with asyncio.to_thread from async code."""
    config = alembic_config("gateway.migrations", url, schema)
    config.set_main_option("script_location", str(MIGRATIONS))
    command.upgrade(config, "head")
