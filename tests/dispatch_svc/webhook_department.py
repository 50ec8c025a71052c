"""A department's webhook endpoint, run as its own process (`python -m uvicorn ...:app`) by the
outage test: it checks the signature, writes every attempt it sees to a JSON-lines file (which
outlives the process, so the test counts attempts across restarts) and answers with the status
given in DEPARTMENT_STATUS (202: stored; 503: the department's system is failing)."""

import json
import os
import time
from typing import Any

from onevisit.signing import verify_webhook

STATUS = int(os.environ.get("DEPARTMENT_STATUS", "202"))
SECRET = os.environ["DEPARTMENT_SECRET"]
LOG = os.environ["DEPARTMENT_LOG"]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return  # lifespan: nothing to start
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
    signed = verify_webhook(
        SECRET, body, headers.get("x-onevisit-timestamp", ""), headers.get("x-onevisit-signature", "")
    )
    status = STATUS if signed else 401
    task = json.loads(body) if signed else {}
    record = {
        "at": time.time(),
        "status": status,
        "task_id": task.get("task_id"),
        "attempt": task.get("attempt"),
        "message_id": headers.get("nats-msg-id"),
    }
    _append(record)
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


def _append(record: dict[str, Any]) -> None:
    # A few bytes to a local file, before answering: the test may read it the moment dispatch has its answer.
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")
