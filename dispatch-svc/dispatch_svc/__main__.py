"""`python -m dispatch_svc migrate` runs this service's migrations; `serve` starts it."""

import argparse

import uvicorn

from dispatch_svc.settings import Settings
from onevisit.migrations import upgrade_database


def main() -> None:
    parser = argparse.ArgumentParser(prog="dispatch_svc")
    parser.add_argument("command", choices=["migrate", "serve"])
    args = parser.parse_args()
    settings = Settings()
    if args.command == "migrate":
        upgrade_database("dispatch_svc", settings.database_url, settings.database_schema)
        return
    uvicorn.run("dispatch_svc.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
