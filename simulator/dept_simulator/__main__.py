"""`python -m dept_simulator`: simulated departments answering tasks over NATS and webhooks."""

import uvicorn

from dept_simulator.app import create_app
from dept_simulator.settings import SimulatorSettings


def main() -> None:
    settings = SimulatorSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
