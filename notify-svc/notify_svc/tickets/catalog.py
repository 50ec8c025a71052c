"""What the hotline reads from catalog over HTTP: a bundle's departments (routing) and guides
for the instant answer (即问即答). The transport is injectable so tests run the real catalog app."""

import itertools
import logging
import re
from typing import Any

import httpx

log = logging.getLogger("notify_svc.catalog")

_HAN_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]+")


def ngrams(text: str) -> set[str]:
    """Chinese keyword search without a tokenizer: character bigrams (and whole latin words)."""
    tokens = _HAN_OR_WORD.findall(text or "")
    grams = {a + b for a, b in itertools.pairwise(tokens) if len(a) == len(b) == 1}
    return grams | {t.lower() for t in tokens if len(t) > 1}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the bigrams of two texts (duplicate detection)."""
    left, right = ngrams(a), ngrams(b)
    return len(left & right) / len(left | right) if left and right else 0.0


class CatalogClient:
    def __init__(self, base_url: str, transport: httpx.AsyncBaseTransport | None = None):
        self._client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=5)

    async def close(self) -> None:
        await self._client.aclose()

    async def _get(self, path: str, **params: Any) -> Any:
        """A catalog read; None when catalog is down or does not know it (the hotline still files the ticket)."""
        try:
            response = await self._client.get(path, params={k: v for k, v in params.items() if v is not None})
        except httpx.HTTPError as exc:
            log.warning("catalog unreachable for %s: %r", path, exc)
            return None
        if response.status_code != 200:
            return None
        return response.json()

    async def bundle_departments(self, code: str) -> list[str]:
        """The bundle's lead department first, then every other department of its items."""
        bundle = await self._get(f"/v1/bundles/{code}")
        if not bundle:
            return []
        departments = [bundle.get("lead_department")] + [item.get("department") for item in bundle.get("items", [])]
        return list(dict.fromkeys(d for d in departments if d))

    async def bundles(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(20):  # a catalog has tens of bundles; the bound only guards against a cursor loop
            page = await self._get("/v1/bundles", cursor=cursor)
            if not page:
                break
            items.extend(page.get("items", []))
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return items

    async def instant_answer(self, question: str) -> dict[str, Any] | None:
        """The guide (and FAQs) of the bundle whose name and guide best match the question, if any."""
        wanted = ngrams(question)
        if not wanted:
            return None
        best: tuple[float, dict[str, Any]] | None = None
        for bundle in await self.bundles():
            score = len(wanted & ngrams(f"{bundle.get('name', '')} {bundle.get('category', '')}"))
            if score and (best is None or score > best[0]):
                best = (score, bundle)
        if best is None:
            return None
        bundle = best[1]
        guide = await self._get(f"/v1/bundles/{bundle['code']}/guide") or {}
        faqs = _faqs(guide)
        ranked = sorted(faqs, key=lambda f: -len(wanted & ngrams(f.get("question", "") + f.get("answer", ""))))
        return {
            "bundle_code": bundle["code"],
            "bundle_name": bundle.get("name"),
            "promised_days": bundle.get("promised_days"),
            "faqs": ranked[:3],
            "guide_url": f"/v1/bundles/{bundle['code']}/guide",
            "source": "catalog",
        }


def _faqs(guide: Any) -> list[dict[str, Any]]:
    """FAQs wherever the guide keeps them (常见问题), as question/answer pairs."""
    if not isinstance(guide, dict):
        return []
    found = guide.get("faqs") or guide.get("faq") or guide.get("常见问题") or []
    out = []
    for entry in found if isinstance(found, list) else []:
        if isinstance(entry, dict):
            question = entry.get("question") or entry.get("q") or ""
            answer = entry.get("answer") or entry.get("a") or ""
            out.append({"question": str(question), "answer": str(answer)})
    return out
