"""`python -m intake_svc migrate` runs this service's migrations; `serve` starts it."""

import argparse

import uvicorn

from intake_svc.settings import Settings
from onevisit.migrations import upgrade_database


def main() -> None:
    parser = argparse.ArgumentParser(prog="intake_svc")
    parser.add_argument("command", choices=["migrate", "serve"])
    args = parser.parse_args()
    settings = Settings()
    if args.command == "migrate":
        upgrade_database("intake_svc", settings.database_url, settings.database_schema)
        return
    uvicorn.run("intake_svc.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
