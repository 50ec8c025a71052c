"""What the hotline reads from catalog over HTTP: a bundle's departments (routing) and guides
for the instant answer (即问即答). The transport is injectable so tests run the real catalog app."""

import itertools
import logging
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

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
        self._index: list[_AnswerEntry] | None = None
        self._index_built = 0.0
        self._department_names: dict[str, str] = {}
        self._names_read = 0.0

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
        bundle = await self._get(f"/v1/bundles/{quote(code, safe='')}")
        if not bundle:
            return []
        departments = [bundle.get("lead_department")] + [item.get("department") for item in bundle.get("items", [])]
        return list(dict.fromkeys(d for d in departments if d))

    async def department_names(self) -> dict[str, str]:
        """Department code → name (公安机关 for public_security), re-read at most every INDEX_TTL_SECONDS;
        empty while catalog is unreachable (callers then show the code)."""
        now = time.monotonic()
        if not self._department_names or now - self._names_read >= INDEX_TTL_SECONDS:
            listed = await self._get("/v1/departments") or {}
            names = {d["code"]: d["name"] for d in listed.get("items", []) if d.get("code") and d.get("name")}
            if names:
                self._department_names, self._names_read = names, now
        return self._department_names

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
        """即问即答: the bundle whose name, synonyms, item names and FAQs best match the question,
        with its FAQs ranked by the same bigram overlap; None when nothing matches."""
        wanted = ngrams(question)
        if not wanted:
            return None
        scored = [(len(wanted & entry.grams), entry) for entry in await self._answer_index()]
        score, best = max(scored, key=lambda pair: pair[0], default=(0, None))
        if best is None or score == 0:
            return None
        ranked = sorted(best.faqs, key=lambda f: -len(wanted & ngrams(f["question"] + f["answer"])))
        return {
            "bundle_code": best.code,
            "bundle_name": best.name,
            "promised_days": best.promised_days,
            "faqs": ranked[:3],
            "guide_url": f"/v1/bundles/{best.code}/guide",
            "source": "catalog",
        }

    async def _answer_index(self) -> list["_AnswerEntry"]:
        """Every bundle's searchable text and FAQs, rebuilt at most once per INDEX_TTL_SECONDS: a ticket
        must not cost two catalog reads per bundle, and a catalog edit shows within minutes."""
        now = time.monotonic()
        if self._index is not None and now - self._index_built < INDEX_TTL_SECONDS:
            return self._index
        entries = []
        for summary in await self.bundles():
            detail = await self._get(f"/v1/bundles/{summary['code']}") or {}
            guide = await self._get(f"/v1/bundles/{summary['code']}/guide") or {}
            entries.append(_AnswerEntry.of(summary, detail, _faqs(guide)))
        if entries:  # catalog down: answer nothing now, try again on the next ticket
            self._index, self._index_built = entries, now
        return entries


INDEX_TTL_SECONDS = 300


@dataclass(frozen=True)
class _AnswerEntry:
    code: str
    name: str
    promised_days: int | None
    grams: frozenset[str]
    faqs: list[dict[str, str]]

    @classmethod
    def of(cls, summary: dict[str, Any], detail: dict[str, Any], faqs: list[dict[str, str]]) -> "_AnswerEntry":
        words = [
            summary.get("name", ""),
            summary.get("category", ""),
            *detail.get("synonyms", []),
            *(item.get("name", "") for item in detail.get("items", [])),
            *(faq["question"] for faq in faqs),
        ]
        return cls(
            code=summary["code"],
            name=summary.get("name", summary["code"]),
            promised_days=summary.get("promised_days"),
            grams=frozenset().union(*(ngrams(word) for word in words)),  # per word: no bigram across two
            faqs=faqs,
        )


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
