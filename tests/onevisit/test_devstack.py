"""`make run`'s launcher: a taken port stops it with a clear message, before anything starts."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.support.infra import free_port


def test_a_taken_port_stops_the_launch_with_a_message_naming_the_setting(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        env = {
            **os.environ,
            "ONEVISIT_VAR_DIR": str(tmp_path),
            "ONEVISIT_NATS_PORT": str(free_port()),
            "ONEVISIT_GATEWAY_PORT": str(taken),
            "ONEVISIT_CATALOG_PORT": str(free_port()),
        }
        result = subprocess.run(
            [sys.executable, "-m", "onevisit.devstack"], env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 2
    assert f"port {taken} (ONEVISIT_GATEWAY_PORT) is already in use" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    # Nothing was started: no NATS data folder, no service log.
    assert not (tmp_path / "nats").exists()
    assert not list((tmp_path / "log").glob("*.log"))
