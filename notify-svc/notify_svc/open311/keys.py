"""API keys of the Open311 client systems (the ones allowed to file requests).

The keys live in the setting `open311_api_keys` (env `NOTIFY_OPEN311_API_KEYS`, a JSON list) as
SHA-256 hex digests, not as keys: a leaked configuration gives nobody a key. An operator issues a
key by generating a random one, giving it to the client system and adding its digest:

    python -c "import secrets; print(secrets.token_urlsafe(32))"            # the key, for the client
    python -c "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())" KEY

and revokes it by removing the digest and restarting notify. A settings list beats a table here:
there are a handful of client systems, keys change rarely, and no endpoint is needed to manage them.

An entry that is not a digest is ignored, with a warning: a plain key in configuration is a leak.
"""

import hashlib
import logging
import re
from functools import lru_cache

from notify_svc.settings import Settings

log = logging.getLogger("notify_svc.open311")

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def allowed_digests(settings: Settings) -> frozenset[str]:
    return _digests(tuple(settings.open311_api_keys))


@lru_cache(maxsize=8)  # settings do not change while notify runs: read (and warn) once
def _digests(entries: tuple[str, ...]) -> frozenset[str]:
    digests = set()
    for entry in (item.strip().lower() for item in entries):
        if _SHA256_HEX.match(entry):
            digests.add(entry)
        else:
            log.warning("open311_api_keys: an entry is not a SHA-256 hex digest; ignored")
    return frozenset(digests)


def client_of(api_key: str | None, settings: Settings) -> str | None:
    """The calling client system's submitter subject, or None when the key is missing or unknown.

    Comparing digests (not keys) in a set lookup leaks nothing useful about a key through timing.
    """
    if not api_key:
        return None
    presented = digest(api_key)
    if presented not in allowed_digests(settings):
        return None
    # The first 16 hex digits name the client system in tickets without revealing its key.
    return f"open311:{presented[:16]}"
