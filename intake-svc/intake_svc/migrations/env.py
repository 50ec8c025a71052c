"""Alembic environment of intake-svc: async, one schema of its own on PostgreSQL."""

import intake_svc.models  # noqa: F401 - registers this service's tables on the metadata
from onevisit.db import Base
from onevisit.migrations import run_migrations

run_migrations(Base.metadata)
