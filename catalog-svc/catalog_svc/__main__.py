"""`python -m catalog_svc migrate` runs this service's migrations; `serve` starts it."""

import argparse

import uvicorn

from onevisit.migrations import upgrade_database
from catalog_svc.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="catalog_svc")
    parser.add_argument("command", choices=["migrate", "serve"])
    args = parser.parse_args()
    settings = Settings()
    if args.command == "migrate":
        upgrade_database("catalog_svc", settings.database_url, settings.database_schema)
        return
    uvicorn.run(
        "catalog_svc.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None
    )


if __name__ == "__main__":
    main()
