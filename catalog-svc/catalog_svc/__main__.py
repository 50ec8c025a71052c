"""`python -m catalog_svc migrate` runs this service's migrations; `seed` loads the seed YAML
files (idempotent); `serve` starts it."""

import argparse
import sys

import uvicorn

from catalog_svc.settings import Settings
from onevisit.migrations import upgrade_database


def main() -> None:
    parser = argparse.ArgumentParser(prog="catalog_svc")
    parser.add_argument("command", choices=["migrate", "seed", "serve"])
    args = parser.parse_args()
    settings = Settings()
    if args.command == "migrate":
        upgrade_database("catalog_svc", settings.database_url, settings.database_schema)
        return
    if args.command == "seed":
        seed(settings)
        return
    uvicorn.run("catalog_svc.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)


def seed(settings: Settings) -> None:
    from catalog_svc.errors import BundleInvalid, DraftInvalid
    from catalog_svc.seed.loader import run

    try:
        report = run(settings)
    except (BundleInvalid, DraftInvalid) as exc:
        # A seed bundle that cannot be published must stop `make run` with every reason shown.
        print(f"catalog seed refused: {exc.detail}", file=sys.stderr)
        for problem in exc.problems:
            print(
                f"  - [{problem.code}] {problem.field or ''} {problem.material or ''} {problem.message}",
                file=sys.stderr,
            )
        sys.exit(1)
    print(
        f"catalog seed: {report.dictionary_changes} dictionary changes; "
        f"published {report.published or 'nothing new'}; unchanged {sorted(report.unchanged)}"
    )


if __name__ == "__main__":
    main()
