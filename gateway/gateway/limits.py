"""Token buckets per client IP and per caller, answering 429 with Retry-After.

Buckets live in the process: with several gateway replicas each enforces its share, which is
the usual trade for not paying a network round trip on every request."""

import math
import time
from dataclasses import dataclass

from onevisit.errors import OneVisitError

# Buckets idle this long are full again anyway; dropping them bounds the memory.
IDLE_SECONDS = 300.0
SWEEP_EVERY = 10_000


class RateLimited(OneVisitError):
    status = 429
    code = "rate_limited"
    title = "请求过于频繁，请稍后再试"


class BodyTooLarge(OneVisitError):
    status = 413
    code = "body_too_large"
    title = "请求内容过大"


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(self, rate: float, burst: int):
        self.rate = rate
        self.burst = float(burst)
        self._buckets: dict[str, _Bucket] = {}
        self._calls = 0

    def take(self, key: str, now: float) -> float:
        """Take one token; 0.0 when allowed, else the seconds until a token is back."""
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        self._calls += 1
        if self._calls % SWEEP_EVERY == 0:
            self._sweep(now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _sweep(self, now: float) -> None:
        for key in [key for key, bucket in self._buckets.items() if now - bucket.updated > IDLE_SECONDS]:
            del self._buckets[key]


class RateLimiter:
    """One bucket per client IP and one per authenticated caller (subject or API client)."""

    def __init__(self, *, ip_rate: float, ip_burst: int, client_rate: float, client_burst: int):
        self._ip = TokenBuckets(ip_rate, ip_burst)
        self._client = TokenBuckets(client_rate, client_burst)

    def check_ip(self, ip: str) -> None:
        self._raise_if_waiting(self._ip.take(ip, time.monotonic()), "来自该地址的请求过于频繁")

    def check_caller(self, caller: str) -> None:
        self._raise_if_waiting(self._client.take(caller, time.monotonic()), "该调用方的请求过于频繁")

    @staticmethod
    def _raise_if_waiting(wait: float, detail: str) -> None:
        if wait > 0:
            raise RateLimited(detail, retry_after=max(1, math.ceil(wait)))
