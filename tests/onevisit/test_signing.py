"""Signed links, API-key request signatures and webhook signatures, checked against hand-computed HMACs."""

import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest

from onevisit.signing import (
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
    SignedRequest,
    canonical_request,
    parse_authorization,
    sign_path,
    sign_request,
    sign_webhook,
    verify_request_signature,
    verify_signed_path,
    verify_webhook,
    webhook_headers,
)

SECRET = "s3cret"
NOW = 1_800_000_000


def hmac_hex(message: str | bytes) -> str:
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(SECRET.encode(), data, hashlib.sha256).hexdigest()


# -- signed links --------------------------------------------------------------------------

PATH = "/v1/materials/0b9c/content"


def signed_query(link: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}


def test_signed_link_format() -> None:
    link = sign_path(PATH, secret=SECRET, ttl_seconds=60, now=NOW)
    expected_sig = hmac_hex(PATH + "\n" + str(NOW + 60))
    assert link == f"{PATH}?expires={NOW + 60}&sig={expected_sig}"


def test_signed_link_verifies_until_it_expires() -> None:
    query = signed_query(sign_path(PATH, secret=SECRET, ttl_seconds=60, now=NOW))
    assert verify_signed_path(PATH, **query, secret=SECRET, now=NOW + 60)
    assert not verify_signed_path(PATH, **query, secret=SECRET, now=NOW + 61)


@pytest.mark.parametrize(
    ("path", "change", "secret"),
    [
        ("/v1/materials/other/content", {}, SECRET),
        (PATH, {"expires": str(NOW + 3600)}, SECRET),  # extended by hand
        (PATH, {"expires": "soon"}, SECRET),
        (PATH, {"sig": "签名"}, SECRET),
        (PATH, {}, "another secret"),
    ],
)
def test_tampered_signed_link_is_refused(path: str, change: dict[str, str], secret: str) -> None:
    query = signed_query(sign_path(PATH, secret=SECRET, now=NOW)) | change
    assert not verify_signed_path(path, **query, secret=secret, now=NOW)


def test_sign_path_refuses_a_path_with_a_query() -> None:
    with pytest.raises(ValueError):
        sign_path(f"{PATH}?download=1", secret=SECRET)


# -- API-key request signatures ------------------------------------------------------------

BODY = b'{"decision": "approved"}'
TARGET = "/v1/dept/tasks/42/result?dry=1"


def test_canonical_request() -> None:
    assert canonical_request("post", TARGET, NOW, "n0nce", BODY) == (
        f"POST\n{TARGET}\n{NOW}\nn0nce\n{hashlib.sha256(BODY).hexdigest()}"
    )


def test_sign_request_header_value() -> None:
    header = sign_request(SECRET, "POST", TARGET, BODY, key_id="dept-gaj", ts=NOW, nonce="n0nce")
    sig = hmac_hex(canonical_request("POST", TARGET, NOW, "n0nce", BODY))
    assert header == f"OneVisit-HMAC key=dept-gaj, ts={NOW}, nonce=n0nce, sig={sig}"


def test_signed_request_round_trip_with_fresh_nonces() -> None:
    first = parse_authorization(sign_request(SECRET, "POST", TARGET, BODY, key_id="k1"))
    second = parse_authorization(sign_request(SECRET, "POST", TARGET, BODY, key_id="k1"))
    assert first.key_id == "k1" and first.nonce != second.nonce
    assert verify_request_signature(SECRET, "POST", TARGET, BODY, first)


@pytest.mark.parametrize(
    ("method", "target", "body", "now"),
    [
        ("PUT", TARGET, BODY, NOW),
        ("POST", "/v1/dept/tasks/42/result?dry=0", BODY, NOW),
        ("POST", TARGET, b'{"decision": "rejected"}', NOW),
        ("POST", TARGET, BODY, NOW + 301),  # too late
        ("POST", TARGET, BODY, NOW - 301),  # from the future
    ],
)
def test_changed_or_stale_request_is_refused(method: str, target: str, body: bytes, now: int) -> None:
    signed = parse_authorization(sign_request(SECRET, "POST", TARGET, BODY, key_id="k1", ts=NOW))
    assert verify_request_signature(SECRET, "POST", TARGET, BODY, signed, now=NOW + 300)
    assert not verify_request_signature(SECRET, method, target, body, signed, now=now)


def test_parse_authorization() -> None:
    sig = "a" * 64
    assert parse_authorization(f"OneVisit-HMAC key=k1,ts={NOW},  nonce=abc, sig={sig}") == SignedRequest(
        key_id="k1", ts=NOW, nonce="abc", sig=sig
    )


@pytest.mark.parametrize(
    "header",
    [
        "",
        f"Bearer key=k1, ts={NOW}, nonce=abc, sig={'a' * 64}",
        f"OneVisit-HMAC key=k1, ts={NOW}, nonce=abc",  # no sig
        f"OneVisit-HMAC key=k1, ts=yesterday, nonce=abc, sig={'a' * 64}",
        f"OneVisit-HMAC key=k1, ts={NOW}, nonce=abc, sig={'a' * 64}, extra=1",
        f"OneVisit-HMAC key=k1, key=k2, ts={NOW}, nonce=abc, sig={'a' * 64}",
        f"OneVisit-HMAC key=k1, ts={NOW}, nonce=abc, sig={'g' * 64}",
    ],
)
def test_malformed_authorization_raises_a_chinese_message(header: str) -> None:
    with pytest.raises(ValueError, match="签名"):
        parse_authorization(header)


# -- webhooks ------------------------------------------------------------------------------


def test_webhook_signature_covers_timestamp_and_body() -> None:
    assert sign_webhook(SECRET, BODY, NOW) == hmac_hex(f"{NOW}.".encode() + BODY)


def test_webhook_headers_verify() -> None:
    headers = webhook_headers(SECRET, BODY, timestamp=NOW)
    assert headers[WEBHOOK_SIGNATURE_HEADER].startswith("sha256=")
    assert verify_webhook(
        SECRET, BODY, headers[WEBHOOK_TIMESTAMP_HEADER], headers[WEBHOOK_SIGNATURE_HEADER], now=NOW + 300
    )


def test_bare_hex_webhook_signature_verifies() -> None:
    assert verify_webhook(SECRET, BODY, NOW, sign_webhook(SECRET, BODY, NOW), now=NOW)


@pytest.mark.parametrize(
    ("body", "timestamp", "now"),
    [
        (b"{}", NOW, NOW),
        (BODY, NOW + 1, NOW),  # the timestamp is signed too
        (BODY, NOW, NOW + 301),
        (BODY, "not a number", NOW),
    ],
)
def test_changed_or_stale_webhook_is_refused(body: bytes, timestamp: int | str, now: int) -> None:
    assert not verify_webhook(SECRET, body, timestamp, sign_webhook(SECRET, BODY, NOW), now=now)
