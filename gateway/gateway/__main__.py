"""`python -m gateway migrate` runs this service's migrations; `serve` starts it."""

import argparse

import uvicorn

from gateway.settings import Settings
from onevisit.migrations import upgrade_database


def main() -> None:
    parser = argparse.ArgumentParser(prog="gateway")
    parser.add_argument("command", choices=["migrate", "serve"])
    args = parser.parse_args()
    settings = Settings()
    if args.command == "migrate":
        upgrade_database("gateway", settings.database_url, settings.database_schema)
        return
    uvicorn.run("gateway.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
